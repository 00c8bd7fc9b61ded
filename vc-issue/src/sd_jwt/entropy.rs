//! The randomness one SD-JWT takes (its salts and decoy digests), drawn from the operating
//! system's CSPRNG in one call per credential instead of one per salt.
//!
//! A credential with ten disclosures used to make fourteen `getrandom` system calls; they were
//! about 6 % of issuing an EdDSA SD-JWT VC (BENCHMARKS.md, "SD-JWT VC"). The bytes are the same
//! OS randomness as before, only fetched together; nothing is kept from one credential to the
//! next.

use rand::RngCore;

use crate::error::IssueError;

/// Bytes fetched per call: ten 16-byte salts and the most decoys of one `_sd` array
/// (1 + 3 × 32) fit in one fill; a bigger credential refills.
const CHUNK: usize = 256;

/// OS randomness, fetched [`CHUNK`] bytes at a time and handed out once each.
pub(crate) struct Entropy {
    buffer: [u8; CHUNK],
    used: usize,
}

impl Entropy {
    /// An empty source: the first [`Entropy::take`] fills it.
    pub(crate) fn new() -> Self {
        Self {
            buffer: [0; CHUNK],
            used: CHUNK,
        }
    }

    /// `N` bytes never handed out before.
    pub(crate) fn take<const N: usize>(&mut self) -> Result<[u8; N], IssueError> {
        let mut out = [0u8; N];
        let mut filled = 0;
        while filled < N {
            if self.used == CHUNK {
                rand::rngs::OsRng
                    .try_fill_bytes(&mut self.buffer)
                    .map_err(|e| IssueError::internal("salt from the OS random source", e))?;
                self.used = 0;
            }
            let n = (N - filled).min(CHUNK - self.used);
            out[filled..filled + n].copy_from_slice(&self.buffer[self.used..self.used + n]);
            // Handed-out bytes are overwritten so the buffer never holds a salt already used.
            self.buffer[self.used..self.used + n].fill(0);
            self.used += n;
            filled += n;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_fresh_bytes_across_refills() {
        let mut entropy = Entropy::new();
        let mut seen = std::collections::HashSet::new();
        // 40 salts of 16 bytes cross two refills (640 > 2 × 256 bytes).
        for _ in 0..40 {
            let salt = entropy.take::<16>().unwrap();
            assert_ne!(salt, [0u8; 16]);
            assert!(seen.insert(salt), "a salt came out twice");
        }
        // A take that straddles the end of the buffer.
        let mut entropy = Entropy::new();
        entropy.take::<250>().unwrap();
        let straddling = entropy.take::<32>().unwrap();
        assert_ne!(straddling[6..], [0u8; 26]);
    }
}
