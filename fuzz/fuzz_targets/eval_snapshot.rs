//! Arbitrary JSON snapshots decided by the example lifecycle policy.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    verdict::fuzzing::eval_snapshot(data);
});
