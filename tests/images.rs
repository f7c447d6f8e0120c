//! Pictures processed at build time: resized variants with `srcset`, `width` and `height`,
//! upright and without any camera metadata, written once for every language, cached between
//! builds, thumbnails on cards; and every broken picture a located error.

mod common;

use common::Site;
use image::{ImageEncoder, RgbImage};
use std::path::Path;

/// A photograph-like JPEG `width`×`height` as stored by a camera held upright: the pixels
/// lie on their side with an orientation tag (6: turn 90° clockwise), and the EXIF block
/// carries a GPS position.
fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23;
        image::Rgb([(x % 256) as u8, (y % 256) as u8, (noise * 9) as u8])
    });
    // A little-endian TIFF header, one IFD entry: Orientation (0x0112) = 6; then "GPS" data
    // as a camera leaves it (an ASCII tag naming the position, enough to be found).
    let mut exif =
        b"II\x2a\x00\x08\x00\x00\x00\x02\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00"
            .to_vec();
    exif.extend_from_slice(b"\x25\x88\x02\x00\x10\x00\x00\x00\x26\x00\x00\x00\x00\x00\x00\x00");
    exif.extend_from_slice(b"GPS 41.0123N 2.3\0");
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    jpeg
}

/// The basic fixture with a photograph on the sandwatch practice (and in its body), the
/// practice translated into French (its own text alternative) and Spanish (none).
fn site_with_photo() -> Site {
    let site = Site::fixture("basic");
    let photo = site.root().join("content/practices/sandwatch/photo.jpg");
    std::fs::write(&photo, camera_jpeg(2400, 1600)).unwrap();
    let page = site
        .source("content/practices/sandwatch/index.md")
        .replacen(
            "levels: [primary]\n",
            "levels: [primary]\nimage: photo.jpg\nimage_alt: Pupils measuring the beach\n",
            1,
        )
        + "\nThe class at work: ![Measuring the sand > 2 m](photo.jpg)\n";
    site.write("content/practices/sandwatch/index.md", &page);
    site.write(
        "content/practices/sandwatch/index.fr.md",
        "---\ntitle: Observer les plages\nsummary: Suivre les plages.\nimage_alt: Des élèves mesurent la plage\n---\nTexte.\n",
    );
    site.write(
        "content/practices/sandwatch/index.es.md",
        "---\ntitle: Observar las playas\nsummary: Seguir las playas.\n---\nTexto.\n",
    );
    site
}

fn output_files(public: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(public).unwrap().display().to_string();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_photograph_becomes_light_upright_variants_without_metadata() {
    let site = site_with_photo();
    let run = site.build_ok();
    assert!(
        run.stderr.contains(
            "warning: content/practices/sandwatch/index.es.md:1: image_alt: the picture's text alternative is not translated"
        ),
        "{}",
        run.stderr
    );
    let files = output_files(&site.public());
    let pictures: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".jpg") || p.ends_with(".webp"))
        .collect();
    // Three widths as JPEG and as WebP, once for the site's three languages; the original
    // nowhere.
    let mut names: Vec<&str> = pictures.iter().map(|(p, _)| p.as_str()).collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("images/")), "{names:?}");
    for (path, bytes) in &pictures {
        let decoded = image::load_from_memory(bytes).unwrap();
        // Upright: the camera's 2400×1600 on its side is 1600×2400 standing.
        assert_eq!(decoded.height() * 2, decoded.width() * 3, "{path}");
        assert!(decoded.width() <= 1600);
        // JPEG's APP1 block, and WebP's EXIF and XMP chunks.
        for marker in [
            &b"Exif"[..],
            b"EXIF",
            b"XMP ",
            b"GPS",
            b"http://ns.adobe.com/xap",
        ] {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker),
                "{path} keeps {}",
                String::from_utf8_lossy(marker)
            );
        }
    }
    let widths: Vec<u32> = pictures
        .iter()
        .map(|(_, b)| image::load_from_memory(b).unwrap().width())
        .collect();
    let mut widths = widths;
    widths.sort();
    assert_eq!(widths, [480, 480, 1000, 1000, 1600, 1600]);
    // WebP, lossy, is the lighter of the two at every width.
    let size = |suffix: &str| {
        let mut sizes: Vec<usize> = pictures
            .iter()
            .filter(|(p, _)| p.ends_with(suffix))
            .map(|(_, b)| b.len())
            .collect();
        sizes.sort();
        sizes
    };
    let (jpeg, webp) = (size(".jpg"), size(".webp"));
    assert!(
        jpeg.iter().zip(&webp).all(|(j, w)| w < j),
        "{jpeg:?} {webp:?}"
    );
    assert!(files.iter().all(|(p, _)| !p.ends_with("photo.jpg")));
    // The page reserves the picture's space and offers every variant.
    let page = site.read("en/practices/sandwatch/index.html");
    let hero = page
        .split(r#"<img class="hero""#)
        .nth(1)
        .expect("the picture");
    let hero = &hero[..hero.find('>').unwrap()];
    assert!(
        hero.contains(r#"alt="Pupils measuring the beach""#),
        "{hero}"
    );
    assert!(hero.contains(r#"width="1600" height="2400""#), "{hero}");
    assert_eq!(
        hero.matches("/aspnet/images/").count(),
        4,
        "src and 3 candidates: {hero}"
    );
    assert!(
        hero.contains(" 480w, ") && hero.contains(" 1600w\""),
        "{hero}"
    );
    assert!(!hero.contains("loading="), "the top picture loads at once");
    // Browsers that take WebP are offered it first, at the same widths.
    let offered = |html: &str| {
        html.matches(r#"<picture><source type="image/webp""#)
            .count()
    };
    assert_eq!(offered(&page), 2, "the top picture and the body's: {page}");
    // The body's `<picture>` closes after its whole `<img>`, whatever its text alternative.
    let alt = r#" alt="Measuring the sand &gt; 2 m""#;
    let after_alt = &page[page.find(alt).expect("the body's picture") + alt.len()..];
    assert!(
        after_alt.starts_with("></picture>") || after_alt.starts_with(" /></picture>"),
        "{after_alt}"
    );
    let webp = page
        .split(r#"<source type="image/webp" srcset=""#)
        .nth(1)
        .expect("the WebP variants");
    let webp = &webp[..webp.find('"').unwrap()];
    assert_eq!(webp.matches(".webp ").count(), 3, "{webp}");
    // The body's picture, lazily.
    assert!(
        page.contains(r#"<img loading="lazy" decoding="async" width="1600" height="2400""#),
        "{page}"
    );
    // Translations keep the picture, with their own text alternative or the source's.
    let french = site.read("fr/practices/sandwatch/index.html");
    assert!(french.contains(r#"alt="Des élèves mesurent la plage" srcset="#));
    let spanish = site.read("es/practices/sandwatch/index.html");
    assert!(spanish.contains(r#"alt="Pupils measuring the beach" srcset="#));
    // Cards show a thumbnail: the smallest variant, lazily, WebP first.
    let listing = site.read("fr/practices/index.html");
    assert!(
        listing.contains(r#"<picture><source type="image/webp" srcset="/aspnet/images/"#)
            && listing.contains(r#"-480.webp"><img class="thumb" src="/aspnet/images/"#)
            && listing.contains(r#"width="480" height="720" loading="lazy""#),
        "{listing}"
    );
}

#[test]
fn a_second_build_takes_the_variants_from_the_cache() {
    let site = site_with_photo();
    site.build_ok();
    let cache = site.root().join(".aspnet-kb/images");
    // The variants and their record; `stamps.tsv`, the pictures' sizes and times, is written
    // by every build.
    let made: Vec<(std::path::PathBuf, std::time::SystemTime)> = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "stamps.tsv")
        .map(|e| {
            let path = e.unwrap().path();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (path, modified)
        })
        .collect();
    assert_eq!(
        made.len(),
        7,
        "three JPEG and three WebP variants and their record: {made:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.build_ok();
    for (path, modified) in &made {
        let now = std::fs::metadata(path).unwrap().modified().unwrap();
        assert_eq!(now, *modified, "{} was made again", path.display());
    }
    assert_eq!(
        output_files(&site.public())
            .iter()
            .filter(|(p, _)| p.ends_with(".jpg"))
            .count(),
        3
    );
    // Published variants share the cache's files instead of copies, and outlive the cache.
    #[cfg(unix)]
    for (path, _) in made
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e != "txt"))
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            std::fs::metadata(path).unwrap().nlink(),
            2,
            "{}",
            path.display()
        );
    }
    let published = output_files(&site.public());
    std::fs::remove_dir_all(&cache).unwrap();
    for (path, bytes) in published.iter().filter(|(p, _)| p.ends_with(".jpg")) {
        assert_eq!(&std::fs::read(site.public().join(path)).unwrap(), bytes);
    }
    // A picture replaced (a new size and time) is read and made again.
    site.build_ok();
    let photo = site.root().join("content/practices/sandwatch/photo.jpg");
    std::fs::write(&photo, camera_jpeg(1200, 900)).unwrap();
    site.build_ok();
    let page = site.read("en/practices/sandwatch/index.html");
    assert!(page.contains(r#"width="900" height="1200""#), "{page}");
}

#[test]
fn broken_and_unusable_pictures_are_located_errors() {
    let site = site_with_photo();
    site.build_ok();
    let before = site.snapshot();
    let bundle = site.root().join("content/practices/sandwatch");
    std::fs::write(bundle.join("noise.jpg"), b"not a picture at all, just text").unwrap();
    // A PNG that declares 100,000 × 100,000 pixels: refused before it is decoded.
    let mut header = b"IHDR".to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(b"\x08\x02\x00\x00\x00");
    let mut crc = flate2::Crc::new();
    crc.update(&header);
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d".to_vec();
    bomb.extend_from_slice(&header);
    bomb.extend_from_slice(&crc.sum().to_be_bytes());
    std::fs::write(bundle.join("bomb.png"), &bomb).unwrap();
    site.write(
        "content/practices/water.md",
        &site.source("content/practices/water.md").replacen(
            "levels: [secondary]\n",
            "levels: [secondary]\nimage: https://example.com/x.jpg\nimage_alt: X\n",
            1,
        ),
    );
    site.write(
        "content/practices/peace.md",
        &site.source("content/practices/peace.md").replacen(
            "themes: [gced]\n",
            "themes: [gced]\nimage: garden.jpg\n",
            1,
        ),
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    for expected in [
        "error: content/practices/sandwatch/noise.jpg: not a picture that can be read",
        "error: content/practices/sandwatch/bomb.png: not a picture that can be read",
        "hint: use a JPEG, PNG or WebP picture",
        "image: a picture on another site cannot be used",
        "error: content/practices/peace.md:7:1: image: needs `image_alt`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(
        site.snapshot(),
        before,
        "a build with errors writes nothing"
    );
}
