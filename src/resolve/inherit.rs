//! Translations carry prose only: a page not written in its tree's source language takes
//! every data key it does not name (date, countries, themes, members, a member's city…)
//! from its source, the page of the same key that is. It keeps its own prose and
//! per-language keys ([`parse::TRANSLATED_KEYS`]); a data key it names overrides the
//! source's, and is a warning when the values differ (most often a translation that
//! forgot to follow a data edit).

use crate::diagnostic::Diagnostic;
use crate::parse::{self, Coordinator, Kind, Member, Page, Practice, ThemeArea};

/// `translation` with the data it does not name taken from `source`, marked as translating
/// it (and as out of date when its `source_version` is not the source's prose version), and
/// the warnings for data it names differently.
pub(super) fn inherit(source: &Page, translation: &Page) -> (Page, Vec<Diagnostic>) {
    let mut pick = Picker {
        source,
        translation,
        problems: Vec::new(),
    };
    let mut page = translation.clone();
    page.date = pick.value("date", &source.date, &translation.date);
    page.updated = pick.value("updated", &source.updated, &translation.updated);
    page.weight = pick.value("weight", &source.weight, &translation.weight);
    page.template = pick.value("template", &source.template, &translation.template);
    page.kind = match (&source.kind, &translation.kind) {
        (Kind::Practice(s), Kind::Practice(t)) => Kind::Practice(Box::new(pick.practice(s, t))),
        (Kind::Theme(s), Kind::Theme(t)) => Kind::Theme(ThemeArea {
            color: pick.value("color", &s.color, &t.color),
            icon: pick.value("icon", &s.icon, &t.icon),
        }),
        (Kind::Member(s), Kind::Member(t)) => Kind::Member(Box::new(pick.member(s, t))),
        (Kind::Coordinator(s), Kind::Coordinator(t)) => {
            Kind::Coordinator(Box::new(pick.coordinator(s, t)))
        }
        (_, kind) => kind.clone(),
    };
    if page.title.trim().is_empty() {
        // A member or coordinator page titled by its (inherited) name.
        page.title = source.title.clone();
    }
    page.missing_data.clear();
    page.translation_of = Some(source.source.clone());
    page.outdated = translation
        .source_version
        .as_ref()
        .is_some_and(|version| *version != parse::prose_version(source));
    (page, pick.problems)
}

/// Chooses, key by key, the translation's value where it names the key, else the source's.
struct Picker<'p> {
    source: &'p Page,
    translation: &'p Page,
    problems: Vec<Diagnostic>,
}

impl Picker<'_> {
    /// The translation's value of `key` if it names the key (a warning when it differs from
    /// the source's), else the source's.
    fn value<T: Clone + PartialEq>(&mut self, key: &str, source: &T, own: &T) -> T {
        if !self.translation.named_data.iter().any(|k| k == key) {
            return source.clone();
        }
        if own != source {
            self.problems.push(
                self.translation
                    .error_at(
                        key,
                        None,
                        format!(
                            "{key}: differs from the source, {}; a translation inherits its data",
                            self.source.source
                        ),
                    )
                    .as_warning()
                    .with_hint(format!(
                        "remove `{key}` here to follow the source, or keep it if this language truly needs its own value"
                    )),
            );
        }
        own.clone()
    }

    fn practice(&mut self, s: &Practice, t: &Practice) -> Practice {
        Practice {
            countries: self.value("countries", &s.countries, &t.countries),
            themes: self.value("themes", &s.themes, &t.themes),
            levels: self.value("levels", &s.levels, &t.levels),
            sdg_targets: self.value("sdg_targets", &s.sdg_targets, &t.sdg_targets),
            members: self.value("members", &s.members, &t.members),
            image: self.value("image", &s.image, &t.image),
            image_alt: self.image_alt(s, t),
            authors: self.value("authors", &s.authors, &t.authors),
        }
    }

    /// The translation's own text alternative for the picture; without one, the source's,
    /// with a warning (a mirror's translations keep building when the upstream adds a picture).
    fn image_alt(&mut self, s: &Practice, t: &Practice) -> Option<String> {
        if t.image_alt.is_some() || s.image.is_none() {
            return t.image_alt.clone();
        }
        self.problems.push(
            Diagnostic::warning(
                &self.translation.source,
                1,
                format!(
                    "image_alt: the picture's text alternative is not translated; shown from {}",
                    self.source.source
                ),
            )
            .with_hint("add `image_alt:` in this language, describing the picture"),
        );
        s.image_alt.clone()
    }

    fn member(&mut self, s: &Member, t: &Member) -> Member {
        Member {
            id: self.value("id", &s.id, &t.id),
            name: self.value("name", &s.name, &t.name),
            country: self.value("country", &s.country, &t.country),
            city: self.value("city", &s.city, &t.city),
            levels: self.value("levels", &s.levels, &t.levels),
            school_type: self.value("type", &s.school_type, &t.school_type),
            joined: self.value("joined", &s.joined, &t.joined),
            website: self.value("website", &s.website, &t.website),
            themes: self.value("themes", &s.themes, &t.themes),
            status: self.value("status", &s.status, &t.status),
            lat: self.value("lat", &s.lat, &t.lat),
            lon: self.value("lon", &s.lon, &t.lon),
        }
    }

    fn coordinator(&mut self, s: &Coordinator, t: &Coordinator) -> Coordinator {
        Coordinator {
            country: self.value("country", &s.country, &t.country),
            name: self.value("name", &s.name, &t.name),
            organization: self.value("organization", &s.organization, &t.organization),
            email: self.value("email", &s.email, &t.email),
            website: self.value("website", &s.website, &t.website),
            languages: self.value("languages", &s.languages, &t.languages),
        }
    }
}
