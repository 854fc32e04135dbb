"""The headless console behind ugame, board, time and the other stubs of the
MicroPython unix port, and behind run_game.py.

* `clock`: virtual time in microseconds. Sleeping advances it exactly and
  never waits; every read advances it by READ_STEP_US, so that busy-wait
  loops end.
* `display()`: the display, a `Display` driving a `Panel`: `block()` sends
  the CASET, RASET and RAMWR commands of an ST7735-class controller and
  `write()` the pixel data, which the panel decodes into `framebuffer`
  (RGB565, high byte first, `width` x `height`). Protocol errors raise
  PanelError (and are kept in `panel.errors`).
* `buttons`: `get_pressed()` returns `keys`, the bitmask of the keys held,
  which a script (run_game.py --keys) or a test sets with `press()`, and the
  keys pressed since the previous call (CircuitPython boards latch presses
  between polls, so a short press is never missed).
* `audio`: `play(f, loop=False)`, `stop()`, `mute(value=True)`; every call
  of `play` is recorded in `audio.sounds` (file name, loop flag, frame, and
  whether the audio was muted: it starts muted, as CircuitPython boards do).
* `frame`: the number of frames finished (calls of Stage.tick counted by
  run_game.py); events are recorded with `frame + 1`, the frame in progress.

`configure(width, height)` sets the panel size before the display is made;
`parse_keys(text)` reads a key script (run_game.py --keys).

The same console runs the browser playground (examples/web), which installs a
`backend` (its display, its live keys, its sound) and a real-time `clock` for
play; with no backend, and in the playground's script mode, everything is as
above, so that both count frames, time and keys alike.
"""

import struct

READ_STEP_US = 100

#: What the console runs on, when not headless: an object with
#: `display(width, height)` (the display, made once), `keys()` (the keys held,
#: or None to take them from the script), `play(f, loop)` and `stop()` (sound
#: that is not muted). Installed by the browser playground's _browser.py.
backend = None

#: The key names of a key script, as ugame's K_* constants.
KEY_NAMES = ("UP", "DOWN", "LEFT", "RIGHT", "X", "O", "START", "SELECT", "Z", "L", "R")

#: Key bits of ugame.K_*: distinct, in the uGame 10 order for the first six.
KEYS = {
    "X": 0x01, "DOWN": 0x02, "LEFT": 0x04, "RIGHT": 0x08, "UP": 0x10, "O": 0x20,
    "START": 0x40, "SELECT": 0x80, "Z": 0x100, "L": 0x200, "R": 0x400,
}

#: Which key each button pin name reads (board.* pins of the known consoles).
PIN_KEYS = {
    "X": "X", "O": "O", "UP": "UP", "DOWN": "DOWN", "LEFT": "LEFT", "RIGHT": "RIGHT",
    "START": "START", "SELECT": "SELECT", "Z": "Z", "MENU": "Z",
    "A": "X", "B": "O", "BTNA": "X", "BTNB": "O",
    "SW_A": "O", "SW_B": "X", "SW_X": "SELECT", "SW_Y": "START",
    "SW_UP": "UP", "SW_DOWN": "DOWN", "SW_LEFT": "LEFT", "SW_RIGHT": "RIGHT",
}

#: The order of the 74HC165 keys of a PyBadge (keypad.ShiftRegisterKeys).
SHIFT_REGISTER_KEYS = ("O", "X", "START", "SELECT", "RIGHT", "DOWN", "UP", "LEFT")


class StopRun(BaseException):
    """Ends a run (the frame limit, supervisor.reload(), a game that hangs).

    A BaseException, so that games catching Exception don't swallow it.
    `error` tells whether the run failed."""

    def __init__(self, reason, error=False):
        super().__init__(reason)
        self.reason = reason
        self.error = error


class PanelError(Exception):
    """The panel protocol was broken (bad window, too much or odd data...)."""


# ------------------------------------------------------------------ time


class Device:
    """What the stand-ins for CircuitPython's devices share: `deinit()`
    (nothing to release unless a subclass says so) and use as a context
    manager, which deinits at the end."""

    def deinit(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


class Clock:
    """Virtual time, in integer microseconds from the start of the run."""

    def __init__(self):
        self.us = 0

    def read(self):
        """The time, which moves READ_STEP_US forward at each read."""
        self.us += READ_STEP_US
        watch()
        return self.us

    def sleep_us(self, us):
        """Moves the time `us` forward (at once)."""
        us = int(us)
        if us < 0:
            raise ValueError("negative sleep length")
        self.us += us
        watch()


clock = Clock()
frame = 0
keys = 0
polls = 0
_pressed = 0
_limits = None
_waiting = None
_frame_us = 0


def set_limits(polls_limit, seconds, wait_polls=None, wait_seconds=None, on_wait=None):
    """Stops a game (StopRun) that polls the buttons `polls_limit` times or
    lets `seconds` of virtual time pass without finishing a frame: it waits
    for a key the script can't give (keys change only at frames). None turns
    the watch off.

    With `on_wait`, a game that polls `wait_polls` times or lets
    `wait_seconds` pass without finishing a frame gets `on_wait()` called
    first: when it returns True (it pressed other keys) both counts start
    again; StopRun comes only once it returns False."""
    global _limits, _waiting
    _limits = None if polls_limit is None else (polls_limit, seconds * 1000000)
    _waiting = None if on_wait is None else (wait_polls, wait_seconds * 1000000, on_wait)


def frame_done():
    """Counts a finished frame (run_game.py calls it from Stage.tick)."""
    global frame, polls, _frame_us
    frame += 1
    polls = 0
    _frame_us = clock.us


def watch():
    global polls, _frame_us
    if _limits is None:
        return
    idle = clock.us - _frame_us
    if _waiting and (polls >= _waiting[0] or idle >= _waiting[1]) and _waiting[2]():
        polls = 0
        _frame_us = clock.us
        return
    if polls > _limits[0]:
        raise StopRun("the game polled the buttons %d times without a new frame"
                      " (Stage.tick): waiting for a key?" % polls)
    if idle > _limits[1]:
        raise StopRun("%d s of game time passed without a new frame (Stage.tick):"
                      " waiting for a key?" % (_limits[1] // 1000000))


# ------------------------------------------------------------------ panel

CASET = 0x2A
RASET = 0x2B
RAMWR = 0x2C
#: Commands accepted and ignored (reset, sleep, display on/off, inversion,
#: MADCTL, COLMOD and the ST7735 power, frame-rate and gamma settings).
IGNORED = (0x01, 0x11, 0x13, 0x20, 0x21, 0x28, 0x29, 0x36, 0x3A, 0xB1, 0xB2,
           0xB3, 0xB4, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xE0, 0xE1)


class Panel:
    """An ST7735-class controller: decodes column/row window commands and RAM
    writes into `framebuffer` (RGB565 big-endian, `width` x `height`)."""

    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.framebuffer = bytearray(width * height * 2)
        self._fb = memoryview(self.framebuffer)
        self.x0 = self.y0 = 0
        self.x1 = width - 1
        self.y1 = height - 1
        self._left = 0
        self._cx = self._cy = 0
        self.windows = 0
        self.bytes = 0
        self.errors = []

    def _fail(self, what):
        self._left = 0
        self.errors.append(what)
        raise PanelError(what)

    def command(self, cmd, params=b""):
        """One command byte and its parameters."""
        if self._left:
            self._fail("command 0x%02X before the window was filled (%d bytes missing)"
                       % (cmd, self._left))
        if cmd in (CASET, RASET):
            if len(params) != 4:
                self._fail("command 0x%02X needs 4 parameter bytes, not %d" % (cmd, len(params)))
            start, end = struct.unpack(">HH", params)
            size = self.width if cmd == CASET else self.height
            if start > end or end >= size:
                self._fail("%s %d..%d outside the panel (0..%d)"
                           % ("columns" if cmd == CASET else "rows", start, end, size - 1))
            if cmd == CASET:
                self.x0, self.x1 = start, end
            else:
                self.y0, self.y1 = start, end
        elif cmd == RAMWR:
            self._left = (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1) * 2
            self._cx = self.x0
            self._cy = self.y0
            self.windows += 1
        elif cmd not in IGNORED:
            self._fail("unknown command 0x%02X" % cmd)

    def data(self, buf):
        """Pixel data for the open window, row by row."""
        n = len(buf)
        if not self._left:
            self._fail("%d bytes of pixel data without an open window" % n)
        if n & 1:
            self._fail("odd number of pixel data bytes (%d)" % n)
        if n > self._left:
            self._fail("%d bytes past the end of the window" % (n - self._left))
        src = memoryview(buf)
        stride = self.width * 2
        i = 0
        while i < n:
            k = min((self.x1 - self._cx + 1) * 2, n - i)
            at = self._cy * stride + self._cx * 2
            self._fb[at:at + k] = src[i:i + k]
            i += k
            self._cx += k >> 1
            if self._cx > self.x1:
                self._cx = self.x0
                self._cy += 1
        self._left -= n
        self.bytes += n

    def pixel(self, x, y):
        """The RGB565 colour at (x, y)."""
        at = (y * self.width + x) * 2
        return self.framebuffer[at] << 8 | self.framebuffer[at + 1]


class Display:
    """The display object of ugame and board: `width`, `height`,
    `block(x0, y0, x1, y1)` (inclusive) and `write(buf)`, plus the displayio
    attributes games touch (`root_group`, `show`, `refresh`, ...)."""

    def __init__(self, panel):
        self.panel = panel
        self.width = panel.width
        self.height = panel.height
        self.root_group = None
        self.auto_refresh = True
        self.brightness = 1.0
        self.rotation = 0

    def block(self, x0, y0, x1, y1):
        """Opens the window x0..x1, y0..y1 (device pixels, inclusive)."""
        for v in (x0, y0, x1, y1):
            if not 0 <= v <= 0xFFFF:
                self.panel._fail("window (%d, %d)-(%d, %d) outside the panel" % (x0, y0, x1, y1))
        self.panel.command(CASET, struct.pack(">HH", x0, x1))
        self.panel.command(RASET, struct.pack(">HH", y0, y1))
        self.panel.command(RAMWR)

    def write(self, buf):
        """Pixel data for the window opened by block()."""
        self.panel.data(buf)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def show(self, group):
        self.root_group = group

    def refresh(self, *args, **kwargs):
        return True

    def pixel(self, x, y):
        return self.panel.pixel(x, y)


_size = (128, 128)
_display = None


def configure(width=128, height=128):
    """Sets the panel size; only before the display exists (or to its size)."""
    global _size
    if _display is not None and (width, height) != _size:
        raise ValueError("the display already exists (%dx%d)" % _size)
    if not (0 < width <= 4096 and 0 < height <= 4096):
        raise ValueError("bad panel size %dx%d" % (width, height))
    _size = (width, height)


def display():
    """The display (made at the first call)."""
    global _display
    if _display is None:
        if backend is not None:
            _display = backend.display(_size[0], _size[1])
        else:
            _display = Display(Panel(_size[0], _size[1]))
    return _display


# ------------------------------------------------------------------ buttons


class Buttons:
    """`get_pressed()`: the bitmask of the keys held now or pressed since the
    previous call."""

    def get_pressed(self):
        global _pressed
        live = None if backend is None else backend.keys()
        if live is not None:
            return live
        poll()
        mask = keys | _pressed
        _pressed = 0
        return mask


def poll():
    """Counts a look at the buttons (get_pressed, keypad events) for watch()."""
    global polls
    polls += 1
    watch()


#: Functions called with (old mask, new mask) at every press(): the keypad
#: scanners, which so never miss a change.
listeners = []


def press(mask):
    """Holds exactly the keys of `mask` (ugame.K_* bits) from now on."""
    global keys, _pressed
    old = keys
    _pressed |= mask & ~keys
    keys = mask
    for f in listeners:
        f(old, mask)


buttons = Buttons()


class Pin:
    """A board pin; button pins read the key they are wired to."""

    def __init__(self, name):
        self.name = name
        key = PIN_KEYS.get(name[7:] if name.startswith("BUTTON_") else name)
        self.key = KEYS[key] if key else 0

    def __repr__(self):
        return "board.%s" % self.name

    def pressed(self):
        return bool(self.key and keys & self.key)


_pins = {}


def pin(name):
    """The Pin named `name` (the same object every time)."""
    p = _pins.get(name)
    if p is None:
        p = _pins[name] = Pin(name)
    return p


# ------------------------------------------------------------------ audio

#: The names of the files run_game.py's open() made, by id(): the files
#: themselves are not kept, so that those a game drops are collected and
#: closed (keeping them ran out of file descriptors in games that open a
#: sound for every play). Two generations of NAMES_KEPT names bound the table.
NAMES_KEPT = 256
_names = {}
_older = {}


def remember_name(f, name):
    """Remembers the file name of an open file (run_game.py's open())."""
    global _names, _older
    if len(_names) >= NAMES_KEPT:
        _older = _names
        _names = {}
    _names[id(f)] = name


def file_name(f):
    """The name of what a game plays: a path, an open file, a WaveFile..."""
    if isinstance(f, str):
        return f
    for attr in ("filename", "name"):
        name = getattr(f, attr, None)
        if isinstance(name, str):
            return name
    inner = getattr(f, "file", None)
    if inner is not None and inner is not f:
        return file_name(inner)
    key = id(f)
    return _names.get(key) or _older.get(key) or repr(f)


class Sound:
    """One call of play(): what, whether looped, in which frame, muted or not."""

    def __init__(self, name, loop, frame, muted):
        self.name = name
        self.loop = loop
        self.frame = frame
        self.muted = muted

    def __repr__(self):
        return "Sound(%r, loop=%r, frame=%d%s)" % (
            self.name, self.loop, self.frame, ", muted" if self.muted else "")


class Audio:
    """ugame.audio: records every play() in `sounds` (a list of Sound)."""

    def __init__(self):
        self.muted = True
        self.playing = None
        self.sounds = []
        self.stops = []

    def play(self, f, loop=False):
        sound = Sound(file_name(f), bool(loop), frame + 1, self.muted)
        self.sounds.append(sound)
        if backend is not None and len(self.sounds) > 2 * NAMES_KEPT:
            del self.sounds[:NAMES_KEPT]  # a long session in a page
        self.playing = None if self.muted else sound
        if backend is not None and not self.muted:
            backend.play(f, bool(loop))

    def stop(self):
        self.stops.append(frame + 1)
        if backend is not None and len(self.stops) > 2 * NAMES_KEPT:
            del self.stops[:NAMES_KEPT]
        self.playing = None
        if backend is not None:
            backend.stop()

    def mute(self, value=True):
        self.muted = bool(value)
        if self.muted:
            self.playing = None
            if backend is not None:
                backend.stop()


audio = Audio()


# ------------------------------------------------------------------ key scripts


def parse_keys(text, name="keys"):
    """A key script (lines `FRAME [KEY+KEY...]`, `#` comments, frames
    increasing; an empty key list releases all) as a list of (frame, mask).
    ValueError says which line of `name` is wrong and how."""
    script = []
    last = -1
    for number, line in enumerate(text.split("\n"), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = "%s:%d: " % (name, number)
        if len(words) > 2 or not words[0].isdigit():
            raise ValueError(where + "expected FRAME [KEY+KEY...], got %r" % line.strip())
        frame = int(words[0])
        if frame <= last:
            raise ValueError(where + "frame %d does not come after frame %d" % (frame, last))
        mask = 0
        if len(words) == 2:
            for key in words[1].split("+"):
                if key.upper() not in KEY_NAMES:
                    raise ValueError(where + "unknown key %r (keys: %s)" % (key, " ".join(KEY_NAMES)))
                mask |= KEYS[key.upper()]
        script.append((frame, mask))
        last = frame
    return script
