//! `parse-floor SPEC`: deserializes one spec file (JSON for `.json`, YAML otherwise) into
//! `openapiv3::OpenAPI` and exits 0, printing nothing; on failure prints the reason on stderr and
//! exits 1 (2 for a usage error). `bench/run` times it as the floor the generator is measured
//! against.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: parse-floor SPEC";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(spec), None) = (args.next(), args.next()) else {
        eprintln!("error: expected exactly one argument, the spec file\n{USAGE}");
        return ExitCode::from(2);
    };
    match parse_floor::parse_file(&PathBuf::from(spec)) {
        // Kept alive until here and then dropped, as any program using the document would.
        Ok(document) => {
            std::hint::black_box(&document);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
