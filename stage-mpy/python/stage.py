"""stage: tiles, sprites and text for tiny game consoles, over the _stage renderer.

Games use `Bank` (16 tiles of 16x16 pixels, 16 colours, loaded from a 16x256
BMP, PNG or GIF), `Grid` (a map of tiles), `WallGrid`, `Sprite` (one tile at
any position), `Text` (8x8 characters) and `Stage`, which draws the list of
layers, front first, on a display. `FONT` and `PALETTE` are the default font
and text palette; `color565` and `collide` are helpers.

Dialects
--------
Two families of games exist: CircuitPython's (the default here: palettes in
true RGB565, black where no layer covers the screen, a viewport `Stage.vx`,
`Stage.vy`, `Text.text` returning the size of what it wrote) and
MicroPython's. `dialect("mp")` switches to the MicroPython behaviour:

* pixels no layer covers are sent as the transparent key F8 1F (magenta);
* the image loaders swap red and blue in the palettes they make (for panels
  run without the BGR bit, as the MicroPython boards do);
* `Text.text` skips control characters (only `\\n` acts, as a new line) and
  returns None.

`dialect("cp")` switches back, `dialect()` tells the current one. The setting
is read when a palette is loaded, at every render and at every `Text.text`.
Both dialects have everything else: the viewport (MicroPython games leave it
at 0, 0), `Sprite._updated`, `Bank.from_gif16` and `Bank.from_image`.

The display
-----------
`Stage(display)` needs an object with `width` and `height` (in device pixels)
and `block(x0, y0, x1, y1)`, which opens a window, inclusive device-pixel
coordinates, for the pixel data that follows. The data (RGB565, high byte
first, row by row) then goes to `display.spi` when the display has that
attribute (a `machine.SPI`: its `write` is C code, the fastest path on a
board), else to `display.write(buf)`. For a rectangle x0 <= x < x1,
y0 <= y < y1 of the stage (scale s) that is

    display.block(x0*s, y0*s, x1*s - 1, y1*s - 1)
    _stage.render(x0, y0, x1, y1, layers, Stage.buffer, out, s, vx, vy, background)

with background 0 (black) in the CircuitPython dialect and None (F8 1F) in the
MicroPython one. When the display is a context manager (`__enter__`; the
MicroPython panel drivers select the chip there) each batch of renders runs
inside `with display:`. A display with a `root_group` attribute (CircuitPython
displayio) gets `root_group = None`, errors ignored.

Images
------
`BMP16`, `PNG16` and `GIF16` read 16-colour images: BMP 4 bits per pixel,
uncompressed, bottom-up or top-down, any row padding; PNG indexed colour, bit
depth 4 or 8, not interlaced, every filter type, decompressed with the
firmware's `deflate` or `zlib` module; GIF87a/89a with at most 16 colours, not
interlaced, the first image covering the whole picture (extension blocks are
skipped). A file that is not such an image raises ValueError naming the file
and what is wrong (size, colours, format, truncated data, bad compressed
data, a pixel using a colour the palette lacks); a missing file raises
OSError. Pictures of more than MAX_IMAGE_PIXELS pixels are refused before any
memory is allocated for them, and so is compressed data longer than the
picture can need (PNG: twice the bytes of its filtered rows, GIF: 3 bytes a
pixel, each plus 1 KiB), so that what a loader allocates does not grow with
the file, whatever its headers say (tests/python_games/fuzz_assets.py checks
this with hostile files in a fixed heap). `PNG16`, `GIF16` and MicroPython-stage's GIF
helpers (`read_blockstream`, `EndOfData`, `LZWDict`, `lzw_decode`) live in
stage_images.py, which is imported on first use (a module `__getattr__`), so
that boards that only load BMP images don't hold that code in RAM; `from
stage import *` takes them too (and so imports stage_images).

Where this module differs from the originals
--------------------------------------------
Kept on purpose: `z` is stored but ignored (the list order decides);
`Text.cursor(x, y)` clamps the column against the height and the row against
the width (as both originals do; square text layers are unaffected);
`Text.char`/`Text.text` take the misspelled `hightlight` keyword (and
`highlight`); `Sprite.update()` does nothing; `Stage.buffer` is one 512-byte
buffer shared by every stage; `Grid.tile` outside the grid reads 0 and writes
nothing; positions may be floats (truncated with int()); `Stage.render` (what
render_block was called until 2017) and `Audio` (which CircuitPython boards
moved into their ugame in 2021; in stage_images.py) still exist.

Changed on purpose: `Grid.tile(x, y, t)` with t outside 0..15 raises
ValueError (the originals corrupted the neighbouring cell); a Grid made by
stage.py is never oversized; only None selects a default buffer, palette or
font (an empty buffer is an error, not replaced); a Sprite whose frame is
outside 0..15 is hidden (the originals showed whatever followed the bank in
memory; _stage refuses such frames); `Text.char` refuses
characters above 255 (ValueError); `WallGrid` is placed half a tile up-left
of its parent grid's position; `render_sprites` renders each sprite's old and
new 16x16 boxes, drops what is off the screen and merges boxes that overlap
until none do (each pixel is sent at most once per call, in as few renders);
the frame limiter keeps the exact average rate (1000/fps ms need not be a
whole number).
"""

import array
import struct

try:
    import time
except ImportError:
    import utime as time

import _stage

#: Images of more pixels than this are refused before any allocation.
MAX_IMAGE_PIXELS = 65536

_mp = False
_ticks = hasattr(time, "ticks_ms")


def dialect(name=None):
    """Returns the dialect, "cp" (the default) or "mp"; sets it first if given."""
    global _mp
    if name is not None:
        if name not in ("cp", "mp"):
            raise ValueError("dialect must be 'cp' or 'mp', not %r" % (name,))
        _mp = name == "mp"
    return "mp" if _mp else "cp"


# -- FONT begin: generated by tools/make_font.py from tools/font.txt; do not edit
FONT = (
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 0
    b'P\x01\xd4\x05\xf5\x17\xfd\x1f\xd5\x15\xd0\x01P\x01\x00\x00'  # 1 arrow up
    b'P\x01\xd0\x01\xd5\x15\xfd\x1f\xf5\x17\xd4\x05P\x01\x00\x00'  # 2 arrow down
    b'P\x01\xd0\x05\xd5\x17\xfd\x1f\xd5\x17\xd0\x05P\x01\x00\x00'  # 3 arrow right
    b'P\x01\xd4\x01\xf5\x15\xfd\x1f\xf5\x15\xd4\x01P\x01\x00\x00'  # 4 arrow left
    b'P\x05\xf4\x1f\xddw}}}}\xddw\xe4\x1bP\x05'  # 5 X button
    b'P\x05\xf4\x1f}}\xddw\xddw}}\xe4\x1bP\x05'  # 6 O button
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 7
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 8
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 9
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 10
    b'\x00\x00\x00\x00PU\xd0\xff\xd0\xaa\xd0V\xd0V\xd0V'  # 11 frame top left
    b'\x00\x00\x00\x00UU\xff\xff\xaa\xaaUUUUUU'  # 12 frame top
    b'\x00\x00\x00\x00U\x05\xff\x07\xaa\x07\x95\x07\x95\x07\x95\x07'  # 13 frame top right
    b'\xd0V\xd0V\xd0V\xd0V\xd0V\xd0V\xd0V\xd0V'  # 14 frame left
    b'UUUUUUUUUUUUUUUU'  # 15 frame inside
    b'\x95\x07\x95\x07\x95\x07\x95\x07\x95\x07\x95\x07\x95\x07\x95\x07'  # 16 frame right
    b'\xd0V\xd0V\xd0V\xd0\xaa\xd0\xffPU\x00\x00\x00\x00'  # 17 frame bottom left
    b'UUUUUU\xaa\xaa\xff\xffUU\x00\x00\x00\x00'  # 18 frame bottom
    b'\x95\x07\x95\x07\x95\x07\xaa\x07\xff\x07U\x05\x00\x00\x00\x00'  # 19 frame bottom right
    b'\x00\x00\x00\x00UU\xff\xff\xea\xaa\xd5V\xd0\x06\xd0\x06'  # 20 tee down
    b'\xd0\x06\xd0\x06\xd5V\xff\xff\xaa\xaaUU\x00\x00\x00\x00'  # 21 tee up
    b'\xd0\x06\xd0\x06\xd0V\xd0\xff\xd0\xaa\xd0V\xd0\x06\xd0\x06'  # 22 tee right
    b'\xd0\x06\xd0\x06\xd5\x06\xff\x06\xea\x06\xd5\x06\xd0\x06\xd0\x06'  # 23 tee left
    b'\xd0\x06\xd0\x06\xd5V\xff\xff\xea\xaa\xd5V\xd0\x06\xd0\x06'  # 24 cross
    b'\x00\x00\x00\x00UU\xff\xff\xaa\xaaUU\x00\x00\x00\x00'  # 25 horizontal line
    b'\xd0\x06\xd0\x06\xd0\x06\xd0\x06\xd0\x06\xd0\x06\xd0\x06\xd0\x06'  # 26 vertical line
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 27
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 28
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 29
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 30
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 31
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'  # 32 space
    b'P\x01\xd0\x01\xd0\x01\xd0\x01P\x01\xd0\x01P\x01\x00\x00'  # 33 !
    b'T\x05t\x07t\x07T\x05\x00\x00\x00\x00\x00\x00\x00\x00'  # 34 "
    b'T\x05u\x17\xfd\x1fu\x17\xfd\x1fu\x17T\x05\x00\x00'  # 35 #
    b'T\x15\xf5\x1f\xdd\x15\xf5\x17\xd5\x1d\xfd\x17U\x05\x00\x00'  # 36 $
    b'U\x15}\x1d}\x17\xd5\x15u\x1f]\x1fU\x15\x00\x00'  # 37 %
    b'T\x01\xf5\x05]\x17\xf5\x1d]\x17\xf5\x1dT\x15\x00\x00'  # 38 &
    b'P\x01\xd0\x01\xd0\x01P\x01\x00\x00\x00\x00\x00\x00\x00\x00'  # 39 '
    b'@\x05P\x07\xd0\x05\xd0\x01\xd0\x05P\x07@\x05\x00\x00'  # 40 (
    b'T\x00t\x01\xd4\x01\xd0\x01\xd4\x01t\x01T\x00\x00\x00'  # 41 )
    b'\x00\x00U\x15\xdd\x1d\xf5\x17\xdd\x1dU\x15\x00\x00\x00\x00'  # 42 *
    b'\x00\x00P\x01\xd5\x15\xfd\x1f\xd5\x15P\x01\x00\x00\x00\x00'  # 43 +
    b'\x00\x00\x00\x00\x00\x00\x00\x00P\x01\xd4\x01t\x01T\x00'  # 44 ,
    b'\x00\x00\x00\x00T\x05\xf4\x07T\x05\x00\x00\x00\x00\x00\x00'  # 45 -
    b'\x00\x00\x00\x00\x00\x00\x00\x00P\x01\xd0\x01P\x01\x00\x00'  # 46 .
    b'\x00\x15@\x1dP\x17\xd4\x05u\x01]\x00\x15\x00\x00\x00'  # 47 /
    b'T\x05\xf5\x17]\x1f\xdd\x1d}\x1d\xf5\x17T\x05\x00\x00'  # 48 0
    b'P\x01\xd4\x01\xf4\x01\xd4\x01\xd4\x05\xf4\x07T\x05\x00\x00'  # 49 1
    b'T\x05\xf5\x17]\x1d\xd5\x17u\x15\xfd\x1fU\x15\x00\x00'  # 50 2
    b'U\x05\xfd\x17U\x1d\xf4\x17U\x1d\xfd\x17U\x05\x00\x00'  # 51 3
    b'U\x05]\x07]\x17\xfd\x1fU\x17@\x07@\x05\x00\x00'  # 52 4
    b'U\x15\xfd\x1f]\x15\xfd\x17U\x1d\xfd\x17U\x05\x00\x00'  # 53 5
    b'T\x05\xf5\x07]\x05\xfd\x17]\x1d\xf5\x17T\x05\x00\x00'  # 54 6
    b'U\x15\xfd\x1fU\x1dP\x17\xd0\x05\xd0\x01P\x01\x00\x00'  # 55 7
    b'T\x05\xf5\x17]\x1d\xf5\x17]\x1d\xf5\x17T\x05\x00\x00'  # 56 8
    b'T\x05\xf5\x17]\x1d\xf5\x1fT\x1d\xf4\x17T\x05\x00\x00'  # 57 9
    b'\x00\x00P\x01\xd0\x01P\x01\xd0\x01P\x01\x00\x00\x00\x00'  # 58 :
    b'\x00\x00P\x01\xd0\x01P\x01\xd4\x01t\x01T\x00\x00\x00'  # 59 ;
    b'@\x05P\x07\xd4\x05t\x01\xd4\x05P\x07@\x05\x00\x00'  # 60 <
    b'\x00\x00U\x15\xfd\x1fU\x15\xfd\x1fU\x15\x00\x00\x00\x00'  # 61 =
    b'T\x00t\x01\xd4\x05P\x07\xd4\x05t\x01T\x00\x00\x00'  # 62 >
    b'T\x05\xf5\x17]\x1d\xd5\x17P\x05\xd0\x01P\x01\x00\x00'  # 63 ?
    b'T\x05\xf5\x17\xdd\x1d\xdd\x1f]\x15\xf5\x07T\x05\x00\x00'  # 64 @
    b'T\x05\xf5\x17]\x1d\xfd\x1f]\x1d\x1d\x1d\x15\x15\x00\x00'  # 65 A
    b'U\x05\xfd\x17]\x1d\xfd\x17]\x1d\xfd\x17U\x05\x00\x00'  # 66 B
    b'T\x15\xf5\x1f]\x15\x1d\x00]\x15\xf5\x1fT\x15\x00\x00'  # 67 C
    b'U\x05\xfd\x17]\x1d\x1d\x1d]\x1d\xfd\x17U\x05\x00\x00'  # 68 D
    b'U\x15\xfd\x1f]\x15\xfd\x07]\x15\xfd\x1fU\x15\x00\x00'  # 69 E
    b'U\x15\xfd\x1f]\x15\xfd\x07]\x05\x1d\x00\x15\x00\x00\x00'  # 70 F
    b'T\x15\xf5\x1f]\x15]\x1f]\x1d\xf5\x1fT\x15\x00\x00'  # 71 G
    b'\x15\x15\x1d\x1d]\x1d\xfd\x1f]\x1d\x1d\x1d\x15\x15\x00\x00'  # 72 H
    b'U\x15\xfd\x1f\xd5\x15\xd0\x01\xd5\x15\xfd\x1fU\x15\x00\x00'  # 73 I
    b'P\x15\xd0\x1fP\x1d\x15\x1d]\x1d\xf5\x17T\x05\x00\x00'  # 74 J
    b'\x15\x15]\x1d]\x17\xfd\x05]\x17]\x1d\x15\x15\x00\x00'  # 75 K
    b'\x15\x00\x1d\x00\x1d\x00\x1d\x00]\x15\xfd\x1fU\x15\x00\x00'  # 76 L
    b'\x15\x15]\x1d}\x1f\xdd\x1d]\x1d\x1d\x1d\x15\x15\x00\x00'  # 77 M
    b'\x15\x15]\x1d}\x1d\xdd\x1d]\x1f]\x1d\x15\x15\x00\x00'  # 78 N
    b'T\x05\xf5\x17]\x1d\x1d\x1d]\x1d\xf5\x17T\x05\x00\x00'  # 79 O
    b'U\x05\xfd\x17]\x1d\xfd\x17]\x05\x1d\x00\x15\x00\x00\x00'  # 80 P
    b'T\x05\xf5\x17]\x1d\xdd\x1d]\x17\xf5\x1dT\x15\x00\x00'  # 81 Q
    b'U\x05\xfd\x17]\x1d\xfd\x17]\x17]\x1d\x15\x15\x00\x00'  # 82 R
    b'T\x15\xf5\x1f]\x15\xf5\x17U\x1d\xfd\x17U\x05\x00\x00'  # 83 S
    b'U\x15\xfd\x1f\xd5\x15\xd0\x01\xd0\x01\xd0\x01P\x01\x00\x00'  # 84 T
    b'\x15\x15\x1d\x1d\x1d\x1d\x1d\x1d]\x1d\xf5\x17T\x05\x00\x00'  # 85 U
    b'\x15\x15\x1d\x1d\x1d\x1d]\x1du\x17\xd4\x05P\x01\x00\x00'  # 86 V
    b'\x15\x15\x1d\x1d]\x1d\xdd\x1d}\x1f]\x1d\x15\x15\x00\x00'  # 87 W
    b'\x15\x15]\x1du\x17\xd4\x05u\x17]\x1d\x15\x15\x00\x00'  # 88 X
    b'\x15\x15]\x1du\x17\xd4\x05\xd0\x01\xd0\x01P\x01\x00\x00'  # 89 Y
    b'U\x15\xfd\x1fU\x17\xd4\x05u\x15\xfd\x1fU\x15\x00\x00'  # 90 Z
    b'T\x05\xf4\x07t\x05t\x00t\x05\xf4\x07T\x05\x00\x00'  # 91 [
    b'\x15\x00]\x00u\x01\xd4\x05P\x17@\x1d\x00\x15\x00\x00'  # 92 backslash
    b'T\x05\xf4\x07T\x07@\x07T\x07\xf4\x07T\x05\x00\x00'  # 93 ]
    b'P\x01\xd4\x05u\x17]\x1d\x15\x15\x00\x00\x00\x00\x00\x00'  # 94 ^
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00U\x15\xfd\x1fU\x15'  # 95 _
    b'T\x00t\x01\xd4\x01P\x01\x00\x00\x00\x00\x00\x00\x00\x00'  # 96 `
    b'\x00\x00T\x15\xf5\x1f]\x1d]\x1f\xf5\x1dT\x15\x00\x00'  # 97 a
    b'\x15\x00]\x05\xfd\x17]\x1d]\x1d\xfd\x17U\x05\x00\x00'  # 98 b
    b'\x00\x00T\x15\xf5\x1f]\x15]\x15\xf5\x1fT\x15\x00\x00'  # 99 c
    b'\x00\x15T\x1d\xf5\x1f]\x1d]\x1d\xf5\x1fT\x15\x00\x00'  # 100 d
    b'\x00\x00T\x05\xf5\x17\xfd\x1f]\x15\xf5\x1fT\x15\x00\x00'  # 101 e
    b'P\x05\xd4\x07u\x05\xfd\x07u\x05t\x00T\x00\x00\x00'  # 102 f
    b'\x00\x00T\x15\xf5\x1f]\x1d\xf5\x1fT\x1d\xf4\x17T\x05'  # 103 g
    b'\x15\x00]\x05\xfd\x17]\x1d\x1d\x1d\x1d\x1d\x15\x15\x00\x00'  # 104 h
    b'P\x01\xd0\x01T\x01\xf4\x01\xd4\x05\xf4\x07T\x05\x00\x00'  # 105 i
    b'@\x05@\x07P\x05\xd0\x07P\x07T\x07\xf4\x05T\x01'  # 106 j
    b'\x15\x00]\x05]\x07\xfd\x05]\x17]\x1d\x15\x15\x00\x00'  # 107 k
    b'T\x01\xf4\x01\xd4\x01\xd0\x01\xd4\x05\xf4\x07T\x05\x00\x00'  # 108 l
    b'\x00\x00U\x05}\x17\xdd\x1d\xdd\x1d]\x1d\x15\x15\x00\x00'  # 109 m
    b'\x00\x00U\x05\xfd\x17]\x1d\x1d\x1d\x1d\x1d\x15\x15\x00\x00'  # 110 n
    b'\x00\x00T\x05\xf5\x17]\x1d]\x1d\xf5\x17T\x05\x00\x00'  # 111 o
    b'\x00\x00U\x05\xfd\x17]\x1d\xfd\x17]\x05\x1d\x00\x15\x00'  # 112 p
    b'\x00\x00T\x15\xf5\x1f]\x1d\xf5\x1fT\x1d\x00\x1d\x00\x15'  # 113 q
    b'\x00\x00U\x05\xdd\x07}\x05]\x00\x1d\x00\x15\x00\x00\x00'  # 114 r
    b'\x00\x00T\x15\xf5\x1f}\x15U\x1f\xfd\x17U\x05\x00\x00'  # 115 s
    b'T\x00u\x05\xfd\x07u\x05t\x05\xd4\x07P\x05\x00\x00'  # 116 t
    b'\x00\x00\x15\x15\x1d\x1d\x1d\x1d]\x1d\xf5\x1fT\x15\x00\x00'  # 117 u
    b'\x00\x00\x15\x15\x1d\x1d]\x1du\x17\xd4\x05P\x01\x00\x00'  # 118 v
    b'\x00\x00\x15\x15]\x1d\xdd\x1d\xdd\x1du\x17T\x05\x00\x00'  # 119 w
    b'\x00\x00U\x05]\x07\xf5\x05\xf5\x05]\x07U\x05\x00\x00'  # 120 x
    b'\x00\x00\x15\x15\x1d\x1d]\x1d\xf5\x1fT\x1d\xf4\x17T\x05'  # 121 y
    b'\x00\x00U\x15\xfd\x1f\xd5\x17\xf5\x15\xfd\x1fU\x15\x00\x00'  # 122 z
    b'@\x15P\x1f\xd4\x15\xf4\x01\xd4\x15P\x1f@\x15\x00\x00'  # 123 {
    b'P\x01\xd0\x01\xd0\x01\xd0\x01\xd0\x01\xd0\x01P\x01\x00\x00'  # 124 |
    b'U\x00}\x01\xd5\x05\xd0\x07\xd5\x05}\x01U\x00\x00\x00'  # 125 }
    b'\x00\x00T\x00u\x15\xdd\x1dU\x17@\x05\x00\x00\x00\x00'  # 126 ~
    b'U\x15\xfd\x1f\xfd\x1f\xfd\x1f\xfd\x1f\xfd\x1f\xfd\x1fU\x15'  # 127 block
)
# -- FONT end

#: The default text palette: 0 and 4 transparent, 1 black, 2 light grey,
#: 3 white (normal text); 5 dark blue, 6 orange, 7 amber (highlighted text).
PALETTE = (b"\xf8\x1f\x00\x00\xce\x79\xff\xff"
           b"\xf8\x1f\x00\x19\xfc\xe0\xfd\xe0") + bytes(16)


def color565(r, g, b):
    """The RGB565 value of a 24-bit colour (the top 5, 6 and 5 bits)."""
    return (r & 0xF8) << 8 | (g & 0xFC) << 3 | b >> 3


def collide(ax0, ay0, ax1, ay1, bx0, by0, bx1=None, by1=None):
    """Whether the boxes (ax0, ay0)-(ax1, ay1) and (bx0, by0)-(bx1, by1) overlap.

    Edges are inclusive (touching boxes collide). Without bx1/by1 the second
    box is the point (bx0, by0)."""
    if bx1 is None:
        bx1 = bx0
    if by1 is None:
        by1 = by0
    return not (ax1 < bx0 or ay1 < by0 or ax0 > bx1 or ay0 > by1)


def _entry(r, g, b):
    """A palette entry: the colour in wire (big-endian) order for array('H')."""
    if _mp:
        r, b = b, r
    c = color565(r, g, b)
    return (c >> 8) | (c & 0xFF) << 8


# ------------------------------------------------------------------ images


class _Image:
    """What the loaders share: the file name, errors naming it, checks."""

    def __init__(self, filename):
        self.filename = filename
        self.width = 0
        self.height = 0
        self.colors = 0

    def _error(self, what):
        return ValueError("%s: %s" % (self.filename, what))

    def _read(self, f, n, what):
        """Reads exactly n bytes of `what`."""
        data = f.read(n)
        if data is None or len(data) < n:
            raise self._error("truncated " + what)
        return data

    def _check_size(self, width, height):
        if width < 1 or height < 1:
            raise self._error("bad image size %dx%d" % (width, height))
        if width * height > MAX_IMAGE_PIXELS:
            raise self._error("image too large (%dx%d, at most %d pixels)"
                              % (width, height, MAX_IMAGE_PIXELS))

    def _new_palette(self, palette, colors):
        """Fills `palette` (or a new 16-entry array('H')) with (r, g, b) triples."""
        if palette is None:
            palette = array.array("H", bytes(32))
        for i, (r, g, b) in enumerate(colors):
            palette[i] = _entry(r, g, b)
        return palette

    def _new_buffer(self, buffer):
        """The destination of read_data: `buffer` if big enough, else a new one."""
        size = ((self.width + 1) >> 1) * self.height
        if buffer is None:
            return bytearray(size)
        if len(buffer) < size:
            raise ValueError("%s: buffer too small (%d bytes, %d needed)"
                             % (self.filename, len(buffer), size))
        return buffer

    def _check_row(self, row, start, count):
        """Refuses packed pixels row[start:start+count] using missing colours."""
        colors = self.colors
        if colors >= 16:
            return
        end = start + (count >> 1)
        for i in range(start, end):
            b = row[i]
            if b >> 4 >= colors or b & 15 >= colors:
                self._bad_pixel(max(b >> 4, b & 15))
        if count & 1 and row[end] >> 4 >= colors:
            self._bad_pixel(row[end] >> 4)

    def _bad_pixel(self, index):
        raise self._error("pixel colour %d not in the palette of %d colours"
                          % (index, self.colors))


class BMP16(_Image):
    """A 16-colour BMP: 4 bits per pixel, uncompressed, 40-byte or longer info
    header, bottom-up or top-down rows.

    `read_header()` sets `width`, `height`, `colors` and `data` (the offset of
    the pixels); `read_palette([palette])` returns the palette (an array('H')
    of 16 wire-order entries); `read_data([buffer])` the pixels, (width + 1) // 2
    bytes a row, top row first, the left pixel in the high nibble."""

    def read_header(self):
        if self.colors:
            return
        with open(self.filename, "rb") as f:
            head = f.read(54)
            if len(head) < 2 or head[:2] != b"BM":
                raise self._error("not a BMP file")
            if len(head) < 54:
                raise self._error("truncated BMP header")
            size = f.seek(0, 2)
        (data, header, width, height, _, bpp, compression, _, _, _,
         colors) = struct.unpack_from("<IIiiHHIIiiI", head, 10)
        if header < 40:
            raise self._error("unsupported BMP header (%d bytes)" % header)
        if bpp != 4:
            raise self._error("BMP must have 4 bits per pixel, not %d" % bpp)
        if compression:
            raise self._error("compressed BMP not supported")
        self._top_down = height < 0
        height = abs(height)
        self._check_size(width, height)
        colors = colors or 16
        if colors > 16:
            raise self._error("more than 16 colours (%d)" % colors)
        self._palette_at = 14 + header
        if self._palette_at + 4 * colors > data:
            raise self._error("palette overlaps the pixel data")
        self._stride = (width + 7) >> 3 << 2
        if data + self._stride * height > size:
            raise self._error("truncated pixel data")
        self.data = data
        self.width = width
        self.height = height
        self.colors = colors

    def read_palette(self, palette=None):
        self.read_header()
        with open(self.filename, "rb") as f:
            f.seek(self._palette_at)
            raw = self._read(f, 4 * self.colors, "palette")
        return self._new_palette(
            palette, [(raw[i + 2], raw[i + 1], raw[i]) for i in range(0, len(raw), 4)])

    def read_data(self, buffer=None):
        self.read_header()
        buffer = self._new_buffer(buffer)
        line = (self.width + 1) >> 1
        row = bytearray(self._stride)
        with open(self.filename, "rb") as f:
            f.seek(self.data)
            for i in range(self.height):
                if f.readinto(row) != len(row):
                    raise self._error("truncated pixel data")
                self._check_row(row, 0, self.width)
                if self.width & 1:
                    row[line - 1] &= 0xF0
                y = i if self._top_down else self.height - 1 - i
                buffer[y * line:(y + 1) * line] = row[:line]
        return buffer


# ------------------------------------------------------------------ layers


class Bank:
    """16 tiles of 16x16 pixels (`buffer`, 2048 bytes) and their 16-colour
    `palette` (32 bytes, wire order; usually an array('H'))."""

    def __init__(self, buffer=None, palette=None):
        self.buffer = buffer
        self.palette = palette

    @classmethod
    def from_image(cls, filename):
        """Loads a 16x256 .bmp, .png or .gif image (chosen by the suffix)."""
        kind = _loader(filename)
        if kind is None:
            raise ValueError("%s: unsupported format (.bmp, .png or .gif expected)" % filename)
        return cls._load(kind(filename))

    @classmethod
    def from_bmp16(cls, filename):
        """Loads a 16x256 image: a BMP unless the name ends with .png or .gif."""
        return cls._load((_loader(filename) or BMP16)(filename))

    @classmethod
    def from_gif16(cls, filename):
        """Loads a 16x256 GIF image."""
        return cls._load(__getattr__("GIF16")(filename))

    @classmethod
    def _load(cls, image):
        image.read_header()
        if image.width != 16 or image.height != 256:
            raise ValueError("%s: image size not 16x256 (%dx%d)"
                             % (image.filename, image.width, image.height))
        palette = image.read_palette()
        return cls(image.read_data(), palette)


def _loader(filename):
    """The loader class for the file's suffix (.bmp, .png, .gif), or None."""
    name = filename.lower()
    if name.endswith(".bmp"):
        return BMP16
    if name.endswith(".png") or name.endswith(".gif"):
        return __getattr__(name[-3:].upper() + "16")
    return None


def _move(self, x, y, z=None):
    """Places the top-left corner at (x, y); `z` is stored, not used. (The
    `move` of Grid and Text.)"""
    self.x = x
    self.y = y
    if z is not None:
        self.z = z
    self.layer.move(int(x), int(y))


class Grid:
    """A `width` x `height` map of the bank's tiles (16x16 pixels each).

    The map holds 4 bits a cell, rows of `stride` (width rounded up to even)
    cells; `buffer` may be given (at least stride * height / 2 bytes)."""

    def __init__(self, bank, width=8, height=8, palette=None, buffer=None):
        self.x = 0
        self.y = 0
        self.z = 0
        self.stride = (width + 1) & ~1
        self.width = width
        self.height = height
        self.bank = bank
        self.palette = bank.palette if palette is None else palette
        self.buffer = bytearray((self.stride * height) >> 1) if buffer is None else buffer
        self.layer = _stage.Layer(self.stride, height, bank.buffer, self.palette, self.buffer)

    def tile(self, x, y, tile=None):
        """The tile at (x, y), or sets it to `tile` (0..15). Outside: 0, no-op."""
        x = int(x)
        y = int(y)
        if not (0 <= x < self.width and 0 <= y < self.height):
            return 0
        i = (y * self.stride + x) >> 1
        b = self.buffer[i]
        if tile is None:
            return b & 15 if x & 1 else b >> 4
        if not 0 <= tile <= 15:
            raise ValueError("tile must be 0..15, not %r" % (tile,))
        self.buffer[i] = (b & 0xF0 | tile) if x & 1 else (b & 0x0F | tile << 4)

    move = _move


class WallGrid(Grid):
    """A grid one cell larger than `grid` in each direction, half a tile up and
    left of it, whose tile at each corner of the parent's cells is a 4-bit mask
    of which of the four cells around that corner hold one of the `walls`
    tiles: bit 0 up-left, 1 up-right, 2 down-left, 3 down-right. The bank
    needs all 16 corner pieces."""

    def __init__(self, grid, walls, bank, palette=None):
        super().__init__(bank, grid.width + 1, grid.height + 1, palette)
        self.grid = grid
        self.walls = walls
        self.update()
        self.move(grid.x - 8, grid.y - 8)

    def update(self):
        """Recomputes every corner from the parent grid."""
        tile = self.grid.tile
        walls = self.walls
        for y in range(self.height):
            for x in range(self.width):
                t = 0
                if tile(x - 1, y - 1) in walls:
                    t = 1
                if tile(x, y - 1) in walls:
                    t |= 2
                if tile(x - 1, y) in walls:
                    t |= 4
                if tile(x, y) in walls:
                    t |= 8
                self.tile(x, y, t)


class Sprite:
    """One tile of the bank (`frame`, 0..15) at any position, turned by
    `rotation`: 0 none, 1 90 degrees clockwise, 2 180, 3 90 counter-clockwise,
    4..7 the same then mirrored left to right.

    A frame outside 0..15 (the originals read past the bank and showed
    garbage) hides the sprite until a frame in range is set."""

    def __init__(self, bank, frame, x, y, z=0, rotation=0, palette=None):
        self.bank = bank
        self.palette = bank.palette if palette is None else palette
        self.frame = frame
        self.rotation = rotation
        self.x = x
        self.y = y
        self.z = z
        self.layer = _stage.Layer(1, 1, bank.buffer, self.palette)
        self._show()
        self._updated()

    def _show(self):
        """Pushes frame, rotation and position to the layer; an out-of-range
        frame moves the layer out of every screen instead."""
        if 0 <= self.frame <= 15:
            self.layer.frame(self.frame, self.rotation)
            self.layer.move(int(self.x), int(self.y))
        else:
            self.layer.move(-32768, -32768)

    def move(self, x, y, z=None):
        """Places the sprite at (x, y); `z` is stored, not used."""
        self.x = x
        self.y = y
        if z is not None:
            self.z = z
        if 0 <= self.frame <= 15:
            self.layer.move(int(x), int(y))

    def set_frame(self, frame=None, rotation=None):
        """Changes the tile shown, the rotation, or both."""
        if frame is not None:
            self.frame = frame
        if rotation is not None:
            self.rotation = rotation
        self._show()

    def update(self):
        """Does nothing (games still call it)."""

    def _updated(self):
        """Records the current position as the one last drawn. (`px`, `py`
        keep the originals' meaning: the world position here, the screen
        position after `Stage.render_sprites`; `_wx`, `_wy` are always the
        world position, which is what `render_sprites` redraws.)"""
        self.px = self._wx = int(self.x)
        self.py = self._wy = int(self.y)


class Text:
    """A `width` x `height` grid of 8x8 characters, one byte each in `buffer`:
    the character code, 0 an empty cell, bit 7 highlights it (palette entries
    4..7 instead of 0..3)."""

    def __init__(self, width, height, font=None, palette=None, buffer=None):
        self.width = width
        self.height = height
        self.font = FONT if font is None else font
        self.palette = PALETTE if palette is None else palette
        self.buffer = bytearray(width * height) if buffer is None else buffer
        self.layer = _stage.Text(width, height, self.font, self.palette, self.buffer)
        self.column = 0
        self.row = 0
        self.x = 0
        self.y = 0
        self.z = 0

    def char(self, x, y, c=None, hightlight=False, highlight=False):
        """The character at (x, y) (a str, highlight bit included), or sets it
        to `c` (a str of one character or a code), highlighted if asked.
        Outside the grid: None, no-op."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            return None
        i = y * self.width + x
        if c is None:
            return chr(self.buffer[i])
        code = c if isinstance(c, int) else ord(c)
        if not 0 <= code <= 255:
            raise ValueError("character %r not in the font (codes 0..255)" % (c,))
        if hightlight or highlight:
            code |= 0x80
        self.buffer[i] = code

    move = _move

    def cursor(self, x=None, y=None):
        """Sets the column (x) and row (y) where `text` writes next.

        Kept from the originals: x is clamped to 0..height-1 and y to
        0..width-1."""
        if y is not None:
            self.row = min(max(0, y), self.width - 1)
        if x is not None:
            self.column = min(max(0, x), self.height - 1)

    def text(self, text, hightlight=False, highlight=False):
        """Writes `text` at the cursor, wrapping at the right edge and at "\\n",
        and from the last row back to the first.

        Returns (width, height) in pixels of the area from the layer's
        top-left corner to the end of what was written (CircuitPython
        dialect); None in the MicroPython dialect, which also skips control
        characters."""
        mark = hightlight or highlight
        mp = _mp
        right = bottom = 0
        for c in text:
            if c == "\n":
                wrap = True
            else:
                if mp and ord(c) < 32:
                    continue
                self.char(self.column, self.row, c, mark)
                self.column += 1
                wrap = self.column >= self.width
            if wrap:
                right = max(right, self.column)
                self.column = 0
                self.row += 1
                if self.row >= self.height:
                    bottom = self.height
                    self.row = 0
        if mp:
            return None
        right = max(right, self.column)
        bottom = max(bottom, self.row + (1 if self.column else 0))
        return right * 8, bottom * 8

    def clear(self):
        """Empties every cell."""
        n = self.width * self.height
        memoryview(self.buffer)[:n] = bytes(n)


# ------------------------------------------------------------------ stage


class Stage:
    """Draws `layers` (a list of objects with a `.layer`, front first) on
    `display` (see the module documentation), at most `fps` frames a second
    (see `tick`), each stage pixel `scale` x `scale` device pixels (by default
    display.width // 128, at least 1).

    `width` and `height` are the stage's size in stage pixels; `vx`, `vy` the
    world position shown at the top-left corner (render_block's rectangles
    and the layers' positions are in world coordinates)."""

    buffer = bytearray(512)

    def __init__(self, display, fps=6, scale=None):
        self.scale = max(1, display.width // 128) if scale is None else scale
        self.layers = []
        self.display = display
        if hasattr(display, "root_group"):
            try:
                display.root_group = None
            except Exception:
                pass
        self.width = display.width // self.scale
        self.height = display.height // self.scale
        self.vx = 0
        self.vy = 0
        self.fps = fps
        if _ticks:
            # integer division where it can: some boards have no floats
            self._frame_us = 1000000 // fps if isinstance(fps, int) else int(1000000 / fps)
            self._carry = 0
            self.tick_delay = self._frame_us // 1000
            self.last_tick = time.ticks_ms()
        else:
            self.tick_delay = 1 / fps
            self.last_tick = time.monotonic()

    def tick(self):
        """Waits until one frame period after the previous tick. When the
        frame took longer there is no wait and no catching up: the next
        period starts now."""
        if _ticks:
            self._carry += self._frame_us
            step = self._carry // 1000
            self._carry -= step * 1000
            self.last_tick = time.ticks_add(self.last_tick, step)
            wait = time.ticks_diff(self.last_tick, time.ticks_ms())
            if wait > 0:
                time.sleep_ms(wait)
            else:
                self.last_tick = time.ticks_ms()
                self._carry = 0
        else:
            self.last_tick += self.tick_delay
            wait = self.last_tick - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                self.last_tick = time.monotonic()

    def render_block(self, x0=None, y0=None, x1=None, y1=None):
        """Redraws the world rectangle x0 <= x < x1, y0 <= y < y1 (by default
        the whole screen), clamped to the screen."""
        vx = int(self.vx)
        vy = int(self.vy)
        x0 = 0 if x0 is None else int(x0) - vx
        y0 = 0 if y0 is None else int(y0) - vy
        x1 = self.width if x1 is None else int(x1) - vx
        y1 = self.height if y1 is None else int(y1) - vy
        x0 = min(max(0, x0), self.width - 1)
        y0 = min(max(0, y0), self.height - 1)
        x1 = min(max(1, x1), self.width)
        y1 = min(max(1, y1), self.height)
        if x0 < x1 and y0 < y1:
            self._render(((x0, y0, x1, y1),))

    #: The name render_block had until 2017, still called by old games.
    render = render_block

    def render_sprites(self, sprites):
        """Redraws what changed where the sprites were and are: each sprite's
        previous and current 16x16 boxes, clamped to the screen, merged while
        any two overlap, so that each pixel is sent at most once."""
        vx = int(self.vx)
        vy = int(self.vy)
        boxes = []
        for sprite in sprites:
            wx = int(sprite.x)
            wy = int(sprite.y)
            self._add_box(boxes, sprite._wx - vx, sprite._wy - vy)
            self._add_box(boxes, wx - vx, wy - vy)
            sprite._wx = wx
            sprite._wy = wy
            sprite.px = wx - vx
            sprite.py = wy - vy
        if boxes:
            self._render(boxes)

    def _add_box(self, boxes, x, y):
        """Adds the on-screen part of the 16x16 box at (x, y) to `boxes`,
        merging it with the boxes it overlaps (which stay disjoint)."""
        x0 = max(0, x)
        y0 = max(0, y)
        x1 = min(self.width, x + 16)
        y1 = min(self.height, y + 16)
        if x0 >= x1 or y0 >= y1:
            return
        i = 0
        while i < len(boxes):
            a0, b0, a1, b1 = boxes[i]
            if a0 < x1 and x0 < a1 and b0 < y1 and y0 < b1:
                boxes.pop(i)
                x0 = min(x0, a0)
                y0 = min(y0, b0)
                x1 = max(x1, a1)
                y1 = max(y1, b1)
                i = 0
            else:
                i += 1
        boxes.append((x0, y0, x1, y1))

    def _render(self, boxes):
        """Sends the screen rectangles `boxes` to the display."""
        display = self.display
        out = getattr(display, "spi", None)
        if out is None:
            out = display
        s = self.scale
        vx = int(self.vx)
        vy = int(self.vy)
        background = None if _mp else 0
        layers = [item.layer for item in self.layers]
        select = hasattr(display, "__enter__")
        if select:
            display.__enter__()
        try:
            for x0, y0, x1, y1 in boxes:
                display.block(x0 * s, y0 * s, x1 * s - 1, y1 * s - 1)
                _stage.render(x0, y0, x1, y1, layers, self.buffer, out, s, vx, vy, background)
        finally:
            if select:
                display.__exit__(None, None, None)


_LAZY = ("PNG16", "GIF16", "read_blockstream", "EndOfData", "LZWDict", "lzw_decode", "Audio")


def __getattr__(name):
    """PNG16, GIF16, the GIF helpers and Audio, loaded from stage_images on
    first use; `__all__` (what `from stage import *` takes): the public
    names and those."""
    if name in _LAZY:
        import stage_images
        return getattr(stage_images, name)
    if name == "__all__":
        return [n for n in globals() if n[0] != "_"] + list(_LAZY)
    raise AttributeError(name)
