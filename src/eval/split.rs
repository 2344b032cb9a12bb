//! Each account's arm of every split: `h` is the first 8 bytes of SHA-256 of
//! `salt + ":" + value` read as a big-endian u64, and the arm the first whose
//! cumulative weight `w` has `h < w × 2^64` ([`TSplit::arm_of`]). Computed
//! once per account, when its context is made.

use crate::ir::split::{SplitKey, TSplit};
use crate::value::{Record, Value};
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::sync::Arc;

/// The arm a split gave an account, as the decision lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// The split's name.
    pub split: Arc<str>,
    /// The arm's name.
    pub arm: Arc<str>,
    /// The arm's index in the split's declared order.
    pub index: u32,
}

/// The first 8 bytes of SHA-256 of `salt:value`, big-endian.
pub fn hash(salt: &str, value: &[u8]) -> u64 {
    let digest = Sha256::new().chain_update(salt.as_bytes()).chain_update(b":").chain_update(value).finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    u64::from_be_bytes(first)
}

/// The arm index of one split for an account. The `by` field is a required
/// string or int (checked), so a snapshot that fits the schema has it.
pub fn assign(split: &TSplit, account: &Record) -> u32 {
    let h = match (split.key, account.slots.get(split.slot)) {
        (SplitKey::Str, Some(Value::Str(s))) => hash(&split.salt, s.as_bytes()),
        (SplitKey::Int, Some(Value::Int(i))) => {
            // An i64 in decimal is at most 20 bytes: written without allocating.
            let mut text = [0u8; 24];
            let mut cursor = std::io::Cursor::new(&mut text[..]);
            let _ = write!(cursor, "{i}");
            let len = usize::try_from(cursor.position()).unwrap_or(0);
            hash(&split.salt, text.get(..len).unwrap_or(&[]))
        }
        _ => 0,
    };
    split.arm_of(h)
}

/// Splits whose arms an account keeps without allocating.
const INLINE_SPLITS: usize = 4;

/// Every split's arm index for one account, in declaration order: up to
/// [`INLINE_SPLITS`] of them inline (a policy has one or two; this is made
/// for every account), more in a vector.
pub(crate) enum ArmIndices {
    /// The first `len` entries are the arms.
    Inline { len: usize, arms: [u32; INLINE_SPLITS] },
    /// More splits than fit inline.
    Heap(Vec<u32>),
}

impl std::ops::Deref for ArmIndices {
    type Target = [u32];

    fn deref(&self) -> &[u32] {
        match self {
            ArmIndices::Inline { len, arms } => arms.get(..*len).unwrap_or_default(),
            ArmIndices::Heap(arms) => arms,
        }
    }
}

/// Every split's arm index for an account, in declaration order. Inlined
/// into the context's constructor: most policies have no split, and the
/// call was most of the cost.
#[inline]
pub(crate) fn assign_all(splits: &[TSplit], account: &Record) -> ArmIndices {
    if splits.len() > INLINE_SPLITS {
        return ArmIndices::Heap(splits.iter().map(|s| assign(s, account)).collect());
    }
    let mut arms = [0; INLINE_SPLITS];
    for (arm, split) in arms.iter_mut().zip(splits) {
        *arm = assign(split, account);
    }
    ArmIndices::Inline { len: splits.len(), arms }
}

/// The arms as the decision lists them.
#[inline]
/// The arm `split` gives the account `record`, named.
pub fn arm_of(split: &TSplit, record: &Record) -> Arm {
    let index = assign(split, record);
    Arm {
        split: split.name.clone(),
        arm: split.arm_names.get(index as usize).cloned().unwrap_or_else(|| Arc::from("")),
        index,
    }
}

pub fn named(splits: &[TSplit], arms: &[u32]) -> Vec<Arm> {
    // Most policies have no split: an empty `collect` still cost about 60
    // instructions per decision.
    if splits.is_empty() {
        return Vec::new();
    }
    splits
        .iter()
        .zip(arms)
        .map(|(s, &index)| Arm {
            split: s.name.clone(),
            arm: s.arm_names.get(index as usize).cloned().unwrap_or_else(|| Arc::from("")),
            index,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::split::WHOLE;

    fn split(salt: &str) -> TSplit {
        TSplit {
            name: salt.into(),
            slot: 0,
            key: SplitKey::Str,
            salt: salt.into(),
            arms: vec!["a".into(), "b".into(), "c".into()].into(),
            arm_names: Vec::new(),
            cumulative: vec![WHOLE / 3, 2 * WHOLE / 3, WHOLE],
        }
    }

    /// Inline (up to four splits) or not, each split's arm is its own `assign`, in order.
    #[test]
    fn every_split_gets_its_own_arm_however_many_there_are() {
        let account = Record { slots: vec![Value::Str("A-17".into())].into_boxed_slice() };
        for count in [0, 1, 3, INLINE_SPLITS, INLINE_SPLITS + 1, 9] {
            let splits: Vec<TSplit> = (0..count).map(|i| split(&format!("salt-{i}"))).collect();
            let arms = assign_all(&splits, &account);
            assert_eq!(matches!(arms, ArmIndices::Inline { .. }), count <= INLINE_SPLITS);
            let one_by_one: Vec<u32> = splits.iter().map(|s| assign(s, &account)).collect();
            assert_eq!(&*arms, one_by_one.as_slice(), "{count} splits");
        }
        // Different salts do not all land in one arm (the comparison above is not vacuous).
        let spread: Vec<u32> = (0..9).map(|i| assign(&split(&format!("salt-{i}")), &account)).collect();
        assert!(spread.iter().any(|a| *a != spread[0]), "{spread:?}");
    }
}
