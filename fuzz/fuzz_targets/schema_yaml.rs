//! Arbitrary text as a schema file.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        verdict::fuzzing::schema_yaml(text);
    }
});
