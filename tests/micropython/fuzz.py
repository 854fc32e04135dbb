# Hostile-input fuzzer for `_stage`: random calls to Layer, Text, move, frame and render
# with wrong types and sizes, huge and negative ints, foreign objects in `layers`,
# buffers mutated or resized between and during calls, and write() callbacks that
# raise, resize the render buffer, change the layers (list and buffers), collect
# garbage or render re-entrantly.
#
#   micropython fuzz.py [CALLS] [SEED]          (defaults 10000 and 1)
#
# Every call must either succeed or raise TypeError, ValueError or OverflowError (or
# the fuzzer's own exception, raised by write()); a completed render with an
# undisturbed output must have sent exactly 2 * w * h * scale**2 bytes in chunks of
# 2 * floor(len(buffer) / 2). Anything else is reported, and the exit status is 1. A
# crash of the VM shows as the process dying (the runner checks the exit status).
import sys
import gc
import array
import random

import _stage
from _stage import Layer, Text, render

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
random.seed(SEED)
rb = random.getrandbits


def pick(seq):
    return seq[rb(16) % len(seq)]


def chance(n):
    """True with probability 1/n."""
    return rb(16) % n == 0


class FuzzError(Exception):
    """Raised on purpose by write(); must come back unchanged."""


ALLOWED = (TypeError, ValueError, OverflowError)

INTS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 127, 128, 255, 256, 257,
        1000, 2047, 2048, 4095, 4096, 32767, 32768, 65535, 65536, 65539, 100000,
        -1, -2, -16, -255, -256, -32768, -32769, -65536,
        2**31 - 1, 2**31, -(2**31), 2**32, 2**32 + 3, 2**62, 2**63 - 1, 2**63, 2**64, 2**64 + 3,
        -(2**63), -(2**63) - 1, -(2**64), 2**100, -(2**100), True, False]
SIZES = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 33, 64, 100, 511, 512, 513, 1024, 2047, 2048, 2049, 4096]


class Weird:
    """A foreign object with a few tempting attributes."""
    write = 5

    def __len__(self):
        return 32

    def __int__(self):
        return 3


def random_bytes(n):
    return bytes(rb(8) for _ in range(n)) if n <= 64 else bytes([rb(8)]) * n


def make_buffer(n=None):
    if n is None:
        n = pick(SIZES)
    kind = rb(3)
    if kind == 0:
        return bytearray(random_bytes(n))
    if kind == 1:
        return random_bytes(n)
    k = rb(2)
    if k == 0 and n % 2 == 0:
        return array.array("H", random_bytes(n))
    if k == 1:
        return memoryview(bytearray(random_bytes(n)))
    return array.array("B", random_bytes(n))


# Pools: buffers (some of the right sizes), layers, and foreign objects.
buffers = [make_buffer(n) for n in (2048, 2048, 32, 32, 32, 8, 3, 0, 1, 2049, 31, 512, 64)]
layers = []
OTHERS = [None, 1.5, -0.0, float("inf"), "", "abc", "x" * 32, (), [], {}, set(), object(), Weird(),
          Layer, Text, render, len, range(4), b"\xf8\x1f" * 16, Ellipsis]


def any_value():
    r = rb(3)
    if r == 0:
        return pick(INTS)
    if r == 1 and buffers:
        return pick(buffers)
    if r == 2 and layers and chance(2):
        return pick(layers)
    return pick(OTHERS)


def an_int(lo, hi):
    """Usually a valid int in lo..hi, sometimes anything."""
    if chance(24):
        return any_value()
    if chance(12):
        return pick(INTS)
    return lo + rb(16) % (hi - lo + 1)


def a_buffer(size):
    """Usually a buffer of the right size, sometimes a wrong one or not a buffer."""
    r = rb(4)
    if r == 0 and chance(3):
        return any_value()
    if r == 1:
        return pick(buffers)
    b = make_buffer(size if rb(3) else pick(SIZES))
    if isinstance(b, (bytearray, memoryview)) and chance(3):
        buffers.append(b)  # may be mutated later, while a layer holds it
    return b


def new_layer():
    w, h = an_int(0, 4), an_int(0, 3)
    wn = w if type(w) is int and 0 <= w <= 64 else 2
    hn = h if type(h) is int and 0 <= h <= 64 else 2
    if rb(2):
        args = [w, h, a_buffer(2048), a_buffer(32)]
        if rb(2):
            args.append(a_buffer((wn * hn + 1) // 2))
        elif chance(4):
            args.append(None)
        while chance(12):
            args.append(any_value())
        return Layer(*args)
    args = [w, h, a_buffer(2048), a_buffer(32), a_buffer(wn * hn)]
    if chance(12):
        args = args[: rb(8) % 6]
    return Text(*args)


def mutate_buffer():
    if not buffers:
        return
    b = pick(buffers)
    if isinstance(b, bytearray):
        r = rb(3)
        if r == 0:
            b.extend(bytes(pick([1, 2, 31, 100])))
        elif r == 1:
            b[rb(12) % (len(b) + 1):] = b""
        elif len(b):
            b[rb(16) % len(b)] = rb(8)
    elif isinstance(b, memoryview) and len(b):
        b[rb(16) % len(b)] = rb(8)


class Output:
    """write() with a random behaviour; `plain` when it disturbs nothing."""

    def __init__(self, buffer, scene):
        self.buffer, self.scene = buffer, scene
        self.sizes = []
        self.mode = rb(1) and rb(8) % 8  # 0: plain (about half the time)
        self.at = 1 + rb(3)
        self.plain = self.mode == 0

    def write(self, b):
        self.sizes.append(len(b))
        n = len(self.sizes)
        m = self.mode
        if m == 0 or n != self.at:
            return None
        if m == 1:
            raise FuzzError(n)
        if m == 2 and isinstance(self.buffer, bytearray):
            size = pick([0, 1, 2, 3, 8, 64, 513])
            if size > len(self.buffer):
                self.buffer.extend(bytes(size - len(self.buffer)))
            else:
                self.buffer[size:] = b""
        elif m == 3:
            mutate_buffer()
        elif m == 4 and isinstance(self.scene, list):
            r = rb(2)
            if r == 0:
                self.scene.append(any_value() if chance(3) else (pick(layers) if layers else 1))
            elif self.scene:
                del self.scene[rb(8) % len(self.scene):]
        elif m == 5:
            gc.collect()
            _ = [bytearray(100) for _ in range(10)]
        elif m == 6:
            # Re-entrant: a small render into the same or another buffer.
            inner = Output(self.buffer if rb(2) else bytearray(16), self.scene)
            inner.mode = 0
            try:
                render(0, 0, 4, 3, self.scene, inner.buffer, inner, 1)
            except ALLOWED:
                pass
        elif m == 7:
            if isinstance(b, bytearray):
                b.extend(b"xyz")  # may be the render buffer itself
            self.kept = b
        return n


class NoWrite:
    pass


def render_call():
    # Rectangle and scale: valid ones kept small (a valid render must finish fast).
    x0, y0 = an_int(0, 40), an_int(0, 40)
    x1 = an_int(0, 48) if chance(5) else (x0 + rb(5) if type(x0) is int and 0 <= x0 <= 40 else 8)
    y1 = an_int(0, 48) if chance(5) else (y0 + rb(4) if type(y0) is int and 0 <= y0 <= 40 else 8)
    scale = an_int(1, 3)
    n = pick([7, 7, 8, 8, 8, 10, 10, 11, 11, 11, 11, 7, 8, 10, 11, 11, 9, 6, 12, 0])
    # Layers: mostly a list of layers, sometimes with foreign objects, sometimes not a list.
    scene = [pick(layers) for _ in range(rb(3))] if layers else []
    if chance(10):
        scene.insert(rb(4) % (len(scene) + 1), any_value())
    if chance(8):
        scene = tuple(scene)
    elif chance(24):
        scene = any_value()
    # Buffer and output.
    r = rb(4)
    if r == 0 and chance(3):
        buffer = any_value()
    elif r == 1 and buffers:
        buffer = pick(buffers)  # may be some layer's own buffer
    else:
        buffer = bytearray(pick([2, 2, 3, 4, 7, 8, 16, 33, 64, 512, 0, 1]))
    out = Output(buffer, scene)
    output = out
    if chance(24):
        output = pick([NoWrite(), 5, None, Weird(), "s"])
        out.plain = False
    args = [x0, y0, x1, y1, scene, buffer, output, scale, an_int(-100, 100), an_int(-100, 100),
            None if rb(2) else an_int(0, 0xFFFF), any_value()][:n]
    if n == 0:
        # Random values for the optional arguments (the length check below can't know
        # what they mean).
        args = [x0, y0, x1, y1, scene, buffer, output] + [any_value() for _ in range(rb(3) + 1)]
        out.plain = False
    # A render that would be valid must stay small. Bools are ints, and so is anything
    # with __int__ (Weird is 3); other values are refused by render.
    vals = [int(v) if type(v) in (int, bool, Weird) else -1 for v in args[:4] + args[7:8]]
    if len(args) >= 4 and all(0 <= v <= 32767 for v in vals):
        s = vals[4] if len(args) > 7 else 1
        if max(0, vals[2] - vals[0]) * max(0, vals[3] - vals[1]) * s * s > 4096:
            args[:4] = [0, 0, 8, 8]
            if len(args) > 7:
                args[7] = 1
    x0, y0, x1, y1 = [int(v) if type(v) in (int, bool, Weird) else v for v in args[:4]] + [0] * (4 - len(args[:4]))
    if len(args) > 7 and type(args[7]) in (int, bool, Weird):
        scale = int(args[7])
    result = render(*args)
    if result is not None:
        raise AssertionError("render returned %r" % (result,))
    if out.plain and n != 9 and isinstance(buffer, bytearray) and len(buffer) >= 2:
        # Undisturbed: exactly the expected number of bytes, in full chunks.
        s = scale if n > 7 else 1
        expect = 2 * max(0, x1 - x0) * max(0, y1 - y0) * s * s
        total = sum(out.sizes)
        chunk = len(buffer) & ~1
        if total != expect or any(c != chunk for c in out.sizes[:-1]) or (out.sizes and not 0 < out.sizes[-1] <= chunk):
            raise AssertionError("bad stream: %d bytes, expected %d, chunks %r" % (total, expect, out.sizes[:8]))
        kind[0] = "render_call (stream length checked)"
    elif out.sizes:
        kind[0] = "render_call (write() misbehaved)"


def move_call():
    target = pick(layers) if layers and rb(4) else any_value()
    x, y = an_int(-100, 100), an_int(-100, 100)
    if rb(4):
        target.move(x, y)
    else:
        pick([Layer.move, Text.move])(target, x, y)


def frame_call():
    target = pick(layers) if layers and rb(4) else any_value()
    args = [an_int(0, 15), an_int(0, 10)]
    if chance(10):
        args = args[: rb(2)] + [any_value()] * rb(2)
    if rb(4):
        target.frame(*args)
    else:
        Layer.frame(target, *args)


def add_layer():
    layer = new_layer()
    if len(layers) < 60:
        layers.append(layer)
    else:
        layers[rb(8) % len(layers)] = layer


def step():
    """One call; returns its kind."""
    r = rb(4)
    if r == 0 or len(layers) < 4:
        fn = add_layer
    elif r == 1:
        fn = pick([move_call, frame_call, mutate_buffer])
    else:
        fn = render_call
    kind[0] = fn.__name__
    fn()


kind = [""]


def main():
    counts = {}
    failures = 0
    for i in range(CALLS):
        try:
            step()
            name = "ok"
        except ALLOWED as e:
            name = type(e).__name__
        except FuzzError:
            name = "FuzzError (from write)"
        except AttributeError as e:
            # Calling .move/.frame on a foreign object that has no such method is the
            # fuzzer's own doing (getattr), not the module's.
            if "has no attribute" not in str(e):
                raise
            name = "AttributeError (fuzzer's getattr)"
        except Exception as e:
            failures += 1
            name = "UNEXPECTED " + type(e).__name__
            if failures <= 20:
                print("call %d: %s: %s" % (i, type(e).__name__, e))
                sys.print_exception(e)
        name = kind[0] + ": " + name
        counts[name] = counts.get(name, 0) + 1
        if len(buffers) > 80:
            del buffers[: len(buffers) - 40]
        if i % 2000 == 0:
            gc.collect()
    print("fuzz: %d calls, seed %d" % (CALLS, SEED))
    for name in sorted(counts):
        print("  %-48s %d" % (name, counts[name]))
    print("%d passed, %d failed" % (CALLS - failures, failures))
    if failures:
        sys.exit(1)


main()
