//! A checked `split`: how an account's arm is chosen, exactly as a data team
//! would reproduce it in SQL.

use std::sync::Arc;

/// How the `by` field's value is written before hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitKey {
    /// A `string` field: its UTF-8 text.
    Str,
    /// An `int` field: its decimal text (`-42`).
    Int,
}

/// `split NAME by FIELD [salt "S"] { ARM PCT% ... }`, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TSplit {
    /// Its name.
    pub name: Arc<str>,
    /// The account slot of the `by` field (a required string or int).
    pub slot: usize,
    /// How that field's value is written.
    pub key: SplitKey,
    /// The salt (the name when not given).
    pub salt: Arc<str>,
    /// The arms in declared order (the members of its enum type).
    pub arms: Arc<[Box<str>]>,
    /// The same names, shared by every decision that lists them.
    pub arm_names: Vec<Arc<str>>,
    /// Each arm's cumulative weight in hundredths of a percent (the last is 10,000).
    pub cumulative: Vec<u32>,
}

/// Hundredths of a percent in 100%.
pub const WHOLE: u32 = 10_000;

impl TSplit {
    /// The arm of hash `h`: the first whose cumulative weight `w` satisfies
    /// `h < w × 2^64`, compared exactly as `h × 10,000 < c × 2^64` (`c` the
    /// cumulative weight in hundredths of a percent) in 128 bits.
    pub fn arm_of(&self, h: u64) -> u32 {
        let scaled = u128::from(h) * u128::from(WHOLE);
        let arm = self.cumulative.iter().position(|&c| scaled < u128::from(c) << 64);
        // INVARIANT: the last cumulative weight is 10,000 (checked), so some arm holds.
        arm.and_then(|i| u32::try_from(i).ok()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(weights: &[u32]) -> TSplit {
        let mut total = 0;
        TSplit {
            name: "s".into(),
            slot: 0,
            key: SplitKey::Str,
            salt: "s".into(),
            arms: weights.iter().enumerate().map(|(i, _)| i.to_string().into_boxed_str()).collect(),
            arm_names: Vec::new(),
            cumulative: weights
                .iter()
                .map(|w| {
                    total += w;
                    total
                })
                .collect(),
        }
    }

    /// 10% of 2^64 is 1844674407370955161.6: the last hash below it is the
    /// first arm's, the next one the second's (a float would blur the two).
    #[test]
    fn arms_are_chosen_exactly_at_their_boundaries() {
        let s = split(&[1000, 9000]);
        assert_eq!(s.arm_of(0), 0);
        assert_eq!(s.arm_of(1_844_674_407_370_955_161), 0);
        assert_eq!(s.arm_of(1_844_674_407_370_955_162), 1);
        assert_eq!(s.arm_of(u64::MAX), 1);
        // 0.01% of 2^64 is 1844674407370955.1616.
        let tiny = split(&[1, 9999]);
        assert_eq!(tiny.arm_of(1_844_674_407_370_955), 0);
        assert_eq!(tiny.arm_of(1_844_674_407_370_956), 1);
    }

    #[test]
    fn an_arm_of_zero_percent_gets_no_account() {
        let s = split(&[0, 5000, 0, 5000, 0]);
        for h in [0, 1, u64::MAX / 2, u64::MAX / 2 + 1, u64::MAX] {
            assert!(matches!(s.arm_of(h), 1 | 3), "{h}");
        }
        assert_eq!(s.arm_of(u64::MAX), 3);
    }
}
