//! The service's metrics, in Prometheus' text format (`GET /metrics`).

use super::decide::Tally;
use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use verdict::compile::Program;
use verdict::eval::ErrorKind;
use verdict::ir::Outcome;

/// Latency buckets in seconds: a decision takes microseconds, a JSON Lines
/// request of thousands of snapshots milliseconds.
const LATENCY_BUCKETS: [f64; 16] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Every metric the service exports, registered in a registry of its own.
pub struct Metrics {
    registry: Registry,
    decisions: IntCounterVec,
    errors: IntCounterVec,
    responses: IntCounterVec,
    latency: Histogram,
    policy: IntGaugeVec,
    loaded: IntGauge,
    reloads: IntCounterVec,
    log_failing: IntGauge,
}

impl Metrics {
    /// The metrics, all at zero.
    pub fn new() -> prometheus::Result<Metrics> {
        let registry = Registry::new();
        let decisions =
            IntCounterVec::new(Opts::new("verdict_decisions_total", "Decisions made, by outcome."), &["outcome"])?;
        let errors = IntCounterVec::new(
            Opts::new("verdict_errors_total", "Error records returned (one per snapshot not decided), by kind."),
            &["kind"],
        )?;
        let responses = IntCounterVec::new(
            Opts::new("verdict_http_responses_total", "HTTP responses, by endpoint and status code."),
            &["endpoint", "code"],
        )?;
        let latency = Histogram::with_opts(
            HistogramOpts::new(
                "verdict_decide_duration_seconds",
                "Time to answer a POST /v1/decide request, from its body read to its response.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
        )?;
        let policy = IntGaugeVec::new(
            Opts::new("verdict_policy_info", "The policy serving decisions (always 1), with its fingerprint."),
            &["name", "version", "fingerprint"],
        )?;
        let loaded = IntGauge::new(
            "verdict_policy_loaded_timestamp_seconds",
            "When the policy serving decisions was loaded (Unix time).",
        )?;
        let reloads =
            IntCounterVec::new(Opts::new("verdict_reloads_total", "Reloads asked for, by result."), &["result"])?;
        let log_failing = IntGauge::new(
            "verdict_decision_log_failing",
            "1 while the decision log cannot be written and decisions are refused, else 0.",
        )?;
        registry.register(Box::new(log_failing.clone()))?;
        registry.register(Box::new(decisions.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(responses.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(policy.clone()))?;
        registry.register(Box::new(loaded.clone()))?;
        registry.register(Box::new(reloads.clone()))?;
        // Every label value known in advance starts at zero, so a dashboard sees it before it happens.
        for outcome in Outcome::ALL {
            decisions.with_label_values(&[outcome.name()]);
        }
        for kind in [ErrorKind::Snapshot, ErrorKind::Eval, ErrorKind::Hook, ErrorKind::Timeout] {
            errors.with_label_values(&[kind.name()]);
        }
        for result in ["ok", "refused"] {
            reloads.with_label_values(&[result]);
        }
        Ok(Metrics { registry, decisions, errors, responses, latency, policy, loaded, reloads, log_failing })
    }

    /// Adds one request's decisions and error records.
    pub fn count(&self, tally: &Tally, seconds: f64) {
        for (outcome, n) in &tally.outcomes {
            self.decisions.with_label_values(&[*outcome]).inc_by(*n);
        }
        for (kind, n) in &tally.errors {
            self.errors.with_label_values(&[*kind]).inc_by(*n);
        }
        self.latency.observe(seconds);
    }

    /// Counts one response.
    pub fn respond(&self, endpoint: &str, code: u16) {
        self.responses.with_label_values(&[endpoint, code.to_string().as_str()]).inc();
    }

    /// Names the policy now serving (replacing the one before).
    pub fn serving(&self, program: &Program, loaded_unix: i64) {
        self.policy.reset();
        self.policy.with_label_values(&[program.name.as_str(), program.version.as_str(), &program.fingerprint]).set(1);
        self.loaded.set(loaded_unix);
    }

    /// Counts a reload, accepted or refused.
    pub fn reloaded(&self, ok: bool) {
        self.reloads.with_label_values(&[if ok { "ok" } else { "refused" }]).inc();
    }

    /// Whether the decision log is failing now.
    pub fn decision_log_failing(&self, failing: bool) {
        self.log_failing.set(i64::from(failing));
    }

    /// Every metric in Prometheus' text format ([`prometheus::TEXT_FORMAT`]).
    pub fn render(&self) -> Vec<u8> {
        let encoder = TextEncoder::new();
        let mut out = Vec::new();
        if let Err(e) = encoder.encode(&self.registry.gather(), &mut out) {
            out = format!("# the metrics could not be encoded: {e}\n").into_bytes();
        }
        out
    }
}
