# Checks the `abi_demo` native module (examples/abi_demo.rs) in MicroPython.
# Usage: micropython abi_demo_test.py DIR_WITH_abi_demo.mpy   (prints OK at the end)
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else ".")
import gc
import abi_demo as m


def raises(exc_type, f, *args, msg=None):
    try:
        f(*args)
    except exc_type as e:
        if msg is not None and str(e) != msg:
            raise AssertionError("message %r, expected %r" % (str(e), msg))
        return e
    raise AssertionError("%r did not raise %s" % (f, exc_type.__name__))


# Module constants and contents.
assert m.ANSWER == 42 and m.NAME == "abi_demo"
assert m.__name__ == "abi_demo"

# Fixed arity 0..3; the runtime checks the argument count.
assert m.nothing() is None
obj = object()
assert m.identity(obj) is obj
assert m.add(2, 40) == 42 and m.add(-5, 3) == -2 and m.add(True, 1) == 2
assert m.clamp(5, 0, 3) == 3 and m.clamp(-5, 0, 3) == 0
raises(ValueError, m.clamp, 1, 3, 0, msg="empty range 3..0")
raises(TypeError, m.identity)
raises(TypeError, m.add, 1)
raises(TypeError, m.add, 1, 2, 3)
raises(TypeError, lambda: m.identity(x=1))

# Variable arity.
assert m.total() == 0 and m.total(1, 2, 3) == 6 and m.total(*range(100)) == 4950
assert m.count(1, 2) == 2 and m.count(1, 2, 3, 4) == 4
raises(TypeError, m.count, 1)
raises(TypeError, m.count, 1, 2, 3, 4, 5)
assert m.four(1, 2, 3, 4) == (4, 3, 2, 1)
raises(TypeError, m.four, 1, 2, 3)

# Int conversions: TypeError for non-ints, OverflowError beyond a machine word.
raises(TypeError, m.add, "1", 2)
raises(TypeError, m.add, 1.5, 2)
raises(OverflowError, m.add, 2**100, 1)
raises(OverflowError, m.add, -(2**100), 1)
big = 2**62
assert m.add(big, 0) == big
assert m.add(big, big - 1) == 2**63 - 1
raises(OverflowError, m.add, big, big)  # the module's own check
assert m.wrap16(65539) == 3 and m.wrap16(40000) == 40000 - 65536 and m.wrap16(-1) == -1
assert m.wrap16(2**100 + 7) == 7
raises(TypeError, m.wrap16, "x")
assert m.truth(1) is True and m.truth([]) is False and m.truth(None) is False
assert m.is_none(None) is True and m.is_none(0) is False
assert m.uint(-1) in (2**64 - 1, 2**32 - 1)

# Created objects.
s, b, ba, lst, d, empty, big_int = m.build()
assert s == "h\u00e9llo" and type(s) is str
assert b == b"\x00\x01\xff" and type(b) is bytes
assert ba == bytearray(3) and type(ba) is bytearray
ba.extend(b"abc")  # owns its memory: may grow
assert ba == b"\x00\x00\x00abc"
assert lst == [1, 2] and d == {"key": 1} and empty == ()
assert big_int in (2**63 - 1, 2**31 - 1)  # isize::MAX: a big int on both word sizes
assert m.append_to([1], 2) == [1, 2]
raises(TypeError, m.append_to, (1,), 2, msg="expected a list")

# Sequences and len().
assert m.seq_sum((1, 2, 3)) == 6 and m.seq_sum([4, 5]) == 9 and m.seq_sum([]) == 0
raises(TypeError, m.seq_sum, {1, 2}, msg="expected a tuple or list")
raises(TypeError, m.seq_sum, [1, "x"])


class Shrinking:
    # __int__ removes the list's last element while seq_sum iterates over the list.
    def __init__(self, lst, v):
        self.lst, self.v = lst, v

    def __int__(self):
        self.lst.pop()
        return self.v


lst = [0, 0, 0, 0]
lst[0] = Shrinking(lst, 10)
lst[1] = Shrinking(lst, 20)
try:
    assert m.seq_sum(lst) == 30  # items re-read after each runtime call
except TypeError:
    pass  # ports without __int__ support for instances
assert m.length([1, 2, 3]) == 3 and m.length("abc") == 3 and m.length(b"") == 0
assert m.length({1: 2}) == 1 and m.length(range(10)) == 10
raises(TypeError, m.length, 5)


class BadLen:
    def __len__(self):
        return -1


try:
    m.length(BadLen())
    raise AssertionError("negative __len__ accepted")
except (ValueError, TypeError):
    pass

# Buffers.
assert m.buf_sum(b"\x01\x02\x03") == 6 and m.buf_sum(bytearray(range(100))) == 4950
assert m.buf_sum("ab") == 97 + 98 and m.buf_sum(b"") == 0
import array

assert m.buf_sum(array.array("H", [1, 256])) == 1 + 1
assert m.buf_sum(memoryview(b"abcd")[1:3]) == 98 + 99
raises(TypeError, m.buf_sum, 5, msg="object with buffer protocol required")
buf = bytearray(4)
m.buf_fill(buf, 7)
assert buf == b"\x07" * 4
m.buf_fill(memoryview(buf)[1:3], 9)
assert buf == b"\x07\x09\x09\x07"
raises(TypeError, m.buf_fill, b"abc", 1, msg="object with buffer protocol required")
dst = bytearray(3)
assert m.buf_copy(dst, b"hello") == 3 and dst == b"hel"
assert m.buf_copy(bytearray(10), b"hi") == 2
raises(ValueError, m.buf_copy, dst, dst, msg="buffer overlaps the output buffer")
raises(ValueError, m.buf_copy, memoryview(buf)[0:2], memoryview(buf)[1:3])
assert m.buf_copy(memoryview(buf)[0:2], memoryview(buf)[2:4]) == 2 and buf == b"\x09\x07\x09\x07"
src = bytearray(b"abcdef")
cp = m.slice_copy(src, 1, 3)
assert cp == b"bcd" and type(cp) is bytearray
cp[0] = ord("X")
assert src == b"abcdef"  # a copy
assert m.slice_copy(src, 6, 0) == b""
raises(ValueError, m.slice_copy, src, 4, 3, msg="range outside the buffer")
raises(TypeError, m.slice_copy, 5, 0, 0)


# The render pattern: one write() per chunk, buffers looked up again after each.
class Sink:
    def __init__(self):
        self.data = bytearray()
        self.sizes = []

    def write(self, chunk):
        self.data += chunk
        self.sizes.append(len(chunk))


expected = bytes(i & 0xFF for i in range(1000))
out = Sink()
assert m.chunks(bytearray(256), out, 1000) == 4
assert out.data == expected and out.sizes == [256, 256, 256, 232]
out = Sink()
assert m.chunks(bytearray(100), out, 0) == 0 and out.sizes == []


class Resizing(Sink):
    # write() resizes the buffer and keeps the chunk objects.
    def __init__(self, buf):
        super().__init__()
        self.buf = buf
        self.kept = []

    def write(self, chunk):
        super().write(chunk)
        self.kept.append(chunk)
        if len(self.buf) > 16:
            self.buf[len(self.buf) // 2 :] = b""
        else:
            self.buf.extend(bytes(64))


buf = bytearray(64)
out = Resizing(buf)
m.chunks(buf, out, 1000)
assert out.data == expected, out.sizes
assert sum(out.sizes) == 1000
for k in out.kept:  # chunk objects stay usable and can grow independently
    if type(k) is bytearray and k is not buf:
        k.extend(b"xyz")


class Reentrant(Sink):
    # write() calls back into the module.
    def __init__(self, counter):
        super().__init__()
        self.counter = counter

    def write(self, chunk):
        super().write(chunk)
        self.counter.inc()
        assert m.buf_sum(chunk) >= 0


ctr = m.Counter()
out = Reentrant(ctr)
assert m.chunks(bytearray(10), out, 95) == 10 and ctr.get() == 10 and out.data == expected[:95]


class Failing(Sink):
    def write(self, chunk):
        super().write(chunk)
        if len(self.sizes) == 2:
            raise KeyError("stop here")


out = Failing()
e = raises(KeyError, m.chunks, bytearray(8), out, 100)
assert e.args == ("stop here",) and out.sizes == [8, 8]
raises(TypeError, m.chunks, bytearray(8), object(), 10, msg="output has no write method")
raises(ValueError, m.chunks, bytearray(0), Sink(), 10, msg="buffer is empty")
raises(TypeError, m.chunks, b"immutable", Sink(), 10)

# Calls, attributes, items, globals.
assert m.call(lambda: 7) == 7 and m.call(lambda a, b: a - b, 10, 3) == 7
raises(ZeroDivisionError, m.call, lambda: 1 // 0)
out = Sink()
assert m.call_write(out, b"ab") is None and out.data == b"ab"
raises(AttributeError, m.call_write, object(), b"x")


class Many:
    def write(self, *args):
        return len(args)


assert m.call_write(Many(), 1, 2, 3, 4, 5, 6) == 6
raises(TypeError, m.call_write, Many(), 1, 2, 3, 4, 5, 6, 7, msg="too many arguments")
assert m.maybe_write(Many(), 1) == 1 and m.maybe_write(object(), 1) is False


class Attr:
    value = 3


a = Attr()
assert m.get_value(a) == 3
m.set_value(a, 9)
assert a.value == 9
raises(AttributeError, m.get_value, object())
assert m.get_item([1, 2, 3], 1) == 2 and m.get_item({"a": 5}, "a") == 5
raises(IndexError, m.get_item, [], 0)
raises(KeyError, m.get_item, {}, "x")
d = {}
m.set_item(d, "k", 1)
assert d == {"k": 1}
assert m.builtin_len() is len
assert m.import_sys() is sys

# Exceptions: each kind with its static message; messages with numbers.
kinds = [
    (Exception, "plain"),
    (TypeError, "type"),
    (ValueError, "value"),
    (OverflowError, "overflow"),
    (MemoryError, "memory"),
    (RuntimeError, "runtime"),
    (AttributeError, "attribute"),
    (IndexError, "index"),
    (KeyError, "key"),
    (NotImplementedError, "not implemented"),
    (OSError, "os"),
    (ZeroDivisionError, "zero division"),
    (StopIteration, "stop"),
]
for i, (t, text) in enumerate(kinds):
    e = raises(Exception, m.raise_kind, i)
    assert type(e) is t, (i, type(e))
    assert e.args == (text,), (i, e.args)
raises(ValueError, m.raise_kind, 99, msg="no kind 99")
raises(ValueError, m.raise_kind, -7, msg="no kind -7")
raises(TypeError, m.layer_error, 3, msg="layers[3] is not a Layer or Text")
raises(TypeError, m.layer_error, -12345, msg="layers[-12345] is not a Layer or Text")


# Shadowing a builtin in the caller's globals doesn't change what the module raises.
def shadowed():
    global ValueError
    saved = ValueError
    ValueError = KeyError
    try:
        return raises(saved, m.raise_kind, 2)
    finally:
        ValueError = saved


assert type(shadowed()) is ValueError


def fail():
    raise KeyError("missing")


e = raises(KeyError, m.propagate, fail)
assert e.args == ("missing",)
assert m.propagate(lambda: 5) == 5
assert m.recover(lambda: 5) == (False, 5)
caught = m.recover(fail)
assert caught[0] is True and type(caught[1]) is KeyError and caught[1].args == ("missing",)
assert caught[2] is True
caught = m.recover(lambda: [][1])
assert caught[0] is True and type(caught[1]) is IndexError and caught[2] is False
assert m.boom(2) == 30
raises(RuntimeError, m.boom, 3, msg="Rust panic")
assert m.boom(0) == 10  # still usable after a panic

# Qstrs: the static table matches the firmware's; module qstrs come from the linker.
static = [m.static_qstr(i) for i in range(1, 166)]
assert m.static_qstr(0) is None and m.static_qstr(166) is None
assert static[0] == "" and static[1] == "__dir__" and static[2] == "\n"
assert static[54] == "ValueError" and static[85] == "get" and static[161] == "value"
assert static[164] == "zip"
for name in static:
    assert type(name) is str
builtins_seen = [n for n in static if n in ("len", "tuple", "write", "MemoryError")]
assert len(builtins_seen) == 4
assert m.qstrs() == (165, 55, 164, "a module qstr")
assert m.types() == (int, bool, str, tuple, list, dict, type, "Counter")

# Classes: constructor, methods, class attribute, attribute and print handlers.
c = m.Counter(5, "label")
assert type(c) is m.Counter and m.Counter.__name__ == "Counter"
assert c.inc() == 6 and c.inc(10) == 16 and c.get() == 16 and c.label() == "label"
assert c.value == 16 and m.Counter.KIND == "counter"
c.value = 3
assert c.get() == 3
raises(TypeError, setattr, c, "value", "x")
del c.value
assert c.get() == 0
raises(AttributeError, getattr, c, "nope")
raises(AttributeError, setattr, c, "nope", 1)
assert repr(c) == "<Counter 0>" and str(m.Counter(-7)) == "<Counter -7>"
assert m.Counter().get() == 0 and m.Counter().label() is None
raises(TypeError, m.Counter, 1, 2, 3)
raises(TypeError, lambda: m.Counter(start=1))
raises(TypeError, m.Counter, "x")
# Methods called through the class get any `self`: the runtime may check it (with its
# own message), the module checks it anyway.
raises(TypeError, m.Counter.get, 5)
raises(TypeError, m.Counter.inc, m.make_plain(1))
assert m.get_value(c) == 0
m.set_value(c, 12)
assert c.get() == 12

# A class without constructor; instances from a factory.
p = m.make_plain([1, 2])
assert type(p) is m.Plain and m.plain_x(p) == [1, 2]
raises(TypeError, m.Plain)
raises(TypeError, m.plain_x, c, msg="argument has wrong type")

# GC-heap blocks owned by module code stay alive across collections while in use.
def churn():
    gc.collect()
    junk = [bytearray(64) for _ in range(50)]
    gc.collect()


for n in (0, 1, 7, 64, 300):
    views = sum(3 * (i % 64) for i in range(n))
    words = sum(2 * i for i in range(n))  # a new block: the first values were dropped
    assert m.heap(n, churn) == views + words, n
raises(ValueError, m.heap, -1, churn)

# Objects referenced only from instance payloads survive garbage collection.
objs = [m.Counter(i, bytearray(b"x" * (i % 50))) for i in range(2000)]
plains = [m.make_plain([i] * 3) for i in range(500)]
gc.collect()
junk = [bytearray(100) for _ in range(300)]
gc.collect()
assert sum(o.get() for o in objs) == sum(range(2000))
assert all(o.label() == b"x" * (i % 50) for i, o in enumerate(objs))
assert all(m.plain_x(q) == [i] * 3 for i, q in enumerate(plains))
print("OK")
