//! Generated listings per language: taxonomies (countries, regions, levels, tags), the member
//! directory by country, the search page and the 404 page.

use super::*;

/// The terms of a taxonomy's index page, and the listing pages of the terms shown.
struct Taxonomy<'a> {
    index: Vec<IndexEntry>,
    views: Vec<View<'a>>,
}

impl<'a> Renderer<'a> {
    /// The taxonomies and the member directory's countries as `selection` says, search and
    /// 404 of a language.
    pub(super) fn listing_views(&self, lang: &str, selection: Selection) -> Vec<View<'a>> {
        let mut views = Vec::new();
        views.extend(self.taxonomy_views(lang, selection));
        if selection.members {
            views.extend(self.member_directory_views(lang, selection));
        }
        views.push(self.search_view(lang));
        views.push(View {
            path: format!("/{lang}/404.html"),
            template: "404.html".into(),
            key: None,
            title: self.t(lang, "not_found"),
            context: Own::ChromeOnly {},
            items: None,
        });
        views
    }

    /// The search page: a form that works as links without JavaScript, the filters' options,
    /// and the manifest of the browser index with the strings the script needs.
    pub(super) fn search_view(&self, lang: &str) -> View<'a> {
        let site = self.site;
        let locale = self.locale(lang);
        let option = |value: &str, label: String| FilterOption {
            value: value.to_string(),
            label,
        };
        let index = self.search.indexes.get(lang);
        let theme_codes = site.theme_codes();
        let themes = theme_codes.iter().map(|code| {
            let title = site
                .entry(lang, &format!("themes/{code}"))
                .map_or(code.clone(), |e| site.page(e).title.clone());
            option(code, title)
        });
        let mut countries: Vec<FilterOption> = index
            .map(|index| {
                let names = index.countries.iter();
                names.map(|c| option(c, locale.country_name(c))).collect()
            })
            .unwrap_or_default();
        let targets = index.map_or(&[][..], |index| &index.sdg_targets);
        let mut targets: Vec<FilterOption> = targets
            .iter()
            .filter_map(|code| sdg::target(code, lang))
            .map(|t| option(&t.code, format!("{} {}", t.code, t.goal)))
            .collect();
        // 4.7 before 14.1 (before 4.a): goal, then target, in number order.
        targets.sort_by_key(|o| sdg::order(&o.value));
        countries.sort_by(|a, b| locale.compare(&a.label, &b.label));
        let labelled = |list: &[&str], prefix: &str| -> Vec<FilterOption> {
            list.iter()
                .map(|v| option(v, self.t(lang, &format!("{prefix}{v}"))))
                .collect()
        };
        let kinds = labelled(&self.search.kinds, "kind_");
        let kind_labels: serde_json::Map<String, serde_json::Value> = kinds
            .iter()
            .map(|k| (k.value.clone(), k.label.clone().into()))
            .collect();
        let script_data = json!({
            "index": index.map(|index| self.manifest_for_page(lang, &index.manifest)),
            "offline": site.config.offline,
            "lang": lang,
            "strings": {
                "results": self.strings.forms(lang, "results_count"),
                "none": self.t(lang, "no_results"),
                "loading": self.t(lang, "searching"),
                "more": self.t(lang, "more_results"),
                "original_language": self.t(lang, "original_language"),
                "missing": self.t(lang, "search_missing"),
                "kinds": kind_labels,
            },
        });
        let filter = |name, label: &str, options| Filter {
            name,
            label: self.t(lang, label),
            options,
        };
        let context = SearchContext {
            themes_url: site.config.link(&format!("/{lang}/themes/")),
            countries_url: site.config.link(&format!("/{lang}/countries/")),
            filters: vec![
                filter("theme", "themes", themes.collect()),
                filter("country", "country", countries),
                filter("region", "region", labelled(&REGIONS, "region_")),
                filter("level", "levels", labelled(&LEVELS, "level_")),
                filter("kind", "kind", kinds),
                filter("sdg", "sdg_targets", targets),
            ],
            // Escaped so that no text can close the script element.
            script_data: script_data.to_string().replace('<', "\\u003c"),
        };
        View {
            path: format!("/{lang}/search/"),
            template: "search.html".into(),
            key: None,
            title: self.t(lang, "search"),
            context: Own::Search(Box::new(context)),
            items: None,
        }
    }

    /// A language's browser index manifest as its search page reads it: as built, or for an
    /// offline copy with its folder and the language's root relative to the search page, and
    /// the site's base path (`base`) and root (`up`), to make the results' links relative too.
    fn manifest_for_page(&self, lang: &str, manifest: &serde_json::Value) -> serde_json::Value {
        let config = &self.site.config;
        let mut manifest = manifest.clone();
        if config.offline {
            let search_path = format!("{}{lang}/search/", config.base_path);
            let dir = manifest["dir"].as_str().unwrap_or_default();
            let relative = dir.strip_prefix(&search_path).unwrap_or(dir).to_string();
            manifest["dir"] = relative.into();
            manifest["root"] = "../".into();
            manifest["base"] = config.base_path.clone().into();
            manifest["up"] = "../../".into();
        }
        manifest
    }

    /// One directory page per country the selection names, unless the site wrote its own
    /// `members/<cc>/_index.md`.
    fn member_directory_views(&self, lang: &str, selection: Selection) -> Vec<View<'a>> {
        let members = self.t(lang, "members");
        let shows = |code: &str| selection.country(code);
        self.member_directory(lang, shows)
            .into_iter()
            .filter(|group| {
                let own_page = format!("members/{}/_index", group.code);
                shows(&group.code) && self.site.entry(lang, &own_page).is_none()
            })
            .map(|group| {
                let path = format!("/{lang}/members/{}/", group.code);
                let title = format!("{members} — {}", group.name);
                let context = DirectoryContext {
                    page: ListedPage::Generated(GeneratedPage {
                        title: title.clone(),
                        kind: "directory",
                    }),
                    groups: vec![group],
                    directory: Some(self.site.config.link(&format!("/{lang}/members/"))),
                };
                View {
                    path,
                    template: "directory.html".into(),
                    key: None,
                    title,
                    context: Own::Directory(Box::new(context)),
                    items: None,
                }
            })
            .collect()
    }

    /// Country, region, level and tag pages of the terms selected, and the index pages if
    /// selected.
    fn taxonomy_views(&self, lang: &str, selection: Selection) -> Vec<View<'a>> {
        let only = selection.terms;
        let countries = self.country_views(lang, only);
        let (region_index, region_views) = self.region_views(lang, only, &countries.index);
        let levels = self.level_views(lang, only);
        let tags = self.tag_views(lang, only);
        let mut views = countries.views;
        views.extend(region_views);
        views.extend(levels.views);
        views.extend(tags.views);
        if selection.indexes {
            let regions = |region_index: Vec<RegionEntry>| ListContext {
                regions: Some(region_index),
                ..ListContext::of(generated("", "taxonomy"))
            };
            let terms = |index: Vec<IndexEntry>| ListContext {
                items: Some(Entries::Terms(index)),
                ..ListContext::of(generated("", "taxonomy"))
            };
            for (folder, title, context) in [
                ("countries", "nav_countries", regions(region_index.clone())),
                ("regions", "regions", regions(region_index)),
                ("levels", "levels", terms(levels.index)),
                ("tags", "tags", terms(tags.index)),
            ] {
                let title = self.t(lang, title);
                let context = ListContext {
                    page: generated(&title, "taxonomy"),
                    ..context
                };
                views.push(list_view(format!("/{lang}/{folder}/"), title, context));
            }
        }
        views
    }

    /// Every country with pages (in the index, in the language's order) and the listing of
    /// each country shown: its practices, coordinator and members.
    fn country_views(&self, lang: &str, only: Option<&TermSet>) -> Taxonomy<'a> {
        let site = self.site;
        let locale = self.locale(lang);
        let link = |path: String| site.config.link(&path);
        let pages = |keys: &[String]| site.entries_of(lang, keys);
        let mut taxonomy = Taxonomy {
            index: Vec::new(),
            views: Vec::new(),
        };
        for (code, country) in &site.groups(lang).countries {
            let name = locale.country_name(code);
            let region = site.regions.region_of(code).unwrap_or("");
            let count = self
                .strings
                .plural(locale, "practices_count", country.practices.len());
            taxonomy.index.push(IndexEntry {
                title: name.clone(),
                url: link(format!("/{lang}/countries/{code}/")),
                meta: count.clone(),
                region: Some(region.to_string()),
            });
            if !only.is_none_or(|t| t.countries.contains(code)) {
                continue;
            }
            let member_pages = pages(&country.members);
            let map = self.members_map(lang, code, &member_pages);
            let mut members = self.items(&member_pages);
            members.sort_by(|a, b| locale.compare(&a.title, &b.title));
            let sublist = |title: &str, items| Sublist {
                title: self.t(lang, title),
                items: Entries::Pages(items),
            };
            let context = ListContext {
                region: Some(Link {
                    title: self.t(lang, &format!("region_{region}")),
                    url: link(format!("/{lang}/regions/{region}/")),
                }),
                count: Some(count),
                sublists: Some(vec![
                    sublist("coordinator", self.items(&pages(&country.coordinators))),
                    sublist("members", members),
                ]),
                map,
                ..ListContext::of(generated(&name, "country"))
            };
            let practices = self.newest_first(pages(&country.practices));
            let path = format!("/{lang}/countries/{code}/");
            taxonomy
                .views
                .push(list_view(path, name, context).listing(practices));
        }
        taxonomy
            .index
            .sort_by(|a, b| locale.compare(&a.title, &b.title));
        taxonomy
    }

    /// The regions with their countries (from `country_index`), and the listing of each
    /// region shown.
    fn region_views(
        &self,
        lang: &str,
        only: Option<&TermSet>,
        country_index: &[IndexEntry],
    ) -> (Vec<RegionEntry>, Vec<View<'a>>) {
        let site = self.site;
        let locale = self.locale(lang);
        let groups = site.groups(lang);
        let shown = |r: &str| {
            only.is_none_or(|t| (t.countries.iter()).any(|c| site.regions.region_of(c) == Some(r)))
        };
        let mut index = Vec::new();
        let mut views = Vec::new();
        for region in REGIONS {
            let title = self.t(lang, &format!("region_{region}"));
            let in_region: Vec<IndexEntry> = (country_index.iter())
                .filter(|c| c.region.as_deref() == Some(region))
                .cloned()
                .collect();
            let url = site.config.link(&format!("/{lang}/regions/{region}/"));
            if shown(region) {
                let keys = groups.regions.get(region).map_or(&[][..], |keys| keys);
                let practices = self.newest_first(site.entries_of(lang, keys));
                let context = ListContext {
                    count: Some(
                        self.strings
                            .plural(locale, "practices_count", practices.len()),
                    ),
                    sublists: Some(vec![Sublist {
                        title: self.t(lang, "nav_countries"),
                        items: Entries::Terms(in_region.clone()),
                    }]),
                    map: self.network_map(lang, Some(region)),
                    ..ListContext::of(generated(&title, "region"))
                };
                let path = format!("/{lang}/regions/{region}/");
                views.push(list_view(path, title.clone(), context).listing(practices));
            }
            index.push(RegionEntry {
                title,
                url,
                countries: in_region,
            });
        }
        (index, views)
    }

    /// Every level (in the index) and the listing of each level shown.
    fn level_views(&self, lang: &str, only: Option<&TermSet>) -> Taxonomy<'a> {
        let site = self.site;
        let locale = self.locale(lang);
        let groups = site.groups(lang);
        let mut taxonomy = Taxonomy {
            index: Vec::new(),
            views: Vec::new(),
        };
        for level in LEVELS {
            let title = self.t(lang, &format!("level_{level}"));
            let practices = groups.levels.get(level).map_or(&[][..], |keys| keys);
            let count = self
                .strings
                .plural(locale, "practices_count", practices.len());
            let path = format!("/{lang}/levels/{level}/");
            taxonomy.index.push(IndexEntry {
                title: title.clone(),
                url: site.config.link(&path),
                meta: count.clone(),
                region: None,
            });
            if only.is_none_or(|t| t.levels.contains(level)) {
                let practices = self.newest_first(site.entries_of(lang, practices));
                let context = ListContext {
                    count: Some(count),
                    ..ListContext::of(generated(&title, "level"))
                };
                let view = list_view(path, title, context).listing(practices);
                taxonomy.views.push(view);
            }
        }
        taxonomy
    }

    /// Every tag (in the index) and the listing of each tag shown.
    fn tag_views(&self, lang: &str, only: Option<&TermSet>) -> Taxonomy<'a> {
        let site = self.site;
        let locale = self.locale(lang);
        let mut taxonomy = Taxonomy {
            index: Vec::new(),
            views: Vec::new(),
        };
        for (slug, (name, tagged)) in &site.groups(lang).tags {
            let count = self.strings.plural(locale, "pages_count", tagged.len());
            let path = format!("/{lang}/tags/{slug}/");
            taxonomy.index.push(IndexEntry {
                title: name.clone(),
                url: site.config.link(&path),
                meta: count.clone(),
                region: None,
            });
            if only.is_none_or(|t| t.tags.contains(slug)) {
                let tagged = self.newest_first(site.entries_of(lang, tagged));
                let title = format!("#{name}");
                let context = ListContext {
                    count: Some(count),
                    ..ListContext::of(generated(&title, "tag"))
                };
                taxonomy
                    .views
                    .push(list_view(path, title, context).listing(tagged));
            }
        }
        taxonomy
    }

    /// Member institutions grouped by country, countries and names in the locale's order,
    /// with the names only for the countries `with_names` accepts. The directory page lists
    /// the countries; each country's names are on `/{lang}/members/{cc}/`, which keeps the
    /// directory light however large the network grows.
    pub(super) fn member_directory(
        &self,
        lang: &str,
        with_names: impl Fn(&str) -> bool,
    ) -> Vec<DirectoryGroup> {
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
                DirectoryGroup {
                    name,
                    code: code.to_string(),
                    url: site.config.link(&format!("/{lang}/members/{code}/")),
                    count: self.strings.plural(locale, "members_count", members.len()),
                    items,
                }
            })
            .collect()
    }
}

/// A page the tool generates, as `page`.
fn generated(title: &str, kind: &'static str) -> ListedPage {
    ListedPage::Generated(GeneratedPage {
        title: title.to_string(),
        kind,
    })
}

/// A generated listing (taxonomy term or index) shown with `list.html`.
fn list_view<'a>(path: String, title: String, context: ListContext) -> View<'a> {
    View {
        path,
        template: "list.html".into(),
        key: None,
        title,
        context: Own::List(Box::new(context)),
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
