//! Problems found in a run: errors and warnings carrying the file, the line, the column and a
//! hint. Stages collect them as values; `main` prints them sorted and decides the exit code.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: display_path(path.as_ref()),
            line,
            column: 0,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(path: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, message)
        }
    }

    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn at_column(mut self, column: usize) -> Self {
        self.column = column;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Where a top-level `key:` stands in YAML text (front matter, `site.yaml`, `_data/`): its
/// line (0-based) and the byte offset where its value starts, after the colon. Only YAML's
/// own blanks (space, tab) may stand between a key and its colon. The one place that maps a
/// key to its line, for problems located at the key.
pub fn yaml_key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        rest[blanks..]
            .starts_with(':')
            .then_some((i, key.len() + blanks + 1))
    })
}

/// Paths are shown with forward slashes whatever the platform.
pub fn display_path(path: &Path) -> String {
    let joined = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    // An absolute path (a CSV file given on the command line) keeps its leading `/`.
    if path.has_root() {
        format!("/{joined}")
    } else {
        joined
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", printable(&self.path))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// Text as it may be printed on a terminal or in a CI log: control characters (a newline
/// would start a forged line, `ESC` a terminal sequence) and the invisible marks that
/// reorder text (bidirectional controls) are written as `\u{…}`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The problems of one run, in the order found; sorted when reported.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

/// An environment failure (unreadable root, unwritable output, a refused output folder):
/// exit status 2. It names the path, says what happened, may carry a hint, and keeps the
/// error that caused it as its [`std::error::Error::source`].
#[derive(Debug)]
pub struct EnvError {
    path: PathBuf,
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl EnvError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> EnvError {
        EnvError {
            path: path.into(),
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// A file system error on `path`, said in the system's words.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> EnvError {
        EnvError::caused_by(path, error.to_string(), error)
    }

    /// `message` about `path`, caused by `source`.
    pub fn caused_by(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> EnvError {
        EnvError {
            source: Some(Box::new(source)),
            ..EnvError::new(path, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> EnvError {
        self.hint = Some(hint.into());
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::error::Error for EnvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: {}: {}",
            printable(&self.path.display().to_string()),
            printable(&self.message)
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_errors_keep_their_cause_and_hint() {
        let cause = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = EnvError::io("public", cause).with_hint("check the folder's permissions");
        assert_eq!(
            e.to_string(),
            "error: public: denied\n  hint: check the folder's permissions"
        );
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("denied"));
        assert!(std::error::Error::source(&EnvError::new("x", "y")).is_none());
    }

    #[test]
    fn printed_problems_cannot_forge_lines_or_terminal_sequences() {
        let d = Diagnostic::error(
            "content/\u{202e}x.md",
            3,
            "zz\n::error file=a::forged\u{1b}]0;t\u{7}",
        );
        let shown = d.to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
            "{shown}"
        );
        assert!(shown.contains("\\u{a}::error"), "{shown}");
    }
}
