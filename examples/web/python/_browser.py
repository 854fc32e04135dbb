"""The browser's side of the console: the headless console (_headless.py, the
same file run_game.py uses) with the page's display, keys, clock and sound.

Two modes, set by the runner (_webrun.py) before the game starts:

* "play": real time (time.sleep blocks the worker the game runs in, without
  spinning), the keys the page holds (keyboard and touch buttons), sounds
  through Web Audio;
* "script": everything as run_game.py has it (virtual time, keys from a
  script applied at frame boundaries, sounds recorded, not played), so that
  the frames are the same; only the display is the page's.

The display is always the Panel the page shows (_stagejs.Panel).
"""

import _browser_js as _js
import _headless
from _stagejs import Panel

mode = "play"


class RealClock:
    """The browser's clock (performance.now()); sleeping blocks the worker.
    `us` is the time of the last reading."""

    def __init__(self):
        self.us = _js.now_us()

    def read(self):
        self.us = _js.now_us()
        return self.us

    def sleep_us(self, us):
        us = int(us)
        if us < 0:
            raise ValueError("negative sleep length")
        _js.sleep_us(min(us, 0x7FFFFFFF))
        self.us = _js.now_us()


def _read_all(f):
    """The bytes of what a game plays: a path, an open file, a sample object."""
    if isinstance(f, str):
        with open(f, "rb") as g:
            return f, g.read()
    for attr in ("file", "_file"):
        inner = getattr(f, attr, None)
        if inner is not None and inner is not f:
            return _read_all(inner)
    buf = getattr(f, "buffer", None)
    if buf is not None:
        return "<sample>", bytes(buf)
    if hasattr(f, "read"):
        if hasattr(f, "seek"):
            try:
                f.seek(0)
            except Exception:
                pass
        return _headless.file_name(f), f.read()
    raise TypeError("can't play %r" % (f,))


class Page:
    """The console's backend in the page (_headless.backend)."""

    def display(self, width, height):
        return Panel(width, height)

    def keys(self):
        return _js.keys() if mode == "play" else None

    def play(self, f, loop):
        if mode != "play":
            return
        import uctypes

        name, data = _read_all(f)
        if not isinstance(data, (bytes, bytearray)):
            data = bytes(data)
        _js.play(uctypes.addressof(data), len(data), loop, name)

    def stop(self):
        if mode == "play":
            _js.stop()


def configure(how, width, height):
    """Sets the mode ("play" or "script") and the display's size before the
    game starts."""
    global mode
    mode = how
    _headless.backend = Page()
    _headless.clock = RealClock() if how == "play" else _headless.Clock()
    _headless.configure(width, height)
