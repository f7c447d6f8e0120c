//! `aspnet-kb import members|coordinators FILE.csv`: one page per row of a directory export,
//! under `content/members/<cc>/<id>.md` or `content/coordinators/<cc>.md`.
//!
//! The file is UTF-8 (a byte-order mark is fine), comma- or semicolon-separated, with a header
//! row naming the columns, which are the pages' front matter keys ([`MEMBER_KEYS`],
//! [`COORDINATOR_KEYS`]); list cells
//! (levels, themes, languages) separate values with `|` or spaces. Each row is checked as the
//! build would check the page; a bad row is reported with its line and reason and nothing is
//! written for it. An existing page keeps its Markdown body and any front matter key the file
//! has no column for, so running the same import twice changes nothing.

use crate::diagnostic::{Diagnostic, display_path};
use crate::load;
use crate::parse::{COORDINATOR_KEYS, LEVELS, MEMBER_KEYS, closest_hint, split_front_matter};
use crate::paths;
use crate::regions::RegionTable;
use crate::sanitize;
use rayon::prelude::*;
use serde_yaml::{Mapping, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Directory {
    Members,
    Coordinators,
}

impl Directory {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Directory::Members => &MEMBER_KEYS,
            Directory::Coordinators => &COORDINATOR_KEYS,
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            Directory::Members => &MEMBER_KEYS[..6],
            Directory::Coordinators => &COORDINATOR_KEYS[..3],
        }
    }

    fn is_list(column: &str) -> bool {
        matches!(column, "levels" | "themes" | "languages")
    }
}

/// What happened to one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}

/// The result of an import: each page's path (relative to the root) and change, and the bad
/// rows.
#[derive(Debug, Default)]
pub struct Report {
    pub pages: Vec<(PathBuf, Change)>,
    pub problems: Vec<Diagnostic>,
}

impl Report {
    pub fn count(&self, change: Change) -> usize {
        self.pages.iter().filter(|(_, c)| *c == change).count()
    }
}

/// Front matter values in column order.
type FrontMatter = Vec<(&'static str, Value)>;

/// A row that passed the checks: where its page goes and its front matter values.
struct Row {
    line: usize,
    path: PathBuf,
    values: FrontMatter,
}

/// Imports `file` into the site at `root`; with `dry_run`, reports what would change and
/// writes nothing. `Err` is a problem with the whole file (unreadable, no usable header).
pub fn import(
    root: &Path,
    directory: Directory,
    file: &Path,
    dry_run: bool,
) -> Result<Report, Diagnostic> {
    let shown = display_path(file);
    // UTF-8 with or without a byte-order mark, read as content files are.
    let text = match load::read_text(root, file) {
        Ok(Some(source)) => source.text,
        Ok(None) => return Err(Diagnostic::error(&shown, 0, "cannot read: no such file")),
        Err(d) => return Err(d.with_hint("export the spreadsheet as \"CSV UTF-8\"")),
    };
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut report = Report::default();
    let columns = header_columns(&mut reader, directory, &shown, &mut report)?;
    let rows = checked_rows(&mut reader, directory, &columns, &shown, &mut report);
    let outcomes: Vec<Result<(PathBuf, Change), Diagnostic>> = rows
        .par_iter()
        .map(|row| write_page(root, row, &columns, dry_run, &shown))
        .collect();
    for outcome in outcomes {
        match outcome {
            Ok(page) => report.pages.push(page),
            Err(d) => report.problems.push(d),
        }
    }
    report.pages.sort();
    Ok(report)
}

/// The column each header name stands for (`None` for an unknown one, a warning); an error
/// when a required column is missing.
fn header_columns(
    reader: &mut csv::Reader<&[u8]>,
    directory: Directory,
    shown: &str,
    report: &mut Report,
) -> Result<Vec<Option<&'static str>>, Diagnostic> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Diagnostic::error(shown, 1, format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let known = directory.columns();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for name in &header {
        let column = known.iter().copied().find(|k| k == name);
        if column.is_none() {
            report.problems.push(
                Diagnostic::warning(shown, 1, format!("unknown column `{name}` is ignored"))
                    .with_hint(closest_hint(name, known)),
            );
        }
        columns.push(column);
    }
    let absent: Vec<&str> = directory
        .required()
        .iter()
        .copied()
        .filter(|r| !columns.contains(&Some(r)))
        .collect();
    if !absent.is_empty() {
        return Err(Diagnostic::error(
            shown,
            1,
            format!(
                "the header row lacks required columns: {}",
                absent.join(", ")
            ),
        )
        .with_hint(format!(
            "columns are: {}{}",
            known.join(", "),
            unknown_note(&header, &columns)
        )));
    }
    Ok(columns)
}

/// The rows that pass their checks, each with the page it becomes; every other row is a
/// problem at its line, and nothing is written for it.
fn checked_rows(
    reader: &mut csv::Reader<&[u8]>,
    directory: Directory,
    columns: &[Option<&'static str>],
    shown: &str,
    report: &mut Report,
) -> Vec<Row> {
    let countries = RegionTable::built_in();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                report.problems.push(Diagnostic::error(
                    shown,
                    line,
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<(&'static str, &str)> = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(column, cell)| column.map(|c| (c, cell)))
            .collect();
        let problem = match check_row(directory, &cells, &countries) {
            Ok((key, _)) if !seen.insert(key.clone()) => {
                Diagnostic::error(shown, line, format!("{key} appears twice"))
                    .with_hint("each row must have its own id; this row was skipped")
            }
            Ok((key, values)) => match page_path(directory, &key, &values) {
                Ok(path) => {
                    rows.push(Row { line, path, values });
                    continue;
                }
                Err(why) => {
                    Diagnostic::error(shown, line, format!("{key}: {why}")).with_hint(why.hint())
                }
            },
            Err(reason) => Diagnostic::error(shown, line, reason)
                .with_hint("nothing was written for this row; fix it and import again"),
        };
        report.problems.push(problem);
    }
    rows
}

/// `; unknown columns here: town, zip` for the header names that are no column.
fn unknown_note(header: &[String], columns: &[Option<&str>]) -> String {
    let unknown: Vec<&str> = header
        .iter()
        .zip(columns)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| h.as_str())
        .collect();
    match unknown.is_empty() {
        true => String::new(),
        false => format!("; unknown columns here: {}", unknown.join(", ")),
    }
}

/// Checks one row; returns its key (member id or country) and its front matter values in
/// column order, or why it is bad.
fn check_row(
    directory: Directory,
    cells: &[(&'static str, &str)],
    countries: &RegionTable,
) -> Result<(String, FrontMatter), String> {
    let cell = |name: &str| {
        cells
            .iter()
            .find(|(c, _)| *c == name)
            .map_or("", |(_, v)| *v)
    };
    for required in directory.required() {
        if cell(required).is_empty() {
            return Err(format!("{required}: empty, and it is required"));
        }
    }
    let country = cell("country").to_lowercase();
    if countries.region_of(&country).is_none() {
        return Err(format!(
            "country: unknown country code \"{}\" (use ISO 3166-1 alpha-2, e.g. ke)",
            cell("country")
        ));
    }
    let mut values = Vec::new();
    for &column in directory.columns() {
        let raw = cell(column);
        if raw.is_empty() {
            continue;
        }
        let value = match column {
            "country" => Value::String(country.clone()),
            "id" => {
                let id = raw.to_lowercase();
                if !id.starts_with(&format!("{country}-")) {
                    return Err(format!(
                        "id: \"{raw}\" must start with the country code, e.g. {country}-0042"
                    ));
                }
                if let Err(why) = paths::segment(&id) {
                    return Err(format!("id: \"{}\": {why}", raw.escape_debug()));
                }
                Value::String(id)
            }
            "website" => {
                if let Err(bad) = sanitize::check_web_address(raw) {
                    return Err(format!("website: \"{}\": {bad}", raw.escape_debug()));
                }
                Value::String(raw.to_string())
            }
            "email" => {
                if let Err(bad) = sanitize::check_email(raw) {
                    return Err(format!("email: {bad}"));
                }
                Value::String(raw.to_string())
            }
            "levels" => {
                let levels = split_list(raw);
                if let Some(bad) = levels.iter().find(|l| !LEVELS.contains(&l.as_str())) {
                    return Err(format!(
                        "levels: unknown level \"{bad}\"; levels are {}",
                        LEVELS.join(", ")
                    ));
                }
                list_value(levels)
            }
            "type" => match raw.to_lowercase().as_str() {
                t @ ("public" | "private") => Value::String(t.to_string()),
                _ => return Err(format!("type: \"{raw}\" must be public or private")),
            },
            "joined" => match raw.parse::<u32>() {
                Ok(year) if (1953..=2100).contains(&year) => Value::Number(year.into()),
                _ => return Err(format!("joined: \"{raw}\" is not a year (e.g. 1998)")),
            },
            "lat" | "lon" => match raw.replace(',', ".").parse::<f64>() {
                Ok(n) if n.abs() <= if column == "lat" { 90.0 } else { 180.0 } => {
                    Value::Number(n.into())
                }
                _ => return Err(format!("{column}: \"{raw}\" is not a coordinate")),
            },
            c if Directory::is_list(c) => list_value(split_list(raw)),
            _ => Value::String(raw.to_string()),
        };
        values.push((column, value));
    }
    let key = match directory {
        Directory::Members => cell("id").to_lowercase(),
        Directory::Coordinators => country,
    };
    Ok((key, values))
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == '|' || c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_lowercase())
        .collect()
}

fn list_value(items: Vec<String>) -> Value {
    Value::Sequence(items.into_iter().map(Value::String).collect())
}

/// `content/members/ke/ke-0042.md` or `content/coordinators/ke.md`, relative to the root,
/// through the one door for paths.
fn page_path(
    directory: Directory,
    key: &str,
    values: &[(&str, Value)],
) -> Result<PathBuf, paths::Unsafe> {
    match directory {
        Directory::Members => {
            let country = values
                .iter()
                .find(|(c, _)| *c == "country")
                .and_then(|(_, v)| v.as_str())
                .unwrap_or("");
            paths::relative(&format!("content/members/{country}/{key}.md"))
        }
        Directory::Coordinators => paths::relative(&format!("content/coordinators/{key}.md")),
    }
    .map(|path| path.under(Path::new("")))
}

/// Writes (or, in a dry run, compares) one row's page, keeping an existing page's body and the
/// keys the export has no column for.
fn write_page(
    root: &Path,
    row: &Row,
    columns: &[Option<&'static str>],
    dry_run: bool,
    csv_shown: &str,
) -> Result<(PathBuf, Change), Diagnostic> {
    let full = root.join(&row.path);
    let shown = display_path(&row.path);
    if let Some(link) = paths::first_link(root, &row.path) {
        return Err(Diagnostic::error(
            csv_shown,
            row.line,
            format!(
                "{} is a symbolic link; nothing was written through it",
                display_path(link.strip_prefix(root).unwrap_or(&link))
            ),
        )
        .with_hint("replace the link with the folder itself"));
    }
    let existing = match std::fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Diagnostic::error(&shown, 0, format!("cannot read: {e}"))),
    };
    let (mut kept, body) = match &existing {
        Some(text) => {
            let mut problems = Vec::new();
            let Some((front, body, _)) = split_front_matter(text, &shown, &mut problems) else {
                return Err(Diagnostic::error(
                    csv_shown,
                    row.line,
                    format!("{shown} exists but its front matter cannot be read; row skipped"),
                )
                .with_hint("fix that page (aspnet-kb check) and import again"));
            };
            let mapping: Mapping = serde_yaml::from_str(front).unwrap_or_default();
            (mapping, body.to_string())
        }
        None => (Mapping::new(), String::new()),
    };
    // The export's columns first, in their order; then the page's other keys, as they were.
    // A column the file has replaces the page's value, also when its cell is empty.
    let mut front = Mapping::new();
    for column in columns.iter().flatten() {
        kept.remove(*column);
    }
    for (column, value) in &row.values {
        front.insert(Value::String(column.to_string()), value.clone());
    }
    front.extend(kept);
    let yaml = serde_yaml::to_string(&front).unwrap_or_default();
    let text = format!("---\n{yaml}---\n{body}");
    let change = match &existing {
        None => Change::Created,
        Some(old) if *old == text => Change::Unchanged,
        Some(_) => Change::Updated,
    };
    if change != Change::Unchanged && !dry_run {
        let fail = |e: std::io::Error| Diagnostic::error(&shown, 0, format!("cannot write: {e}"));
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        // Written beside, then renamed: a page is never left half-written.
        let temporary = full.with_extension("md.import");
        std::fs::write(&temporary, &text).map_err(fail)?;
        std::fs::rename(&temporary, &full).map_err(fail)?;
    }
    Ok((row.path.clone(), change))
}
