//! The issuer's side: turning claims into a payload with digests and the disclosures behind them.

use serde_json::{Map, Value};

use crate::error::IssueError;
use crate::sd_jwt::claim_path::PathTree;
use crate::sd_jwt::disclosure::{digest, Disclosure};
use crate::sd_jwt::entropy::Entropy;

/// The most decoy digests added to one `_sd` array (a random number from 1 up to this).
pub const MAX_DECOYS: u8 = 3;

/// Claims with the nodes of `tree` replaced by digests: the payload's claims and the disclosures,
/// inner ones before the ones that contain them (recursive disclosures).
pub(crate) fn conceal(
    claims: Map<String, Value>,
    tree: &PathTree,
    disclosures: &mut Vec<Disclosure>,
) -> Result<Map<String, Value>, IssueError> {
    conceal_object(claims, tree, disclosures, &mut Entropy::new())
}

fn conceal_value(
    value: Value,
    tree: &PathTree,
    disclosures: &mut Vec<Disclosure>,
    entropy: &mut Entropy,
) -> Result<Value, IssueError> {
    Ok(match value {
        Value::Object(object) => Value::Object(conceal_object(object, tree, disclosures, entropy)?),
        Value::Array(array) => Value::Array(conceal_array(array, tree, disclosures, entropy)?),
        other => other,
    })
}

fn conceal_object(
    object: Map<String, Value>,
    tree: &PathTree,
    disclosures: &mut Vec<Disclosure>,
    entropy: &mut Entropy,
) -> Result<Map<String, Value>, IssueError> {
    let mut out = Map::with_capacity(object.len());
    let mut digests = Vec::new();
    for (key, value) in object {
        let Some(node) = tree.property(&key) else {
            out.insert(key, value);
            continue;
        };
        let value = conceal_value(value, node, disclosures, entropy)?;
        if node.disclose {
            let disclosure = Disclosure::new(Some(&key), value, entropy)?;
            digests.push(disclosure.digest());
            disclosures.push(disclosure);
        } else {
            out.insert(key, value);
        }
    }
    if !digests.is_empty() {
        add_decoys(&mut digests, entropy)?;
        // Sorted: the order of the digests says nothing about the order of the claims.
        digests.sort_unstable();
        out.insert(
            "_sd".into(),
            Value::Array(digests.into_iter().map(Value::String).collect()),
        );
    }
    Ok(out)
}

fn conceal_array(
    array: Vec<Value>,
    tree: &PathTree,
    disclosures: &mut Vec<Disclosure>,
    entropy: &mut Entropy,
) -> Result<Vec<Value>, IssueError> {
    array
        .into_iter()
        .enumerate()
        .map(|(index, element)| {
            let Some(node) = tree.element(index) else {
                return Ok(element);
            };
            let element = conceal_value(element, node, disclosures, entropy)?;
            if !node.disclose {
                return Ok(element);
            }
            let disclosure = Disclosure::new(None, element, entropy)?;
            let mut reference = Map::with_capacity(1);
            reference.insert("...".into(), disclosure.digest().into());
            disclosures.push(disclosure);
            Ok(Value::Object(reference))
        })
        .collect()
}

/// Adds 1 to [`MAX_DECOYS`] digests of random data, so that the number of `_sd` entries does not
/// tell how many claims are disclosable (RFC 9901 section 4.2.5).
fn add_decoys(digests: &mut Vec<String>, entropy: &mut Entropy) -> Result<(), IssueError> {
    let [count] = entropy.take::<1>()?;
    for _ in 0..=(count % MAX_DECOYS) {
        let noise = entropy.take::<32>()?;
        digests.push(digest(&base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            noise,
        )));
    }
    Ok(())
}
