//! `aspnet-kb import members|coordinators FILE.csv`: one page per row of a directory export,
//! under `content/members/<cc>/<id>.md` or `content/coordinators/<cc>.md`.
//!
//! The file is UTF-8 (a byte-order mark is fine), comma- or semicolon-separated, with a header
//! row naming the columns, which are the pages' front matter keys ([`MEMBER_KEYS`],
//! [`COORDINATOR_KEYS`]); list cells
//! (levels, themes, languages) separate values with `|` or spaces. Each cell passes the check
//! `parse` makes on the page's key ([`crate::parse::check`]); a bad row is reported with its
//! line and reason and nothing is written for it. An existing page keeps its Markdown body,
//! its comments and any front matter key the file has no column for (`front_matter`),
//! so running the same import twice changes nothing; one whose front matter cannot be read is
//! reported and left alone.

use super::front_matter::{self, NotUpdated};
use crate::config::strip_location;
use crate::diagnostic::{Diagnostic, display_path};
use crate::load;
use crate::parse::check::{self, Invalid};
use crate::parse::{COORDINATOR_KEYS, MEMBER_KEYS, closest_hint, split_front_matter};
use crate::paths;
use crate::regions::RegionTable;
use rayon::prelude::*;
use serde_yaml::Value;
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
            Err(invalid) => {
                Diagnostic::error(shown, line, invalid.message).with_hint(match invalid.hint {
                    Some(hint) => format!("{hint}; nothing was written for this row"),
                    None => "nothing was written for this row; fix it and import again".into(),
                })
            }
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
) -> Result<(String, FrontMatter), Invalid> {
    let cell = |name: &str| {
        cells
            .iter()
            .find(|(c, _)| *c == name)
            .map_or("", |(_, v)| *v)
    };
    if let Some(required) = directory.required().iter().find(|r| cell(r).is_empty()) {
        return Err(Invalid {
            message: format!("{required}: empty, and it is required"),
            hint: None,
        });
    }
    let country = cell("country").to_lowercase();
    check::country("country", &country, countries)?;
    let mut values = Vec::new();
    for &column in directory.columns() {
        let raw = cell(column);
        if !raw.is_empty() {
            values.push((column, column_value(column, raw, &country)?));
        }
    }
    let key = match directory {
        Directory::Members => cell("id").to_lowercase(),
        Directory::Coordinators => country,
    };
    Ok((key, values))
}

/// The front matter value of one non-empty cell, checked as `parse` checks the page's key;
/// codes, ids, types and list items in lower case.
fn column_value(column: &'static str, raw: &str, country: &str) -> Result<Value, Invalid> {
    let text = |value: &str| Value::String(value.to_string());
    Ok(match column {
        "country" => text(country),
        "id" => text(&member_id(raw, country)?),
        "website" => check::web_address(column, raw).map(|()| text(raw))?,
        "email" => check::email(column, raw).map(|()| text(raw))?,
        "levels" => {
            let levels = split_list(raw);
            levels.iter().try_for_each(|level| check::level(level))?;
            list_value(levels)
        }
        "type" => {
            let school_type = raw.to_lowercase();
            check::school_type(&school_type)?;
            text(&school_type)
        }
        "joined" => {
            let year = raw
                .parse::<i64>()
                .map_err(|_| check::wrong_type(column, "a whole number"))?;
            Value::Number(check::year(column, year)?.into())
        }
        "lat" | "lon" => {
            let range = match column {
                "lat" => check::LATITUDE,
                _ => check::LONGITUDE,
            };
            let number = raw
                .replace(',', ".")
                .parse::<f64>()
                .map_err(|_| check::wrong_type(column, "a number"))?;
            Value::Number(check::within(column, number, range)?.into())
        }
        c if Directory::is_list(c) => list_value(split_list(raw)),
        _ => text(raw),
    })
}

/// A member id in lower case: it starts with its country's code, and it is a file name.
fn member_id(raw: &str, country: &str) -> Result<String, Invalid> {
    let id = raw.to_lowercase();
    if !id.starts_with(&format!("{country}-")) {
        return Err(Invalid {
            message: format!(
                "id: \"{}\" must start with the country code, e.g. {country}-0042",
                raw.escape_debug()
            ),
            hint: None,
        });
    }
    check::identifier("id", &id)?;
    Ok(id)
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

/// The text of a row's page: an existing page keeps its body, comments and the keys the
/// export has no column for; a column the file has replaces the page's value, also when its
/// cell is empty. `Err` says why an existing page cannot be updated (nothing is written).
fn page_text(
    existing: Option<&str>,
    row: &Row,
    columns: &[Option<&'static str>],
    shown: &str,
) -> Result<String, String> {
    let (front, body) = match existing {
        Some(text) => {
            let Some((front, body, _)) = split_front_matter(text, shown, &mut Vec::new()) else {
                return Err("exists but its front matter cannot be read".into());
            };
            (front, body)
        }
        None => ("", ""),
    };
    let owned: Vec<&str> = columns.iter().flatten().copied().collect();
    match front_matter::update(front, &owned, &row.values) {
        Ok(front) => Ok(format!("---\n{front}---\n{body}")),
        Err(NotUpdated::Unreadable(why)) => Err(format!(
            "exists but its front matter cannot be read ({})",
            strip_location(&why)
        )),
        Err(NotUpdated::Layout) => Err(
            "exists but its front matter cannot be updated without changing keys the \
                 export has no column for (write each of its keys on its own line)"
                .into(),
        ),
    }
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
    let text = page_text(existing.as_deref(), row, columns, &shown).map_err(|why| {
        Diagnostic::error(csv_shown, row.line, format!("{shown} {why}; row skipped"))
            .with_hint("fix that page (aspnet-kb check) and import again")
    })?;
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
