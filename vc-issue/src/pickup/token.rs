//! The one-time token and the digest stores keep instead of it.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::error::PickupError;

/// How many random bytes a token carries (256 bits; the issue asks for at least 128).
const TOKEN_BYTES: usize = 32;

/// The longest text [`TokenDigest::of_presented`] hashes; anything longer cannot be a token of
/// ours, and hashing it would only cost time.
const MAX_PRESENTED_LEN: usize = 512;

/// A one-time pickup token: the capability to fetch one credential once.
///
/// 256 bits from the operating system's CSPRNG, base64url without padding (43 characters).
/// `Debug` prints `PickupToken(<redacted>)`; there is deliberately no `Display` or `Serialize`,
/// so the token leaves only through [`expose`](Self::expose).
#[derive(Clone, PartialEq, Eq)]
pub struct PickupToken(String);

impl PickupToken {
    /// A fresh random token.
    pub fn generate() -> Result<Self, PickupError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| PickupError::Randomness(std::sync::Arc::new(e)))?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The token's text, to put into the link handed to the holder. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The digest stores keep.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for PickupToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PickupToken(<redacted>)")
    }
}

/// The SHA-256 digest of a token: what stores keep and look up by.
///
/// A digest cannot be turned back into its token, so a copy of the store hands out nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// The digest of a token as a caller presented it, or `None` when the text cannot be a token
    /// (empty or absurdly long). Unknown tokens of the right shape get a digest that simply
    /// matches nothing.
    pub fn of_presented(token: &str) -> Option<Self> {
        let token = token.trim();
        if token.is_empty() || token.len() > MAX_PRESENTED_LEN {
            return None;
        }
        Some(TokenDigest(Sha256::digest(token.as_bytes()).into()))
    }

    /// A digest from its 32 bytes (as a store read it back).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenDigest(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A prefix is enough to tell records apart in a log line.
        let prefix: String = self.0.iter().take(4).map(|b| format!("{b:02x}")).collect();
        write!(f, "TokenDigest({prefix}..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_redacted() {
        let a = PickupToken::generate().unwrap();
        let b = PickupToken::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(a.expose()).unwrap().len(), 32);
        assert_eq!(format!("{a:?}"), "PickupToken(<redacted>)");
        assert_eq!(TokenDigest::of_presented(a.expose()), Some(a.digest()));
        assert_ne!(a.digest(), b.digest());
        assert!(!format!("{:?}", a.digest()).contains(a.expose()));
        assert_eq!(TokenDigest::of_presented(""), None);
        assert_eq!(TokenDigest::of_presented(&"x".repeat(513)), None);
    }
}
