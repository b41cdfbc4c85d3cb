//! The whole generator on arbitrary bytes as a spec file: `cargo +nightly fuzz run spec_bytes`.
//! The first byte's low bit says JSON (1) or YAML (0); the rest is the file (UTF-8 and a byte
//! order mark as the generator reads files).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((flag, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = generator::read::text_of(rest.to_vec()) else {
        return;
    };
    metastudio_fuzz::pipeline::check_text(&text, flag & 1 == 1);
});
