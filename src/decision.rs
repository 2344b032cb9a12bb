//! The vocabulary of a decision record as spec §5 writes it out.
//!
//! Every encoder and reader of decision records (the output formats, the
//! diff report, decision tests and their golden files) names the fields
//! through [`fields`], so a field is spelled in one place. The hand-written
//! JSON Lines encoder in `output` writes the same names as byte literals for
//! speed; a test there compares its bytes with the serde encoding, which uses
//! these constants.

/// The field names of a decision record, its reasons, actions and errors.
pub mod fields {
    /// The account's key.
    pub const ID: &str = "id";
    /// The snapshot's date.
    pub const AS_OF: &str = "as_of";
    /// `close`, `freeze`, `restrict`, `limit` or `none`.
    pub const OUTCOME: &str = "outcome";
    /// The end of a freeze or restriction.
    pub const UNTIL: &str = "until";
    /// The new credit limit.
    pub const LIMIT: &str = "limit";
    /// The reasons of the rules that fired.
    pub const REASONS: &str = "reasons";
    /// The non-status actions of the rules that fired.
    pub const ACTIONS: &str = "actions";
    /// The names of the rules that fired.
    pub const FIRED: &str = "fired";
    /// Every scorecard's value by name (left out when the policy has none).
    pub const SCORES: &str = "scores";
    /// The account's arm of every split (left out when the policy has none).
    pub const ARMS: &str = "arms";
    /// The policy that decided: name, version, fingerprint.
    pub const POLICY: &str = "policy";
    /// Each rule's evaluation, with `--trace`.
    pub const TRACE: &str = "trace";
    /// An error record's error (in place of the decision fields).
    pub const ERROR: &str = "error";

    /// A reason's code.
    pub const CODE: &str = "code";
    /// A reason's text.
    pub const TEXT: &str = "text";
    /// The rule a reason or an action came from.
    pub const RULE: &str = "rule";

    /// A notification's channel.
    pub const NOTIFY: &str = "notify";
    /// A notification's template.
    pub const TEMPLATE: &str = "template";
    /// An escalation's stage.
    pub const ESCALATE: &str = "escalate";
    /// A review's queue.
    pub const REVIEW: &str = "review";
    /// A tag's label.
    pub const TAG: &str = "tag";

    /// An error's kind.
    pub const KIND: &str = "kind";
    /// An error's message.
    pub const MESSAGE: &str = "message";

    /// The policy's name.
    pub const NAME: &str = "name";
    /// The policy's version.
    pub const VERSION: &str = "version";
    /// The policy's fingerprint.
    pub const FINGERPRINT: &str = "fingerprint";

    /// A decision's fields in the order they are written (before `trace`).
    /// (`scores`, written only by a policy with a scorecard, comes between `fired` and `policy`.)
    pub const DECISION: [&str; 9] = [ID, AS_OF, OUTCOME, UNTIL, LIMIT, REASONS, ACTIONS, FIRED, POLICY];
    /// Every top-level field a record may have but `trace`: a decision's and an error's.
    pub const RECORD: [&str; 12] =
        [ID, AS_OF, OUTCOME, UNTIL, LIMIT, REASONS, ACTIONS, FIRED, SCORES, ARMS, POLICY, ERROR];
    /// The fields of a reason, in order.
    pub const REASON: [&str; 3] = [CODE, TEXT, RULE];
    /// The keys an action may have: its kind's key, `template` for a notification, `rule`.
    pub const ACTION: [&str; 6] = [NOTIFY, TEMPLATE, ESCALATE, REVIEW, TAG, RULE];
    /// The fields of an error.
    pub const ERROR_FIELDS: [&str; 2] = [KIND, MESSAGE];
}
