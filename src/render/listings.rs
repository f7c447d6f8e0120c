//! Generated listings per language: taxonomies (countries, regions, levels, tags), the member
//! directory by country, the search page and the 404 page.

use super::*;

impl<'a> Renderer<'a> {
    /// Taxonomies, the member directory (unless `members` is false), search and 404 per
    /// language.
    pub(super) fn listing_views(
        &self,
        lang: &str,
        members: bool,
        only: Option<&Touched>,
    ) -> Vec<View<'a>> {
        let mut views = Vec::new();
        views.extend(self.taxonomy_views(lang, only));
        if members {
            views.extend(self.member_directory_views(lang, only));
        }
        views.push(self.search_view(lang));
        views.push(View {
            path: format!("/{lang}/404.html"),
            template: "404.html".into(),
            key: None,
            title: self.t(lang, "not_found"),
            context: json!({}),
            items: None,
        });
        views
    }

    /// The search page: a form that works as links without JavaScript, the filters' options,
    /// and the manifest of the browser index with the strings the script needs.
    pub(super) fn search_view(&self, lang: &str) -> View<'a> {
        let site = self.site;
        let locale = self.locale(lang);
        let option = |value: &str, label: String| json!({"value": value, "label": label});
        let manifest = self.search.get(lang);
        let themes: Vec<Value> = site
            .theme_codes()
            .iter()
            .map(|code| {
                let title = site
                    .entry(lang, &format!("themes/{code}"))
                    .map_or(code.clone(), |e| site.page(e).title.clone());
                option(code, title)
            })
            .collect();
        let mut countries: Vec<Value> = manifest
            .map(|m| {
                m.countries
                    .iter()
                    .map(|c| option(c, locale.country_name(c)))
                    .collect()
            })
            .unwrap_or_default();
        countries.sort_by(|a, b| {
            locale.compare(
                a["label"].as_str().unwrap_or(""),
                b["label"].as_str().unwrap_or(""),
            )
        });
        let labelled = |list: &[&str], prefix: &str| -> Vec<Value> {
            list.iter()
                .map(|v| option(v, self.t(lang, &format!("{prefix}{v}"))))
                .collect()
        };
        let kinds = labelled(&crate::search::browser::KINDS, "kind_");
        let kind_labels: serde_json::Map<String, Value> = kinds
            .iter()
            .map(|k| {
                (
                    k["value"].as_str().unwrap_or("").to_string(),
                    k["label"].clone(),
                )
            })
            .collect();
        let script_data = json!({
            "index": manifest,
            "lang": lang,
            "strings": {
                "results": self.strings.forms(lang, "results_count"),
                "none": self.t(lang, "no_results"),
                "loading": self.t(lang, "searching"),
                "more": self.t(lang, "more_results"),
                "original_language": self.t(lang, "original_language"),
                "kinds": kind_labels,
            },
        });
        View {
            path: format!("/{lang}/search/"),
            template: "search.html".into(),
            key: None,
            title: self.t(lang, "search"),
            context: json!({
                "themes_url": site.config.link(&format!("/{lang}/themes/")),
                "countries_url": site.config.link(&format!("/{lang}/countries/")),
                "filters": [
                    {"name": "theme", "label": self.t(lang, "themes"), "options": themes},
                    {"name": "country", "label": self.t(lang, "country"), "options": countries},
                    {"name": "region", "label": self.t(lang, "region"), "options": labelled(&REGIONS, "region_")},
                    {"name": "level", "label": self.t(lang, "levels"), "options": labelled(&LEVELS, "level_")},
                    {"name": "kind", "label": self.t(lang, "kind"), "options": kinds},
                ],
                // Escaped so that no text can close the script element.
                "script_data": script_data.to_string().replace('<', "\\u003c"),
            }),
            items: None,
        }
    }

    /// One directory page per country (with `only`, per country it names), unless the site
    /// wrote its own `members/<cc>/_index.md`.
    fn member_directory_views(&self, lang: &str, only: Option<&Touched>) -> Vec<View<'a>> {
        let members = self.t(lang, "members");
        let shows = |code: &str| only.is_none_or(|t| t.countries.contains(code));
        self.member_directory(lang, shows)
            .into_iter()
            .filter(|group| {
                let code = group["code"].as_str().unwrap_or("");
                shows(code) && self.site.entry(lang, &format!("members/{code}/_index")).is_none()
            })
            .map(|group| {
                let code = group["code"].as_str().unwrap_or("").to_string();
                let title = format!("{members} — {}", group["name"].as_str().unwrap_or(""));
                View {
                    path: format!("/{lang}/members/{code}/"),
                    template: "directory.html".into(),
                    key: None,
                    title: title.clone(),
                    context: json!({"page": {"title": title, "kind": "directory"}, "groups": [group],
                        "directory": self.site.config.link(&format!("/{lang}/members/"))}),
                    items: None,
                }
            })
            .collect()
    }

    /// Country, region, level and tag pages and their index pages. With `only`, just the
    /// pages of the terms it names, and the index pages (terms and counts) if counts changed.
    fn taxonomy_views(&self, lang: &str, only: Option<&Touched>) -> Vec<View<'a>> {
        let site = self.site;
        let locale = self.locale(lang);
        let link = |path: String| site.config.link(&path);
        let shows_country = |c: &str| only.is_none_or(|t| t.countries.contains(c));
        let shows_level = |l: &str| only.is_none_or(|t| t.levels.contains(l));
        let shows_tag = |slug: &str| only.is_none_or(|t| t.tags.contains(slug));
        let shows_region = |r: &str| {
            only.is_none_or(|t| {
                t.countries
                    .iter()
                    .any(|c| site.regions.region_of(c) == Some(r))
            })
        };
        // Every term is counted on the index pages; pages are looked up for the terms shown.
        let groups = site.groups(lang);
        let pages = |keys: &[String]| site.entries_of(lang, keys);
        let practices_count = |n: usize| self.strings.plural(locale, "practices_count", n);
        let mut views = Vec::new();
        let mut country_index = Vec::new();
        for (code, country) in &groups.countries {
            let name = locale.country_name(code);
            let region = site.regions.region_of(code).unwrap_or("");
            country_index.push(
                json!({"title": name, "url": link(format!("/{lang}/countries/{code}/")),
                "meta": practices_count(country.practices.len()), "region": region}),
            );
            if !shows_country(code) {
                continue;
            }
            let mut members = self.items(&pages(&country.members));
            members.sort_by(|a, b| locale.compare(&a.title, &b.title));
            let context = json!({"region": {"title": self.t(lang, &format!("region_{region}")), "url": link(format!("/{lang}/regions/{region}/"))},
            "count": practices_count(country.practices.len()),
            "sublists": [
                {"title": self.t(lang, "coordinator"), "items": self.items(&pages(&country.coordinators))},
                {"title": self.t(lang, "members"), "items": members},
            ]});
            let practices = self.newest_first(pages(&country.practices));
            views.push(
                list_view(
                    format!("/{lang}/countries/{code}/"),
                    name,
                    "country",
                    context,
                )
                .listing(practices),
            );
        }
        country_index.sort_by(|a, b| {
            locale.compare(
                a["title"].as_str().unwrap_or(""),
                b["title"].as_str().unwrap_or(""),
            )
        });
        let mut region_index = Vec::new();
        for region in REGIONS {
            let title = self.t(lang, &format!("region_{region}"));
            let in_region: Vec<&Value> = country_index
                .iter()
                .filter(|c| c["region"] == region)
                .collect();
            region_index.push(json!({"title": title, "url": link(format!("/{lang}/regions/{region}/")), "countries": in_region}));
            if !shows_region(region) {
                continue;
            }
            let keys = groups.regions.get(region).map_or(&[][..], |keys| keys);
            let practices = self.newest_first(pages(keys));
            let context = json!({"count": practices_count(practices.len()),
                "sublists": [{"title": self.t(lang, "nav_countries"), "items": in_region}]});
            views.push(
                list_view(
                    format!("/{lang}/regions/{region}/"),
                    title,
                    "region",
                    context,
                )
                .listing(practices),
            );
        }
        let mut level_index = Vec::new();
        for level in LEVELS {
            let title = self.t(lang, &format!("level_{level}"));
            let practices = groups.levels.get(level).map_or(&[][..], |keys| keys);
            let count = practices_count(practices.len());
            level_index.push(
                json!({"title": title, "url": link(format!("/{lang}/levels/{level}/")), "meta": count}),
            );
            if shows_level(level) {
                let practices = self.newest_first(pages(practices));
                views.push(
                    list_view(
                        format!("/{lang}/levels/{level}/"),
                        title,
                        "level",
                        json!({"count": count}),
                    )
                    .listing(practices),
                );
            }
        }
        let mut tag_index = Vec::new();
        for (slug, (name, tagged)) in &groups.tags {
            let count = self.strings.plural(locale, "pages_count", tagged.len());
            tag_index.push(
                json!({"title": name, "url": link(format!("/{lang}/tags/{slug}/")), "meta": count}),
            );
            if shows_tag(slug) {
                let tagged = self.newest_first(pages(tagged));
                views.push(
                    list_view(
                        format!("/{lang}/tags/{slug}/"),
                        format!("#{name}"),
                        "tag",
                        json!({"count": count}),
                    )
                    .listing(tagged),
                );
            }
        }
        if only.is_none_or(|t| t.counts) {
            for (folder, title, context) in [
                (
                    "countries",
                    "nav_countries",
                    json!({"regions": region_index}),
                ),
                ("regions", "regions", json!({"regions": region_index})),
                ("levels", "levels", json!({"items": level_index})),
                ("tags", "tags", json!({"items": tag_index})),
            ] {
                views.push(list_view(
                    format!("/{lang}/{folder}/"),
                    self.t(lang, title),
                    "taxonomy",
                    context,
                ));
            }
        }
        views
    }

    /// Member institutions grouped by country, countries and names in the locale's order,
    /// with the names only for the countries `with_names` accepts. The directory page lists
    /// the countries; each country's names are on `/{lang}/members/{cc}/`, which keeps the
    /// directory light however large the network grows.
    pub(super) fn member_directory(
        &self,
        lang: &str,
        with_names: impl Fn(&str) -> bool,
    ) -> Vec<Value> {
        let site = self.site;
        let locale = self.locale(lang);
        let countries = site.groups(lang).countries.iter();
        let mut groups: Vec<(String, &str, &[String])> = countries
            .filter(|(_, pages)| !pages.members.is_empty())
            .map(|(code, pages)| (locale.country_name(code), code.as_str(), &pages.members[..]))
            .collect();
        groups.sort_by(|a, b| locale.compare(&a.0, &b.0));
        groups
            .into_iter()
            .map(|(name, code, members)| {
                let items = with_names(code).then(|| {
                    let mut items = self.items(&site.entries_of(lang, members));
                    items.sort_by(|a, b| locale.compare(&a.title, &b.title));
                    items
                });
                json!({"name": name, "code": code, "url": site.config.link(&format!("/{lang}/members/{code}/")),
                       "count": self.strings.plural(locale, "members_count", members.len()), "items": items})
            })
            .collect()
    }
}

/// A generated listing (taxonomy term or index) shown with `list.html`.
fn list_view<'a>(path: String, title: String, kind: &str, mut context: Value) -> View<'a> {
    context["page"] = json!({"title": title, "kind": kind});
    View {
        path,
        template: "list.html".into(),
        key: None,
        title,
        context,
        items: None,
    }
}

impl<'a> View<'a> {
    /// The view listing `pages`.
    fn listing(self, pages: Vec<&'a Entry>) -> View<'a> {
        View {
            items: Some(pages),
            ..self
        }
    }
}
