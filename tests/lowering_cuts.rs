//! Decimal inputs of tables and scorecards are searched with their cuts at
//! one scale (`cells::scaled`), on the fast path and by the interpreter
//! alike: both must find the same row and the same bin for every account,
//! quotients of 28 digits and values exactly on a cut included.

mod both_ways;

use both_ways::same_both_ways;
use verdict::cells::atoms::Locator;
use verdict::compile::lower::scorecard::Search;
use verdict::compile::lower::{IntCode, LetCode};
use verdict::load_policy_source;

const CUTS: &str = r#"
policy "lowering-cuts" version "1"
schema "account.schema.yaml"

let utilization = balance / credit_limit
let band = table (utilization, balance) -> int first {
  < 33.3%            | _                => 1
  [33.3%, 0.5]       | <= 1000          => 2
  [33.3%, 0.5]       | (1000, 2500.25]  => 3
  (0.5, 0.66666)     | _                => 4
  >= 0.66666         | [0, 5000)        => 5
  else                                  => 6
}
let card = scorecard base 100 {
  utilization "U" "Utilization" {
    < 0.1          => 10
    [0.1, 0.3333333333333333333333333333) => 5
    [0.3333333333333333333333333333, 0.75] => 0
    > 0.75         => -10
  }
  balance "B" "Balance" {
    <= 0           => 3
    (0, 999.99]    => 2
    > 999.99       => 1
  }
}

rule "band" { when credit_limit > 0 and band >= 3 and card > 95 then tag "band" }
rule "low" { when credit_limit > 0 and band == 1 then tag "low" }
"#;

#[test]
fn decimal_cuts_find_the_same_rows_and_bins_both_ways() {
    let program = load_policy_source("policies/lowering-cuts.policy".as_ref(), CUTS).unwrap().program;
    for seed in [1, 7, 42, 2026] {
        same_both_ways(&program, seed, 3_000, verdict::eval::MAX_ELEMENT_VISITS);
    }
    let card = program.lets.iter().position(|l| l.name == "card").unwrap();
    let LetCode::Int(IntCode::Scorecard(code)) = &program.let_code[card] else { panic!("a lowered scorecard") };
    assert!(
        code.characteristics.iter().all(|c| matches!(&c.search, Search::Atoms(a) if matches!(&a.locator, Locator::Decs { cuts } if cuts.is_scaled()))),
        "both decimal characteristics search scaled cuts: {:?}",
        code.characteristics.iter().map(|c| &c.search).collect::<Vec<_>>()
    );
}
