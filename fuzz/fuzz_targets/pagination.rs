//! Page streams: `offset_stream` driven by scripted pages, against a model of the walk:
//! `cargo +nightly fuzz run pagination` (see `src/responses.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::responses::{PagesInput, pagination};

fuzz_target!(|input: PagesInput| pagination(&input));
