# The `_stage` API in MicroPython: module contents, streams against published hashes
# and an independent model, every class of bad argument (exception type and message),
# live views and reference keeping, and write() callbacks that raise, resize or mutate
# buffers, change the layers list, or render re-entrantly.
import array
import gc
import sys

import _stage
from _stage import Layer, Text, render
from stagetest import (
    BANK, FONT, PALETTE, TEXT_PALETTE, Model, Recorder, check, chunk_sizes, eq,
    model_stream, raises, run_all, section6_models, sha256_hex, test,
)

# Bits of a machine word of the firmware running the tests.
WORD_BITS = 64 if sys.maxsize > 2**32 else 32

G, P = BANK, PALETTE


def sprite(x=0, y=0, frame=0, rotation=0, palette=P, graphic=G):
    s = Layer(1, 1, graphic, palette)
    s.move(x, y)
    s.frame(frame, rotation)
    return s


def stream(layers, x0, y0, x1, y1, *rest, buffer_len=64):
    out = Recorder()
    eq(render(x0, y0, x1, y1, layers, bytearray(buffer_len), out, *rest), None, "render() result")
    return out.stream


# ------------------------------------------------------------------ module


@test
def module_contents():
    eq(_stage.__name__, "_stage", "__name__")
    for name in ("Layer", "Text", "render"):
        check(hasattr(_stage, name), name)
    eq(type(Layer), type, "type(Layer)")
    eq(type(Text), type, "type(Text)")
    s = sprite()
    eq(type(s), Layer, "type(Layer(...))")
    eq(s.move(1, 2), None, "move() result")
    eq(s.frame(1, 2), None, "frame() result")
    eq(Text(1, 1, FONT, P, b"A").move(3, 4), None, "Text.move() result")
    check(not hasattr(Text(1, 1, FONT, P, b"A"), "frame"), "Text has no frame()")


# ------------------------------------------------------------------ streams


SECTION6 = [
    # (scale, vx, vy, background, buffer, sha256) from docs/stage-format.md section 6
    (1, None, None, None, 512, "a2db9593966b7ba3539795425cbbaa59c9edf92e602c307ac4e77b949c06e487"),
    (2, None, None, None, 100, "e42143167eb1b64be75fa6c274bb11186fcc895e9b759a38bc9e14eda5d052bd"),
    (1, 0, 0, 0, 512, "9667b6d94cf3bd0868fde47b6b47759813668c8cbe4919ead1fc164c52641b76"),
    (2, 0, 0, 0, 100, "ba4560682d4d097e6d09093b4dd30d2a6d39a47b0221f5968d060e26b2a38df0"),
    (1, 3, -2, 0, 64, "e1da24744d97735aca83370dbf3d582551f9af17cfdc2239fce3bff27b59ceb1"),
]


@test
def published_hashes_and_the_model_agree():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    for scale, vx, vy, bg, buffer_len, sha in SECTION6:
        rest = [scale] if vx is None else [scale, vx, vy, bg]
        out = Recorder()
        render(0, 0, 40, 24, layers, bytearray(buffer_len), out, *rest)
        eq(sha256_hex(out.stream), sha, "stream SHA-256 (scale %d, viewport %r)" % (scale, vx))
        eq(out.sizes, chunk_sizes(len(out.stream), buffer_len), "chunk sizes")
        expected = model_stream(models, 0, 0, 40, 24, scale, vx or 0, vy or 0, bg)
        eq(sha256_hex(expected), sha, "model SHA-256")
    # Spot values (MP): row 0, x 0..7.
    row0 = stream(layers, 0, 0, 8, 1, 1)
    eq(row0, bytes.fromhex("f81f" * 5 + "16261929" + "1b2b"), "row 0")


@test
def argument_forms_and_background():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    mp = model_stream(models, 0, 0, 40, 24)
    eq(stream(layers, 0, 0, 40, 24), mp, "7 arguments: the MicroPython stream")
    eq(stream(layers, 0, 0, 40, 24, 1), mp, "8 arguments")
    eq(stream(layers, 0, 0, 40, 24, 1, 0, 0), mp, "10 arguments: background None")
    eq(stream(layers, 0, 0, 40, 24, 1, 0, 0, None), mp, "background None")
    for bg in (0, 0x1234, 0xFFFF, 0xF81F, True):
        expected = model_stream(models, 0, 0, 40, 24, 1, 0, 0, int(bg))
        eq(stream(layers, 0, 0, 40, 24, 1, 0, 0, bg), expected, "background %r" % bg)
    # A background pixel is sent high byte first.
    eq(stream([], 0, 0, 1, 1, 1, 0, 0, 0x1234), b"\x12\x34", "0x1234 on the wire")
    eq(stream((), 0, 0, 2, 1), b"\xf8\x1f" * 2, "tuple of layers, transparent key")


@test
def viewports_wrap_to_16_bits():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    for vx, vy in ((3, -2), (-40, 5), (65536 + 3, -65536 - 2), (2**70 + 3, -(2**70) - 2)):
        expected = model_stream(models, 0, 0, 40, 24, 1, vx, vy, 0)
        eq(stream(layers, 0, 0, 40, 24, 1, vx, vy, 0), expected, "viewport %r" % ((vx, vy),))


@test
def positions_wrap_to_16_bits():
    a, b = sprite(), sprite()
    for x, y in ((65539, 0), (2**70 + 3, 0), (3 - 65536, 65536), (-(2**64) + 3, 2**80)):
        a.move(3, 0)
        b.move(x, y)
        eq(stream([b], 0, 0, 24, 16), stream([a], 0, 0, 24, 16), "move%r" % ((x, y),))
    a.move(40000, 0)  # off-screen at x = -25536
    eq(stream([a], 0, 0, 24, 16), b"\xf8\x1f" * 24 * 16, "move(40000, 0)")
    a.move(True, False)  # bools are ints
    b.move(1, 0)
    eq(stream([a], 0, 0, 24, 16), stream([b], 0, 0, 24, 16), "move(True, False)")


@test
def frames_and_rotations():
    for r in range(8):
        for f in (0, 7, 15):
            m = Model("sprite", 1, 1, G, P, x=2, y=1, frame=f, rotation=r)
            eq(stream([m.make(_stage)], 0, 0, 20, 18), model_stream([m], 0, 0, 20, 18), "frame %d rotation %d" % (f, r))
    # Rotations 8..255 act as 0.
    ident = stream([sprite(frame=3)], 0, 0, 16, 16)
    for r in (8, 9, 100, 255):
        eq(stream([sprite(frame=3, rotation=r)], 0, 0, 16, 16), ident, "rotation %d" % r)
    # A grid ignores the frame but rotates every tile in place.
    grid = Model("grid", 3, 2, G, P, bytes([0x12, 0x34, 0x56]), x=-3, y=2, frame=0, rotation=5)
    g1 = grid.make(_stage)
    g2 = grid.make(_stage)
    g2.frame(9, 5)
    expected = model_stream([grid], 0, 0, 50, 36)
    eq(stream([g1], 0, 0, 50, 36), expected, "rotated grid")
    eq(stream([g2], 0, 0, 50, 36), expected, "grid frame ignored")


@test
def sizes_beyond_255_cells():
    # Layers up to 2047 cells (text 4095) are supported, not wrapped mod 256.
    wide = Layer(300, 1, G, P)
    wide.move(-300 * 16 + 8, 0)
    eq(stream([wide], 0, 0, 16, 1), stream([sprite(x=-8)], 0, 0, 16, 1)[:16] + b"\xf8\x1f" * 8, "300-wide sprite")
    Layer(2047, 2047, G, P)
    Layer(2047, 1, G, P, bytes(1024))
    Text(4095, 1, FONT, P, bytes(4095))
    Text(0, 4095, FONT, P, b"")
    Layer(0, 0, G, P, b"")


@test
def text_layers():
    m = Model("text", 5, 3, FONT, TEXT_PALETTE, bytes(range(0x41, 0x41 + 15)) , x=3, y=-2)
    eq(stream([m.make(_stage)], 0, 0, 48, 24), model_stream([m], 0, 0, 48, 24), "text")
    hl = Model("text", 4, 1, FONT, TEXT_PALETTE, bytes([0xC1, 0x80, 0x00, 0x7F]), x=1, y=1)
    eq(stream([hl.make(_stage)], 0, 0, 40, 10), model_stream([hl], 0, 0, 40, 10), "highlight and empty cells")


@test
def buffer_kinds():
    models = section6_models()
    expected = model_stream(models, 0, 0, 40, 24)
    kinds = (
        lambda b: b,
        bytearray,
        lambda b: memoryview(b),
        lambda b: array.array("B", b),
        lambda b: array.array("H", b) if len(b) % 2 == 0 else bytearray(b),
    )
    for i, kind in enumerate(kinds):
        layers = []
        for m in models:
            c = Model(m.kind, m.w, m.h, kind(m.a), kind(m.palette), None if m.b is None else kind(m.b),
                      m.x, m.y, m.frame, m.rotation)
            layers.append(c.make(_stage))
        for buf in (bytearray(64), memoryview(bytearray(64)), array.array("H", bytes(64)), bytearray(65)):
            out = Recorder()
            render(0, 0, 40, 24, layers, buf, out)
            eq(out.stream, expected, "buffer kind %d, output buffer %r" % (i, type(buf)))
    # Odd lengths: 2 * floor(len / 2) bytes per chunk.
    out = Recorder()
    render(0, 0, 5, 1, [], bytearray(3), out)
    eq(out.sizes, [2] * 5, "buffer of 3 bytes")


@test
def empty_rectangles_write_nothing():
    for rect in ((5, 5, 5, 9), (5, 5, 4, 9), (0, 7, 10, 7), (32767, 0, 0, 1), (0, 0, 0, 0)):
        out = Recorder()
        render(rect[0], rect[1], rect[2], rect[3], [sprite()], bytearray(8), out, 3)
        eq(out.chunks, [], "rect %r" % (rect,))
    out = Recorder()
    render(32766, 32766, 32767, 32767, [sprite()], bytearray(8), out, 255)
    eq(len(out.stream), 2 * 255 * 255, "corner pixel at scale 255")


# ------------------------------------------------------------------ bad arguments


@test
def layer_argument_errors():
    raises(TypeError, Layer, 1, 1, G)
    raises(TypeError, Layer, 1, 1, G, P, b"", b"")
    raises(TypeError, lambda: Layer(1, 1, G, P, map=b"\x00"))
    raises(TypeError, Text, 1, 1, FONT, P)
    raises(TypeError, Text, 1, 1, FONT, P, b"A", b"A")
    for w in (-1, 2048, 100000, -(2**31)):
        raises(ValueError, Layer, w, 1, G, P, match="width and height must be 0..=2047, not %d" % w)
        raises(ValueError, Layer, 1, w, G, P, match="width and height must be 0..=2047")
    for w in (-1, 4096):
        raises(ValueError, Text, w, 1, FONT, P, bytes(10), match="width and height must be 0..=4095, not %d" % w)
    for w in (2**64, -(2**64), 2**100):
        raises(OverflowError, Layer, w, 1, G, P)
        raises(OverflowError, Text, 1, w, FONT, P, b"")
    for bad in (1.0, "1", None, [1], b"1"):
        raises(TypeError, Layer, bad, 1, G, P)
        raises(TypeError, Text, 1, bad, FONT, P, b"A")
    Layer(True, True, G, P)  # bools are ints


@test
def buffer_size_errors():
    for n in (0, 2047, 2049, 4096):
        raises(ValueError, Layer, 1, 1, bytes(n), P, match="graphic must be 2048 bytes long (got %d)" % n)
        raises(ValueError, Text, 1, 1, bytes(n), P, b"A", match="font must be 2048 bytes long (got %d)" % n)
    for n in (0, 31, 33, 64):
        raises(ValueError, Layer, 1, 1, G, bytes(n), match="palette must be 32 bytes long (got %d)" % n)
        raises(ValueError, Text, 1, 1, FONT, bytes(n), b"A", match="palette must be 32 bytes long (got %d)" % n)
    # Maps need ceil(w * h / 2) bytes (the original checked floor and read past the end).
    raises(ValueError, Layer, 1, 1, G, P, b"", match="map buffer too small (0 bytes, needs 1)")
    raises(ValueError, Layer, 3, 1, G, P, b"\x00", match="map buffer too small (1 bytes, needs 2)")
    raises(ValueError, Layer, 7, 3, G, P, bytes(10), match="map buffer too small (10 bytes, needs 11)")
    Layer(3, 1, G, P, b"\x00\x00")
    Layer(4, 2, G, P, bytes(4))
    raises(ValueError, Text, 3, 2, FONT, P, bytes(5), match="chars buffer too small (5 bytes, needs 6)")
    Text(3, 2, FONT, P, bytes(6))
    # Not buffers.
    for bad in (5, 1.5, [0] * 32, object()):
        raises(TypeError, Layer, 1, 1, bad, P)
        raises(TypeError, Layer, 1, 1, G, bad)
        raises(TypeError, Layer, 1, 1, G, P, bad)
        raises(TypeError, Text, 1, 1, bad, P, b"A")
        raises(TypeError, Text, 1, 1, FONT, bad, b"A")
        raises(TypeError, Text, 1, 1, FONT, P, bad)
    raises(TypeError, Layer, 1, 1, None, P)
    raises(TypeError, Text, 1, 1, FONT, P, None)
    eq(stream([Layer(1, 1, G, P, None)], 0, 0, 16, 16), stream([sprite()], 0, 0, 16, 16), "map None: a sprite")


@test
def method_argument_errors():
    s = sprite()
    t = Text(1, 1, FONT, P, b"A")
    for f in (-1, 16, 255, 256, 257):
        raises(ValueError, s.frame, f, 0, match="frame must be 0..=15, not %d" % f)
    for r in (-1, 256, 1000):
        raises(ValueError, s.frame, 0, r, match="rotation must be 0..=255, not %d" % r)
    raises(OverflowError, s.frame, 2**70, 0)
    raises(OverflowError, s.frame, 0, -(2**70))
    for bad in (1.0, "1", None):
        raises(TypeError, s.frame, bad, 0)
        raises(TypeError, s.frame, 0, bad)
        raises(TypeError, s.move, bad, 0)
        raises(TypeError, s.move, 0, bad)
        raises(TypeError, t.move, bad, 0)
    raises(TypeError, s.frame, 1)
    raises(TypeError, s.move, 1)
    raises(TypeError, s.move, 1, 2, 3)
    # Methods called through the class on other objects (the runtime checks `self`).
    raises(TypeError, Layer.frame, t, 0, 0)
    raises(TypeError, Layer.move, object(), 0, 0)
    raises(TypeError, Text.move, s, 0, 0)
    raises(TypeError, Layer.frame, 5, 0, 0)
    # The raw functions (no runtime check of `self`) check it themselves.
    if hasattr(Layer, "__dict__"):
        raw = Layer.__dict__
        for bad in (5, None, object(), b"x" * 64, [s]):
            raises(TypeError, raw["move"], bad, 1, 2, match="self must be a Layer or Text")
            raises(TypeError, raw["frame"], bad, 1, 2, match="self must be a Layer or Text")
        raw["move"](t, 3, 4)  # a Text is fine for move
        raw["frame"](t, 1, 2)  # and frame() on a Text stores values that are never used
        moved = Text(1, 1, FONT, P, b"A")
        moved.move(3, 4)
        eq(stream([t], 0, 0, 16, 16), stream([moved], 0, 0, 16, 16), "Text after raw move() and frame()")
    # A failed call leaves the layer as it was.
    s.frame(4, 1)
    before = stream([s], 0, 0, 16, 16)
    raises(ValueError, s.frame, 16, 0)
    raises(ValueError, s.frame, 5, 256)
    eq(stream([s], 0, 0, 16, 16), before, "unchanged after failed frame()")


class Subclass(Layer):
    pass


@test
def render_argument_errors():
    s = sprite()
    buf = bytearray(8)
    out = Recorder()
    raises(TypeError, render, 0, 0, 1, 1, [s], buf)
    raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, match="7, 8, 10 or 11 arguments")
    raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, 0, None, 5)
    raises(TypeError, lambda: render(0, 0, 1, 1, [s], buf, out, scale=1))
    for i in range(4):
        for v in (-1, 32768, 65535, -(2**31)):
            args = [0, 0, 1, 1]
            args[i] = v
            raises(ValueError, render, *args, [s], buf, out, match="x0, y0, x1, y1 must be 0..=32767, not %d" % v)
        args = [0, 0, 1, 1]
        args[i] = 2**70
        raises(OverflowError, render, *args, [s], buf, out)
        args[i] = 1.0
        raises(TypeError, render, *args, [s], buf, out)
    for scale in (0, -1, 256):
        raises(ValueError, render, 0, 0, 1, 1, [s], buf, out, scale, match="scale must be 1..=255, not %d" % scale)
    raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, 1.0)
    raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, None)
    # Within a machine word (32 bits on boards, 64 on the unix port) an int out of range
    # is a ValueError; beyond it, an OverflowError.
    for bg in (-1, 0x10000, 2**30, -(2**31)):
        raises(ValueError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, 0, bg, match="background must be 0..=65535, not %d" % bg)
    raises(ValueError if WORD_BITS == 64 else OverflowError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, 0, 2**40)
    raises(OverflowError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, 0, 2**70)
    for bad in (1.5, "red", b"\x00\x00", (0, 0)):
        raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, 1, 0, 0, bad)
        raises(TypeError, render, 0, 0, 1, 1, [s], buf, out, 1, bad, 0, None)
    # layers
    for bad in (s, None, 5, {s: 1}, set(), iter([s]), "ab", bytearray(2)):
        raises(TypeError, render, 0, 0, 1, 1, bad, buf, out, match="layers must be a list or tuple")
    for items, index in (([5], 0), ([s, None], 1), ([s, s, "x"], 2), ((s, object()), 1), ([s, Layer], 1),
                         ([s, Subclass(1, 1, G, P)], 1), ([s, [s]], 1), ([s, 2**70], 1)):
        raises(TypeError, render, 0, 0, 1, 1, items, buf, out, match="layers[%d] is not a Layer or Text" % index)
    # buffer
    for bad in (b"\x00" * 8, "abcdefgh", 5, None, memoryview(b"12345678"), [0] * 8):
        raises(TypeError, render, 0, 0, 1, 1, [s], bad, out)
    for n in (0, 1):
        raises(ValueError, render, 0, 0, 1, 1, [s], bytearray(n), out, match="buffer must hold at least 2 bytes")
    # output
    class NoWrite:
        pass
    class WriteNotCallable:
        write = 5
    for bad in (NoWrite(), 5, None, "x", b"x"):
        raises(TypeError, render, 0, 0, 1, 1, [s], buf, bad, match="output must have a write() method")
    raises(TypeError, render, 0, 0, 1, 1, [s], buf, WriteNotCallable())
    eq(out.chunks, [], "nothing written by failed calls")
    # Argument errors are found before anything is written, even for empty rectangles.
    raises(TypeError, render, 5, 5, 5, 5, [s, 5], buf, out)
    raises(ValueError, render, 5, 5, 5, 5, [s], bytearray(1), out)
    raises(TypeError, render, 5, 5, 5, 5, [s], b"ro", out)
    eq(out.chunks, [], "nothing written")


@test
def buffers_overlapping_the_output_are_refused():
    buf = bytearray(2048)
    layer = Layer(1, 1, buf, P)
    raises(ValueError, render, 0, 0, 4, 4, [layer], buf, Recorder(), match="overlaps the output buffer")
    pal = bytearray(P)
    layer = Layer(1, 1, G, pal)
    raises(ValueError, render, 0, 0, 4, 4, [layer], memoryview(pal)[4:20], Recorder())


# ------------------------------------------------------------------ live views, references


@test
def layers_read_their_buffers_live():
    pal = bytearray(P)
    m = Model("grid", 2, 2, bytearray(G), pal, bytearray([0x12, 0x34]), x=1, y=1)
    layer = m.make(_stage)
    eq(stream([layer], 0, 0, 34, 34), model_stream([m], 0, 0, 34, 34), "before")
    pal[2:6] = b"\x00\x01\x00\x02"
    m.b[0] = 0x77
    m.a[300:310] = bytes(range(10))
    eq(stream([layer], 0, 0, 34, 34), model_stream([m], 0, 0, 34, 34), "after changing palette, map, graphic")
    chars = bytearray(b"AB")
    t = Model("text", 2, 1, FONT, bytearray(TEXT_PALETTE), chars)
    tl = t.make(_stage)
    chars[1] = 0xC3
    eq(stream([tl], 0, 0, 16, 8), model_stream([t], 0, 0, 16, 8), "text after changing chars")


@test
def buffers_resized_after_construction():
    g = bytearray(G)
    p = bytearray(P)
    layer = Layer(2, 1, g, p, bytearray(1))
    g.extend(b"\x00")
    raises(ValueError, render, 0, 0, 8, 8, [layer], bytearray(8), Recorder(), match="graphic must be 2048 bytes long (got 2049)")
    g[2048:] = b""
    p[31:] = b""
    raises(ValueError, render, 0, 0, 8, 8, [layer], bytearray(8), Recorder(), match="palette must be 32 bytes long (got 31)")
    p.extend(b"\x00")
    stream([layer], 0, 0, 8, 8)
    m = bytearray(1)
    grid = Layer(2, 1, G, P, m)
    m[0:] = b""
    raises(ValueError, render, 0, 0, 8, 8, [grid], bytearray(8), Recorder(), match="map buffer too small (0 bytes, needs 1)")
    m.extend(bytes(100))  # longer is fine
    stream([grid], 0, 0, 8, 8)
    chars = bytearray(b"AB")
    text = Text(2, 1, FONT, P, chars)
    chars[1:] = b""
    raises(ValueError, render, 0, 0, 8, 8, [text], bytearray(8), Recorder(), match="chars buffer too small (1 bytes, needs 2)")


def _layers_from_fresh_copies(models, copies):
    """`copies` scenes of fresh buffers referenced only by the layer objects (made in
    this frame, which is gone when the layers are used)."""
    layers = []
    for _ in range(copies):
        for m in models:
            c = Model(m.kind, m.w, m.h, bytearray(m.a), bytearray(m.palette),
                      None if m.b is None else bytearray(m.b), m.x, m.y, m.frame, m.rotation)
            layers.append(c.make(_stage))
    return layers


def _clobber(depth):
    """Overwrites stale stack slots that could still point at dropped objects."""
    junk = [bytearray(b"\xaa" * 64) for _ in range(4)]
    return _clobber(depth - 1) + len(junk) if depth else 0


@test
def layers_keep_their_buffers_alive():
    models = section6_models()
    expected = model_stream(models, 0, 0, 40, 24)
    layers = _layers_from_fresh_copies(models, 30)
    for _ in range(3):
        _clobber(30)
        gc.collect()
        junk = [bytearray(b"\xaa" * 2048) for _ in range(60)]
        junk += [bytearray(b"\xaa" * 32) for _ in range(200)]
        for i in range(0, len(layers), 3):
            eq(stream(layers[i:i + 3], 0, 0, 40, 24), expected, "copy %d after gc.collect()" % (i // 3))
        junk = None


# ------------------------------------------------------------------ write() callbacks


class Boom(Exception):
    pass


@test
def write_exceptions_propagate_unchanged():
    err = Boom("bus error")

    class Failing:
        def __init__(self, at):
            self.at, self.calls = at, 0

        def write(self, b):
            self.calls += 1
            if self.calls == self.at:
                raise err

    for at in (1, 2, 5):
        out = Failing(at)
        try:
            render(0, 0, 16, 16, [sprite()], bytearray(64), out)
            raise AssertionError("no exception")
        except Boom as e:
            check(e is err, "the same exception object")
        eq(out.calls, at, "write() calls before the failure")
    for exc in (KeyError("k"), OSError(5), StopIteration(), MemoryError(), SystemExit(3)):
        class Raising:
            def write(self, b):
                raise exc
        try:
            render(0, 0, 4, 4, [sprite()], bytearray(8), Raising())
            raise AssertionError("no exception")
        except BaseException as e:
            check(e is exc, "%r propagates unchanged" % (exc,))
    # write() given as a plain function attribute, and a bound method of a builtin.
    class Attr:
        pass
    chunks = []
    o = Attr()
    o.write = chunks.append
    render(0, 0, 4, 1, [sprite()], bytearray(4), o)
    eq(len(chunks), 2, "write as an instance attribute")


@test
def chunks_are_bytes_like_and_exact():
    seen = []

    class Inspect:
        def write(self, b):
            seen.append((len(b), bytes(b), len(memoryview(b))))

    render(0, 0, 5, 2, [sprite()], bytearray(8), Inspect())
    eq([n for n, _, _ in seen], [8, 8, 4], "chunk lengths")
    check(all(n == len(data) == m for n, data, m in seen), "len() is the byte count")


@test
def write_may_keep_append_to_or_resize_what_it_gets():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    expected = model_stream(models, 0, 0, 40, 24)

    class Keeper:
        def __init__(self):
            self.kept, self.copies = [], []

        def write(self, b):
            self.copies.append(bytes(b))
            self.kept.append(b)
            if isinstance(b, bytearray):
                b.extend(b"junk")  # may be the render buffer itself: it grows

    for n in (64, 65, 7):
        buf = bytearray(n)
        out = Keeper()
        render(0, 0, 40, 24, layers, buf, out)
        eq(b"".join(out.copies), expected, "stream with buffer of %d" % n)
        check(len(buf) >= n, "buffer only grew")


@test
def write_resizes_the_render_buffer():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    expected = model_stream(models, 0, 0, 40, 24, 2)
    for plan in ((10, 300, 3, 2, 5000, 64), (2, 2, 2), (1000,), (7, 9, 11, 13)):
        buf = bytearray(64)
        sizes = list(plan)
        lens = []
        out = Recorder()

        def write(b, out=out, buf=buf, sizes=sizes, lens=lens):
            out.write(b)
            lens.append(len(buf))
            if sizes:
                n = sizes.pop(0)
                if n > len(buf):
                    buf.extend(bytes(n - len(buf)))
                else:
                    buf[n:] = b""

        class Out:
            pass
        o = Out()
        o.write = write
        render(0, 0, 40, 24, layers, buf, o, 2)
        eq(out.stream, expected, "stream with resizes %r" % (plan,))
        eq(out.sizes[:-1], [n & ~1 for n in lens[:-1]], "each chunk fills the buffer as it is then")
    # Shrinking below 2 bytes mid-render is a ValueError at the next chunk.
    buf = bytearray(16)

    class Shrink:
        def write(self, b):
            buf[1:] = b""

    raises(ValueError, render, 0, 0, 40, 24, layers, buf, Shrink(), match="buffer must hold at least 2 bytes")


@test
def write_changes_the_layers_and_their_buffers():
    pal = bytearray(P)
    g = bytearray(G)
    a = Layer(2, 2, g, pal)
    a.move(1, 2)
    layers = [a]
    new_pal = bytes([0xF8, 0x1F] + [0x55, 0x66] * 15)
    model_old = Model("sprite", 2, 2, G, P, x=1, y=2)
    model_new = Model("sprite", 2, 2, G, new_pal, x=1, y=2)
    before = model_stream([model_old], 0, 0, 40, 40)
    after = model_stream([model_new], 0, 0, 40, 40)

    class Mutate:
        def __init__(self):
            self.out = Recorder()

        def write(self, b):
            self.out.write(b)
            if len(self.out.chunks) == 3:
                pal[:] = new_pal  # in place, by Python code: shows from the next chunk

    m = Mutate()
    render(0, 0, 40, 40, layers, bytearray(100), m)
    k = 300
    eq(len(m.out.stream), len(before), "stream length with the palette changed in place")
    eq(m.out.stream[:k], before[:k], "chunks before the palette changed")
    eq(m.out.stream[k:], after[k:], "chunks after the palette changed in place")
    eq(stream(layers, 0, 0, 40, 40), after, "the next render, with the new palette")
    pal[:] = P

    # Moving a layer or changing its frame or rotation mid-render: the following chunks
    # show it, exactly (the renderer's caches are dropped when the scene changes).
    moved = Model("sprite", 2, 2, G, P, x=5, y=9, frame=3, rotation=5)

    class Change:
        def __init__(self, at):
            self.out, self.at = Recorder(), at

        def write(self, b):
            self.out.write(b)
            if len(self.out.chunks) == self.at:
                a.move(5, 9)
                a.frame(3, 5)

    for buffer_len, at, scale in ((100, 3, 1), (64, 5, 2), (30, 10, 1), (30, 7, 3)):
        a.move(1, 2)
        a.frame(0, 0)
        c = Change(at)
        render(0, 0, 40, 40, layers, bytearray(buffer_len), c, scale)
        k = (buffer_len & ~1) * at
        expected = model_stream([moved], 0, 0, 40, 40, scale)
        eq(len(c.out.stream), len(expected), "stream length after a move")
        eq(c.out.stream[k:], expected[k:], "chunks after move() and frame() (buffer %d, scale %d)" % (buffer_len, scale))
    a.move(1, 2)
    a.frame(0, 0)

    # Growing the list, replacing items, shrinking the list.
    extra = sprite(10, 10)

    class Lists:
        def __init__(self, layers):
            self.layers, self.calls, self.out = layers, 0, Recorder()

        def write(self, b):
            self.out.write(b)
            self.calls += 1
            if self.calls == 1:
                self.layers.extend([extra] * 50)
            elif self.calls == 2:
                self.layers[0] = sprite(3, 3)
            elif self.calls == 3:
                del self.layers[1:]
            elif self.calls == 4:
                self.layers.clear()

    lst = [sprite()]
    w = Lists(lst)
    render(0, 0, 32, 32, lst, bytearray(256), w)
    eq(len(w.out.stream), 32 * 32 * 2, "stream length with a changing list")
    # Putting a foreign object in the list, or shrinking a graphic, mid-render.
    class Poison:
        def __init__(self, action):
            self.action = action

        def write(self, b):
            self.action()

    lst = [sprite(), sprite()]
    raises(TypeError, render, 0, 0, 32, 32, lst, bytearray(64), Poison(lambda: lst.append(3)), match="layers[2] is not")
    gb = bytearray(G)
    lst = [Layer(1, 1, gb, P)]
    def shrink():
        gb[100:] = b""
    raises(ValueError, render, 0, 0, 32, 32, lst, bytearray(64), Poison(shrink), match="graphic must be 2048 bytes long (got 100)")


@test
def reentrant_render_from_write():
    models = section6_models()
    layers = [m.make(_stage) for m in models]
    expected = model_stream(models, 0, 0, 40, 24)
    inner_expected = model_stream(models, 3, 4, 20, 9, 2)

    class Reenter:
        def __init__(self, buf):
            self.buf, self.out, self.inner = buf, Recorder(), []

        def write(self, b):
            self.out.write(b)  # copied before the buffer can be reused
            inner = Recorder()
            render(3, 4, 20, 9, layers, self.buf, inner, 2)  # same buffer, or another
            self.inner.append(inner.stream)

    for same in (True, False):
        buf = bytearray(64)
        r = Reenter(buf if same else bytearray(30))
        render(0, 0, 40, 24, layers, buf, r)
        eq(r.out.stream, expected, "outer stream (same buffer: %r)" % same)
        check(all(s == inner_expected for s in r.inner), "inner streams")


@test
def garbage_collection_during_render():
    models = section6_models()
    layers = [Model(m.kind, m.w, m.h, bytearray(m.a), bytearray(m.palette),
                    None if m.b is None else bytearray(m.b), m.x, m.y, m.frame, m.rotation).make(_stage)
              for m in models]
    expected = model_stream(models, 0, 0, 40, 24, 3)

    class Collect:
        def __init__(self):
            self.out = Recorder()

        def write(self, b):
            self.out.write(b)
            junk = [bytearray(300) for _ in range(20)]
            gc.collect()

    c = Collect()
    render(0, 0, 40, 24, layers, bytearray(50), c, 3)
    eq(c.out.stream, expected, "stream with collections in write()")


@test
def many_layers():
    # More layers than any fixed table: 300 sprites, the front one wins.
    layers = [sprite(i % 40, i % 24, i % 16, i % 8) for i in range(300)]
    models = [Model("sprite", 1, 1, G, P, x=i % 40, y=i % 24, frame=i % 16, rotation=i % 8) for i in range(300)]
    eq(stream(layers, 0, 0, 40, 24, buffer_len=512), model_stream(models, 0, 0, 40, 24), "300 sprites")


run_all()
