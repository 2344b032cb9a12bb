//! Arbitrary text through parse and check against the example schema: it may
//! be rejected with diagnostics, but it must never panic or hang.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        verdict::fuzzing::policy_check(text);
    }
});
