//! A decision's JSON written directly, byte for byte what `DecisionView` serializes to.

use super::*;
use crate::value::Date;
use chrono::Datelike;
use std::io::Write as _;

/// A decision's JSON: its [`body`] and its [`policy_tail`].
#[cfg(test)]
pub(super) fn decision(buf: &mut Vec<u8>, d: &Decision, program: &Program) {
    body(buf, d);
    policy_tail(buf, program);
}

/// A decision's JSON up to its policy.
pub(super) fn body(buf: &mut Vec<u8>, d: &Decision) {
    buf.extend_from_slice(b"{\"id\":");
    match &d.id {
        Key::Str(k) => string(buf, k),
        Key::Int(i) => {
            let _ = write!(buf, "{i}");
        }
    }
    buf.extend_from_slice(b",\"as_of\":");
    date(buf, d.as_of);
    buf.extend_from_slice(b",\"outcome\":\"");
    buf.extend_from_slice(d.outcome.name().as_bytes());
    buf.extend_from_slice(b"\",\"until\":");
    match d.until {
        Some(u) => date(buf, u),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"limit\":");
    match d.limit {
        Some(l) => super::json_parts::decimal(buf, l),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"reasons\":[");
    reasons(buf, d);
    buf.extend_from_slice(b"],\"actions\":[");
    actions(buf, &d.actions);
    buf.extend_from_slice(b"],\"fired\":[");
    for (i, f) in d.fired.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        string(buf, f);
    }
    buf.push(b']');
    if !d.scores.is_empty() {
        buf.extend_from_slice(b",\"scores\":{");
        for (i, score) in d.scores.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            string(buf, &score.name);
            buf.push(b':');
            super::json_parts::decimal(buf, score.value);
        }
        buf.push(b'}');
    }
    if !d.arms.is_empty() {
        buf.extend_from_slice(b",\"arms\":{");
        for (i, arm) in d.arms.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            string(buf, &arm.split);
            buf.push(b':');
            string(buf, &arm.arm);
        }
        buf.push(b'}');
    }
}

/// The end of a decision's JSON: `,"policy":{...}}`, the same in every record of a policy.
pub(super) fn policy_tail(buf: &mut Vec<u8>, program: &Program) {
    buf.extend_from_slice(b",\"policy\":{\"name\":");
    string(buf, &program.name);
    buf.extend_from_slice(b",\"version\":");
    string(buf, &program.version);
    buf.extend_from_slice(b",\"fingerprint\":");
    string(buf, &program.fingerprint);
    buf.extend_from_slice(b"}}");
}

/// The members of `"reasons": [...]`.
fn reasons(buf: &mut Vec<u8>, d: &Decision) {
    for (i, r) in d.reasons.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"{\"code\":");
        string(buf, &r.code);
        buf.extend_from_slice(b",\"text\":");
        match &r.text {
            Some(t) => string(buf, t),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\"rule\":");
        string(buf, &r.rule);
        buf.push(b'}');
    }
}

/// The members of `"actions": [...]`.
fn actions(buf: &mut Vec<u8>, actions: &[ActionRecord]) {
    for (i, a) in actions.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let rule = match a {
            ActionRecord::Notify { channel, template, rule } => {
                buf.extend_from_slice(b"{\"notify\":");
                string(buf, channel.name());
                buf.extend_from_slice(b",\"template\":");
                string(buf, template);
                rule
            }
            ActionRecord::Escalate { stage, rule } => {
                buf.extend_from_slice(b"{\"escalate\":");
                string(buf, stage);
                rule
            }
            ActionRecord::Review { queue, rule } => {
                buf.extend_from_slice(b"{\"review\":");
                string(buf, queue);
                rule
            }
            ActionRecord::Tag { label, rule } => {
                buf.extend_from_slice(b"{\"tag\":");
                string(buf, label);
                rule
            }
        };
        buf.extend_from_slice(b",\"rule\":");
        string(buf, rule);
        buf.push(b'}');
    }
}

/// A JSON string; text that needs escaping goes through serde_json so the escapes are the same.
fn string(buf: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        let _ = serde_json::to_writer(&mut *buf, s);
        return;
    }
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
}

/// Whether any byte is a control character, `"` or `\\`. Eight bytes at a
/// time: every string of every record passes here (a byte-at-a-time scan
/// was 3% of a whole run's instructions).
pub(super) fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Exact as a yes/no (no false positives): some byte of `x` is below
    // `n` (n <= 0x80), and some byte is zero.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    let word_needs = |w: &[u8]| {
        let x = u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
        below(x, 0x20) || zero(x ^ (ONES * u64::from(b'"'))) || zero(x ^ (ONES * u64::from(b'\\')))
    };
    words.into_iter().any(word_needs) || tail.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A date as `"YYYY-MM-DD"`, the digits written by hand (`write!` with
/// padding was 6% of a whole run's instructions).
fn date(buf: &mut Vec<u8>, d: Date) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    match u32::try_from(y) {
        Ok(y) if y <= 9999 => {
            let digit = |n: u32| b'0' + (n % 10) as u8;
            buf.extend_from_slice(&[
                b'"',
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
                b'"',
            ]);
        }
        _ => string(buf, &d.to_string()),
    }
}
