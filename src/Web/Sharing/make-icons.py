#!/usr/bin/env python3
"""Draws the app icons (wwwroot/icons/icon-*.png) from the same shapes as wwwroot/icons/icon.svg, with Python's standard
library only (no image tools needed): a Leuven-green rounded square, a white disc and the six-colour brand mark of
css/site.css (.brand-mark). Run it from this folder after changing the icon: python3 make-icons.py"""
import math, os, struct, zlib

COLOURS = [(0xB8, 0x6E, 0x00), (0x1F, 0x4E, 0x9A), (0x00, 0x8A, 0x63), (0x5E, 0x2A, 0x7E), (0x0A, 0x7F, 0xB8), (0x8F, 0x2A, 0x0A)]
GREEN, WHITE = (0x13, 0x5E, 0x4B), (0xFF, 0xFF, 0xFF)

def sample(x, y, rounded):
    """The colour (r, g, b, a) at (x, y) in the 64x64 design."""
    if rounded:
        rx = 12
        qx, qy = min(max(x, rx), 64 - rx), min(max(y, rx), 64 - rx)
        if (x - qx) ** 2 + (y - qy) ** 2 > rx * rx:
            return (0, 0, 0, 0)
    dx, dy = x - 32, y - 32
    d2 = dx * dx + dy * dy
    if d2 <= 17 * 17:
        angle = (math.degrees(math.atan2(dy, dx)) + 90) % 360  # 0 at the top, clockwise
        return COLOURS[min(int(angle // 60), 5)] + (255,)
    if d2 <= 20 * 20:
        return WHITE + (255,)
    return GREEN + (255,)

def draw(size, rounded=True, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = sample((px + (sx + 0.5) / ss) * 64 / size, (py + (sy + 0.5) / ss) * 64 / size, rounded)
                    a = c[3]
                    acc[0] += c[0] * a; acc[1] += c[1] * a; acc[2] += c[2] * a; acc[3] += a
            n = ss * ss
            alpha = acc[3] / n
            row += bytes([round(acc[i] / acc[3]) if acc[3] else 0 for i in range(3)] + [round(alpha)])
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wwwroot", "icons")
for size, rounded in [(192, True), (512, True), (180, False)]:  # 180: apple-touch-icon, square (iOS rounds it)
    with open(os.path.join(out, f"icon-{size}.png"), "wb") as f:
        f.write(draw(size, rounded))
