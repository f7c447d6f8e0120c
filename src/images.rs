//! Pictures of page bundles, processed at build time. A JPEG, PNG or WebP beside a page's
//! `index.md` is decoded within limits, turned upright by its EXIF orientation, resized to at
//! most three widths (never wider than 1600 px nor than the original) and encoded again from
//! its pixels, which leaves every EXIF, XMP and GPS field of the camera behind. Photographs
//! become JPEG; a picture with transparency stays PNG. (The pure-Rust WebP encoder is lossless
//! only: on photographs it makes files several times larger than a JPEG, so no WebP is made.)
//!
//! Each variant is named by a hash of the original and of the settings
//! (`images/3f2a…-1000.jpg`), written once for the whole site whatever the languages, and kept
//! between builds in the root's `.aspnet-kb/images/`: a picture already made is copied from
//! there, not made again. The originals are not published.
//!
//! Contract: assets in, [`Processed`] out (what render needs to show each picture, the files
//! to write, the problems found); nothing else of the site is read.

use crate::diagnostic::Diagnostic;
use crate::load::Asset;
use crate::output::{Contents, OutputFile};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The widths made of a picture wider than them, smallest first.
pub const WIDTHS: [u32; 3] = [480, 1000, 1600];
/// JPEG quality: at 1000 px a classroom photograph takes about 80–120 KB.
const JPEG_QUALITY: u8 = 78;
/// Part of every variant's hash: changing how pictures are made makes them all again.
const SETTINGS: &str = "aspnet-kb pictures 1: 480,1000,1600 px, JPEG 78, PNG with alpha";
/// The largest picture decoded, in pixels a side and in bytes of memory: a small file that
/// declares a huge size (a decompression bomb) is refused before it is decoded.
const MAX_SIDE: u32 = 12_000;
const MAX_MEMORY: u64 = 400 * 1024 * 1024;

/// One resized copy of a picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// In the output, from the site's root: `images/<hash>-1000.jpg`.
    pub path: String,
    pub width: u32,
    pub height: u32,
}

/// A picture's variants, smallest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub variants: Vec<Variant>,
}

impl Picture {
    /// The largest variant, whose size the page reserves.
    pub fn largest(&self) -> Option<&Variant> {
        self.variants.last()
    }

    /// The smallest variant, for thumbnails.
    pub fn smallest(&self) -> Option<&Variant> {
        self.variants.first()
    }

    /// The variant for browsers that ignore `srcset`: the middle one where there are three.
    pub fn fallback(&self) -> Option<&Variant> {
        self.variants
            .get(self.variants.len().saturating_sub(1).min(1))
    }
}

/// The pictures of a site, by their path in `content/` (`practices/x/beach.jpg`).
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    by_source: HashMap<String, Picture>,
}

impl Pictures {
    pub fn get(&self, content_path: &str) -> Option<&Picture> {
        self.by_source.get(content_path)
    }
}

/// What processing made: the pictures, the variants to write, and the problems found.
#[derive(Default)]
pub struct Processed {
    pub pictures: Pictures,
    pub files: Vec<OutputFile>,
    pub problems: Vec<Diagnostic>,
}

/// Whether a bundle file is a picture to process (by its name's extension).
pub fn is_picture(path: &str) -> bool {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("jpg" | "jpeg" | "png" | "webp"))
}

/// Processes the pictures of page bundles among `assets`, in parallel. With a `cache` folder
/// (a build that writes), variants are made or taken from it; without (`check`), pictures
/// are only read far enough to find the broken ones.
pub fn process_all(assets: &[Asset], cache: Option<&Path>) -> Processed {
    let done: Vec<(String, Result<Made, Diagnostic>)> = assets
        .par_iter()
        .filter(|a| !a.site_wide && is_picture(&a.content_path))
        .map(|asset| (asset.content_path.clone(), process(asset, cache)))
        .collect();
    let mut processed = Processed::default();
    for (path, result) in done {
        match result {
            Ok((picture, mut files)) => {
                if !picture.variants.is_empty() {
                    processed.pictures.by_source.insert(path, picture);
                }
                processed.files.append(&mut files);
            }
            Err(problem) => processed.problems.push(problem),
        }
    }
    // Two bundles with the same picture share its variants: each is written once.
    processed.files.sort_by(|a, b| a.path.cmp(&b.path));
    processed.files.dedup_by(|a, b| a.path == b.path);
    processed
}

/// A picture and the files of its variants.
type Made = (Picture, Vec<OutputFile>);

/// One picture: its variants, from the cache or made now (and cached).
fn process(asset: &Asset, cache: Option<&Path>) -> Result<Made, Diagnostic> {
    let problem = |message: String| {
        Diagnostic::error(asset.source(), 0, message).with_hint(
            "use a JPEG, PNG or WebP picture as a camera or an editor saves it (at most 12,000 px a side)",
        )
    };
    let bytes = std::fs::read(&asset.absolute)
        .map_err(|e| problem(format!("the picture could not be read: {e}")))?;
    let Some(cache) = cache else {
        reader(&bytes)
            .and_then(|r| r.into_dimensions().map_err(|e| e.to_string()))
            .map_err(|e| problem(format!("not a picture that can be read: {e}")))?;
        return Ok((
            Picture {
                variants: Vec::new(),
            },
            Vec::new(),
        ));
    };
    let hash = content_hash(&bytes);
    let picture = match cached(cache, &hash) {
        Some(picture) => picture,
        None => make(&bytes, &hash, cache)
            .map_err(|e| problem(format!("not a picture that can be read: {e}")))?,
    };
    let files = picture
        .variants
        .iter()
        .map(|v| OutputFile {
            path: v.path.clone(),
            contents: Contents::LinkOf(cache.join(file_name(&v.path))),
            source: asset.source(),
        })
        .collect();
    Ok((picture, files))
}

/// A reader of `bytes` that refuses pictures too large to decode safely.
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_MEMORY);
    reader.limits(limits);
    Ok(reader)
}

/// Decodes `bytes` upright, writes its variants into `cache` and records them there.
fn make(bytes: &[u8], hash: &str, cache: &Path) -> Result<Picture, String> {
    let mut decoder = reader(bytes)?.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    let transparent = image.color().has_alpha();
    let extension = if transparent { "png" } else { "jpg" };
    let widths = widths(image.width());
    let encoded: Vec<Result<(Variant, Vec<u8>), String>> = widths
        .par_iter()
        .map(|&width| {
            let resized = if width == image.width() {
                image.clone()
            } else {
                image.resize(width, u32::MAX, image::imageops::FilterType::CatmullRom)
            };
            let bytes = encode(&resized, transparent)?;
            let variant = Variant {
                path: format!("images/{hash}-{width}.{extension}"),
                width: resized.width(),
                height: resized.height(),
            };
            Ok((variant, bytes))
        })
        .collect();
    let mut variants = Vec::new();
    std::fs::create_dir_all(cache).map_err(|e| e.to_string())?;
    for result in encoded {
        let (variant, bytes) = result?;
        write_atomically(&cache.join(file_name(&variant.path)), &bytes)?;
        variants.push(variant);
    }
    let record: String = variants
        .iter()
        .map(|v| format!("{} {} {}\n", v.path, v.width, v.height))
        .collect();
    // The record last: a variant it names is always complete.
    write_atomically(&cache.join(format!("{hash}.txt")), record.as_bytes())?;
    Ok(Picture { variants })
}

/// The widths to make of a picture `original` pixels wide: those of [`WIDTHS`] it exceeds,
/// and its own width when it is narrower than the largest (never enlarged).
fn widths(original: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < original).collect();
    if original <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(original);
    } else {
        widths.truncate(WIDTHS.len() - 1);
        widths.push(WIDTHS[WIDTHS.len() - 1]);
    }
    widths
}

/// A picture's pixels as JPEG (or PNG, keeping transparency), with no metadata at all.
fn encode(image: &DynamicImage, transparent: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if transparent {
        image
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?;
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        image
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The picture recorded under `hash` in `cache`, if its record and every variant are there.
fn cached(cache: &Path, hash: &str) -> Option<Picture> {
    let record = std::fs::read_to_string(cache.join(format!("{hash}.txt"))).ok()?;
    let variants: Option<Vec<Variant>> = record
        .lines()
        .map(|line| {
            let mut fields = line.split(' ');
            let path = fields.next()?.to_string();
            let width = fields.next()?.parse().ok()?;
            let height = fields.next()?.parse().ok()?;
            cache.join(file_name(&path)).is_file().then_some(Variant {
                path,
                width,
                height,
            })
        })
        .collect();
    variants
        .filter(|v| !v.is_empty())
        .map(|variants| Picture { variants })
}

/// A variant's file name in the cache: its name in `images/`.
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// The hash naming a picture's variants: of its bytes and of [`SETTINGS`].
fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = siphasher::sip128::SipHasher13::new();
    hasher.write(SETTINGS.as_bytes());
    hasher.write(bytes);
    let hash = siphasher::sip128::Hasher128::finish128(&hasher);
    format!("{:016x}", hash.h1 ^ hash.h2.rotate_left(17))
}

/// Writes `bytes` to `path` through a temporary file, so no reader sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let temporary: PathBuf = path.with_extension("part");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_enlarge_and_stop_at_1600() {
        assert_eq!(widths(3000), [480, 1000, 1600]);
        assert_eq!(widths(1600), [480, 1000, 1600]);
        assert_eq!(widths(1200), [480, 1000, 1200]);
        assert_eq!(widths(700), [480, 700]);
        assert_eq!(widths(300), [300]);
    }

    #[test]
    fn pictures_by_extension() {
        assert!(is_picture("a/b.JPG") && is_picture("x.webp") && is_picture("y.png"));
        assert!(!is_picture("a.svg") && !is_picture("report.pdf") && !is_picture("jpg"));
    }
}
