#!/usr/bin/env python3
"""Prints what a screenshot shows, for tests that must see a page was drawn:
"WIDTHxHEIGHT colours N non_white P" (P: share of pixels not white, in percent).
Reads 8-bit RGB or RGBA PNGs (what Chromium writes) with the standard library only."""
import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    at, idat, width = 8, b"", 0
    while at < len(data):
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                sys.exit(f"{path}: depth {depth} colour type {colour} not read here")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        yield width, height, bpp, line
        prev = line


colours, non_white, total, size = set(), 0, 0, (0, 0)
for width, height, bpp, line in rows(sys.argv[1]):
    size = (width, height)
    for x in range(0, len(line), bpp):
        px = bytes(line[x:x + 3])
        colours.add(px)
        total += 1
        non_white += px != b"\xff\xff\xff"
print(f"{size[0]}x{size[1]} colours {len(colours)} non_white {100.0 * non_white / max(total, 1):.2f}")
