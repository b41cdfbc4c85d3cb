//! `Retry-After` values: `parse_retry_after` against a model:
//! `cargo +nightly fuzz run retry_after` (see `src/responses.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::responses::{RetryInput, retry_after};

fuzz_target!(|input: RetryInput| retry_after(&input));
