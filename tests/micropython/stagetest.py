# Shared helpers for the MicroPython tests of `_stage`: a tiny test runner, an output
# recorder, test assets, and an independent pure-Python model of the renderer
# (docs/stage-format.md) to compute expected streams.
import sys

# ------------------------------------------------------------------ test runner

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


def run_all():
    """Runs every @test; prints failures and `N passed, M failed`; exits 1 on failure."""
    passed = failed = 0
    for fn in _tests:
        try:
            fn()
            passed += 1
        except Exception as e:
            failed += 1
            print("FAIL %s: %s: %s" % (fn.__name__, type(e).__name__, e))
            sys.print_exception(e)
    print("%d passed, %d failed" % (passed, failed))
    if failed:
        sys.exit(1)


def check(cond, what="check failed"):
    if not cond:
        raise AssertionError(what)


def eq(got, expected, what="value"):
    if got != expected:
        raise AssertionError("%s: got %r, expected %r" % (what, got, expected))


def raises(exc_type, fn, *args, match=None):
    """Calls fn(*args), which must raise exactly `exc_type` (a subclass won't do) with
    `match` in its message; returns the exception."""
    try:
        fn(*args)
    except Exception as e:
        if type(e) is not exc_type:
            raise AssertionError("raised %s(%s), expected %s" % (type(e).__name__, e, exc_type.__name__))
        if match is not None and match not in str(e):
            raise AssertionError("message %r does not contain %r" % (str(e), match))
        return e
    raise AssertionError("did not raise %s" % exc_type.__name__)


# ------------------------------------------------------------------ outputs


class Recorder:
    """`output` for render(): copies every chunk (a chunk is only valid during the
    write() call)."""

    def __init__(self):
        self.chunks = []

    def write(self, chunk):
        self.chunks.append(bytes(chunk))

    @property
    def stream(self):
        return b"".join(self.chunks)

    @property
    def sizes(self):
        return [len(c) for c in self.chunks]


# ------------------------------------------------------------------ assets

# docs/stage-format.md section 6: self-contained test vectors.
BANK = bytes((i * 37 + 11) & 0xFF for i in range(2048))
PALETTE = bytes([0xF8, 0x1F] + [v for i in range(1, 16) for v in (0x10 + i, 0x20 + i)])
FONT = bytes(range(256)) * 8


def text_palette():
    p = bytearray(v for i in range(16) for v in (0x80 + i, 0x40 + i))
    for entry in (0, 4):
        p[2 * entry:2 * entry + 2] = b"\xf8\x1f"
    p[16:] = bytes(16)
    return bytes(p)


TEXT_PALETTE = text_palette()


# ------------------------------------------------------------------ model


def i16(v):
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def rotate(r, dx, dy):
    """Source pixel of destination (dx, dy) for rotation code r (8.. act as 0)."""
    if r == 1:
        return dy, 15 - dx
    if r == 2:
        return 15 - dx, 15 - dy
    if r == 3:
        return 15 - dy, dx
    if r == 4:
        return 15 - dx, dy
    if r == 5:
        return dy, dx
    if r == 6:
        return dx, 15 - dy
    if r == 7:
        return 15 - dy, 15 - dx
    return dx, dy


class Model:
    """What a layer shows, straight from the format description. `kind` is "grid",
    "sprite" or "text"; buffers are any objects bytes() accepts (read at render time)."""

    def __init__(self, kind, w, h, a, palette, b=None, x=0, y=0, frame=0, rotation=0):
        self.kind, self.w, self.h = kind, w, h
        self.a, self.palette, self.b = a, palette, b
        self.x, self.y, self.frame, self.rotation = x, y, frame, rotation

    def make(self, stage):
        """The `_stage` object for this model."""
        if self.kind == "text":
            obj = stage.Text(self.w, self.h, self.a, self.palette, self.b)
        else:
            args = [self.w, self.h, self.a, self.palette]
            if self.kind == "grid":
                args.append(self.b)
            obj = stage.Layer(*args)
            obj.frame(self.frame, self.rotation)
        obj.move(self.x, self.y)
        return obj

    def pixel(self, x, y, data):
        """Wire colour at world (x, y) or None where transparent."""
        a, pal, b = data
        cell = 8 if self.kind == "text" else 16
        lx, ly = i16(x - self.x), i16(y - self.y)
        if lx < 0 or ly < 0 or lx >= cell * self.w or ly >= cell * self.h:
            return None
        tx, ty = lx // cell, ly // cell
        px, py = lx % cell, ly % cell
        if self.kind == "text":
            c = b[ty * self.w + tx]
            code = c & 0x7F
            if code == 0:
                return None
            v = (a[code * 16 + py * 2 + px // 4] >> ((px % 4) * 2)) & 3
            index = v + (4 if c & 0x80 else 0)
        else:
            if self.kind == "grid":
                i = (ty * self.w + tx) >> 1
                byte = b[i] if i < len(b) else 0
                tile = byte & 0x0F if tx & 1 else byte >> 4
            else:
                tile = self.frame
            sx, sy = rotate(self.rotation, px, py)
            byte = a[tile * 128 + sy * 8 + sx // 2]
            index = byte & 0x0F if sx & 1 else byte >> 4
        color = pal[2 * index:2 * index + 2]
        return None if color == b"\xf8\x1f" else color


def model_stream(models, x0, y0, x1, y1, scale=1, vx=0, vy=0, background=None):
    """The byte stream render() must send for these layers (front first)."""
    fill = b"\xf8\x1f" if background is None else bytes([background >> 8, background & 0xFF])
    copies = {}  # one snapshot per buffer object

    def snap(buf):
        if buf is None:
            return None
        c = copies.get(id(buf))
        if c is None:
            c = copies[id(buf)] = (buf, bytes(buf))
        return c[1]

    data = [(snap(m.a), snap(m.palette), snap(m.b)) for m in models]
    out = bytearray()
    for y in range(y0, y1):
        row = bytearray()
        wy = i16(y + vy)
        for x in range(x0, x1):
            wx = i16(x + vx)
            color = fill
            for m, d in zip(models, data):
                c = m.pixel(wx, wy, d)
                if c is not None:
                    color = c
                    break
            row += color * scale
        out += bytes(row) * scale
    return bytes(out)


def chunk_sizes(total, buffer_len):
    n = buffer_len & ~1
    sizes = [n] * (total // n)
    if total % n:
        sizes.append(total % n)
    return sizes


def section6_models():
    """The three layers of docs/stage-format.md section 6, front first."""
    return [
        Model("text", 3, 2, FONT, TEXT_PALETTE, bytes([0x41, 0x00, 0xC2, 0x7F, 0x80, 0x05]), x=6, y=4),
        Model("sprite", 1, 1, BANK, PALETTE, x=5, y=-3, frame=5, rotation=3),
        Model("grid", 4, 2, BANK, PALETTE, bytes([0x01, 0x23, 0x45, 0x67]), x=-7, y=2),
    ]


def sha256_hex(data):
    import hashlib

    return "".join("%02x" % b for b in hashlib.sha256(data).digest())
