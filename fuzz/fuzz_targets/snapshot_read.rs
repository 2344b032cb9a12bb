//! Arbitrary bytes as snapshots in every format against the example schema:
//! every input yields records or a reading error, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    verdict::fuzzing::snapshot_read(data);
});
