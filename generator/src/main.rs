//! The generator's command line: a thin layer over [`generator::generate`] and
//! [`generator::write::write_files`].
//!
//! ```text
//! generator generate --spec FILE --out DIR [--check] [--tag-features] [--deny-warnings] [--deny-breaking]
//! generator new --spec FILE --out DIR [--name CRATE] [--no-tag-features] [--deny-warnings] [--deny-breaking]
//! ```
//!
//! Warnings (constructs the generator could not type well, with the fallback it used) go to
//! stderr with their file, line and JSON pointer; `--deny-warnings` makes them errors.
//!
//! After the usual output, both commands print what the regeneration changes in the public API
//! ([`generator::report`]: the committed `public-api.txt` against the new one, read before
//! anything is written), with a verdict; `--deny-breaking` refuses a breaking one.
//!
//! Exit status: 0 on success, 1 when `--check` finds stale files, 2 for anything else (a
//! usage error, problems in the spec, a file-system error), 3 when `--deny-breaking` finds a
//! breaking change (nothing is written).

use generator::write::{Mode, Outcome, write_files};
use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: generator generate --spec FILE --out DIR [--check] [--tag-features] [--deny-warnings] [--deny-breaking]
       generator new --spec FILE --out DIR [--name CRATE] [--no-tag-features] [--deny-warnings] [--deny-breaking]";

const HELP: &str = "Generates a Rust client from a Swagger 2.0, OpenAPI 3.0 or OpenAPI 3.1
description (one file, or several joined by relative $refs).

Commands:
  generate   write the generated modules into DIR (only files whose contents changed)
  new        write a complete standalone crate into DIR (Cargo.toml, lib.rs, generated
             code and the runtime); runs again over the same DIR update it

Options:
  --spec FILE       the spec's entry file, YAML or JSON (by extension)
  --out DIR         the output directory
  --check           change nothing; exit 1 if a file in DIR is stale
  --name CRATE      the crate name for `new`
  --tag-features    (`generate`) gate each operation, and the types only it reaches, behind
                    a Cargo feature per tag; prints the `[features]` section to declare
  --no-tag-features (`new`) compile every operation, without the per-tag features `new`
                    otherwise declares (all on by default)
  --deny-warnings   treat warnings (constructs typed with a fallback) as errors
  --deny-breaking   refuse a breaking change to the public API: write nothing, exit 3
  -h, --help        print this help

Both commands also write public-api.txt, a sorted listing of the client's public API, and
print what changed since the listing already in DIR (for `new`, DIR/src/generated): one line
per change, breaking, additive or docs, then a verdict (major, minor, patch or unchanged).

Exit status: 0 on success, 1 when --check finds stale files, 2 for usage errors, problems in
the spec and file-system errors, 3 when --deny-breaking finds a breaking change.";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Generate {
        spec: PathBuf,
        out: PathBuf,
        check: bool,
        tag_features: bool,
        deny_warnings: bool,
        deny_breaking: bool,
    },
    New {
        spec: PathBuf,
        out: PathBuf,
        name: Option<String>,
        tag_features: bool,
        deny_warnings: bool,
        deny_breaking: bool,
    },
}

/// Parses the arguments after the program name; `Err` is a one-line usage error.
fn parse(args: Vec<OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let command = match args.next() {
        None => return Err("missing command".to_owned()),
        Some(command) => command,
    };
    let command = match command.to_str() {
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(command @ ("generate" | "new")) => command.to_owned(),
        _ => {
            return Err(format!(
                "unknown command `{}`; expected `generate` or `new`",
                command.to_string_lossy()
            ));
        }
    };
    let mut spec = None;
    let mut out = None;
    let mut check = false;
    let mut tag_features = command == "new";
    let mut deny_warnings = false;
    let mut deny_breaking = false;
    let mut name = None;
    while let Some(arg) = args.next() {
        let flag = arg.to_string_lossy().into_owned();
        let mut value = |slot: &mut Option<OsString>| match (slot.is_some(), args.next()) {
            (true, _) => Err(format!("`{flag}` is given twice")),
            (false, None) => Err(format!("`{flag}` needs a value")),
            (false, Some(v)) => {
                *slot = Some(v);
                Ok(())
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--spec" => value(&mut spec)?,
            "--out" => value(&mut out)?,
            "--check" if command == "generate" => check = true,
            "--tag-features" if command == "generate" => tag_features = true,
            "--no-tag-features" if command == "new" => tag_features = false,
            "--deny-warnings" => deny_warnings = true,
            "--deny-breaking" => deny_breaking = true,
            "--name" if command == "new" => value(&mut name)?,
            _ => return Err(format!("unknown option `{flag}` for `{command}`")),
        }
    }
    let spec = PathBuf::from(spec.ok_or("missing `--spec FILE`")?);
    let out = PathBuf::from(out.ok_or("missing `--out DIR`")?);
    if command == "generate" {
        Ok(Command::Generate {
            spec,
            out,
            check,
            tag_features,
            deny_warnings,
            deny_breaking,
        })
    } else {
        let name = name
            .map(|n| {
                n.into_string()
                    .map_err(|_| "`--name` must be valid UTF-8".to_owned())
            })
            .transpose()?;
        Ok(Command::New {
            spec,
            out,
            name,
            tag_features,
            deny_warnings,
            deny_breaking,
        })
    }
}

fn main() -> ExitCode {
    let command = match parse(std::env::args_os().skip(1).collect()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}\n\n{HELP}");
            ExitCode::SUCCESS
        }
        Command::New {
            spec,
            out,
            name,
            tag_features,
            deny_warnings,
            deny_breaking,
        } => new_crate(
            spec,
            out,
            name,
            generator::Options { tag_features },
            (deny_warnings, deny_breaking),
        ),
        Command::Generate {
            spec,
            out,
            check,
            tag_features,
            deny_warnings,
            deny_breaking,
        } => generate(
            spec,
            out,
            check,
            generator::Options { tag_features },
            (deny_warnings, deny_breaking),
        ),
    }
}

/// Prints the warnings; `false` when they are denied (then nothing may be written).
fn warnings_allowed(generated: &generator::Generated, deny: bool) -> bool {
    if generated.warnings.is_empty() {
        return true;
    }
    if deny {
        eprintln!("{}", generated.warnings.clone().deny_warnings());
        eprintln!("warnings are denied (--deny-warnings): nothing was written");
        return false;
    }
    eprintln!("{}", generated.warnings);
    true
}

/// Prints what the regeneration changes in the public API; `false` when it breaks something
/// and that is denied (then nothing may be written).
fn api_allowed(api: &generator::report::Report, deny: bool) -> bool {
    if deny && api.is_breaking() {
        print_api(api);
        eprintln!(
            "breaking changes to the public API are denied (--deny-breaking): nothing was written"
        );
        return false;
    }
    true
}

fn print_api(api: &generator::report::Report) {
    // A closed stdout is no reason to fail after the files are written.
    let _ = write!(std::io::stdout().lock(), "{api}");
}

/// `deny` is (`--deny-warnings`, `--deny-breaking`).
fn generate(
    spec: PathBuf,
    out: PathBuf,
    check: bool,
    options: generator::Options,
    (deny_warnings, deny_breaking): (bool, bool),
) -> ExitCode {
    // The spec path as given is what the generated header names, so the output does not
    // depend on where the workspace lives.
    let source_name = spec.to_string_lossy().replace('\\', "/");
    let loaded = match generator::load::load(&spec) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let generated = match generator::generate_from_spec_with(&loaded, &source_name, &options) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    left_to_the_exit(loaded);
    if !warnings_allowed(&generated, deny_warnings) {
        return ExitCode::from(2);
    }
    if !generated.features.is_empty() || generated.webhooks_feature.is_some() {
        eprintln!(
            "the code is gated by per-tag features; declare them in the crate's Cargo.toml:\n{}",
            generator::standalone::features_section(
                &generated.features,
                generated.webhooks_feature.as_deref()
            )
        );
    }
    let files = generated.files;
    // Read the committed listing before anything is written over it.
    let api = generator::report::regeneration(&out, &files);
    if !api_allowed(&api, deny_breaking) {
        return ExitCode::from(3);
    }
    let mode = if check { Mode::Check } else { Mode::Write };
    let (count, written) = (files.len(), write_files(&out, &files, mode));
    left_to_the_exit(files);
    match written {
        Ok(outcome) => {
            let code = report(&outcome, &out, count);
            print_api(&api);
            code
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// `deny` is (`--deny-warnings`, `--deny-breaking`).
fn new_crate(
    spec: PathBuf,
    out: PathBuf,
    name: Option<String>,
    options: generator::Options,
    (deny_warnings, deny_breaking): (bool, bool),
) -> ExitCode {
    if let Some(name) = &name
        && !generator::standalone::is_valid_crate_name(name)
    {
        eprintln!(
            "error: `{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, starting with a letter"
        );
        return ExitCode::from(2);
    }
    let source_name = spec
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec.to_string_lossy().into_owned());
    let loaded = match generator::load::load(&spec) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let generated = match generator::standalone::standalone_crate(
        &loaded,
        &source_name,
        name.as_deref(),
        &options,
    ) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if !warnings_allowed(&generated, deny_warnings) {
        return ExitCode::from(2);
    }
    left_to_the_exit(loaded);
    let files = generated.files;
    let api = generator::report::regeneration(&out, &files);
    if !api_allowed(&api, deny_breaking) {
        return ExitCode::from(3);
    }
    let (count, written) = (files.len(), write_files(&out, &files, Mode::Write));
    left_to_the_exit(files);
    match written {
        Ok(outcome) => {
            let code = report(&outcome, &out, count);
            println!(
                "build it with: cargo build --manifest-path {}",
                out.join("Cargo.toml").display()
            );
            print_api(&api);
            code
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// Leaves `value` to be freed by the end of the process, which follows soon: freeing a loaded
/// document's or the output's many allocations one by one only delays the exit (a few per cent
/// of a run on a large spec).
fn left_to_the_exit<T>(value: T) {
    std::mem::forget(value);
}

fn report(outcome: &Outcome, out: &std::path::Path, count: usize) -> ExitCode {
    let out = out.display();
    if outcome.is_up_to_date() {
        println!("{out} is up to date ({count} files)");
        return ExitCode::SUCCESS;
    }
    match outcome.mode {
        Mode::Write => {
            let mut stdout = std::io::stdout().lock();
            for change in &outcome.changes {
                let verb = match change.kind {
                    generator::write::ChangeKind::Missing => "created",
                    generator::write::ChangeKind::Differs => "updated",
                    generator::write::ChangeKind::NoLongerGenerated => "removed",
                };
                // A closed stdout is no reason to fail after the files are written.
                let _ = writeln!(stdout, "{verb} {}", change.path.display());
            }
            ExitCode::SUCCESS
        }
        Mode::Check => {
            for change in &outcome.changes {
                eprintln!("stale: {change}");
            }
            eprintln!("{out} is stale: run `cargo codegen` to regenerate");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn parses_generate_and_new() {
        assert_eq!(
            parse(args("generate --spec s.yaml --out o --check")),
            Ok(Command::Generate {
                spec: "s.yaml".into(),
                out: "o".into(),
                check: true,
                tag_features: false,
                deny_warnings: false,
                deny_breaking: false,
            })
        );
        assert_eq!(
            parse(args("generate --out o --spec s.yaml")),
            Ok(Command::Generate {
                spec: "s.yaml".into(),
                out: "o".into(),
                check: false,
                tag_features: false,
                deny_warnings: false,
                deny_breaking: false,
            })
        );
        assert_eq!(
            parse(args(
                "new --spec s.yaml --out o --name my-client --deny-warnings"
            )),
            Ok(Command::New {
                spec: "s.yaml".into(),
                out: "o".into(),
                name: Some("my-client".into()),
                tag_features: true,
                deny_warnings: true,
                deny_breaking: false,
            })
        );
        assert_eq!(
            parse(args(
                "generate --deny-breaking --spec s.yaml --out o --check"
            )),
            Ok(Command::Generate {
                spec: "s.yaml".into(),
                out: "o".into(),
                check: true,
                tag_features: false,
                deny_warnings: false,
                deny_breaking: true,
            })
        );
        assert_eq!(
            parse(args("new --spec s.yaml --out o --deny-breaking")),
            Ok(Command::New {
                spec: "s.yaml".into(),
                out: "o".into(),
                name: None,
                tag_features: true,
                deny_warnings: false,
                deny_breaking: true,
            })
        );
        assert_eq!(
            parse(args("new --spec s.yaml --out o --no-tag-features")),
            Ok(Command::New {
                spec: "s.yaml".into(),
                out: "o".into(),
                name: None,
                tag_features: false,
                deny_warnings: false,
                deny_breaking: false,
            })
        );
        assert_eq!(
            parse(args("generate --spec s.yaml --out o --tag-features")),
            Ok(Command::Generate {
                spec: "s.yaml".into(),
                out: "o".into(),
                check: false,
                tag_features: true,
                deny_warnings: false,
                deny_breaking: false,
            })
        );
        assert!(parse(args("generate --spec s --out o --no-tag-features")).is_err());
        assert!(parse(args("new --spec s --out o --tag-features")).is_err());
        assert_eq!(parse(args("--help")), Ok(Command::Help));
        assert_eq!(parse(args("generate --spec s -h")), Ok(Command::Help));
    }

    #[test]
    fn help_names_the_report_and_exit_status_3() {
        for text in [USAGE, HELP] {
            assert!(text.contains("--deny-breaking"), "{text}");
        }
        assert!(HELP.contains("public-api.txt"), "{HELP}");
        assert!(
            HELP.contains("3 when --deny-breaking finds a breaking change"),
            "{HELP}"
        );
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let cases = [
            ("", "missing command"),
            ("build", "unknown command `build`"),
            ("generate --out o", "missing `--spec FILE`"),
            ("generate --spec s", "missing `--out DIR`"),
            ("generate --spec", "`--spec` needs a value"),
            (
                "generate --spec a --spec b --out o",
                "`--spec` is given twice",
            ),
            (
                "generate --spec a --out o --name x",
                "unknown option `--name` for `generate`",
            ),
            (
                "new --spec a --out o --check",
                "unknown option `--check` for `new`",
            ),
            ("generate --spec a --out o extra", "unknown option `extra`"),
        ];
        for (line, expected) in cases {
            let error = parse(args(line)).unwrap_err();
            assert!(error.starts_with(expected), "{line:?}: {error}");
        }
    }
}
