"""neopixel for the headless console: the colours are kept, nothing lights."""

import _headless

GRB = "GRB"
RGB = "RGB"
GRBW = "GRBW"
RGBW = "RGBW"


class NeoPixel(_headless.Device):
    def __init__(self, pin, n, bpp=3, brightness=1.0, auto_write=True, pixel_order=None):
        self.pin = pin
        self.n = n
        self.brightness = brightness
        self.auto_write = auto_write
        self._pixels = [(0, 0, 0)] * n
        self.shows = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self._pixels[i]

    def __setitem__(self, i, color):
        if isinstance(color, int):
            color = (color >> 16 & 255, color >> 8 & 255, color & 255)
        self._pixels[i] = tuple(color)

    def fill(self, color):
        for i in range(self.n):
            self[i] = color

    def show(self):
        self.shows += 1
