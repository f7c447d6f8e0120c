//! The one allow-list for HTML and URLs. Whatever its source — a Markdown body, raw HTML in
//! it, a front matter value, `site.yaml` — a URL written into an `href` or `src` passes
//! [`check_url`], and HTML that did not come from the tool passes [`clean_html`] (ammonia,
//! configured once). Markdown is checked event by event in the `markdown` module against the
//! same rules, so a body without raw HTML never needs the sanitiser.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The URL schemes a page may link to; anything else (`javascript:`, `data:`, `vbscript:`,
/// `file:`) is refused. Relative URLs (no scheme) are allowed.
pub const URL_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The deepest nesting of elements a body may have (lists in lists, quotes in quotes). It
/// keeps the sanitiser, whose work grows with depth times length, linear in practice.
pub const MAX_NESTING: usize = 64;

/// Why a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadUrl {
    pub message: String,
}

impl std::fmt::Display for BadUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl BadUrl {
    pub fn hint(&self) -> &'static str {
        "links may be http(s)://…, mailto:…, tel:… or a path on this site; for another page \
         of the site write @/path/under/content.md"
    }
}

/// The scheme of a URL as a browser reads it (tabs and newlines removed, leading spaces and
/// control characters trimmed, case folded), or `None` for a relative URL.
fn scheme_of(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    let scheme = &cleaned[..end];
    let well_formed = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Anything before `:` that is not a well-formed scheme is refused too: browsers differ
    // on such strings, so no guess is made about them.
    Some(if well_formed {
        scheme.to_ascii_lowercase()
    } else {
        scheme.to_string()
    })
}

/// Checks a URL for an `href` or `src`: http, https, mailto, tel or relative.
pub fn check_url(url: &str) -> Result<(), BadUrl> {
    if url
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(BadUrl {
            message: "the address contains control characters".into(),
        });
    }
    match scheme_of(url) {
        None => Ok(()),
        Some(scheme) if URL_SCHEMES.contains(&scheme.as_str()) => Ok(()),
        Some(scheme) => Err(BadUrl {
            message: format!("`{scheme}:` addresses are not allowed"),
        }),
    }
}

/// Checks an absolute web address (a school's website, the site's `base_url`): http or
/// https with a host.
pub fn check_web_address(url: &str) -> Result<(), BadUrl> {
    match url::Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {
            Ok(())
        }
        Ok(parsed) => Err(BadUrl {
            message: format!("`{}:` is not a web address", parsed.scheme()),
        }),
        Err(e) => Err(BadUrl {
            message: format!("not a web address ({e})"),
        }),
    }
}

/// Checks an e-mail address for a `mailto:` link: one `@`, no spaces, quotes or angle
/// brackets.
pub fn check_email(address: &str) -> Result<(), BadUrl> {
    let (user, domain) = address.split_once('@').unwrap_or(("", ""));
    let plain = |s: &str| {
        !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[]\\,;:@".contains(c))
    };
    if plain(user) && plain(domain) && domain.contains('.') {
        Ok(())
    } else {
        Err(BadUrl {
            message: format!("\"{address}\" is not an e-mail address"),
        })
    }
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        // No `rel` on links: `target` is never kept, so `noopener` protects nothing, and on
        // an `<a>` without `href` it is invalid HTML.
        builder
            .add_generic_attributes(["id", "class"])
            .url_schemes(URL_SCHEMES.iter().copied().collect::<HashSet<_>>())
            .link_rel(None);
        builder
    })
}

/// Drawing elements an SVG picture may keep: shapes, text, groups and gradients; never
/// `script`, `foreignObject`, `use`, `style`, links or animation.
const SVG_ELEMENTS: [&str; 21] = [
    "svg",
    "g",
    "path",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "rect",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "symbol",
    "pattern",
];

/// Presentation and geometry attributes an SVG picture may keep; no event handlers, no
/// `style`, no `href`.
const SVG_ATTRIBUTES: [&str; 52] = [
    "xmlns",
    "viewBox",
    "width",
    "height",
    "preserveAspectRatio",
    "version",
    "id",
    "class",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "clip-rule",
    "clip-path",
    "mask",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "patternUnits",
    "fx",
    "fy",
    "role",
];

fn svg_cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags(SVG_ELEMENTS)
            .add_generic_attributes(SVG_ATTRIBUTES)
            .url_schemes(HashSet::new())
            .link_rel(None);
        builder
    })
}

/// An SVG file made passive: only drawing elements and attributes are kept (no script,
/// handlers, links, styles or foreign content). `None` if no `<svg>` picture is left.
pub fn clean_svg(text: &str) -> Option<String> {
    let cleaned = svg_cleaner().clean(text).to_string();
    let start = cleaned.find("<svg")?;
    // HTML's serialiser writes a no-break space as `&nbsp;`, which XML does not know.
    let mut svg = cleaned[start..].replace("&nbsp;", "&#160;");
    let opening_end = svg.find('>')?;
    if !svg[..opening_end].contains("xmlns=") {
        svg.insert_str(4, " xmlns=\"http://www.w3.org/2000/svg\"");
    }
    Some(svg)
}

/// Elements without content, and those whose end tag HTML lets authors leave out: neither
/// deepens the nesting [`nesting_depth`] estimates.
const NOT_NESTING: [&str; 24] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp",
];

/// Formatting elements: closed only implicitly (by a parent's end tag), an HTML parser
/// keeps them active and opens them again around the text that follows.
const FORMATTING: [&str; 14] = [
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// An upper estimate of how deeply the elements of an HTML fragment nest, found in one pass
/// over its tags and given up as soon as it passes `limit`: it decides whether the fragment
/// may go to the sanitiser, whose work grows with depth times length. An end tag closes the
/// nearest open element of its name and those inside it; one with no open element of its
/// name is ignored (as the parser ignores it); formatting elements closed implicitly still
/// count, since the parser reopens them.
pub fn nesting_depth(html: &str, limit: usize) -> usize {
    let mut open: Vec<String> = Vec::new();
    let mut reopened: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - name_start);
        if name_len == 0 {
            continue;
        }
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        let end = rest.find('>').unwrap_or(rest.len());
        if closing {
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                reopened.extend(
                    open.drain(at..)
                        .skip(1)
                        .filter(|n| FORMATTING.contains(&n.as_str())),
                );
            } else if let Some(at) = reopened.iter().rposition(|n| *n == name) {
                reopened.remove(at);
            }
        } else if !rest[..end].ends_with('/') && !NOT_NESTING.contains(&name.as_str()) {
            open.push(name);
            let depth = open.len() + reopened.len();
            if depth > limit {
                return depth;
            }
        }
    }
    open.len() + reopened.len()
}

/// Removes scripts, event handlers, styles and unsafe URLs from HTML, keeping ids for anchors;
/// a picture without `alt` gets an empty one (HTML requires it: the picture is then
/// decorative to a screen reader).
pub fn clean_html(html: &str) -> String {
    with_image_alts(&cleaner().clean(html).to_string())
}

/// `html` (as the sanitiser writes it: attribute values in double quotes) with `alt=""` added
/// to each `<img>` that has no `alt`.
fn with_image_alts(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        let (before, tag_and_after) = rest.split_at(start);
        out.push_str(before);
        // The tag ends at the first `>` outside a quoted value.
        let mut quoted = false;
        let end = tag_and_after
            .char_indices()
            .find(|&(_, c)| {
                quoted ^= c == '"';
                c == '>' && !quoted
            })
            .map_or(tag_and_after.len(), |(i, _)| i);
        let tag = &tag_and_after[..end];
        out.push_str(tag);
        let has_alt = tag
            .split('"')
            .step_by(2)
            .any(|outside| outside.contains(" alt="));
        if !has_alt && end < tag_and_after.len() {
            out.push_str(" alt=\"\"");
        }
        rest = &tag_and_after[end..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML and XML (Tera's own escaper also rewrites `/`, bloating every URL).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_get_an_alt_and_links_no_rel() {
        assert_eq!(
            clean_html(
                r#"<img src="a.png"><img src="b.png" alt="A > b" title=" alt=x"><a>x</a><a href="/y">y</a>"#
            ),
            r#"<img src="a.png" alt=""><img src="b.png" alt="A &gt; b" title=" alt=x"><a>x</a><a href="/y">y</a>"#
        );
        assert_eq!(
            clean_html(r#"<img src="c.png" title="a > b">"#),
            r#"<img src="c.png" title="a &gt; b" alt="">"#
        );
    }

    #[test]
    fn script_urls_are_refused_however_written() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "jav\nascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "java script:x",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
        for ok in [
            "https://en.unesco.org/",
            "HTTP://x.org",
            "mailto:a@b.org",
            "tel:+254",
            "/en/practices/",
            "beach.jpg",
            "#top",
            "?q=a:b",
            "a/b:c",
        ] {
            assert!(check_url(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn nesting_is_estimated_from_the_tags() {
        let depth = |html: &str| nesting_depth(html, 100);
        assert_eq!(depth("<div><p>a<p>b</div><ul><li>x<li>y</ul>"), 0);
        assert_eq!(depth("<div><section><b>x</b></section></div><br/>"), 0);
        assert_eq!(depth("<div><section><b>x"), 3);
        assert_eq!(depth(&"<div>".repeat(1000)), 101, "given up past the limit");
        assert_eq!(depth("a < b, <3 and </"), 0);
        // Stray end tags close nothing; implicitly closed formatting elements stay open.
        assert_eq!(depth(&"<div></i>".repeat(1000)), 101);
        assert_eq!(depth(&"<q></a>".repeat(1000)), 101);
        assert_eq!(depth(&"<div><b id=1></div>".repeat(1000)), 101);
        assert_eq!(depth("<div><b></div></b>"), 0);
    }

    #[test]
    fn web_addresses_and_emails() {
        assert!(check_web_address("https://school.example.ke/").is_ok());
        assert!(check_web_address("javascript:alert(1)").is_err());
        assert!(check_web_address("//x.org").is_err());
        assert!(check_email("natcom@unesco.example.ke").is_ok());
        assert!(check_email("a\"><script>@x.org").is_err());
        assert!(check_email("no-at-sign").is_err());
    }

    #[test]
    fn raw_html_loses_scripts_handlers_and_bad_urls() {
        let cleaned = clean_html(
            "<p onclick=x()>a</p><script>alert(1)</script><a href=\"java&#115;cript:x\">b</a>\
             <img src=x onerror=alert(1)><h2 id=\"keep\">c</h2>",
        );
        for gone in ["onclick", "script", "onerror", "javascript"] {
            assert!(!cleaned.contains(gone), "{cleaned}");
        }
        assert!(cleaned.contains("id=\"keep\""), "{cleaned}");
    }

    #[test]
    fn svg_keeps_its_drawing_and_loses_its_scripts() {
        let svg = clean_svg(
            "<?xml version=\"1.0\"?><svg viewBox=\"0 0 10 10\" onload=\"alert(1)\">\
             <script>alert(2)</script><circle cx=\"5\" cy=\"5\" r=\"4\"/>\
             <a href=\"javascript:alert(3)\"><text>hi&#160;there</text></a>\
             <foreignObject><body onload=\"x\"/></foreignObject></svg>",
        )
        .unwrap_or_default();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(
            svg.contains("viewBox=\"0 0 10 10\"") && svg.contains("<circle"),
            "{svg}"
        );
        for gone in ["onload", "script", "javascript", "foreignObject", "&nbsp;"] {
            assert!(!svg.contains(gone), "{svg}");
        }
        assert_eq!(clean_svg("<p>no picture</p>"), None);
    }
}
