#!/usr/bin/env python3
"""Writes a photo-like JPEG for bench/media.sh: smooth gradients and soft shapes under
grain, so it compresses like a camera's picture rather than like flat colour or pure
noise. Different seeds give different pictures, so each upload is new to the library.

    photo.py OUT.jpg [--width 6000] [--height 4000] [--seed 1] [--quality 90]
"""

import argparse
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter


def photo(width: int, height: int, seed: int) -> Image.Image:
    rng = random.Random(seed)
    # Sky-to-ground gradients per channel, drawn small and scaled up (smooth).
    small = Image.new("RGB", (64, 48))
    top = [rng.randint(90, 200) for _ in range(3)]
    bottom = [rng.randint(20, 120) for _ in range(3)]
    for y in range(48):
        t = y / 47
        for x in range(64):
            shade = 1.0 - 0.25 * abs(x - 32) / 32
            small.putpixel((x, y), tuple(int((a * (1 - t) + b * t) * shade) for a, b in zip(top, bottom)))
    base = small.resize((width, height), Image.BICUBIC)
    # Soft shapes: hills, trees, clouds.
    shapes = Image.new("RGB", (width // 8, height // 8), (0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(160):
        x, y = rng.randrange(width // 8), rng.randrange(height // 8)
        r = rng.randint(4, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 90) for _ in range(3)))
    shapes = shapes.filter(ImageFilter.GaussianBlur(3)).resize((width, height), Image.BICUBIC)
    picture = ImageChops.add(base, shapes)
    # Grain and fine detail, as a sensor gives.
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    return ImageChops.add(picture, grain, scale=1.0, offset=-60).filter(ImageFilter.SMOOTH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quality", type=int, default=90)
    args = parser.parse_args()
    image = photo(args.width, args.height, args.seed)
    image.save(args.out, "JPEG", quality=args.quality)


if __name__ == "__main__":
    main()
