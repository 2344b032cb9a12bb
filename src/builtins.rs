//! The built-in functions of the policy language, declared once: name,
//! signature, what they return and what they do.
//!
//! The checker looks calls up here (arity, types, "did you mean"), and any
//! other stage that needs to know the functions (the formatter, `explain`,
//! editor support) reads the same table rather than a list of its own.

use crate::ir::{AggFunc, Builtin};

/// Functions other tools have (spreadsheets, SQL, other rule languages)
/// and how a policy writes them, for "unknown function": `DATE` stands for
/// the call's first argument as written.
pub const WRITTEN_OTHERWISE: [(&str, &str); 19] = [
    ("days_since", "days_between(DATE, as_of)"),
    ("months_since", "months_between(DATE, as_of)"),
    ("datediff", "days_between(a, b)"),
    ("date_diff", "days_between(a, b)"),
    ("today", "as_of"),
    ("now", "as_of"),
    ("length", "len(x)"),
    ("size", "len(x)"),
    ("mean", "avg(list.field)"),
    ("average", "avg(list.field)"),
    ("coalesce", "x ?? default"),
    ("ifnull", "x ?? default"),
    ("nvl", "x ?? default"),
    ("iif", "case when … then … else … end"),
    ("contains", "\"x\" in set_field"),
    ("count_if", "count(list where …)"),
    ("countif", "count(list where …)"),
    ("sum_if", "sum(list.field where …)"),
    ("sumif", "sum(list.field where …)"),
];

/// How a policy writes `name`, a function other tools have, given the
/// call's first argument as written.
pub fn written_otherwise(name: &str, first_argument: Option<&str>) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let (_, form) = WRITTEN_OTHERWISE.iter().find(|(other, _)| *other == lower)?;
    Some(match first_argument {
        Some(arg) => form.replace("DATE", arg),
        None => (*form).to_owned(),
    })
}

/// How a built-in function is checked and what it lowers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    /// An aggregate over one list field (or, for `count`, a set): `sum(overdues.days)`.
    Aggregate(AggFunc),
    /// `min`/`max`: an aggregate of one list, or with two arguments the
    /// smaller/larger of two numbers or two dates ([`ScalarFn::Pair`]).
    AggregateOrPair(AggFunc, Builtin),
    /// A function of values.
    Scalar(ScalarFn),
}

/// A built-in function of values (not of a list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarFn {
    /// One number to a number of the same type: `abs`, `floor`, `ceil`.
    Number(Builtin),
    /// `round(x, places)`.
    Round,
    /// Two dates to a whole number: `days_between`, `months_between`.
    TwoDates(Builtin),
    /// The length of a string or a set.
    Length,
    /// `min(a, b)`/`max(a, b)`: the [`FnKind::AggregateOrPair`] functions called with two values.
    Pair(Builtin),
}

/// One built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltinFn {
    /// The name a policy calls it by.
    pub name: &'static str,
    /// Its parameters as written in the docs, e.g. `x, places`.
    pub params: &'static str,
    /// The type of its result.
    pub result: &'static str,
    /// How many arguments it takes (an aggregate: its one list).
    pub arity: usize,
    /// How it is checked and lowered.
    pub kind: FnKind,
    /// What it does, in one sentence.
    pub doc: &'static str,
}

impl BuiltinFn {
    /// The signature as the docs write it, e.g. `round(x, places) -> number`.
    #[must_use]
    pub fn signature(&self) -> String {
        format!("{}({}) -> {}", self.name, self.params, self.result)
    }
}

/// Every built-in function, aggregates first. The order is the order in
/// which "did you mean" considers them.
pub static BUILTINS: &[BuiltinFn] = &[
    BuiltinFn {
        name: "count",
        params: "list where cond within D",
        result: "int",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Count),
        doc: "The number of elements of a list selected by `where` and `within`, or of members of a set.",
    },
    BuiltinFn {
        name: "sum",
        params: "list.field where cond within D",
        result: "number",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Sum),
        doc: "The sum of a number field over the selected elements (0 when none), skipping absent values.",
    },
    BuiltinFn {
        name: "min",
        params: "list.field where cond within D | a, b",
        result: "optional number or date | number or date",
        arity: 1,
        kind: FnKind::AggregateOrPair(AggFunc::Min, Builtin::Min2),
        doc: "The smallest value of a field over the selected elements (none when there is none), or the smaller of two numbers or dates.",
    },
    BuiltinFn {
        name: "max",
        params: "list.field where cond within D | a, b",
        result: "optional number or date | number or date",
        arity: 1,
        kind: FnKind::AggregateOrPair(AggFunc::Max, Builtin::Max2),
        doc: "The largest value of a field over the selected elements (none when there is none), or the larger of two numbers or dates.",
    },
    BuiltinFn {
        name: "avg",
        params: "list.field where cond within D",
        result: "optional decimal",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Avg),
        doc: "The mean of a number field over the selected elements (none when there is none): their sum divided by their count, a quotient as any other (exact, or rounded below the tenth place after the point).",
    },
    BuiltinFn {
        name: "any",
        params: "list where cond within D",
        result: "bool",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Any),
        doc: "Whether some element (within `D`) meets `cond`; given a bool field, `any(list.flag where cond)`, whether some element `cond` selects has it true. False of none.",
    },
    BuiltinFn {
        name: "all",
        params: "list where cond within D",
        result: "bool",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::All),
        doc: "Whether every element (within `D`) meets `cond`; given a bool field, `all(list.flag where cond)`, whether every element `cond` selects has it true. True of none.",
    },
    BuiltinFn {
        name: "latest",
        params: "list.field where cond within D",
        result: "optional field type",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Latest),
        doc: "The field of the selected element with the latest date key (`by:`), none when there is none.",
    },
    BuiltinFn {
        name: "earliest",
        params: "list.field where cond within D",
        result: "optional field type",
        arity: 1,
        kind: FnKind::Aggregate(AggFunc::Earliest),
        doc: "The field of the selected element with the earliest date key (`by:`), none when there is none.",
    },
    BuiltinFn {
        name: "abs",
        params: "x",
        result: "number",
        arity: 1,
        kind: FnKind::Scalar(ScalarFn::Number(Builtin::Abs)),
        doc: "The absolute value of a number, of the same type.",
    },
    BuiltinFn {
        name: "round",
        params: "x, places",
        result: "number",
        arity: 2,
        kind: FnKind::Scalar(ScalarFn::Round),
        doc: "A number rounded half away from zero to 0 to 28 decimal places; an int stays an int.",
    },
    BuiltinFn {
        name: "floor",
        params: "x",
        result: "number",
        arity: 1,
        kind: FnKind::Scalar(ScalarFn::Number(Builtin::Floor)),
        doc: "The largest whole number not above a number, of the same type.",
    },
    BuiltinFn {
        name: "ceil",
        params: "x",
        result: "number",
        arity: 1,
        kind: FnKind::Scalar(ScalarFn::Number(Builtin::Ceil)),
        doc: "The smallest whole number not below a number, of the same type.",
    },
    BuiltinFn {
        name: "days_between",
        params: "a, b",
        result: "int",
        arity: 2,
        kind: FnKind::Scalar(ScalarFn::TwoDates(Builtin::DaysBetween)),
        doc: "`b - a` in days.",
    },
    BuiltinFn {
        name: "months_between",
        params: "a, b",
        result: "int",
        arity: 2,
        kind: FnKind::Scalar(ScalarFn::TwoDates(Builtin::MonthsBetween)),
        doc: "The largest whole `m` with `a + m months <= b`.",
    },
    BuiltinFn {
        name: "len",
        params: "s",
        result: "int",
        arity: 1,
        kind: FnKind::Scalar(ScalarFn::Length),
        doc: "The length of a string in characters, or the number of members of a set.",
    },
];

/// The built-in function of this name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static BuiltinFn> {
    BUILTINS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut names = std::collections::HashSet::new();
        for f in BUILTINS {
            assert!(names.insert(f.name), "{} is listed twice", f.name);
            assert!(f.doc.ends_with('.'), "{} needs a doc sentence", f.name);
        }
        assert_eq!(lookup("round").map(BuiltinFn::signature).as_deref(), Some("round(x, places) -> number"));
    }
}
