//! The signer against a plain model of the vendor's algorithm, on arbitrary requests:
//! `cargo +nightly fuzz run signer` (from the workspace root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use metastudio_fuzz::{check, input::Input};

fuzz_target!(|input: Input| check(&input));
