//! Reloading the policy (`POST /v1/reload`, SIGHUP): a policy that does not
//! check is refused and the old one keeps serving; a good one replaces it in
//! one atomic swap.

use super::state::{unix_seconds, PolicyInfo, Served, Service};
use crate::cli::files::{input_that_is, policy_files};
use crate::cli::render::{diagnostics_json, render_all};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;
use verdict::terminal::escape;

/// What a reload came to: the HTTP status and body that say so.
pub struct Reloaded {
    /// 200 when swapped, 422 when refused, 500 when it could not be tried.
    pub status: u16,
    /// A JSON document.
    pub body: Vec<u8>,
}

/// Loads the policy files again and swaps the new policy in if it checks.
pub async fn reload(service: Arc<Service>, why: &str) -> Reloaded {
    let _one_at_a_time = service.reloading.lock().await;
    let path = service.path.clone();
    let log = service.log_path.clone();
    // Rendered on the blocking thread too: a panic there (a bug) is a 500
    // for this reload, not the end of the task that serves SIGHUP.
    let loaded = tokio::task::spawn_blocking(move || {
        let loaded = verdict::load_policy(&path).map_err(|e| {
            let shown = render_all(&e.diagnostics, &e.sources, false);
            (e, shown)
        });
        loaded.map(|policy| {
            let log = log.as_deref().map(|log| ("--decision-log", log));
            let reads_log =
                log.and_then(|log| input_that_is(log, &policy_files(&policy.sources)).map(Path::to_path_buf));
            (policy, reads_log)
        })
    })
    .await;
    let old = service.policy.load_full();
    let (status, body) = match loaded {
        Ok(Ok((_, Some(file)))) => {
            // As at start-up: a policy deciding by its own decision log could
            // not be replayed, and would change with every decision logged.
            let message = format!(
                "the policy reads `{}`, which is the decision log (--decision-log); refusing it",
                file.display()
            );
            eprintln!("verdict serve: reload ({why}) refused: {message}; still serving {}", old.program.fingerprint);
            service.metrics.reloaded(false);
            // As in every refusal: a client reads the list, here empty (nothing in the text is wrong).
            let diagnostics = Some(Vec::new());
            (422, Answer::refused(("policy", message), diagnostics, &old.program.fingerprint))
        }
        Ok(Ok((policy, None))) => {
            let now = SystemTime::now();
            let served = Served::new(policy.program, now);
            let body = Answer {
                reloaded: true,
                previous_fingerprint: Some(&old.program.fingerprint),
                policy: Some(served.info.clone()),
                warnings: Some(diagnostics_json(&policy.warnings, &policy.sources)),
                ..Answer::default()
            };
            service.metrics.serving(&served.program, unix_seconds(now));
            eprintln!(
                "verdict serve: reloaded ({why}): {} {} ({}), was {}",
                escape(&served.program.name),
                escape(&served.program.version),
                served.program.fingerprint,
                old.program.fingerprint
            );
            service.policy.store(Arc::new(served));
            service.metrics.reloaded(true);
            (200, body)
        }
        Ok(Err((e, shown))) => {
            eprintln!("verdict serve: reload ({why}) refused: {e}; still serving {}", old.program.fingerprint);
            eprint!("{shown}");
            service.metrics.reloaded(false);
            let diagnostics = Some(diagnostics_json(&e.diagnostics, &e.sources));
            (422, Answer::refused(("policy", e.to_string()), diagnostics, &old.program.fingerprint))
        }
        Err(e) => {
            eprintln!("verdict serve: reload ({why}) could not run: {e}; still serving {}", old.program.fingerprint);
            service.metrics.reloaded(false);
            let message = format!("the reload could not run: {e}");
            (500, Answer::refused(("internal", message), None, &old.program.fingerprint))
        }
    };
    let mut body = serde_json::to_vec(&body).unwrap_or_default();
    body.push(b'\n');
    Reloaded { status, body }
}

/// A reload's answer, its members in the order docs/serve.md shows them.
#[derive(Default, serde::Serialize)]
struct Answer<'a> {
    reloaded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Problem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnostics: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    serving: Option<&'a str>,
}

/// Why a reload was refused: `{"kind": …, "message": …}`.
#[derive(serde::Serialize)]
struct Problem {
    kind: &'static str,
    message: String,
}

impl<'a> Answer<'a> {
    /// A refusal: the old policy (`serving`) keeps serving.
    fn refused(
        (kind, message): (&'static str, String),
        diagnostics: Option<Vec<serde_json::Value>>,
        serving: &'a str,
    ) -> Self {
        Answer { error: Some(Problem { kind, message }), diagnostics, serving: Some(serving), ..Answer::default() }
    }
}
