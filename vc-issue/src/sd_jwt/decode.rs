//! Reading an SD-JWT: splitting `<JWT>~<disclosures>~[KB-JWT]`, and putting the disclosures back
//! into the payload, strictly (RFC 9901 section 7.1): every digest at most once, every
//! disclosure referenced exactly once, names and places as the specification says.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::sd_jwt::disclosure::{digest, Disclosure};
use crate::sd_jwt::SdJwtError;

/// The parts of a compact SD-JWT (or SD-JWT+KB), not yet verified.
#[derive(Debug, Clone)]
pub struct SdJwtParts<'a> {
    /// The issuer-signed JWT.
    pub jwt: &'a str,
    /// The disclosures, in the order presented.
    pub disclosures: Vec<Disclosure>,
    /// The key binding JWT, if any.
    pub kb_jwt: Option<&'a str>,
    /// Everything up to and including the last `~`: what `sd_hash` is computed over.
    pub signed_part: &'a str,
}

/// The deepest claim path the decoder follows (disclosures inside disclosures included).
pub const MAX_DEPTH: usize = 64;

/// The largest SD-JWT accepted (1 MiB): a bound on the work a presentation can cause.
pub const MAX_SD_JWT_LEN: usize = 1 << 20;

impl<'a> SdJwtParts<'a> {
    /// Splits and parses a compact SD-JWT; a presentation without a KB-JWT ends in `~`.
    pub fn parse(compact: &'a str) -> Result<Self, SdJwtError> {
        let malformed = |reason| SdJwtError::Malformed { reason };
        if compact.len() > MAX_SD_JWT_LEN {
            return Err(malformed("longer than 1 MiB"));
        }
        let last = compact
            .rfind('~')
            .ok_or(malformed("no ~ after the issuer-signed JWT"))?;
        let (signed_part, kb) = compact.split_at(last + 1);
        let mut pieces = signed_part[..last].split('~');
        let jwt = pieces.next().unwrap_or_default();
        if jwt.split('.').count() != 3 {
            return Err(malformed("the issuer-signed part is not a compact JWS"));
        }
        let mut seen = std::collections::HashSet::new();
        let mut disclosures = Vec::new();
        for piece in pieces {
            if piece.is_empty() {
                return Err(malformed("an empty disclosure"));
            }
            if !seen.insert(piece) {
                return Err(SdJwtError::DuplicateDigest);
            }
            disclosures.push(Disclosure::parse(piece)?);
        }
        let kb_jwt = (!kb.is_empty()).then_some(kb);
        Ok(SdJwtParts {
            jwt,
            disclosures,
            kb_jwt,
            signed_part,
        })
    }
}

/// A claim path as the decoder found it (property names and array indexes).
pub type FoundPath = Vec<PathStep>;

/// One step of a [`FoundPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object property.
    Key(String),
    /// An array element.
    Index(usize),
}

/// The payload with every presented disclosure put back, and where each one went.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The claims, without `_sd`, `_sd_alg` or `...` markers.
    pub claims: Map<String, Value>,
    /// For each disclosure (by its position in the presentation), its claim path.
    pub paths: Vec<FoundPath>,
}

struct Decoder<'d> {
    by_digest: HashMap<String, usize>,
    disclosures: &'d [Disclosure],
    paths: Vec<Option<FoundPath>>,
    seen_digests: std::collections::HashSet<String>,
}

/// Puts `disclosures` back into `payload` (which must hold `_sd_alg` `sha-256` or none).
pub fn decode(
    payload: &Map<String, Value>,
    disclosures: &[Disclosure],
) -> Result<Decoded, SdJwtError> {
    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(alg)) if alg == "sha-256" => {}
        Some(_) => {
            return Err(SdJwtError::Malformed {
                reason: "_sd_alg is not sha-256",
            })
        }
    }
    let mut by_digest = HashMap::with_capacity(disclosures.len());
    for (i, d) in disclosures.iter().enumerate() {
        if by_digest.insert(digest(d.as_str()), i).is_some() {
            return Err(SdJwtError::DuplicateDigest);
        }
    }
    let mut decoder = Decoder {
        by_digest,
        disclosures,
        paths: vec![None; disclosures.len()],
        seen_digests: std::collections::HashSet::new(),
    };
    let mut path = Vec::new();
    let mut claims = decoder.object(payload, &mut path)?;
    claims.remove("_sd_alg");
    let paths = decoder
        .paths
        .into_iter()
        .map(|p| p.ok_or(SdJwtError::DisclosureUnreferenced))
        .collect::<Result<_, _>>()?;
    Ok(Decoded { claims, paths })
}

impl Decoder<'_> {
    /// The disclosure of `digest`, if presented; a digest seen twice is an error.
    fn take(&mut self, digest: &str, path: &FoundPath) -> Result<Option<usize>, SdJwtError> {
        if !self.seen_digests.insert(digest.to_owned()) {
            return Err(SdJwtError::DuplicateDigest);
        }
        let Some(&index) = self.by_digest.get(digest) else {
            return Ok(None);
        };
        if let Some(slot) = self.paths.get_mut(index) {
            *slot = Some(path.clone());
        }
        Ok(Some(index))
    }

    fn value(&mut self, value: &Value, path: &mut FoundPath) -> Result<Value, SdJwtError> {
        // Disclosures nest into each other: bound the depth, not only each disclosure's own.
        if path.len() > MAX_DEPTH {
            return Err(SdJwtError::Malformed {
                reason: "claims nest deeper than 64 levels",
            });
        }
        Ok(match value {
            Value::Object(object) => Value::Object(self.object(object, path)?),
            Value::Array(array) => Value::Array(self.array(array, path)?),
            other => other.clone(),
        })
    }

    fn object(
        &mut self,
        object: &Map<String, Value>,
        path: &mut FoundPath,
    ) -> Result<Map<String, Value>, SdJwtError> {
        let mut out = Map::with_capacity(object.len());
        for (key, value) in object {
            if key == "_sd" || (key == "_sd_alg" && path.is_empty()) {
                continue;
            }
            if key == "..." {
                return Err(SdJwtError::Malformed {
                    reason: "... outside an array element",
                });
            }
            path.push(PathStep::Key(key.clone()));
            let decoded = self.value(value, path)?;
            path.pop();
            out.insert(key.clone(), decoded);
        }
        let digests = match object.get("_sd") {
            None => return Ok(out),
            Some(Value::Array(digests)) => digests,
            Some(_) => {
                return Err(SdJwtError::Malformed {
                    reason: "_sd is not an array",
                })
            }
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(SdJwtError::Malformed {
                    reason: "an _sd digest is not a string",
                });
            };
            let Some(index) = self.take(digest, path)? else {
                continue;
            };
            let disclosures = self.disclosures;
            let disclosure = &disclosures[index];
            let name = disclosure.name().ok_or(SdJwtError::DisclosureMalformed {
                reason: "an array element disclosure is referenced from _sd",
            })?;
            if out.contains_key(name) {
                return Err(SdJwtError::DisclosureMalformed {
                    reason: "the disclosed claim name already exists",
                });
            }
            path.push(PathStep::Key(name.to_owned()));
            if let Some(slot) = self.paths.get_mut(index) {
                *slot = Some(path.clone());
            }
            let decoded = self.value(disclosure.value(), path)?;
            path.pop();
            out.insert(name.to_owned(), decoded);
        }
        Ok(out)
    }

    fn array(&mut self, array: &[Value], path: &mut FoundPath) -> Result<Vec<Value>, SdJwtError> {
        let mut out = Vec::with_capacity(array.len());
        for (index, element) in array.iter().enumerate() {
            path.push(PathStep::Index(index));
            let reference = match element {
                Value::Object(object) if object.contains_key("...") => {
                    match (object.len(), object.get("...")) {
                        (1, Some(Value::String(digest))) => Some(digest),
                        _ => {
                            return Err(SdJwtError::Malformed {
                                reason: "an array element reference is not {\"...\": digest}",
                            })
                        }
                    }
                }
                _ => None,
            };
            match reference {
                None => out.push(self.value(element, path)?),
                Some(digest) => {
                    if let Some(i) = self.take(digest, path)? {
                        let disclosures = self.disclosures;
                        let disclosure = &disclosures[i];
                        if disclosure.name().is_some() {
                            return Err(SdJwtError::DisclosureMalformed {
                                reason: "a property disclosure is referenced from an array",
                            });
                        }
                        out.push(self.value(disclosure.value(), path)?);
                    }
                    // An element whose disclosure is not presented is left out.
                }
            }
            path.pop();
        }
        Ok(out)
    }
}
