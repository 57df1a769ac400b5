"""A small default thumbnail PNG, made with zlib and struct only (no imaging dependency)."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def default_thumbnail(size: int = 128, seed: str = "") -> bytes:
    """An RGB PNG: a blue frame around a light tile with a simple gear-like ring (colour varies with ``seed``)."""
    hue = zlib.crc32(seed.encode("utf-8")) % 60
    frame = (31, 59 + hue, 99 + hue)
    tile = (232, 237, 244)
    ring = (46 + hue, 95, 140)
    c = (size - 1) / 2
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            d2 = (x - c) ** 2 + (y - c) ** 2
            edge = min(x, y, size - 1 - x, size - 1 - y)
            if edge < size // 16:
                px = frame
            elif (size * 0.22) ** 2 <= d2 <= (size * 0.32) ** 2 or d2 <= (size * 0.08) ** 2:
                px = ring
            else:
                px = tile
            rows += bytes(px)
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + \
        _chunk(b"IEND", b"")


def is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n"
