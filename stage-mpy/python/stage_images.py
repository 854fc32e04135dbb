"""PNG and GIF loaders of stage, and its old Audio class, imported only when
one is used.

`stage.PNG16`, `stage.GIF16`, `stage.read_blockstream`, `stage.EndOfData`,
`stage.LZWDict`, `stage.lzw_decode` and `stage.Audio` come from here:
stage.py loads this module on first use, so that boards with little RAM that
only load BMP images never hold this code. See stage.py for the formats
accepted and the errors.
"""

import array
import struct

from stage import _Image


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PNG16(_Image):
    """A 16-colour PNG: indexed colour, bit depth 4 or 8, not interlaced, any
    filter types, one IHDR and one PLTE chunk (a second one is refused: it
    would change the picture the data is decoded as); ancillary chunks (tRNS
    too) are ignored. An 8-bit image may only use the indices of its palette
    (at most 16 entries): a pixel above 15 is refused (CircuitPython's loader
    kept its low nibble, a wrong picture).

    Same methods as BMP16; `read_header()` also sets `depth`. The data is
    decompressed with `deflate.DeflateIO` or `zlib.decompress`, whichever the
    firmware has. CRCs are checked where `binascii.crc32` exists. Memory
    needed does not grow with the file: IHDR and PLTE chunks longer than 48
    bytes are refused unread, and IDAT data longer than twice the rows it
    holds, plus 1 KiB, is refused before it is read."""

    def read_header(self):
        if self.colors:
            return
        self._idat = 0  # where the first IDAT chunk starts
        self._idat_size = 0
        plte = None
        with open(self.filename, "rb") as f:
            if f.read(8) != _PNG_SIGNATURE:
                raise self._error("not a PNG file")
            size = f.seek(0, 2)
            pos = 8
            kind = None
            while kind != b"IEND":
                if pos + 12 > size:
                    raise self._error("truncated PNG (no IEND chunk)")
                f.seek(pos)
                length, kind = struct.unpack(">I4s", self._read(f, 8, "chunk"))
                if length > size - pos - 12:
                    raise self._error("truncated %s chunk" % _name(kind))
                if pos == 8 and kind != b"IHDR":
                    raise self._error("PNG must start with an IHDR chunk")
                if kind in (b"IHDR", b"PLTE"):
                    if pos > 8 and (kind == b"IHDR" or plte is not None):
                        raise self._error("more than one %s chunk" % _name(kind))
                    if length > 48:
                        raise self._error("bad IHDR chunk" if kind == b"IHDR" else
                                          "more than 16 colours (%d)" % (length // 3))
                    body = self._read(f, length + 4, "chunk")
                    self._check_crc(kind, body[:-4], body[-4:])
                    if kind == b"IHDR":
                        self._ihdr(body[:-4])
                    else:
                        plte = body[:-4]
                elif kind == b"IDAT":
                    if plte is None:
                        raise self._error("no PLTE chunk before the image data")
                    if not self._idat:
                        self._idat = pos
                    self._idat_size += length
                elif kind != b"IEND" and not kind[0] & 0x20:
                    raise self._error("unknown critical chunk %s" % _name(kind))
                pos += 12 + length
        if not self._idat:
            raise self._error("no image data (IDAT)")
        if len(plte) % 3 or not plte:
            raise self._error("bad PLTE chunk")
        if len(plte) > 48:
            raise self._error("more than 16 colours (%d)" % (len(plte) // 3))
        rows = (((self.width * self.depth + 7) >> 3) + 1) * self.height
        if self._idat_size > 2 * rows + 1024:
            raise self._error("too much compressed data (%d bytes for %d)" % (self._idat_size, rows))
        self._plte = plte
        self.colors = len(plte) // 3

    def _ihdr(self, body):
        if len(body) != 13:
            raise self._error("bad IHDR chunk")
        (width, height, depth, mode, compression, filters,
         interlace) = struct.unpack(">IIBBBBB", body)
        if mode != 3:
            raise self._error("PNG must use indexed colour (colour type 3, not %d)" % mode)
        if depth not in (4, 8):
            raise self._error("PNG must have bit depth 4 or 8, not %d" % depth)
        if compression or filters:
            raise self._error("unknown PNG compression or filter method")
        if interlace:
            raise self._error("interlaced PNG not supported")
        self._check_size(width, height)
        self.width = width
        self.height = height
        self.depth = depth

    def _check_crc(self, kind, body, crc):
        try:
            from binascii import crc32
        except ImportError:
            return
        if crc32(body, crc32(kind)) & 0xFFFFFFFF != struct.unpack(">I", crc)[0]:
            raise self._error("bad CRC in %s chunk" % _name(kind))

    def read_palette(self, palette=None):
        self.read_header()
        p = self._plte
        return self._new_palette(palette, [p[i:i + 3] for i in range(0, len(p), 3)])

    def read_data(self, buffer=None):
        self.read_header()
        buffer = self._new_buffer(buffer)
        rowbytes = (self.width * self.depth + 7) >> 3
        raw = self._inflate(self._compressed(), (rowbytes + 1) * self.height)
        line = (self.width + 1) >> 1
        for y in range(self.height):
            r = y * (rowbytes + 1)
            self._unfilter(raw, r, rowbytes)
            out = y * line
            if self.depth == 4:
                self._check_row(raw, r + 1, self.width)
                buffer[out:out + line] = raw[r + 1:r + 1 + line]
                if self.width & 1:
                    buffer[out + line - 1] &= 0xF0
            else:
                self._pack(raw, r + 1, buffer, out)
        return buffer

    def _compressed(self):
        """The IDAT chunks' data, CRCs checked (read_header has checked the
        chunks from the first IDAT to IEND)."""
        data = bytearray(self._idat_size)
        view = memoryview(data)
        at = 0
        pos = self._idat
        kind = None
        with open(self.filename, "rb") as f:
            while kind != b"IEND":
                f.seek(pos)
                n, kind = struct.unpack(">I4s", self._read(f, 8, "chunk"))
                if kind == b"IDAT":
                    if f.readinto(view[at:at + n]) != n:
                        raise self._error("truncated IDAT chunk")
                    self._check_crc(b"IDAT", view[at:at + n], self._read(f, 4, "IDAT chunk"))
                    at += n
                pos += 12 + n
        return data

    def _inflate(self, data, size):
        """Decompresses the zlib stream `data`, which must hold exactly `size` bytes."""
        try:
            raw, n = _decompress(data, size)
        except ImportError:
            raise self._error("no deflate or zlib module to decompress PNG data")
        except (OSError, EOFError, ValueError) as e:
            raise self._error("bad zlib stream (%s)" % (e,))
        if n < size:
            raise self._error("truncated image data")
        if n > size:
            raise self._error("too much image data")
        return raw

    def _unfilter(self, raw, r, n):
        """Undoes the PNG filter of the row whose filter byte is raw[r]."""
        kind = raw[r]
        raw[r] = 0
        if kind == 0:
            return
        p = r - n - 1
        first = r + 1
        end = first + n
        if kind == 1:
            for i in range(first + 1, end):
                raw[i] = (raw[i] + raw[i - 1]) & 255
        elif kind == 2:
            if p >= 0:
                for i in range(first, end):
                    raw[i] = (raw[i] + raw[i - n - 1]) & 255
        elif kind == 3:
            for i in range(first, end):
                up = raw[i - n - 1] if p >= 0 else 0
                raw[i] = (raw[i] + ((raw[i - 1] + up) >> 1)) & 255
        elif kind == 4:
            for i in range(first, end):
                a = raw[i - 1]
                if p >= 0:
                    b = raw[i - n - 1]
                    c = raw[i - n - 2]
                else:
                    b = c = 0
                pa = b - c
                pb = a - c
                pc = abs(pa + pb)
                pa = abs(pa)
                pb = abs(pb)
                if pa <= pb and pa <= pc:
                    pred = a
                elif pb <= pc:
                    pred = b
                else:
                    pred = c
                raw[i] = (raw[i] + pred) & 255
        else:
            raise self._error("bad PNG filter type %d in row %d" % (kind, r // (n + 1)))

    def _pack(self, raw, at, buffer, out):
        """Packs the 8-bit indices raw[at:at+width] two a byte into buffer[out:]."""
        colors = self.colors
        width = self.width
        for x in range(0, width, 2):
            a = raw[at + x]
            b = raw[at + x + 1] if x + 1 < width else 0
            if a >= colors or b >= colors:
                self._bad_pixel(max(a, b))
            buffer[out + (x >> 1)] = a << 4 | b


def _decompress(data, size):
    """Inflates a zlib stream; returns (a buffer, the length of its data), which
    is size + 1 if the stream holds more than `size` bytes (deflate module)."""
    try:
        import deflate
    except ImportError:
        import zlib
        raw = zlib.decompress(bytes(data))
        return raw, len(raw)
    import io
    stream = deflate.DeflateIO(io.BytesIO(data), deflate.ZLIB)
    raw = bytearray(size + 1)
    view = memoryview(raw)
    at = 0
    while at <= size:
        n = stream.readinto(view[at:])
        if not n:
            break
        at += n
    return raw, at


def _name(kind):
    """A chunk type for messages."""
    return repr(bytes(kind))[1:]


class GIF16(_Image):
    """A 16-colour GIF (87a or 89a): a colour table of at most 16 entries, the
    first image covering the whole picture, not interlaced. Extension blocks
    are skipped; a local colour table replaces the global one. The image's
    data sub-blocks may hold at most 3 bytes a pixel, plus 1 KiB (LZW needs
    at most 1.5), so that the memory needed does not grow with the file.

    Same methods as BMP16; `read_header()` also sets `palette_size`."""

    def read_header(self):
        if self.colors:
            return
        with open(self.filename, "rb") as f:
            sig = f.read(6)
            if sig not in (b"GIF87a", b"GIF89a"):
                raise self._error("not a GIF file")
            width, height, flags = struct.unpack(
                "<HHB", self._read(f, 7, "GIF header")[:5])
            self._check_size(width, height)
            if width * height > 65536:  # the decoder's table holds 16-bit offsets
                raise self._error("GIF too large (%dx%d, at most 65536 pixels)" % (width, height))
            table = self._table(f, flags)
            while True:
                block = self._read(f, 1, "GIF (no image)")[0]
                if block == 0x2C:
                    break
                if block == 0x21:
                    self._read(f, 1, "extension")
                    self._skip_blocks(f)
                elif block == 0x3B:
                    raise self._error("GIF has no image")
                else:
                    raise self._error("bad GIF block type 0x%02x" % block)
            x, y, w, h, flags = struct.unpack("<HHHHB", self._read(f, 9, "image descriptor"))
            if flags & 0x40:
                raise self._error("interlaced GIF not supported")
            if x or y or w != width or h != height:
                raise self._error("GIF image must cover the whole %dx%d picture" % (width, height))
            local = self._table(f, flags)
            if local is not None:
                table = local
            if table is None:
                raise self._error("GIF has no colour table")
            self._code_size = self._read(f, 1, "image data")[0]
            if not 2 <= self._code_size <= 8:
                raise self._error("bad LZW code size %d" % self._code_size)
            self._data_at = f.tell()
        self._palette = table
        self.width = width
        self.height = height
        self.palette_size = self.colors = len(table) // 3

    def _table(self, f, flags):
        """Reads the colour table announced by `flags`, if any."""
        if not flags & 0x80:
            return None
        size = 2 << (flags & 7)
        if size > 16:
            raise self._error("16-colour GIF expected (%d colours)" % size)
        return self._read(f, 3 * size, "colour table")

    def _skip_blocks(self, f):
        """Skips a chain of data sub-blocks up to its empty terminator."""
        while True:
            n = self._read(f, 1, "extension")[0]
            if not n:
                return
            self._read(f, n, "extension")

    def read_palette(self, palette=None):
        self.read_header()
        t = self._palette
        return self._new_palette(palette, [t[i:i + 3] for i in range(0, len(t), 3)])

    def read_data(self, buffer=None):
        self.read_header()
        buffer = self._new_buffer(buffer)
        with open(self.filename, "rb") as f:
            f.seek(self._data_at)
            data = bytearray()
            most = 3 * self.width * self.height + 1024
            while True:
                n = self._read(f, 1, "image data")[0]
                if not n:
                    break
                if len(data) + n > most:
                    raise self._error("too much image data (over %d bytes)" % most)
                data.extend(self._read(f, n, "image data"))
        pixels = bytearray(self.width * self.height)
        self._decode(data, pixels)
        line = (self.width + 1) >> 1
        width = self.width
        for y in range(self.height):
            at = y * width
            out = y * line
            for x in range(0, width, 2):
                b = pixels[at + x] << 4
                if x + 1 < width:
                    b |= pixels[at + x + 1]
                buffer[out + (x >> 1)] = b
        return buffer

    def _decode(self, data, out):
        """Decodes the LZW stream `data` into `out`, one colour index a byte.

        Each table entry is a copy of earlier output: (start, length) in `out`."""
        clear = 1 << self._code_size
        colors = self.colors
        total = len(out)
        view = memoryview(out)
        starts = array.array("H")
        lengths = array.array("H")
        size = self._code_size + 1
        pos = 0
        prev = -1
        plen = 0
        acc = bits = i = 0
        while True:
            while bits < size:
                if i >= len(data):
                    if pos < total:
                        raise self._error("truncated image data")
                    return
                acc |= data[i] << bits
                i += 1
                bits += 8
            code = acc & ((1 << size) - 1)
            acc >>= size
            bits -= size
            if code == clear:
                starts = array.array("H")
                lengths = array.array("H")
                size = self._code_size + 1
                prev = -1
                continue
            if code == clear + 1:
                if pos < total:
                    raise self._error("truncated image data")
                return
            entry = code - clear - 2
            if code < clear:
                if code >= colors:
                    self._bad_pixel(code)
                n = 1
            elif 0 <= entry < len(starts):
                n = lengths[entry]
            elif entry == len(starts) and prev >= 0:
                n = plen + 1
            else:
                raise self._error("bad LZW code %d" % code)
            if pos + n > total:
                raise self._error("too much image data")
            if code < clear:
                out[pos] = code
            elif entry < len(starts):
                s = starts[entry]
                view[pos:pos + n] = view[s:s + n]
            else:
                view[pos:pos + n - 1] = view[prev:prev + n - 1]
                out[pos + n - 1] = out[prev]
            if prev >= 0 and len(starts) + clear + 2 < 4096:
                starts.append(prev)
                lengths.append(plen + 1)
                if len(starts) + clear + 2 == 1 << size and size < 12:
                    size += 1
            prev = pos
            plen = n
            pos += n


# MicroPython-stage's GIF helpers, kept for games that call them.


def read_blockstream(f):
    """Yields the bytes of a chain of GIF data sub-blocks, up to its terminator."""
    while True:
        n = f.read(1)
        if not n or not n[0]:
            return
        for b in f.read(n[0]):
            yield b


class EndOfData(Exception):
    """Raised by LZWDict.decode at the end-of-information code."""


class LZWDict:
    """A GIF LZW code table that keeps the string of every code."""

    def __init__(self, code_size):
        self.code_size = code_size
        self.clear_code = 1 << code_size
        self.end_code = self.clear_code + 1
        self.codes = []
        self.clear()

    def clear(self):
        self.last = b""
        self.code_len = self.code_size + 1
        self.codes = []

    def decode(self, code):
        """The string of `code` (b"" for a clear code); EndOfData at the end code."""
        if code == self.clear_code:
            self.clear()
            return b""
        if code == self.end_code:
            raise EndOfData()
        index = code - self.end_code - 1
        if code < self.clear_code:
            value = bytes((code,))
        elif index < len(self.codes):
            value = self.codes[index]
        elif index == len(self.codes) and self.last:
            value = self.last + self.last[:1]
        else:
            raise ValueError("bad LZW code %d" % code)
        if self.last and len(self.codes) + self.end_code + 1 < 4096:
            self.codes.append(self.last + value[:1])
            if len(self.codes) + self.end_code + 1 >= 1 << self.code_len and self.code_len < 12:
                self.code_len += 1
        self.last = value
        return value


def lzw_decode(data, code_size):
    """Yields the strings of the LZW codes read from the byte iterator `data`."""
    table = LZWDict(code_size)
    acc = bits = 0
    for byte in data:
        acc |= byte << bits
        bits += 8
        while bits >= table.code_len:
            n = table.code_len
            code = acc & ((1 << n) - 1)
            acc >>= n
            bits -= n
            try:
                yield table.decode(code)
            except EndOfData:
                return


class Audio:
    """`Audio(speaker_pin, mute_pin=None)`, the sound output of CircuitPython
    boards' old ugame modules (they moved it out of stage in 2021): plays
    open WAV files through audioio (or audiopwmio) on `speaker_pin`; drives
    `mute_pin` high while unmuted. It starts muted, and play() does nothing
    while muted."""

    def __init__(self, speaker_pin, mute_pin=None):
        try:
            from audioio import AudioOut
        except ImportError:
            from audiopwmio import PWMAudioOut as AudioOut
        self.out = AudioOut(speaker_pin)
        self.pin = None
        if mute_pin:
            import digitalio
            self.pin = digitalio.DigitalInOut(mute_pin)
            self.pin.switch_to_output(value=False)
        self.muted = True

    def play(self, audio_file, loop=False):
        if not self.muted:
            try:
                from audiocore import WaveFile
            except ImportError:
                from audioio import WaveFile
            self.out.stop()
            self.out.play(WaveFile(audio_file), loop=loop)

    def stop(self):
        self.out.stop()

    def mute(self, value=True):
        self.muted = value
        if self.pin:
            self.pin.value = not value
