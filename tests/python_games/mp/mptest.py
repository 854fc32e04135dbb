# A tiny test runner for the MicroPython side of stage's Python tests, and
# recorders for what stage sends to a display.
import sys

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


def run_all():
    """Runs every @test (or those named on the command line); prints failures
    and "N passed, M failed"; exits 1 on failure."""
    only = sys.argv[2:] if len(sys.argv) > 2 else None
    passed = failed = 0
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        try:
            fn()
            passed += 1
        except Exception as e:
            failed += 1
            print("FAIL %s: %s: %s" % (fn.__name__, type(e).__name__, e))
            sys.print_exception(e)
    print("%d passed, %d failed" % (passed, failed))
    if failed or not passed:
        sys.exit(1)


def eq(got, expected, what="value"):
    if got != expected:
        raise AssertionError("%s: got %r, expected %r" % (what, got, expected))


def check(cond, what="check failed"):
    if not cond:
        raise AssertionError(what)


def raises(exc_type, fn, *args, **kwargs):
    """fn(*args, **kwargs) must raise exactly exc_type; returns the exception."""
    try:
        fn(*args, **kwargs)
    except BaseException as e:
        if type(e) is not exc_type:
            raise AssertionError("raised %s(%s), expected %s" % (type(e).__name__, e, exc_type.__name__))
        return e
    raise AssertionError("did not raise %s" % exc_type.__name__)


class Screen:
    """A display for stage: records every window (block) and the bytes sent
    into it, and keeps a framebuffer, so tests can check what each render
    call sent."""

    def __init__(self, width=128, height=128, spi=False):
        self.width = width
        self.height = height
        self.windows = []  # [x0, y0, x1, y1, bytes received]
        self.fb = bytearray(width * height * 2)
        self.entered = 0
        if spi:
            self.spi = _Spi(self)

    def block(self, x0, y0, x1, y1):
        if self.windows:
            w = self.windows[-1]
            if w[4] != (w[2] - w[0] + 1) * (w[3] - w[1] + 1) * 2:
                raise AssertionError("new window before the last was filled: %r" % (w,))
        self.windows.append([x0, y0, x1, y1, 0])

    def write(self, buf):
        w = self.windows[-1]
        width = w[2] - w[0] + 1
        for i in range(0, len(buf), 2):
            p = w[4] // 2 + i // 2
            x = w[0] + p % width
            y = w[1] + p // width
            at = (y * self.width + x) * 2
            self.fb[at] = buf[i]
            self.fb[at + 1] = buf[i + 1]
        w[4] += len(buf)

    def __enter__(self):
        self.entered += 1
        return self

    def __exit__(self, *exc):
        self.entered -= 1

    def pixel(self, x, y):
        at = (y * self.width + x) * 2
        return self.fb[at] << 8 | self.fb[at + 1]

    def rects(self):
        """The windows as (x0, y0, x1, y1), inclusive."""
        return [tuple(w[:4]) for w in self.windows]

    def sent(self):
        return sum(w[4] for w in self.windows)


class _Spi:
    def __init__(self, screen):
        self.screen = screen
        self.writes = 0

    def write(self, buf):
        self.writes += 1
        self.screen.write(buf)


def no_pixel_twice(rects):
    """Raises if two inclusive rectangles share a pixel."""
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            a = rects[i]
            b = rects[j]
            if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                raise AssertionError("windows %r and %r overlap" % (a, b))
