//! Pictures of page bundles, processed at build time. A JPEG, PNG or WebP beside a page's
//! `index.md` is decoded within limits, turned upright by its EXIF orientation, resized to at
//! most three widths (never wider than 1600 px nor than the original) and encoded again from
//! its pixels, which leaves every EXIF, XMP and GPS field of the camera behind. Each width is
//! made twice: as lossy WebP (libwebp, quality 75), which browsers prefer, and as JPEG (PNG
//! for a picture with transparency) for those without WebP. On the demo's pictures at
//! 1000 px, WebP takes a third of the JPEG's bytes; lossless WebP (the only kind the
//! pure-Rust encoder makes) took nearly five times more, so it is not used.
//!
//! Each variant is named by a hash of the original and of the settings
//! (`images/3f2a…-1000.jpg`, `…-1000.webp`), written once for the whole site whatever the
//! languages, and kept between builds in the root's `.aspnet-kb/images/`: a picture already
//! made is linked from there, not made again. A picture whose file has the size and the
//! modification time it had at the last build is not even read again (`stamps.tsv`, as git's
//! index does): on 1,441 photographs that is 735 MB a cached build does not read. The
//! originals are not published.
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
/// WebP quality (libwebp's scale, where 75 is its own default).
const WEBP_QUALITY: f32 = 75.0;
/// Part of every variant's hash: changing how pictures are made makes them all again.
const SETTINGS: &str = "aspnet-kb pictures 2: 480,1000,1600 px, JPEG 78, PNG with alpha, WebP 75";
/// The largest picture decoded, in pixels a side and in bytes of memory: a small file that
/// declares a huge size (a decompression bomb) is refused before it is decoded.
const MAX_SIDE: u32 = 12_000;
const MAX_MEMORY: u64 = 400 * 1024 * 1024;

/// One resized copy of a picture, in two formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// In the output, from the site's root: `images/<hash>-1000.jpg` (or `.png`), for every
    /// browser.
    pub path: String,
    /// The same pixels as WebP, for browsers that take it: `images/<hash>-1000.webp`.
    pub webp: String,
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
    let known = cache.map(Stamps::read).unwrap_or_default();
    let done: Vec<(String, Result<Made, Diagnostic>)> = assets
        .par_iter()
        .filter(|a| !a.site_wide && is_picture(&a.content_path))
        .map(|asset| (asset.content_path.clone(), process(asset, cache, &known)))
        .collect();
    let mut processed = Processed::default();
    let mut stamps = Stamps::default();
    for (path, result) in done {
        match result {
            Ok((picture, mut files, stamp)) => {
                stamps.0.extend(stamp);
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
    // Only a speed-up: a cache that cannot record them reads the pictures again next time.
    if let Some(cache) = cache {
        stamps.write(cache);
    }
    processed
}

/// A file's size and modification time (nanoseconds since 1970).
#[derive(Clone, Copy, PartialEq)]
struct FileState {
    size: u64,
    modified: u128,
}

/// What a picture's file looked like when its hash was taken, and that hash.
struct Stamp {
    state: FileState,
    hash: String,
}

/// The stamps of the last build's pictures by their path on disk, kept in the cache as
/// `stamps.tsv`: a line per picture, `size TAB mtime TAB hash TAB path`.
#[derive(Default)]
struct Stamps(HashMap<PathBuf, Stamp>);

impl Stamps {
    const FILE: &'static str = "stamps.tsv";

    /// The recorded stamps; none when the file is missing or unreadable. A malformed line is
    /// skipped (its picture is read and hashed again).
    fn read(cache: &Path) -> Stamps {
        let text = std::fs::read_to_string(cache.join(Self::FILE)).unwrap_or_default();
        let stamps = text.lines().filter_map(|line| {
            let mut fields = line.splitn(4, '\t');
            let state = FileState {
                size: fields.next()?.parse().ok()?,
                modified: fields.next()?.parse().ok()?,
            };
            let hash = fields.next()?.to_string();
            Some((PathBuf::from(fields.next()?), Stamp { state, hash }))
        });
        Stamps(stamps.collect())
    }

    /// The hash recorded for `path` if the file still has the recorded size and time.
    fn hash_of(&self, path: &Path, now: FileState) -> Option<&str> {
        let stamp = self.0.get(path)?;
        (stamp.state == now).then_some(stamp.hash.as_str())
    }

    fn write(&self, cache: &Path) {
        let mut lines: Vec<String> = self
            .0
            .iter()
            .filter_map(|(path, Stamp { state, hash })| {
                let path = path.to_str().filter(|p| !p.contains(['\t', '\n', '\r']))?;
                let FileState { size, modified } = state;
                Some(format!("{size}\t{modified}\t{hash}\t{path}\n"))
            })
            .collect();
        lines.sort();
        let _ = write_atomically(&cache.join(Self::FILE), lines.concat().as_bytes());
    }
}

/// A file's size and modification time, if the file system tells them.
fn stat(path: &Path) -> Option<FileState> {
    let metadata = std::fs::metadata(path).ok()?;
    let modified = metadata.modified().ok()?;
    let since_1970 = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(FileState {
        size: metadata.len(),
        modified: since_1970.as_nanos(),
    })
}

/// A picture, the files of its variants, and its file's stamp for the next build.
type Made = (Picture, Vec<OutputFile>, Option<(PathBuf, Stamp)>);

/// One picture: its variants, from the cache or made now (and cached). A picture whose
/// stamp is unchanged and whose variants are all in the cache is not read at all.
fn process(asset: &Asset, cache: Option<&Path>, known: &Stamps) -> Result<Made, Diagnostic> {
    let problem = |message: String| {
        Diagnostic::error(asset.source(), 0, message).with_hint(
            "use a JPEG, PNG or WebP picture as a camera or an editor saves it (at most 12,000 px a side)",
        )
    };
    let read = || {
        std::fs::read(&asset.absolute)
            .map_err(|e| problem(format!("the picture could not be read: {e}")))
    };
    let Some(cache) = cache else {
        let bytes = read()?;
        reader(&bytes)
            .and_then(|r| r.into_dimensions().map_err(|e| e.to_string()))
            .map_err(|e| problem(format!("not a picture that can be read: {e}")))?;
        return Ok((
            Picture {
                variants: Vec::new(),
            },
            Vec::new(),
            None,
        ));
    };
    let state = stat(&asset.absolute);
    let unchanged = state.and_then(|now| known.hash_of(&asset.absolute, now));
    let unchanged = unchanged.and_then(|hash| Some((hash.to_string(), cached(cache, hash)?)));
    let (hash, picture) = match unchanged {
        Some(found) => found,
        None => {
            let bytes = read()?;
            let hash = content_hash(&bytes);
            let picture = match cached(cache, &hash) {
                Some(picture) => picture,
                None => make(&bytes, &hash, cache)
                    .map_err(|e| problem(format!("not a picture that can be read: {e}")))?,
            };
            (hash, picture)
        }
    };
    let files = picture
        .variants
        .iter()
        .flat_map(|v| [&v.path, &v.webp])
        .map(|path| OutputFile {
            path: path.clone(),
            contents: Contents::LinkOf(cache.join(file_name(path))),
            source: asset.source(),
        })
        .collect();
    let stamp = state.map(|state| (asset.absolute.clone(), Stamp { state, hash }));
    Ok((picture, files, stamp))
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
    let encoded: Vec<Result<(Variant, Encoded), String>> = widths
        .par_iter()
        .map(|&width| {
            let resized = if width == image.width() {
                image.clone()
            } else {
                image.resize(width, u32::MAX, image::imageops::FilterType::CatmullRom)
            };
            let bytes = Encoded {
                fallback: encode(&resized, transparent)?,
                webp: encode_webp(&resized, transparent)?,
            };
            let variant = Variant {
                path: format!("images/{hash}-{width}.{extension}"),
                webp: format!("images/{hash}-{width}.webp"),
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
        write_atomically(&cache.join(file_name(&variant.path)), &bytes.fallback)?;
        write_atomically(&cache.join(file_name(&variant.webp)), &bytes.webp)?;
        variants.push(variant);
    }
    let record: String = variants
        .iter()
        .map(|v| format!("{} {} {} {}\n", v.path, v.webp, v.width, v.height))
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

/// One width of a picture, encoded.
struct Encoded {
    fallback: Vec<u8>,
    webp: Vec<u8>,
}

/// A picture's pixels as lossy WebP (with its transparency), with no metadata at all.
fn encode_webp(image: &DynamicImage, transparent: bool) -> Result<Vec<u8>, String> {
    let (width, height) = (image.width(), image.height());
    let encoded = if transparent {
        let pixels = image.to_rgba8();
        webp::Encoder::from_rgba(&pixels, width, height).encode_simple(false, WEBP_QUALITY)
    } else {
        let pixels = image.to_rgb8();
        webp::Encoder::from_rgb(&pixels, width, height).encode_simple(false, WEBP_QUALITY)
    };
    encoded
        .map(|memory| memory.to_vec())
        .map_err(|e| format!("WebP encoding failed: {e:?}"))
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
            let webp = fields.next()?.to_string();
            let width = fields.next()?.parse().ok()?;
            let height = fields.next()?.parse().ok()?;
            let complete = [&path, &webp]
                .iter()
                .all(|p| cache.join(file_name(p)).is_file());
            complete.then_some(Variant {
                path,
                webp,
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
    fn stamps_survive_a_round_trip_and_notice_a_changed_file() {
        let cache = tempfile::tempdir().unwrap();
        let state = FileState {
            size: 481_396,
            modified: 1_796_282_903_951_711_573,
        };
        let mut stamps = Stamps::default();
        for path in ["content/a b/photo.jpg", "content/tab\there.jpg"] {
            let hash = "d6046c6db5b11977".to_string();
            stamps.0.insert(PathBuf::from(path), Stamp { state, hash });
        }
        stamps.write(cache.path());
        let read = Stamps::read(cache.path());
        let photo = Path::new("content/a b/photo.jpg");
        assert_eq!(read.hash_of(photo, state), Some("d6046c6db5b11977"));
        let touched = FileState {
            modified: state.modified + 1,
            ..state
        };
        assert_eq!(read.hash_of(photo, touched), None);
        // A path the file's format cannot hold is left out: that picture is read again.
        assert_eq!(read.0.len(), 1);
    }

    #[test]
    fn pictures_by_extension() {
        assert!(is_picture("a/b.JPG") && is_picture("x.webp") && is_picture("y.png"));
        assert!(!is_picture("a.svg") && !is_picture("report.pdf") && !is_picture("jpg"));
    }
}
