//! `aspnet-kb init DIR`: writes a new site, or with `--upstream PATH` a national mirror of the
//! global site, into a folder that is new or empty: `site.yaml` with a comment on each key,
//! content to replace, a README for the people who will run it, `.gitignore`, and CI
//! workflows that check every pull or merge request and publish `main` on GitHub Pages and
//! GitLab Pages. The files are the templates in `init/` beside this module, with `@@NAME@@`
//! placeholders filled in here. Language names come from CLDR.

use crate::authoring::scaffold;
use crate::date::Day;
use crate::diagnostic::EnvError;
use crate::paths;
use icu::experimental::displaynames::DisplayNamesOptions;
use icu::experimental::displaynames::multi::LocaleDisplayNamesFormatter;
use icu::list::ListFormatter;
use icu::list::options::{ListFormatterOptions, ListLength};
use icu::locale::{LanguageIdentifier, Locale, LocaleDirectionality, locale};
use std::path::{Component, Path, PathBuf};

/// The git repository the CI workflows install aspnet-kb from (`cargo install --git`).
pub const TOOL_GIT: &str = "https://github.com/unesco/aspnet-kb";

/// The tag the CI workflows install: this version of the tool.
pub fn tool_version() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

/// What `init` is asked for.
pub struct InitOptions<'a> {
    /// The folder to write the site into: new, or empty.
    pub dir: &'a Path,
    /// Language codes as given; the first is the default language. At least one.
    pub languages: &'a [String],
    /// For a mirror: the global site's root, relative to `dir`.
    pub upstream: Option<&'a str>,
}

/// One language of the new site, with its names from CLDR.
struct Language {
    /// BCP 47 in its canonical case: `fr`, `pt-BR`, `zh-Hant`.
    code: String,
    /// Its name in itself, for the site's language chooser: `français`.
    autonym: String,
    /// Its name in English, for the README and comments: `French`.
    english: String,
    rtl: bool,
}

/// Writes the skeleton into `options.dir` and returns the files written, relative to it.
/// Refuses, writing nothing, a `dir` that exists and is not an empty folder, and a bad
/// language or upstream path. A site of several languages gets its home page's translations
/// as drafts to translate, as `new translation` writes them.
pub fn init(options: &InitOptions) -> Result<Vec<PathBuf>, EnvError> {
    let languages = languages(options.dir, options.languages)?;
    let upstream = options
        .upstream
        .map(|path| upstream_path(options.dir, path))
        .transpose()?;
    ensure_new_or_empty(options.dir)?;
    let files = skeleton(&languages, upstream.as_deref());
    let mut written = Vec::with_capacity(files.len());
    for (relative, text) in files {
        write_file(options.dir, relative, &text)?;
        written.push(PathBuf::from(relative));
    }
    if upstream.is_none() {
        let home = options.dir.join("content").join("_index.md");
        for language in &languages[1..] {
            let translation = scaffold::new_translation(options.dir, &home, &language.code)
                .map_err(|d| EnvError::new(options.dir.join(&d.path), d.message))?;
            written.push(translation);
        }
    }
    Ok(written)
}

/// The languages of `--lang`, checked, in their canonical case, without repeats.
fn languages(dir: &Path, codes: &[String]) -> Result<Vec<Language>, EnvError> {
    let refused = |code: &str, why: String| {
        EnvError::new(dir, format!("--lang \"{}\": {why}", code.escape_debug()))
            .with_hint("give language codes separated by commas, the default first: --lang ar,fr")
    };
    let directions = LocaleDirectionality::new_common();
    let mut languages: Vec<Language> = Vec::new();
    for code in codes {
        paths::language_code(code).map_err(|why| refused(code, why.to_string()))?;
        let id = LanguageIdentifier::try_from_str(code)
            .map_err(|e| refused(code, format!("not a language code: {e:?}")))?;
        let canonical = id.to_string();
        if languages.iter().any(|l| l.code == canonical) {
            return Err(refused(code, "is given twice".into()));
        }
        let locale = Locale::from(id.clone());
        languages.push(Language {
            autonym: display_name(&locale, &locale),
            english: display_name(&locale, &locale!("en")),
            rtl: directions.is_right_to_left(&id),
            code: canonical,
        });
    }
    if languages.is_empty() {
        return Err(refused("", "no language".into()));
    }
    Ok(languages)
}

/// The name of `language` in the language of `reader`, from CLDR (its code if CLDR has none).
fn display_name(language: &Locale, reader: &Locale) -> String {
    LocaleDisplayNamesFormatter::try_new(reader.into(), DisplayNamesOptions::default())
        .map(|names| names.of(language).into_owned())
        .unwrap_or_else(|_| language.to_string())
}

/// `--upstream`: a relative path (the mirror's root and its submodule go together wherever
/// they are cloned), without control characters.
fn upstream_path(dir: &Path, path: &str) -> Result<String, EnvError> {
    let relative = !path.is_empty()
        && !path.chars().any(char::is_control)
        && Path::new(path).components().all(|c| {
            matches!(
                c,
                Component::Normal(_) | Component::ParentDir | Component::CurDir
            )
        });
    if relative {
        Ok(path.to_string())
    } else {
        Err(EnvError::new(
            dir,
            format!("--upstream \"{}\": not a relative path", path.escape_debug()),
        )
        .with_hint("give the global site's folder relative to the mirror's, e.g. --upstream global (a git submodule)"))
    }
}

/// Refuses a `dir` that exists and is not an empty folder (a symbolic link is refused too).
fn ensure_new_or_empty(dir: &Path) -> Result<(), EnvError> {
    let refusal = |why: &str| {
        EnvError::new(dir, format!("{why}; nothing was written"))
            .with_hint("give a new folder, or an empty one: aspnet-kb init my-site")
    };
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(EnvError::io(dir, e)),
        Ok(meta) if meta.file_type().is_symlink() => Err(refusal("is a symbolic link")),
        Ok(meta) if !meta.is_dir() => Err(refusal("exists and is not a folder")),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| EnvError::io(dir, e))?;
            match entries.next() {
                None => Ok(()),
                Some(_) => Err(refusal("exists and is not empty")),
            }
        }
    }
}

/// Writes `text` to `dir/relative`, never over an existing file.
fn write_file(dir: &Path, relative: &str, text: &str) -> Result<(), EnvError> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| EnvError::io(parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| EnvError::io(&path, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| EnvError::io(&path, e))
}

/// Every file of the skeleton, its path relative to the site's root and its text: a mirror's
/// when `upstream` is given, a whole site's otherwise.
fn skeleton(languages: &[Language], upstream: Option<&str>) -> Vec<(&'static str, String)> {
    let values = placeholders(languages, upstream);
    let fill = |template: &str| fill(template, &values);
    let readme = |outline: &str| {
        let sections = [
            (
                "GETTING_STARTED",
                fill(include_str!("init/README-start.md")),
            ),
            ("PUBLISHING", fill(include_str!("init/README-publish.md"))),
        ];
        self::fill(&fill(outline), &sections)
    };
    let mut files = vec![
        (".gitignore", fill(include_str!("init/gitignore"))),
        (
            ".github/workflows/aspnet-kb.yml",
            fill(include_str!("init/github.yml")),
        ),
        (".gitlab-ci.yml", fill(include_str!("init/gitlab-ci.yml"))),
    ];
    match upstream {
        Some(_) => files.extend([
            ("site.yaml", fill(include_str!("init/mirror.yaml"))),
            ("README.md", readme(include_str!("init/README-mirror.md"))),
            (
                "content/our-network.md",
                fill(include_str!("init/our-network.md")),
            ),
        ]),
        None => files.extend([
            ("site.yaml", fill(include_str!("init/site.yaml"))),
            ("README.md", readme(include_str!("init/README-site.md"))),
            ("content/_index.md", fill(include_str!("init/home.md"))),
            (
                "content/practices/_index.md",
                fill(include_str!("init/practices.md")),
            ),
            (
                "content/practices/example-school-garden.md",
                fill(include_str!("init/practice.md")),
            ),
            (
                "content/themes/gced.md",
                fill(include_str!("init/theme-gced.md")),
            ),
            (
                "content/themes/esd.md",
                fill(include_str!("init/theme-esd.md")),
            ),
            (
                "content/themes/intercultural.md",
                fill(include_str!("init/theme-intercultural.md")),
            ),
        ]),
    }
    files
}

/// The value of each `@@NAME@@` of the templates.
fn placeholders(languages: &[Language], upstream: Option<&str>) -> Vec<(&'static str, String)> {
    let default = &languages[0];
    let entry = |l: &Language| {
        let direction = if l.rtl { ", direction: rtl" } else { "" };
        format!("{}: {{ name: {}{direction} }}", l.code, quoted(&l.autonym))
    };
    let entries: Vec<String> = languages
        .iter()
        .map(|l| format!("  {}", entry(l)))
        .collect();
    // A language to add, commented out: right-to-left unless the site has Arabic already.
    let example = ["ar", "fr"]
        .into_iter()
        .find(|code| languages.iter().all(|l| l.code != *code))
        .and_then(|code| self::languages(Path::new(""), &[code.to_string()]).ok())
        .map_or(String::new(), |l| format!("  # {}", entry(&l[0])));
    let english_names = languages
        .iter()
        .map(|l| format!("{} ({})", l.english, l.code));
    let home_translations = if languages.len() > 1 {
        "\nThe home page's translations are there already, as drafts to translate."
    } else {
        ""
    }
    .to_string();
    let other = languages.get(1).map_or("fr", |l| l.code.as_str());
    vec![
        ("DEFAULT_LANGUAGE", default.code.clone()),
        ("DEFAULT_LANGUAGE_NAME", default.english.clone()),
        (
            "LANGUAGE_NAME",
            format!("{} ({})", default.english, default.code),
        ),
        ("LANGUAGES", entries.join("\n")),
        ("LANGUAGE_EXAMPLE", example),
        ("HOME_TRANSLATIONS", home_translations),
        ("LANGUAGE_LIST", english_list(english_names)),
        ("OTHER_LANGUAGE", other.to_lowercase()),
        ("UPSTREAM", quoted(upstream.unwrap_or_default())),
        ("UPSTREAM_PLAIN", upstream.unwrap_or_default().to_string()),
        ("DATE", Day::today().iso()),
        ("TOOL_GIT", TOOL_GIT.to_string()),
        ("TOOL_VERSION", tool_version()),
    ]
}

/// `items` joined as English joins a list (`A, B and C`), by CLDR's rules.
fn english_list(items: impl Iterator<Item = String> + Clone) -> String {
    let options = ListFormatterOptions::default().with_length(ListLength::Wide);
    match ListFormatter::try_new_and(locale!("en").into(), options) {
        Ok(formatter) => formatter.format_to_string(items),
        Err(_) => items.collect::<Vec<_>>().join(", "),
    }
}

/// `text` as a YAML double-quoted scalar (a JSON string is one).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// `template` with each `@@NAME@@` replaced by its value.
fn fill(template: &str, values: &[(&'static str, String)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("@@{name}@@"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages_of(codes: &[&str]) -> Vec<Language> {
        let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        languages(Path::new("x"), &codes).unwrap_or_default()
    }

    #[test]
    fn language_names_and_directions_come_from_cldr() {
        let found = languages_of(&["ar", "fr", "pt-br", "zh-Hant"]);
        let summary: Vec<(&str, &str, &str, bool)> = found
            .iter()
            .map(|l| {
                (
                    l.code.as_str(),
                    l.autonym.as_str(),
                    l.english.as_str(),
                    l.rtl,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("ar", "العربية", "Arabic", true),
                ("fr", "français", "French", false),
                ("pt-BR", "português (Brasil)", "Brazilian Portuguese", false),
                ("zh-Hant", "繁體中文", "Traditional Chinese", false),
            ]
        );
    }

    #[test]
    fn bad_or_repeated_languages_and_absolute_upstreams_are_refused() {
        for codes in [&["fr", "FR"][..], &["en", "e n"], &["../x"], &[]] {
            let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            assert!(languages(Path::new("x"), &codes).is_err(), "{codes:?}");
        }
        for path in ["/srv/global", "", "a\nb"] {
            assert!(upstream_path(Path::new("x"), path).is_err(), "{path:?}");
        }
        assert_eq!(
            upstream_path(Path::new("x"), "../global").ok().as_deref(),
            Some("../global")
        );
    }

    #[test]
    fn every_placeholder_is_filled() {
        for upstream in [None, Some("global")] {
            for (path, text) in skeleton(&languages_of(&["ar", "fr"]), upstream) {
                assert!(!text.contains("@@"), "{path}: {text}");
            }
        }
    }
}
