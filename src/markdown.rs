//! Markdown to HTML for one page body as read in one language: CommonMark with tables,
//! footnotes, strikethrough and task lists; heading ids and a table of contents; `@/path.md`
//! links resolved by the caller; raw HTML sanitised unless the site allows it.
//!
//! Markdown itself never yields script: every link and image URL passes
//! [`sanitize::check_url`], headings take only `{#id .class}` attributes, and nesting is
//! bounded by [`sanitize::MAX_NESTING`]; a body breaking these rules is a located error.

use crate::diagnostic::Diagnostic;
use crate::paths;
use crate::sanitize;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
}

/// Where a body comes from, for error positions.
pub struct BodySource<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub first_line: usize,
}

/// The most headings a body may have: each costs an id, a table-of-contents entry and its
/// share of every language's page, so a file of nothing but headings would cost memory out
/// of all proportion to its size.
pub const MAX_HEADINGS: usize = 1_000;

/// Renders a body; `resolve_link` maps `@/practices/x.md` (without `@/`) to a URL, or None.
pub fn render(
    source: &BodySource,
    allow_raw_html: bool,
    resolve_link: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Diagnostic>,
) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut walk = Walk {
        source,
        resolve_link,
        problems,
        line_ends: source.text.match_indices('\n').map(|(i, _)| i).collect(),
        events: Vec::new(),
        has_raw_html: false,
        heading_at: None,
        image_at: None,
        toc: Vec::new(),
        used_ids: HashSet::new(),
        next_suffix: HashMap::new(),
    };
    let (mut depth, mut headings) = (0usize, 0usize);
    for (event, range) in Parser::new_ext(source.text, options).into_offset_iter() {
        match &event {
            Event::Start(tag) => {
                depth += 1;
                headings += usize::from(matches!(tag, Tag::Heading { .. }));
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if headings > MAX_HEADINGS {
            let line = walk.line_of(range.start);
            return walk.refuse(
                line,
                format!("the text has more than {MAX_HEADINGS} headings"),
                "split it into several pages (a guide's chapters)",
            );
        }
        if depth > sanitize::MAX_NESTING {
            let line = walk.line_of(range.start);
            return walk.refuse(
                line,
                format!(
                    "the text nests more than {} levels deep (lists or quotes inside each other)",
                    sanitize::MAX_NESTING
                ),
                "flatten the lists or quotes; no reader can follow that many levels",
            );
        }
        walk.event(event, range.start);
    }
    let mut out = String::with_capacity(source.text.len() * 3 / 2);
    html::push_html(&mut out, std::mem::take(&mut walk.events).into_iter());
    if walk.has_raw_html && !allow_raw_html {
        if sanitize::nesting_depth(&out, sanitize::MAX_NESTING) > sanitize::MAX_NESTING {
            return walk.refuse(
                source.first_line,
                format!(
                    "the HTML in the text nests more than {} elements deep",
                    sanitize::MAX_NESTING
                ),
                "close the HTML elements you open, or write the text in Markdown",
            );
        }
        out = sanitize::clean_html(&out);
    }
    Rendered {
        html: out,
        toc: walk.toc,
    }
}

/// One body's events on their way to HTML: links resolved and checked, headings given ids
/// (and only those attributes), images checked for alt text.
struct Walk<'a, 'e> {
    source: &'a BodySource<'a>,
    resolve_link: &'a dyn Fn(&str) -> Option<String>,
    problems: &'a mut Vec<Diagnostic>,
    /// Where each line ends, so that a position's line costs a binary search, not a count
    /// from the start (a body of many links would otherwise take quadratic time).
    line_ends: Vec<usize>,
    events: Vec<Event<'e>>,
    has_raw_html: bool,
    /// The open heading's index in `events`.
    heading_at: Option<usize>,
    /// The open image's index in `events`, and its offset in the text.
    image_at: Option<(usize, usize)>,
    toc: Vec<Heading>,
    used_ids: HashSet<String>,
    /// Per heading id, the number to try next for a duplicate (`lessons-2`).
    next_suffix: HashMap<String, usize>,
}

impl<'e> Walk<'_, 'e> {
    fn line_of(&self, offset: usize) -> usize {
        self.source.first_line + self.line_ends.partition_point(|&i| i < offset)
    }

    /// Gives up on a body that nests too deeply: an error, and no HTML.
    fn refuse(self, line: usize, message: String, hint: &str) -> Rendered {
        self.problems
            .push(Diagnostic::error(self.source.path, line, message).with_hint(hint));
        Rendered {
            html: String::new(),
            toc: self.toc,
        }
    }

    fn event(&mut self, event: Event<'e>, offset: usize) {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: self.link(&dest_url, offset),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.image_at = Some((self.events.len(), offset));
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: self.link(&dest_url, offset),
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                self.end_image();
                Event::End(TagEnd::Image)
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.refuse_attributes(&attrs, offset);
                self.heading_at = Some(self.events.len());
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                self.end_heading(level);
                Event::End(TagEnd::Heading(level))
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                self.has_raw_html = true;
                event
            }
            other => other,
        };
        self.events.push(event);
    }

    fn link(&mut self, dest: &CowStr<'e>, offset: usize) -> CowStr<'e> {
        let line = self.line_of(offset);
        rewrite_link(dest, self.source, line, self.resolve_link, self.problems)
    }

    fn end_image(&mut self) {
        if let Some((start, offset)) = self.image_at.take()
            && events_text(&self.events[start + 1..]).trim().is_empty()
        {
            let line = self.line_of(offset);
            self.problems.push(
                Diagnostic::error(self.source.path, line, "image without alt text").with_hint(
                    "describe the image for readers who cannot see it: ![a class planting trees](trees.jpg)",
                ),
            );
        }
    }

    /// Attributes other than `{#id .class}` could carry script (`{onfocus=…}`): each is an
    /// error, and none is written.
    fn refuse_attributes(&mut self, attributes: &[(CowStr, Option<CowStr>)], offset: usize) {
        let line = self.line_of(offset);
        for (name, _) in attributes {
            self.problems.push(
                Diagnostic::error(
                    self.source.path,
                    line,
                    format!("heading attribute `{name}` is not allowed"),
                )
                .with_hint("a heading may set only its id and classes: ## Title {#id .class}"),
            );
        }
    }

    /// Gives the closed heading a unique id, and a place in the table of contents.
    fn end_heading(&mut self, level: HeadingLevel) {
        let Some(start) = self.heading_at.take() else {
            return;
        };
        let text = events_text(&self.events[start + 1..]);
        if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[start] {
            let wanted = id
                .as_ref()
                .map_or_else(|| paths::slug(&text), |i| i.to_string());
            let unique = unique_id(&wanted, &mut self.used_ids, &mut self.next_suffix);
            *id = Some(CowStr::from(unique.clone()));
            if level >= HeadingLevel::H2 && level <= HeadingLevel::H3 {
                self.toc.push(Heading {
                    level: level as u8,
                    id: unique,
                    text,
                });
            }
        }
    }
}

/// The text of a Markdown body without markup, for search.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The keys a body links to with `@/…`, found in its text (a mention inside code counts
/// too: this serves to tell which pages may show another, where more is harmless).
pub fn linked_keys(body: &str) -> Vec<String> {
    let mut keys: Vec<String> = body
        .split("@/")
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| c.is_whitespace() || ")]>\"'#?".contains(c))
                .unwrap_or(rest.len());
            paths::page_key(&rest[..end]).to_string()
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    source: &BodySource,
    line: usize,
    resolve_link: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let Some(target) = dest.strip_prefix("@/") else {
        return match sanitize::check_url(dest) {
            Ok(()) => dest.clone(),
            Err(bad) => {
                problems.push(
                    Diagnostic::error(
                        source.path,
                        line,
                        format!("link to \"{}\": {}", dest.escape_debug(), bad.message),
                    )
                    .with_hint(bad.hint()),
                );
                CowStr::from("#")
            }
        };
    };
    let (target, fragment) = target.split_once('#').map_or((target, ""), |(t, f)| (t, f));
    match resolve_link(target) {
        Some(url) if fragment.is_empty() => CowStr::from(url),
        Some(url) => CowStr::from(format!("{url}#{fragment}")),
        None => {
            problems.push(
                Diagnostic::error(
                    source.path,
                    line,
                    format!("broken internal link: @/{target} does not exist"),
                )
                .with_hint(
                    "internal links name a file under content/, e.g. @/practices/sandwatch.md",
                ),
            );
            CowStr::from("#")
        }
    }
}

fn events_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text
}

/// `wanted`, or `wanted-N` with the first free N; `next` remembers, per id, the N to try
/// next, so that many equal headings cost linear time.
fn unique_id(
    wanted: &str,
    used: &mut HashSet<String>,
    next: &mut HashMap<String, usize>,
) -> String {
    let base = if wanted.is_empty() { "section" } else { wanted };
    let mut id = base.to_string();
    let n = next.entry(base.to_string()).or_insert(1);
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        *n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Rendered, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let source = BodySource {
            path: "content/a.md",
            text,
            first_line: 4,
        };
        let resolve = |t: &str| (t == "b.md").then(|| "/en/b/".to_string());
        (render(&source, false, &resolve, &mut problems), problems)
    }

    #[test]
    fn headings_get_ids_and_a_toc() {
        let (r, _) = run("## Lessons learned\n\n## Lessons learned\n");
        assert!(
            r.html.contains(r#"<h2 id="lessons-learned-1">"#),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn heading_ids_follow_the_slug_rule_unless_set() {
        let (r, _) = run("## Résultats\n\n## Résultats {#résultats}\n\n## مدارس خضراء\n");
        for id in ["resultats", "résultats", "مدارس-خضراء"] {
            assert!(
                r.html.contains(&format!(r#"id="{id}""#)),
                "{id}: {}",
                r.html
            );
        }
    }

    #[test]
    fn linked_keys_are_found_in_every_link_form() {
        let body = "[a](@/practices/x.md) [b](@/guides/g/index.md#part) <@/index.md>\n\n\
                    [c]: @/practices/x.md \"again\"\n[d](@/themes/esd)";
        assert_eq!(
            linked_keys(body),
            ["_index", "guides/g", "practices/x", "themes/esd"]
        );
    }

    #[test]
    fn internal_links_resolve_or_fail_with_their_line() {
        let (r, problems) = run("[ok](@/b.md#x)\n\n[bad](@/c.md)\n");
        assert!(r.html.contains(r#"href="/en/b/#x""#));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 6);
    }

    #[test]
    fn raw_scripts_are_removed() {
        let (r, _) = run("<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n");
        assert!(
            !r.html.contains("script") && !r.html.contains("onclick"),
            "{}",
            r.html
        );
    }
}
