//! Pieces of the hand-written decision JSON that a whole-book run writes for
//! every record and that are worth not recomputing: exact decimals written
//! without a `String` in between, and the record's policy tail (name,
//! version, fingerprint — the same in every record) encoded once.

use crate::compile::Program;
use rust_decimal::Decimal;

/// Writes `d` as a JSON string, byte for byte `format_decimal(d)` quoted
/// (exact, no exponent, no trailing fractional zeros, `-0` as `0`), without
/// allocating: `format_decimal` goes through `Display` into a fresh `String`,
/// which was 2% of a whole run's instructions (a limit and the scores per record).
pub(super) fn decimal(buf: &mut Vec<u8>, d: Decimal) {
    buf.push(b'"');
    buf.extend_from_slice(DecimalText::of(d).as_bytes());
    buf.push(b'"');
}

/// `format_decimal(d)`'s text in a buffer on the stack, for a writer that
/// takes a `&str` (the trace's views hand it to the serializer; the
/// decision columns to their string builders).
pub(crate) struct DecimalText {
    /// A sign, 29 digits and a point, or `-0.` and 28 fractional digits: 31 bytes at most.
    bytes: [u8; 40],
    len: usize,
}

impl DecimalText {
    /// The text of `d`.
    pub(crate) fn of(d: Decimal) -> Self {
        let d = d.normalize();
        let scale = d.scale() as usize;
        let mantissa = d.mantissa();
        // A 96-bit mantissa has at most 29 digits.
        let mut digits = [0u8; 40];
        let mut start = digits.len();
        let mut rest = mantissa.unsigned_abs();
        loop {
            start -= 1;
            if let Some(slot) = digits.get_mut(start) {
                *slot = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 || start == 0 {
                break;
            }
        }
        let digits = digits.get(start..).unwrap_or_default();
        let mut text = DecimalText { bytes: [0; 40], len: 0 };
        if mantissa < 0 {
            text.push(b"-");
        }
        if scale == 0 {
            text.push(digits);
        } else if digits.len() > scale {
            let (whole, fraction) = digits.split_at(digits.len() - scale);
            text.push(whole);
            text.push(b".");
            text.push(fraction);
        } else {
            text.push(b"0.");
            for _ in digits.len()..scale {
                text.push(b"0");
            }
            text.push(digits);
        }
        text
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(slot) = self.bytes.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
            self.len = end;
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// The text (ASCII digits, a sign and a point).
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// The end of every decision record, `,"policy":{...}}`, encoded once for a
/// policy and reused while records of the same policy are written.
#[derive(Debug, Default)]
pub(super) struct PolicyTail {
    /// The name, version and fingerprint the bytes were encoded from.
    name: String,
    version: String,
    fingerprint: String,
    bytes: Vec<u8>,
}

impl PolicyTail {
    /// The tail for `program`, encoded anew only when its policy differs
    /// from the last one's. Compared by content, not by address: a writer
    /// may outlive a program, and another may then be allocated in its place.
    pub(super) fn of(&mut self, program: &Program, encode: impl FnOnce(&mut Vec<u8>, &Program)) -> &[u8] {
        let same = !self.bytes.is_empty()
            && self.fingerprint == program.fingerprint
            && self.name == program.name
            && self.version == program.version;
        if !same {
            program.name.clone_into(&mut self.name);
            program.version.clone_into(&mut self.version);
            program.fingerprint.clone_into(&mut self.fingerprint);
            self.bytes.clear();
            encode(&mut self.bytes, program);
        }
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::format_decimal;

    fn xorshift(mut state: u64) -> u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }

    fn written(d: Decimal) -> String {
        let mut buf = Vec::new();
        decimal(&mut buf, d);
        String::from_utf8(buf).unwrap()
    }

    /// The tail is the policy's own after any of its name, version or
    /// fingerprint changes, and is not re-encoded while they do not.
    #[test]
    fn the_tail_follows_the_policy() {
        let mut policy = crate::load_policy("policies/lifecycle.policy".as_ref()).unwrap();
        let program = std::sync::Arc::get_mut(&mut policy.program).unwrap();
        let mut tail = PolicyTail::default();
        let mut encodings = 0;
        let mut check = |program: &Program, tail: &mut PolicyTail| {
            let mut fresh = Vec::new();
            super::super::fast_json::policy_tail(&mut fresh, program);
            let kept = tail.of(program, |buf, p| {
                encodings += 1;
                super::super::fast_json::policy_tail(buf, p);
            });
            assert_eq!(kept, fresh.as_slice());
        };
        check(program, &mut tail);
        check(program, &mut tail);
        program.version.push_str(".1");
        check(program, &mut tail);
        program.fingerprint.push('0');
        check(program, &mut tail);
        program.name = "a \"quoted\" name".into();
        check(program, &mut tail);
        assert_eq!(encodings, 4, "encoded once per policy");
    }

    /// Every shape of decimal is written exactly as `format_decimal` writes it.
    #[test]
    fn decimals_are_written_as_format_decimal_writes_them() {
        let mut samples = vec![Decimal::ZERO, Decimal::MAX, Decimal::MIN, Decimal::ONE, Decimal::NEGATIVE_ONE];
        samples.push(Decimal::new(-0, 3));
        samples.push(Decimal::from_i128_with_scale(-0, 28));
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state = xorshift(state);
            let high = state;
            state = xorshift(state);
            // Mantissas of every length up to 96 bits, scales 0 to 28, both signs.
            let bits = (state % 97) as u32;
            let raw = (i128::from(high) << 32 | i128::from(state >> 32)) & ((1i128 << bits) - 1);
            let value = if state & 1 == 0 { raw } else { -raw };
            let scale = ((state >> 8) % 29) as u32;
            samples.push(Decimal::from_i128_with_scale(value, scale));
        }
        for d in samples {
            assert_eq!(written(d), format!("\"{}\"", format_decimal(d)), "{d:?}");
            assert_eq!(DecimalText::of(d).as_str(), format_decimal(d), "{d:?}");
        }
    }
}
