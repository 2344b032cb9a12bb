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

/// Every split's arm index for an account, in declaration order (no
/// allocation for a policy without splits).
pub fn assign_all(splits: &[TSplit], account: &Record) -> Vec<u32> {
    splits.iter().map(|s| assign(s, account)).collect()
}

/// The arms as the decision lists them.
pub fn named(splits: &[TSplit], arms: &[u32]) -> Vec<Arm> {
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
