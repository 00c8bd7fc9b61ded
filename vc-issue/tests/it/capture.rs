//! A `tracing` subscriber that keeps every span and event with its fields, for tests that check
//! what the library logs (and what it never does). Install it on the test's thread with
//! `tracing::subscriber::set_default`; a current-thread runtime keeps everything on that thread.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

#[derive(Debug, Clone)]
pub struct SpanRecord {
    pub name: &'static str,
    pub fields: Vec<(String, String)>,
    pub parent: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct EventRecord {
    pub level: Level,
    pub fields: Vec<(String, String)>,
    /// The span the event happened in, if any.
    pub span: Option<u64>,
}

#[derive(Debug, Default)]
struct Tables {
    next: u64,
    spans: HashMap<u64, SpanRecord>,
    stack: Vec<u64>,
    events: Vec<EventRecord>,
}

#[derive(Debug, Default, Clone)]
pub struct Capture(Arc<Mutex<Tables>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Capture {
    /// Makes this the thread's subscriber until the guard drops. The interest cache is rebuilt
    /// afterwards: a callsite that another test's thread registered while no capture existed was
    /// cached as of no interest, and its events would be lost here.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        static QUIET: std::sync::Once = std::sync::Once::new();
        // Without a global subscriber, a rebuild on another thread that started before this
        // capture existed can finish after it and store "no interest" / a global max level of OFF,
        // silently dropping this test's events (seen under load). A global subscriber that wants
        // everything level-wise but records nothing keeps both open for the scoped captures.
        QUIET.call_once(|| {
            let _ = tracing::subscriber::set_global_default(Quiet);
        });
        let guard = tracing::subscriber::set_default(self.clone());
        tracing::callsite::rebuild_interest_cache();
        guard
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        self.0.lock().unwrap()
    }

    /// Every span and event field, and every span name, as text: what a log would hold.
    pub fn all_text(&self) -> String {
        let t = self.lock();
        let mut out = String::new();
        for span in t.spans.values() {
            out.push_str(span.name);
            for (k, v) in &span.fields {
                out.push_str(&format!(" {k}={v}"));
            }
            out.push('\n');
        }
        for event in &t.events {
            for (k, v) in &event.fields {
                out.push_str(&format!(" {k}={v}"));
            }
            out.push('\n');
        }
        out
    }

    pub fn spans(&self) -> Vec<SpanRecord> {
        self.lock().spans.values().cloned().collect()
    }

    pub fn events(&self) -> Vec<EventRecord> {
        self.lock().events.clone()
    }

    /// The fields of `span` and of every span around it.
    pub fn context(&self, span: Option<u64>) -> Vec<(String, String)> {
        let t = self.lock();
        let mut out = Vec::new();
        let mut at = span;
        while let Some(id) = at {
            let Some(record) = t.spans.get(&id) else {
                break;
            };
            out.extend(record.fields.iter().cloned());
            at = record.parent;
        }
        out
    }
}

pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let mut t = self.lock();
        t.next += 1;
        let id = t.next;
        let parent = if let Some(parent) = attrs.parent() {
            Some(parent.into_u64())
        } else if attrs.is_contextual() {
            t.stack.last().copied()
        } else {
            None
        };
        t.spans.insert(
            id,
            SpanRecord {
                name: attrs.metadata().name(),
                fields,
                parent,
            },
        );
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Vec::new();
        values.record(&mut Fields(&mut fields));
        if let Some(s) = self.lock().spans.get_mut(&span.into_u64()) {
            s.fields.extend(fields);
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        let mut t = self.lock();
        let span = if let Some(parent) = event.parent() {
            Some(parent.into_u64())
        } else if event.is_contextual() {
            t.stack.last().copied()
        } else {
            None
        };
        t.events.push(EventRecord {
            level: *event.metadata().level(),
            fields,
            span,
        });
    }

    fn enter(&self, span: &Id) {
        self.lock().stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut t = self.lock();
        if let Some(at) = t.stack.iter().rposition(|&id| id == span.into_u64()) {
            t.stack.remove(at);
        }
    }
}

/// The test binary's global subscriber: records nothing, but never lets a callsite be cached as of
/// no interest, nor the global max level fall below TRACE (see [`Capture::install`]).
struct Quiet;

impl Subscriber for Quiet {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
