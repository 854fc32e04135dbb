# The MicroPython side of tests/python_games/same_bytes.py: plays scenes
# through stage.py the way games do and writes every render call stage.py
# makes as a case of a stage-conformance-1 file, with the stream _stage.mpy
# sent as the expectation.
#     micropython same_bytes_scenes.py ASSETS_DIR OUT.json
#
# stage.py's `_stage` is replaced by a recorder that makes the real _stage
# objects and passes every call on: Layer/Text arguments, move() and frame()
# are noted, and each render() records its rectangle, scale, viewport,
# background, buffer length and a copy of every layer's bytes (bank, palette,
# map, font, characters) and state, then renders through the real module into
# the display (hashing each chunk and noting its size on the way), and once
# more into an io.BytesIO (a write() in C, which lets _stage keep its caches
# between chunks): the two streams must be the same. The display checks that
# each window stage.py opens gets exactly the bytes of the render that follows.
import binascii
import hashlib
import io
import json
import sys

import _stage
import stage

ASSETS = sys.argv[1]
OUT = sys.argv[2]


def hexs(data):
    return binascii.hexlify(bytes(data)).decode()


def sha(data):
    return hexs(hashlib.sha256(data).digest())


class Recorded:
    """A _stage.Layer or _stage.Text and what was done to it."""

    def __init__(self, kind, args):
        self.kind = kind
        self.args = args
        self.real = (_stage.Layer if kind == "Layer" else _stage.Text)(*args)
        self.x = self.y = self.frame_ = self.rotation = 0

    def move(self, x, y):
        self.real.move(x, y)
        self.x = x
        self.y = y

    def frame(self, frame, rotation):
        self.real.frame(frame, rotation)
        self.frame_ = frame
        self.rotation = rotation


def i16(v):
    return ((v + 32768) & 0xFFFF) - 32768


class Recorder:
    """Stands for the _stage module in stage.py."""

    def __init__(self):
        self.assets = {}
        self.cases = []
        self.scene = "scene"
        self.display = None

    def Layer(self, *args):  # noqa: N802 -- the module's names
        return Recorded("Layer", args)

    def Text(self, *args):  # noqa: N802
        return Recorded("Text", args)

    def asset(self, kind, data):
        data = bytes(data)
        name = "%s_%s" % (kind, sha(data)[:12])
        self.assets[name] = hexs(data)
        return name

    def describe(self, layer):
        a = layer.args
        if layer.kind == "Text":
            return {"type": "Text", "width": a[0], "height": a[1], "font": self.asset("font", a[2]),
                    "palette": self.asset("pal", a[3]), "chars": hexs(a[4]),
                    "x": i16(layer.x), "y": i16(layer.y)}
        has_map = len(a) > 4 and a[4] is not None
        return {"type": "Layer", "width": a[0], "height": a[1], "graphic": self.asset("bank", a[2]),
                "palette": self.asset("pal", a[3]), "map": hexs(a[4]) if has_map else None,
                "x": i16(layer.x), "y": i16(layer.y), "frame": layer.frame_, "rotation": layer.rotation}

    def render(self, x0, y0, x1, y1, layers, buffer, out, scale=1, vx=0, vy=0, background=None):
        if background is None:
            variant = "mp"
            if vx or vy:
                raise ValueError("the mp variant has no viewport (vx=%d, vy=%d)" % (vx, vy))
        elif background == 0:
            variant = "cp"
        else:
            raise ValueError("background %r has no conformance variant" % (background,))
        window = self.display.windows[-1]
        expected = [x0 * scale, y0 * scale, x1 * scale - 1, y1 * scale - 1]
        if window[:4] != expected:
            raise AssertionError("window %r before render%r" % (window[:4], (x0, y0, x1, y1, scale)))
        case = {
            "id": "%s-%02d" % (self.scene, sum(1 for c in self.cases if c["id"].startswith(self.scene + "-"))),
            "variant": variant,
            "layers": [self.describe(layer) for layer in layers],
            "render": {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "scale": scale,
                       "buffer_len": len(buffer), "vx": i16(vx), "vy": i16(vy)},
        }
        real = [layer.real for layer in layers]
        tap = Tap(out)
        _stage.render(x0, y0, x1, y1, real, buffer, tap, scale, vx, vy, background)
        again = io.BytesIO()
        _stage.render(x0, y0, x1, y1, real, buffer, again, scale, vx, vy, background)
        digest = hexs(tap.hash.digest())
        if sha(again.getvalue()) != digest:
            raise AssertionError("%s: a write() in C got another stream" % case["id"])
        case["expect"] = {"bytes": tap.total, "chunks": tap.sizes, "sha256": digest}
        self.cases.append(case)


class Tap:
    """render()'s output: hashes and measures each chunk, then passes it on."""

    def __init__(self, out):
        self.out = out
        self.hash = hashlib.sha256()
        self.sizes = []
        self.total = 0

    def write(self, chunk):
        self.hash.update(chunk)
        self.sizes.append(len(chunk))
        self.total += len(chunk)
        self.out.write(chunk)


class Display:
    """A panel: windows opened by block(), each of which must get exactly its
    pixels before the next one opens."""

    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.windows = []

    def block(self, x0, y0, x1, y1):
        self.check()
        self.windows.append([x0, y0, x1, y1, 0])

    def write(self, buf):
        self.windows[-1][4] += len(buf)

    def check(self):
        if self.windows:
            x0, y0, x1, y1, got = self.windows[-1]
            if got != (x1 - x0 + 1) * (y1 - y0 + 1) * 2:
                raise AssertionError("window %r got %d bytes" % (self.windows[-1][:4], got))


REC = Recorder()
stage._stage = REC


def play(name, dialect, width, height, scene):
    stage.dialect(dialect)
    REC.scene = name
    REC.display = Display(width, height)
    before = len(REC.cases)
    try:
        scene(stage.Stage(REC.display, 60))
    finally:
        stage.dialect("cp")
    REC.display.check()
    print("%s: %d renders, %d bytes" % (name, len(REC.cases) - before,
                                       sum(c["expect"]["bytes"] for c in REC.cases[before:])))


def level(grid, seed):
    """Fills a grid with a pattern of tiles, walls (1) around the edge."""
    for y in range(grid.height):
        for x in range(grid.width):
            if x in (0, grid.width - 1) or y in (0, grid.height - 1):
                grid.tile(x, y, 1)
            else:
                grid.tile(x, y, (x * 7 + y * 3 + seed) % 16)


def scene_cp_bmp(game):
    """CircuitPython dialect, 160x128, banks from a BMP and a PNG: a grid, its
    walls, sprites in all eight rotations, a text panel, a moving viewport."""
    bank = stage.Bank.from_image(ASSETS + "/tiles.bmp")
    walls_bank = stage.Bank.from_image(ASSETS + "/walls-d4.png")
    grid = stage.Grid(bank, 10, 8)
    level(grid, 1)
    walls = stage.WallGrid(grid, (1, 2), walls_bank)
    sprites = [stage.Sprite(bank, 3 + i % 5, 12 + 17 * i, 9 + 11 * i, rotation=i) for i in range(8)]
    sprites.append(stage.Sprite(bank, 15, -5, 120, rotation=6))   # partly off the screen
    text = stage.Text(12, 3)
    text.move(4, 100)
    text.text("SCORE 0042\n")
    text.text("HI", hightlight=True)
    text.char(11, 2, "*", highlight=True)
    game.layers = [text] + sprites + [walls, grid]
    game.vx = 6
    game.vy = 3
    game.render_block()
    for i, s in enumerate(sprites):
        s.move(s.x + 3 + i + 0.75, s.y - 2 * (i & 1))              # floats, as games move
        s.set_frame((s.frame + 1) % 16, (s.rotation + 3) % 8)
    game.render_sprites(sprites)
    game.vx = -20
    game.vy = 17
    grid.tile(3, 3, 1)
    walls.update()
    game.render_block(0, 20, 100, 90)
    text.cursor(0, 0)
    text.text("SCORE 9999")
    game.render_block(text.x, text.y, text.x + 96, text.y + 24)


def scene_mp_png(game):
    """MicroPython dialect (the key background, R/B swapped palettes), 128x128,
    banks from an 8-bit PNG and a BMP."""
    bank = stage.Bank.from_image(ASSETS + "/tiles-d8.png")
    grid = stage.Grid(bank, 6, 5)
    level(grid, 4)
    grid.move(20, 16)
    wall_bank = stage.Bank.from_bmp16(ASSETS + "/walls.bmp")
    walls = stage.WallGrid(grid, (1,), wall_bank)
    sprites = [stage.Sprite(bank, (5 * i) % 16, 30 + 9 * i, 40 + (i * 13) % 50, rotation=(i * 3) % 8)
               for i in range(6)]
    hidden = stage.Sprite(bank, 2, 60, 60)
    hidden.set_frame(16)                                            # out of range: hidden
    text = stage.Text(14, 2)
    text.move(8, 110)
    text.text("LIVES \x013 \x05\x06", hightlight=False)
    text.text("\nMP", highlight=True)
    game.layers = [text, hidden] + sprites + [walls, grid]
    game.render_block()
    for s in sprites:
        s.move(s.x - 7, s.y + 5)
    sprites[0].set_frame(9, 5)
    game.render_sprites(sprites + [hidden])
    game.render_block(100, 100, 140, 140)


def scene_cp_scale2(game):
    """CircuitPython dialect at scale 2 (320x240 panel, 160x120 stage), a PNG
    bank and a GIF bank, a scrolled viewport."""
    bank = stage.Bank.from_image(ASSETS + "/tiles-d4.png")
    other = stage.Bank.from_image(ASSETS + "/sprites.gif")
    grid = stage.Grid(bank, 12, 9)
    level(grid, 9)
    sprites = [stage.Sprite(other, i, 20 * i, 10 + 7 * i, rotation=7 - i) for i in range(7)]
    text = stage.Text(8, 1)
    text.move(40, 2)
    text.text("LEVEL 2")
    text.char(7, 0, "!", hightlight=True)
    game.layers = sprites + [text, grid]
    game.vx = 11
    game.vy = -7
    game.render_block()
    for s in sprites:
        s.move(s.x + 5, s.y + 3)
    game.render_sprites(sprites)
    game.vx = 40
    game.render_block(40, 0, 120, 60)


def scene_mp_scale2(game):
    """MicroPython dialect at scale 2 (256x256 panel), a BMP bank."""
    bank = stage.Bank.from_bmp16(ASSETS + "/tiles.bmp")
    grid = stage.Grid(bank, 9, 9)
    level(grid, 2)
    ball = stage.Sprite(bank, 7, 50, 50, rotation=1)
    text = stage.Text(16, 1)
    text.text("SCALE 2 \x01\x02\x03\x04")
    game.layers = [ball, text, grid]
    game.render_block()
    ball.move(58, 44)
    ball.set_frame(8, 4)
    game.render_sprites([ball])
    game.render_block(0, 0, 40, 8)


play("cp-bmp", "cp", 160, 128, scene_cp_bmp)
play("mp-png", "mp", 128, 128, scene_mp_png)
play("cp-scale2", "cp", 320, 240, scene_cp_scale2)
play("mp-scale2", "mp", 256, 256, scene_mp_scale2)

with open(OUT, "w") as f:
    json.dump({"format": "stage-conformance-1",
               "note": "Scenes drawn by stage.py over _stage.mpy (tests/python_games/same_bytes.py)",
               "assets": REC.assets, "cases": REC.cases}, f)
print("%d cases, %d assets" % (len(REC.cases), len(REC.assets)))
