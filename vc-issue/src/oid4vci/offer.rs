//! Credential offers (OpenID4VCI 1.0 §4.1): what the issuer hands the wallet, as an
//! `openid-credential-offer://` URI, by value or by reference, and as a QR code of it.

use std::fmt;

use rand::Rng;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::error::Oid4vciError;
use crate::coordinator::qr::QrSymbol;

/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// The scheme of offer URIs wallets register for.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";

/// The longest `tx_code` an offer may ask for: the user types it, so it is short, and the
/// attempts limit, not its length, is what keeps it from being guessed.
pub const MAX_TX_CODE_LENGTH: u8 = 32;

/// The characters of a [`TxCodeInputMode::Text`] code: no `0/O`, `1/I/l`, easy to read aloud.
const TEXT_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// What the user types the `tx_code` with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TxCodeInputMode {
    /// Digits only (`numeric`).
    Numeric,
    /// Letters and digits (`text`).
    Text,
}

/// A transaction code the token request must carry, sent to the user on another channel (an
/// e-mail, an SMS, the screen of the registrar's office) than the offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxCode {
    input_mode: TxCodeInputMode,
    length: u8,
    description: Option<String>,
}

impl TxCode {
    /// A code of `length` digits.
    pub fn numeric(length: u8) -> Self {
        Self {
            input_mode: TxCodeInputMode::Numeric,
            length,
            description: None,
        }
    }

    /// A code of `length` letters and digits.
    pub fn text(length: u8) -> Self {
        Self {
            input_mode: TxCodeInputMode::Text,
            length,
            description: None,
        }
    }

    /// Tells the user where to find the code (at most 300 characters, as the specification
    /// asks).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    pub(crate) fn check(&self) -> Result<(), Oid4vciError> {
        if self.length == 0 || self.length > MAX_TX_CODE_LENGTH {
            return Err(Oid4vciError::invalid_request(format!(
                "a tx_code has 1 to {MAX_TX_CODE_LENGTH} characters"
            )));
        }
        if self
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 300)
        {
            return Err(Oid4vciError::invalid_request(
                "a tx_code description has at most 300 characters",
            ));
        }
        Ok(())
    }

    /// A fresh code of this shape, from the operating system's CSPRNG.
    pub(crate) fn generate(&self) -> String {
        let mut rng = rand::rngs::OsRng;
        (0..self.length)
            .map(|_| match self.input_mode {
                TxCodeInputMode::Numeric => char::from(b'0' + rng.gen_range(0..10u8)),
                TxCodeInputMode::Text => {
                    char::from(TEXT_ALPHABET[rng.gen_range(0..TEXT_ALPHABET.len())])
                }
            })
            .collect()
    }

    /// The offer's `tx_code` object.
    pub(crate) fn to_json(&self) -> Value {
        let mut object = Map::new();
        let mode = match self.input_mode {
            TxCodeInputMode::Numeric => "numeric",
            TxCodeInputMode::Text => "text",
        };
        object.insert("input_mode".into(), json!(mode));
        object.insert("length".into(), json!(self.length));
        if let Some(description) = &self.description {
            object.insert("description".into(), json!(description));
        }
        Value::Object(object)
    }
}

/// What to offer: credentials of configurations with their claims (pre-authorized) or to be
/// authorized by the user (authorization code), an optional `tx_code`, how long the code or
/// `issuer_state` lives, and whether the offer travels by reference.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct OfferRequest {
    pub(crate) credentials: Vec<(String, Map<String, Value>)>,
    pub(crate) authorized: Vec<String>,
    pub(crate) tx_code: Option<TxCode>,
    pub(crate) ttl: Option<time::Duration>,
    pub(crate) by_reference: bool,
}

impl OfferRequest {
    /// An empty request; add at least one [`credential`](Self::credential).
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers a credential of the configuration `configuration_id` with these claims about the
    /// holder (checked against the configuration's schema when the credential is issued, and
    /// at once when the offer is made).
    pub fn credential(
        mut self,
        configuration_id: impl Into<String>,
        claims: Map<String, Value>,
    ) -> Self {
        self.credentials.push((configuration_id.into(), claims));
        self
    }

    /// Offers a credential of the configuration `configuration_id` through the authorization
    /// code flow: the offer carries the `authorization_code` grant with an `issuer_state`, and
    /// the claims come from the user's authentication. Not with [`credential`](Self::credential)
    /// or a [`tx_code`](Self::tx_code) in the same offer; needs the issuer's
    /// [`authenticator`](super::Oid4vciIssuerBuilder::authenticator).
    pub fn authorization(mut self, configuration_id: impl Into<String>) -> Self {
        self.authorized.push(configuration_id.into());
        self
    }

    /// Requires a transaction code at the token endpoint; the code is returned with the offer.
    pub fn tx_code(mut self, tx_code: TxCode) -> Self {
        self.tx_code = Some(tx_code);
        self
    }

    /// How long the pre-authorized code lives (the issuer's default otherwise).
    pub fn ttl(mut self, ttl: time::Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Puts a `credential_offer_uri` into the offer URI instead of the offer itself: a short QR
    /// code, and the offer, fetched once, is gone from the server.
    pub fn by_reference(mut self, by_reference: bool) -> Self {
        self.by_reference = by_reference;
        self
    }
}

/// A credential offer made by the issuer: the offer object, its URI, the `tx_code` to send the
/// user on another channel, and when the pre-authorized code expires.
///
/// The offer carries the pre-authorized code: `Debug` redacts it, the `tx_code` and the URIs.
#[derive(Clone)]
pub struct CredentialOffer {
    pub(crate) offer: Value,
    pub(crate) tx_code: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) expires_at: OffsetDateTime,
}

impl CredentialOffer {
    /// The offer object (`credential_issuer`, `credential_configuration_ids`, `grants`).
    pub fn offer(&self) -> &Value {
        &self.offer
    }

    /// The transaction code, when the offer asks for one: give it to the user on another
    /// channel than the offer.
    pub fn tx_code(&self) -> Option<&str> {
        self.tx_code.as_deref()
    }

    /// When the pre-authorized code stops working.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }

    /// `openid-credential-offer://?credential_offer=<the offer, URL-encoded>`.
    pub fn uri_by_value(&self) -> String {
        let json = self.offer.to_string();
        format!(
            "{OFFER_SCHEME}?credential_offer={}",
            url::form_urlencoded::byte_serialize(json.as_bytes()).collect::<String>()
        )
    }

    /// `openid-credential-offer://?credential_offer_uri=<URL>`, for an offer made
    /// [`by_reference`](OfferRequest::by_reference).
    pub fn uri_by_reference(&self) -> Option<String> {
        self.reference.as_ref().map(|reference| {
            format!(
                "{OFFER_SCHEME}?credential_offer_uri={}",
                url::form_urlencoded::byte_serialize(reference.as_bytes()).collect::<String>()
            )
        })
    }

    /// The URI to hand out: by reference when the offer was made so, by value otherwise.
    pub fn uri(&self) -> String {
        self.uri_by_reference()
            .unwrap_or_else(|| self.uri_by_value())
    }

    /// A QR code of [`uri`](Self::uri) as an SVG document.
    pub fn qr_svg(&self) -> Result<String, Oid4vciError> {
        Ok(self.symbol()?.svg())
    }

    /// A QR code of [`uri`](Self::uri) as a grayscale PNG, `scale` pixels per module (clamped
    /// to `1..=`[`MAX_PNG_SCALE`](crate::coordinator::MAX_PNG_SCALE)).
    pub fn qr_png(&self, scale: u32) -> Result<Vec<u8>, Oid4vciError> {
        self.symbol()?
            .png(scale)
            .map_err(|e| Oid4vciError::Qr(std::sync::Arc::new(e)))
    }

    /// A QR code of [`uri`](Self::uri) for a terminal: two modules per character row, with the
    /// quiet zone.
    pub fn qr_text(&self) -> Result<String, Oid4vciError> {
        Ok(self.symbol()?.text())
    }

    fn symbol(&self) -> Result<QrSymbol, Oid4vciError> {
        QrSymbol::encode(&self.uri()).map_err(|e| Oid4vciError::Qr(std::sync::Arc::new(e)))
    }
}

impl fmt::Debug for CredentialOffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialOffer")
            .field("offer", &"<redacted>")
            .field("tx_code", &self.tx_code.as_ref().map(|_| "<redacted>"))
            .field("by_reference", &self.reference.is_some())
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_codes_have_their_shape() {
        let numeric = TxCode::numeric(6).generate();
        assert_eq!(numeric.len(), 6);
        assert!(numeric.bytes().all(|b| b.is_ascii_digit()));
        let text = TxCode::text(8).generate();
        assert!(text.bytes().all(|b| TEXT_ALPHABET.contains(&b)));
        assert!(TxCode::numeric(0).check().is_err());
        assert!(TxCode::numeric(33).check().is_err());
        assert!(TxCode::text(4)
            .with_description("x".repeat(301))
            .check()
            .is_err());
        assert_eq!(
            TxCode::numeric(4)
                .with_description("in your e-mail")
                .to_json(),
            json!({"input_mode": "numeric", "length": 4, "description": "in your e-mail"})
        );
    }
}
