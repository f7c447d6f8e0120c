#!/usr/bin/env python3
"""Draws the demo site's pictures: simple illustrations of the stories, made here (no
photographs of real people or places), saved as JPEG without metadata into the practices'
bundles. Needs Pillow (`pip install pillow`).

    python3 scripts/demo_pictures.py
"""
import math
import pathlib
import random

from PIL import Image, ImageDraw, ImageFilter

ROOT = pathlib.Path(__file__).resolve().parent.parent / "content" / "practices"
W, H = 1800, 1200


def sky(draw, top, bottom, height=H):
    for y in range(height):
        t = y / height
        draw.line([(0, y), (W, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))


def grain(image, seed):
    """A little texture, so the pictures compress like photographs rather than flat art."""
    rng = random.Random(seed)
    noise = Image.effect_noise((W, H), 18).convert("RGB")
    mixed = Image.blend(image, noise, 0.06)
    return mixed.filter(ImageFilter.GaussianBlur(0.6 + rng.random() * 0.3))


def river():
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, (150, 200, 235), (225, 238, 245), 520)
    d.rectangle([0, 480, W, H], fill=(98, 150, 80))
    for i in range(9):
        y = 640 + i * 52
        points = [(x, y + 26 * math.sin(x / 160 + i)) for x in range(0, W + 40, 40)]
        d.line(points, fill=(60 + i * 8, 120 + i * 6, 170 + i * 4), width=60)
    for k, x in enumerate(range(260, 1500, 300)):  # test kits on the bank
        d.rounded_rectangle([x, 980, x + 90, 1120], 14, fill=(240, 240, 235), outline=(40, 40, 40), width=5)
        d.rectangle([x + 10, 1040, x + 80, 1110], fill=[(210, 80, 60), (230, 180, 60), (90, 160, 90), (70, 120, 200), (150, 90, 170)][k % 5])
    return img


def kits():
    img = Image.new("RGB", (W, H), (236, 232, 222))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 820, W, H], fill=(170, 130, 90))
    colours = [(235, 230, 120), (250, 200, 90), (240, 150, 80), (200, 90, 70), (150, 60, 90)]
    for i, c in enumerate(colours):
        x = 220 + i * 300
        d.rounded_rectangle([x, 300, x + 140, 860], 30, fill=(250, 250, 250), outline=(60, 60, 60), width=6)
        d.rectangle([x + 12, 560, x + 128, 846], fill=c)
    return img


def mangroves():
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, (250, 205, 150), (245, 235, 210), 600)
    d.rectangle([0, 600, W, H], fill=(70, 120, 130))
    rng = random.Random(4)
    for x in range(80, W, 170):
        base = 640 + rng.randint(-20, 20)
        for r in range(-3, 4):  # roots arching into the water
            d.arc([x + r * 30 - 60, base - 40, x + r * 30 + 60, base + 120], 180, 360, fill=(90, 70, 50), width=9)
        d.rectangle([x - 10, base - 260, x + 10, base], fill=(100, 75, 50))
        d.ellipse([x - 120, base - 420, x + 120, base - 200], fill=(50 + rng.randint(0, 30), 120, 60))
    return img


def garden():
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, (170, 215, 240), (235, 245, 250), 500)
    d.rectangle([0, 500, W, H], fill=(120, 170, 90))
    rng = random.Random(7)
    for _ in range(260):
        x, y = rng.randint(0, W), rng.randint(560, H)
        r = 10 + (y - 500) // 40
        d.line([(x, y), (x, y + 3 * r)], fill=(60, 120, 50), width=4)
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice([(230, 80, 90), (250, 200, 70), (250, 250, 250), (170, 110, 200)]))
    d.polygon([(1300, 500), (1500, 360), (1700, 500)], fill=(180, 90, 60))  # a shed
    d.rectangle([1330, 500, 1670, 700], fill=(230, 210, 170))
    return img


def solar_school():
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, (120, 180, 230), (220, 235, 245), 900)
    d.rectangle([0, 900, W, H], fill=(140, 150, 110))
    d.rectangle([300, 560, 1500, 920], fill=(235, 215, 180))
    d.polygon([(250, 580), (900, 300), (1550, 580)], fill=(160, 70, 60))
    for row in range(3):
        for col in range(6):
            x = 520 + col * 95 - row * 40
            y = 420 + row * 50
            d.polygon([(x, y), (x + 85, y - 20), (x + 120, y + 20), (x + 35, y + 40)], fill=(40, 60, 110), outline=(200, 210, 230))
    for x in range(380, 1460, 180):
        d.rectangle([x, 660, x + 110, 780], fill=(150, 190, 220), outline=(90, 90, 90), width=4)
    d.ellipse([1480, 80, 1660, 260], fill=(255, 220, 90))
    return img


def letters():
    img = Image.new("RGB", (W, H), (222, 228, 236))
    d = ImageDraw.Draw(img)
    rng = random.Random(11)
    for i in range(12):
        x, y = rng.randint(80, W - 520), rng.randint(60, H - 360)
        angle = rng.randint(-15, 15)
        env = Image.new("RGBA", (440, 290), (0, 0, 0, 0))
        e = ImageDraw.Draw(env)
        e.rectangle([0, 0, 439, 289], fill=rng.choice([(250, 245, 230), (240, 235, 250), (245, 250, 240)]), outline=(120, 110, 100), width=4)
        e.line([(0, 0), (220, 150), (439, 0)], fill=(120, 110, 100), width=4)
        e.rectangle([360, 20, 420, 90], fill=rng.choice([(200, 60, 60), (60, 120, 200), (60, 160, 90)]))
        for line in range(3):
            e.line([(60, 180 + line * 28), (300, 180 + line * 28)], fill=(90, 90, 110), width=5)
        env = env.rotate(angle, expand=True)
        img.paste(env, (x, y), env)
    return img


def beach():
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    sky(d, (130, 190, 235), (230, 240, 250), 460)
    d.rectangle([0, 420, W, 640], fill=(50, 130, 180))
    for i in range(5):
        y = 600 + i * 18
        d.line([(x, y + 10 * math.sin(x / 90 + i)) for x in range(0, W + 30, 30)], fill=(230, 240, 245), width=6)
    d.rectangle([0, 680, W, H], fill=(225, 200, 150))
    for k in range(6):  # the measuring poles of the beach profile
        x = 300 + k * 240
        d.rectangle([x, 620 + k * 40, x + 14, 980 + k * 20], fill=(200, 60, 50))
        for m in range(0, 300, 60):
            d.rectangle([x, 640 + k * 40 + m, x + 14, 660 + k * 40 + m], fill=(250, 250, 250))
    return img


PICTURES = {
    "river-water-testing/river.jpg": (river, 1),
    "river-water-testing/kits.jpg": (kits, 2),
    "mangrove-classroom/mangroves.jpg": (mangroves, 3),
    "peace-garden/garden.jpg": (garden, 4),
    "school-energy-audit/solar-roof.jpg": (solar_school, 5),
    "twinning-letters/letters.jpg": (letters, 6),
    "sandwatch/beach.jpg": (beach, 7),
}


def main():
    for path, (draw, seed) in PICTURES.items():
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        grain(draw(), seed).save(target, "JPEG", quality=80, optimize=True)
        print(f"{target.relative_to(ROOT.parent.parent)}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
