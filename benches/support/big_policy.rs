//! A generated policy of many rules over the example account schema, for the
//! "10,000 rules check and compile in under a second" benchmark and its smoke test.

#![allow(
    dead_code,
    reason = "a support module shared by several benches, each using part of it; `expect` would fail in the benches that use all of it"
)]

use std::fmt::Write as _;

/// A policy of `rules` rules (every tenth in a `first` group of ten) with a
/// mix of conditions and actions, written to sit in `policies/` (its schema
/// path is relative to that folder).
pub fn big_policy(rules: usize) -> String {
    let mut p = String::with_capacity(rules * 200);
    p.push_str("policy \"generated\" version \"1\"\nschema \"account.schema.yaml\"\n\n");
    p.push_str("let utilization = balance / credit_limit\n");
    p.push_str("let recent_overdues = count(overdues within 12 months)\n");
    p.push_str("let open_overdue_days = max(overdues.days where repaid_on == none) ?? 0\n");
    p.push_str("let score_drop = (max(score_history.value within 90 days) ?? score) - score\n\n");
    p.push_str("guard close at most 5%\n\n");
    let mut i = 0;
    while i < rules {
        if i % 100 == 0 && i + 10 <= rules {
            let _ = writeln!(p, "group \"ladder-{i}\" first {{");
            for k in 0..10 {
                let _ = writeln!(
                    p,
                    "  rule \"g{i}-{k}\" {{ when open_overdue_days > {} then escalate to \"stage-{k}\" notify sms \"t-{k}\" }}",
                    100 - k * 10
                );
            }
            p.push_str("}\n");
            i += 10;
            continue;
        }
        let body = match i % 5 {
            0 => format!(
                "when score < {} and credit_limit > {} and recent_overdues >= {}\n  then close reason \"C{i}\" \"generated closure {i}\" notify sms \"close-{i}\"",
                500 + i % 200,
                i % 1000,
                1 + i % 4
            ),
            1 => format!(
                "when status in [\"active\", \"restricted\"] and score_drop >= {} and not (appeal_open ?? false)\n  then freeze for {} days reason \"F{i}\"",
                50 + i % 100,
                30 + i % 300
            ),
            2 => format!(
                "when count(applications within {} days) > {} or sum(applications.amount within 30 days) > {} * credit_limit\n  then restrict for 30 days tag \"burst-{i}\"",
                1 + i % 30,
                3 + i % 7,
                1 + i % 5
            ),
            3 => format!(
                "when credit_limit > 0 and utilization < {}% and months_between(opened_on, as_of) >= {}\n  then set limit to min(round(credit_limit * 1.{}, 0), 50000) reason \"L{i}\"",
                10 + i % 80,
                i % 36,
                1 + i % 9
            ),
            _ => format!(
                "when not identity.verified or \"tag-{}\" in tags or len(id) > {}\n  then review \"queue-{}\" notify push \"check-{i}\"",
                i % 50,
                20 + i % 10,
                i % 20
            ),
        };
        let _ = writeln!(p, "rule \"r{i}\" priority {} {{\n  {body}\n}}", i % 97);
        i += 1;
    }
    p
}
