//! Error bodies: `ApiError::from_body` and `RawResponse::into_error` on arbitrary bodies and `x-error-fields` pairs:
//! `cargo +nightly fuzz run api_error` (see `src/responses.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::responses::{ErrorInput, api_error};

fuzz_target!(|input: ErrorInput| api_error(&input));
