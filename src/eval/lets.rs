//! The per-account cache of `let` values, shared by the lowered code and the
//! interpreter. A policy's lets are few: up to [`INLINE`] of them live in the
//! evaluation context itself, so deciding an account allocates nothing for
//! them; a policy with more gets one vector per account.

use super::expr::LetState;

/// Lets kept without allocating.
const INLINE: usize = 16;

/// Each let's state for one account, by index.
#[expect(
    clippy::large_enum_variant,
    reason = "inline on purpose: the cache lives in the evaluation context on the stack, one per account, and boxing it is the allocation it avoids"
)]
pub(crate) enum LetCache<'a> {
    /// Up to [`INLINE`] lets (the entries past the policy's are never read).
    Inline([LetState<'a>; INLINE]),
    /// More.
    Heap(Vec<LetState<'a>>),
}

impl<'a> LetCache<'a> {
    /// `count` lets, none computed yet.
    pub(crate) fn new(count: usize) -> Self {
        if count <= INLINE {
            LetCache::Inline([LetState::NotYet; INLINE])
        } else {
            LetCache::Heap(vec![LetState::NotYet; count])
        }
    }

    /// Every entry, in let order (inline: also the unused ones, never computed).
    #[inline(always)]
    pub(crate) fn as_slice(&self) -> &[LetState<'a>] {
        match self {
            LetCache::Inline(lets) => lets,
            LetCache::Heap(lets) => lets,
        }
    }

    /// Let `index`'s state.
    #[inline(always)]
    pub(crate) fn get(&self, index: usize) -> Option<&LetState<'a>> {
        self.as_slice().get(index)
    }

    /// Let `index`'s state, to record its value.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut LetState<'a>> {
        match self {
            LetCache::Inline(lets) => lets.get_mut(index),
            LetCache::Heap(lets) => lets.get_mut(index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Val;

    #[test]
    fn few_lets_live_inline_and_many_on_the_heap() {
        for count in [0, 3, INLINE, INLINE + 1, 100] {
            let mut cache = LetCache::new(count);
            assert_eq!(matches!(cache, LetCache::Inline(_)), count <= INLINE);
            if let Some(last) = count.checked_sub(1) {
                *cache.get_mut(last).unwrap() = LetState::Done(Val::Int(7));
                assert!(matches!(cache.get(last), Some(LetState::Done(Val::Int(7)))));
            }
            assert!(cache.get(count.max(INLINE)).is_none());
        }
    }
}
