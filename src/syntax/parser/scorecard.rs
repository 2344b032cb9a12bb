//! Building scorecards (`grammar/policy.pest`: `scorecard`, `characteristic`,
//! `bin`, `points`) and the `reasons from` action.

use super::{span_of, AstBuilder, Built, Rule};
use crate::syntax::ast::{ActionKind, Spanned};
use crate::syntax::scorecard::{BinDecl, CharacteristicDecl, Points, ScorecardDecl};
use pest::iterators::Pair;

impl AstBuilder<'_> {
    /// A `scorecard` pair.
    pub(super) fn scorecard(&self, pair: Pair<'_, Rule>) -> Built<ScorecardDecl> {
        let mut base = None;
        let mut characteristics = Vec::new();
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::points => base = Some(self.points(p)?),
                Rule::characteristic => characteristics.push(self.characteristic(p)?),
                _ => {}
            }
        }
        let base = base.ok_or_else(|| self.bad(&pair, "expected the base points"))?;
        Ok(ScorecardDecl { base, characteristics })
    }

    fn characteristic(&self, pair: Pair<'_, Rule>) -> Built<CharacteristicDecl> {
        let span = span_of(&pair);
        let (mut input, mut code, mut text, mut bins) = (None, None, None, Vec::new());
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::expr => input = Some(self.expr(p)?),
                Rule::string_lit if code.is_none() => code = Some(self.string(p)?),
                Rule::string_lit => text = Some(self.string(p)?),
                Rule::bin => bins.push(self.bin(p)?),
                _ => {}
            }
        }
        let input = input.ok_or_else(|| self.bad(&pair, "expected what the characteristic scores"))?;
        let code = code.ok_or_else(|| self.bad(&pair, "expected a reason code"))?;
        Ok(CharacteristicDecl { input, code, text, bins, span })
    }

    fn bin(&self, pair: Pair<'_, Rule>) -> Built<BinDecl> {
        let span = span_of(&pair);
        let (mut cell, mut points) = (None, None);
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::cell => cell = Some(self.cell(p)?),
                Rule::points => points = Some(self.points(p)?),
                _ => {}
            }
        }
        let points = points.ok_or_else(|| self.bad(&pair, "expected the bin's points"))?;
        Ok(BinDecl { cell, points, span })
    }

    fn points(&self, pair: Pair<'_, Rule>) -> Built<Spanned<Points>> {
        let span = span_of(&pair);
        let mut negative = false;
        let mut value = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::cell_neg => negative = true,
                Rule::int_lit => value = Some(Points { value: self.signed_int(&p, negative)?.into(), int: true }),
                Rule::decimal_lit => value = Some(Points { value: self.decimal_text(&p, p.as_str())?, int: false }),
                _ => {}
            }
        }
        let mut points = value.ok_or_else(|| self.bad(&pair, "expected points"))?;
        // An int's points were read with their sign; a decimal's are negated here.
        if negative && !points.int {
            points.value = -points.value;
        }
        Ok(Spanned::new(points, span))
    }

    /// A `reasons_from_action` pair.
    pub(super) fn reasons_from(&self, pair: Pair<'_, Rule>) -> Built<ActionKind> {
        let mut scorecard = None;
        let mut top = None;
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::ident => scorecard = Some(self.ident(p)),
                Rule::int_lit => {
                    let n = self.int(&p)?;
                    let n = u64::try_from(n).map_err(|_| self.bad(&p, "`top` needs a whole number"))?;
                    top = Some(Spanned::new(n, span_of(&p)));
                }
                _ => {}
            }
        }
        let scorecard = scorecard.ok_or_else(|| self.bad(&pair, "expected the scorecard's name"))?;
        Ok(ActionKind::ReasonsFrom { scorecard, top })
    }
}
