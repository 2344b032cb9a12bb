//! `split NAME by FIELD [salt "S"] { ARM PCT% ... }`: the `by` field is a
//! required `string` or `int` of the account (the key, or e.g. a customer
//! id), the arms are distinct names whose weights (percentages with at most
//! two decimals) sum to exactly 100%.

use super::expr::Scope;
use super::Checker;
use crate::diagnostic::codes;
use crate::ir::split::{SplitKey, TSplit, WHOLE};
use crate::ir::{Base, Frame, TKind};
use crate::syntax::ast::{self, Spanned};
use rust_decimal::Decimal;
use std::sync::Arc;

impl Checker<'_> {
    /// Checks a split; `None` (reported) when it cannot be used.
    pub(super) fn split(&mut self, s: &ast::SplitDecl) -> Option<TSplit> {
        let by = self.split_by(s);
        let cumulative = self.split_weights(s);
        let mut names: Vec<Box<str>> = Vec::new();
        let mut ok = true;
        for (arm, _) in &s.arms {
            if names.iter().any(|n| **n == *arm.node) {
                let file = self.file;
                let d = self.err(codes::SPLIT_ARMS, arm.span, format!("arm `{}` is declared twice", arm.node));
                d.label = Some("declared again here".into());
                if let Some((first, _)) = s.arms.iter().find(|(a, _)| a.node == arm.node) {
                    d.relate(file, first.span, "first declared here");
                }
                ok = false;
            }
            names.push(arm.node.as_str().into());
        }
        let (slot, key) = by?;
        // Weights in error (reported) keep the policy from running, but the
        // arms are known: rules naming them are still checked against them.
        let cumulative = cumulative.unwrap_or_else(|| vec![WHOLE; names.len()]);
        ok.then(|| TSplit {
            name: s.name.node.as_str().into(),
            slot,
            key,
            salt: s.salt.as_ref().map_or(&s.name.node, |salt| &salt.node).as_str().into(),
            arm_names: names.iter().map(|n| Arc::from(&**n)).collect(),
            arms: names.into(),
            cumulative,
        })
    }

    /// The `by` field's slot and how its value is written.
    fn split_by(&mut self, s: &ast::SplitDecl) -> Option<(usize, SplitKey)> {
        let span = match (s.by.first(), s.by.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => s.name.span,
        };
        let field = self.path(&s.by, span, Scope { element: None })?;
        let key = match (&field.kind, &field.ty.base, field.ty.optional) {
            (TKind::Field { frame: Frame::Account, slot }, Base::Str, false) => Some((*slot, SplitKey::Str)),
            (TKind::Field { frame: Frame::Account, slot }, Base::Int, false) => Some((*slot, SplitKey::Int)),
            _ => None,
        };
        if key.is_none() {
            let key_name = &self.schema.key;
            self.err(
                codes::SPLIT_BY,
                span,
                format!("a split is decided by a required string or int field, not {}", field.ty.describe()),
            )
            .help = Some(format!(
                "split by the schema's key (`by {key_name}`) or by another required string or int field, such as \
                 a customer id"
            ));
        }
        key
    }

    /// The cumulative weights in hundredths of a percent, checked to be
    /// whole hundredths summing to exactly 100%.
    fn split_weights(&mut self, s: &ast::SplitDecl) -> Option<Vec<u32>> {
        let Some((last, _)) = s.arms.last() else {
            self.err(codes::SPLIT_ARMS, s.name.span, format!("split `{}` has no arms", s.name.node)).help =
                Some("list each arm with its share: `champion 90%` then `challenger 10%`".into());
            return None;
        };
        let mut cumulative = Vec::new();
        let mut total = 0u32;
        let mut ok = true;
        for (arm, weight) in &s.arms {
            match hundredths(weight) {
                Some(w) => total = total.saturating_add(w),
                None => {
                    self.err(
                        codes::SPLIT_WEIGHTS,
                        weight.span,
                        format!("the weight of arm `{}` is not a percentage with at most two decimals", arm.node),
                    );
                    ok = false;
                }
            }
            cumulative.push(total);
        }
        if ok && total != WHOLE {
            let sum = Decimal::new(i64::from(total), 2).normalize();
            let span = s.arms.first().map_or(last.span, |(first, _)| first.span).to(s.arms.last()?.1.span);
            let message = format!("the weights of split `{}` sum to {sum}%, not 100%", s.name.node);
            self.err(codes::SPLIT_WEIGHTS, span, message).help =
                Some("the arms share the whole book: their percentages must add up to exactly 100%".into());
            ok = false;
        }
        ok.then_some(cumulative)
    }
}

/// A percentage as written (`10.5` for `10.5%`) in hundredths of a percent,
/// when it has at most two decimals (`10.50` is `10.5`: the value counts, not
/// its digits).
fn hundredths(weight: &Spanned<Decimal>) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    let scaled = weight.node.checked_mul(Decimal::ONE_HUNDRED)?;
    if scaled.fract() != Decimal::ZERO {
        return None;
    }
    // Beyond u32 is far beyond 100%: saturate so the sum is reported.
    Some(scaled.to_u32().unwrap_or(u32::MAX))
}
