"""The `mpy-abi` example module (stage-mpy/mpy-abi/examples/abi_demo.rs) on the 32-bit
architectures: the checks of its MicroPython test (abi_demo_test.py) that do not need a
full Python VM, with Python-side objects standing in for Python classes."""

from checks import expect, expect_equal, expect_raises
from natmod_emu import Emulator, HostObject, MpException, Obj


class Sink(HostObject):
    def __init__(self):
        self.data = bytearray()
        self.sizes = []
        self.kept = []

    def write(self, chunk):
        b = chunk.bytes() if isinstance(chunk, Obj) else bytes(chunk)
        self.data += b
        self.sizes.append(len(b))
        self.kept.append(chunk)


class Resizing(Sink):
    def __init__(self, buf):
        super().__init__()
        self.buf = buf

    def write(self, chunk):
        super().write(chunk)
        n = len(self.buf)
        self.buf.resize(n // 2 if n > 16 else n + 64)


class Failing(Sink):
    def write(self, chunk):
        super().write(chunk)
        if len(self.sizes) == 2:
            raise MpException("KeyError", "stop here")


class Many(HostObject):
    def write(self, *args):
        return len(args)


class Attr(HostObject):
    value = 3


class Plain(HostObject):
    pass


EXPECTED = bytes(i & 0xFF for i in range(1000))


def abi_demo_checks(ctx, arch, path):
    state = {}

    def need():
        if "m" not in state:
            raise AssertionError("abi_demo not loaded")
        return state["emu"], state["m"]

    def load():
        if not path.exists():
            raise AssertionError(f"{path} missing (build failed?)")
        emu = Emulator(budget=ctx.budget)
        m = emu.load(path)
        state.update(emu=emu, m=m)
        expect_equal((m.ANSWER, m.NAME, m["__name__"]), (42, "abi_demo", "abi_demo"), "constants")
        calls = m.init_stats.runtime_calls
        return (f"init: {m.init_stats.instructions} insns, {calls.get('nlr_push', 0)} protected calls, "
                f"stack {m.init_stats.stack_bytes} B")

    def functions():
        emu, m = need()
        expect(m.nothing() is None, "nothing()")
        expect_equal((m.add(2, 40), m.add(-5, 3), m.add(True, 1)), (42, -2, 2), "add")
        expect_equal((m.clamp(5, 0, 3), m.clamp(-5, 0, 3)), (3, 0), "clamp")
        expect_raises("ValueError", m.clamp, 1, 3, 0, message="empty range 3..0")
        expect_raises("TypeError", m.identity)
        expect_raises("TypeError", m.add, 1, 2, 3)
        expect_raises("TypeError", m.identity, x=1)
        expect_equal((m.total(), m.total(1, 2, 3), m.total(*range(100))), (0, 6, 4950), "total")
        expect_equal((m.count(1, 2), m.count(1, 2, 3, 4)), (2, 4), "count")
        expect_raises("TypeError", m.count, 1, 2, 3, 4, 5)
        expect_equal(m.four(1, 2, 3, 4), (4, 3, 2, 1), "four")

    def ints():
        emu, m = need()
        expect_raises("TypeError", m.add, "1", 2)
        expect_raises("TypeError", m.add, 1.5, 2)
        expect_raises("OverflowError", m.add, 2 ** 100, 1)
        expect_raises("OverflowError", m.add, 2 ** 31, 0)   # beyond a 32-bit word
        expect_equal(m.add(2 ** 30, 2 ** 30 - 1), 2 ** 31 - 1, "add near the word limit")
        expect_raises("OverflowError", m.add, 2 ** 30, 2 ** 30)
        expect_equal((m.wrap16(65539), m.wrap16(40000), m.wrap16(-1), m.wrap16(2 ** 100 + 7)),
                     (3, 40000 - 65536, -1, 7), "wrap16")
        expect_equal((m.truth(1), m.truth([]), m.truth(None)), (True, False, False), "truth")
        expect_equal(m.uint(-1), 2 ** 32 - 1, "uint(-1)")

    def objects():
        emu, m = need()
        s, b, ba, lst, d, empty, big = m.build()
        expect_equal((s, b, lst, d, empty, big), ("h\u00e9llo", b"\x00\x01\xff", [1, 2], {"key": 1}, (),
                                                 2 ** 31 - 1), "build()")
        expect_equal(ba.bytes(), bytes(3), "bytearray from build()")
        expect_equal(m.append_to([1], 2), [1, 2], "append_to")
        expect_raises("TypeError", m.append_to, (1,), 2, message="expected a list")
        expect_equal((m.seq_sum((1, 2, 3)), m.seq_sum([4, 5]), m.seq_sum([])), (6, 9, 0), "seq_sum")
        expect_raises("TypeError", m.seq_sum, [1, "x"])
        expect_equal((m.length([1, 2, 3]), m.length("abc"), m.length(b""), m.length({1: 2})),
                     (3, 3, 0, 1), "length")
        expect_raises("TypeError", m.length, 5)

    def buffers():
        emu, m = need()
        expect_equal((m.buf_sum(b"\x01\x02\x03"), m.buf_sum(bytearray(range(100))), m.buf_sum("ab")),
                     (6, 4950, 97 + 98), "buf_sum")
        expect_equal(m.buf_sum(emu.new_array("H", [1, 256])), 2, "buf_sum(array('H'))")
        expect_equal(m.buf_sum(emu.new_memoryview(emu.new_bytearray(b"abcd"), 1, 3)), 98 + 99,
                     "buf_sum(memoryview slice)")
        expect_raises("TypeError", m.buf_sum, 5, message="object with buffer protocol required")
        buf = bytearray(4)
        m.buf_fill(buf, 7)
        expect_equal(bytes(buf), b"\x07" * 4, "buf_fill")
        ebuf = emu.new_bytearray(b"\x07" * 4)
        m.buf_fill(emu.new_memoryview(ebuf, 1, 3), 9)
        expect_equal(ebuf.bytes(), b"\x07\x09\x09\x07", "buf_fill(memoryview)")
        expect_raises("TypeError", m.buf_fill, b"abc", 1, message="object with buffer protocol required")
        dst = bytearray(3)
        expect_equal(m.buf_copy(dst, b"hello"), 3, "buf_copy")
        expect_equal(bytes(dst), b"hel", "buf_copy result")
        edst = emu.new_bytearray(3)
        expect_raises("ValueError", m.buf_copy, edst, edst, message="buffer overlaps the output buffer")
        src = emu.new_bytearray(b"abcdef")
        cp = m.slice_copy(src, 1, 3)
        expect_equal((cp.type_name, cp.bytes()), ("bytearray", b"bcd"), "slice_copy")
        expect_raises("ValueError", m.slice_copy, src, 4, 3, message="range outside the buffer")

    def chunks():
        emu, m = need()
        out = Sink()
        expect_equal(m.chunks(bytearray(256), out, 1000), 4, "chunks() result")
        expect(out.data == EXPECTED, "chunks() stream")
        expect_equal(out.sizes, [256, 256, 256, 232], "chunk sizes")
        buf = emu.new_bytearray(64)
        out = Resizing(buf)
        m.chunks(buf, out, 1000)
        expect(out.data == EXPECTED, f"stream with a resizing write() ({out.sizes})")
        out = Failing()
        e = expect_raises("KeyError", m.chunks, bytearray(8), out, 100)
        expect_equal((e.mp_args, out.sizes), (("stop here",), [8, 8]), "failing write()")
        expect_raises("TypeError", m.chunks, bytearray(8), Plain(), 10,
                      message="output has no write method")
        expect_raises("ValueError", m.chunks, bytearray(0), Sink(), 10, message="buffer is empty")
        expect_raises("TypeError", m.chunks, b"immutable", Sink(), 10)

    def calls():
        emu, m = need()
        expect_equal((m.call(lambda: 7), m.call(lambda a, b: a - b, 10, 3)), (7, 7), "call")
        out = Sink()
        expect(m.call_write(out, b"ab") is None and out.data == b"ab", "call_write")
        expect_raises("AttributeError", m.call_write, Plain(), b"x")
        expect_equal(m.call_write(Many(), 1, 2, 3, 4, 5, 6), 6, "call_write with 6 arguments")
        expect_raises("TypeError", m.call_write, Many(), 1, 2, 3, 4, 5, 6, 7, message="too many arguments")
        expect_equal((m.maybe_write(Many(), 1), m.maybe_write(Plain(), 1)), (1, False), "maybe_write")
        a = Attr()
        expect_equal(m.get_value(a), 3, "get_value")
        m.set_value(a, 9)
        expect_equal(a.value, 9, "set_value")
        expect_raises("AttributeError", m.get_value, Plain())
        expect_equal((m.get_item([1, 2, 3], 1), m.get_item({"a": 5}, "a")), (2, 5), "get_item")
        expect_raises("IndexError", m.get_item, [], 0)
        expect_raises("KeyError", m.get_item, {}, "x")
        expect_equal(m.builtin_len().addr, emu.rt.builtins["len"], "builtin_len() is len")

    def exceptions():
        emu, m = need()
        kinds = ["Exception", "TypeError", "ValueError", "OverflowError", "MemoryError",
                 "RuntimeError", "AttributeError", "IndexError", "KeyError", "NotImplementedError",
                 "OSError", "ZeroDivisionError", "StopIteration"]
        texts = ["plain", "type", "value", "overflow", "memory", "runtime", "attribute", "index",
                 "key", "not implemented", "os", "zero division", "stop"]
        for i, (k, t) in enumerate(zip(kinds, texts)):
            e = expect_raises(k, m.raise_kind, i)
            expect_equal(e.mp_args, (t,), f"raise_kind({i}) arguments")
        expect_raises("ValueError", m.raise_kind, 99, message="no kind 99")
        expect_raises("ValueError", m.raise_kind, -7, message="no kind -7")
        expect_raises("TypeError", m.layer_error, -12345, message="layers[-12345] is not a Layer or Text")

        def fail():
            raise MpException("KeyError", "missing")
        e = expect_raises("KeyError", m.propagate, fail)
        expect_equal(e.mp_args, ("missing",), "propagated exception")
        expect_equal(m.propagate(lambda: 5), 5, "propagate")
        expect_equal(m.recover(lambda: 5), (False, 5), "recover (no exception)")
        caught = m.recover(fail)
        expect(caught[0] is True and caught[1].type_name == "KeyError" and caught[2] is True,
               f"recover(fail) = {caught}")
        expect_equal((m.boom(2), m.boom(0)), (30, 10), "boom")
        expect_raises("RuntimeError", m.boom, 3, message="Rust panic")
        expect_equal(m.boom(0), 10, "usable after a panic")

    def qstrs_and_types():
        emu, m = need()
        static = [m.static_qstr(i) for i in range(1, 166)]
        expect(m.static_qstr(0) is None and m.static_qstr(166) is None, "static_qstr range")
        expect_equal((static[0], static[54], static[85], static[161], static[164]),
                     ("", "ValueError", "get", "value", "zip"), "static qstrs")
        expect_equal(m.qstrs(), (165, 55, 164, "a module qstr"), "qstrs()")
        t = m.types()
        rt = emu.rt
        expect_equal([x.addr for x in t[:7]], [rt.type_int, rt.type_bool, rt.type_str, rt.type_tuple,
                                               rt.type_list, rt.type_dict, rt.type_type], "types()")
        expect_equal(t[7], "Counter", "class name")

    def classes():
        emu, m = need()
        c = m.Counter(5, "label")
        expect_equal((c.type_name, emu.getattr(m.Counter, "__name__")), ("Counter", "Counter"), "class")
        expect_equal((c.inc(), c.inc(10), c.get(), c.label()), (6, 16, 16, "label"), "methods")
        expect_equal((c.value, m.Counter.KIND), (16, "counter"), "attributes")
        c.value = 3
        expect_equal(c.get(), 3, "attribute store")
        expect_raises("TypeError", setattr, c, "value", "x")
        expect_raises("AttributeError", getattr, c, "nope")
        expect_raises("TypeError", m.Counter, 1, 2, 3)
        expect_raises("TypeError", m.Counter, start=1)
        expect_raises("TypeError", m.Counter, "x")
        expect_raises("TypeError", m.Counter.get, 5)
        expect(m.Counter().label() is None, "default label")
        expect_equal((emu.repr(c), emu.str(m.Counter(-7))), ("<Counter 3>", "<Counter -7>"),
                     "repr/str through the print slot")
        p = m.make_plain([1, 2])
        expect_equal((p.type_name, m.plain_x(p)), ("Plain", [1, 2]), "Plain")
        expect_raises("TypeError", m.Plain)
        expect_raises("TypeError", m.plain_x, c, message="argument has wrong type")
        objs = [m.Counter(i, bytearray(b"x" * (i % 50))) for i in range(300)]
        expect_equal(sum(o.get() for o in objs), sum(range(300)), "many instances")
        expect(all(o.label().bytes() == b"x" * (i % 50) for i, o in enumerate(objs)), "payload objects")

    yield "load (constants, protected calls at import)", load
    yield "fixed and variable arity functions", functions
    yield "int conversions on a 32-bit word", ints
    yield "created objects, sequences, len()", objects
    yield "buffers (bytes, bytearray, array, memoryview)", buffers
    yield "render pattern: write() per chunk, resizing, raising", chunks
    yield "calls, methods, attributes, items", calls
    yield "exceptions, protected calls (nlr), panics", exceptions
    yield "qstrs and types", qstrs_and_types
    yield "classes: make_new, methods, attr handler", classes
