//! An enum member kept in a trace, by name.

use std::sync::Arc;

/// An enum member in a trace. On the traced path it shares its enum's
/// member names (the schema's, behind an `Arc`) and keeps its index, so
/// recording a member costs a reference count rather than a copy of its
/// name; elsewhere it may own its name.
#[derive(Clone, Debug)]
pub struct Member(Name);

#[derive(Clone, Debug)]
enum Name {
    /// Member `index` of `names`.
    Shared { names: Arc<[Box<str>]>, index: u32 },
    /// A name of its own.
    Own(Box<str>),
}

impl Member {
    /// Member `index` of the enum whose members are `names`; `None` when it has no such member.
    pub fn shared(names: &Arc<[Box<str>]>, index: u32) -> Option<Member> {
        names.get(index as usize)?;
        Some(Member(Name::Shared { names: Arc::clone(names), index }))
    }

    /// The member's name.
    pub fn name(&self) -> &str {
        match &self.0 {
            // INVARIANT: `shared` checked that `index` names a member.
            Name::Shared { names, index } => names.get(*index as usize).map_or("", |n| n),
            Name::Own(name) => name,
        }
    }
}

impl From<Box<str>> for Member {
    fn from(name: Box<str>) -> Member {
        Member(Name::Own(name))
    }
}

impl From<&str> for Member {
    fn from(name: &str) -> Member {
        Member(Name::Own(name.into()))
    }
}

/// Members are equal when their names are, however they are kept.
impl PartialEq for Member {
    fn eq(&self, other: &Member) -> bool {
        self.name() == other.name()
    }
}

impl std::ops::Deref for Member {
    type Target = str;
    fn deref(&self) -> &str {
        self.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_member_is_its_name_and_equals_an_owned_one() {
        let names: Arc<[Box<str>]> = vec!["active".into(), "closed".into()].into();
        let shared = Member::shared(&names, 1).unwrap();
        assert_eq!(shared.name(), "closed");
        assert_eq!(shared, Member::from("closed"));
        assert_ne!(shared, Member::from("active"));
        assert!(Member::shared(&names, 2).is_none());
    }
}
