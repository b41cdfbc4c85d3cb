//! Typed response headers: a fixture's generated `from_headers` on arbitrary header maps:
//! `cargo +nightly fuzz run response_headers` (see `src/responses.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::responses::{HeadersInput, response_headers};

fuzz_target!(|input: HeadersInput| response_headers(&input));
