#!/usr/bin/env python3
"""Draws Cairn's icon (three stacked stones on a teal tile) as cairn.svg and as
PNGs at the sizes the hicolor theme and ChromeOS's launcher use. Run it after
changing the shapes; the outputs are committed so builds need no Python.
Pure standard library: the PNGs are rasterized here with 4x4 supersampling."""
import struct
import zlib

TILE = (0x1F, 0x7A, 0x78)  # teal
STONES = [  # centre x, centre y, radius x, radius y (on a 256 grid), colour
    (128, 196, 84, 30, (0xE8, 0xE2, 0xD4)),
    (124, 140, 62, 26, (0xD9, 0xCF, 0xBA)),
    (132, 92, 42, 22, (0xF4, 0xEF, 0xE4)),
    (128, 54, 24, 16, (0xE8, 0xE2, 0xD4)),
]
CORNER = 48


def svg():
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
           f'<rect width="256" height="256" rx="{CORNER}" fill="#%02x%02x%02x"/>' % TILE]
    for cx, cy, rx, ry, c in STONES:
        out.append(f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="#%02x%02x%02x"/>' % c)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def inside_tile(x, y):
    # A rounded square: outside only in the corners beyond the corner radius.
    dx = max(CORNER - x, 0, x - (256 - CORNER))
    dy = max(CORNER - y, 0, y - (256 - CORNER))
    return dx * dx + dy * dy <= CORNER * CORNER


def colour_at(x, y):
    for cx, cy, rx, ry, c in reversed(STONES):
        if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1:
            return c + (255,)
    return TILE + (255,) if inside_tile(x, y) else (0, 0, 0, 0)


def png(size):
    rows = []
    scale, sub = 256 / size, 4
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(sub):
                for sx in range(sub):
                    c = colour_at((px + (sx + 0.5) / sub) * scale, (py + (sy + 0.5) / sub) * scale)
                    for i in range(3):
                        acc[i] += c[i] * c[3]
                    acc[3] += c[3]
            a = acc[3]
            row += bytes([round(acc[i] / a) if a else 0 for i in range(3)] + [round(a / sub / sub)])
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    with open("cairn.svg", "w") as f:
        f.write(svg())
    for size in (48, 128, 256):
        with open(f"cairn-{size}.png", "wb") as f:
            f.write(png(size))
