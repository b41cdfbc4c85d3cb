//! The files a spec was read from, and where every part of the document the later phases see
//! came from in them.
//!
//! Bundling copies parts of other files into one document ([`Origins`]: a pointer in the
//! bundled document → a file and a pointer in it); normalizing rewrites that document into the
//! OpenAPI 3.0 shape ([`Moves`]: a pointer in the rewritten document → one in the bundled one).
//! [`Sources::locate`] follows both, so a diagnostic names the file, pointer and line the user
//! wrote.

use crate::diagnostic::{Diagnostic, Diagnostics, Problems};
use crate::locate::{Format, Lines};
use crate::normalize::Moves;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One file of a spec.
#[derive(Debug)]
pub struct SourceFile {
    /// Its path, as the user named it (the entry file) or as reached from it.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// How it was parsed.
    pub format: Format,
    /// The lines of its diagnostics, found when the first one needs a line.
    lines: Lines,
}

impl SourceFile {
    /// A file read from `path` with `text`.
    pub fn new(path: PathBuf, text: String, format: Format) -> Self {
        SourceFile {
            path,
            text,
            format,
            lines: Lines::default(),
        }
    }

    /// The line where the value at `pointer` starts, if it can be found.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.lines.line_of(&self.text, self.format, pointer)
    }
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        SourceFile::new(self.path.clone(), self.text.clone(), self.format)
    }
}

/// Where the parts of a bundled document came from: a pointer prefix in the bundled document →
/// the index of a file in [`Sources::files`] and a pointer in that file. The longest recorded
/// prefix wins; an unrecorded pointer is in the entry file (index 0) at the same place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    map: HashMap<String, (usize, String)>,
}

impl Origins {
    /// Records that the value now at `bundled` was copied from `pointer` in file `file`.
    pub fn record(&mut self, bundled: impl Into<String>, file: usize, pointer: impl Into<String>) {
        self.map.insert(bundled.into(), (file, pointer.into()));
    }

    /// The file and pointer the value at `pointer` came from.
    pub fn origin(&self, pointer: &str) -> (usize, String) {
        let mut prefix = pointer;
        loop {
            if let Some((file, origin)) = self.map.get(prefix) {
                return (*file, format!("{origin}{}", &pointer[prefix.len()..]));
            }
            match prefix.rfind('/') {
                Some(slash) => prefix = &prefix[..slash],
                None => return (0, pointer.to_owned()),
            }
        }
    }
}

/// Every file of a spec and the maps from the final document back into them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The files, the entry file first.
    pub files: Vec<SourceFile>,
    /// Bundled document → files.
    pub origins: Origins,
    /// Final document → bundled document.
    pub moves: Moves,
}

impl Sources {
    /// The entry file's path.
    pub fn entry(&self) -> &Path {
        self.files
            .first()
            .map_or(Path::new("spec"), |file| file.path.as_path())
    }

    /// Every file the spec was read from, the entry file first.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|file| file.path.as_path())
    }

    /// The file, pointer and line the user wrote for `pointer` in the final document.
    pub fn place(&self, pointer: &str) -> (PathBuf, String, Option<usize>) {
        let bundled = self.moves.origin(pointer);
        let (file, original) = self.origins.origin(&bundled);
        match self.files.get(file) {
            Some(source) => {
                let line = source.line_of(&original);
                (source.path.clone(), original, line)
            }
            None => (self.entry().to_path_buf(), original, None),
        }
    }

    /// The problems of a phase as diagnostics in the files the user wrote, sorted.
    pub fn locate(&self, problems: Problems) -> Diagnostics {
        let mut diagnostics = Diagnostics(
            problems
                .0
                .into_iter()
                .map(|problem| {
                    let (file, pointer, line) = self.place(&problem.pointer);
                    Diagnostic {
                        severity: problem.severity,
                        file,
                        pointer,
                        line,
                        message: problem.message,
                    }
                })
                .collect(),
        );
        diagnostics.sort();
        diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_placed_through_moves_and_origins() {
        let entry = SourceFile::new(
            PathBuf::from("api.yaml"),
            "openapi: 3.0.3\npaths:\n  /a:\n    $ref: paths/a.yaml\n".to_owned(),
            Format::Yaml,
        );
        let other = SourceFile::new(
            PathBuf::from("paths/a.yaml"),
            "get:\n  parameters:\n    - name: x\n      in: query\n".to_owned(),
            Format::Yaml,
        );
        let mut sources = Sources {
            files: vec![entry, other],
            ..Sources::default()
        };
        sources.origins.record("#/paths/~1a", 1, "#");
        sources.moves.record(
            "#/paths/~1a/get/parameters/0/schema",
            "#/paths/~1a/get/parameters/0",
        );
        let (file, pointer, line) = sources.place("#/paths/~1a/get/parameters/0/schema");
        assert_eq!(
            (file.as_path(), pointer.as_str(), line),
            (Path::new("paths/a.yaml"), "#/get/parameters/0", Some(3))
        );
        let (file, pointer, line) = sources.place("#/paths");
        assert_eq!(
            (file.as_path(), pointer.as_str(), line),
            (Path::new("api.yaml"), "#/paths", Some(2))
        );
    }
}
