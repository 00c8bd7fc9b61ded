//! The builder of [`StatusRegistry`].

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use vc_core::{Clock, SystemClock};

use crate::bitstring::{DEFAULT_MAX_BYTES, MIN_ENTRIES};
use crate::message::validate_status_messages;
use crate::registry::{PurposeConfig, RegistryConfig};
use crate::store::StatusListStore;
use crate::{
    Error, ListFormat, Result, StatusListId, StatusMessage, StatusPurpose, StatusRegistry,
    StatusSize,
};

/// The placeholder for the list id in a list URL template.
pub const LIST_PLACEHOLDER: &str = "{list}";

/// Builds a [`StatusRegistry`].
///
/// Required: [`store`](Self::store), [`list_url_template`](Self::list_url_template) and
/// [`issuer`](Self::issuer). By default the registry serves `revocation`, `suspension` and `refresh`
/// lists of 131,072 one-bit entries in the Bitstring Status List format, reads the system clock, and
/// writes list credentials without `validUntil` or `ttl`.
#[derive(Debug, Default)]
pub struct StatusRegistryBuilder {
    store: Option<Arc<dyn StatusListStore>>,
    template: Option<String>,
    issuer: Option<Value>,
    clock: Option<Arc<dyn Clock>>,
    format: ListFormat,
    namespace: Option<String>,
    list_size: Option<u64>,
    small_lists: bool,
    messages: Option<(StatusSize, Vec<StatusMessage>)>,
    validity: Option<time::Duration>,
    ttl_ms: Option<u64>,
}

impl StatusRegistryBuilder {
    /// The store the lists live in.
    pub fn store(mut self, store: Arc<dyn StatusListStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The URL of a list credential, with `{list}` where the list id goes, e.g.
    /// `https://issuer.example/status/{list}`.
    pub fn list_url_template(mut self, template: impl Into<String>) -> Self {
        self.template = Some(template.into());
        self
    }

    /// The `issuer` of the list credentials (a DID or URL string, or an object with an `id`).
    pub fn issuer(mut self, issuer: impl Into<Value>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The clock for `validFrom`/`validUntil` and list creation times.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Bitstring Status List (default) or StatusList2021.
    pub fn format(mut self, format: ListFormat) -> Self {
        self.format = format;
        self
    }

    /// Separates this registry's lists from others in the same store (`[A-Za-z0-9._-]`); list ids
    /// become `<namespace>-<purpose>-<n>`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Entries per new list; at least 131,072 (the spec's minimum for herd privacy).
    pub fn list_size(mut self, entries: u64) -> Self {
        self.list_size = Some(entries);
        self
    }

    /// Entries per new list, below the spec's minimum: only for tests that must fill lists
    /// quickly (feature `testing`). Such lists are not fit for production.
    #[cfg(feature = "testing")]
    pub fn test_list_size(mut self, entries: u64) -> Self {
        self.list_size = Some(entries);
        self.small_lists = true;
        self
    }

    /// Serves `message` lists with entries of `status_size` bits (2..=8) explained by `messages`
    /// (exactly `2^status_size` rows).
    pub fn messages(mut self, status_size: StatusSize, messages: Vec<StatusMessage>) -> Self {
        self.messages = Some((status_size, messages));
        self
    }

    /// Sets `validUntil` to `validFrom + validity`; the cached list credential is rebuilt when half
    /// of it has passed.
    pub fn validity(mut self, validity: time::Duration) -> Self {
        self.validity = Some(validity);
        self
    }

    /// The list credential's `ttl` in milliseconds (Bitstring Status List only).
    pub fn ttl_ms(mut self, ttl: u64) -> Self {
        self.ttl_ms = Some(ttl);
        self
    }

    /// Checks the configuration and builds the registry.
    pub fn build(self) -> Result<StatusRegistry> {
        let config = |reason| Error::Config { reason };
        let store = self.store.ok_or(config("a store is required"))?;
        let issuer = self.issuer.ok_or(config("an issuer is required"))?;
        if !matches!(&issuer, Value::String(s) if !s.is_empty())
            && !matches!(&issuer, Value::Object(o) if o.get("id").is_some_and(Value::is_string))
        {
            return Err(config("issuer must be a string or an object with an id"));
        }
        let template = self
            .template
            .ok_or(config("a list URL template is required"))?;
        let mut parts = template.split(LIST_PLACEHOLDER);
        let (prefix, suffix) = match (parts.next(), parts.next(), parts.next()) {
            (Some(p), Some(s), None) if p.contains("://") => (p.to_owned(), s.to_owned()),
            _ => {
                return Err(config(
                    "list URL template must be an absolute URL with one {list}",
                ))
            }
        };
        if suffix.contains('#') || prefix.contains('#') {
            return Err(config("list URL template must not contain a fragment"));
        }
        if let Some(ns) = &self.namespace {
            // The namespace becomes part of list ids.
            StatusListId::new(format!("{ns}-revocation-1"))
                .map_err(|_| config("namespace must use [A-Za-z0-9._-]"))?;
        }
        let list_size = self.list_size.unwrap_or(MIN_ENTRIES);
        if list_size < MIN_ENTRIES && !self.small_lists {
            return Err(config("list size must be at least 131,072 entries"));
        }
        if list_size == 0 {
            return Err(config("list size must not be 0"));
        }

        let mut purposes = HashMap::new();
        for purpose in [
            StatusPurpose::Revocation,
            StatusPurpose::Suspension,
            StatusPurpose::Refresh,
        ] {
            if self.format.supports(purpose) {
                purposes.insert(
                    purpose,
                    PurposeConfig {
                        status_size: self.format.status_size(purpose),
                        messages: None,
                    },
                );
            }
        }
        let mut widest = purposes
            .values()
            .map(|c: &PurposeConfig| c.status_size)
            .max()
            .unwrap_or(StatusSize::ONE);
        if let Some((size, messages)) = self.messages {
            if !self.format.supports(StatusPurpose::Message) {
                return Err(config("this list format has no message lists"));
            }
            if size.bits() < 2 {
                return Err(config("message lists need statusSize > 1"));
            }
            validate_status_messages(&messages, size)?;
            widest = widest.max(size);
            purposes.insert(
                StatusPurpose::Message,
                PurposeConfig {
                    status_size: size,
                    messages: Some(messages),
                },
            );
        }
        let max_bits = (DEFAULT_MAX_BYTES as u64) * 8;
        if list_size.saturating_mul(u64::from(widest.bits())) > max_bits {
            return Err(config("list size exceeds the 16 MiB list limit"));
        }

        Ok(StatusRegistry::from_config(RegistryConfig {
            store,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            url_prefix: prefix,
            url_suffix: suffix,
            issuer,
            format: self.format,
            namespace: self.namespace,
            list_size,
            purposes,
            validity: self.validity,
            ttl_ms: self.ttl_ms,
        }))
    }
}
