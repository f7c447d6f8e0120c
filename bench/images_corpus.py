#!/usr/bin/env python3
"""Turns every practice of a generated corpus (aspnet and Hugo formats, the same practices)
into a page bundle with one photograph-like picture, `photo.jpg` (2400x1600, distinct bytes
for each practice), and `image`/`image_alt` in its front matter. Used by bench/images.sh.

    python3 bench/images_corpus.py ASPNET_ROOT HUGO_ROOT
"""
import pathlib
import re
import sys

from PIL import Image, ImageDraw, ImageFilter

W, H = 2400, 1600


def base_picture():
    """A noisy gradient: compresses like a photograph."""
    noise = Image.effect_noise((W, H), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((W, H)).convert("RGB")
    return Image.blend(noise, gradient, 0.55).filter(ImageFilter.GaussianBlur(1.2))


def bundle(practices: pathlib.Path, picture_for):
    """Moves `slug.md` and `slug.LANG.md` into `slug/index.md` and `slug/index.LANG.md`."""
    for page in sorted(practices.glob("*.md")):
        if page.name.startswith("_index"):
            continue
        slug, _, rest = page.name.partition(".")
        folder = practices / slug
        folder.mkdir(exist_ok=True)
        text = page.read_text()
        source = rest == "md"
        extra = ("image: photo.jpg\n" if source else "") + f"image_alt: A photograph of {slug}\n"
        text = re.sub(r"^---\n", "---\n" + extra, text, count=1)
        (folder / ("index." + rest)).write_text(text)
        page.unlink()
        if source:
            picture_for(slug, folder / "photo.jpg")


def main():
    aspnet, hugo = (pathlib.Path(a) / "content" / "practices" for a in sys.argv[1:3])
    base = base_picture()
    made = {}

    def picture_for(slug, path):
        if slug not in made:
            image = base.copy()
            draw = ImageDraw.Draw(image)
            n = len(made)
            draw.rectangle([40 + n % 40 * 50, 60, 400 + n % 40 * 50, 300 + n // 40 % 40 * 20], fill=(n % 255, 90, 160))
            image.save(path, "JPEG", quality=88)
            made[slug] = path
        else:
            path.write_bytes(made[slug].read_bytes())

    bundle(aspnet, picture_for)
    bundle(hugo, picture_for)
    print(f"{len(made)} pictures")


if __name__ == "__main__":
    main()
