"""displayio for the headless console: what stage games touch.

`release_displays()` does nothing (board.DISPLAY stays usable); Group, Bitmap,
Palette and TileGrid hold their data but draw nothing; FourWire and Display
let a board module build "its" display, which is the headless one when its
size matches."""

import _headless


def release_displays():
    pass


class Group(list):
    def __init__(self, *, scale=1, x=0, y=0):
        super().__init__()
        self.scale = scale
        self.x = x
        self.y = y
        self.hidden = False


class Bitmap:
    def __init__(self, width, height, value_count):
        self.width = width
        self.height = height
        self._data = bytearray(width * height)

    def __getitem__(self, xy):
        x, y = xy
        return self._data[y * self.width + x]

    def __setitem__(self, xy, value):
        x, y = xy
        self._data[y * self.width + x] = value


class Palette(list):
    def __init__(self, color_count):
        super().__init__([0] * color_count)

    def make_transparent(self, index):
        pass

    def make_opaque(self, index):
        pass


class TileGrid:
    def __init__(self, bitmap, *, pixel_shader=None, width=1, height=1,
                 tile_width=None, tile_height=None, default_tile=0, x=0, y=0):
        self.bitmap = bitmap
        self.pixel_shader = pixel_shader
        self.x = x
        self.y = y


class FourWire:
    def __init__(self, spi_bus, *, command=None, chip_select=None, reset=None,
                 baudrate=24000000, polarity=0, phase=0):
        self.spi = spi_bus


def Display(display_bus, init_sequence, *, width=128, height=128, **kwargs):
    """The headless display (configured to this size if it doesn't exist yet)."""
    try:
        _headless.configure(width, height)
    except ValueError as e:
        raise ValueError("%s, the game asks for %dx%d (run it with --size %dx%d)"
                         % (e, width, height, width, height))
    return _headless.display()
