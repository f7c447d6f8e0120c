//! Problems found in a run: errors and warnings carrying the file, the line, the column and a
//! hint. Stages collect them as values; `main` prints them sorted and decides the exit code.
//! [`report`] writes them for machines too (`check --format`): GitHub workflow commands, a
//! GitLab Code Quality report, or a JSON array.

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

    /// This error as a problem of a report (`check --format`): its path relative to `root`
    /// where it lies under it, no line.
    pub fn to_diagnostic(&self, root: &Path) -> Diagnostic {
        let path = self.path.strip_prefix(root).unwrap_or(&self.path);
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        Diagnostic {
            hint: self.hint.clone(),
            ..Diagnostic::error(path, 0, self.message.clone())
        }
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

/// How `check` reports its problems on standard output, besides the text on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Nothing on standard output: the text on standard error is the report.
    Text,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), one line per problem,
    /// which GitHub shows on the lines of a pull request.
    Github,
    /// A GitLab Code Quality report: a JSON array of issues with a stable fingerprint.
    Gitlab,
    /// A JSON array of `{severity, path, line, column, message, hint}`.
    Json,
}

/// The report of `problems` in `format`, for standard output: one GitHub workflow command
/// per line, or one JSON array (`[]` when there is no problem); empty for [`Format::Text`].
pub fn report(problems: &[Diagnostic], format: Format) -> String {
    match format {
        Format::Text => String::new(),
        Format::Github => problems.iter().map(github_command).collect(),
        Format::Gitlab => json_array(problems.iter().map(gitlab_issue)),
        Format::Json => json_array(problems.iter().map(json_problem)),
    }
}

/// `items` as one pretty JSON array and a newline.
fn json_array(items: impl Iterator<Item = serde_json::Value>) -> String {
    let items: Vec<serde_json::Value> = items.collect();
    let text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    format!("{text}\n")
}

/// A line or column, `None` where unknown (0).
fn known(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One problem as `--format json` writes it; line, column and hint are `null` where unknown.
fn json_problem(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": severity_name(d.severity),
        "path": d.path,
        "line": known(d.line),
        "column": known(d.column),
        "message": d.message,
        "hint": d.hint,
    })
}

/// One problem as a GitLab Code Quality issue. Errors are `blocker` (a build with errors
/// publishes nothing), warnings `minor`. Text is [`printable`], as it is shown to people.
fn gitlab_issue(d: &Diagnostic) -> serde_json::Value {
    let mut description = d.message.clone();
    if let Some(hint) = &d.hint {
        description.push_str(&format!(" (hint: {hint})"));
    }
    serde_json::json!({
        "description": printable(&description),
        "check_name": format!("aspnet-kb-{}", severity_name(d.severity)),
        "fingerprint": fingerprint(d),
        "severity": match d.severity {
            Severity::Error => "blocker",
            Severity::Warning => "minor",
        },
        "location": { "path": d.path, "lines": { "begin": d.line.max(1) } },
    })
}

/// A hash of everything a problem says, the same in every run and every version of the tool
/// (SipHash-1-3 with fixed keys), so that GitLab can tell a problem a merge request brings
/// from one that was there before: 32 hexadecimal digits.
fn fingerprint(d: &Diagnostic) -> String {
    use std::hash::Hasher;
    let mut hasher = siphasher::sip128::SipHasher13::new();
    let fields = [
        severity_name(d.severity),
        &d.path,
        &d.line.to_string(),
        &d.column.to_string(),
        &d.message,
        d.hint.as_deref().unwrap_or(""),
    ];
    for field in fields {
        // Each field with its length, so that no two lists of fields hash the same bytes.
        hasher.write(&(field.len() as u64).to_le_bytes());
        hasher.write(field.as_bytes());
    }
    let hash = siphasher::sip128::Hasher128::finish128(&hasher);
    format!("{:032x}", u128::from(hash))
}

/// One problem as a GitHub Actions workflow command line:
/// `::error file=PATH,line=L,col=C,title=aspnet-kb::MESSAGE`, escaped by GitHub's rules so
/// that no value can end the command or start another.
fn github_command(d: &Diagnostic) -> String {
    let mut properties = vec![format!("file={}", github_property(&d.path))];
    if let Some(line) = known(d.line) {
        properties.push(format!("line={line}"));
        if let Some(column) = known(d.column) {
            properties.push(format!("col={column}"));
        }
    }
    properties.push(format!("title={}", github_property("aspnet-kb check")));
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        message.push_str(&format!("\nhint: {hint}"));
    }
    format!(
        "::{} {}::{}\n",
        severity_name(d.severity),
        properties.join(","),
        github_data(&message)
    )
}

/// A workflow command's message: `%`, CR and LF percent-encoded (GitHub decodes them, so a
/// hint shows on its own line), then any other control or reordering character made
/// [`printable`].
fn github_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    printable(&escaped).into_owned()
}

/// A workflow command's property value: as [`github_data`], and `:` and `,` encoded too.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
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

    #[test]
    fn github_commands_encode_what_would_end_a_value() {
        let d = Diagnostic::warning("content/a,b:c%.md", 3, "a, b: 50%\r\nnext\u{1b}[0m")
            .at_column(2)
            .with_hint("fix: it");
        assert_eq!(
            report(&[d], Format::Github),
            "::warning file=content/a%2Cb%3Ac%25.md,line=3,col=2,title=aspnet-kb check::\
             a, b: 50%25%0D%0Anext\\u{1b}[0m%0Ahint: fix: it\n"
        );
        let no_place = Diagnostic::error("site.yaml", 0, "m").at_column(4);
        assert_eq!(
            report(&[no_place], Format::Github),
            "::error file=site.yaml,title=aspnet-kb check::m\n"
        );
    }

    #[test]
    fn gitlab_fingerprints_are_pinned_and_tell_problems_apart() {
        let d = Diagnostic::error("content/x.md", 4, "countries: unknown").at_column(12);
        // Pinned: a fingerprint that changed between versions would show every problem of a
        // merge request as new in GitLab.
        assert_eq!(fingerprint(&d), "c6ab65ea7a265930595f8eaa08ccf383");
        let other_line = Diagnostic {
            line: 5,
            ..d.clone()
        };
        let warning = d.clone().as_warning();
        assert_ne!(fingerprint(&d), fingerprint(&other_line));
        assert_ne!(fingerprint(&d), fingerprint(&warning));
        let report: serde_json::Value =
            serde_json::from_str(&report(&[d], Format::Gitlab)).unwrap_or_default();
        assert_eq!(report[0]["location"]["lines"]["begin"], 4);
        assert_eq!(report[0]["severity"], "blocker");
    }

    #[test]
    fn environment_errors_become_problems_relative_to_the_root() {
        let e = EnvError::new("/site/.aspnet-kb/index", "is a symbolic link").with_hint("h");
        let d = e.to_diagnostic(Path::new("/site"));
        assert_eq!(
            (
                d.path.as_str(),
                d.line,
                d.message.as_str(),
                d.hint.as_deref()
            ),
            (".aspnet-kb/index", 0, "is a symbolic link", Some("h"))
        );
        assert_eq!(
            EnvError::new("/site", "x")
                .to_diagnostic(Path::new("/site"))
                .path,
            "."
        );
        assert_eq!(
            EnvError::new("/elsewhere", "x")
                .to_diagnostic(Path::new("/site"))
                .path,
            "/elsewhere"
        );
    }
}
