//! The load benches' settings (`http_load`, `oid4vci_flow`), read from the environment: a value
//! or a comma-separated list, each with its default.

use std::str::FromStr;

use crate::FixtureError;

/// The value of the variable `name`, parsed, or `default` when it is not set.
pub fn env_or<T: FromStr>(name: &str, default: T) -> Result<T, FixtureError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|e| format!("{name}={text:?}: {e}").into()),
        Err(_) => Ok(default),
    }
}

/// The comma-separated items of the variable `name` (or of `default` when it is not set),
/// each parsed; empty items are skipped.
pub fn list<T: FromStr>(name: &str, default: &str) -> Result<Vec<T>, FixtureError>
where
    T::Err: std::fmt::Display,
{
    let text = std::env::var(name).unwrap_or_else(|_| default.to_owned());
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .map_err(|e| format!("{name}: {item:?}: {e}").into())
        })
        .collect()
}
