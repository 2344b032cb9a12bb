//! A ratio measured in one run: two workloads timed alternately, round after
//! round, so that both see the same machine state (other load, frequency);
//! the medians are compared.

#![allow(
    dead_code,
    reason = "a support module shared by several benches, each using part of it; `expect` would fail in the benches that use all of it"
)]

use std::time::{Duration, Instant};

/// Times `a` and `b` alternately for `rounds` rounds (each call handles `items` items), prints
/// both medians per item and `a / b`, and returns the ratio.
pub fn interleaved(
    title: &str,
    items: u64,
    rounds: usize,
    a: (&str, &mut dyn FnMut()),
    b: (&str, &mut dyn FnMut()),
) -> f64 {
    let (name_a, run_a) = a;
    let (name_b, run_b) = b;
    // One warm-up call each (caches, allocator, lazy statics).
    run_a();
    run_b();
    let mut times_a = Vec::with_capacity(rounds);
    let mut times_b = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        times_a.push(time(&mut *run_a));
        times_b.push(time(&mut *run_b));
    }
    let (ma, mb) = (median(&mut times_a), median(&mut times_b));
    let per = |d: Duration| d.as_secs_f64() * 1e9 / items.max(1) as f64;
    let ratio = ma.as_secs_f64() / mb.as_secs_f64().max(f64::MIN_POSITIVE);
    println!(
        "RATIO {title}: {name_a} {:.0} ns/item ({:.0}/s), {name_b} {:.0} ns/item ({:.0}/s): {name_a} / {name_b} = {ratio:.2}x (median of {rounds} interleaved rounds of {items})",
        per(ma),
        items as f64 / ma.as_secs_f64(),
        per(mb),
        items as f64 / mb.as_secs_f64(),
    );
    ratio
}

fn time(f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// True under `cargo bench` (criterion's `--bench`), false under `cargo test --benches`.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}
