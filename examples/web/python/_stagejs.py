"""The Python half of `_stage` in the browser.

The page registers the module `_stage` from JavaScript; its `Layer`, `Text` and
`render` are the objects defined here, which forward to stage-core in
WebAssembly (stage_wasm.wasm) through the JavaScript functions of
`_stage_wasm` (js/stage-bridge.js). This half exists because only Python code
can raise Python exceptions (a JavaScript exception would unwind through the
VM) and read Python objects: it converts the arguments as _stage.mpy does (ints
with TypeError and OverflowError, positions wrapped to 16 bits, buffers found
through the buffer protocol) and passes the buffers by their addresses;
stage-core checks their sizes and renders. Messages are those of _stage.mpy.

`Panel` is the browser's display (ugame.display): `block()` opens a window and
`write()` sends pixel data, as on a board; `_stage.render` to a Panel sends
the stream straight to its framebuffer in JavaScript (a Panel's write() runs
no Python code, so that is the same stream, made faster).
"""

import array
import sys
import uctypes

import _stage_wasm as _w

_addr = uctypes.addressof
_bytes_at = uctypes.bytearray_at

_MAX_LAYER = _w.max_layer_cells()
_MAX_TEXT = _w.max_text_cells()
_MAX_COORD = _w.max_coord()
# Ints must fit a machine word of the firmware, as for _stage.mpy (32 bits here).
_MIN_WORD = -sys.maxsize - 1
_MAX_WORD = sys.maxsize
_SPRITE = 0
_GRID = 1
_TEXT = 2
#: Words of a descriptor: kind, width, height, x, y, frame, rotation, and the
#: address and length (-1: not a buffer) of each of the three buffers.
_WORDS = 13
_EXC = {-1: TypeError, -2: ValueError, -3: RuntimeError}


class PanelError(Exception):
    """The panel protocol was broken (a bad window, data past its end...)."""


def _raise(code):
    message = _w.error_message()
    if code == -4:
        raise PanelError(message)
    raise _EXC.get(code, RuntimeError)(message)


def _int(o):
    """An int (or bool) that fits a machine word, as _stage.mpy converts ints:
    OverflowError beyond it, TypeError for anything else."""
    if type(o) is bool:
        return int(o)
    if isinstance(o, int):
        if _MIN_WORD <= o <= _MAX_WORD:
            return o
        raise OverflowError("overflow converting long int to machine word")
    raise TypeError("can't convert %s to int" % type(o).__name__)


def _int_in(o, lo, hi, what):
    v = _int(o)
    if v < lo or v > hi:
        raise ValueError("%s must be %d..=%d, not %d" % (what, lo, hi, v))
    return v


def _wrap16(o):
    """An int modulo 2**16 as a signed 16-bit value (big ints too)."""
    if type(o) is bool:
        return int(o)
    if not isinstance(o, int):
        raise TypeError("can't convert %s to int" % type(o).__name__)
    v = o & 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def _ref(o):
    """(address, byte length) of a buffer-protocol object, or (0, -1)."""
    t = type(o)
    if t is bytes or t is bytearray:
        return _addr(o), len(o)
    if o is None:
        return 0, -1
    try:
        m = memoryview(o)
    except TypeError:
        return 0, -1
    a = _addr(m)
    return a, _addr(m[len(m):]) - a


def _writable(o):
    """(address, byte length) of a writable buffer, else TypeError."""
    t = type(o)
    if t is bytearray:
        return _addr(o), len(o)
    a, n = _ref(o)
    if n >= 0 and isinstance(o, (bytearray, array.array)):
        return a, n
    if n >= 0 and t is memoryview:
        try:
            if len(o):
                o[0] = o[0]
            else:
                o[0:0] = b""
            return a, n
        except TypeError:
            pass
    raise TypeError("object with buffer protocol required")


# One table for the descriptors of a call (grown as needed; a render that a
# write() makes from inside a render uses it too, which is fine: each call
# fills it before JavaScript reads it).
_table = array.array("i", [0] * (_WORDS * 32))
_array = array.array


def _ref_kept(o, sizes, i):
    """`_ref(o)` for a layer's buffer `i`: the byte length of an array is kept
    in `sizes` while its length in items stays the same (its item size never
    changes), so that a render needn't make memoryviews to find it again."""
    t = type(o)
    if t is bytearray or t is bytes:
        return _addr(o), len(o)
    if t is _array:
        n = len(o)
        if sizes[i] == n:
            return _addr(o), sizes[i + 3]
        a, nbytes = _ref(o)
        sizes[i] = n
        sizes[i + 3] = nbytes
        return a, nbytes
    return _ref(o)


def _put(t, j, layer):
    """Writes the layer's descriptor at word `j` of `t`, with its buffers'
    addresses and lengths as they are now. (The usual buffers, a bytearray
    graphic and an array palette, take the short ways written out here: a
    render packs every layer for every rectangle.)"""
    d = layer._d
    sizes = layer._sizes
    a, b, c = layer._bufs
    k = type(a)
    if k is bytearray or k is bytes:
        d[7] = _addr(a)
        d[8] = len(a)
    else:
        d[7], d[8] = _ref_kept(a, sizes, 0)
    k = type(b)
    if k is _array and sizes[1] == len(b):
        d[9] = _addr(b)
        d[10] = sizes[4]
    elif k is bytearray or k is bytes:
        d[9] = _addr(b)
        d[10] = len(b)
    else:
        d[9], d[10] = _ref_kept(b, sizes, 1)
    if d[0]:
        k = type(c)
        if k is bytearray or k is bytes:
            d[11] = _addr(c)
            d[12] = len(c)
        else:
            d[11], d[12] = _ref_kept(c, sizes, 2)
    t[j:j + _WORDS] = d


def _pack(layers):
    """Writes the descriptors of `layers` up to the first item that is not a
    Layer or Text: (table address, count, index of that item or -1)."""
    global _table
    n = len(layers)
    if len(_table) < _WORDS * n:
        _table = array.array("i", [0] * (_WORDS * n))
    t = _table
    j = 0
    i = 0
    for item in layers:
        k = type(item)
        if k is not Layer and k is not Text:
            return _addr(t), i, i
        _put(t, j, item)
        j += _WORDS
        i += 1
    return _addr(t), n, -1


def _check_self(s):
    t = type(s)
    if t is not Layer and t is not Text:
        raise TypeError("self must be a Layer or Text")


def _new(self, args, kind):
    n = len(args)
    if kind == _TEXT:
        if n != 5:
            raise TypeError("function takes 5 positional arguments but %d were given" % n)
        most = _MAX_TEXT
    else:
        if n < 4 or n > 5:
            raise TypeError("function takes 4 or 5 positional arguments but %d were given" % n)
        most = _MAX_LAYER
    w = _int_in(args[0], 0, most, "width and height")
    h = _int_in(args[1], 0, most, "width and height")
    last = args[4] if n == 5 else None
    if kind == _SPRITE and last is not None:
        kind = _GRID
    # The descriptor: kind, width, height, x, y, frame, rotation, then address
    # and length (-1: not a buffer) of the three buffers (filled at each use).
    self._d = array.array("i", [kind, w, h, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    self._bufs = (args[2], args[3], last)
    self._sizes = [-1, -1, -1, 0, 0, 0]
    t = _table
    _put(t, 0, self)
    code = _w.check(_addr(t))
    if code < 0:
        _raise(code)


def _move(self, x, y):
    _check_self(self)
    x = _wrap16(x)
    y = _wrap16(y)
    d = self._d
    d[3] = x
    d[4] = y


class Layer:
    """`Layer(width, height, graphic, palette[, map])`: a grid of `width` x
    `height` 16x16 tiles when `map` is given, else a sprite (every cell shows
    the tile `frame`). The buffers are kept and read at every render."""

    def __init__(self, *args):
        _new(self, args, _SPRITE)

    #: `move(x, y)`: the top-left corner, wrapped to 16 bits.
    move = _move

    def frame(self, frame, rotation):
        """Shows tile `frame` (0..15; grids ignore it) turned by `rotation`
        (0..255; 8 and up act as 0)."""
        if type(self) is not Layer:
            raise TypeError("self must be a Layer or Text")
        f = _int_in(frame, 0, 15, "frame")
        r = _int_in(rotation, 0, 255, "rotation")
        d = self._d
        d[5] = f
        d[6] = r


class Text:
    """`Text(width, height, font, palette, chars)`: `width` x `height` cells of
    8x8 pixels, one byte each in `chars`."""

    def __init__(self, *args):
        _new(self, args, _TEXT)

    def move(self, x, y):
        """The top-left corner, wrapped to 16 bits."""
        if type(self) is not Text:
            raise TypeError("self must be a Layer or Text")
        _move(self, x, y)


def render(*args):
    """`render(x0, y0, x1, y1, layers, buffer, output[, scale[, vx, vy[,
    background]]])`: sends the rectangle [x0, x1) x [y0, y1) to
    `output.write()` in chunks of `buffer`, as _stage.mpy does."""
    n = len(args)
    if n < 7 or n > 11 or n == 9:
        raise TypeError("render() takes 7, 8, 10 or 11 arguments")
    x0 = _int_in(args[0], 0, _MAX_COORD, "x0, y0, x1, y1")
    y0 = _int_in(args[1], 0, _MAX_COORD, "x0, y0, x1, y1")
    x1 = _int_in(args[2], 0, _MAX_COORD, "x0, y0, x1, y1")
    y1 = _int_in(args[3], 0, _MAX_COORD, "x0, y0, x1, y1")
    scale = _int_in(args[7], 1, 255, "scale") if n > 7 else 1
    if n > 8:
        vx = _wrap16(args[8])
        vy = _wrap16(args[9])
    else:
        vx = vy = 0
    bg = args[10] if n > 10 else None
    bg = -1 if bg is None else _int_in(bg, 0, 0xFFFF, "background")
    layers = args[4]
    buffer = args[5]
    output = args[6]
    t = type(layers)
    if t is not list and t is not tuple:
        raise TypeError("layers must be a list or tuple")
    if type(output) is Panel:
        out_addr, out_len = _writable(buffer)
        table, count, bad = _pack(layers)
        code = _w.render_panel(output._id, table, count, bad >= 0, x0, y0, x1, y1, scale, vx, vy,
                               bg, out_len, out_addr)
        if code < 0:
            _raise(code)
        if bad >= 0:
            raise TypeError("layers[%d] is not a Layer or Text" % bad)
        return None
    write = getattr(output, "write", None)
    if write is None and not hasattr(output, "write"):
        raise TypeError("output must have a write() method")
    slot = _w.begin(x0, y0, x1, y1, scale, vx, vy, bg)
    if slot < 0:
        _raise(slot)
    try:
        while True:
            # Everything is looked up again for each chunk: the previous write()
            # may have changed the list, the layers or the buffers.
            out_addr, out_len = _writable(buffer)
            table, count, bad = _pack(layers)
            code = _w.next(slot, table, count, bad >= 0, out_addr, out_len)
            if code < 0:
                _raise(code)
            if bad >= 0:
                raise TypeError("layers[%d] is not a Layer or Text" % bad)
            if not code & 2:
                break
            length = code >> 2
            if length == out_len and type(buffer) is bytearray:
                data = buffer
            else:
                data = bytearray(_bytes_at(out_addr, length))
            write(data)
            if code & 1:
                break
    finally:
        _w.end(slot)
    return None


class Panel:
    """The browser's display: `width`, `height` (device pixels), `block(x0, y0,
    x1, y1)` (inclusive) opens a window, `write(buf)` sends RGB565 pixel data
    (high byte first) into it; what it holds is what the page shows."""

    def __init__(self, width, height):
        self.width = width
        self.height = height
        self._id = _w.panel_new(width, height)
        self.root_group = None
        self.auto_refresh = True
        self.brightness = 1.0
        self.rotation = 0

    def block(self, x0, y0, x1, y1):
        """Opens the window x0..x1, y0..y1 (device pixels, inclusive)."""
        code = _w.panel_block(self._id, _clamp(x0), _clamp(y0), _clamp(x1), _clamp(y1))
        if code < 0:
            _raise(code)

    def write(self, buf):
        """Pixel data for the window opened by block()."""
        a, n = _ref(buf)
        if n < 0:
            raise TypeError("object with buffer protocol required")
        code = _w.panel_write(self._id, a, n)
        if code < 0:
            _raise(code)

    def pixel(self, x, y):
        """The RGB565 colour at (x, y)."""
        return _w.panel_pixel(self._id, x, y)

    def show(self, group):
        self.root_group = group

    def refresh(self, *args, **kwargs):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _clamp(v):
    """A window coordinate for JavaScript: out-of-range values stay out of range."""
    v = _int(v)
    return -1 if v < 0 else 0x10000 if v > 0xFFFF else v
