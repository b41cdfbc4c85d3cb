//! Last phase: write generated files (only when changed, atomically, never over a hand-written
//! file) or check that the committed ones are fresh.
//!
//! Both modes first make a plan by reading what is on disk; a file that would be overwritten
//! but lacks the [`GENERATED_MARKER`] stops everything before anything is touched. Write mode
//! then carries the plan out; check mode only reports it.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// The marker every generated file carries in its first line; a file without it is
/// hand-written and is never overwritten.
pub const GENERATED_MARKER: &str = "@generated";

/// One output file: its path relative to the output directory, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, e.g. `types.rs`.
    pub path: PathBuf,
    /// The formatted text, header included.
    pub contents: String,
}

/// What [`write_files`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bring the output directory up to date.
    Write,
    /// Change nothing; report what is stale.
    Check,
}

/// One file that differs from what the generator produces now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file, as `out_dir` joined with its relative path.
    pub path: PathBuf,
    /// How it differs.
    pub kind: ChangeKind,
}

/// How a file differs from what the generator produces now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Produced, but not on disk.
    Missing,
    /// On disk with other contents.
    Differs,
    /// A generated file on disk that is no longer produced.
    NoLongerGenerated,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ChangeKind::Missing => "missing",
            ChangeKind::Differs => "out of date",
            ChangeKind::NoLongerGenerated => "no longer generated",
        };
        write!(f, "{} ({what})", self.path.display())
    }
}

/// What [`write_files`] found and, in write mode, did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The mode it ran in.
    pub mode: Mode,
    /// Every file that was stale: in write mode it has been created, rewritten or removed; in
    /// check mode it is only listed. Sorted by path.
    pub changes: Vec<Change>,
    /// Files that were already up to date (their modification time is untouched).
    pub unchanged: Vec<PathBuf>,
}

impl Outcome {
    /// Whether nothing was (or, in check mode, needs to be) changed.
    pub fn is_up_to_date(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Why writing or checking generated files failed. Every variant names its path.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file exists where a generated file goes, and it is not generated.
    #[error(
        "refusing to overwrite {}: it has no {GENERATED_MARKER} header, so it may be hand-written; move it away or delete it",
        path.display()
    )]
    HandWritten {
        /// The existing file.
        path: PathBuf,
    },
    /// The generator produced a path outside the output directory (a generator bug).
    #[error(
        "internal error: generated file path {} is not a plain relative path",
        path.display()
    )]
    UnsafePath {
        /// The offending relative path.
        path: PathBuf,
    },
    /// A directory could not be created.
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A directory could not be listed.
    #[error("cannot list directory {}: {source}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// An existing file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file (the temporary file next to the target).
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The temporary file could not be moved into place.
    #[error("cannot rename {} to {}: {source}", from.display(), to.display())]
    Rename {
        /// The temporary file.
        from: PathBuf,
        /// The target.
        to: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A file that is no longer generated could not be removed.
    #[error("cannot remove {}: {source}", path.display())]
    Remove {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Writes `files` into `out_dir`, or checks that they are there unchanged.
///
/// Write mode creates `out_dir`, writes each file whose contents changed (atomically: a
/// temporary file in the same directory, then a rename), and removes `.rs` files that carry the
/// marker but are no longer produced, from `out_dir` and from every directory it writes into.
/// A file that differs only in its line endings (a CRLF checkout) is unchanged. Check mode
/// changes nothing and lists the same changes as stale. Both refuse, before touching anything, to overwrite a file
/// whose first line lacks [`GENERATED_MARKER`].
pub fn write_files(
    out_dir: &Path,
    files: &[GeneratedFile],
    mode: Mode,
) -> Result<Outcome, WriteError> {
    let plan = plan(out_dir, files)?;
    if mode == Mode::Write {
        for step in &plan.steps {
            match step {
                Step::Put { path, contents, .. } => put(path, contents)?,
                Step::Remove { path } => {
                    fs::remove_file(path).map_err(|source| WriteError::Remove {
                        path: path.clone(),
                        source,
                    })?
                }
            }
        }
    }
    let mut changes: Vec<Change> = plan.steps.iter().map(Step::change).collect();
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Outcome {
        mode,
        changes,
        unchanged: plan.unchanged,
    })
}

enum Step<'a> {
    Put {
        path: PathBuf,
        contents: &'a str,
        kind: ChangeKind,
    },
    Remove {
        path: PathBuf,
    },
}

struct Plan<'a> {
    steps: Vec<Step<'a>>,
    unchanged: Vec<PathBuf>,
}

impl Step<'_> {
    fn change(&self) -> Change {
        match self {
            Step::Put { path, kind, .. } => Change {
                path: path.clone(),
                kind: *kind,
            },
            Step::Remove { path } => Change {
                path: path.clone(),
                kind: ChangeKind::NoLongerGenerated,
            },
        }
    }
}

fn plan<'a>(out_dir: &Path, files: &'a [GeneratedFile]) -> Result<Plan<'a>, WriteError> {
    let mut plan = Plan {
        steps: Vec::new(),
        unchanged: Vec::new(),
    };
    let mut produced = BTreeSet::new();
    let mut dirs = BTreeSet::from([out_dir.to_path_buf()]);
    for file in files {
        if !is_plain_relative(&file.path) {
            return Err(WriteError::UnsafePath {
                path: file.path.clone(),
            });
        }
        let path = out_dir.join(&file.path);
        produced.insert(path.clone());
        if let Some(dir) = path.parent() {
            dirs.insert(dir.to_path_buf());
        }
        match read_if_exists(&path)? {
            None => plan.steps.push(Step::Put {
                path,
                contents: &file.contents,
                kind: ChangeKind::Missing,
            }),
            Some(existing) if same_text(&existing, &file.contents) => plan.unchanged.push(path),
            Some(existing) if !has_marker(&existing) => {
                return Err(WriteError::HandWritten { path });
            }
            Some(_) => plan.steps.push(Step::Put {
                path,
                contents: &file.contents,
                kind: ChangeKind::Differs,
            }),
        }
    }
    for dir in &dirs {
        for path in generated_rs_files(dir)? {
            if !produced.contains(&path) {
                plan.steps.push(Step::Remove { path });
            }
        }
    }
    Ok(plan)
}

/// `existing` is `text`, byte for byte or with every line ending `\r\n` (as a checkout with
/// `core.autocrlf` writes it).
fn same_text(existing: &[u8], text: &str) -> bool {
    if existing == text.as_bytes() {
        return true;
    }
    let mut rest = existing;
    for line in text.split_inclusive('\n') {
        let expected = match line.strip_suffix('\n') {
            Some(body) => [body.as_bytes(), b"\r\n"].concat(),
            None => line.as_bytes().to_vec(),
        };
        match rest.strip_prefix(expected.as_slice()) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

/// `.rs` files directly in `dir` whose first line carries the marker (none if `dir` is absent).
fn generated_rs_files(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let read_dir_error = |source| WriteError::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(read_dir_error(error)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(read_dir_error)?;
        let path = entry.path();
        let is_file = entry.file_type().map_err(read_dir_error)?.is_file();
        if is_file
            && path.extension().is_some_and(|e| e == "rs")
            && read_if_exists(&path)?.is_some_and(|contents| has_marker(&contents))
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn is_plain_relative(path: &Path) -> bool {
    path.components().next().is_some()
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn has_marker(contents: &[u8]) -> bool {
    let first_line = contents.split(|b| *b == b'\n').next().unwrap_or_default();
    let marker = GENERATED_MARKER.as_bytes();
    first_line.windows(marker.len()).any(|w| w == marker)
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    match fs::read(path) {
        Ok(contents) => Ok(Some(contents)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, then rename.
fn put(path: &Path, contents: &str) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = write_new(&temp, contents.as_bytes()).map_err(|source| WriteError::Write {
        path: temp.clone(),
        source,
    });
    if let Err(error) = written {
        let _ = fs::remove_file(&temp);
        return Err(error);
    }
    fs::rename(&temp, path).map_err(|source| {
        let _ = fs::remove_file(&temp);
        WriteError::Rename {
            from: temp.clone(),
            to: path.to_path_buf(),
            source,
        }
    })
}

fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    // A leftover from a crashed run has our pid only by chance; replace it.
    let _ = fs::remove_file(path);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(path: &str, body: &str) -> GeneratedFile {
        GeneratedFile {
            path: PathBuf::from(path),
            contents: format!("// {GENERATED_MARKER} by the generator: do not edit.\n{body}\n"),
        }
    }

    fn names(outcome: &Outcome) -> Vec<(String, ChangeKind)> {
        outcome
            .changes
            .iter()
            .map(|c| {
                let name = c.path.file_name().unwrap_or_default();
                (name.to_string_lossy().into_owned(), c.kind)
            })
            .collect()
    }

    #[test]
    fn writes_into_a_new_directory_then_reports_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/generated");
        let files = [
            generated("types.rs", "struct A;"),
            generated("mod.rs", "mod types;"),
        ];

        let first = write_files(&out, &files, Mode::Write).unwrap();
        assert_eq!(first.changes.len(), 2);
        assert_eq!(
            fs::read_to_string(out.join("types.rs")).unwrap(),
            files[0].contents
        );

        let second = write_files(&out, &files, Mode::Write).unwrap();
        assert!(second.is_up_to_date());
        assert_eq!(second.unchanged.len(), 2);
        assert!(
            write_files(&out, &files, Mode::Check)
                .unwrap()
                .is_up_to_date()
        );
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(&out).unwrap().count(), 2);
    }

    #[test]
    fn unchanged_file_keeps_its_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let files = [generated("types.rs", "struct A;")];
        write_files(dir.path(), &files, Mode::Write).unwrap();
        let path = dir.path().join("types.rs");
        // Set an old mtime so that a rewrite would be visible whatever the clock resolution.
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();

        write_files(dir.path(), &files, Mode::Write).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), old);

        let changed = [generated("types.rs", "struct B;")];
        write_files(dir.path(), &changed, Mode::Write).unwrap();
        assert_ne!(fs::metadata(&path).unwrap().modified().unwrap(), old);
        assert_eq!(fs::read_to_string(&path).unwrap(), changed[0].contents);
    }

    #[test]
    fn hand_written_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("types.rs");
        fs::write(&path, "// my own code\nstruct Mine;\n").unwrap();
        let files = [generated("types.rs", "struct A;"), generated("mod.rs", "")];

        for mode in [Mode::Write, Mode::Check] {
            let error = write_files(dir.path(), &files, mode).unwrap_err();
            assert!(matches!(&error, WriteError::HandWritten { path: p } if *p == path));
            let message = error.to_string();
            assert!(message.starts_with("refusing to overwrite "), "{message}");
            assert!(message.contains("types.rs"), "{message}");
            assert!(message.contains("move it away or delete it"), "{message}");
        }
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "// my own code\nstruct Mine;\n"
        );
        // Nothing else was written either: the plan is checked before any write.
        assert!(!dir.path().join("mod.rs").exists());
    }

    #[test]
    fn marker_must_be_on_the_first_line() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("types.rs"), "// mine\n// @generated\n").unwrap();
        let files = [generated("types.rs", "struct A;")];
        let error = write_files(dir.path(), &files, Mode::Write).unwrap_err();
        assert!(matches!(error, WriteError::HandWritten { .. }));
    }

    #[test]
    fn check_lists_stale_files_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let old = [
            generated("a.rs", "old"),
            generated("b.rs", "same"),
            generated("gone.rs", "x"),
        ];
        write_files(dir.path(), &old, Mode::Write).unwrap();
        fs::write(dir.path().join("notes.rs"), "// hand-written\n").unwrap();
        fs::write(dir.path().join("notes.txt"), "// @generated but not rust\n").unwrap();
        let new = [
            generated("a.rs", "new"),
            generated("b.rs", "same"),
            generated("c.rs", "fresh"),
        ];

        let outcome = write_files(dir.path(), &new, Mode::Check).unwrap();
        assert!(!outcome.is_up_to_date());
        assert_eq!(
            names(&outcome),
            [
                ("a.rs".to_owned(), ChangeKind::Differs),
                ("c.rs".to_owned(), ChangeKind::Missing),
                ("gone.rs".to_owned(), ChangeKind::NoLongerGenerated),
            ]
        );
        assert_eq!(outcome.unchanged, [dir.path().join("b.rs")]);
        assert_eq!(
            fs::read_to_string(dir.path().join("a.rs")).unwrap(),
            old[0].contents
        );
        assert!(!dir.path().join("c.rs").exists());
        assert!(dir.path().join("gone.rs").exists());
        assert_eq!(
            outcome.changes[1].to_string(),
            format!("{} (missing)", dir.path().join("c.rs").display())
        );
    }

    #[test]
    fn check_of_a_missing_directory_lists_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nope");
        let outcome = write_files(&out, &[generated("a.rs", "")], Mode::Check).unwrap();
        assert_eq!(names(&outcome), [("a.rs".to_owned(), ChangeKind::Missing)]);
        assert!(!out.exists());
    }

    #[test]
    fn stale_generated_file_is_removed_but_hand_written_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &[generated("a.rs", ""), generated("gone.rs", "")],
            Mode::Write,
        )
        .unwrap();
        fs::write(dir.path().join("notes.rs"), "// hand-written\n").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/deep.rs"), "// @generated\n").unwrap();

        let outcome = write_files(dir.path(), &[generated("a.rs", "")], Mode::Write).unwrap();
        assert_eq!(
            names(&outcome),
            [("gone.rs".to_owned(), ChangeKind::NoLongerGenerated)]
        );
        assert!(!dir.path().join("gone.rs").exists());
        assert!(dir.path().join("notes.rs").exists());
        assert!(dir.path().join("sub/deep.rs").exists());
    }

    #[test]
    fn a_crlf_checkout_is_up_to_date_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let files = [generated("a.rs", "fn a() {}\nfn b() {}")];
        let crlf = files[0].contents.replace('\n', "\r\n");
        fs::write(dir.path().join("a.rs"), &crlf).unwrap();

        let check = write_files(dir.path(), &files, Mode::Check).unwrap();
        assert!(check.is_up_to_date(), "{:?}", check.changes);
        let write = write_files(dir.path(), &files, Mode::Write).unwrap();
        assert!(write.changes.is_empty());
        assert_eq!(fs::read_to_string(dir.path().join("a.rs")).unwrap(), crlf);

        // Line endings are the only difference forgiven.
        let edited = crlf.replace("fn b", "fn c");
        fs::write(dir.path().join("a.rs"), edited).unwrap();
        let check = write_files(dir.path(), &files, Mode::Check).unwrap();
        assert_eq!(names(&check), [("a.rs".to_owned(), ChangeKind::Differs)]);
    }

    #[test]
    fn same_text_needs_every_line_ending_to_match() {
        assert!(same_text(b"a\nb\n", "a\nb\n"));
        assert!(same_text(b"a\r\nb\r\n", "a\nb\n"));
        assert!(same_text(b"a\r\nb", "a\nb"));
        assert!(!same_text(b"a\r\nb\r\n", "a\nb"));
        assert!(!same_text(b"a\r\r\nb\r\n", "a\nb\n"));
        assert!(!same_text(b"a\nb\n", "a\nb\nc\n"));
    }

    #[test]
    fn a_file_no_longer_written_into_a_subdirectory_is_removed() {
        // `new` writes `src/runtime/*.rs`; a runtime file a later run no longer needs goes.
        let dir = tempfile::tempdir().unwrap();
        let both = [
            generated("src/runtime/kept.rs", ""),
            generated("src/runtime/old.rs", ""),
        ];
        write_files(dir.path(), &both, Mode::Write).unwrap();
        fs::write(dir.path().join("src/runtime/mine.rs"), "// hand-written\n").unwrap();

        let outcome = write_files(dir.path(), &both[..1], Mode::Write).unwrap();
        assert_eq!(
            names(&outcome),
            [("old.rs".to_owned(), ChangeKind::NoLongerGenerated)]
        );
        assert!(!dir.path().join("src/runtime/old.rs").exists());
        assert!(dir.path().join("src/runtime/kept.rs").exists());
        assert!(dir.path().join("src/runtime/mine.rs").exists());
    }

    #[test]
    fn unsafe_paths_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../escape.rs", "/abs.rs", ""] {
            let error = write_files(dir.path(), &[generated(bad, "")], Mode::Write).unwrap_err();
            assert!(
                matches!(error, WriteError::UnsafePath { .. }),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn file_system_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "").unwrap();
        let out = blocker.join("generated");
        let error = write_files(&out, &[generated("a.rs", "")], Mode::Write).unwrap_err();
        assert!(
            error.to_string().contains(&*blocker.to_string_lossy()),
            "{error}"
        );
    }
}
