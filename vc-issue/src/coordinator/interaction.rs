//! What the coordinator hands to a wallet: the interaction URL, the wallet payload, and the URL
//! as a QR code.

use serde_json::{json, Value};
use url::Url;

use super::error::CoordinatorError;
use super::exchange_url::ExchangeUrl;
use super::qr::QrSymbol;

/// The query parameter that marks a URL as a VCALM interaction URL (`iuv`, interaction URL
/// version); a wallet that sees it fetches the URL with `Accept: application/json` to learn the
/// protocols it can use.
const INTERACTION_PARAM: &str = "iuv";
const INTERACTION_VERSION: &str = "1";

/// The ways to bring a wallet to an exchange: a link, a QR code of that link, or the payload a
/// web page passes to a browser wallet.
///
/// Built by [`Coordinator::interaction`](super::Coordinator::interaction) or
/// [`Interaction::new`]; the QR code is encoded once, here, so rendering it cannot fail for
/// lack of room.
#[derive(Clone)]
pub struct Interaction {
    exchange_url: ExchangeUrl,
    url: Url,
    qr: QrSymbol,
}

impl Interaction {
    /// The interaction for an exchange.
    ///
    /// Fails with `QR_ENCODING_FAILED` when the URL is too long for a QR code.
    pub fn new(exchange_url: &ExchangeUrl) -> Result<Self, CoordinatorError> {
        let url = interaction_url(exchange_url.as_url());
        let qr = QrSymbol::encode(url.as_str())?;
        Ok(Self {
            exchange_url: exchange_url.clone(),
            url,
            qr,
        })
    }

    /// The interaction URL: the exchange URL with `iuv=1` appended to its query (the existing
    /// query is kept as it is).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The exchange this interaction leads to.
    pub fn exchange_url(&self) -> &ExchangeUrl {
        &self.exchange_url
    }

    /// The payload for a browser wallet (for example through the Credential Handler API): a
    /// `VerifiablePresentation` request whose `interact` service is the exchange.
    pub fn wallet_payload(&self) -> Value {
        json!({
            "VerifiablePresentation": {
                "interact": {
                    "service": [{
                        "type": "VerifiableCredentialApiExchangeService",
                        "serviceEndpoint": self.exchange_url.as_str(),
                    }]
                }
            }
        })
    }

    /// Modules per side of the QR code, without the quiet zone.
    pub fn qr_modules(&self) -> usize {
        self.qr.modules()
    }

    /// The interaction URL as an SVG QR code (black on white, with the quiet zone).
    pub fn qr_svg(&self) -> String {
        self.qr.svg()
    }

    /// The interaction URL as an 8-bit grayscale PNG QR code with a quiet zone of
    /// [`QUIET_ZONE`](super::QUIET_ZONE) modules: `scale` pixels per module (clamped to
    /// `1..=`[`MAX_PNG_SCALE`](super::MAX_PNG_SCALE)), so
    /// `(qr_modules() + 8) * scale` pixels square.
    pub fn qr_png(&self, scale: u32) -> Result<Vec<u8>, CoordinatorError> {
        self.qr.png(scale)
    }
}

impl std::fmt::Debug for Interaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interaction")
            .field("url", &self.url.as_str())
            .field("qr_modules", &self.qr.modules())
            .finish()
    }
}

/// The exchange URL with `iuv=1` appended to its query. The existing query is kept byte for byte
/// (not re-encoded): the service may compare it as it issued it.
fn interaction_url(exchange_url: &Url) -> Url {
    let mut url = exchange_url.clone();
    let marked = url
        .query_pairs()
        .any(|(name, value)| name == INTERACTION_PARAM && value == INTERACTION_VERSION);
    if !marked {
        let query = match exchange_url.query() {
            Some(query) if !query.is_empty() => {
                format!("{query}&{INTERACTION_PARAM}={INTERACTION_VERSION}")
            }
            _ => format!("{INTERACTION_PARAM}={INTERACTION_VERSION}"),
        };
        url.set_query(Some(&query));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interaction(url: &str) -> Interaction {
        Interaction::new(&ExchangeUrl::parse(url).unwrap()).unwrap()
    }

    #[test]
    fn appends_iuv_and_keeps_the_query() {
        assert_eq!(
            interaction("https://i.example/workflows/w/exchanges/z1")
                .url()
                .as_str(),
            "https://i.example/workflows/w/exchanges/z1?iuv=1"
        );
        assert_eq!(
            interaction("https://i.example/e/z1?lang=fr&tag=a%20b")
                .url()
                .as_str(),
            "https://i.example/e/z1?lang=fr&tag=a%20b&iuv=1"
        );
        assert_eq!(
            interaction("https://i.example/e/z1?").url().as_str(),
            "https://i.example/e/z1?iuv=1"
        );
        // Already an interaction URL: not marked twice.
        assert_eq!(
            interaction("https://i.example/e/z1?x=1&iuv=1")
                .url()
                .as_str(),
            "https://i.example/e/z1?x=1&iuv=1"
        );
    }

    #[test]
    fn the_wallet_payload_points_at_the_exchange_not_the_interaction_url() {
        let payload = interaction("https://i.example/e/z1").wallet_payload();
        assert_eq!(
            payload,
            json!({"VerifiablePresentation": {"interact": {"service": [{
                "type": "VerifiableCredentialApiExchangeService",
                "serviceEndpoint": "https://i.example/e/z1"
            }]}}})
        );
    }
}
