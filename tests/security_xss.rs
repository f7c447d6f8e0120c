//! Script injection: no byte of content (Markdown, front matter, `site.yaml`, a CSV export) may
//! run script in a reader's browser.
//!
//! Two classes of input, as the contract says:
//! - *sanitised*: raw HTML in Markdown (the OWASP filter-evasion vectors), Markdown that must
//!   stay text, and every front matter / `site.yaml` / CSV string. The build succeeds; every page
//!   is then loaded in headless Chromium, every element focused, hovered and clicked, and no
//!   vector may run. The HTML text is also scanned for event handler attributes, script URLs
//!   and script elements other than the theme's own.
//! - *refused*: a Markdown link or image whose URL is not http, https, mailto, tel or
//!   relative, a heading attribute other than id and class, a front matter `website` that is
//!   not http(s) or an `image` that is not http(s) or relative. The build exits 1 with a
//!   located `error: content/<file>:<line>` line and leaves the previous output as it was.
//!
//! How "no script ran" is decided: every payload is
//! `fetch('http://127.0.0.1:<beacon>/<vector id>');top.__xss='<vector id>'`, written without
//! `/` so that it also fits in a path. A beacon server started by the test records every
//! request it gets, so a payload that runs anywhere — the page, a same-origin or opaque-origin
//! frame (`data:`, `srcdoc`), a `javascript:` navigation — names itself there; the page's
//! `window.__xss` is read too. A positive control (a hand-written page with live vectors)
//! proves the detector sees script in each of those places before the site is judged.

mod common;

use common::{Browser, Site, chromium, serve_static};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Payloads

/// The script a vector runs if it ever runs: it calls the beacon with its id and sets
/// `top.__xss`. No spaces, no `/`, no double quotes, no braces.
fn payload(port: u16, id: &str) -> String {
    format!(
        "fetch(decodeURIComponent('http:%2F%2F127.0.0.1:{port}%2Fxss%2F{id}'));top.__xss='{id}';void(0)"
    )
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decimal_entities(text: &str) -> String {
    text.chars().map(|c| format!("&#{};", c as u32)).collect()
}

fn hex_entities(text: &str) -> String {
    text.chars()
        .map(|c| format!("&#x{:X};", c as u32))
        .collect()
}

/// Fills a vector template: `{P}` the payload, `{J}` `javascript:` + payload, `{PE}` the
/// payload as decimal entities, `{PX}` as hex entities, `{P64}` the payload in base64, `{H64}` an HTML document
/// running it in base64, `{S64}` an SVG document running it in base64, `{H}` that HTML
/// document as text.
fn expand(template: &str, port: u16, id: &str) -> String {
    let p = payload(port, id);
    let html = format!("<script>{p}</script>");
    let svg = format!("<svg xmlns='http://www.w3.org/2000/svg' onload=\"{p}\"></svg>");
    template
        .replace("{PE}", &decimal_entities(&p))
        .replace("{PX}", &hex_entities(&p))
        .replace("{P64}", &base64(p.as_bytes()))
        .replace("{H64}", &base64(html.as_bytes()))
        .replace("{S64}", &base64(svg.as_bytes()))
        .replace("{H}", &html)
        .replace("{J}", &format!("javascript:{p}"))
        .replace("{P}", &p)
}

/// Raw HTML in a Markdown body: the OWASP XSS filter evasion cheat sheet and its mutation-XSS
/// successors. Sanitised silently; the build succeeds.
const RAW_HTML: &[(&str, &str)] = &[
    ("script", "<script>{P}</script>"),
    ("script-upper", "<SCRIPT>{P}</SCRIPT>"),
    (
        "script-src-data",
        "<script src=\"data:text/javascript,{P}\"></script>",
    ),
    (
        "script-slash-attr",
        "<script/xss src=\"data:,{P}\"></script>",
    ),
    ("script-nested", "<scr<script>ipt>{P}</scr</script>ipt>"),
    ("script-double-open", "<<script>{P}//<</script>"),
    ("img-onerror", "<img src=x onerror=\"{P}\">"),
    ("img-onerror-upper", "<IMG SRC=x ONERROR=\"{P}\">"),
    ("img-onerror-unquoted", "<img src=x onerror={P}>"),
    ("img-slashes", "<img/src=\"x\"/onerror=\"{P}\">"),
    ("img-onerror-entities", "<img src=x onerror=\"{PE}\">"),
    ("img-onerror-hex-entities", "<img src=x onerror=\"{PX}\">"),
    (
        "img-onerror-atob",
        "<img src=x onerror=\"eval(atob('{P64}'))\">",
    ),
    ("img-quote-break", "<img \"\"\"><script>{P}</script>\">"),
    ("img-src-javascript", "<img src=\"{J}\">"),
    ("img-srcset-onerror", "<img srcset=\"x\" onerror=\"{P}\">"),
    (
        "picture-onerror",
        "<picture><source srcset=\"x\"><img src=x onerror=\"{P}\"></picture>",
    ),
    ("svg-onload", "<svg onload=\"{P}\"></svg>"),
    ("svg-slash-onload", "<svg/onload=\"{P}\">"),
    ("svg-script", "<svg><script>{P}</script></svg>"),
    (
        "svg-script-href",
        "<svg><script href=\"data:,{P}\"></script></svg>",
    ),
    (
        "svg-a-xlink",
        "<svg><a xlink:href=\"{J}\"><text x=\"20\" y=\"20\">svg link</text></a></svg>",
    ),
    (
        "svg-a-href",
        "<svg><a href=\"{J}\"><text x=\"20\" y=\"20\">svg link</text></a></svg>",
    ),
    (
        "svg-animate-onbegin",
        "<svg><animate onbegin=\"{P}\" attributeName=\"x\" dur=\"1s\"></animate></svg>",
    ),
    (
        "svg-animate-href",
        "<svg><a><animate attributeName=\"href\" values=\"{J}\"></animate><text x=\"20\" y=\"20\">animated link</text></a></svg>",
    ),
    (
        "svg-set-href",
        "<svg><a><set attributeName=\"href\" to=\"{J}\"></set><text x=\"20\" y=\"20\">set link</text></a></svg>",
    ),
    (
        "svg-style-img",
        "<svg><style><img src=x onerror=\"{P}\"></style></svg>",
    ),
    ("body-onload", "<body onload=\"{P}\">"),
    ("body-onpageshow", "<body onpageshow=\"{P}\">"),
    ("frameset-onload", "<frameset onload=\"{P}\">"),
    ("a-javascript", "<a href=\"{J}\">link</a>"),
    (
        "a-javascript-mixed-case",
        "<a href=\"JaVaScRiPt:{P}\">link</a>",
    ),
    (
        "a-javascript-tab-entity",
        "<a href=\"jav&#x09;ascript:{P}\">link</a>",
    ),
    (
        "a-javascript-newline-entity",
        "<a href=\"jav&#x0A;ascript:{P}\">link</a>",
    ),
    (
        "a-javascript-cr-entity",
        "<a href=\"jav&#x0D;ascript:{P}\">link</a>",
    ),
    (
        "a-javascript-literal-tab",
        "<a href=\"jav\tascript:{P}\">link</a>",
    ),
    (
        "a-javascript-named-newline",
        "<a href=\"java&NewLine;script:{P}\">link</a>",
    ),
    (
        "a-javascript-decimal",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{P}\">link</a>",
    ),
    (
        "a-javascript-decimal-padded",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058{P}\">link</a>",
    ),
    (
        "a-javascript-hex",
        "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;{P}\">link</a>",
    ),
    (
        "a-javascript-colon-entity",
        "<a href=\"javascript&colon;{P}\">link</a>",
    ),
    (
        "a-javascript-leading-space",
        "<a href=\" &#14;  javascript:{P}\">link</a>",
    ),
    (
        "a-javascript-comment-newline",
        "<a href=\"javascript://%0a{P}\">link</a>",
    ),
    ("a-vbscript", "<a href=\"vbscript:msgbox(1)\">link</a>"),
    (
        "a-data-html",
        "<a href=\"data:text/html;base64,{H64}\">link</a>",
    ),
    ("a-onclick", "<a href=\"#\" onclick=\"{P}\">link</a>"),
    ("a-onmouseover", "<a onmouseover=\"{P}\">hover</a>"),
    ("div-onmouseover", "<div onmouseover=\"{P}\">hover</div>"),
    ("iframe-javascript", "<iframe src=\"{J}\"></iframe>"),
    (
        "iframe-srcdoc",
        "<iframe srcdoc=\"&lt;script&gt;{P}&lt;/script&gt;\"></iframe>",
    ),
    (
        "iframe-data-html",
        "<iframe src=\"data:text/html;base64,{H64}\"></iframe>",
    ),
    (
        "iframe-data-svg",
        "<iframe src=\"data:image/svg+xml;base64,{S64}\"></iframe>",
    ),
    ("object-javascript", "<object data=\"{J}\"></object>"),
    (
        "object-data-html",
        "<object data=\"data:text/html;base64,{H64}\"></object>",
    ),
    (
        "object-data-svg",
        "<object data=\"data:image/svg+xml;base64,{S64}\" type=\"image/svg+xml\"></object>",
    ),
    (
        "embed-data-html",
        "<embed src=\"data:text/html;base64,{H64}\">",
    ),
    (
        "embed-data-svg",
        "<embed src=\"data:image/svg+xml;base64,{S64}\" type=\"image/svg+xml\">",
    ),
    ("embed-javascript", "<embed src=\"{J}\">"),
    (
        "meta-refresh-javascript",
        "<meta http-equiv=\"refresh\" content=\"0;url={J}\">",
    ),
    (
        "meta-refresh-data",
        "<meta http-equiv=\"refresh\" content=\"0;url=data:text/html;base64,{H64}\">",
    ),
    (
        "base-href",
        "<base href=\"javascript:{P}//\"><a href=\"x\">relative link</a>",
    ),
    (
        "link-stylesheet-javascript",
        "<link rel=\"stylesheet\" href=\"{J}\">",
    ),
    ("style-import", "<style>@import 'javascript:{P}';</style>"),
    (
        "style-attr-url",
        "<div style=\"background-image:url({J})\">styled</div>",
    ),
    (
        "style-attr-expression",
        "<div style=\"width:expression({P})\">styled</div>",
    ),
    (
        "table-background",
        "<table background=\"{J}\"><tr><td>cell</td></tr></table>",
    ),
    (
        "form-action",
        "<form action=\"{J}\"><button>go</button></form>",
    ),
    (
        "button-formaction",
        "<form><button formaction=\"{J}\">go</button></form>",
    ),
    (
        "input-image-formaction",
        "<form><input type=\"image\" src=\"x\" formaction=\"{J}\"></form>",
    ),
    (
        "input-image-onerror",
        "<form><input type=\"image\" src=\"x\" onerror=\"{P}\"></form>",
    ),
    (
        "details-ontoggle",
        "<details open ontoggle=\"{P}\"><summary>more</summary>text</details>",
    ),
    ("input-autofocus", "<input autofocus onfocus=\"{P}\">"),
    (
        "select-autofocus",
        "<select autofocus onfocus=\"{P}\"><option>a</option></select>",
    ),
    (
        "textarea-autofocus",
        "<textarea autofocus onfocus=\"{P}\"></textarea>",
    ),
    ("keygen-autofocus", "<keygen autofocus onfocus=\"{P}\">"),
    (
        "custom-element-onfocus",
        "<xss tabindex=\"1\" autofocus onfocus=\"{P}\">custom</xss>",
    ),
    (
        "custom-element-onfocusin",
        "<xss id=\"x\" tabindex=\"1\" onfocusin=\"{P}\">custom</xss>",
    ),
    (
        "marquee-onstart",
        "<marquee onstart=\"{P}\">scroll</marquee>",
    ),
    (
        "video-source-onerror",
        "<video><source onerror=\"{P}\"></video>",
    ),
    ("video-onerror", "<video src=\"x\" onerror=\"{P}\"></video>"),
    ("audio-onerror", "<audio src=\"x\" onerror=\"{P}\"></audio>"),
    (
        "isindex-onerror",
        "<isindex type=\"image\" src=\"1\" onerror=\"{P}\">",
    ),
    (
        "isindex-action",
        "<isindex action=\"{J}\" type=\"submit\" value=\"go\">",
    ),
    ("math-href", "<math href=\"{J}\">click math</math>"),
    (
        "math-mglyph-style",
        "<math><mtext><table><mglyph><style><img src=x onerror=\"{P}\">",
    ),
    (
        "math-mtext-mglyph",
        "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src=x onerror={P}>\"></style></h1>",
    ),
    (
        "math-style-img",
        "<math><style><img src=x onerror=\"{P}\"></style></math>",
    ),
    (
        "noscript-title",
        "<noscript><p title=\"</noscript><img src=x onerror={P}>\"></noscript>",
    ),
    (
        "noembed-title",
        "<noembed><img title=\"</noembed><img src=x onerror={P}>\"></noembed>",
    ),
    (
        "noframes-title",
        "<noframes><img title=\"</noframes><img src=x onerror={P}>\"></noframes>",
    ),
    (
        "title-element",
        "<title><img title=\"</title><img src=x onerror={P}>\"></title>",
    ),
    (
        "textarea-title",
        "<textarea><img title=\"</textarea><img src=x onerror={P}>\"></textarea>",
    ),
    (
        "xmp-title",
        "<xmp><img title=\"</xmp><img src=x onerror={P}>\"></xmp>",
    ),
    (
        "template-img",
        "<template><img src=x onerror=\"{P}\"></template>",
    ),
    (
        "form-clobber-button",
        "<form id=\"f\"></form><button form=\"f\" formaction=\"{J}\">go</button>",
    ),
    (
        "comment-break",
        "<!--<img src=\"--><img src=x onerror={P}>\">",
    ),
    (
        "cdata-break",
        "<svg><![CDATA[><img src=x onerror={P}>]]></svg>",
    ),
    (
        "attr-breakout",
        "<a title=\"\"><script>{P}</script>\">x</a>",
    ),
];

/// Markdown that must stay text or keep its URL harmless; the build succeeds.
const MARKDOWN_TEXT: &[(&str, &str)] = &[
    (
        "code-span",
        "Code: `<script>{P}</script>` and `<img src=x onerror={P}>`.",
    ),
    (
        "code-block",
        "```html\n<script>{P}</script>\n<img src=x onerror=\"{P}\">\n```",
    ),
    (
        "indented-code",
        "Text.\n\n    <script>{P}</script>\n    <svg onload=\"{P}\">",
    ),
    ("code-span-in-link", "[`<img src=x onerror={P}>`](/ok)"),
    (
        "link-title-double-quote",
        "[title](/a \"t\\\" onmouseover=\\\"{P}\\\" x=\\\"\")",
    ),
    (
        "link-title-single-quote",
        "[title](/a 't\\' autofocus onfocus=\\'{P}\\' x=\\'')",
    ),
    (
        "link-title-paren",
        "[title](/a (t\" onmouseover=\"{P}\" x=\"))",
    ),
    (
        "ref-title",
        "[title][r]\n\n[r]: /a \"t&quot; onmouseover=&quot;{P}&quot;\"",
    ),
    ("image-alt-quote", "![a\" onerror=\"{P}](/x.png)"),
    (
        "image-title-quote",
        "![alt](/x.png \"t\\\" onerror=\\\"{P}\")",
    ),
    (
        "link-url-quote",
        "[x](https://example.org/\"onmouseover=\"{P})",
    ),
    ("link-url-angle", "[x](</a\"onmouseover=\"{P}>)"),
    (
        "autolink-quote",
        "<https://example.org/\"onmouseover=\"{P}>",
    ),
    (
        "mailto-quote",
        "[mail](mailto:a@example.org?subject=\"onmouseover=\"{P})",
    ),
    ("tel-quote", "[call](tel:+1\"onclick=\"{P})"),
    ("email-autolink", "<a\"onmouseover=\"{P}@example.org>"),
    (
        "footnote-label",
        "Note[^x\"onmouseover=\"{P}].\n\n[^x\"onmouseover=\"{P}]: the note.",
    ),
    (
        "footnote-label-html",
        "Note[^<img src=x onerror={P}>].\n\n[^<img src=x onerror={P}>]: the note.",
    ),
    ("heading-id-quote", "## Heading {#a\"onmouseover=\"{P}}"),
    ("heading-class-quote", "## Heading {.a\"onmouseover=\"{P}}"),
    (
        "table-cell-html",
        "| a | b |\n|---|---|\n| <img src=x onerror=\"{P}\"> | <script>{P}</script> |",
    ),
    (
        "table-cell-code",
        "| a | b |\n|---|---|\n| `<script>{P}</script>` | x |",
    ),
    (
        "entities-text",
        "&lt;script&gt;{P}&lt;/script&gt; &#60;img src=x onerror={P}&#62;",
    ),
    ("escaped-html", "\\<script>{P}\\</script>"),
    (
        "task-list-html",
        "- [x] <img src=x onerror=\"{P}\">\n- [ ] <svg onload=\"{P}\">",
    ),
    ("strike-html", "~~<img src=x onerror=\"{P}\">~~"),
    ("emphasis-split-tag", "*<img src=\"x*\" onerror=\"{P}\">*"),
    ("heading-html", "## <img src=x onerror=\"{P}\"> heading"),
    ("link-text-html", "[<img src=x onerror=\"{P}\">](/ok)"),
    (
        "template-syntax",
        "tpl{{ 7*7 }}{% if true %}TPLRAN{% endif %}",
    ),
];

/// Markdown links, images and heading attributes that the build must refuse.
const MARKDOWN_REFUSED: &[(&str, &str)] = &[
    ("md-link-javascript", "[x]({J})"),
    ("md-link-mixed-case", "[x](JaVaScRiPt:{P})"),
    ("md-link-upper", "[x](JAVASCRIPT:{P})"),
    ("md-link-entity-s", "[x](java&#115;cript:{P})"),
    ("md-link-entity-j", "[x](&#106;avascript:{P})"),
    ("md-link-entity-hex-colon", "[x](javascript&#x3A;{P})"),
    ("md-link-named-colon", "[x](javascript&colon;{P})"),
    ("md-link-tab-entity", "[x](jav&#x09;ascript:{P})"),
    ("md-link-named-tab", "[x](jav&Tab;ascript:{P})"),
    ("md-link-newline-entity", "[x](java&#10;script:{P})"),
    ("md-link-backslash-colon", "[x](javascript\\:{P})"),
    ("md-link-angle", "[x](<javascript:{P}>)"),
    ("md-link-angle-space", "[x](< javascript:{P}>)"),
    ("md-link-comment-newline", "[x](javascript://%0a{P})"),
    ("md-link-with-title", "[x]({J} \"title\")"),
    ("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    ("md-link-data-html", "[x](data:text/html;base64,{H64})"),
    ("md-link-data-html-plain", "[x](data:text/html,{H})"),
    ("md-link-livescript", "[x](livescript:{P})"),
    ("md-autolink", "<{J}>"),
    ("md-autolink-upper", "<JAVASCRIPT:{P}>"),
    ("md-autolink-vbscript", "<vbscript:msgbox(1)>"),
    ("md-reference", "[x][r]\n\n[r]: {J}"),
    ("md-reference-title", "[x][r]\n\n[r]: {J} \"title\""),
    ("md-reference-collapsed", "[r][]\n\n[r]: <{J}>"),
    ("md-reference-shortcut", "[r]\n\n[r]: JavaScript:{P}"),
    ("md-image-javascript", "![a]({J})"),
    ("md-image-data-html", "![a](data:text/html,{H})"),
    ("md-image-data-svg", "![a](data:image/svg+xml;base64,{S64})"),
    ("md-image-vbscript", "![a](vbscript:msgbox(1))"),
    ("md-image-reference", "![a][i]\n\n[i]: {J}"),
    ("md-link-in-image", "[![a](/x.png)]({J})"),
    ("md-link-in-table", "| a |\n|---|\n| [x]({J}) |"),
    ("md-link-in-footnote", "Note[^1].\n\n[^1]: [x]({J})"),
    ("md-link-in-heading", "## [x]({J})"),
    ("md-link-in-list", "- item [x]({J})"),
    ("md-heading-onfocus", "## Title {onfocus={P} autofocus}"),
    ("md-heading-id-onclick", "## Title {#id onclick={P}}"),
    (
        "md-heading-class-onmouseover",
        "## Title {.c onmouseover={P}}",
    ),
    (
        "md-heading-tabindex-onfocus",
        "## Title {tabindex=1 onfocus={P}}",
    ),
    (
        "md-heading-style",
        "## Title {style=background:url(javascript:{P})}",
    ),
    ("md-heading-setext", "Title {onclick={P}}\n====="),
    ("md-heading-h1-onmouseover", "# Title {onmouseover={P}}"),
];

/// Front matter URLs the build must refuse: (id, file, front matter value).
fn front_matter_refused(port: u16) -> Vec<(String, String, String)> {
    let member = |id: &str, n: u32, website: &str| {
        (
            id.to_string(),
            format!("content/members/ke/ke-09{n:02}.md"),
            format!(
                "---\nid: ke-09{n:02}\nname: School {n}\ncountry: ke\ncity: Nairobi\nlevels: [primary]\ntype: public\nwebsite: {}\n---\n",
                yaml(&expand(website, port, id))
            ),
        )
    };
    let coordinator = |id: &str, cc: &str, website: &str| {
        (
            id.to_string(),
            format!("content/coordinators/{cc}.md"),
            format!(
                "---\ncountry: {cc}\nname: A coordinator\norganization: A commission\nwebsite: {}\n---\n",
                yaml(&expand(website, port, id))
            ),
        )
    };
    let practice = |id: &str, image: &str| {
        (
            id.to_string(),
            format!("content/practices/{id}.md"),
            format!(
                "---\ntitle: A practice\ndate: 2024-01-01\nsummary: A summary.\ncountries: [ke]\nthemes: [esd]\nimage: {}\nimage_alt: A picture\n---\nBody.\n",
                yaml(&expand(image, port, id))
            ),
        )
    };
    vec![
        member("fm-member-website-javascript", 1, "{J}"),
        member("fm-member-website-mixed-case", 2, "JaVaScRiPt:{P}"),
        member("fm-member-website-leading-space", 3, "  javascript:{P}"),
        member("fm-member-website-tab", 4, "java\tscript:{P}"),
        member("fm-member-website-control", 5, "\u{1}javascript:{P}"),
        member("fm-member-website-entity", 6, "jav&#x09;ascript:{P}"),
        member("fm-member-website-data", 7, "data:text/html;base64,{H64}"),
        member("fm-member-website-vbscript", 8, "vbscript:msgbox(1)"),
        member("fm-member-website-newline", 9, "java\nscript:{P}"),
        coordinator("fm-coordinator-website-javascript", "fr", "{J}"),
        coordinator("fm-coordinator-website-upper", "es", "JAVASCRIPT:{P}"),
        coordinator("fm-coordinator-website-data", "de", "data:text/html,{H}"),
        coordinator(
            "fm-coordinator-website-vbscript",
            "it",
            "vbscript:msgbox(1)",
        ),
        practice("fm-image-javascript", "{J}"),
        practice("fm-image-mixed-case", "jAvAsCrIpT:{P}"),
        practice("fm-image-data-html", "data:text/html;base64,{H64}"),
        practice("fm-image-data-svg", "data:image/svg+xml;base64,{S64}"),
        practice("fm-image-vbscript", "vbscript:msgbox(1)"),
        practice("fm-image-leading-space", " javascript:{P}"),
        // Remote pictures cannot be resized or cleaned, so they are refused too.
        practice("fm-image-remote", "https://example.org/pic.png"),
    ]
    .into_iter()
    .chain(TEXT_VARIANTS.iter().flat_map(|variant| {
        // An e-mail address must be one; an alias must be a path of safe segments.
        let email_id = format!("fm-coordinator-email-{}", variant.0);
        let alias_id = format!("fm-alias-{}", variant.0);
        let email = expand(&format!("a@example.org{}", variant.1), port, &email_id);
        let alias = expand(variant.1, port, &alias_id);
        [
            (
                email_id,
                "content/coordinators/ke.md".to_string(),
                format!(
                    "---\ncountry: ke\nname: A coordinator\norganization: A commission\nemail: {}\n---\n",
                    yaml(&email)
                ),
            ),
            (
                alias_id.clone(),
                format!("content/practices/{alias_id}.md"),
                format!(
                    "---\ntitle: A practice\ndate: 2024-01-01\nsummary: A summary.\ncountries: [ke]\nthemes: [esd]\naliases: {}\n---\nBody.\n",
                    yaml_list(&[alias])
                ),
            ),
        ]
    }))
    .collect()
}

/// Strings put in every front matter text field, `site.yaml` and CSV cells: each is escaped
/// and the build succeeds. (`{T}` is the template-syntax probe, checked as text.)
const TEXT_VARIANTS: &[(&str, &str)] = &[
    ("tag", "\"><script>{P}</script>"),
    ("end", "</script><script>{P}</script>"),
    ("img", "'><img src=x onerror={P}>"),
    ("attr", "\" autofocus onfocus=\"{P}\" x=\""),
    ("js", "{J}"),
    ("svg", "<svg onload={P}>"),
];

/// An http(s) website (accepted) whose text breaks out of attributes and elements.
const WEBSITE_VECTOR: &str = "https://example.org/a\"b'c<d>{P}";

/// The template-syntax probe: it must reach the page as these characters.
const TEMPLATE_PROBE: &str = "tpl{{ 7*7 }}{% if true %}TPLRAN{% endif %}";

/// A YAML double-quoted scalar (JSON strings are YAML).
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn yaml_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| yaml(i)).collect::<Vec<_>>().join(", ")
    )
}

// ---------------------------------------------------------------------------------------------
// The beacon

/// An HTTP server that records the path of every request it gets.
struct Beacon {
    port: u16,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Beacon {
    fn start() -> Beacon {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let recorded = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                if let Some(path) = line.split_whitespace().nth(1) {
                    let id = path.trim_start_matches("/xss/").to_string();
                    recorded.lock().unwrap().push(id);
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
                );
            }
        });
        Beacon { port, hits }
    }

    fn hits(&self) -> Vec<String> {
        let mut hits = self.hits.lock().unwrap().clone();
        hits.sort();
        hits.dedup();
        hits
    }
}

// ---------------------------------------------------------------------------------------------
// Sites

const THEMES: &str =
    "---\ntitle: Education for Sustainable Development\nsummary: About ESD.\n---\nText.\n";

fn practice_page(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: 2024-01-01\nsummary: A vector page.\ncountries: [ke]\nthemes: [esd]\n---\n{body}\n",
        yaml(title)
    )
}

/// The site holding every sanitised vector, one vector per page for raw HTML and Markdown,
/// every front matter text field, `site.yaml` strings and imported CSV cells. `base_url` is
/// where it will be served. Returns the site and every vector id in it.
fn sanitised_site(port: u16, base_url: &str, site: &Site) -> Vec<String> {
    let mut ids = Vec::new();
    let v = |field: &str, variant: &(&str, &str)| {
        let id = format!("{field}-{}", variant.0);
        (expand(variant.1, port, &id), id)
    };
    // site.yaml strings.
    let (title, id) = v("site-title", &TEXT_VARIANTS[0]);
    ids.push(id);
    let mut langs = String::new();
    for (lang, variant) in [("en", &TEXT_VARIANTS[1]), ("fr", &TEXT_VARIANTS[2])] {
        let (name, name_id) = v(&format!("site-{lang}-name"), variant);
        let (ltitle, title_id) = v(&format!("site-{lang}-title"), &TEXT_VARIANTS[3]);
        langs.push_str(&format!(
            "  {lang}: {{ name: {}, title: {} }}\n",
            yaml(&name),
            yaml(&ltitle)
        ));
        ids.extend([name_id, title_id]);
    }
    site.write(
        "site.yaml",
        &format!(
            "title: {}\nbase_url: {base_url}\ndefault_language: en\nlanguages:\n{langs}translation_fallback: false\npaginate: 20\n",
            yaml(&title)
        ),
    );
    site.write(
        "content/_index.md",
        "---\ntitle: Home\nsummary: The home page.\n---\nWelcome.\n",
    );
    site.write(
        "content/_index.fr.md",
        "---\ntitle: Accueil\nsummary: Accueil.\n---\nBienvenue.\n",
    );
    site.write("content/themes/esd.md", THEMES);
    // Raw HTML and Markdown text, one vector per page.
    for (n, (name, template)) in RAW_HTML.iter().chain(MARKDOWN_TEXT).enumerate() {
        let prefix = if n < RAW_HTML.len() { "raw" } else { "md" };
        let id = format!("{prefix}-{name}");
        site.write(
            &format!("content/practices/{id}.md"),
            &practice_page(
                &format!("Vector {id}"),
                &format!("Before.\n\n{}\n\nAfter.", expand(template, port, &id)),
            ),
        );
        ids.push(id);
    }
    // Front matter text of every kind, one page per variant.
    for (n, variant) in TEXT_VARIANTS.iter().enumerate() {
        let mut field_ids = Vec::new();
        let mut f = |field: &str| {
            let (text, id) = v(&format!("fm-{field}"), variant);
            field_ids.push(id);
            text
        };
        let title = f("title");
        let summary = f("summary");
        let tag = f("tag");
        let author = f("author");
        let alt = f("image-alt");
        site.write(
            &format!("content/practices/fm-{}.md", variant.0),
            &format!(
                "---\ntitle: {}\ndate: 2024-01-0{}\nsummary: {}\ncountries: [ke]\nthemes: [esd]\ntags: {}\naliases: {}\nauthors: {}\nimage: pic.png\nimage_alt: {}\n---\nVector front matter page.\n",
                yaml(&title),
                n + 1,
                yaml(&summary),
                yaml_list(&[tag, TEMPLATE_PROBE.to_string()]),
                yaml_list(&[format!("/old/fm-{}/", variant.0)]),
                yaml_list(&[author, TEMPLATE_PROBE.to_string()]),
                yaml(&alt),
            ),
        );
        let name = f("member-name");
        let city = f("member-city");
        let status = f("member-status");
        let website_id = format!("fm-member-website-{}", variant.0);
        let website = expand(WEBSITE_VECTOR, port, &website_id);
        ids.push(website_id);
        site.write(
            &format!("content/members/ke/ke-00{:02}.md", n + 1),
            &format!(
                "---\nid: ke-00{:02}\nname: {}\ncountry: ke\ncity: {}\nlevels: [primary]\ntype: public\nstatus: {}\nwebsite: {}\n---\n",
                n + 1,
                yaml(&name),
                yaml(&city),
                yaml(&status),
                yaml(&website),
            ),
        );
        let cname = f("coordinator-name");
        let org = f("coordinator-organization");
        let lang = f("coordinator-languages");
        ids.extend(field_ids);
        let cc = ["ke", "fr", "es", "de", "it", "ma"][n];
        let cid = format!("fm-coordinator-website-{}", variant.0);
        let cweb = expand(WEBSITE_VECTOR, port, &cid);
        ids.push(cid);
        site.write(
            &format!("content/coordinators/{cc}.md"),
            &format!(
                "---\ncountry: {cc}\nname: {}\norganization: {}\nemail: {}\nwebsite: {}\nlanguages: {}\n---\n",
                yaml(&cname),
                yaml(&org),
                yaml("a@example.org"),
                yaml(&cweb),
                yaml_list(&[lang]),
            ),
        );
    }
    // Section, theme and guide titles.
    let (stitle, sid) = v("fm-section-title", &TEXT_VARIANTS[0]);
    let (ssum, ssid) = v("fm-section-summary", &TEXT_VARIANTS[2]);
    site.write(
        "content/practices/_index.md",
        &format!(
            "---\ntitle: {}\nsummary: {}\n---\nThe practices.\n",
            yaml(&stitle),
            yaml(&ssum)
        ),
    );
    let (ttitle, tid) = v("fm-theme-title", &TEXT_VARIANTS[1]);
    let (tsum, tsid) = v("fm-theme-summary", &TEXT_VARIANTS[3]);
    site.write(
        "content/themes/gced.md",
        &format!(
            "---\ntitle: {}\nsummary: {}\n---\nText.\n",
            yaml(&ttitle),
            yaml(&tsum)
        ),
    );
    let (gtitle, gid) = v("fm-guide-title", &TEXT_VARIANTS[5]);
    site.write("content/guides/g/_index.md", "---\ntitle: A guide\n---\n");
    site.write(
        "content/guides/g/01-one.md",
        &format!("---\ntitle: {}\nweight: 1\n---\nChapter.\n", yaml(&gtitle)),
    );
    site.write(
        "content/guides/g/02-two.md",
        "---\ntitle: Two\nweight: 2\n---\nChapter two.\n",
    );
    ids.extend([sid, ssid, tid, tsid, gid]);
    // A member export with vectors in its text cells.
    let mut csv = String::from("id,name,country,city,levels,type,website,status\n");
    for (n, variant) in TEXT_VARIANTS.iter().enumerate() {
        let cell = |field: &str| {
            let id = format!("csv-{field}-{}", variant.0);
            (csv_cell(&expand(variant.1, port, &id)), id)
        };
        let (name, a) = cell("name");
        let (city, b) = cell("city");
        let (status, c) = cell("status");
        let website_id = format!("csv-website-{}", variant.0);
        let website = csv_cell(&expand(WEBSITE_VECTOR, port, &website_id));
        csv.push_str(&format!(
            "ke-05{:02},{name},ke,{city},primary,public,{website},{status}\n",
            n + 1
        ));
        ids.extend([a, b, c, website_id]);
    }
    fs::write(site.root().join("export.csv"), csv).unwrap();
    let import = site.run(&[
        "import",
        "members",
        &site.root().join("export.csv").to_string_lossy(),
    ]);
    assert_eq!(
        import.status, 0,
        "importing text vectors (escaped, not refused) must succeed:\n{}",
        import.stderr
    );
    ids
}

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

// ---------------------------------------------------------------------------------------------
// Scanning the HTML text

/// Every `.html` file under `dir`.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Decodes the character references a browser decodes in an attribute value.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let body = &rest[1..];
        if let Some(num) = body.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .find(|c: char| {
                    !(if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    })
                })
                .unwrap_or(digits.len());
            if len > 0 {
                let n = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).unwrap_or(0);
                out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                let used = 1 + (num.len() - digits.len()) + len;
                rest = &rest[1 + used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        let named = [
            ("colon;", ':'),
            ("tab;", '\t'),
            ("newline;", '\n'),
            ("lpar;", '('),
            ("rpar;", ')'),
            ("amp;", '&'),
            ("quot;", '"'),
            ("apos;", '\''),
            ("lt;", '<'),
            ("gt;", '>'),
            ("sol;", '/'),
            ("period;", '.'),
        ];
        let lower = body.get(..8).unwrap_or(body).to_ascii_lowercase();
        if let Some((name, c)) = named.iter().find(|(n, _)| lower.starts_with(n)) {
            out.push(*c);
            rest = &rest[1 + name.len()..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Whether a URL attribute's value would run script (or open an HTML document) when used.
fn script_url(element: &str, value: &str) -> Option<String> {
    let url: String = decode_entities(value)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let url = url.replace("\\", "");
    for scheme in ["javascript:", "vbscript:", "livescript:"] {
        if url.starts_with(scheme) {
            return Some(url);
        }
    }
    let passive_image = url.starts_with("data:image/")
        && !url.starts_with("data:image/svg")
        && matches!(element, "img" | "source");
    let theme_icon = element == "link" && url.starts_with("data:image/svg+xml");
    if url.starts_with("data:") && !passive_image && !theme_icon {
        return Some(url);
    }
    None
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "ping",
    "longdesc",
    "icon",
    "manifest",
    "archive",
    "classid",
    "srcset",
    "imagesrcset",
    "values",
    "to",
    "from",
    "by",
];

const FORBIDDEN_ELEMENTS: &[&str] = &[
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "portal",
    "animate",
    "set",
    "animatemotion",
    "animatetransform",
    "handler",
    "listener",
    "import",
];

/// The script in an HTML text: event handler attributes, script URLs, `srcdoc`, script
/// elements other than the theme's own, frames and plug-ins, `<base>`, SVG animation of
/// attributes, a refresh to anything but a page address, and style that runs code.
fn html_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let bytes = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at;
        if lower[i..].starts_with("<!--") {
            i = lower[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let start = i;
        i += 1;
        if i < bytes.len() && (bytes[i] == b'/' || bytes[i] == b'!' || bytes[i] == b'?') {
            i = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            continue;
        }
        if i >= bytes.len() || !bytes[i].is_ascii_alphabetic() {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(html.len(), |e| i + e);
        let tag = lower[i..name_end].to_string();
        i = name_end;
        // Attributes.
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let n_end = html[i + 1..]
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>' || c == '=')
                .map_or(html.len(), |e| i + 1 + e);
            let name = lower[i..n_end].to_string();
            i = n_end;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let quote = bytes[i] as char;
                    let v_end = html[i + 1..].find(quote).map_or(html.len(), |e| i + 1 + e);
                    value = html[i + 1..v_end].to_string();
                    i = (v_end + 1).min(html.len());
                } else {
                    let v_end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |e| i + e);
                    value = html[i..v_end].to_string();
                    i = v_end;
                }
            }
            attrs.push((name, value));
        }
        let snippet: String = html[start..i.min(html.len())].chars().take(160).collect();
        let attr = |n: &str| attrs.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str());
        for (name, value) in &attrs {
            if name.starts_with("on") {
                problems.push(format!("event handler `{name}`: {snippet}"));
            }
            if name == "srcdoc" {
                problems.push(format!("srcdoc: {snippet}"));
            }
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                let urls: Vec<&str> = if name.ends_with("srcset") || name == "values" {
                    value
                        .split([',', ';'])
                        .map(|s| s.split_whitespace().next().unwrap_or(""))
                        .collect()
                } else {
                    vec![value.as_str()]
                };
                for url in urls {
                    if let Some(bad) = script_url(&tag, url) {
                        problems.push(format!("script URL in `{name}` ({bad}): {snippet}"));
                    }
                }
            }
            if name == "style" {
                let style = decode_entities(value).to_ascii_lowercase();
                if [
                    "expression",
                    "javascript:",
                    "behavior",
                    "-moz-binding",
                    "url(",
                ]
                .iter()
                .any(|w| style.contains(w))
                {
                    problems.push(format!("style that may run code: {snippet}"));
                }
            }
        }
        if FORBIDDEN_ELEMENTS.contains(&tag.as_str()) {
            problems.push(format!("element <{tag}>: {snippet}"));
        }
        if tag == "meta" && attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh")) {
            let content = decode_entities(attr("content").unwrap_or(""));
            let url = content.split_once([';', ',']).map_or("", |(_, u)| u.trim());
            let url = match url.get(..3) {
                Some(u) if u.eq_ignore_ascii_case("url") => url[3..].trim_start(),
                _ => url,
            };
            let url = url
                .strip_prefix('=')
                .unwrap_or(url)
                .trim_matches(['\'', '"', ' ']);
            let lower_url = content.to_ascii_lowercase();
            let page_address =
                url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://");
            if !page_address || lower_url.contains("javascript:") || lower_url.contains("data:") {
                problems.push(format!("refresh to a non-page address: {snippet}"));
            }
        }
        if tag == "script" {
            let src = attr("src").unwrap_or("");
            let theme_script = [
                "static/chooser.js",
                "static/search.js",
                "static/not_found.js",
            ]
            .iter()
            .any(|script| src.ends_with(script));
            let json = attr("type") == Some("application/json") && src.is_empty();
            if !theme_script && !json {
                problems.push(format!("script element: {snippet}"));
            }
        }
        if tag == "style" {
            let end = lower[i..].find("</style").map_or(html.len(), |e| i + e);
            let css = &lower[i..end];
            if [
                "expression",
                "javascript:",
                "behavior",
                "-moz-binding",
                "@import",
            ]
            .iter()
            .any(|w| css.contains(w))
            {
                problems.push(format!("style element that may run code: {snippet}"));
            }
        }
        // Raw text: the theme's script data and style sheets are not markup.
        for raw in ["script", "style"] {
            if tag == raw {
                i = lower[i..]
                    .find(&format!("</{raw}"))
                    .map_or(html.len(), |e| i + e);
            }
        }
    }
    problems
}

/// Every problem of every HTML file of the output, by path.
fn output_problems(public: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for file in html_files(public) {
        let html = fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(public).unwrap().display().to_string();
        for p in html_problems(&html) {
            problems.push(format!("{shown}: {p}"));
        }
    }
    problems
}

/// The ids of the vectors named by `problems` (a payload names its vector).
fn named_vectors(texts: &[String], ids: &[String]) -> Vec<String> {
    let mut found: Vec<String> = ids
        .iter()
        .filter(|id| {
            let needle = format!("%2Fxss%2F{id}'");
            texts.iter().any(|t| t.contains(&needle))
        })
        .cloned()
        .collect();
    found.sort();
    found.dedup();
    found
}

// ---------------------------------------------------------------------------------------------
// The browser

/// Run in each page: stops navigation to page addresses (so that clicking a link or a button
/// keeps the page), then focuses, hovers, clicks and fires every event handler type at up to
/// 200 elements, those of the page's content first.
const EXERCISE: &str = r#"
if (!window.__xss_guard) {
  window.__xss_guard = true;
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a, area') : null;
    if (!a) return;
    var h = a.href;
    if (h && typeof h === 'object' && 'animVal' in h) h = h.animVal;
    if (!/^\s*javascript:/i.test(String(h || ''))) e.preventDefault();
  }, true);
  document.addEventListener('submit', function (e) {
    var f = e.target, s = e.submitter;
    var act = s && s.hasAttribute && s.hasAttribute('formaction') ? s.formAction : f.action;
    if (!/^\s*javascript:/i.test(String(act || ''))) e.preventDefault();
  }, true);
}
var seen = new Set(), els = [];
var add = function (list) {
  for (var k = 0; k < list.length && els.length < 200; k++) {
    if (!seen.has(list[k])) { seen.add(list[k]); els.push(list[k]); }
  }
};
add(document.querySelectorAll('main *, .body *, article *'));
add(document.querySelectorAll('body, body *'));
var types = ['pointerover', 'pointerenter', 'pointermove', 'pointerdown', 'pointerup',
  'mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'mouseout', 'mouseleave',
  'focus', 'focusin', 'blur', 'focusout', 'dblclick', 'contextmenu', 'auxclick', 'keydown',
  'keypress', 'keyup', 'input', 'change', 'select', 'wheel', 'scroll', 'toggle', 'begin',
  'animationstart', 'animationend', 'transitionend', 'copy', 'paste', 'load', 'error',
  'pageshow', 'start', 'beforeinput', 'invalid', 'submit'];
els.forEach(function (el) {
  try { el.focus(); } catch (e) {}
  types.forEach(function (t) {
    try { el.dispatchEvent(new Event(t, { bubbles: true, cancelable: true })); } catch (e) {}
  });
  try {
    if (typeof el.click === 'function') el.click();
    else el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
  } catch (e) {}
});
return els.length;
"#;

/// Loads each URL, exercises it, and returns the in-page markers found (`url: id`).
fn exercise_pages(browser: &Browser, urls: &[String]) -> Vec<String> {
    let mut markers = Vec::new();
    for url in urls {
        if browser.try_open(url).is_err() {
            // An alert or a navigation in progress: only script can have done that.
            markers.push(format!("{url}: the page could not be driven"));
            continue;
        }
        let _ = browser.try_run(EXERCISE);
        std::thread::sleep(Duration::from_millis(40));
        match browser.try_run("return [window.__xss || null, location.href];") {
            Ok(state) => {
                if let Some(id) = state[0].as_str() {
                    markers.push(format!("{url}: window.__xss = {id}"));
                }
            }
            Err(e) => markers.push(format!("{url}: {e}")),
        }
    }
    markers
}

/// The address of each HTML file of `public` under `base` (files whose path a browser would
/// have to percent-encode, e.g. alias redirects named by content, are left to the text scan).
fn page_urls(public: &Path, base: &str) -> Vec<String> {
    html_files(public)
        .iter()
        .filter_map(|f| {
            let rel = f
                .strip_prefix(public)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !rel
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
            {
                return None;
            }
            let rel = rel.strip_suffix("index.html").unwrap_or(&rel).to_string();
            Some(format!("{base}{rel}"))
        })
        .collect()
}

/// A page with live vectors of each kind the detector must see: inline script, an event
/// handler, a `javascript:` link clicked, an opaque-origin `data:` frame, a `srcdoc` frame,
/// autofocus, an SVG animated link and a form submitted to `javascript:`.
fn positive_control(port: u16) -> (String, Vec<String>) {
    let vectors = [
        ("ctl-script", "<script>{P}</script>"),
        ("ctl-onerror", "<img src=x onerror=\"{P}\">"),
        ("ctl-link", "<a href=\"{J}\">link</a>"),
        (
            "ctl-data-frame",
            "<iframe src=\"data:text/html;base64,{H64}\"></iframe>",
        ),
        (
            "ctl-srcdoc",
            "<iframe srcdoc=\"&lt;script&gt;{P}&lt;/script&gt;\"></iframe>",
        ),
        ("ctl-autofocus", "<input autofocus onfocus=\"{P}\">"),
        ("ctl-hover", "<div onmouseover=\"{P}\">hover</div>"),
        (
            "ctl-svg-animate",
            "<svg><a><animate attributeName=\"href\" values=\"{J}\"></animate><text x=\"20\" y=\"20\">a</text></a></svg>",
        ),
        (
            "ctl-form",
            "<form action=\"{J}\"><button>go</button></form>",
        ),
        (
            "ctl-toggle",
            "<details open ontoggle=\"{P}\"><summary>s</summary>t</details>",
        ),
    ];
    let mut html =
        String::from("<!doctype html><meta charset=utf-8><title>control</title><main>\n");
    for (id, template) in vectors {
        html.push_str(&format!("<div>{}</div>\n", expand(template, port, id)));
    }
    html.push_str("</main>\n");
    (html, vectors.iter().map(|(id, _)| id.to_string()).collect())
}

/// Checks that the browser harness sees script run wherever it can run.
fn check_the_detector(chromium: &Path, beacon: &Beacon) {
    let dir = tempfile::tempdir().unwrap();
    let (html, ids) = positive_control(beacon.port);
    fs::write(dir.path().join("index.html"), html).unwrap();
    let base = serve_static(dir.path().to_path_buf(), "/control/");
    let browser = Browser::start(chromium, "zz", true);
    let markers = exercise_pages(&browser, &[base]);
    std::thread::sleep(Duration::from_millis(500));
    let hits = beacon.hits();
    let missed: Vec<&String> = ids.iter().filter(|id| !hits.contains(id)).collect();
    assert!(
        missed.is_empty(),
        "the detector itself is broken: live vectors {missed:?} were not seen (hits {hits:?}, markers {markers:?})"
    );
    beacon.hits.lock().unwrap().clear();
}

// ---------------------------------------------------------------------------------------------
// Sanitised: the build succeeds and nothing runs

#[test]
fn sanitised_vectors_build_and_the_html_has_no_script() {
    let site = Site::empty();
    let ids = sanitised_site(9, "https://example.org/aspnet/", &site);
    let run = site.build();
    assert_eq!(
        run.status, 0,
        "raw HTML is sanitised and text escaped: the build must succeed\n{}",
        run.stderr
    );
    let problems = output_problems(&site.public());
    if std::env::var_os("XSS_KEEP").is_some() {
        // XSS_KEEP=1: keep the built site for inspection (its path is printed).
        eprintln!("kept {}", site.dir.keep().display());
        return;
    }
    let vectors = named_vectors(&problems, &ids);
    assert!(
        problems.is_empty(),
        "{} vectors left script in the HTML: {vectors:?}\n{}",
        vectors.len(),
        problems.join("\n")
    );
    // Template syntax in content is text, never evaluated.
    let mut probe_seen = false;
    for file in html_files(&site.public()) {
        let html = fs::read_to_string(&file).unwrap();
        assert!(
            !html
                .replace("{% if true %}TPLRAN{% endif %}", "")
                .contains("TPLRAN")
                && !html.contains("tpl49"),
            "{}: content was evaluated as a template",
            file.display()
        );
        probe_seen |= html.contains("tpl{{ 7*7 }}");
    }
    assert!(probe_seen, "the template probe must reach a page as text");
}

#[test]
fn no_sanitised_vector_runs_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let beacon = Beacon::start();
    check_the_detector(&chromium, &beacon);
    let site = Site::empty();
    let base = serve_static(site.public(), "/aspnet/");
    let ids = sanitised_site(beacon.port, &base, &site);
    site.build_ok();
    let mut urls = page_urls(&site.public(), &base);
    urls.push(format!("{base}en/search/?q=vector"));
    urls.push(format!("{base}en/search/?q=script"));
    assert!(urls.len() > ids.len() / 2, "{} pages", urls.len());
    let browser = Browser::start(&chromium, "zz", true);
    let markers = exercise_pages(&browser, &urls);
    std::thread::sleep(Duration::from_millis(700));
    let hits = beacon.hits();
    assert!(
        hits.is_empty() && markers.is_empty(),
        "{} vectors ran script: {hits:?}\nin-page markers: {markers:#?}",
        hits.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Refused: exit 1, a located error naming the file, the previous output unchanged

/// A small valid site, built once so that a refused build has an output to leave alone.
fn base_site() -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: Test\nbase_url: https://example.org/aspnet/\ndefault_language: en\nlanguages:\n  en: { name: English }\n",
    );
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site.write("content/themes/esd.md", THEMES);
    site.write(
        "content/practices/ok.md",
        &practice_page("A good practice", "Body."),
    );
    site.write(
        "content/members/ke/ke-0001.md",
        "---\nid: ke-0001\nname: A school\ncountry: ke\ncity: Nairobi\nlevels: [primary]\ntype: public\nwebsite: https://example.org/\n---\n",
    );
    site.write(
        "content/coordinators/ke.md",
        "---\ncountry: ke\nname: A coordinator\norganization: A commission\nwebsite: https://example.org/\n---\n",
    );
    site.build_ok();
    site
}

/// What went wrong with a refused vector, if anything: `Ok` when the build exits 1, names the
/// file with a line and writes nothing.
fn refused(site: &Site, file: &str, text: &str) -> Result<(), String> {
    let before = site.snapshot();
    site.write(file, text);
    let run = site.build();
    let after = site.snapshot();
    site.remove(file);
    let lines = text.lines().count().max(1);
    let located = run.stderr.lines().any(|l| {
        l.strip_prefix(&format!("error: {file}:"))
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n >= 1 && n <= lines)
    });
    let mut wrong = Vec::new();
    if run.status != 1 {
        wrong.push(format!("exit status {} (want 1)", run.status));
    }
    if !located {
        wrong.push(format!("no `error: {file}:<line>` line"));
    }
    if after != before {
        wrong.push("the output changed".to_string());
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; stderr:\n{}",
            wrong.join(", "),
            run.stderr.trim_end()
        ))
    }
}

/// Builds a site holding every accepted vector and names those that run in Chromium, for the
/// failure message (skipped without Chromium).
fn which_run(accepted: &[(String, String, String)], beacon: &Beacon) -> String {
    let Some(chromium) = chromium() else {
        return String::new();
    };
    check_the_detector(&chromium, beacon);
    let site = base_site();
    let base = serve_static(site.public(), "/aspnet/");
    site.write(
        "site.yaml",
        &format!(
            "title: Test\nbase_url: {base}\ndefault_language: en\nlanguages:\n  en: {{ name: English }}\n"
        ),
    );
    for (_, file, text) in accepted {
        site.write(file, text);
    }
    if site.build().status != 0 {
        return "\n(the accepted vectors do not build together; not run in Chromium)".into();
    }
    let browser = Browser::start(&chromium, "zz", true);
    let markers = exercise_pages(&browser, &page_urls(&site.public(), &base));
    std::thread::sleep(Duration::from_millis(700));
    format!(
        "\nof these, {} run script in Chromium: {:?}{}",
        beacon.hits().len(),
        beacon.hits(),
        if markers.is_empty() {
            String::new()
        } else {
            format!(" (markers: {markers:?})")
        }
    )
}

/// Checks each refused vector on its own, then fails naming every one that was accepted.
fn check_refused(
    cases: Vec<(String, String, String)>,
    controls: &[(&str, String)],
    beacon: &Beacon,
) {
    let site = base_site();
    for (file, text) in controls {
        site.write(file, text);
        let run = site.build();
        site.remove(file);
        assert_eq!(
            run.status, 0,
            "control {file} (a safe URL in the same place) must build:\n{}",
            run.stderr
        );
    }
    site.build_ok();
    let mut failures = Vec::new();
    let mut accepted = Vec::new();
    for (id, file, text) in &cases {
        if let Err(why) = refused(&site, file, text) {
            failures.push(format!("{id} ({file}): {why}"));
            accepted.push((id.clone(), file.clone(), text.clone()));
        }
    }
    if !failures.is_empty() {
        let ran = which_run(&accepted, beacon);
        panic!(
            "{} of {} vectors were not refused: {:?}{ran}\n\n{}",
            failures.len(),
            cases.len(),
            accepted.iter().map(|a| &a.0).collect::<Vec<_>>(),
            failures.join("\n\n")
        );
    }
}

#[test]
fn markdown_script_urls_and_heading_attributes_are_located_errors() {
    let beacon = Beacon::start();
    let cases = MARKDOWN_REFUSED
        .iter()
        .map(|(id, template)| {
            (
                id.to_string(),
                format!("content/practices/{id}.md"),
                practice_page(
                    &format!("Vector {id}"),
                    &format!("Before.\n\n{}\n\nAfter.", expand(template, beacon.port, id)),
                ),
            )
        })
        .collect();
    // The same places with safe URLs build.
    let controls = [(
        "content/practices/control.md",
        practice_page(
            "Control",
            "[x](https://example.org/) [y](/a) [m](mailto:a@example.org) [t](tel:+123) <https://example.org/>\n\n[r]: https://example.org/ \"t\"\n\n![a](/x.png) [z][r]\n\n| a |\n|---|\n| [x](/b) |\n\nN[^1].\n\n[^1]: [x](/c)\n\n## Title {#id .c}\n\nT {#t2}\n=====\n",
        ),
    )];
    check_refused(cases, &controls, &beacon);
}

#[test]
fn front_matter_script_urls_are_located_errors() {
    let beacon = Beacon::start();
    let cases = front_matter_refused(beacon.port);
    let controls = [
        (
            "content/members/ke/ke-0999.md",
            "---\nid: ke-0999\nname: School\ncountry: ke\ncity: Nairobi\nlevels: [primary]\ntype: public\nwebsite: \"https://example.org/a?b=c\"\n---\n".to_string(),
        ),
        (
            "content/coordinators/fr.md",
            "---\ncountry: fr\nname: A coordinator\norganization: A commission\nwebsite: \"http://example.org/\"\n---\n".to_string(),
        ),
        (
            "content/practices/control.md",
            "---\ntitle: A practice\ndate: 2024-01-01\nsummary: A summary.\ncountries: [ke]\nthemes: [esd]\nimage: \"pic.png\"\nimage_alt: A picture\n---\nBody.\n".to_string(),
        ),
    ];
    check_refused(cases, &controls, &beacon);
}

#[test]
fn csv_import_refuses_script_urls_by_line_and_writes_no_page_for_them() {
    let site = base_site();
    let port = 9;
    let rows = [
        ("ke-0601", "{J}"),
        ("ke-0602", "JAVASCRIPT:{P}"),
        ("ke-0603", " javascript:{P}"),
        ("ke-0604", "java\tscript:{P}"),
        ("ke-0605", "data:text/html;base64,{H64}"),
        ("ke-0606", "vbscript:msgbox(1)"),
    ];
    let mut csv = String::from("id,name,country,city,levels,type,website\n");
    csv.push_str("ke-0600,Good School,ke,Nairobi,primary,public,https://example.org/\n");
    for (id, website) in rows {
        let url = expand(website, port, &format!("csv-refused-{id}"));
        csv.push_str(&format!(
            "{id},School {id},ke,Nairobi,primary,public,{}\n",
            csv_cell(&url)
        ));
    }
    let file = site.root().join("refused.csv");
    fs::write(&file, csv).unwrap();
    let run = site.run(&["import", "members", &file.to_string_lossy()]);
    let mut wrong = Vec::new();
    if run.status != 1 {
        wrong.push(format!("exit status {} (want 1)", run.status));
    }
    for (n, (id, _)) in rows.iter().enumerate() {
        let line = n + 3;
        if !run
            .stderr
            .lines()
            .any(|l| l.contains(&format!("refused.csv:{line}:")))
        {
            wrong.push(format!("{id}: no error for line {line}"));
        }
        if site
            .root()
            .join(format!("content/members/ke/{id}.md"))
            .exists()
        {
            wrong.push(format!("{id}: a page was written"));
        }
    }
    assert!(
        site.root().join("content/members/ke/ke-0600.md").exists(),
        "the good row is imported:\n{}",
        run.stderr
    );
    if !wrong.is_empty() {
        // Pages written for refused rows: do they run script once built?
        let accepted: Vec<(String, String, String)> = rows
            .iter()
            .map(|(id, _)| format!("content/members/ke/{id}.md"))
            .filter(|file| site.root().join(file).exists())
            .map(|file| (file.clone(), file.clone(), site.source(&file)))
            .collect();
        let beacon = Beacon::start();
        let accepted: Vec<(String, String, String)> = accepted
            .into_iter()
            .map(|(id, file, text)| {
                (
                    id,
                    file,
                    text.replace(":9%2F", &format!(":{}%2F", beacon.port)),
                )
            })
            .collect();
        let ran = if accepted.is_empty() {
            String::new()
        } else {
            which_run(&accepted, &beacon)
        };
        panic!(
            "script URLs in a CSV export must be refused row by row:\n{}{ran}\nstderr:\n{}",
            wrong.join("\n"),
            run.stderr
        );
    }
}

#[test]
fn the_html_scan_sees_script_and_passes_the_theme() {
    let site = Site::fixture("basic");
    site.build_ok();
    let problems = output_problems(&site.public());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for bad in [
        "<p onclick=\"x()\">",
        "<a href=\"javascript:x()\">",
        "<a href=\" jav&#x09;ascript&colon;x()\">",
        "<a HREF=&#106;avascript:x()>",
        "<img src=x onerror=x()>",
        "<svg><a xlink:href=\"javascript:x()\"></a></svg>",
        "<svg><animate attributeName=href values=javascript:x()></svg>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<script>x()</script>",
        "<script src=\"/evil.js\"></script>",
        "<object data=\"data:text/html,x\"></object>",
        "<form action=\"vbscript:x\">",
        "<button formaction=\"javascript:x()\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x()\">",
        "<base href=\"https://evil.example/\">",
        "<div style=\"background:url(javascript:x())\">",
        "<img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
    ] {
        assert!(!html_problems(bad).is_empty(), "not seen: {bad}");
    }
    for good in [
        "<a href=\"/en/x/\" title=\"javascript:x() onclick=y\">javascript:x()</a>",
        "<code>&lt;script&gt;x()&lt;/script&gt;</code>",
        "<script type=\"application/json\" id=\"search-data\">{\"a\":\"\\u003cscript onload=x\"}</script>",
        "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/aspnet/en/\">",
    ] {
        assert!(
            html_problems(good).is_empty(),
            "{good}: {:?}",
            html_problems(good)
        );
    }
}
