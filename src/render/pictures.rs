//! How pages show the pictures `images` made: the practice's picture at the top with
//! `srcset`, `sizes`, `width` and `height` (no layout shift), a thumbnail on cards, and the
//! pictures of a body (`![…](beach.jpg)`) given the same attributes, lazily loaded. Each is a
//! `<picture>` offering the WebP variants first, the JPEG (or PNG) ones in its `<img>`.

use super::context::{Image, Thumbnail};
use super::*;
use crate::images::{Picture, Variant};

/// How wide a picture shows: the text's measure (42rem) at most, the screen's width less its
/// margins below that.
const SIZES: &str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)";

impl Renderer<'_> {
    /// The processed picture of `name` in `page`'s bundle, if there is one.
    fn picture(&self, page: &Page, name: &str) -> Option<&Picture> {
        let bundle = page.bundle.as_deref()?;
        self.pictures.get(&format!("{bundle}/{name}"))
    }

    /// A practice's picture as its page shows it: resized variants where the picture was
    /// processed, else the file beside the page (an SVG).
    pub(super) fn page_image(&self, page: &Page) -> Option<Image> {
        let Kind::Practice(practice) = &page.kind else {
            return None;
        };
        let name = practice.image.as_ref()?;
        let alt = practice.image_alt.clone();
        let Some(picture) = self.picture(page, name) else {
            return Some(Image {
                src: name.clone(),
                alt,
                ..Image::default()
            });
        };
        let (fallback, largest) = (picture.fallback()?, picture.largest()?);
        Some(Image {
            src: self.site.config.link(&fallback.path),
            alt,
            srcset: Some(self.srcset(picture, |v| &v.path)),
            webp_srcset: Some(self.srcset(picture, |v| &v.webp)),
            sizes: Some(SIZES.to_string()),
            width: Some(largest.width),
            height: Some(largest.height),
        })
    }

    /// A practice's thumbnail for cards: its picture's smallest variant.
    pub(super) fn thumbnail(&self, page: &Page) -> Option<Thumbnail> {
        let Kind::Practice(practice) = &page.kind else {
            return None;
        };
        let smallest = self.picture(page, practice.image.as_ref()?)?.smallest()?;
        Some(Thumbnail {
            src: self.site.config.link(&smallest.path),
            webp: self.site.config.link(&smallest.webp),
            width: smallest.width,
            height: smallest.height,
        })
    }

    /// `html` (a page's body, sanitised) with each `<img>` of a processed picture of its
    /// bundle given its variants, its size and lazy loading, inside a `<picture>` offering the
    /// WebP variants. The attributes are the build's own (addresses of `images/`, numbers),
    /// added after sanitising, which escaped every `>` inside the element's attributes.
    pub(super) fn body_pictures(&self, page: &Page, html: String) -> String {
        if page.bundle.is_none() || !html.contains("<img src=\"") {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(at) = rest.find("<img src=\"") {
            let value_start = at + "<img src=\"".len();
            let Some(length) = rest[value_start..].find('"') else {
                break;
            };
            let name = &rest[value_start..value_start + length];
            let after_src = value_start + length + 1;
            out.push_str(&rest[..at]);
            let picture = self.picture(page, &percent_decode(name));
            let tag_end = rest[after_src..].find('>').map(|end| after_src + end + 1);
            match (picture, tag_end) {
                (Some(picture), Some(tag_end)) => {
                    out.push_str(&format!(
                        "<picture><source type=\"image/webp\" sizes=\"{SIZES}\" srcset=\"{}\">",
                        self.srcset(picture, |v| &v.webp)
                    ));
                    out.push_str(&self.img_start(picture));
                    out.push_str(&rest[after_src..tag_end]);
                    out.push_str("</picture>");
                    rest = &rest[tag_end..];
                }
                _ => {
                    out.push_str(&rest[at..after_src]);
                    rest = &rest[after_src..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The start of an `<img>` element showing `picture` below the fold (lazily), up to its
    /// `src` attribute's closing quote.
    fn img_start(&self, picture: &Picture) -> String {
        let (Some(fallback), Some(largest)) = (picture.fallback(), picture.largest()) else {
            return "<img src=\"\"".to_string();
        };
        format!(
            "<img loading=\"lazy\" decoding=\"async\" width=\"{}\" height=\"{}\" sizes=\"{SIZES}\" srcset=\"{}\" src=\"{}\"",
            largest.width,
            largest.height,
            self.srcset(picture, |v| &v.path),
            self.site.config.link(&fallback.path),
        )
    }

    /// `srcset`: every variant, in the format `file` picks, with its width.
    fn srcset(&self, picture: &Picture, file: impl Fn(&Variant) -> &String) -> String {
        let candidates = picture
            .variants
            .iter()
            .map(|v| format!("{} {}w", self.site.config.link(file(v)), v.width));
        candidates.collect::<Vec<_>>().join(", ")
    }
}

/// A file name as it appears in a sanitised `src` (`beach%20day.jpg` → `beach day.jpg`).
fn percent_decode(name: &str) -> String {
    percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned()
}
