"""time for the headless console: MicroPython's time module with a virtual clock.

This file extends the built-in module (MicroPython lets a time.py on sys.path
do that): everything the built-in has, plus CircuitPython's `monotonic` and
`monotonic_ns`, with every clock reading virtual time (`_headless.clock`) and
every sleep advancing it at once (the clock is looked up at every call: the
browser playground swaps in a real-time one). `time()` starts at 2024-01-01 00:00:00 UTC.

How: since MicroPython 1.21 a built-in module marked extensible (time, os,
random, ...) is looked up on sys.path first, so this file is what
`import time` finds; with sys.path emptied for a moment, `from time import *`
below gets the built-in one. `import utime` always gives the built-in module
(the u-names can't be shadowed that way): run_game.py puts this module in
sys.modules["utime"] so that MicroPython-stage games see the same clock.
"""

import sys

_path = sys.path
sys.path = []
try:
    from time import *  # the built-in module: sys.path is empty
    import time as _builtin
finally:
    sys.path = _path
del _path

import _headless

_PERIOD = 1 << 30
_EPOCH = 1704067200


def monotonic():
    return _headless.clock.read() / 1000000


def monotonic_ns():
    return _headless.clock.read() * 1000


def ticks_ms():
    return (_headless.clock.read() // 1000) & (_PERIOD - 1)


def ticks_us():
    return _headless.clock.read() & (_PERIOD - 1)


def ticks_cpu():
    return ticks_us()


def ticks_add(ticks, delta):
    return (ticks + delta) & (_PERIOD - 1)


def ticks_diff(end, start):
    return ((end - start + (_PERIOD >> 1)) & (_PERIOD - 1)) - (_PERIOD >> 1)


def sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _headless.clock.sleep_us(seconds * 1000000)


def sleep_ms(ms):
    _headless.clock.sleep_us(max(0, int(ms)) * 1000)


def sleep_us(us):
    _headless.clock.sleep_us(max(0, int(us)))


def time():
    return _EPOCH + _headless.clock.read() // 1000000


def time_ns():
    return _EPOCH * 1000000000 + _headless.clock.read() * 1000


def localtime(secs=None):
    return _builtin.localtime(time() if secs is None else secs)


def gmtime(secs=None):
    return _builtin.gmtime(time() if secs is None else secs)
