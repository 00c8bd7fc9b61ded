//! A keyed pseudo-random permutation of a list's index space.
//!
//! Allocation hands out counter values `0, 1, 2, ...`; publishing them as indexes would tell anyone
//! who sees two credentials which was issued first and roughly how many were issued in between.
//! The spec recommends random indexes for herd privacy. Mapping the counter through a keyed
//! permutation gives indexes that look random but, being a bijection, never collide: no retry loop,
//! no "is this index taken?" query.
//!
//! The permutation is a balanced Feistel network over the smallest even number of bits that covers
//! the domain, with SipHash-2-4 as the keyed round function, made to fit `[0, domain)` by
//! cycle-walking (re-applying the network until the value falls inside the domain; because the
//! network is a permutation of the larger power-of-two space, the walk always ends and the result is
//! a permutation of `[0, domain)`). The key is derived from a per-list random seed stored with the
//! list, so every process and every restart computes the same mapping.

use std::hash::Hasher;

use sha2::{Digest, Sha256};
use siphasher::sip::SipHasher24;

use crate::{Error, Result};

/// Feistel rounds; 6 rounds of a PRF are far beyond the 4 that Luby–Rackoff needs.
const ROUNDS: u8 = 6;

/// The largest supported domain (2^62 elements).
pub const MAX_DOMAIN: u64 = 1 << 62;

/// A keyed bijection on `[0, domain)`.
///
/// ```
/// use vc_status::Permutation;
///
/// let p = Permutation::new(&[7; 32], 1000)?;
/// let mut seen = std::collections::HashSet::new();
/// for counter in 0..1000 {
///     let index = p.apply(counter)?;
///     assert!(index < 1000);
///     assert!(seen.insert(index));
///     assert_eq!(p.invert(index)?, counter);
/// }
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Clone)]
pub struct Permutation {
    domain: u64,
    half_bits: u32,
    mask: u64,
    k0: u64,
    k1: u64,
}

impl std::fmt::Debug for Permutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs.
        f.debug_struct("Permutation")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl Permutation {
    /// The permutation of `[0, domain)` keyed by `seed`.
    pub fn new(seed: &[u8; 32], domain: u64) -> Result<Self> {
        if domain == 0 || domain > MAX_DOMAIN {
            return Err(Error::Config {
                reason: "permutation domain must be in 1..=2^62",
            });
        }
        let bits = (u64::BITS - (domain - 1).leading_zeros()).max(2);
        let half_bits = bits.div_ceil(2);
        let digest = Sha256::new()
            .chain_update(b"vc-status/permutation/v1")
            .chain_update(seed)
            .finalize();
        let mut k = [0u8; 8];
        k.copy_from_slice(&digest[0..8]);
        let k0 = u64::from_le_bytes(k);
        k.copy_from_slice(&digest[8..16]);
        let k1 = u64::from_le_bytes(k);
        Ok(Permutation {
            domain,
            half_bits,
            mask: (1u64 << half_bits) - 1,
            k0,
            k1,
        })
    }

    /// The size of the domain.
    pub fn domain(&self) -> u64 {
        self.domain
    }

    fn round(&self, round: u8, half: u64) -> u64 {
        let mut h = SipHasher24::new_with_keys(self.k0, self.k1);
        let mut buf = [0u8; 9];
        buf[0] = round;
        buf[1..].copy_from_slice(&half.to_le_bytes());
        h.write(&buf);
        h.finish() & self.mask
    }

    fn forward(&self, x: u64) -> u64 {
        let (mut l, mut r) = (x >> self.half_bits, x & self.mask);
        for round in 0..ROUNDS {
            let next = l ^ self.round(round, r);
            l = r;
            r = next;
        }
        (l << self.half_bits) | r
    }

    fn backward(&self, y: u64) -> u64 {
        let (mut l, mut r) = (y >> self.half_bits, y & self.mask);
        for round in (0..ROUNDS).rev() {
            let prev = r ^ self.round(round, l);
            r = l;
            l = prev;
        }
        (l << self.half_bits) | r
    }

    /// The image of `x` (a counter value) in `[0, domain)`.
    pub fn apply(&self, x: u64) -> Result<u64> {
        self.check(x)?;
        Ok(self.walk(x))
    }

    /// The image of `x`, which the caller has checked is inside the domain (a reservation checks
    /// its whole range once). Outside the domain the walk might never come back into it.
    pub(crate) fn walk(&self, x: u64) -> u64 {
        debug_assert!(x < self.domain);
        let mut y = self.forward(x);
        while y >= self.domain {
            y = self.forward(y);
        }
        y
    }

    /// The counter value that maps to `y`.
    pub fn invert(&self, y: u64) -> Result<u64> {
        self.check(y)?;
        let mut x = self.backward(y);
        while x >= self.domain {
            x = self.backward(x);
        }
        Ok(x)
    }

    fn check(&self, x: u64) -> Result<()> {
        if x >= self.domain {
            return Err(Error::Range {
                index: x,
                entries: self.domain,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bijection_on_odd_and_power_of_two_domains() {
        for domain in [1u64, 2, 3, 7, 64, 1000, 4096, 131_072 + 5] {
            let p = Permutation::new(&[domain as u8; 32], domain).unwrap();
            let mut seen = vec![false; domain as usize];
            for x in 0..domain {
                let y = p.apply(x).unwrap();
                assert!(!seen[y as usize], "collision in domain {domain}");
                seen[y as usize] = true;
                assert_eq!(p.invert(y).unwrap(), x);
            }
        }
    }

    #[test]
    fn different_seeds_give_different_orders_and_counters_are_not_the_order() {
        let a = Permutation::new(&[1; 32], 131_072).unwrap();
        let b = Permutation::new(&[2; 32], 131_072).unwrap();
        let xa: Vec<u64> = (0..64).map(|x| a.apply(x).unwrap()).collect();
        let xb: Vec<u64> = (0..64).map(|x| b.apply(x).unwrap()).collect();
        assert_ne!(xa, xb);
        // The first 64 counters do not come out as a run of small or increasing indexes.
        assert!(xa.windows(2).any(|w| w[0] > w[1]));
        assert!(xa.iter().any(|&y| y > 65_536));
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = Permutation::new(&[9; 32], 5000).unwrap();
        let b = Permutation::new(&[9; 32], 5000).unwrap();
        for x in 0..5000 {
            assert_eq!(a.apply(x).unwrap(), b.apply(x).unwrap());
        }
    }

    #[test]
    fn out_of_domain_is_a_range_error() {
        let p = Permutation::new(&[0; 32], 10).unwrap();
        assert_eq!(p.apply(10).unwrap_err().code(), "RANGE_ERROR");
        assert_eq!(
            Permutation::new(&[0; 32], 0).unwrap_err().code(),
            "STATUS_CONFIG_ERROR"
        );
    }
}
