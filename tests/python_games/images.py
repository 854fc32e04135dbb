"""Test images for stage's loaders, written with the standard library only
(CPython 3): small BMP, PNG and GIF writers, the broken files every loader
must refuse, and a reader for the RGB PNGs run_game.py writes.

`make_assets(directory)` writes every file and returns a manifest (a dict,
saved as manifest.json) that the MicroPython tests read: for each good file
the expected palette (wire-order bytes, both dialects) and pixel buffer (hex),
for each bad file the words the ValueError must contain.
"""

import json
import os
import random
import struct
import zlib

# ------------------------------------------------------------------ pictures


def bank_picture(colors=16, seed=1, width=16, height=256):
    """Rows of colour indices: bands, diagonals and noise, every colour used."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            if y < 16:
                v = x % colors
            elif y < 32:
                v = (x + y) % colors
            elif y < 64:
                v = (x // 4 + y // 4) % colors
            else:
                v = rng.randrange(colors) if rng.random() < 0.3 else (y // 8) % colors
            row.append(v)
        rows.append(row)
    return rows


def palette_rgb(colors, seed=2):
    """`colors` distinct (r, g, b) triples, red and blue different."""
    rng = random.Random(seed)
    out = []
    while len(out) < colors:
        c = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if c[0] >> 3 != c[2] >> 3 and c not in out:
            out.append(c)
    return out


def packed(rows, width):
    """The stage pixel buffer: (width + 1) // 2 bytes a row, high nibble left."""
    out = bytearray()
    for row in rows:
        for x in range(0, width, 2):
            a = row[x]
            b = row[x + 1] if x + 1 < width else 0
            out.append(a << 4 | b)
    return bytes(out)


def wire_palette(colors, swap=False):
    """The 32 palette bytes stage makes (array('H') on a little-endian CPU)."""
    out = bytearray(32)
    for i, (r, g, b) in enumerate(colors):
        if swap:
            r, b = b, r
        c = (r & 0xF8) << 8 | (g & 0xFC) << 3 | b >> 3
        out[2 * i] = c >> 8
        out[2 * i + 1] = c & 0xFF
    return bytes(out)


# ------------------------------------------------------------------ BMP


def bmp(rows, colors, header=40, top_down=False, colors_used=None, bpp=4,
        compression=0, width=None, palette_gap=0):
    """A 4-bit BMP (rows of indices, palette of (r, g, b))."""
    height = len(rows)
    width = width if width is not None else len(rows[0])
    stride = (width * bpp + 31) // 32 * 4
    pixels = bytearray()
    order = rows if top_down else rows[::-1]
    for row in order:
        line = bytearray(stride)
        for x in range(width):
            v = row[x]
            if x & 1:
                line[x >> 1] |= v
            else:
                line[x >> 1] |= v << 4
        pixels += line
    ncolors = len(colors)
    pal = b"".join(bytes((b, g, r, 0)) for r, g, b in colors)
    offset = 14 + header + len(pal) + palette_gap
    info = struct.pack("<IiiHHIIiiII", header, width, -height if top_down else height,
                       1, bpp, compression, len(pixels), 2835, 2835,
                       ncolors if colors_used is None else colors_used, 0)
    info += bytes(header - len(info))
    head = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    return head + info + pal + bytes(palette_gap) + bytes(pixels)


# ------------------------------------------------------------------ PNG


def png_chunk(kind, body, crc=None):
    value = zlib.crc32(kind + body) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", value)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_filter(kind, line, prev):
    """Filters one row (bytes per pixel: 1)."""
    out = bytearray([kind])
    for i, x in enumerate(line):
        a = line[i - 1] if i else 0
        b = prev[i]
        c = prev[i - 1] if i else 0
        pred = (0, a, b, (a + b) >> 1, paeth(a, b, c))[kind]
        out.append((x - pred) & 255)
    return out


def png(rows, colors, depth=4, filters=(0,), interlace=0, color_type=3, extra=(),
        split=1, width=None, raw_tail=b"", plte=True, trns=False):
    """An indexed PNG; row y uses filter filters[y % len(filters)]."""
    height = len(rows)
    width = width if width is not None else len(rows[0])
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
        raw += png_filter(filters[y % len(filters)], line, prev)
        prev = bytes(line)
    data = zlib.compress(bytes(raw) + raw_tail, 9)
    out = b"\x89PNG\r\n\x1a\n"
    out += png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace))
    out += png_chunk(b"tEXt", b"Comment\x00stage test image")
    if plte:
        out += png_chunk(b"PLTE", b"".join(bytes(c) for c in colors))
    if trns:
        out += png_chunk(b"tRNS", b"\x00")
    for kind, body in extra:
        out += png_chunk(kind, body)
    step = (len(data) + split - 1) // split
    for i in range(0, len(data), step):
        out += png_chunk(b"IDAT", data[i:i + step])
    out += png_chunk(b"IEND", b"")
    return out


def read_png_rgb(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB PNG without filters."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos = 8
    idat = b""
    width = height = None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, "bad CRC in %r" % kind
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            assert (depth, ctype, lace) == (8, 2, 0), "not 8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    line = width * 3 + 1
    assert len(raw) == line * height
    rows = []
    for y in range(height):
        assert raw[y * line] == 0, "filtered row"
        r = raw[y * line + 1:(y + 1) * line]
        rows.append([tuple(r[i:i + 3]) for i in range(0, len(r), 3)])
    return width, height, rows


# ------------------------------------------------------------------ GIF


def lzw_encode(indices, min_size, clear_every=None, defer_clear=False):
    """GIF LZW: a list of (code, bit width); a clear code first, the end code last.

    clear_every: emit a clear code after that many codes; defer_clear: keep
    going with a full table (no clear at 4096)."""
    clear = 1 << min_size
    end = clear + 1
    out = []

    def reset():
        return {bytes([i]): i for i in range(clear)}, clear + 2, min_size + 1

    table, next_code, size = reset()
    out.append((clear, size))
    w = b""
    count = 0
    for v in indices:
        c = bytes([v])
        if w + c in table:
            w = w + c
            continue
        out.append((table[w], size))
        count += 1
        if next_code < 4096:
            table[w + c] = next_code
            next_code += 1
            if next_code > (1 << size) and size < 12:
                size += 1
        elif not defer_clear:
            out.append((clear, size))
            table, next_code, size = reset()
        if clear_every and count % clear_every == 0:
            out.append((clear, size))
            table, next_code, size = reset()
        w = c
    if w:
        out.append((table[w], size))
        # the decoder adds an entry for this code too
        if next_code < 4096:
            next_code += 1
            if next_code > (1 << size) and size < 12:
                size += 1
    out.append((end, size))
    return out


def pack_codes(codes):
    acc = bits = 0
    out = bytearray()
    for code, size in codes:
        acc |= code << bits
        bits += size
        while bits >= 8:
            out.append(acc & 255)
            acc >>= 8
            bits -= 8
    if bits:
        out.append(acc & 255)
    return bytes(out)


def sub_blocks(data, size=255):
    out = bytearray()
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out.append(len(piece))
        out += piece
    out.append(0)
    return bytes(out)


def gif(rows, colors, version=b"89a", extensions=True, min_size=None, clear_every=None,
        local=False, interlace=False, frame=None, defer_clear=False, lzw=None,
        block_size=255, trailer=True):
    """A GIF; colors padded to a power of two (at least 2)."""
    height = len(rows)
    width = len(rows[0])
    n = 2
    while n < len(colors):
        n *= 2
    table = b"".join(bytes(c) for c in colors) + bytes(3 * (n - len(colors)))
    bits = n.bit_length() - 2
    if min_size is None:
        min_size = max(2, bits + 1)
    flags = 0 if local else 0x80 | 0x70 | bits
    out = b"GIF" + version + struct.pack("<HHBBB", width, height, flags, 0, 0)
    if not local:
        out += table
    if extensions:
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # graphic control
        out += b"\x21\xfe" + sub_blocks(b"made for stage's tests " * 20)  # comment
        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # application (loop)
        out += b"\x21\x01\x0c" + bytes(12) + sub_blocks(b"plain text")  # plain text
    x, y, w, h = frame or (0, 0, width, height)
    iflags = (0x80 | bits if local else 0) | (0x40 if interlace else 0)
    out += b"\x2c" + struct.pack("<HHHHB", x, y, w, h, iflags)
    if local:
        out += table
    indices = [v for row in rows for v in row]
    data = lzw if lzw is not None else pack_codes(
        lzw_encode(indices, min_size, clear_every, defer_clear))
    out += bytes([min_size]) + sub_blocks(data, block_size)
    if trailer:
        out += b"\x3b"
    return out


# ------------------------------------------------------------------ the assets


def good_files():
    """(name, bytes, rows, width, colors) of the images every loader must read."""
    files = []
    for ncol in (16, 5):
        rows = bank_picture(ncol, seed=ncol)
        colors = palette_rgb(ncol, seed=ncol)
        tag = "%dc" % ncol
        files.append(("bank-%s.bmp" % tag, bmp(rows, colors), rows, 16, colors))
        files.append(("bank-%s-v4.bmp" % tag, bmp(rows, colors, header=108), rows, 16, colors))
        files.append(("bank-%s-topdown.bmp" % tag, bmp(rows, colors, top_down=True, header=124), rows, 16, colors))
        files.append(("bank-%s-d4.png" % tag, png(rows, colors, 4, (0,)), rows, 16, colors))
        files.append(("bank-%s-d8.png" % tag, png(rows, colors, 8, (0,)), rows, 16, colors))
        files.append(("bank-%s.gif" % tag, gif(rows, colors), rows, 16, colors))
    rows = bank_picture(16, seed=7)
    colors = palette_rgb(16, seed=7)
    files.append(("bank-0used.bmp", bmp(rows, colors, colors_used=0), rows, 16, colors))
    for depth in (4, 8):
        for kind, name in enumerate(("none", "sub", "up", "average", "paeth")):
            files.append(("filter-%s-d%d.png" % (name, depth),
                          png(rows, colors, depth, (kind,)), rows, 16, colors))
        files.append(("filter-mixed-d%d.png" % depth,
                      png(rows, colors, depth, (0, 1, 2, 3, 4, 4, 3, 2, 1), split=5), rows, 16, colors))
    files.append(("bank-trns.png", png(rows, colors, 4, (4,), trns=True), rows, 16, colors))
    files.append(("bank-many-idat.png", _png_many_idat(png(rows, colors, 8, (1,), split=3)), rows, 16, colors))
    files.append(("bank-87a.gif", gif(rows, colors, version=b"87a", extensions=False), rows, 16, colors))
    files.append(("bank-local.gif", gif(rows, colors, local=True), rows, 16, colors))
    files.append(("bank-clears.gif", gif(rows, colors, clear_every=37, block_size=17), rows, 16, colors))
    files.append(("bank-small-blocks.gif", gif(rows, colors, block_size=1), rows, 16, colors))
    files.append(("bank-codesize8.gif", gif(rows, colors, min_size=8), rows, 16, colors))
    noise = [[random.Random(y * 131 + x).randrange(16) for x in range(16)] for y in range(256)]
    files.append(("bank-noise.gif", gif(noise, colors), noise, 16, colors))
    files.append(("bank-noise-deferred.gif", gif(noise, colors, min_size=4, defer_clear=True), noise, 16, colors))
    big = [[random.Random(y * 977 + x).randrange(16) for x in range(128)] for y in range(128)]
    files.append(("noise-128.gif", gif(big, colors), big, 128, colors))
    files.append(("noise-128-deferred.gif", gif(big, colors, defer_clear=True), big, 128, colors))
    two = [[(x + y) % 2 for x in range(16)] for y in range(256)]
    files.append(("bank-2c.gif", gif(two, colors[:2]), two, 16, colors[:2]))
    # other sizes (BMP16/PNG16/GIF16 read any size; Bank needs 16x256)
    for w, h in ((8, 8), (5, 3), (13, 7), (1, 1)):
        small = [[(x * 3 + y * 5) % 16 for x in range(w)] for y in range(h)]
        files.append(("map-%dx%d.bmp" % (w, h), bmp(small, colors), small, w, colors))
        files.append(("map-%dx%d.png" % (w, h), png(small, colors, 4, (1, 4)), small, w, colors))
        files.append(("map-%dx%d-d8.png" % (w, h), png(small, colors, 8, (3, 2)), small, w, colors))
        files.append(("map-%dx%d.gif" % (w, h), gif(small, colors), small, w, colors))
    return files


def bad_files():
    """(name, bytes, words the ValueError message must contain) of broken images."""
    rows = bank_picture(16)
    colors = palette_rgb(16)
    five = palette_rgb(5)
    good_png = png(rows, colors)
    good_gif = gif(rows, colors)
    good_bmp = bmp(rows, colors)
    bad = [
        # BMP
        ("not-bmp.bmp", b"PK\x03\x04" + bytes(100), "not a BMP"),
        ("empty.bmp", b"", "not a BMP"),
        ("short-header.bmp", good_bmp[:30], "truncated BMP header"),
        ("bpp8.bmp", bmp(rows, colors, bpp=8), "4 bits per pixel"),
        ("rle.bmp", bmp(rows, colors, compression=2), "compressed"),
        ("core-header.bmp", b"BM" + struct.pack("<IHHI", 200, 0, 0, 26) + struct.pack("<IHHHH", 12, 16, 256, 1, 4) + bytes(150), "unsupported BMP header"),
        ("truncated.bmp", good_bmp[:-100], "truncated pixel data"),
        ("colors-17.bmp", bmp(rows, colors, colors_used=17), "more than 16 colours"),
        ("index-out.bmp", bmp(rows, five), "not in the palette"),
        ("size.bmp", bmp([[1] * 16] * 128, colors), "16x256"),
        ("huge.bmp", _bmp_huge(colors), "too large"),
        ("zero-width.bmp", bmp(rows, colors, width=0), "bad image size"),
        # PNG
        ("not-png.png", b"\x89PNX\r\n\x1a\n" + good_png[8:], "not a PNG"),
        ("rgb.png", png(rows, colors, color_type=2), "indexed colour"),
        ("depth2.png", _png_depth(rows, colors, 2), "bit depth"),
        ("interlaced.png", png(rows, colors, interlace=1), "interlaced"),
        ("no-plte.png", png(rows, colors, plte=False), "PLTE"),
        ("plte-17.png", png(rows, colors + [(1, 2, 3)]), "more than 16 colours"),
        ("index-out.png", png(rows, five), "not in the palette"),
        ("index-out-d8.png", png([[v + 16 * (v == 3) for v in r] for r in rows], colors, 8), "not in the palette"),
        ("bad-filter.png", _png_raw(rows, colors, bad_filter=5), "filter type"),
        ("bad-crc.png", _png_bad_crc(good_png), "CRC"),
        ("bad-zlib.png", _png_idat(rows, colors, b"\x78\x9c" + b"\xff" * 40), "zlib"),
        ("short-data.png", _png_raw(rows, colors, cut=100), "truncated image data"),
        ("long-data.png", png(rows, colors, raw_tail=b"\x00" * 9), "too much image data"),
        ("no-iend.png", good_png[:-12], "IEND"),
        ("cut-chunk.png", good_png[:200], "truncated"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 4, 3, 0, 0, 0)) + png_chunk(b"IEND", b""), "too large"),
        ("critical.png", png(rows, colors, extra=[(b"ABCD", b"xx")]), "unknown critical chunk"),
        ("second-ihdr.png", _png_insert(good_png, b"IEND", png_chunk(b"IHDR", good_png[16:29])), "more than one 'IHDR' chunk"),
        ("second-plte.png", _png_insert(good_png, b"IDAT", png_chunk(b"PLTE", bytes(48))), "more than one 'PLTE' chunk"),
        ("plte-huge.png", _png_idat(rows, colors, zlib.compress(bytes(2304)), plte=bytes(30000)), "more than 16 colours"),
        ("idat-padded.png", _png_idat(rows, colors, zlib.compress(bytes(2304)) + bytes(7000)), "too much compressed data"),
        ("size.png", png([[1] * 16] * 255, colors), "16x256"),
        # GIF
        ("not-gif.gif", b"GIF88a" + good_gif[6:], "not a GIF"),
        ("colors-32.gif", gif(rows, colors + palette_rgb(16, seed=9)), "16-colour GIF"),
        ("interlaced.gif", gif(rows, colors, interlace=True), "interlaced"),
        ("partial.gif", gif(rows, colors, frame=(0, 0, 16, 255)), "whole"),
        ("no-image.gif", good_gif[:13 + 48] + b"\x3b", "no image"),
        ("bad-block.gif", good_gif[:13 + 48] + b"\x99", "block type"),
        ("truncated.gif", good_gif[:len(good_gif) // 2], "truncated"),
        ("no-table.gif", _gif_no_table(rows, colors), "colour table"),
        ("bad-code.gif", gif(rows, colors, lzw=pack_codes([(16, 5), (1, 5), (30, 5), (17, 5)])), "bad LZW code"),
        ("short-lzw.gif", gif(rows, colors, lzw=pack_codes([(16, 5), (1, 5), (2, 5), (17, 5)])), "truncated image data"),
        ("long-lzw.gif", gif([[1] * 16] * 256, colors, lzw=pack_codes(lzw_encode([1] * 4200, 4))), "too much image data"),
        ("index-out.gif", gif(rows, five, min_size=4), "not in the palette"),
        ("code-size.gif", gif(rows, colors, min_size=1, lzw=b"\x00"), "code size"),
        ("size.gif", gif([[1] * 8] * 256, colors), "16x256"),
        ("ext-cut.gif", good_gif[:13 + 48 + 20], "truncated"),
        ("data-padded.gif", good_gif[:-2] + (b"\xff" + bytes(255)) * 60 + good_gif[-2:], "too much image data"),
        # Bank.from_image
        ("picture.jpg", good_bmp, "unsupported format"),
    ]
    return bad


def _bmp_huge(colors):
    """A BMP header claiming 60000x60000 pixels, followed by little data."""
    pal = b"".join(bytes((b, g, r, 0)) for r, g, b in colors)
    info = struct.pack("<IiiHHIIiiII", 40, 60000, 60000, 1, 4, 0, 0, 0, 0, 16, 0)
    offset = 14 + 40 + len(pal)
    return b"BM" + struct.pack("<IHHI", offset + 64, 0, 0, offset) + info + pal + bytes(64)


def _png_depth(rows, colors, depth):
    data = bytearray(png(rows, colors))
    # IHDR's bit depth byte: signature 8 + length 4 + type 4 + width 4 + height 4
    data[24] = depth
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def _png_raw(rows, colors, bad_filter=None, cut=0):
    """A PNG whose filtered data is wrong: a bad filter byte, or too short."""
    raw = bytearray()
    for y, row in enumerate(rows):
        raw.append(bad_filter if bad_filter is not None and y == 10 else 0)
        for x in range(0, 16, 2):
            raw.append(row[x] << 4 | row[x + 1])
    if cut:
        raw = raw[:-cut]
    return _png_idat(rows, colors, zlib.compress(bytes(raw)))


def _png_idat(rows, colors, idat, plte=None):
    out = b"\x89PNG\r\n\x1a\n"
    out += png_chunk(b"IHDR", struct.pack(">IIBBBBB", 16, len(rows), 4, 3, 0, 0, 0))
    out += png_chunk(b"PLTE", b"".join(bytes(c) for c in colors) if plte is None else plte)
    out += png_chunk(b"IDAT", idat)
    out += png_chunk(b"IEND", b"")
    return out


def _png_insert(data, kind, chunk):
    """`data` with `chunk` inserted before the first chunk of type `kind`."""
    at = data.index(kind) - 4
    return data[:at] + chunk + data[at:]


def _png_many_idat(data):
    """A PNG with 2000 empty IDAT chunks around its data (a valid file)."""
    empty = png_chunk(b"IDAT", b"") * 1000
    at = data.index(b"IDAT") - 4
    end = data.index(b"IEND") - 4
    return data[:at] + empty + data[at:end] + empty + data[end:]


def _png_bad_crc(data):
    data = bytearray(data)
    # the PLTE chunk comes after IHDR (25 bytes) and tEXt; flip a colour byte
    at = data.index(b"PLTE") + 4
    data[at] ^= 0xFF
    return bytes(data)


def _gif_no_table(rows, colors):
    data = bytearray(gif(rows, colors, extensions=False))
    data[10] &= 0x7F  # no global table flag, but the table bytes stay: cut them
    return bytes(data[:13]) + bytes(data[13 + 48:])


def make_assets(directory):
    os.makedirs(directory, exist_ok=True)
    manifest = {"good": [], "bad": []}
    for name, data, rows, width, colors in good_files():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
        manifest["good"].append({
            "name": name, "width": width, "height": len(rows), "colors": len(colors),
            "pixels": packed(rows, width).hex(),
            "palette": wire_palette(colors).hex(),
            "palette_mp": wire_palette(colors, swap=True).hex(),
        })
    for name, data, words in bad_files():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
        manifest["bad"].append({"name": name, "words": words})
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return manifest


if __name__ == "__main__":
    import sys
    m = make_assets(sys.argv[1] if len(sys.argv) > 1 else "assets")
    print("%d good, %d bad" % (len(m["good"]), len(m["bad"])))
