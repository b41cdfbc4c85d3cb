//! The whole generator on structure-aware mutations of real specs:
//! `cargo +nightly fuzz run spec_mutate` (see `src/mutate.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::mutate::{Input, check};

fuzz_target!(|input: Input| check(&input));
