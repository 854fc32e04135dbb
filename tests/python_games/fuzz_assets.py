#!/usr/bin/env python3
"""Hostile-asset fuzzer for stage's image loaders (CPython 3, standard library
only; the loaders run in a real MicroPython).

    python3 tests/python_games/fuzz_assets.py [--count N] [--seed S] [--long]
        [--batch B] [--heap SIZE] [--file-limit SEC] [--install DIR] [--mpy FILE]
        [--case I] [--keep DIR] [--quiet]

Makes N files (default 3000; --long: 100000), each from a valid BMP, PNG or GIF
image of one of the kinds stage reads (written with images.py's writers: many
sizes, 2 to 16 colours, BMP info headers of 40 to 124 bytes, bottom-up and
top-down, PNG bit depths 4 and 8 with every filter type and split IDAT chunks,
GIF87a/89a with extensions, local colour tables, several LZW code sizes, early
clear codes and full tables), then mutated: truncated at every structural
offset, header fields and sizes set to hostile values, palettes and chunks
broken, zlib and LZW streams corrupted, bytes flipped and spliced (see
the mutate_* functions). Every run starts with fixed files: those that showed
loader bugs, compressed data at stage's limit and one byte over it, and the
largest pictures stage accepts (65536 pixels: 256x256, 1x65536, 65536x1).
Everything is seeded: case I of seed S is the same file on every run
(--case I --keep DIR writes it to DIR).

Every file goes through every loader (tests/python_games/mp/fuzz_loaders.py):
BMP16, PNG16 and GIF16 (read_header, read_palette, read_data),
Bank.from_image, Bank.from_bmp16, Bank.from_gif16, and the class of the
file's suffix reading into the buffer of a 16x16 Grid. The files run in
batches, one MicroPython process a batch, with a fixed heap (-X heapsize, 1M
by default: what the largest picture stage accepts needs at worst, a
1x65536 8-bit PNG whose compressed data is at the limit, with room to spare;
the hostile files ask for more). A loader passes when it

* returns what the reference decoders below make of the file (stage's rules,
  written again independently of stage.py: the same picture, palette and
  colour count), or raises ValueError (or OSError) when they refuse it, its
  message starting with the file's name;
* raises nothing else: no MemoryError (loaders must refuse sizes before they
  allocate), no IndexError, no crash of the VM;
* takes less than --file-limit seconds (default 5) per file: a process that
  reports no file for twice that (plus 2 s) is killed, the file it was in is
  run alone to tell a hang, a crash or a failure of the batch only, and the
  batch goes on after it;
* leaves the heap as it found it (bytes allocated after gc.collect()).

PNGs whose zlib stream declares a window under 32 KiB are "either" (a
ValueError or the reference's result both pass; counted apart): the
firmware's inflate keeps only the declared window and refuses distances
beyond it, which zlib reads.

Prints the files made per kind and mutation, the outcomes per exception type
and message (numbers shown as N), the time taken, and every failure with the
command that reproduces it. Exits 1 if anything failed.
"""

import argparse
import collections
import hashlib
import os
import queue
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import images  # noqa: E402
import install  # noqa: E402

DRIVER = os.path.join(HERE, "mp", "fuzz_loaders.py")
OPS = "BPGIMFD"
MAX_PIXELS = 65536
GRID_BYTES = 128  # a 16x16 Grid's buffer
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ================================================================== reference decoders


class Refused(Exception):
    """The file is not an image stage reads."""


class Either(Exception):
    """The file may be refused or read; `picture` is what reading must give
    (None: anything well formed)."""

    def __init__(self, why, picture=None):
        Exception.__init__(self, why)
        self.picture = picture


Picture = collections.namedtuple("Picture", "width height colors rgb pixels")


def _size(width, height):
    if width < 1 or height < 1:
        raise Refused("bad image size")
    if width * height > MAX_PIXELS:
        raise Refused("image too large")


def _packed(indices, width, height):
    """Rows of `width` colour indices (a flat sequence) as stage's buffer."""
    out = bytearray()
    for y in range(height):
        row = indices[y * width:(y + 1) * width]
        for x in range(0, width - 1, 2):
            out.append(row[x] << 4 | row[x + 1])
        if width & 1:
            out.append(row[width - 1] << 4)
    return bytes(out)


def decode_bmp(data):
    """A BMP: "BM", an info header of 40 bytes or more, 4 bits a pixel, no
    compression, at most 16 colours (0 means 16), the palette before the
    pixels, rows of (width + 7) // 8 * 4 bytes, bottom-up unless the height is
    negative, every pixel in the palette."""
    if data[:2] != b"BM":
        raise Refused("not a BMP file")
    if len(data) < 54:
        raise Refused("truncated header")
    (offset, header, width, height, _planes, bpp, compression, _, _, _,
     used) = struct.unpack_from("<IIiiHHIIiiI", data, 10)
    if header < 40 or bpp != 4 or compression:
        raise Refused("unsupported BMP")
    top_down = height < 0
    height = -height if top_down else height
    _size(width, height)
    colors = used if used else 16
    if colors > 16:
        raise Refused("too many colours")
    palette_at = 14 + header
    if palette_at + 4 * colors > offset:
        raise Refused("palette overlaps the pixels")
    stride = (width * 4 + 31) // 32 * 4
    if offset + stride * height > len(data):
        raise Refused("truncated pixels")
    rgb = [(data[palette_at + 4 * i + 2], data[palette_at + 4 * i + 1], data[palette_at + 4 * i])
           for i in range(colors)]
    indices = [0] * (width * height)
    for i in range(height):
        y = i if top_down else height - 1 - i
        at = offset + i * stride
        for x in range(width):
            b = data[at + (x >> 1)]
            v = b & 15 if x & 1 else b >> 4
            if v >= colors:
                raise Refused("pixel not in the palette")
            indices[y * width + x] = v
    return Picture(width, height, colors, rgb, _packed(indices, width, height))


def decode_png(data):
    """A PNG: the signature, IHDR first and once (indexed colour, depth 4 or 8,
    methods 0, not interlaced), one PLTE of 1 to 16 entries before the IDAT
    chunks, no unknown critical chunk, IEND; CRCs of IHDR, PLTE and IDAT
    right; the IDAT data at most twice the filtered rows plus 1 KiB, one zlib
    stream of exactly the filtered rows (data after the stream's end is
    ignored); filter types 0..4; every pixel in the palette. Ancillary chunks
    (and their CRCs) and what follows IEND are ignored."""
    if data[:8] != PNG_SIGNATURE:
        raise Refused("not a PNG file")
    pos = 8
    ihdr = plte = None
    idat = []
    while True:
        if pos + 12 > len(data):
            raise Refused("no IEND")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > len(data) - pos - 12:
            raise Refused("truncated chunk")
        body = data[pos + 8:pos + 8 + length]
        crc_ok = zlib.crc32(kind + body) & 0xFFFFFFFF == struct.unpack_from(">I", data, pos + 8 + length)[0]
        if pos == 8 and kind != b"IHDR":
            raise Refused("IHDR not first")
        if kind == b"IEND":
            break
        if kind in (b"IHDR", b"PLTE", b"IDAT") and not crc_ok:
            raise Refused("bad CRC")
        if kind == b"IHDR":
            if ihdr is not None:
                raise Refused("two IHDR chunks")
            if length != 13:
                raise Refused("bad IHDR")
            ihdr = struct.unpack(">IIBBBBB", body)
            width, height, depth, mode, method, filters, interlace = ihdr
            if mode != 3 or depth not in (4, 8) or method or filters or interlace:
                raise Refused("unsupported PNG")
            _size(width, height)
        elif kind == b"PLTE":
            if plte is not None:
                raise Refused("two PLTE chunks")
            plte = body
        elif kind == b"IDAT":
            if plte is None:
                raise Refused("IDAT before PLTE")
            idat.append(body)
        elif not kind[0] & 0x20:
            raise Refused("unknown critical chunk")
        pos += 12 + length
    if not idat:
        raise Refused("no IDAT")
    if not plte or len(plte) % 3:
        raise Refused("bad PLTE")
    if len(plte) > 48:
        raise Refused("too many colours")
    colors = len(plte) // 3
    rgb = [tuple(plte[i:i + 3]) for i in range(0, len(plte), 3)]
    rowbytes = (width * depth + 7) // 8
    size = (rowbytes + 1) * height
    stream = b"".join(idat)
    if len(stream) > 2 * size + 1024:
        raise Refused("too much compressed data")
    small_window = len(stream) >= 1 and stream[0] & 0x0F == 8 and stream[0] >> 4 < 7
    d = zlib.decompressobj()
    try:
        raw = d.decompress(stream, size + 1)
    except zlib.error as e:
        if small_window and "too far back" in str(e):
            raise Either("zlib window under 32 KiB")
        raise Refused("bad zlib stream")
    if len(raw) > size:
        raise Refused("too much image data")
    if not d.eof or len(raw) < size:
        raise Refused("truncated image data")
    indices = []
    prev = bytes(rowbytes)
    for y in range(height):
        kind = raw[y * (rowbytes + 1)]
        line = bytearray(raw[y * (rowbytes + 1) + 1:(y + 1) * (rowbytes + 1)])
        if kind > 4:
            raise Refused("bad filter type")
        for i in range(rowbytes):
            a = line[i - 1] if i else 0
            b = prev[i]
            c = prev[i - 1] if i else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = bytes(line)
        for x in range(width):
            v = line[x] if depth == 8 else (line[x >> 1] & 15 if x & 1 else line[x >> 1] >> 4)
            if v >= colors:
                raise Refused("pixel not in the palette")
            indices.append(v)
    picture = Picture(width, height, colors, rgb, _packed(indices, width, height))
    if small_window:
        raise Either("zlib window under 32 KiB", picture)
    return picture


def decode_gif(data):
    """A GIF: GIF87a or GIF89a, a colour table (global, or local to the first
    image, which wins) of at most 16 entries, extension blocks before the first
    image skipped, the image covering the whole picture, not interlaced, an LZW
    minimum code size of 2 to 8, a terminated chain of data sub-blocks holding
    at most 3 bytes a pixel plus 1 KiB, an LZW
    stream (GIF's variable-width codes, a table of at most 4096 codes, kept
    when full) giving exactly width * height pixels, each in the table;
    anything after the end code, or after the chain, is ignored (a stream may
    also just stop once the picture is complete)."""
    pos = [0]

    def take(n):
        if pos[0] + n > len(data):
            raise Refused("truncated")
        pos[0] += n
        return data[pos[0] - n:pos[0]]

    if take(6) not in (b"GIF87a", b"GIF89a"):
        raise Refused("not a GIF file")
    width, height, flags, _, _ = struct.unpack("<HHBBB", take(7))
    _size(width, height)

    def table(flags):
        if not flags & 0x80:
            return None
        n = 2 << (flags & 7)
        if n > 16:
            raise Refused("too many colours")
        return take(3 * n)

    colors = table(flags)
    while True:
        block = take(1)[0]
        if block == 0x2C:
            break
        if block != 0x21:
            raise Refused("no image" if block == 0x3B else "bad block")
        take(1)
        while True:
            n = take(1)[0]
            if not n:
                break
            take(n)
    x, y, w, h, flags = struct.unpack("<HHHHB", take(9))
    if flags & 0x40:
        raise Refused("interlaced")
    if (x, y, w, h) != (0, 0, width, height):
        raise Refused("partial image")
    local = table(flags)
    colors = local if local is not None else colors
    if colors is None:
        raise Refused("no colour table")
    code_size = take(1)[0]
    if not 2 <= code_size <= 8:
        raise Refused("bad code size")
    pieces = []
    most = 3 * width * height + 1024
    at = pos[0]
    while True:
        if at >= len(data):
            raise Refused("truncated")
        n = data[at]
        if not n:
            break
        if at + 1 + n > len(data):
            raise Refused("truncated")
        pieces.append(data[at + 1:at + 1 + n])
        most -= n
        if most < 0:
            raise Refused("too much image data")
        at += 1 + n
    stream = b"".join(pieces)
    count = len(colors) // 3
    rgb = [tuple(colors[i:i + 3]) for i in range(0, len(colors), 3)]
    total = width * height
    clear = 1 << code_size
    out = bytearray()
    strings = []
    bits = code_size + 1
    prev = None
    acc = have = at = 0
    while True:
        while have < bits and at < len(stream):
            acc |= stream[at] << have
            at += 1
            have += 8
        if have < bits:
            break
        code = acc & ((1 << bits) - 1)
        acc >>= bits
        have -= bits
        if code == clear:
            strings = []
            bits = code_size + 1
            prev = None
            continue
        if code == clear + 1:
            break
        if code < clear:
            if code >= count:
                raise Refused("pixel not in the palette")
            s = bytes((code,))
        elif code - clear - 2 < len(strings):
            s = strings[code - clear - 2]
        elif code - clear - 2 == len(strings) and prev is not None:
            s = prev + prev[:1]
        else:
            raise Refused("bad LZW code")
        if len(out) + len(s) > total:
            raise Refused("too much image data")
        out += s
        if prev is not None and len(strings) + clear + 2 < 4096:
            strings.append(prev + s[:1])
            if len(strings) + clear + 2 == 1 << bits and bits < 12:
                bits += 1
        prev = s
    if len(out) < total:
        raise Refused("truncated image data")
    return Picture(width, height, count, rgb, _packed(out, width, height))


DECODERS = {"bmp": decode_bmp, "png": decode_png, "gif": decode_gif}


def _digest(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()[:16]


def expectations(data, suffix, dialect):
    """What each operation of fuzz_loaders.py must give for `data` named *.suffix:
    {op: ("ok", digest) | ("no", why) | ("either", digest or None, why)}."""
    swap = dialect == "mp"
    read = {}
    for kind, decode in DECODERS.items():
        try:
            read[kind] = ("ok", decode(data), "")
        except Refused as e:
            read[kind] = ("no", None, str(e))
        except Either as e:
            read[kind] = ("either", e.picture, str(e))

    def judge(kind, show, usable=lambda p: True):
        if kind is None:
            return ("no", "unsupported format")
        state, picture, why = read[kind]
        if state == "no":
            return ("no", why)
        if picture is None:
            return ("either", None, why)
        if not usable(picture):
            return ("no", "not usable here")
        digest = show(picture, images.wire_palette(picture.rgb, swap))
        return ("ok", digest) if state == "ok" else ("either", digest, why)

    def whole(p, palette):
        return _digest(struct.pack("<III", p.width, p.height, p.colors), palette, p.pixels)

    def bank(p, palette):
        return _digest(palette, p.pixels)

    def grid(p, palette):
        return _digest(p.pixels + bytes(GRID_BYTES - len(p.pixels)))

    is_bank = lambda p: (p.width, p.height) == (16, 256)  # noqa: E731
    fits = lambda p: len(p.pixels) <= GRID_BYTES  # noqa: E731
    named = suffix if suffix in DECODERS else None
    return {
        "B": judge("bmp", whole),
        "P": judge("png", whole),
        "G": judge("gif", whole),
        "I": judge(named, bank, is_bank),
        "M": judge(named if named in ("png", "gif") else "bmp", bank, is_bank),
        "F": judge("gif", bank, is_bank),
        "D": judge(named or "bmp", grid, fits),
    }


# ================================================================== valid images

# the sizes of the valid images besides banks (16x256); the largest ones are in fixed_cases()
SIZES = [(1, 1), (2, 1), (1, 2), (5, 3), (8, 8), (13, 7), (16, 16), (3, 40), (31, 9), (16, 255),
         (64, 64), (128, 32), (16, 128), (17, 255), (100, 7)]
INTERESTING = [0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 39, 40, 41, 54, 64, 108, 124, 127, 128,
               255, 256, 257, 4095, 4096, 32767, 32768, 60000, 65535, 65536, 65537,
               0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, -1, -2, -16, -256, -60000, -0x80000000]


def picture(rng, width, height, colors):
    """Rows of colour indices: stage's test bank picture, noise or flat colour."""
    style = rng.random()
    if style < 0.6 and width <= 64:
        return images.bank_picture(colors, rng.randrange(1000), width, height)
    if style < 0.9:
        return [[rng.randrange(colors) for _ in range(width)] for _ in range(height)]
    v = rng.randrange(colors)
    return [[v] * width for _ in range(height)]


class Base:
    """A valid image and what its mutations need: the kind, the bytes, the
    offsets where its structures start and end, and (PNG, GIF) its parts."""

    def __init__(self, kind, data, marks, parts=None, label=""):
        self.kind = kind
        self.data = data
        self.marks = sorted(set(m for m in marks if 0 <= m <= len(data)))
        self.parts = parts
        self.label = label


def make_bmp(rng, size, colors=None):
    width, height = size
    n = colors or rng.choice([2, 3, 5, 8, 12, 15, 16, 16, 16])
    rows = picture(rng, width, height, n)
    rgb = images.palette_rgb(n, rng.randrange(1000))
    header = rng.choice([40, 40, 40, 52, 56, 64, 108, 124])
    top_down = rng.random() < 0.3
    used = 0 if n == 16 and rng.random() < 0.5 else n
    gap = rng.choice([0, 0, 0, 2, 17])
    data = bytearray(images.bmp(rows, rgb, header=header, top_down=top_down, colors_used=used,
                                palette_gap=gap))
    stride = (width + 7) // 8 * 4
    offset = struct.unpack_from("<I", data, 10)[0]
    if rng.random() < 0.2:  # junk in the row padding, which is ignored
        for r in range(height):
            for i in range((width + 1) // 2, stride):
                data[offset + r * stride + i] = rng.randrange(256)
        if width & 1:
            for r in range(height):
                data[offset + r * stride + width // 2] |= rng.randrange(16)
    marks = [0, 2, 6, 10, 14, 18, 22, 26, 28, 30, 34, 38, 42, 46, 50, 54, 14 + header,
             14 + header + 4 * n, offset, len(data)]
    for r in (1, 2, height // 2, height - 1):
        marks.append(offset + r * stride)
    return Base("bmp", bytes(data), marks, label="%dx%d %dc h%d" % (width, height, n, header))


def png_filtered(rows, width, depth, filters):
    """The filtered scanlines of rows of indices."""
    rowbytes = (width * depth + 7) // 8
    raw = bytearray()
    prev = bytes(rowbytes)
    for y, row in enumerate(rows):
        line = bytearray(rowbytes)
        for x in range(width):
            if depth == 8:
                line[x] = row[x]
            elif x & 1:
                line[x >> 1] |= row[x]
            else:
                line[x >> 1] |= row[x] << 4
        raw += images.png_filter(filters[y % len(filters)], line, prev)
        prev = bytes(line)
    return bytes(raw)


def compress(raw, rng):
    level = rng.choice([0, 1, 6, 9, 9])
    if rng.random() < 0.1:  # a smaller declared window (the firmware's window is 1 << wbits)
        c = zlib.compressobj(level, zlib.DEFLATED, rng.choice([9, 10, 12, 15]))
        return c.compress(raw) + c.flush()
    return zlib.compress(raw, level)


def chunk(kind, body, crc=None, length=None):
    return {"kind": kind, "body": body, "crc": crc, "length": length}


def make_png(rng, size, colors=None):
    width, height = size
    n = colors or rng.choice([2, 3, 5, 8, 12, 15, 16, 16, 16])
    depth = rng.choice([4, 8])
    rows = picture(rng, width, height, n)
    rgb = images.palette_rgb(n, rng.randrange(1000))
    filters = rng.choice([(0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4), tuple(rng.randrange(5) for _ in range(7))])
    raw = png_filtered(rows, width, depth, filters)
    chunks = [chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, 3, 0, 0, 0))]
    extras = [(b"tEXt", b"Comment\x00stage"), (b"gAMA", b"\x00\x00\xb1\x8f"), (b"pHYs", bytes(9)),
              (b"tIME", bytes(7)), (b"zzZz", b"private")]
    for kind, body in extras:
        if rng.random() < 0.2:
            chunks.append(chunk(kind, body))
    chunks.append(chunk(b"PLTE", b"".join(bytes(c) for c in rgb)))
    if rng.random() < 0.2:
        chunks.append(chunk(b"tRNS", bytes([0] * rng.randrange(1, n + 1))))
    parts = {"width": width, "height": height, "depth": depth, "colors": n, "raw": raw, "rows": rows,
             "chunks": chunks}
    set_idat(parts, compress(raw, rng), rng.choice([1, 1, 1, 2, 5]))
    chunks.append(chunk(b"IEND", b""))
    data, marks = png_bytes(parts)
    return Base("png", data, marks, parts, "%dx%d %dc d%d f%s" % (width, height, n, depth, "".join(map(str, filters))))


def set_idat(parts, stream, split, zero_length=False):
    """Replaces the IDAT chunks (at the first one's place, else before IEND)."""
    chunks = parts["chunks"]
    at = next((i for i, c in enumerate(chunks) if c["kind"] == b"IDAT"), None)
    if at is None:
        at = next((i for i, c in enumerate(chunks) if c["kind"] == b"IEND"), len(chunks))
    chunks[:] = [c for c in chunks if c["kind"] != b"IDAT"]
    step = max(1, -(-len(stream) // split))
    new = [chunk(b"IDAT", stream[i:i + step]) for i in range(0, len(stream), step)] or [chunk(b"IDAT", b"")]
    if zero_length:
        new.insert(len(new) // 2, chunk(b"IDAT", b""))
    chunks[at:at] = new


def png_bytes(parts):
    out = bytearray(parts.get("signature", PNG_SIGNATURE))
    marks = [0, 4, 8]
    for c in parts["chunks"]:
        start = len(out)
        body = c["body"]
        length = len(body) if c["length"] is None else c["length"]
        crc = zlib.crc32(c["kind"] + body) if c["crc"] is None else c["crc"]
        out += struct.pack(">I", length & 0xFFFFFFFF) + c["kind"] + body + struct.pack(">I", crc & 0xFFFFFFFF)
        marks += [start, start + 4, start + 8, start + 8 + len(body), len(out)]
        if c["kind"] == b"IHDR":
            marks += [start + 8 + k for k in (4, 8, 9, 10, 11, 12)]
        elif c["kind"] == b"IDAT" and len(body) > 6:
            marks += [start + 9, start + 10, start + 8 + len(body) // 2, start + 8 + len(body) - 4]
    out += parts.get("tail", b"")
    return bytes(out), marks


def make_gif(rng, size, colors=None):
    width, height = size
    width, height = min(width, 65535), min(height, 65535)  # 16-bit fields
    n = colors or rng.choice([2, 3, 4, 5, 8, 12, 16, 16, 16])
    rows = picture(rng, width, height, n)
    rgb = images.palette_rgb(n, rng.randrange(1000))
    slots = 2
    while slots < n:
        slots *= 2
    bits = slots.bit_length() - 2
    table = b"".join(bytes(c) for c in rgb) + bytes(3 * (slots - n))
    local = rng.random() < 0.2
    code_size = rng.choice([max(2, bits + 1)] * 3 + list(range(max(2, bits + 1), 9)))
    extensions = []
    if rng.random() < 0.7:
        extensions.append(b"\x21\xf9\x04\x00\x0a\x00\x00\x00")
    if rng.random() < 0.4:
        extensions.append(b"\x21\xfe" + images.sub_blocks(b"stage " * rng.randrange(1, 60)))
    if rng.random() < 0.3:
        extensions.append(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
    if rng.random() < 0.2:
        extensions.append(b"\x21\x01\x0c" + bytes(12) + images.sub_blocks(b"plain text"))
    rng.shuffle(extensions)
    indices = [v for row in rows for v in row]
    codes = images.lzw_encode(indices, code_size, rng.choice([None, None, None, 37, 500]),
                              rng.random() < 0.2)
    parts = {
        "version": rng.choice([b"GIF89a", b"GIF89a", b"GIF87a"]),
        "width": width, "height": height,
        "flags": 0 if local else 0x80 | 0x70 | bits, "background": 0, "aspect": 0,
        "global": b"" if local else table,
        "extensions": extensions,
        "descriptor": [0, 0, width, height, (0x80 | bits) if local else 0],
        "local": table if local else b"",
        "code_size": code_size, "codes": codes, "lzw": None, "lzw_tail": b"",
        "block_size": rng.choice([255, 255, 254, 100, 17, 1]),
        "terminated": True, "after": b"\x3b", "colors": n,
    }
    data, marks = gif_bytes(parts)
    return Base("gif", data, marks, parts, "%dx%d %dc cs%d%s" % (width, height, n, code_size, " local" if local else ""))


def gif_bytes(g):
    out = bytearray(g["version"])
    marks = [0, 3, 6]
    out += struct.pack("<HHBBB", g["width"] & 0xFFFF, g["height"] & 0xFFFF, g["flags"], g["background"], g["aspect"])
    marks += [8, 10, 11, 13]
    out += g["global"]
    for ext in g["extensions"]:
        marks += [len(out), len(out) + 1, len(out) + 2]
        out += ext
    marks += [len(out), len(out) + 1, len(out) + 5, len(out) + 9]
    out += b"\x2c" + struct.pack("<HHHHB", *[v & 0xFFFF for v in g["descriptor"][:4]] + [g["descriptor"][4]])
    marks.append(len(out))
    out += g["local"]
    marks.append(len(out))
    out.append(g["code_size"] & 0xFF)
    data = (images.pack_codes(g["codes"]) if g["lzw"] is None else g["lzw"]) + g["lzw_tail"]
    size = g["block_size"]
    blocks = list(range(0, len(data), size))
    for k, i in enumerate(blocks):
        if k < 3 or k >= len(blocks) - 3:
            marks += [len(out), len(out) + 1]
        piece = data[i:i + size]
        out.append(len(piece))
        out += piece
    marks.append(len(out))
    if g["terminated"]:
        out.append(0)
    marks.append(len(out))
    out += g["after"]
    return bytes(out), marks


MAKERS = {"bmp": make_bmp, "png": make_png, "gif": make_gif}
BANKS = 8  # banks in each kind's pool of valid images


def base_pool(seed, banks=BANKS):
    """The valid images mutations start from, for each kind: `banks` banks
    (16x256; the first of 16 colours, the second of 5) and one picture of
    every other size but the largest, colours and options at random."""
    rng = random.Random("pool:%d" % seed)
    pool = {}
    for kind, make in MAKERS.items():
        pool[kind] = [make(rng, (16, 256), 16), make(rng, (16, 256), 5)]
        pool[kind] += [make(rng, (16, 256)) for _ in range(banks - 2)]
        pool[kind] += [make(rng, size) for size in SIZES]
    return pool


# ================================================================== mutations


def copy_parts(parts):
    out = dict(parts)
    if "chunks" in parts:
        out["chunks"] = [dict(c) for c in parts["chunks"]]
    for key in ("extensions", "codes", "descriptor"):
        if key in parts:
            out[key] = list(parts[key])
    return out


def hostile(rng, original=None):
    values = list(INTERESTING)
    if original is not None:
        values += [original + 1, original - 1, original * 2, original // 2, -original] * 3
    return rng.choice(values)


BMP_FIELDS = {"size": (2, "<I"), "reserved": (6, "<I"), "offset": (10, "<I"), "header": (14, "<I"),
              "width": (18, "<i"), "height": (22, "<i"), "planes": (26, "<H"), "bpp": (28, "<H"),
              "compression": (30, "<I"), "image_size": (34, "<I"), "used": (46, "<I"),
              "important": (50, "<I")}


def put(data, at, fmt, value):
    bits = struct.calcsize(fmt) * 8
    value &= (1 << bits) - 1
    if fmt[-1].islower() and value >= 1 << (bits - 1):
        value -= 1 << bits
    struct.pack_into(fmt, data, at, value)


def bmp_field(rng, base):
    data = bytearray(base.data)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(list(BMP_FIELDS) + ["width", "height", "used", "offset", "bpp", "header"])
        at, fmt = BMP_FIELDS[name]
        put(data, at, fmt, hostile(rng, struct.unpack_from(fmt, data, at)[0]))
    return data


def bmp_dims(rng, base):
    data = bytearray(base.data)
    w, h = struct.unpack_from("<ii", data, 18)
    w, h = rng.choice([(60000, 60000), (0, h), (w, 0), (w, -h), (w, -0x80000000), (-w, h), (65536, 1),
                       (1, 65536), (256, 256), (256, 257), (w + 1, h), (w, h + 1), (w - 1, h), (w, h - 1),
                       (h, w), (-1, -1), (0x7FFFFFFF, 1), (2, 32768), (w * 2, h // 2)])
    put(data, 18, "<i", w)
    put(data, 22, "<i", h)
    return data


def bmp_pixels(rng, base):
    """Pixels outside a short palette, or the palette shortened under the pixels."""
    data = bytearray(base.data)
    offset = struct.unpack_from("<I", data, 10)[0]
    if rng.random() < 0.5:
        for _ in range(rng.randrange(1, 4)):
            at = rng.randrange(offset, len(data))
            data[at] = rng.randrange(256)
    else:
        put(data, 46, "<I", rng.randrange(1, 17))
    return data


def png_ihdr(rng, parts, keep_crc=False):
    c = next(c for c in parts["chunks"] if c["kind"] == b"IHDR")
    fields = list(struct.unpack(">IIBBBBB", c["body"]))
    i = rng.randrange(7)
    if i < 2:
        fields[i] = hostile(rng, fields[i]) & 0xFFFFFFFF
    elif rng.random() < 0.5:
        fields[i] = rng.choice({2: [1, 2, 3, 4, 8, 16, 0, 255], 3: [0, 2, 3, 4, 6, 7, 255]}.get(i, [0, 1, 2, 255]))
    else:
        fields[i] = rng.randrange(256)
    old = c["body"]
    c["body"] = struct.pack(">IIBBBBB", *fields)
    if keep_crc:
        c["crc"] = zlib.crc32(b"IHDR" + old)
    return "png-ihdr" + ("-stale-crc" if keep_crc else "")


def png_plte(rng, parts):
    c = next(c for c in parts["chunks"] if c["kind"] == b"PLTE")
    body = c["body"]
    choice = rng.randrange(6)
    if choice == 0:
        c["body"] = body + bytes(rng.randrange(1, 3))  # not a multiple of 3
    elif choice == 1:
        c["body"] = b""
    elif choice == 2:
        c["body"] = body + bytes(rng.randrange(256) for _ in range(3 * rng.randrange(1, 241)))
    elif choice == 3:
        c["body"] = body[:3 * rng.randrange(1, max(2, len(body) // 3))]  # fewer colours than used
    elif choice == 4:
        c["body"] = body[:rng.randrange(len(body) + 1)]
    else:
        c["body"] = body[:3]
    return "png-plte"


def png_chunks(rng, parts):
    chunks = parts["chunks"]
    kinds = [b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tEXt"]
    what = rng.randrange(5)
    if what == 0:  # a chunk missing
        kind = rng.choice(kinds[:4])
        if kind == b"IDAT" and rng.random() < 0.5:
            idats = [i for i, c in enumerate(chunks) if c["kind"] == b"IDAT"]
            del chunks[rng.choice(idats)]
        else:
            chunks[:] = [c for c in chunks if c["kind"] != kind]
        return "png-missing-" + kind.decode()
    if what == 1:  # a chunk twice
        i = rng.randrange(len(chunks))
        c = dict(chunks[i])
        if c["kind"] in (b"IHDR", b"PLTE") and rng.random() < 0.5:
            if c["kind"] == b"IHDR":  # a second, different IHDR
                f = list(struct.unpack(">IIBBBBB", c["body"]))
                f[rng.randrange(3)] = rng.choice([1, 8, 16, 32, 4])
                c["body"] = struct.pack(">IIBBBBB", *f)
            else:
                c["body"] = bytes(rng.randrange(256) for _ in range(len(c["body"])))
        chunks.insert(rng.randrange(1, len(chunks) + 1), c)
        return "png-twice-" + c["kind"].decode("latin-1")
    if what == 2:  # a chunk moved
        c = chunks.pop(rng.randrange(len(chunks)))
        chunks.insert(rng.randrange(len(chunks) + 1), c)
        return "png-moved-" + c["kind"].decode("latin-1")
    if what == 3:  # an extra chunk
        kind = rng.choice([b"ABCD", b"abcD", b"tEXt", b"IDAT", b"\x00\x00\x00\x00", b"iTXt", b"cHRM",
                           bytes(rng.randrange(256) for _ in range(4))])
        body = bytes(rng.randrange(256) for _ in range(rng.choice([0, 0, 1, 5, 40])))
        chunks.insert(rng.randrange(1, len(chunks) + 1), chunk(kind, body))
        return "png-extra-chunk"
    # a wrong length field
    c = rng.choice(chunks)
    n = len(c["body"])
    c["length"] = rng.choice([n + 1, n - 1, n + 4, n + 12, 0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, n * 2])
    return "png-length"


def png_crc(rng, parts):
    c = rng.choice(parts["chunks"])
    c["crc"] = (zlib.crc32(c["kind"] + c["body"]) ^ (1 << rng.randrange(32))) if rng.random() < 0.8 else 0
    return "png-crc"


def png_raw(rng, parts):
    """Changes the filtered rows, then compresses them again."""
    raw = bytearray(parts["raw"])
    rowbytes = (parts["width"] * parts["depth"] + 7) // 8
    what = rng.randrange(5)
    if what == 0:
        for _ in range(rng.randrange(1, 3)):
            raw[(rowbytes + 1) * rng.randrange(parts["height"])] = rng.choice([5, 6, 7, 128, 255, rng.randrange(256)])
        label = "png-filter-byte"
    elif what == 1:
        for _ in range(rng.randrange(1, 4)):
            y = rng.randrange(parts["height"])
            raw[(rowbytes + 1) * y + 1 + rng.randrange(rowbytes)] = rng.randrange(256)
        label = "png-pixel-bytes"
    elif what == 2:
        raw = raw[:rng.randrange(len(raw))]
        label = "png-rows-short"
    elif what == 3:
        raw += bytes(rng.randrange(256) for _ in range(rng.choice([1, 2, rowbytes + 1, 100])))
        label = "png-rows-long"
    else:  # every row with one filter type, depth 8 values past the palette
        rows = [[v if rng.random() < 0.99 else rng.randrange(16, 256) if parts["depth"] == 8 else 15
                 for v in row] for row in parts["rows"]]
        raw = bytearray(png_filtered(rows, parts["width"], parts["depth"], (rng.randrange(5),)))
        label = "png-rows-refiltered"
    set_idat(parts, compress(bytes(raw), rng), rng.choice([1, 1, 3]))
    return label


def png_zlib(rng, parts):
    """Breaks the zlib stream of the IDAT chunks (their CRCs right)."""
    stream = bytearray(zlib.compress(parts["raw"], rng.choice([0, 1, 9])))
    what = rng.randrange(10)
    if what == 0:
        stream = stream[:rng.randrange(len(stream))]
        label = "zlib-cut"
    elif what == 1:
        stream = stream[:len(stream) - rng.randrange(1, 5)]
        label = "zlib-no-adler"
    elif what == 2:
        for _ in range(rng.randrange(1, 4)):
            stream[rng.randrange(2, len(stream))] ^= 1 << rng.randrange(8)
        label = "zlib-bit-flip"
    elif what == 3:
        stream[rng.randrange(2)] = rng.randrange(256)
        label = "zlib-header"
    elif what == 4:
        cinfo = rng.randrange(9)
        flg = rng.choice([0, 0x20, 0x40, 0x80, 0xC0])
        cmf = cinfo << 4 | 8
        flg |= 31 - (cmf * 256 + flg) % 31 if (cmf * 256 + flg) % 31 else 0
        stream[0:2] = bytes((cmf, flg & 0xFF))
        label = "zlib-header-checked"
    elif what == 5:
        stream[-1 - rng.randrange(4)] ^= 1 << rng.randrange(8)
        label = "zlib-adler"
    elif what == 6:
        stream += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
        label = "zlib-trailing"
    elif what == 7:
        stream = bytearray()
        label = "zlib-empty"
    elif what == 8:
        stream = stream[2:-4]
        label = "zlib-raw-deflate"
    else:
        half = len(parts["raw"]) // 2
        stream = bytearray(zlib.compress(parts["raw"][:half]) + zlib.compress(parts["raw"][half:]))
        label = "zlib-two-streams"
    set_idat(parts, bytes(stream), rng.choice([1, 1, 2, 7]), zero_length=rng.random() < 0.1)
    return label


def mutate_png(rng, base):
    parts = copy_parts(base.parts)
    r = rng.random()
    if r < 0.15:
        label = png_ihdr(rng, parts, keep_crc=rng.random() < 0.15)
    elif r < 0.25:
        label = png_plte(rng, parts)
    elif r < 0.45:
        label = png_chunks(rng, parts)
    elif r < 0.52:
        label = png_crc(rng, parts)
    elif r < 0.72:
        label = png_raw(rng, parts)
    elif r < 0.92:
        label = png_zlib(rng, parts)
    elif r < 0.955:
        set_idat(parts, zlib.compress(parts["raw"]), rng.randrange(1, 30), zero_length=True)
        label = "png-idat-split"
    elif r < 0.96:
        stream = zlib.compress(parts["raw"])
        if rng.random() < 0.5:
            set_idat(parts, stream + bytes(rng.choice([100, 5000, PAD])), 1)
            label = "png-idat-padded"
        else:
            set_idat(parts, stream, 1)
            at = next(i for i, c in enumerate(parts["chunks"]) if c["kind"] == b"IDAT")
            parts["chunks"][at:at] = [chunk(b"IDAT", b"")] * rng.choice([10, 1000, 5000])
            label = "png-idat-many"
    elif r < 0.98:
        parts["signature"] = bytes(b ^ (1 << rng.randrange(8)) if i == rng.randrange(8) else b
                                   for i, b in enumerate(PNG_SIGNATURE))
        label = "png-signature"
    else:
        parts["tail"] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 50)))
        label = "png-after-iend"
    return png_bytes(parts)[0], label


def gif_header(rng, g):
    what = rng.randrange(4)
    if what == 0:
        g["version"] = rng.choice([b"GIF88a", b"gif89a", b"GIF89b", b"GIF87a", b"GIF89a", b"GIF\x00\x00\x00"])
        return "gif-version"
    if what == 1:
        g["width"], g["height"] = rng.choice([(0, g["height"]), (g["width"], 0), (65535, 65535), (60000, 60000),
                                              (g["width"] + 1, g["height"]), (g["width"], g["height"] - 1),
                                              (257, 256), (256, 257), (1, 65535)])
        return "gif-screen-size"
    if what == 2:
        if g["flags"] & 0x80 and rng.random() < 0.5:
            g["flags"] = g["flags"] & ~7 | rng.randrange(8)  # the table's size, its bytes unchanged
        else:
            g["flags"] ^= 0x80
        return "gif-global-flags"
    g["global"] = g["global"][:rng.randrange(len(g["global"]) + 1)] if g["global"] else bytes(48)
    return "gif-global-table"


def gif_extensions(rng, g):
    exts = g["extensions"]
    what = rng.randrange(6)
    if what == 0:
        exts.insert(0, b"\x21" + bytes([rng.randrange(256)]) + images.sub_blocks(bytes(rng.randrange(256) for _ in range(rng.randrange(300)))))
        return "gif-ext-unknown"
    if what == 1:  # a chain without its terminator: the image descriptor is read as blocks
        exts.append(b"\x21\xfe" + images.sub_blocks(b"no end here")[:-1])
        return "gif-ext-unterminated"
    if what == 2:  # a sub-block longer than what follows
        exts.append(b"\x21\xfe" + bytes([rng.choice([255, 200, 100])]) + b"short")
        return "gif-ext-overlong"
    if what == 3:
        exts.extend([b"\x21\xf9\x04\x00\x00\x00\x00\x00"] * rng.randrange(1, 200))
        return "gif-ext-many"
    if what == 4:
        exts.append(bytes([rng.choice([0x00, 0x99, 0x3B, 0x2B, 0x22, 0xFF])]))
        return "gif-bad-block"
    exts.append(b"\x21")
    return "gif-ext-no-label"


def gif_descriptor(rng, g):
    d = g["descriptor"]
    what = rng.randrange(5)
    if what == 0:
        i = rng.randrange(4)
        d[i] = rng.choice([0, 1, d[i] + 1, d[i] - 1, 65535, 256])
        return "gif-frame"
    if what == 1:
        d[4] |= 0x40
        return "gif-interlaced"
    if what == 2:
        d[4] = d[4] & ~7 | rng.randrange(8) | 0x80  # a local table announced, maybe without bytes
        return "gif-local-flags"
    if what == 3:  # both tables: the local one wins
        n = 2 << (d[4] & 7) if d[4] & 0x80 else len(g["global"]) // 3 or 16
        g["local"] = bytes(rng.randrange(256) for _ in range(3 * n))
        d[4] = d[4] & ~7 | 0x80 | (n.bit_length() - 2)
        return "gif-local-table"
    g["local"] = g["local"][:rng.randrange(len(g["local"]) + 1)] if g["local"] else b""
    return "gif-local-short"


def gif_lzw(rng, g):
    codes = g["codes"]
    clear = 1 << g["code_size"]
    what = rng.randrange(12)
    if len(codes) < 3:
        what = 10
    i = rng.randrange(1, len(codes) - 1) if len(codes) > 2 else 0
    if what == 0:
        code, width = codes[i]
        codes[i] = (rng.randrange(1 << width), width)
        label = "lzw-code"
    elif what == 1:
        code, width = codes[i]
        codes[i] = ((1 << width) - 1 - rng.randrange(3), width)
        label = "lzw-high-code"
    elif what == 2:
        del codes[i]
        label = "lzw-code-dropped"
    elif what == 3:
        codes.insert(i, (clear, codes[i][1]))
        label = "lzw-clear-inserted"
    elif what == 4:
        del codes[0]
        label = "lzw-no-first-clear"
    elif what == 5:
        del codes[-1]
        label = "lzw-no-end"
    elif what == 6:
        codes.insert(i, (clear + 1, codes[i][1]))
        label = "lzw-early-end"
    elif what == 7:
        delta = rng.choice([-1, 1])
        codes[i:] = [(c, max(1, min(12, w + delta))) for c, w in codes[i:]]
        label = "lzw-code-width"
    elif what == 8:
        j = rng.randrange(i, len(codes))
        codes[j:j] = codes[i:j] * rng.randrange(1, 3)
        label = "lzw-repeated"
    elif what == 9:
        g["lzw_tail"] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        label = "lzw-after-end"
    elif what == 10:
        g["lzw"] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 10, 100, 1000])))
        label = "lzw-random"
    else:
        g["lzw"] = images.pack_codes(codes)[:rng.randrange(len(images.pack_codes(codes)))]
        label = "lzw-cut"
    return label


def gif_blocks(rng, g):
    what = rng.randrange(4)
    if what == 0:
        g["block_size"] = rng.randrange(1, 256)
        return "gif-block-size"
    if what == 1:
        g["terminated"] = False
        return "gif-unterminated"
    if what == 2:
        g["after"] = rng.choice([b"", b"\x3b" + bytes(rng.randrange(256) for _ in range(9)), b"\x2c" + bytes(20)])
        return "gif-after"
    g["code_size"] = rng.choice([0, 1, 9, 11, 12, 255, g["code_size"] + 1, g["code_size"] - 1])
    return "gif-code-size"


def mutate_gif(rng, base):
    g = copy_parts(base.parts)
    r = rng.random()
    if r < 0.15:
        label = gif_header(rng, g)
    elif r < 0.3:
        label = gif_extensions(rng, g)
    elif r < 0.45:
        label = gif_descriptor(rng, g)
    elif r < 0.8:
        label = gif_lzw(rng, g)
    elif r < 0.81:
        g["lzw_tail"] = bytes(rng.choice([1000, 100000, PAD]))
        g["block_size"] = 255
        label = "gif-data-padded"
    else:
        label = gif_blocks(rng, g)
    data, marks = gif_bytes(g)
    if label in ("gif-block-size", "gif-after") or rng.random() < 0.1:
        # a sub-block length byte of the image data changed
        if rng.random() < 0.5:
            data = bytearray(data)
            at = rng.choice(marks[-8:-2])
            if at < len(data):
                data[at] = rng.choice([0, 1, 255, rng.randrange(256)])
                label += "+block-length"
    return bytes(data), label


def mutate_bmp(rng, base):
    r = rng.random()
    if r < 0.5:
        return bmp_field(rng, base), "bmp-field"
    if r < 0.8:
        return bmp_dims(rng, base), "bmp-size"
    return bmp_pixels(rng, base), "bmp-pixels"


SPECIFIC = {"bmp": mutate_bmp, "png": mutate_png, "gif": mutate_gif}


def generic(rng, base, pool):
    data = bytearray(base.data)
    if len(data) < 2:
        return data + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4))), "bytes-inserted"
    r = rng.random()
    if r < 0.3:
        at = rng.choice(base.marks) + rng.choice([-1, 0, 0, 1])
        return data[:max(0, at)], "cut-at-structure"
    if r < 0.4:
        return data[:rng.randrange(len(data))], "cut-anywhere"
    if r < 0.6:
        for _ in range(rng.choice([1, 1, 2, 4, 8])):
            at = rng.randrange(len(data))
            data[at] = data[at] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
        return data, "byte-flips"
    if r < 0.7:
        at = min(rng.choice(base.marks), len(data) - 1)
        data[at] = rng.choice([0, 0xFF, 0x7F, 0x80, 1])
        return data, "byte-at-structure"
    if r < 0.85:
        other = rng.choice(pool[rng.choice(list(pool))]).data
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randrange(1, 300))
        c = rng.randrange(len(other))
        d = min(len(other), c + rng.randrange(1, 300))
        return data[:a] + other[c:d] + data[b:], "splice"
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randrange(1, 64))
    what = rng.randrange(3)
    if what == 0:
        return data[:a] + data[b:], "bytes-deleted"
    if what == 1:
        return data[:b] + data[a:b] + data[b:], "bytes-repeated"
    return data[:a] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) + data[a:], "bytes-inserted"


# ================================================================== cases


PAD = 1200000  # bytes of padding in the hostile files below: more than the heap


def fixed_cases():
    """The files every run starts with: (label, kind, bytes). First those that
    showed loader bugs, then the largest pictures stage accepts (which must
    load within the fixed heap)."""
    # even columns 0: the rows read as 8-bit pixels too (8x256, same data length)
    rows = [[v if x & 1 else 0 for x, v in enumerate(row)] for row in images.bank_picture(16)]
    rgb = images.palette_rgb(16)
    raw = png_filtered(rows, 16, 4, (0,))
    out = []

    def png_of(*chunks):
        return png_bytes({"chunks": list(chunks)})[0]

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 256, 4, 3, 0, 0, 0))
    ihdr8 = chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 256, 8, 3, 0, 0, 0))
    plte = chunk(b"PLTE", b"".join(bytes(c) for c in rgb))
    plte2 = chunk(b"PLTE", b"".join(bytes(c) for c in reversed(rgb)))
    stream = zlib.compress(raw)
    idat = chunk(b"IDAT", stream)
    iend = chunk(b"IEND", b"")
    # a second IHDR or PLTE changed the picture the data was decoded as
    out.append(("regression-png-second-ihdr", "png", png_of(ihdr, plte, idat, ihdr8, iend)))
    out.append(("regression-png-ihdr-after-plte", "png", png_of(ihdr, plte, ihdr8, idat, iend)))
    out.append(("regression-png-second-plte", "png", png_of(ihdr, plte, plte2, idat, iend)))
    out.append(("regression-png-plte-after-idat", "png", png_of(ihdr, plte, idat, plte2, iend)))
    # memory that grew with the file, not with the picture: a list entry per
    # IDAT chunk, the IDAT data, IHDR and PLTE bodies and GIF data read whole
    empty = [chunk(b"IDAT", b"")] * 10000
    out.append(("regression-png-many-idat", "png", png_of(ihdr, plte, *(empty + [idat] + empty + [iend]))))
    out.append(("regression-png-idat-padded", "png", png_of(ihdr, plte, chunk(b"IDAT", stream + bytes(PAD)), iend)))
    out.append(("regression-png-plte-huge", "png", png_of(ihdr, chunk(b"PLTE", bytes(PAD)), idat, iend)))
    out.append(("regression-png-ihdr-huge", "png", png_of(chunk(b"IHDR", ihdr["body"] + bytes(PAD)), plte, idat, iend)))
    good = images.gif(rows, rgb)
    out.append(("regression-gif-data-padded", "gif", good[:-2] + (b"\xff" + bytes(255)) * (PAD // 256) + good[-2:]))
    # compressed data at the limit stage allows (twice the rows plus 1 KiB), and one byte over
    limit = 2 * len(raw) + 1024
    out.append(("limit-png-idat", "png", png_of(ihdr, plte, chunk(b"IDAT", stream + bytes(limit - len(stream))), iend)))
    out.append(("limit-png-idat-over", "png", png_of(ihdr, plte, chunk(b"IDAT", stream + bytes(limit + 1 - len(stream))), iend)))
    # the largest pictures: 65536 pixels, noise, the worst layouts for memory
    rng = random.Random("largest")
    for size in ((256, 256), (1, 65536), (65536, 1)):
        out.append(("largest-bmp-%dx%d" % size, "bmp", make_bmp(rng, size, 16).data))
    tall = [[rng.randrange(16)] for _ in range(65536)]
    wide = [[rng.randrange(16) for _ in range(65536)]]
    square = [[rng.randrange(16) for _ in range(256)] for _ in range(256)]
    for name, picture_, width in (("1x65536", tall, 1), ("65536x1", wide, 65536), ("256x256", square, 256)):
        for depth in (4, 8):
            stored = zlib.compress(png_filtered(picture_, width, depth, (4,)), 0)
            ihdr_ = chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(picture_), depth, 3, 0, 0, 0))
            out.append(("largest-png-%s-d%d" % (name, depth), "png", png_of(ihdr_, plte, chunk(b"IDAT", stored), iend)))
    for name, picture_ in (("1x65535", tall[:65535]), ("65535x1", [wide[0][:65535]]), ("256x256", square)):
        out.append(("largest-gif-%s" % name, "gif", images.gif(picture_, rgb, min_size=8, defer_clear=True)))
    return out


def sweep(pool):
    """Every truncation at a structural offset (and one byte either side) of
    the first bank of each kind."""
    out = []
    for kind in MAKERS:
        base = pool[kind][0]
        cuts = sorted(set(max(0, m + d) for m in base.marks for d in (-1, 0, 1) if m + d < len(base.data)))
        out += [(kind, base.data[:n], "cut-%d" % n) for n in cuts]
    return out


class Cases:
    """The files of one seed: case i is the same on every run."""

    def __init__(self, seed):
        self.seed = seed
        self.pool = base_pool(seed)
        self.sweep = sweep(self.pool)
        self.fixed = fixed_cases()

    def __call__(self, i):
        """(kind, data, label) of case i."""
        if i < len(self.fixed):
            label, kind, data = self.fixed[i]
            return kind, data, label
        i -= len(self.fixed)
        if i % 6 == 0 and i // 6 < len(self.sweep):
            kind, data, label = self.sweep[i // 6]
            return kind, data, "truncated"
        rng = random.Random("case:%d:%d" % (self.seed, i))
        kind = rng.choice(list(MAKERS))
        bases = self.pool[kind]
        base = rng.choice(bases[:BANKS] if rng.random() < 0.45 else bases[BANKS:])
        r = rng.random()
        if r < 0.03:
            return kind, base.data, "valid"
        if r < 0.6:
            data, label = SPECIFIC[kind](rng, base)
        else:
            data, label = generic(rng, base, self.pool)
        if rng.random() < 0.08:  # a second mutation on top
            data, more = generic(rng, Base(kind, bytes(data), base.marks), self.pool)
            label += "+" + more
        return kind, bytes(data), label


def family(label):
    """A mutation label without its details, for the statistics."""
    label = label.split("+")[0]
    if label.startswith("png-missing") or label.startswith("png-twice") or label.startswith("png-moved"):
        return label[:label.index("-", 4)] + "-chunk"
    return label


# ================================================================== running


def normalise(message):
    """A message with quoted parts and numbers blanked, cut at "(", for counting."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'...'", message)
    message = re.sub(r"(type )0x[0-9a-fA-F]+", r"\1N", message)  # GIF block types
    message = re.sub(r"-?\d+", "N", message)
    return message.split(" (")[0].strip()


class Stats:
    def __init__(self):
        self.kinds = collections.Counter()
        self.read = collections.Counter()  # files their own loader read
        self.families = collections.Counter()
        self.outcomes = collections.Counter()
        self.tolerated = collections.Counter()
        self.failures = []
        self.slowest = (0, None)
        self.heap = []
        self.files = 0
        self.batches = 0
        self.generate = 0.0
        self.micro = 0.0


def judge(expect, got):
    """None if `got` (a fuzz_loaders.py outcome) satisfies `expect`, else the failure."""
    if got.startswith("ok:"):
        digest = got[3:]
        if expect[0] == "ok":
            return None if digest == expect[1] else "wrong result (the reference reads another picture)"
        if expect[0] == "either":
            return None if expect[1] in (None, digest) else "wrong result (%s)" % expect[2]
        return "accepted a file the reference refuses (%s)" % expect[1]
    kind, _, message = got.partition(":")
    if kind.startswith("!"):
        return "ValueError message does not name the file: %s" % message
    if kind not in ("ValueError", "OSError"):
        return "raised %s: %s" % (kind, message)
    if expect[0] == "ok":
        return "refused a file the reference reads: %s" % message
    return None


class Micro:
    """One MicroPython process running fuzz_loaders.py over a list of files.
    Threads read its output as it comes, each line with the time it came."""

    def __init__(self, mp, inst, paths, list_file, heap, dialect):
        with open(list_file, "w") as f:
            f.write("\n".join(paths) + "\n")
        env = dict(os.environ, MICROPYPATH=inst)
        self.started = time.time()
        self.proc = subprocess.Popen([mp, "-X", "heapsize=" + heap, DRIVER, list_file, dialect], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.err = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.err_thread = threading.Thread(target=lambda: self.err.append(self.proc.stderr.read()), daemon=True)
        self.err_thread.start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put((time.time(), line.decode(errors="replace").rstrip("\n")))
        self.lines.put((time.time(), None))

    def collect(self, quiet_limit):
        """Waits for the end, killing the process when no line comes for
        `quiet_limit` seconds; returns (lines, status, stderr, timed out)."""
        lines = []
        last = self.started
        timed_out = False
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, last + quiet_limit - time.time()))
            except queue.Empty:
                self.proc.kill()
                timed_out = True
                break
            if line is None:
                break
            lines.append(line)
            last = when
        status = self.proc.wait()
        self.err_thread.join(5)
        err = b"".join(self.err).decode(errors="replace")
        return lines, status, err, timed_out


class Runner:
    def __init__(self, args, mp, inst, work):
        self.args = args
        self.mp = mp
        self.inst = inst
        self.work = work
        self.cases = Cases(args.seed)
        self.stats = Stats()
        # a process that prints nothing for this long is stuck in a file
        self.quiet_limit = 2 * args.file_limit + 2

    def reproduce(self, i):
        return "python3 tests/python_games/fuzz_assets.py --seed %d --case %d --keep DIR" % (self.args.seed, i)

    def fail(self, i, kind, label, what):
        self.stats.failures.append((i, kind, label, what))
        if self.args.keep:
            os.makedirs(self.args.keep, exist_ok=True)
            kind_, data, _ = self.cases(i)
            with open(os.path.join(self.args.keep, "case-%d.%s" % (i, kind_)), "wb") as f:
                f.write(data)

    def make_batch(self, k, numbers):
        """Writes the batch's files; returns their records."""
        start = time.time()
        folder = os.path.join(self.work, "batch-%d" % (k % 2))
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        dialect = "mp" if (self.args.seed + k) % 4 == 3 else "cp"
        batch = []
        for i in numbers:
            kind, data, label = self.cases(i)
            path = os.path.join(folder, "%07d.%s" % (i, kind))
            with open(path, "wb") as f:
                f.write(data)
            batch.append((i, kind, label, path, expectations(data, kind, dialect)))
            self.stats.kinds[kind] += 1
            self.stats.families[family(label)] += 1
        self.stats.generate += time.time() - start
        return batch, dialect

    def check_file(self, record, line):
        i, kind, label, path, expect = record
        fields = line.split("\t")
        ms = int(fields[1])
        if ms > self.stats.slowest[0]:
            self.stats.slowest = (ms, i)
        if ms > self.args.file_limit * 1000:
            self.fail(i, kind, label, "took %d ms (limit %d s)" % (ms, self.args.file_limit))
        got = dict(f.split("=", 1) for f in fields[2:])
        if got.get("BPG"["bmp png gif".split().index(kind)], "").startswith("ok:"):
            self.stats.read[kind] += 1
        for op in OPS:
            outcome = got.get(op, "missing:no outcome")
            if outcome.startswith("ok:"):
                self.stats.outcomes["ok (read)"] += 1
            else:
                name, _, message = outcome.lstrip("!").partition(":")
                self.stats.outcomes["%s: %s" % (name, normalise(message))] += 1
            problem = judge(expect[op], outcome)
            if expect[op][0] == "either":
                self.stats.tolerated[expect[op][-1]] += 1
            if problem:
                self.fail(i, kind, label, "%s: %s" % (op, problem))

    def run_batch(self, batch, dialect, proc):
        """Collects the outcomes of `batch`, whose process `proc` runs; a file
        that hangs or crashes the VM is run alone, then the rest goes on."""
        pending = batch
        while pending:
            started = time.time()
            lines, status, err, timed_out = proc.collect(self.quiet_limit)
            self.stats.micro += time.time() - started
            done = [l for l in lines if l and l[0].isdigit()]
            for record, line in zip(pending, done):
                self.check_file(record, line)
            end = [l for l in lines if l.startswith("END\t")]
            if end and status == 0 and len(done) == len(pending):
                files, first, last, top = map(int, end[0].split("\t")[1:])
                self.stats.heap.append((first, last, top))
                if last - first > 16384:
                    self.fail(pending[0][0], pending[0][1], "batch", "heap grew from %d to %d bytes over the batch"
                              % (first, last))
                return
            if len(done) >= len(pending):
                culprit = pending[-1]
                self.fail(culprit[0], culprit[1], culprit[2],
                          "the batch ended badly after its last file (status %s): %s" % (status, err[-300:]))
                return
            culprit = pending[len(done)]
            self.alone(culprit, dialect, timed_out, status, err)
            pending = pending[len(done) + 1:]
            if pending:
                proc = Micro(self.mp, self.inst, [r[3] for r in pending],
                             os.path.join(self.work, "rest.txt"), self.args.heap, dialect)

    def alone(self, record, dialect, timed_out, status, err):
        """Runs the file a batch stopped in by itself and reports what it does."""
        i, kind, label, path, expect = record
        proc = Micro(self.mp, self.inst, [path], os.path.join(self.work, "alone.txt"), self.args.heap, dialect)
        lines, status2, err2, timed_out2 = proc.collect(self.quiet_limit)
        if timed_out2:
            self.fail(i, kind, label, "hangs (no result after %d s)" % self.quiet_limit)
        elif status2 != 0 or not any(l.startswith("END") for l in lines):
            self.fail(i, kind, label, "crashes MicroPython (status %s): %s" % (status2, err2.strip()[-300:]))
        else:
            self.check_file(record, [l for l in lines if l and l[0].isdigit()][0])
            what = "timed out" if timed_out else "stopped with status %s" % status
            self.fail(i, kind, label, "the batch %s in this file, which passes alone: %s" % (what, err.strip()[-300:]))

    def smoke(self):
        """Runs the driver on no file: it must start and end cleanly."""
        proc = Micro(self.mp, self.inst, [], os.path.join(self.work, "none.txt"), self.args.heap, "cp")
        lines, status, err, timed_out = proc.collect(self.quiet_limit)
        if status != 0 or not lines or not lines[-1].startswith("END\t0\t"):
            sys.exit("fuzz_assets.py: %s does not run (exit %s):\n%s%s"
                     % (os.path.relpath(DRIVER, ROOT), status, "\n".join(lines), err))

    def run(self, numbers):
        self.smoke()
        size = self.args.batch
        chunks = [numbers[k:k + size] for k in range(0, len(numbers), size)]
        if not chunks:
            return
        batch, dialect = self.make_batch(0, chunks[0])
        proc = Micro(self.mp, self.inst, [r[3] for r in batch],
                     os.path.join(self.work, "list-0.txt"), self.args.heap, dialect)
        for k in range(len(chunks)):
            nxt = self.make_batch(k + 1, chunks[k + 1]) if k + 1 < len(chunks) else None
            self.run_batch(batch, dialect, proc)
            self.stats.batches += 1
            self.stats.files += len(batch)
            if not self.args.quiet and len(chunks) > 20 and (k + 1) % 20 == 0:
                print("  ... %d files, %d failures" % (self.stats.files, len(self.stats.failures)), flush=True)
            if nxt:
                batch, dialect = nxt
                proc = Micro(self.mp, self.inst, [r[3] for r in batch],
                             os.path.join(self.work, "list-%d.txt" % ((k + 1) % 2)), self.args.heap, dialect)


def summary(runner, elapsed):
    s = runner.stats
    loads = sum(s.outcomes.values())
    read = s.outcomes["ok (read)"]
    return ("fuzz_assets: seed %d, %d files (%s), %d loads: %d read, %d refused; %d failures (%.1f s)"
            % (runner.args.seed, s.files, ", ".join("%s %d" % kv for kv in sorted(s.kinds.items())),
               loads, read, loads - read, len(s.failures), elapsed))


def report(runner, elapsed, out=print):
    s = runner.stats
    args = runner.args
    out("fuzz_assets: seed %d, %d files (%s) in %d batches, heap %s, %d operations a file"
        % (args.seed, s.files, ", ".join("%s %d" % kv for kv in sorted(s.kinds.items())), s.batches,
           args.heap, len(OPS)))
    out("  read by the loader of their kind: %s"
        % ", ".join("%s %d (%.0f%%)" % (k, s.read[k], 100.0 * s.read[k] / max(1, s.kinds[k])) for k in sorted(s.kinds)))
    fams = sorted(s.families.items(), key=lambda kv: (-kv[1], kv[0]))
    text = "mutations (%d kinds): %s" % (len(fams), ", ".join("%s %d" % kv for kv in fams))
    for line in textwrap.wrap(text, 100, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False):
        out(line)
    total = sum(s.outcomes.values())
    out("  outcomes (%d loads):" % total)
    items = sorted(s.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = items if args.all_outcomes else items[:30]
    for what, n in shown:
        out("    %7d  %s" % (n, what))
    if len(items) > len(shown):
        out("    %7d  (%d other messages)" % (sum(n for _, n in items[len(shown):]), len(items) - len(shown)))
    if s.tolerated:
        out("  'either' loads (refusing or reading both pass): %s"
            % ", ".join("%s %d" % kv for kv in sorted(s.tolerated.items())))
    if s.heap:
        out("  heap after gc.collect(): %d..%d bytes at batch ends (most %d)"
            % (min(h[1] for h in s.heap), max(h[1] for h in s.heap), max(h[2] for h in s.heap)))
    out("  time: %.1f s (making files and the reference's verdicts %.1f s, MicroPython %.1f s); slowest file %d ms (case %s)"
        % (elapsed, s.generate, s.micro, s.slowest[0], s.slowest[1]))
    if s.failures:
        kinds = collections.Counter(f[3].split(":")[0] if f[3][:2] in ("B:", "P:", "G:", "I:", "M:", "F:", "D:")
                                    else f[3][:40] for f in s.failures)
        out("FAILED: %d failures (%s)" % (len(s.failures), ", ".join("%s %d" % kv for kv in kinds.items())))
        for i, kind, label, what in s.failures[:40]:
            out("  case %d (%s, %s): %s" % (i, kind, label, what))
        if len(s.failures) > 40:
            out("  ... %d more" % (len(s.failures) - 40))
        out("  reproduce one: " + runner.reproduce(s.failures[0][0]))
    else:
        out("  no failures")


def micropython():
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    if not (os.path.isfile(mp) and os.access(mp, os.X_OK)):
        sys.exit("fuzz_assets.py: no micropython at %s (set MICROPYTHON)" % mp)
    return mp


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=None, help="files to make (default 3000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--long", action="store_true", help="100000 files")
    ap.add_argument("--batch", type=int, default=250, help="files a MicroPython process (default 250)")
    ap.add_argument("--heap", default="1M", help="MicroPython's heap (default 1M)")
    ap.add_argument("--file-limit", type=int, default=5, help="seconds a file may take (default 5)")
    ap.add_argument("--install", help="an install made by install.py (default: one made here)")
    ap.add_argument("--mpy", help="the _stage.mpy to install (default target/mpy/x64/_stage.mpy)")
    ap.add_argument("--case", type=int, action="append", help="run only this case (repeatable)")
    ap.add_argument("--keep", help="write the files of failing cases (or of --case) to this directory")
    ap.add_argument("--all-outcomes", action="store_true", help="list every message, not the 30 commonest")
    ap.add_argument("--quiet", action="store_true", help="print only the summary line and failures")
    args = ap.parse_args(argv)
    count = args.count if args.count is not None else 100000 if args.long else 3000
    mp = micropython()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="stage-fuzz-") as work:
        inst = args.install
        if not inst:
            inst = os.path.join(work, "x64")
            install.install(inst, stage_mpy=args.mpy)
        runner = Runner(args, mp, inst, work)
        numbers = args.case if args.case else list(range(count))
        if args.case and args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for i in args.case:
                kind, data, label = runner.cases(i)
                path = os.path.join(args.keep, "case-%d.%s" % (i, kind))
                with open(path, "wb") as f:
                    f.write(data)
                print("wrote %s (%s, %d bytes)" % (path, label, len(data)))
        runner.run(numbers)
        elapsed = time.time() - started
    if args.quiet and not runner.stats.failures:
        print(summary(runner, elapsed))
    else:
        report(runner, elapsed)
    return 1 if runner.stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
