//! The theme: templates, static files and UI strings. The default theme is built into the
//! binary; a site's own `themes/<name>/` files replace built-in ones file by file.

use crate::diagnostic::{Diagnostic, EnvError, display_path};
use crate::paths;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use walkdir::WalkDir;

macro_rules! built_in {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// Files of the built-in default theme, by path inside the theme folder.
const DEFAULT_THEME: &[(&str, &[u8])] = built_in![
    "templates/base.html",
    "templates/home.html",
    "templates/page.html",
    "templates/list.html",
    "templates/directory.html",
    "templates/search.html",
    "templates/404.html",
    "templates/macros.html",
    "static/style.css",
    "static/chooser.js",
    "static/not_found.js",
    "static/search.js",
    "i18n/en.yaml",
    "i18n/fr.yaml",
    "i18n/es.yaml",
    "i18n/ar.yaml",
    "i18n/ru.yaml",
    "i18n/zh.yaml",
    "i18n/pt.yaml",
];

/// Templates of the files beside the pages, built in for every theme (a theme may replace
/// them, see `render::context`).
const SITE_FILE_TEMPLATES: &[(&str, &[u8])] = built_in![
    "templates/chooser.html",
    "templates/redirect.html",
    "templates/root_404.html",
    "templates/atom.xml",
    "templates/sitemap.xml",
    "templates/sitemap_index.xml",
    "templates/robots.txt",
];

/// The theme's files after the site's overrides, by path inside the theme folder. UI string
/// files are layered instead: a site's `i18n/fr.yaml` may change a single string.
pub struct Theme {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The paths of `files` the site's own theme folder wrote (others are built in).
    own: BTreeSet<String>,
    /// The site's UI string files by lower-case path (`i18n/pt-br.yaml`), with the path to
    /// show in messages (`themes/default/i18n/pt-BR.yaml`).
    site_strings: BTreeMap<String, (String, Vec<u8>)>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme, EnvError> {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut site_strings = BTreeMap::new();
        let mut own = BTreeSet::new();
        for (path, bytes) in SITE_FILE_TEMPLATES {
            files.insert(path.to_string(), bytes.to_vec());
        }
        if name == "default" {
            for (path, bytes) in DEFAULT_THEME {
                files.insert(path.to_string(), bytes.to_vec());
            }
        }
        let dir = paths::segment(name)
            .map(|name| root.join("themes").join(name))
            .map_err(|why| EnvError::new(root.join("themes"), format!("theme {name:?}: {why}")))?;
        // The theme's folder itself is never a link (one inside it is skipped, as walking
        // never follows links).
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(EnvError::new(
                dir,
                "the theme's folder is a symbolic link, which is not followed",
            ));
        }
        if !dir.is_dir() && name != "default" {
            return Err(EnvError::new(
                dir,
                format!("theme `{name}` not found (site.yaml: theme)"),
            ));
        }
        if dir.is_dir() {
            let visible = |e: &walkdir::DirEntry| {
                e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
            };
            for entry in WalkDir::new(&dir).into_iter().filter_entry(visible) {
                let entry =
                    entry.map_err(|e| EnvError::caused_by(dir.clone(), e.to_string(), e))?;
                if entry.file_type().is_file() {
                    let relative =
                        display_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path()));
                    paths::relative(&relative).map_err(|why| {
                        EnvError::new(
                            entry.path().to_path_buf(),
                            format!("this theme file's name cannot be published: {why}"),
                        )
                    })?;
                    let bytes = std::fs::read(entry.path())
                        .map_err(|e| EnvError::io(entry.path().to_path_buf(), e))?;
                    if relative.starts_with("i18n/") {
                        let shown = format!("themes/{name}/{relative}");
                        site_strings.insert(relative.to_lowercase(), (shown, bytes));
                    } else {
                        own.insert(relative.clone());
                        files.insert(relative, bytes);
                    }
                }
            }
        }
        Ok(Theme {
            files,
            own,
            site_strings,
        })
    }

    /// Whether the file at `path` (`templates/sitemap.xml`) is the built-in one.
    pub fn is_built_in(&self, path: &str) -> bool {
        !self.own.contains(path)
    }

    pub fn templates(&self) -> impl Iterator<Item = (&str, Result<&str, Diagnostic>)> {
        self.files.iter().filter_map(|(path, bytes)| {
            let name = path.strip_prefix("templates/")?;
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(format!("themes/{path}"), 0, "template is not valid UTF-8")
            });
            Some((name, text))
        })
    }

    pub fn static_files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("static/")?, bytes.as_slice())))
    }

    /// A language's string files, built-in first, then the site's, as (path, bytes); `lang`
    /// is lower case, the site's file name may be in any case (`pt-BR.yaml`).
    pub fn i18n(&self, lang: &str) -> Vec<(String, &[u8])> {
        let path = format!("i18n/{lang}.yaml");
        let built_in = self
            .files
            .get(&path)
            .map(|b| (format!("(built-in theme)/{path}"), b.as_slice()));
        let site = self
            .site_strings
            .get(&path)
            .map(|(shown, b)| (shown.clone(), b.as_slice()));
        built_in.into_iter().chain(site).collect()
    }
}
