# GC stress: thousands of layers whose buffers are referenced by nothing but the layer
# objects, `gc.collect()` and heaps of garbage between (and during) renders, layers
# created and dropped all the time. Every render is checked against the same scene built
# from fresh buffers, and small ones against the pure-Python model.
#
#   micropython test_gc.py [LAYERS] [ROUNDS]      (defaults 3000 and 25)
import gc
import sys
import random

import _stage
from stagetest import Model, Recorder, eq, model_stream, run_all, test

LAYERS = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 25
WIDTH, HEIGHT = 96, 64


def pattern(seed, n):
    """n pseudo-random bytes from seed (cheap, deterministic)."""
    out = bytearray(n)
    v = seed * 2654435761 & 0xFFFFFFFF
    for i in range(n):
        v = (v * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = v >> 16 & 0xFF
    return out


def palette(seed):
    p = pattern(seed, 32)
    p[0:2] = b"\xf8\x1f"  # entry 0 transparent, so layers show through each other
    if seed % 3 == 0:
        p[6:8] = b"\xf8\x1f"
    return p


class Spec:
    """How to build one layer; buffers are made fresh by `buffers()`."""

    def __init__(self, rng, i):
        self.i = i
        self.kind = ("sprite", "sprite", "grid", "text")[rng.getrandbits(2)]
        self.w = 1 + rng.getrandbits(2)
        self.h = 1 + rng.getrandbits(1)
        self.x = rng.randrange(-24, WIDTH)
        self.y = rng.randrange(-24, HEIGHT)
        self.frame = rng.getrandbits(4)
        self.rotation = rng.getrandbits(3) + (8 if rng.getrandbits(3) == 0 else 0)
        self.graphic_seed = i % 37  # several layers share a graphic (still only theirs)

    def buffers(self, graphics=None):
        if graphics is None:
            a = pattern(1000 + self.graphic_seed, 2048)
        else:
            a = graphics.get(self.graphic_seed)
            if a is None:
                a = graphics[self.graphic_seed] = pattern(1000 + self.graphic_seed, 2048)
        p = palette(self.i)
        if self.kind == "grid":
            b = pattern(5000 + self.i, (self.w * self.h + 1) // 2)
        elif self.kind == "text":
            b = pattern(9000 + self.i, self.w * self.h)
        else:
            b = None
        return a, p, b

    def reaches(self, x, y, n):
        """Whether the layer covers any pixel of the n x n square at (x, y)."""
        cell = 8 if self.kind == "text" else 16
        return self.x < x + n and self.x + cell * self.w > x and self.y < y + n and self.y + cell * self.h > y

    def model(self, buffers=None):
        a, p, b = buffers or self.buffers()
        return Model(self.kind, self.w, self.h, a, p, b, self.x, self.y, self.frame, self.rotation)

    def make(self, graphics=None):
        # The buffers are created here and referenced by nothing but the new object
        # (and other layers sharing its graphic).
        return self.model(self.buffers(graphics)).make(_stage)


def make_all(specs):
    graphics = {}  # dropped on return: then only the layers refer to the graphics
    return [s.make(graphics) for s in specs]


def churn(rng):
    """Garbage that reuses freed memory: freed buffers would show up as 0xAA bytes."""
    junk = []
    for _ in range(60):
        junk.append(bytearray(b"\xaa" * (16 + rng.getrandbits(11))))
    g, p = bytearray(b"\xaa" * 2048), bytearray(b"\xaa" * 32)
    for _ in range(200):
        junk.append(_stage.Layer(1, 1, g, p))
    return len(junk)


def render_hash(layers, rect, buffer_len, scale):
    out = Recorder()
    _stage.render(rect[0], rect[1], rect[2], rect[3], layers, bytearray(buffer_len), out, scale)
    return out.stream, out.sizes


@test
def layers_alone_keep_their_buffers():
    rng = random
    random.seed(4242)
    specs = [Spec(rng, i) for i in range(LAYERS)]
    layers = make_all(specs)  # the only references to the buffers
    gc.collect()
    created = LAYERS
    for round in range(ROUNDS):
        created += churn(rng)
        gc.collect()
        x0, y0 = rng.randrange(0, WIDTH - 16), rng.randrange(0, HEIGHT - 16)
        rect = (x0, y0, rng.randrange(x0 + 1, WIDTH + 1), rng.randrange(y0 + 1, HEIGHT + 1))
        scale = 1 + rng.getrandbits(1)
        buffer_len = 2 + rng.getrandbits(9)
        first = rng.randrange(0, LAYERS // 2)
        subset = layers[first:]
        got = render_hash(subset, rect, buffer_len, scale)
        # The same scene from fresh buffers.
        fresh = make_all(specs[first:])
        expected = render_hash(fresh, rect, buffer_len, scale)
        fresh = None
        eq(got[1], expected[1], "round %d chunk sizes" % round)
        eq(got[0], expected[0], "round %d stream (rect %r, %d layers)" % (round, rect, len(subset)))
        # A small piece against the pure-Python model (only the layers that reach it).
        sx, sy = rng.randrange(0, WIDTH - 8), rng.randrange(0, HEIGHT - 8)
        index = [i for i in range(first, LAYERS) if specs[i].reaches(sx, sy, 8)]
        graphics = {}
        models = [specs[i].model(specs[i].buffers(graphics)) for i in index]
        graphics = None
        small = render_hash([layers[i] for i in index], (sx, sy, sx + 8, sy + 8), 32, 1)
        eq(small[0], model_stream(models, sx, sy, sx + 8, sy + 8), "round %d model check" % round)
        # Drop and rebuild a tenth of the layers (their old buffers become garbage).
        graphics = {}
        for _ in range(LAYERS // 10):
            i = rng.randrange(0, LAYERS)
            layers[i] = specs[i].make(graphics)
        graphics = None
        created += LAYERS // 10
    print("%d layers, %d rounds, %d objects with buffers created" % (LAYERS, ROUNDS, created))


@test
def collections_inside_write():
    rng = random
    random.seed(7)
    specs = [Spec(rng, i) for i in range(300)]
    layers = make_all(specs)
    expected = render_hash(make_all(specs), (0, 0, WIDTH, HEIGHT), 200, 1)

    class Collecting:
        def __init__(self):
            self.out = Recorder()
            self.n = 0

        def write(self, b):
            self.out.write(b)
            self.n += 1
            junk = [bytearray(b"\x55" * 500) for _ in range(10)]
            if self.n % 3 == 0:
                gc.collect()

    c = Collecting()
    _stage.render(0, 0, WIDTH, HEIGHT, layers, bytearray(200), c)
    eq(c.out.sizes, expected[1], "chunk sizes")
    eq(c.out.stream, expected[0], "stream")


run_all()
