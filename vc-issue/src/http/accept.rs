//! Content negotiation on `Accept` (RFC 9110 section 12.5.1) for routes that serve one resource in
//! several media types (`GET /statuslists/{listId}`: the Status List Token as a JWT or a CWT).
//!
//! Each offered type gets the weight (`q`) of the most specific media range that matches it
//! (`type/subtype` over `type/*` over `*/*`; parameters other than `q` are not compared), and the
//! heaviest offer wins, the first (the default) on a tie. No `Accept` means any type. Ranges
//! whose `q` is not a valid qvalue count as `q=0`: they cannot select anything.

use axum::http::header::ACCEPT;
use axum::http::HeaderMap;

/// The index in `offers` of the media type to answer with, or `None` when `headers` carry an
/// `Accept` that accepts none of them (the route answers `406`).
pub(crate) fn negotiate(headers: &HeaderMap, offers: &[&str]) -> Option<usize> {
    let mut values = headers.get_all(ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return (!offers.is_empty()).then_some(0);
    }
    // (specificity, q) of the best-matching range per offer.
    let mut best: Vec<Option<(u8, u16)>> = vec![None; offers.len()];
    for value in values {
        // A header that is not visible ASCII names no type this server could match.
        let Ok(value) = value.to_str() else {
            continue;
        };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim();
            if media.is_empty() {
                continue;
            }
            let mut q = 1000;
            for param in parts {
                if let Some((name, v)) = param.split_once('=') {
                    if name.trim().eq_ignore_ascii_case("q") {
                        q = qvalue(v.trim()).unwrap_or(0);
                    }
                }
            }
            let Some((kind, subtype)) = media.split_once('/') else {
                continue;
            };
            for (offer, slot) in offers.iter().zip(best.iter_mut()) {
                let Some((offer_kind, offer_subtype)) = offer.split_once('/') else {
                    continue;
                };
                let specificity = if kind == "*" && subtype == "*" {
                    1
                } else if kind.eq_ignore_ascii_case(offer_kind) && subtype == "*" {
                    2
                } else if kind.eq_ignore_ascii_case(offer_kind)
                    && subtype.eq_ignore_ascii_case(offer_subtype)
                {
                    3
                } else {
                    continue;
                };
                if slot.is_none_or(|(s, _)| specificity > s) {
                    *slot = Some((specificity, q));
                }
            }
        }
    }
    let mut chosen: Option<(usize, u16)> = None;
    for (index, slot) in best.iter().enumerate() {
        if let Some((_, q)) = slot {
            if *q > 0 && chosen.is_none_or(|(_, best_q)| *q > best_q) {
                chosen = Some((index, *q));
            }
        }
    }
    chosen.map(|(index, _)| index)
}

/// A qvalue (`0`, `0.5`, `1.000`: at most three decimals, at most 1) in thousandths.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}
