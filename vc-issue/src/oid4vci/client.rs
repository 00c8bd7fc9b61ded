//! The wallets registered with the built-in authorization server, and their redirect URIs.

/// A wallet (OAuth public client) allowed to use the authorization code flow: its `client_id`
/// and the redirect URIs the authorization endpoint may send the browser to.
///
/// A `redirect_uri` must equal a registered one exactly (no prefix, path or query matching):
/// anything looser lets an attacker steer a code to a URI of theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub(crate) client_id: String,
    pub(crate) redirect_uris: Vec<String>,
}

impl OAuthClient {
    /// The client `client_id` with its redirect URIs (absolute, without fragment; custom schemes
    /// of native wallets are fine).
    pub fn new(
        client_id: impl Into<String>,
        redirect_uris: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
        }
    }

    /// Its `client_id`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Whether `redirect_uri` is exactly one of its redirect URIs.
    pub(crate) fn allows(&self, redirect_uri: &str) -> bool {
        self.redirect_uris.iter().any(|r| r == redirect_uri)
    }

    /// A registration the builder refuses: no redirect URI, or one that is not an absolute URI
    /// without fragment.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.client_id.is_empty() {
            return Some("a client has a client_id".into());
        }
        if self.redirect_uris.is_empty() {
            return Some(format!("the client {} has no redirect URI", self.client_id));
        }
        self.redirect_uris
            .iter()
            .find_map(|uri| match url::Url::parse(uri) {
                Ok(parsed) if parsed.fragment().is_none() => None,
                _ => Some(format!(
                    "the redirect URI {uri} of {} is not an absolute URI without fragment",
                    self.client_id
                )),
            })
    }
}
