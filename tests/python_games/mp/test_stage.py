# stage.py's API: helpers, Bank, Grid, WallGrid, Sprite, Text, Stage (render
# calls, clamping, world coordinates, sprite box merging, the frame limiter)
# and the dialect switch.
#     micropython test_stage.py [TEST...]   (needs _stage, stage and headless/)
import array

import _headless
import stage
from mptest import Screen, check, eq, no_pixel_twice, raises, run_all, test

RED = 0xF800
GREEN = 0x07E0
BLUE = 0x001F
WHITE = 0xFFFF
KEY = 0xF81F


def palette(*colors):
    """An array('H') palette in wire order from RGB565 values (index 0 first)."""
    p = array.array("H", [0] * 16)
    for i, c in enumerate(colors):
        p[i] = (c >> 8) | (c & 0xFF) << 8
    return p


def solid_bank(colors=(KEY, RED, GREEN, BLUE, WHITE)):
    """Tile t is filled with colour index t (t < 5), tile 5 has a 4x4 red dot
    at (6..9, 6..9) on transparent, tile 6 is red on its left half, blue on
    its right half."""
    g = bytearray(2048)
    for t in range(5):
        for i in range(128):
            g[t * 128 + i] = t << 4 | t
    for y in range(6, 10):
        for x in range(6, 10, 2):
            g[5 * 128 + y * 8 + x // 2] = 0x11
    for i in range(128):
        g[6 * 128 + i] = 0x11 if i % 8 < 4 else 0x33
    return stage.Bank(g, palette(*colors))


# ------------------------------------------------------------------ helpers


@test
def color565_values():
    eq(stage.color565(255, 255, 255), 0xFFFF)
    eq(stage.color565(255, 0, 0), 0xF800)
    eq(stage.color565(0, 255, 0), 0x07E0)
    eq(stage.color565(0, 0, 255), 0x001F)
    eq(stage.color565(0x12, 0x34, 0x56), (0x10 << 8) | (0x34 << 3) | (0x56 >> 3))
    eq(stage.color565(r=8, g=4, b=8), 0x0821, "keywords")


@test
def collide_inclusive_edges():
    eq(stage.collide(0, 0, 10, 10, 10, 10, 20, 20), True, "corners touch")
    eq(stage.collide(0, 0, 10, 10, 11, 0, 20, 10), False, "one apart")
    eq(stage.collide(0, 0, 10, 10, 5, 5), True, "point inside")
    eq(stage.collide(0, 0, 10, 10, 10, 0), True, "point on the edge")
    eq(stage.collide(0, 0, 10, 10, 10, 11), False, "point below")
    eq(stage.collide(ax0=0, ay0=0, ax1=4, ay1=4, bx0=-4, by0=-4, bx1=0, by1=0), True, "keywords")
    eq(stage.collide(0, 0, 4, 4, -4, -4, by1=-1, bx1=10), False, "only bx1/by1 by name")
    eq(stage.collide(0.5, 0.5, 4.5, 4.5, 4.5, 4.5), True, "floats")


@test
def font_and_palette():
    eq(len(stage.FONT), 2048, "FONT")
    eq(stage.PALETTE, bytes.fromhex("f81f0000ce79fffff81f0019fce0fde0") + bytes(16), "PALETTE")
    eq(stage.FONT[0:16], bytes(16), "glyph 0 empty")
    eq(stage.FONT[32 * 16:33 * 16], bytes(16), "space empty")
    for code in list(range(1, 7)) + list(range(11, 27)) + list(range(33, 128)):
        check(stage.FONT[code * 16:code * 16 + 16] != bytes(16), "glyph %d empty" % code)
    glyphs = set(stage.FONT[c * 16:c * 16 + 16] for c in range(33, 127))
    eq(len(glyphs), 94, "distinct ASCII glyphs")


@test
def dialect_switch():
    eq(stage.dialect(), "cp")
    eq(stage.dialect("mp"), "mp")
    eq(stage.dialect(), "mp")
    eq(stage.dialect("cp"), "cp")
    raises(ValueError, stage.dialect, "circuitpython")
    eq(stage.dialect(), "cp")


# ------------------------------------------------------------------ layers


@test
def bank_defaults_and_keywords():
    b = stage.Bank()
    eq((b.buffer, b.palette), (None, None))
    g = bytearray(2048)
    p = palette(RED)
    b = stage.Bank(palette=p, buffer=g)
    check(b.buffer is g and b.palette is p, "kept as given")


@test
def grid_layout_and_tiles():
    bank = solid_bank()
    g = stage.Grid(bank)
    eq((g.width, g.height, g.stride, len(g.buffer)), (8, 8, 8, 32))
    g = stage.Grid(bank, 5, 3)
    eq((g.stride, len(g.buffer)), (6, 9), "odd width: even stride")
    check(g.palette is bank.palette, "bank palette by default")
    g.tile(0, 0, 3)
    g.tile(1, 0, 4)
    g.tile(4, 2, 7)
    eq(g.buffer[0], 0x34, "high nibble left")
    eq(g.buffer[(2 * 6 + 4) >> 1], 0x70)
    eq((g.tile(0, 0), g.tile(1, 0), g.tile(4, 2), g.tile(2, 2)), (3, 4, 7, 0))
    eq(g.tile(4.7, 2.2), 7, "float coordinates")
    eq((g.tile(-1, 0), g.tile(5, 0), g.tile(0, 3), g.tile(99, 99)), (0, 0, 0, 0), "outside")
    before = bytes(g.buffer)
    g.tile(5, 0, 9)
    g.tile(-1, -1, 9)
    eq(bytes(g.buffer), before, "setting outside does nothing")
    raises(ValueError, g.tile, 1, 1, 16)
    raises(ValueError, g.tile, 1, 1, -1)
    eq(g.tile(1, 1), 0, "refused tile not written")
    eq(g.tile(0, 1), 0, "neighbour untouched")


@test
def grid_keywords_buffer_move_and_z():
    bank = solid_bank()
    buf = bytearray(64)
    p = palette(BLUE)
    g = stage.Grid(bank=bank, width=4, height=4, palette=p, buffer=buf)
    check(g.buffer is buf and g.palette is p, "given buffer and palette")
    g.move(3.9, -2.5, 7)
    eq((g.x, g.y, g.z), (3.9, -2.5, 7))
    g.move(x=1, y=2)
    eq((g.x, g.y, g.z), (1, 2, 7), "z kept")
    raises(ValueError, stage.Grid, bank, 4, 4, None, bytearray(7))


@test
def large_grid_renders():
    bank = solid_bank()
    g = stage.Grid(bank, 160, 120)
    eq(len(g.buffer), 9600)
    g.tile(159, 119, 2)
    g.move(-159 * 16, -119 * 16)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [g]
    s.render_block(0, 0, 16, 16)
    eq(screen.pixel(5, 5), GREEN, "last cell of a 160x120 grid")


@test
def grid_rotation_through_its_layer():
    bank = solid_bank()
    g = stage.Grid(bank, 1, 1)
    g.tile(0, 0, 6)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [g]
    s.render_block(0, 0, 16, 16)
    eq((screen.pixel(0, 0), screen.pixel(15, 0)), (RED, BLUE), "left red, right blue")
    g.layer.frame(0, 4)  # mirrored
    s.render_block(0, 0, 16, 16)
    eq((screen.pixel(0, 0), screen.pixel(15, 0)), (BLUE, RED), "mirrored")


@test
def wallgrid_corner_masks():
    bank = solid_bank()
    parent = stage.Grid(bank, 3, 2)
    parent.tile(1, 0, 2)
    parent.tile(2, 1, 2)
    parent.move(32, 16)
    w = stage.WallGrid(parent, (2,), bank)
    eq((w.width, w.height), (4, 3))
    eq((w.x, w.y), (24, 8), "half a tile up-left of the parent")
    expected = [
        [0, 8, 4, 0],
        [0, 2, 9, 4],
        [0, 0, 2, 1],
    ]
    got = [[w.tile(x, y) for x in range(4)] for y in range(3)]
    eq(got, expected, "masks")
    parent.tile(0, 1, 2)
    eq(w.tile(1, 1), 2, "not updated yet")
    w.update()
    got = [[w.tile(x, y) for x in range(4)] for y in range(3)]
    eq(got, [[0, 8, 4, 0], [8, 6, 9, 4], [2, 1, 2, 1]], "updated")
    eq(stage.WallGrid(parent, (0,), bank).tile(0, 0), 15, "outside reads as tile 0")


@test
def sprite_attributes_and_frames():
    bank = solid_bank()
    sp = stage.Sprite(bank, 5, 10.5, 20.9)
    eq((sp.frame, sp.rotation, sp.x, sp.y, sp.z, sp.px, sp.py), (5, 0, 10.5, 20.9, 0, 10, 20))
    check(sp.palette is bank.palette, "bank palette")
    sp = stage.Sprite(bank=bank, frame=1, x=1, y=2, z=3, rotation=2, palette=palette(BLUE))
    eq((sp.frame, sp.rotation, sp.z), (1, 2, 3))
    sp.set_frame(frame=3)
    eq((sp.frame, sp.rotation), (3, 2))
    sp.set_frame(rotation=5)
    eq((sp.frame, sp.rotation), (3, 5))
    sp.set_frame(4, 0)
    eq((sp.frame, sp.rotation), (4, 0))
    sp.move(x=-3.5, y=7.25, z=9)
    eq((sp.x, sp.y, sp.z), (-3.5, 7.25, 9))
    sp.update()
    eq((sp.px, sp.py), (1, 2), "update() does nothing")
    sp._updated()
    eq((sp.px, sp.py), (-3, 7), "_updated records int(x), int(y)")


@test
def sprite_frame_outside_the_bank_hides_it():
    bank = solid_bank()
    sp = stage.Sprite(bank, 5, 0, 0)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [sp]
    sp.set_frame(16, 0)
    eq(sp.frame, 16)
    s.render_block(0, 0, 32, 32)
    eq(screen.pixel(7, 7), 0, "hidden")
    sp.move(16, 0)
    s.render_block(0, 0, 32, 32)
    eq((screen.pixel(7, 7), screen.pixel(23, 7)), (0, 0), "moved, still hidden")
    sp.set_frame(5)
    s.render_block(0, 0, 32, 32)
    eq((screen.pixel(7, 7), screen.pixel(23, 7)), (0, RED), "shown at its new place")
    sp.set_frame(-1)
    s.render_block(0, 0, 32, 32)
    eq(screen.pixel(23, 7), 0, "negative frame: hidden")
    hidden = stage.Sprite(bank, 99, 0, 0)
    s.layers = [hidden]
    s.render_block(0, 0, 16, 16)
    eq(screen.pixel(7, 7), 0, "made with frame 99: hidden")
    raises(ValueError, sp.layer.frame, 16, 0)


@test
def sprite_position_is_truncated():
    bank = solid_bank()
    sp = stage.Sprite(bank, 5, 0, 0)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [sp]
    sp.move(10.9, 0.99)
    s.render_block(0, 0, 32, 32)
    eq(screen.pixel(16, 6), RED, "dot at 10+6")
    eq(screen.pixel(15, 6), 0, "black left of it")


@test
def text_char_and_highlight():
    t = stage.Text(4, 2)
    eq(len(t.buffer), 8)
    check(t.font is stage.FONT and t.palette is stage.PALETTE, "defaults")
    t.char(1, 1, "A")
    eq(t.char(1, 1), "A")
    t.char(2, 1, "B", hightlight=True)
    eq(t.buffer[6], ord("B") | 0x80, "hightlight")
    t.char(3, 1, "C", highlight=True)
    eq(t.buffer[7], ord("C") | 0x80, "highlight")
    eq(t.char(2, 1), chr(ord("B") | 0x80), "raw byte back")
    eq(t.char(4, 0), None, "outside")
    t.char(-1, 0, "X")
    eq(bytes(t.buffer[:4]), bytes(4), "outside: no-op")
    t.char(0, 0, "\xe9")
    eq(t.buffer[0], 0xE9, "above 127: highlight bit")
    raises(ValueError, t.char, 0, 0, "\u20ac")
    t.clear()
    eq(bytes(t.buffer), bytes(8))


@test
def text_wrapping_and_size():
    t = stage.Text(5, 3)
    eq(t.text("AB"), (16, 8))
    eq(bytes(t.buffer[:3]), b"AB\0")
    eq((t.column, t.row), (2, 0))
    eq(t.text("CDE"), (40, 8), "wrapped at the right edge")
    eq((t.column, t.row), (0, 1))
    eq(t.text("xy\nz"), (16, 24), "from the top-left corner")
    eq(bytes(t.buffer[5:8]), b"xy\0")
    eq(t.buffer[10], ord("z"))
    t.clear()
    t.cursor(0, 0)
    eq(t.text("\n\n"), (0, 16))
    eq(t.text("12345678", hightlight=True), (40, 24), "back to row 0")
    eq((t.column, t.row), (3, 0))
    eq(t.buffer[10], ord("1") | 0x80)
    t.cursor(0, 0)
    t.clear()
    eq(t.text("\x01\x0b"), (16, 8), "control characters are written (CP)")
    eq(bytes(t.buffer[:2]), b"\x01\x0b")


@test
def text_in_the_mp_dialect():
    t = stage.Text(5, 2)
    try:
        stage.dialect("mp")
        eq(t.text("A\x01B\nC"), None, "returns None")
        eq(bytes(t.buffer), b"AB\0\0\0C\0\0\0\0", "control characters skipped")
    finally:
        stage.dialect("cp")


@test
def text_cursor_keeps_the_swapped_clamps():
    t = stage.Text(10, 2)
    t.cursor(5, 1)
    eq((t.column, t.row), (1, 1), "x clamped to height-1")
    t.cursor(y=9)
    eq(t.row, 9, "y clamped to width-1")
    t.cursor(-3, -3)
    eq((t.column, t.row), (0, 0))
    t = stage.Text(4, 4)
    t.cursor(3, 2)
    eq((t.column, t.row), (3, 2), "square: as asked")


@test
def text_renders_with_the_font():
    t = stage.Text(2, 1)
    t.text("A")
    t.move(8.5, 0)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [t]
    s.render_block(0, 0, 24, 8)
    colors = set(screen.pixel(x, y) for x in range(8, 16) for y in range(8))
    eq(colors, set((0x0000, 0xFFFF)), "black outline, white body, black background")
    glyph = stage.FONT[65 * 16:66 * 16]
    for y in range(8):
        for x in range(8):
            v = glyph[y * 2 + (x >> 2)] >> ((x & 3) * 2) & 3
            eq(screen.pixel(8 + x, y), (0, 0, 0xCE79, 0xFFFF)[v], "pixel %d,%d" % (x, y))


# ------------------------------------------------------------------ stage


@test
def stage_sizes_and_scale():
    for w, h, scale, size in ((128, 128, 1, (128, 128)), (160, 128, 1, (160, 128)),
                              (320, 240, 2, (160, 120)), (240, 240, 1, (240, 240))):
        s = stage.Stage(Screen(w, h))
        eq((s.scale, s.width, s.height), (scale, size[0], size[1]), "%dx%d" % (w, h))
    s = stage.Stage(Screen(128, 128), fps=12, scale=2)
    eq((s.scale, s.width, s.height), (2, 64, 64))
    s = stage.Stage(display=Screen(), fps=30)
    eq((s.vx, s.vy, s.layers), (0, 0, []))
    check(stage.Stage.buffer is s.buffer and len(s.buffer) == 512, "shared buffer")


@test
def stage_clears_root_group():
    class Display(Screen):
        root_group = "the REPL"
    d = Display()
    stage.Stage(d)
    eq(d.root_group, None)

    class Refusing(Screen):
        @property
        def root_group(self):
            return 1

    stage.Stage(Refusing())  # setting fails: ignored


@test
def render_block_whole_screen_and_clamping():
    bank = solid_bank()
    g = stage.Grid(bank, 8, 8)
    for y in range(8):
        for x in range(8):
            g.tile(x, y, 1 + (x + y) % 3)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [g]
    s.render_block()
    eq(screen.rects(), [(0, 0, 127, 127)])
    eq(screen.sent(), 128 * 128 * 2)
    eq((screen.pixel(0, 0), screen.pixel(16, 0), screen.pixel(127, 127)), (RED, GREEN, BLUE))
    cases = [
        ((-10, -10, 5, 6), (0, 0, 4, 5)),
        ((120, 100, 500, 300), (120, 100, 127, 127)),
        ((200, 200, 300, 300), (127, 127, 127, 127)),
        ((-50, -50, -10, -10), (0, 0, 0, 0)),
        ((10.7, 3.2, 20.9, 4.99), (10, 3, 19, 3)),
        ((None, 5, None, 6), (0, 5, 127, 5)),
    ]
    for args, rect in cases:
        screen.windows = []
        s.render_block(*args)
        eq(screen.rects(), [rect], "render_block%r" % (args,))
    for args in ((10, 10, 10, 20), (10, 10, 20, 10), (30, 0, 20, 5)):
        screen.windows = []
        s.render_block(*args)
        eq(screen.rects(), [], "empty %r" % (args,))
    screen.windows = []
    s.render_block(x1=3, y1=2)
    eq(screen.rects(), [(0, 0, 2, 1)], "keywords")


@test
def render_block_world_coordinates():
    bank = solid_bank()
    g = stage.Grid(bank, 20, 20)
    g.tile(10, 10, 2)
    g.tile(11, 10, 3)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [g]
    s.vx = 150
    s.vy = 140
    s.render_block()
    eq(screen.rects(), [(0, 0, 127, 127)], "the viewport")
    eq(screen.pixel(160 - 150, 160 - 140), GREEN, "world (160, 160)")
    eq(screen.pixel(176 - 150, 160 - 140), BLUE, "world (176, 160)")
    eq(screen.pixel(159 - 150, 160 - 140), 0x0000, "world (159, 160): transparent tile")
    screen.windows = []
    s.render_block(160, 150, 200, 170)
    eq(screen.rects(), [(10, 10, 49, 29)], "world rectangle on the screen")
    screen.windows = []
    s.render_block(0, 0, 151, 141)
    eq(screen.rects(), [(0, 0, 0, 0)], "left of the viewport: clamped")


@test
def render_scale_two_and_spi():
    bank = solid_bank()
    g = stage.Grid(bank, 4, 4)
    g.tile(1, 0, 2)
    screen = Screen(320, 240, spi=True)
    s = stage.Stage(screen, 12)
    s.layers = [g]
    s.render_block(10, 0, 20, 5)
    eq(screen.rects(), [(20, 0, 39, 9)], "device window")
    eq(screen.sent(), 20 * 10 * 2)
    check(screen.spi.writes >= 1, "data went to display.spi")
    eq((screen.pixel(20, 0), screen.pixel(39, 9), screen.pixel(32, 0)), (0x0000, GREEN, GREEN))
    eq(screen.entered, 0, "context left")


@test
def context_manager_is_used():
    entered = []

    class Selecting(Screen):
        def __enter__(self):
            entered.append(len(self.windows))
            return self

        def __exit__(self, *exc):
            entered.append(-len(self.windows))

    d = Selecting()
    s = stage.Stage(d, 12)
    s.layers = [stage.Grid(solid_bank(), 2, 2)]
    s.render_block(0, 0, 8, 8)
    eq(entered, [0, -1], "with display: around the render")


@test
def background_black_or_magenta():
    bank = solid_bank()
    sp = stage.Sprite(bank, 5, 0, 0)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [sp]
    s.render_block(0, 0, 16, 16)
    eq((screen.pixel(0, 0), screen.pixel(7, 7)), (0x0000, RED), "CP: black")
    try:
        stage.dialect("mp")
        s.render_block(0, 0, 16, 16)
        eq((screen.pixel(0, 0), screen.pixel(7, 7)), (KEY, RED), "MP: magenta key")
    finally:
        stage.dialect("cp")


@test
def layer_order_front_first():
    bank = solid_bank()
    front = stage.Sprite(bank, 5, 0, 0)
    back = stage.Sprite(bank, 3, 0, 0, z=-100)
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [front, back]
    s.render_block(0, 0, 16, 16)
    eq((screen.pixel(7, 7), screen.pixel(0, 0)), (RED, BLUE), "list order, z ignored")


def sprite_stage(n, positions):
    bank = solid_bank()
    sprites = [stage.Sprite(bank, 5, x, y) for x, y in positions[:n]]
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = sprites + [stage.Grid(bank, 8, 8)]
    return s, screen, sprites


@test
def render_sprites_merges_overlapping_boxes():
    s, screen, sp = sprite_stage(2, [(10, 10), (20, 14)])
    s.render_sprites(sp)
    eq(screen.rects(), [(10, 10, 35, 29)], "two overlapping sprites: one render")
    screen.windows = []
    sp[0].move(11, 10)
    sp[1].move(21, 14)
    s.render_sprites(sp)
    eq(screen.rects(), [(10, 10, 36, 29)], "moved by one: still one render")


@test
def render_sprites_keeps_apart_boxes_apart():
    s, screen, sp = sprite_stage(3, [(0, 0), (50, 50), (100, 0)])
    for i, spr in enumerate(sp):
        spr.move(spr.x + 2, spr.y + 1)
    s.render_sprites(sp)
    eq(sorted(screen.rects()), [(0, 0, 17, 16), (50, 50, 67, 66), (100, 0, 117, 16)])
    no_pixel_twice(screen.rects())
    eq(screen.sent(), 3 * 18 * 17 * 2, "each pixel once")


@test
def render_sprites_teleport_renders_two_boxes():
    s, screen, sp = sprite_stage(1, [(0, 0)])
    sp[0].move(100, 100)
    s.render_sprites(sp)
    eq(sorted(screen.rects()), [(0, 0, 15, 15), (100, 100, 115, 115)])
    eq((sp[0].px, sp[0].py), (100, 100))


@test
def render_sprites_chains_and_each_pixel_once():
    # boxes A and C are apart, B joins them; the merged box then swallows D
    positions = [(0, 0), (30, 0), (14, 8), (20, 20), (90, 90)]
    s, screen, sp = sprite_stage(5, positions)
    s.render_sprites(sp)
    eq(sorted(screen.rects()), [(0, 0, 45, 35), (90, 90, 105, 105)])
    no_pixel_twice(screen.rects())
    import random
    random.seed(3)
    for round in range(30):
        s, screen, sp = sprite_stage(12, [(random.randrange(-20, 130), random.randrange(-20, 130))
                                          for _ in range(12)])
        for spr in sp:
            spr.move(spr.x + random.randrange(-40, 41), spr.y + random.randrange(-40, 41))
        s.render_sprites(sp)
        rects = screen.rects()
        no_pixel_twice(rects)
        for spr in sp:
            for x, y in ((spr.px, spr.py), (int(spr.x), int(spr.y))):
                for cx, cy in ((x, y), (x + 15, y + 15)):
                    if 0 <= cx < 128 and 0 <= cy < 128:
                        check(any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in rects),
                              "round %d: (%d, %d) not redrawn" % (round, cx, cy))


@test
def render_sprites_off_screen_and_viewport():
    s, screen, sp = sprite_stage(1, [(-40, -40)])
    s.render_sprites(sp)
    eq(screen.rects(), [], "off the screen: nothing")
    sp[0].move(200, 10)
    s.render_sprites(sp)
    eq(screen.rects(), [], "still off the screen")
    s.vx = 190
    s.render_sprites(sp)
    eq(screen.rects(), [(10, 10, 25, 25)], "viewport-relative")
    eq((sp[0].px, sp[0].py), (10, 10), "px, py relative to the viewport")
    eq(screen.pixel(17, 17), RED)
    screen.windows = []
    s.render_sprites([])
    eq(screen.rects(), [], "no sprites")


@test
def render_sprites_with_a_viewport_leaves_no_trail():
    # A sprite made, drawn with the rest at a viewport, then moved: the box it
    # left is where it was on the screen, not where its world position would
    # be without the viewport.
    s, screen, sp = sprite_stage(1, [(30, 30)])
    s.vx = s.vy = 10
    s.render_block()
    eq(screen.pixel(27, 27), RED, "the dot drawn at its world position less the viewport")
    screen.windows = []
    sp[0].move(34, 30)
    s.render_sprites(sp)
    eq(screen.rects(), [(20, 20, 39, 35)], "the old and the new box, on the screen")
    eq((screen.pixel(27, 27), screen.pixel(31, 27)), (0x0000, RED), "no trail; the dot moved")


@test
def render_sprites_in_the_mp_dialect():
    s, screen, sp = sprite_stage(1, [(120, 120)])
    s.layers = sp
    try:
        stage.dialect("mp")
        sp[0].move(121, 120)
        s.render_sprites(sp)
        eq(screen.rects(), [(120, 120, 127, 127)])
        eq(screen.pixel(121, 121), KEY, "uncovered: the key")
        eq((sp[0].px, sp[0].py), (121, 120))
    finally:
        stage.dialect("cp")


@test
def tick_keeps_the_frame_rate_without_catching_up():
    clock = _headless.clock
    s = stage.Stage(Screen(), 12)
    start = clock.us
    for _ in range(12):
        s.tick()
    elapsed = clock.us - start
    check(999000 <= elapsed <= 1001000, "12 ticks at 12 fps took %d us" % elapsed)
    s = stage.Stage(Screen(), 60)
    s.tick()
    clock.sleep_us(500000)  # a slow frame
    before = clock.us
    s.tick()
    check(clock.us - before < 2000, "late: no wait")
    before = clock.us
    s.tick()
    check(16000 <= clock.us - before <= 17500, "then one normal period: %d" % (clock.us - before))
    s = stage.Stage(Screen())
    before = clock.us
    s.tick()
    check(166000 <= clock.us - before <= 167500, "default 6 fps")
    eq(stage.Stage(Screen(), 12.5)._frame_us, 80000, "float fps")


@test
def tick_on_monotonic_time():
    # CircuitPython has no time.ticks_ms: the limiter uses float seconds
    clock = _headless.clock
    stage._ticks = False
    try:
        s = stage.Stage(Screen(), 10)
        eq(s.tick_delay, 0.1)
        start = clock.us
        for _ in range(10):
            s.tick()
        elapsed = clock.us - start
        check(999000 <= elapsed <= 1001000, "10 ticks at 10 fps took %d us" % elapsed)
        clock.sleep_us(300000)
        before = clock.us
        s.tick()
        check(clock.us - before < 2000, "late: no wait")
    finally:
        stage._ticks = True


# ------------------------------------------------------------------ old names


@test
def render_is_the_old_name_of_render_block():
    screen = Screen()
    s = stage.Stage(screen, 12)
    s.layers = [stage.Grid(solid_bank(), 8, 8)]
    s.render(0, 0, 16, 8)
    eq(screen.rects(), [(0, 0, 15, 7)])
    check(stage.Stage.render is stage.Stage.render_block, "the same function")


@test
def star_import_takes_the_lazy_names_too():
    names = {}
    exec("from stage import *", names)
    for name in ("Stage", "Sprite", "Grid", "WallGrid", "Text", "Bank", "BMP16", "FONT",
                 "PALETTE", "color565", "collide", "dialect", "PNG16", "GIF16", "lzw_decode",
                 "Audio"):
        check(name in names, "%s imported" % name)
    check(names["PNG16"] is stage.PNG16, "the lazy class itself")
    check("_stage" not in names and "_LAZY" not in names, "no private names")
    check("Audio" in stage.__all__ and "Stage" in stage.__all__, "__all__")
    raises(AttributeError, getattr, stage, "NoSuchName")


@test
def audio_of_the_old_boards():
    import board
    import stage_images
    check(stage.Audio is stage_images.Audio, "from stage_images")
    sounds = _headless.audio.sounds
    a = stage.Audio(board.SPEAKER, board.SPEAKER_ENABLE)
    n = len(sounds)
    eq((a.muted, a.pin.value), (True, False), "starts muted, amplifier off")
    a.play("pew.wav")
    eq(len(sounds), n, "nothing played while muted")
    a.mute(False)
    eq(a.pin.value, True, "amplifier on")
    a.play("pew.wav", loop=True)
    eq((len(sounds), sounds[-1].name, sounds[-1].loop), (n + 1, "pew.wav", True))
    stops = len(_headless.audio.stops)
    a.stop()
    eq(len(_headless.audio.stops), stops + 1, "stop")
    a.mute()
    eq((a.muted, a.pin.value), (True, False))
    b = stage.Audio(board.SPEAKER)
    b.mute(False)
    b.play("boom.wav")
    eq(sounds[-1].name, "boom.wav", "no mute pin")


run_all()
