//! The URL of one exchange on a workflow service, parsed once at the edge.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use super::error::CoordinatorError;

/// The URL of an exchange (`<workflow>/exchanges/<exchangeId>`): where the coordinator polls
/// and where wallets post.
///
/// Always an absolute `http` or `https` URL. Anyone who holds it can take part in the exchange,
/// so treat it like the link on a product tag it is printed on: share it with the intended wallet.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ExchangeUrl(Url);

impl ExchangeUrl {
    /// Parses and checks an exchange URL.
    pub fn parse(url: &str) -> Result<Self, CoordinatorError> {
        let parsed = Url::parse(url).map_err(|_| CoordinatorError::InvalidUrl {
            url: url.to_owned(),
            reason: "not an absolute URL",
        })?;
        Self::from_url(parsed)
    }

    /// Checks an already parsed URL.
    pub fn from_url(url: Url) -> Result<Self, CoordinatorError> {
        check_http_url(&url)?;
        Ok(Self(url))
    }

    /// The URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The exchange's id: the last path segment, if the URL has the usual shape.
    pub fn exchange_id(&self) -> Option<&str> {
        self.0
            .path_segments()
            .and_then(|mut segments| segments.next_back())
            .filter(|segment| !segment.is_empty())
    }
}

/// Workflow and exchange URLs must be absolute `http(s)` URLs with a host.
pub(crate) fn check_http_url(url: &Url) -> Result<(), CoordinatorError> {
    let reason = if !matches!(url.scheme(), "http" | "https") {
        Some("not an http or https URL")
    } else if url.host().is_none() || url.cannot_be_a_base() {
        Some("no host")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(CoordinatorError::InvalidUrl {
            url: url.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

impl FromStr for ExchangeUrl {
    type Err = CoordinatorError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::parse(url)
    }
}

impl fmt::Display for ExchangeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ExchangeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExchangeUrl").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for ExchangeUrl {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<ExchangeUrl> for Url {
    fn from(url: ExchangeUrl) -> Self {
        url.0
    }
}

impl Serialize for ExchangeUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ExchangeUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_urls_and_names_the_exchange() {
        let url = ExchangeUrl::parse("https://issuer.example/workflows/w1/exchanges/z123").unwrap();
        assert_eq!(url.exchange_id(), Some("z123"));
        assert_eq!(
            url.to_string(),
            "https://issuer.example/workflows/w1/exchanges/z123"
        );
        let json = serde_json::to_value(&url).unwrap();
        assert_eq!(serde_json::from_value::<ExchangeUrl>(json).unwrap(), url);
    }

    #[test]
    fn refuses_other_urls() {
        for bad in [
            "/workflows/w1/exchanges/z1",
            "mailto:a@b.example",
            "ftp://x.example/e",
            "data:text/plain,x",
            "",
        ] {
            let error = ExchangeUrl::parse(bad).unwrap_err();
            assert_eq!(error.code(), "INVALID_URL", "{bad}");
        }
        assert!(serde_json::from_str::<ExchangeUrl>("\"urn:uuid:1\"").is_err());
    }
}
