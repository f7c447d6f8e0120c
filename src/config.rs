//! `site.yaml`: the site's configuration, with the command line's overrides applied.

use crate::diagnostic::{Diagnostic, yaml_key_line};
use crate::paths;
use crate::sanitize;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    languages: BTreeMap<String, LanguageConfig>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "yes")]
    translation_fallback: bool,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default)]
    allow_raw_html: bool,
    #[serde(default)]
    source_language: Option<String>,
    #[serde(default)]
    upstream: Option<String>,
    #[serde(default)]
    upstream_url: Option<String>,
    #[serde(default)]
    menu: Vec<RawMenuItem>,
}

/// An entry of `menu:` as written: `{ page: "@/about-maroc.md" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMenuItem {
    page: String,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn yes() -> bool {
    true
}
fn default_paginate() -> usize {
    20
}

/// One language the site publishes.
#[derive(Debug, Clone)]
pub struct Language {
    /// Lower case, as in URLs: `pt-br`.
    pub code: String,
    /// The BCP 47 tag in its canonical case, for `hreflang` and `lang`: `pt-BR`, `zh-Hant`.
    pub tag: String,
    pub name: String,
    pub title: String,
    pub rtl: bool,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Scheme and host, without the path: `https://example.org`.
    pub origin: String,
    /// The base URL's path, always starting and ending with `/`: `/aspnet/`.
    pub base_path: String,
    pub default_language: String,
    /// Published languages; the default language first.
    pub languages: Vec<Language>,
    pub theme: String,
    pub translation_fallback: bool,
    pub paginate: usize,
    pub allow_raw_html: bool,
    pub drafts: bool,
    /// `build --offline`: a copy that works from the file system (see `offline`).
    pub offline: bool,
    /// The language of files without a language suffix (`name.md`): `source_language`, else
    /// the default language.
    pub source_language: String,
    /// A mirror's upstream: another site root, a folder inside this one (`global`).
    pub upstream: Option<String>,
    /// Where the upstream site is published, without a trailing `/`
    /// (`https://example.org/aspnet`): pages shown unchanged from upstream name their page
    /// there as canonical.
    pub upstream_url: Option<String>,
    /// Pages added to the main menu, by key (`about-maroc` for `@/about-maroc.md`), with the
    /// line of `site.yaml` naming each.
    pub menu: Vec<MenuPage>,
}

/// A page `menu:` adds to the main menu.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuPage {
    /// The page's key: `about-maroc`, `guides/national/_index`.
    pub key: String,
    /// The line of `site.yaml` naming it.
    pub line: usize,
}

/// What the command line may override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub languages: Option<Vec<String>>,
    pub drafts: bool,
    pub offline: bool,
}

const FILE: &str = "site.yaml";

impl Config {
    /// The site's configuration as written, for commands that only need a setting of it
    /// (the default language, the title); `None` if `site.yaml` is missing or invalid, which
    /// `build` and `check` report in full.
    pub fn read(root: &std::path::Path) -> Option<Config> {
        let text = std::fs::read_to_string(root.join(FILE)).ok()?;
        Config::parse(&text, &Overrides::default()).ok()
    }

    pub fn parse(text: &str, overrides: &Overrides) -> Result<Config, Diagnostic> {
        let raw: RawConfig = serde_yaml::from_str(text).map_err(|e| {
            let (line, col) = e.location().map_or((1, 0), |l| (l.line(), l.column()));
            Diagnostic::error(FILE, line, strip_location(&e.to_string()))
                .at_column(col)
                .with_hint("see the site.yaml example in the README")
        })?;
        let base_url = overrides.base_url.clone().unwrap_or(raw.base_url.clone());
        check_theme(text, &raw)?;
        let (origin, base_path) = split_base_url(&base_url).map_err(|bad| {
            Diagnostic::error(
                FILE,
                line_of_key(text, "base_url"),
                format!("base_url: \"{}\": {bad}", base_url.escape_debug()),
            )
            .with_hint("the address the site is published at, e.g. https://example.org/aspnet/")
        })?;
        let default_language = language_code(text, &raw.default_language, "default_language")?;
        let mut languages = languages(text, &raw, &default_language)?;
        if !languages.iter().any(|l| l.code == default_language) {
            return Err(Diagnostic::error(
                FILE,
                line_of_key(text, "default_language"),
                format!(
                    "default_language: \"{}\" is not one of the languages",
                    raw.default_language
                ),
            )
            .with_hint("add it under `languages:` or pick one listed there"));
        }
        if let Some(wanted) = &overrides.languages {
            languages = only_languages(text, languages, wanted)?;
        }
        languages.sort_by_key(|l| l.code != default_language);
        let source_language = match &raw.source_language {
            Some(written) => language_code(text, written, "source_language")?,
            None => default_language.clone(),
        };
        let upstream = raw
            .upstream
            .as_deref()
            .map(|u| upstream_folder(text, u))
            .transpose()?;
        let upstream_url = raw
            .upstream_url
            .as_deref()
            .map(|u| upstream_url(text, u))
            .transpose()?;
        let menu = menu_pages(text, &raw.menu)?;
        if raw.paginate == 0 {
            return Err(Diagnostic::error(
                FILE,
                line_of_key(text, "paginate"),
                "paginate: must be at least 1",
            ));
        }
        Ok(Config {
            title: raw.title,
            origin,
            base_path,
            default_language,
            languages,
            theme: raw.theme,
            translation_fallback: raw.translation_fallback,
            paginate: raw.paginate,
            allow_raw_html: raw.allow_raw_html,
            drafts: overrides.drafts,
            offline: overrides.offline,
            source_language,
            upstream,
            upstream_url,
            menu,
        })
    }

    /// The language of unsuffixed files of the site whose `site.yaml` is `text`
    /// (`source_language`, else `default_language`, else English), read leniently: a mirror
    /// needs only this of its upstream's configuration. `None` if it is not readable.
    pub fn source_language_of(text: &str) -> Option<String> {
        #[derive(Deserialize)]
        struct Languages {
            source_language: Option<String>,
            default_language: Option<String>,
        }
        let written: Languages = serde_yaml::from_str(text).ok()?;
        let code = written
            .source_language
            .or(written.default_language)
            .unwrap_or_else(default_language);
        paths::language_code(&code).ok()
    }

    /// Whether pages in the default language are published (a mirror may leave it out).
    pub fn publishes(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l.code == lang)
    }

    /// A site-absolute path (`/en/practices/`) made into a link under the base path, letters
    /// outside ASCII percent-encoded (`/ar/مدارس/` → `/ar/%D9%85…/`).
    pub fn link(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_path,
            paths::url_encode(path.trim_start_matches('/'))
        )
    }

    /// The address of a site-absolute path on the upstream site (`upstream_url`), if known.
    pub fn upstream_link(&self, path: &str) -> Option<String> {
        let url = self.upstream_url.as_ref()?;
        Some(format!(
            "{url}/{}",
            paths::url_encode(path.trim_start_matches('/'))
        ))
    }

    /// The canonical BCP 47 tag of one of the site's language codes (the code itself for any
    /// other).
    pub fn tag<'c>(&'c self, code: &'c str) -> &'c str {
        self.languages
            .iter()
            .find(|l| l.code == code)
            .map_or(code, |l| l.tag.as_str())
    }

    /// A full URL, for feeds and the sitemap.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin, self.link(path))
    }
}

/// Of `languages`, those `--lang` names; a code the site lacks is an error.
fn only_languages(
    text: &str,
    languages: Vec<Language>,
    wanted: &[String],
) -> Result<Vec<Language>, Diagnostic> {
    let wanted: Vec<String> = wanted.iter().map(|c| c.to_ascii_lowercase()).collect();
    if let Some(code) = wanted
        .iter()
        .find(|code| !languages.iter().any(|l| &l.code == *code))
    {
        return Err(Diagnostic::error(
            FILE,
            line_of_key(text, "languages"),
            format!("--lang: \"{code}\" is not one of the site's languages"),
        ));
    }
    Ok(languages
        .into_iter()
        .filter(|l| wanted.contains(&l.code))
        .collect())
}

/// `upstream:`: a folder inside the root (`global`, a git submodule), written with `/`.
fn upstream_folder(text: &str, written: &str) -> Result<String, Diagnostic> {
    let folder = written.trim().trim_end_matches('/');
    let bad = folder.is_empty()
        || folder.starts_with('/')
        || folder.contains('\\')
        || folder.contains(':')
        || folder.chars().any(char::is_control)
        || folder
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(Diagnostic::error(
            FILE,
            line_of_key(text, "upstream"),
            format!(
                "upstream: \"{}\" is not a folder inside the site root",
                written.escape_debug()
            ),
        )
        .with_hint("add the global site as a git submodule (`git submodule add URL global`) and write `upstream: global`"));
    }
    Ok(folder.to_string())
}

/// `upstream_url:`: a web address like `base_url`, kept without its trailing `/`.
fn upstream_url(text: &str, written: &str) -> Result<String, Diagnostic> {
    let (origin, path) = split_base_url(written).map_err(|bad| {
        Diagnostic::error(
            FILE,
            line_of_key(text, "upstream_url"),
            format!("upstream_url: \"{}\": {bad}", written.escape_debug()),
        )
        .with_hint("where the global site is published, e.g. https://example.org/aspnet/")
    })?;
    Ok(format!("{origin}{}", path.trim_end_matches('/')))
}

/// `menu:` entries as page keys: each names a page as internal links do (`@/about.md`).
fn menu_pages(text: &str, items: &[RawMenuItem]) -> Result<Vec<MenuPage>, Diagnostic> {
    let mut pages = Vec::new();
    for item in items {
        let line = text
            .lines()
            .position(|l| l.contains(&item.page))
            .map_or_else(|| line_of_key(text, "menu"), |i| i + 1);
        let key = item
            .page
            .strip_prefix("@/")
            .filter(|p| p.ends_with(".md"))
            .map(paths::page_key)
            .filter(|k| paths::relative(k).is_ok());
        let Some(key) = key else {
            return Err(Diagnostic::error(
                FILE,
                line,
                format!(
                    "menu: \"{}\" does not name a page",
                    item.page.escape_debug()
                ),
            )
            .with_hint("name a page as links do: `- page: \"@/about-maroc.md\"`"));
        };
        pages.push(MenuPage {
            key: key.to_string(),
            line,
        });
    }
    Ok(pages)
}

/// The theme's name becomes a folder: one safe path segment.
fn check_theme(text: &str, raw: &RawConfig) -> Result<(), Diagnostic> {
    paths::segment(&raw.theme).map(drop).map_err(|why| {
        Diagnostic::error(
            FILE,
            line_of_key(text, "theme"),
            format!("theme: \"{}\": {why}", raw.theme.escape_debug()),
        )
        .with_hint("the name of a folder under themes/, e.g. default")
    })
}

/// A language code of `site.yaml`, checked as BCP 47 and made lower case, or an error at `key`.
fn language_code(text: &str, written: &str, key: &str) -> Result<String, Diagnostic> {
    paths::language_code(written).map_err(|why| {
        Diagnostic::error(
            FILE,
            line_of_key(text, key),
            format!("{key}: \"{}\": {why}", written.escape_debug()),
        )
        .with_hint(why.hint())
    })
}

/// A language code in BCP 47's canonical case (`pt-br` → `pt-BR`, `zh-hant` → `zh-Hant`), or
/// as it is when ICU cannot read it.
fn canonical_tag(code: &str) -> String {
    code.parse::<icu::locale::Locale>()
        .map_or_else(|_| code.to_string(), |locale| locale.to_string())
}

/// The languages as written under `languages:` (just the default one when there are none),
/// their codes checked and unique.
fn languages(
    text: &str,
    raw: &RawConfig,
    default_language: &str,
) -> Result<Vec<Language>, Diagnostic> {
    if raw.languages.is_empty() {
        return Ok(vec![Language {
            tag: canonical_tag(default_language),
            code: default_language.to_string(),
            name: raw.default_language.clone(),
            title: raw.title.clone(),
            rtl: false,
        }]);
    }
    let mut languages: Vec<Language> = Vec::new();
    for (written, l) in &raw.languages {
        let code = language_code(text, written, "languages")?;
        if languages.iter().any(|l| l.code == code) {
            return Err(Diagnostic::error(
                FILE,
                line_of_key(text, "languages"),
                format!("languages: \"{written}\" is listed twice"),
            ));
        }
        languages.push(Language {
            tag: canonical_tag(&code),
            code,
            name: l.name.clone(),
            title: l.title.clone().unwrap_or_else(|| raw.title.clone()),
            rtl: l.direction.as_deref() == Some("rtl"),
        });
    }
    Ok(languages)
}

/// The base URL as (origin, path): `https://example.org/aspnet` → (`https://example.org`,
/// `/aspnet/`). Both come from the parsed URL, never from the text as written: the host in
/// ASCII, the path percent-encoded, empty segments dropped; a URL with spaces or control
/// characters, a user, a query or a fragment is refused.
fn split_base_url(written: &str) -> Result<(String, String), sanitize::BadUrl> {
    let bad = |message: &str| sanitize::BadUrl {
        message: message.to_string(),
    };
    let written = written.trim();
    if written.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains spaces or control characters"));
    }
    sanitize::check_web_address(written)?;
    let url = url::Url::parse(written).map_err(|e| bad(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it names a user or a password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it has a query (?…) or a fragment (#…)"));
    }
    if written.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let path = match segments.is_empty() {
        true => "/".to_string(),
        false => format!("/{}/", segments.join("/")),
    };
    Ok((url.origin().ascii_serialization(), path))
}

/// serde_yaml appends "at line X column Y"; we print the location ourselves.
pub fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn line_of_key(text: &str, key: &str) -> usize {
    yaml_key_line(text, key).map_or(1, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_path_is_normalised() {
        let parts = |url: &str| split_base_url(url).map_err(|e| e.message);
        assert_eq!(
            parts("https://example.org/aspnet"),
            Ok(("https://example.org".into(), "/aspnet/".into()))
        );
        assert_eq!(
            parts("https://example.org"),
            Ok(("https://example.org".into(), "/".into()))
        );
        assert_eq!(
            parts("https://Example.ORG:8443/a//b/"),
            Ok(("https://example.org:8443".into(), "/a/b/".into()))
        );
        // Quotes and angle brackets are percent-encoded; what could break out is refused.
        assert_eq!(
            parts("https://example.org/x\"><script>/"),
            Ok(("https://example.org".into(), "/x%22%3E%3Cscript%3E/".into()))
        );
        for bad in [
            "https://example.org/\\127.0.0.1:8766/",
            "https://example.org/aspnet\nUser-agent: *\n",
            "https://example.org/a b/",
            "https://user:pw@example.org/",
            "https://example.org/?q=1",
            "javascript:alert(1)//example.org/",
        ] {
            assert!(parts(bad).is_err(), "{bad:?}");
        }
    }
}
