"""A fake MicroPython runtime for native modules: the 87-entry `mp_fun_table`, the
built-in types and objects, and the object model behind them.

Everything module code can see is real emulator memory laid out as on a 32-bit port
(type structs with slot indices, tuples, lists, dicts with their maps, str/bytes,
bytearray/array/memoryview, exceptions...), so a module that reads struct fields directly
(as `dynruntime.h` does for tuples and lists) works.  The behaviour behind the table
entries is Python.

Conventions: methods named `g_*` are generators, because they may have to run module code
(a type slot, a module function) before they can finish; they yield `NativeCall`s and are
driven by the engine.  A MicroPython exception in flight is the Python exception `MpRaise`.
"""

import inspect
import struct

from . import objects as O
from .errors import EmulatorError, MpException, MpRaise
from .memory import RT_CODE_BASE, RT_CODE_SIZE
from .qstr import QstrPool


class NativeCall:
    """Request from host code to run the C function at `fn` (a code address) with word
    arguments `args`; the generator is resumed with the word it returns."""
    __slots__ = ("fn", "args")

    def __init__(self, fn, args):
        self.fn = fn
        self.args = list(args)


class HostFn:
    """A C function implemented in Python, reachable from module code through a stub."""
    __slots__ = ("name", "impl", "args", "ret", "addr", "entry")

    def __init__(self, name, impl, args, ret, addr, entry=None):
        self.name, self.impl, self.args, self.ret, self.addr, self.entry = name, impl, args, ret, addr, entry


class HostObject:
    """Base class for Python-side objects that module code can hold and call.

    Public methods (names not starting with "_") are visible as methods from module code
    (`load_method`, `call_method_n_kw`), other public attributes as attributes.  Methods
    receive Python values (ints, str, bytes, None, tuples, lists; buffers such as
    bytearray, array and memoryview arrive as `Obj` handles with `.bytes()`), and may
    `raise MpException("OSError", ...)` to raise into module code.

    Methods named in `native_methods` are function objects of the runtime's native
    function types (`type(f)` is `mp_type_fun_builtin_N`), as the methods of a C type
    such as `machine.SPI` are; the others are of a separate "host function" type, as
    Python functions are to module code: neither kind is native code of the runtime's.
    """
    mp_type_name = None
    native_methods = ()


# entries of mp_fun_table: (index, name, argument kinds, result kind)
# kinds: w = word, d = double, f = float, v = void; "..." = variadic words follow
FUN_TABLE = [
    (0, "const_none"), (1, "const_false"), (2, "const_true"),
    (3, "native_from_obj", "ww", "w"), (4, "native_to_obj", "ww", "w"),
    (5, "swap_globals", "w", "w"), (6, "load_name", "w", "w"), (7, "load_global", "w", "w"),
    (8, "load_build_class", "", "w"), (9, "load_attr", "ww", "w"),
    (10, "load_method", "www", "v"), (11, "load_super_method", "ww", "v"),
    (12, "store_name", "ww", "v"), (13, "store_global", "ww", "v"),
    (14, "store_attr", "www", "v"), (15, "obj_subscr", "www", "w"),
    (16, "obj_is_true", "w", "w"), (17, "unary_op", "ww", "w"), (18, "binary_op", "www", "w"),
    (19, "new_tuple", "ww", "w"), (20, "new_list", "ww", "w"), (21, "new_dict", "w", "w"),
    (22, "new_set", "ww", "w"), (23, "set_store", "ww", "v"), (24, "list_append", "ww", "w"),
    (25, "dict_store", "www", "w"), (26, "make_function_from_proto_fun", "www", "w"),
    (27, "call_function_n_kw", "www", "w"), (28, "call_method_n_kw", "www", "w"),
    (29, "call_method_n_kw_var", "www", "w"), (30, "getiter", "ww", "w"),
    (31, "iternext", "w", "w"), (32, "nlr_push", "w", "w"), (33, "nlr_pop", "", "v"),
    (34, "raise", "w", "v"), (35, "import_name", "www", "w"), (36, "import_from", "ww", "w"),
    (37, "import_all", "w", "v"), (38, "new_slice", "www", "w"),
    (39, "unpack_sequence", "www", "v"), (40, "unpack_ex", "www", "v"),
    (41, "delete_name", "w", "v"), (42, "delete_global", "w", "v"),
    (43, "new_closure", "www", "w"), (44, "arg_check_num_sig", "www", "v"),
    (45, "setup_code_state_native", "wwww", "v"), (46, "small_int_floor_divide", "ww", "w"),
    (47, "small_int_modulo", "ww", "w"), (48, "yield_from", "www", "w"), (49, "setjmp"),
    (50, "memset_", "www", "w"), (51, "memmove_", "www", "w"), (52, "realloc_", "www", "w"),
    (53, "printf_", "ww...", "w"), (54, "vprintf_", "www", "w"), (55, "raise_msg", "ww", "v"),
    (56, "obj_get_type", "w", "w"), (57, "obj_new_str", "ww", "w"),
    (58, "obj_new_bytes", "ww", "w"), (59, "obj_new_bytearray_by_ref", "ww", "w"),
    (60, "obj_new_float_from_f", "f", "w"), (61, "obj_new_float_from_d", "d", "w"),
    (62, "obj_get_float_to_f", "w", "f"), (63, "obj_get_float_to_d", "w", "d"),
    (64, "load_method_maybe", "www", "v"), (65, "get_buffer", "www", "w"),
    (66, "get_stream_raise", "ww", "w"), (67, "arg_parse_all", "wwwwww", "v"),
    (68, "arg_parse_all_kw_array", "wwwwww", "v"), (69, "binary_get_size", "www", "w"),
    (70, "binary_get_val_array", "www", "w"), (71, "binary_set_val_array", "wwww", "v"),
    (72, "plat_print"), (73, "type_type"), (74, "type_str"), (75, "type_list"),
    (76, "type_dict"), (77, "type_fun_builtin_0"), (78, "type_fun_builtin_1"),
    (79, "type_fun_builtin_2"), (80, "type_fun_builtin_3"), (81, "type_fun_builtin_var"),
    (82, "type_Exception"), (83, "stream_read_obj"), (84, "stream_readinto_obj"),
    (85, "stream_unbuffered_readline_obj"), (86, "stream_write_obj"),
]
assert [e[0] for e in FUN_TABLE] == list(range(87))
FUN_TABLE_NAMES = [e[1] for e in FUN_TABLE]

# Entries a natmod may legitimately call but this runtime does not provide: calling one
# stops the emulation with an EmulatorError naming it.
UNSUPPORTED = {
    "load_build_class": "classes defined in Python",
    "load_super_method": "super()",
    "make_function_from_proto_fun": "functions compiled from Python code",
    "call_method_n_kw_var": "calls with *args/**kwargs",
    "import_name": "imports", "import_from": "imports", "import_all": "imports",
    "unpack_ex": "starred unpacking", "new_closure": "closures",
    "setup_code_state_native": "native Python functions", "yield_from": "generators",
    "get_stream_raise": "the stream protocol",
}

EXCEPTION_TREE = [
    ("BaseException", None), ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"), ("GeneratorExit", "BaseException"),
    ("Exception", "BaseException"), ("StopIteration", "Exception"),
    ("ArithmeticError", "Exception"), ("OverflowError", "ArithmeticError"),
    ("ZeroDivisionError", "ArithmeticError"), ("AssertionError", "Exception"),
    ("AttributeError", "Exception"), ("EOFError", "Exception"), ("ImportError", "Exception"),
    ("LookupError", "Exception"), ("IndexError", "LookupError"), ("KeyError", "LookupError"),
    ("MemoryError", "Exception"), ("NameError", "Exception"), ("OSError", "Exception"),
    ("RuntimeError", "Exception"), ("NotImplementedError", "RuntimeError"),
    ("SyntaxError", "Exception"), ("TypeError", "Exception"), ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
]

ARRAY_ITEM = {  # typecode -> (struct format, size)
    "b": ("b", 1), "B": ("B", 1), "h": ("h", 2), "H": ("H", 2), "i": ("i", 4), "I": ("I", 4),
    "l": ("i", 4), "L": ("I", 4), "q": ("q", 8), "Q": ("Q", 8), "f": ("f", 4), "d": ("d", 8),
    "P": ("I", 4), "O": ("I", 4), chr(O.BYTEARRAY_TYPECODE): ("B", 1),
}


def _u32(v):
    return v & 0xFFFFFFFF


def _s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


class Runtime:
    """The emulated MicroPython runtime of one emulator instance."""

    def __init__(self, cpu, mem, print_fn=None):
        self.cpu = cpu
        self.mem = mem
        self.heap = mem.heap
        self.qstrs = QstrPool(lambda data: mem.place_rt_data(data, align=1))
        self.print_fn = print_fn
        self.printed = []
        self.host_fns = []
        self.stub_base = RT_CODE_BASE
        self.bigints = {}       # address -> Python int
        self.floats = set()
        self.host_objs = {}     # address -> HostObject
        self.host_obj_addr = {}  # id(HostObject) -> address
        self.host_types = {}    # Python class -> type address
        self.host_callables = {}  # address -> Python callable
        self.iterators = {}     # address -> [sequence object, index]
        self.sets = {}          # address -> list of items
        self._print_bufs = {}   # mp_print_t data word -> collected text
        self.type_names = {}    # built-in type address -> name (host bookkeeping)
        self.current_globals = 0
        self.nlr_top = 0
        self.engine = None      # set by the engine: it keeps the NLR handler stack
        # return trampoline and the engine's exit point come first in the code region
        self.resume_addr = self.stub_base
        self.exit_addr = self.stub_base + cpu.stub_size
        mem.write(self.resume_addr, cpu.stub_code * 2)
        self._next_stub = self.stub_base + 2 * cpu.stub_size
        self._build_types()
        self._build_fun_table()
        self._build_builtins()

    # ================================================================== host functions

    def add_host_fn(self, name, impl, args="", ret="w", entry=None):
        """Make Python `impl` callable from module code as a C function; returns its code
        address (Thumb bit included)."""
        addr = self._next_stub
        if addr + self.cpu.stub_size > RT_CODE_BASE + RT_CODE_SIZE:
            raise MemoryError("no room for more runtime stubs")
        self._next_stub += self.cpu.stub_size
        self.mem.write(addr, self.cpu.stub_code)
        fn = HostFn(name, impl, args, ret, self.cpu.code_addr(addr), entry)
        self.host_fns.append(fn)
        return fn.addr

    def host_fn_at(self, addr):
        """The HostFn whose stub is at `addr` (Thumb bit ignored), or None."""
        i = (addr & ~1) - (self.stub_base + 2 * self.cpu.stub_size)
        if i < 0 or i % self.cpu.stub_size:
            return None
        i //= self.cpu.stub_size
        return self.host_fns[i] if i < len(self.host_fns) else None

    def g_invoke(self, fn, args):
        """Call C function pointer `fn` with word arguments: Python directly if it is a
        host function, else module code through the engine."""
        hf = self.host_fn_at(fn)
        if hf is not None and hf.addr == fn:
            r = hf.impl(*args)
            if inspect.isgenerator(r):
                r = yield from r
            return 0 if r is None else r
        if not self.mem.in_text(fn & ~1):
            raise EmulatorError(f"call through a bad function pointer 0x{fn:08x} "
                                f"({self.mem.describe(fn & ~1)})")
        return (yield NativeCall(fn, args))

    # ================================================================== types

    def _type_struct(self, addr, name, flags=0, slots=None):
        slots = slots or {}
        data = bytearray(O.TYPE_SIZE)
        struct.pack_into("<IHH", data, 0, self.type_type, flags, self.qstrs.intern(name))
        n = 0
        for slot_name in O.SLOT_NAMES:
            value = slots.get(slot_name)
            if value:
                data[O.TYPE_SLOT_INDEX + O.SLOT_NUM[slot_name]] = n + 1
                struct.pack_into("<I", data, O.TYPE_SLOTS + 4 * n, value)
                n += 1
        self.mem.write(addr, data)

    def new_type(self, name, flags=0, **slots):
        """A built-in type object in read-only runtime memory."""
        addr = self.mem.reserve_rt_data(O.TYPE_SIZE)
        self._type_struct(addr, name, flags, slots)
        self.type_names[addr] = name
        return addr

    def _build_types(self):
        hf = self.add_host_fn
        self.type_type = self.mem.reserve_rt_data(O.TYPE_SIZE)
        self._type_struct(self.type_type, "type",
                          slots={"make_new": hf("type.__new__", self._type_make_new, "wwww")})
        self.type_names[self.type_type] = "type"
        t = self.new_type
        # slot functions shared by the built-in types (they never dispatch on slots)
        unary = hf("builtin unary_op", lambda op, o: self.builtin_unary(op, o) or O.NULL, "ww")
        binary = hf("builtin binary_op", lambda op, a, b: self.builtin_binary(op, a, b) or O.NULL, "www")
        subscr = hf("builtin subscr", self._slot_subscr, "www")
        getiter = hf("builtin getiter", self._slot_getiter, "ww")
        buffer = hf("builtin buffer", self._slot_buffer, "www")
        num = dict(unary_op=unary, binary_op=binary)
        seq = dict(unary_op=unary, binary_op=binary, subscr=subscr, iter=getiter)
        self.type_object = t("object", make_new=hf("object.__new__", self._object_make_new, "wwww"))
        self.type_none = t("NoneType", unary_op=unary)
        self.type_int = t("int", make_new=hf("int.__new__", self._int_make_new, "wwww"), **num)
        self.type_bool = t("bool", make_new=hf("bool.__new__", self._bool_make_new, "wwww"), **num)
        self.type_float = t("float", make_new=hf("float.__new__", self._float_make_new, "wwww"), **num)
        self.type_str = t("str", make_new=hf("str.__new__", self._str_make_new, "wwww"),
                          buffer=buffer, **seq)
        self.type_bytes = t("bytes", make_new=hf("bytes.__new__", self._bytes_make_new, "wwww"),
                            binary_op=binary, subscr=subscr, iter=getiter, buffer=buffer)
        self.type_bytearray = t("bytearray",
                                make_new=hf("bytearray.__new__", self._bytearray_make_new, "wwww"),
                                buffer=buffer, **seq)
        self.type_array = t("array", buffer=buffer, **seq)
        self.type_memoryview = t("memoryview",
                                 make_new=hf("memoryview.__new__", self._memoryview_make_new, "wwww"),
                                 buffer=buffer, **seq)
        self.type_tuple = t("tuple", make_new=hf("tuple.__new__", self._tuple_make_new, "wwww"), **seq)
        self.type_list = t("list", make_new=hf("list.__new__", self._list_make_new, "wwww"), **seq)
        self.type_dict = t("dict", make_new=hf("dict.__new__", self._dict_make_new, "wwww"), **seq)
        self.type_set = t("set", unary_op=unary, binary_op=binary, iter=getiter)
        self.type_slice = t("slice")
        self.type_module = t("module")
        fun_flags = O.TYPE_FLAG_BINDS_SELF | O.TYPE_FLAG_BUILTIN_FUN
        self.type_fun = [t("function", fun_flags) for _ in range(4)]
        self.type_fun_var = t("function", fun_flags)
        self.type_fun_viper = t("function", O.TYPE_FLAG_BINDS_SELF)
        self.type_bound_meth = t("bound_method")
        self.type_host_fun = t("function", fun_flags)
        self.type_iterator = t("iterator", O.TYPE_FLAG_ITER_IS_ITERNEXT,
                               iter=hf("iterator.__next__", self._slot_iternext, "w"))
        self.builtin_seq_types = {self.type_str, self.type_bytes, self.type_bytearray,
                                  self.type_array, self.type_memoryview, self.type_tuple,
                                  self.type_list, self.type_dict}
        self.exc_types = {}
        exc_new = hf("BaseException.__new__", self._exception_make_new, "wwww")
        exc_attr = hf("BaseException.__getattr__", self._exception_attr, "www", "v")
        exc_print = hf("BaseException.__print__", self._exception_print, "www", "v")
        for name, parent in EXCEPTION_TREE:
            self.exc_types[name] = t(name, make_new=exc_new, print=exc_print, attr=exc_attr,
                                     parent=self.exc_types.get(parent))
        self.builtin_fun_types = set(self.type_fun) | {self.type_fun_var}

    def _unsupported_slot(self, what):
        def impl(*_args):
            raise EmulatorError(f"{what} is not emulated")
        return impl

    def _slot_subscr(self, o, index, value):
        if O.is_pointer(o) and self.type_of(o) in self.builtin_seq_types or o & 7 == 2:
            return (yield from self.g_subscr(o, index, value))
        return O.NULL

    def _slot_getiter(self, o, iter_buf):
        if (o & 7 == 2 or o in self.sets
                or (O.is_pointer(o) and self.type_of(o) in self.builtin_seq_types)):
            return self.new_iterator(o)
        self.raise_exc("TypeError", f"'{self.obj_type_name(o)}' object isn't iterable")

    def _slot_iternext(self, it):
        return (yield from self.g_iternext(it))

    def _slot_buffer(self, o, info, flags):
        buf = self.builtin_buffer(o, flags)
        if buf is None:
            return 1
        self.mem.set_words(info, list(buf))
        return 0

    def type_of(self, o):
        """`mp_obj_get_type`."""
        if o & 1:
            return self.type_int
        if o & 7 == 2:
            return self.type_str
        if o & 7 == 6:
            if o == O.NONE:
                return self.type_none
            if o in (O.TRUE, O.FALSE):
                return self.type_bool
            raise EmulatorError(f"unknown immediate object 0x{o:08x}")
        if o == 0:
            raise EmulatorError("MP_OBJ_NULL used as an object")
        if o & 3:
            raise EmulatorError(f"0x{o:08x} is not an object (bad low bits)")
        self.check_readable(o, 4, "object")
        return self.mem.u32(o)

    def check_readable(self, addr, n, what):
        if not self.mem.is_mapped(addr, n):
            raise EmulatorError(f"{what} at 0x{addr:08x} is not in mapped memory "
                                f"({self.mem.describe(addr)})")

    def is_type(self, o):
        return O.is_pointer(o) and self.mem.is_mapped(o, 4) and self.mem.u32(o) == self.type_type

    def type_name(self, t):
        q = self.mem.u16(t + O.TYPE_NAME)
        try:
            return self.qstrs.str(q)
        except KeyError:
            return f"<type with unknown name qstr {q}>"

    def obj_type_name(self, o):
        return self.type_name(self.type_of(o))

    def type_flags(self, t):
        return self.mem.u16(t + O.TYPE_FLAGS)

    def slot(self, t, name):
        """Value of slot `name` of type `t`, or 0."""
        i = self.mem.u8(t + O.TYPE_SLOT_INDEX + O.SLOT_NUM[name])
        if i == 0:
            return 0
        if i > 11:
            raise EmulatorError(f"type {self.type_name(t)} at 0x{t:08x}: slot index {i} of "
                                f"{name} is out of range")
        return self.mem.u32(t + O.TYPE_SLOTS + 4 * (i - 1))

    def parents(self, t):
        p = self.slot(t, "parent")
        if not p:
            return []
        if self.mem.u32(p) == self.type_tuple:  # several bases
            return self.tuple_items(p)
        return [p]

    def is_subtype(self, t, base, _depth=0):
        if t == base:
            return True
        if _depth > 32:
            raise EmulatorError(f"type {self.type_name(t)}: parent chain too deep (a cycle?)")
        return any(self.is_subtype(p, base, _depth + 1) for p in self.parents(t))

    def isinstance(self, o, t):
        return self.is_subtype(self.type_of(o), t)

    def is_exception_type(self, o):
        return self.is_type(o) and self.is_subtype(o, self.exc_types["BaseException"])

    def is_exception(self, o):
        return self.isinstance(o, self.exc_types["BaseException"])

    def host_type(self, cls):
        """The type object standing for Python class `cls` (a HostObject subclass)."""
        t = self.host_types.get(cls)
        if t is None:
            t = self.new_type(cls.mp_type_name or cls.__name__)
            self.host_types[cls] = t
        return t

    # ================================================================== allocation

    def alloc(self, n, label):
        a = self.heap.alloc(n, label)
        if not a:
            self.raise_exc("MemoryError", f"memory allocation failed, allocating {n} bytes")
        return a

    def new_obj(self, t, size, label=None):
        a = self.alloc(size, label or self.type_names.get(t, "object"))
        self.mem.set_u32(a, t)
        return a

    # ================================================================== ints and floats

    def new_int(self, v):
        if O.fits_small_int(v):
            return O.new_small_int(v)
        a = self.new_obj(self.type_int, 8, "int (big)")
        self.bigints[a] = int(v)
        return a

    def int_value(self, o):
        """The Python int of an int or bool object, else None."""
        if o & 1:
            return O.small_int_value(o)
        if o == O.FALSE:
            return 0
        if o == O.TRUE:
            return 1
        if O.is_pointer(o) and o in self.bigints:
            return self.bigints[o]
        return None

    def g_get_int(self, o, what="int"):
        """`mp_obj_get_int` (TypeError for non-ints, through __int__ of module types)."""
        v = self.int_value(o)
        if v is not None:
            return v
        r = yield from self.g_unary_op(O.UNARY_INT_MAYBE, o)
        v = self.int_value(r) if r else None
        if v is None:
            self.raise_exc("TypeError", f"can't convert {self.obj_type_name(o)} to {what}")
        return v

    def new_float(self, x):
        a = self.new_obj(self.type_float, 16, "float")
        self.mem.write(a + 8, struct.pack("<d", x))
        self.floats.add(a)
        return a

    def float_value(self, o):
        """Python float of a float object, else None."""
        if O.is_pointer(o) and o in self.floats:
            return struct.unpack("<d", self.mem.read(o + 8, 8))[0]
        return None

    def get_float(self, o):
        x = self.float_value(o)
        if x is not None:
            return x
        v = self.int_value(o)
        if v is not None:
            return float(v)
        self.raise_exc("TypeError", f"can't convert {self.obj_type_name(o)} to float")

    # ================================================================== str and bytes

    def new_str_or_bytes(self, t, data, label=None):
        a = self.new_obj(t, 16 + len(data) + 1, label)
        h = 5381
        for b in data:
            h = ((h * 33) ^ b) & 0xFFFFFFFF
        self.mem.set_words(a + 4, [h & 0xFFFF, len(data), a + 16])
        self.mem.write(a + 16, data)
        return a

    def new_str(self, s):
        return self.new_str_or_bytes(self.type_str, s.encode("utf-8"), "str")

    def new_bytes(self, b):
        return self.new_str_or_bytes(self.type_bytes, bytes(b), "bytes")

    def str_data(self, o):
        """(address, length) of the characters of a str (qstr or str object) or a bytes
        object, else None."""
        if o & 7 == 2:
            q = O.qstr_value(o)
            if not self.qstrs.exists(q):
                raise EmulatorError(f"qstr object 0x{o:08x}: no qstr number {q}")
            return self.qstrs.data_addr(q), len(self.qstrs.str(q).encode("utf-8"))
        if O.is_pointer(o) and self.type_of(o) in (self.type_str, self.type_bytes):
            _h, n, data = self.mem.words(o + 4, 3)
            return data, n
        return None

    def str_value(self, o):
        """Python str of a str/qstr object, else None."""
        if o & 7 == 2 or (O.is_pointer(o) and self.type_of(o) == self.type_str):
            a, n = self.str_data(o)
            return self.mem.read(a, n).decode("utf-8", errors="replace")
        return None

    def bytes_value(self, o):
        if O.is_pointer(o) and self.type_of(o) == self.type_bytes:
            a, n = self.str_data(o)
            return self.mem.read(a, n)
        return None

    def qstr_obj(self, name):
        return O.new_qstr(self.qstrs.intern(name))

    def qstr_name(self, q):
        try:
            return self.qstrs.str(q)
        except KeyError:
            raise EmulatorError(f"no qstr number {q}") from None

    # ================================================================== tuples, lists

    def new_tuple(self, items):
        a = self.new_obj(self.type_tuple, 8 + 4 * len(items), "tuple")
        self.mem.set_words(a + 4, [len(items)] + list(items))
        return a

    def tuple_items(self, o):
        n = self.mem.u32(o + 4)
        return self.mem.words(o + 8, n)

    def new_list(self, items):
        items = list(items)
        alloc = max(4, len(items))
        store = self.alloc(4 * alloc, "list items")
        self.mem.set_words(store, items)
        a = self.new_obj(self.type_list, 16, "list")
        self.mem.set_words(a + 4, [alloc, len(items), store])
        return a

    def list_items(self, o):
        _alloc, n, store = self.mem.words(o + 4, 3)
        return self.mem.words(store, n)

    def list_append(self, o, item):
        alloc, n, store = self.mem.words(o + 4, 3)
        if n >= alloc:
            new_alloc = alloc * 2 if alloc else 4
            new_store = self.heap.realloc(store, 4 * new_alloc, True) if store else \
                self.heap.alloc(4 * new_alloc, "list items")
            if not new_store:
                self.raise_exc("MemoryError", "memory allocation failed")
            store, alloc = new_store, new_alloc
        self.mem.set_u32(store + 4 * n, item)
        self.mem.set_words(o + 4, [alloc, n + 1, store])

    def seq_items(self, o):
        """Items of a tuple or list (the way `mp_obj_get_array` sees them), else None."""
        if not O.is_pointer(o):
            return None
        t = self.type_of(o)
        if t == self.type_tuple:
            return self.tuple_items(o)
        if t == self.type_list:
            return self.list_items(o)
        return None

    # ================================================================== dicts

    def new_dict(self, n=0):
        table = self.alloc(8 * n, "dict table") if n else 0
        a = self.new_obj(self.type_dict, 16, "dict")
        self.mem.set_words(a + 4, [O.MAP_ALL_KEYS_ARE_QSTRS | O.MAP_IS_ORDERED, n, table])
        return a

    def _map(self, m):
        bits, alloc, table = self.mem.words(m, 3)
        return bits, alloc, table

    def map_entries(self, m):
        """(key, value) pairs of an mp_map_t at address `m`, in table order."""
        bits, alloc, table = self._map(m)
        if not alloc:
            return []
        if bits & O.MAP_IS_ORDERED:
            alloc = min(alloc, bits >> 3)
        words = self.mem.words(table, 2 * alloc)
        return [(words[2 * i], words[2 * i + 1]) for i in range(alloc)
                if words[2 * i] not in (O.NULL, O.SENTINEL)]

    def keys_equal(self, a, b):
        if a == b:
            return True
        sa, sb = self.str_value(a), self.str_value(b)
        if sa is not None or sb is not None:
            return sa == sb
        ia, ib = self.int_value(a), self.int_value(b)
        if ia is not None and ib is not None:
            return ia == ib
        ba, bb = self.bytes_value(a), self.bytes_value(b)
        return ba is not None and ba == bb

    def map_lookup(self, m, key):
        """Address of the map element for `key`, or None."""
        bits, alloc, table = self._map(m)
        if not alloc:
            return None
        n = min(alloc, bits >> 3) if bits & O.MAP_IS_ORDERED else alloc
        words = self.mem.words(table, 2 * n)
        for i in range(n):
            k = words[2 * i]
            if k not in (O.NULL, O.SENTINEL) and self.keys_equal(k, key):
                return table + 8 * i
        return None

    def dict_lookup(self, d, key):
        """Value for `key` in dict object `d`, or None."""
        e = self.map_lookup(d + 4, key)
        return None if e is None else self.mem.u32(e + 4)

    def dict_store(self, d, key, value):
        m = d + 4
        e = self.map_lookup(m, key)
        if e is not None:
            self.mem.set_u32(e + 4, value)
            return
        bits, alloc, table = self._map(m)
        if bits & O.MAP_IS_FIXED:
            raise EmulatorError(f"dict_store into the fixed map of dict 0x{d:08x}")
        if not bits & O.MAP_IS_ORDERED:
            # a hashed map built by module code: append in the first free slot
            words = self.mem.words(table, 2 * alloc) if alloc else []
            for i in range(alloc):
                if words[2 * i] in (O.NULL, O.SENTINEL):
                    self.mem.set_words(table + 8 * i, [key, value])
                    self.mem.set_u32(m, bits + 8)
                    return
            raise EmulatorError(f"dict 0x{d:08x}: hashed map is full")
        used = bits >> 3
        if used >= alloc:
            new_alloc = alloc * 2 if alloc else 4
            new_table = self.heap.realloc(table, 8 * new_alloc, True) if table else \
                self.heap.alloc(8 * new_alloc, "dict table")
            if not new_table:
                self.raise_exc("MemoryError", "memory allocation failed")
            table, alloc = new_table, new_alloc
        self.mem.set_words(table + 8 * used, [key, value])
        if key & 7 != 2:
            bits &= ~O.MAP_ALL_KEYS_ARE_QSTRS
        self.mem.set_words(m, [(bits & 7) | ((used + 1) << 3), alloc, table])

    def dict_delete(self, d, key):
        m = d + 4
        entries = [(k, v) for k, v in self.map_entries(m) if not self.keys_equal(k, key)]
        if len(entries) == len(self.map_entries(m)):
            return False
        bits, alloc, table = self._map(m)
        for i in range(alloc):
            self.mem.set_words(table + 8 * i, [0, 0])
        for i, (k, v) in enumerate(entries):
            self.mem.set_words(table + 8 * i, [k, v])
        self.mem.set_u32(m, (bits & 7) | O.MAP_IS_ORDERED | (len(entries) << 3))
        return True

    def dict_items(self, d):
        return self.map_entries(d + 4)

    # ================================================================== arrays

    def new_array_obj(self, t, typecode, data, label):
        """bytearray (typecode 1), array or memoryview object owning a copy of `data`."""
        size = ARRAY_ITEM[chr(typecode & 0x7F)][1]
        items = self.alloc(max(len(data), 1), f"{label} items")
        self.mem.write(items, data)
        a = self.new_obj(t, 16, label)
        self.mem.set_words(a + 4, [typecode, len(data) // size, items])
        return a

    def new_bytearray(self, data):
        return self.new_array_obj(self.type_bytearray, O.BYTEARRAY_TYPECODE, bytes(data), "bytearray")

    def array_fields(self, o):
        """(typecode, free-or-offset, len, items) of a bytearray/array/memoryview."""
        w0, n, items = self.mem.words(o + 4, 3)
        return w0 & 0xFF, w0 >> 8, n, items

    def resize_array(self, o, nbytes, move=True):
        """Resize a bytearray/array to `nbytes` like `extend`/`del b[n:]` would; with
        `move` the data always moves to a new block (the old one is freed and poisoned),
        as a growing realloc may do on a real heap."""
        typecode, free, n, items = self.array_fields(o)
        size = ARRAY_ITEM[chr(typecode)][1]
        if nbytes % size:
            raise ValueError(f"{nbytes} bytes is not a whole number of {size}-byte items")
        old = self.mem.read(items, n * size)
        if move:
            new = self.alloc(max(nbytes, 1), "resized items")
            self.mem.write(new, old[:nbytes])
            if self.heap.block_size(items):
                self.heap.free(items)
            items, free = new, 0
        elif nbytes > (n + free) * size:
            raise ValueError("resize without move needs spare capacity")
        else:
            free = n + free - nbytes // size
        self.mem.set_words(o + 4, [typecode | (free << 8), nbytes // size, items])

    # ================================================================== exceptions

    def new_exception(self, t, args):
        a = self.new_obj(t, 16, "exception")
        self.mem.set_words(a + 4, [0, 0, self.new_tuple(args)])
        return a

    def exception_args(self, o):
        tup = self.mem.u32(o + 12)
        if not tup:
            return []
        return self.tuple_items(tup)

    def raise_exc(self, type_name, message=None):
        """Raise a new built-in exception into the running code (never returns)."""
        args = [] if message is None else [self.new_str(message)]
        raise MpRaise(self.new_exception(self.exc_types[type_name], args))

    def _exception_make_new(self, t, n_args, n_kw, args):
        if n_kw:
            self.raise_exc("TypeError", "function doesn't take keyword arguments")
        return self.new_exception(t, self.mem.words(args, n_args))

    def _exception_attr(self, self_obj, attr, dest):
        if self.mem.u32(dest) != O.NULL:
            return  # store/delete: not supported, dest stays as is (failure)
        name = self.qstr_name(attr)
        args = self.exception_args(self_obj)
        if name == "args":
            self.mem.set_u32(dest, self.mem.u32(self_obj + 12) or self.new_tuple([]))
        elif name in ("value", "errno") and args:
            self.mem.set_u32(dest, args[0])
        else:
            self.mem.set_u32(dest + 4, O.SENTINEL)

    def _exception_print(self, print_ptr, o, kind):
        text = yield from self.g_print(o, kind == 1)
        yield from self._print_to(print_ptr, text)

    def make_raise_obj(self, o):
        """`mp_make_raise_obj` without the call: instances pass, types are instantiated."""
        if self.is_exception_type(o):
            o = self.new_exception(o, [])
        if self.is_exception(o):
            return o
        return self.new_exception(self.exc_types["TypeError"],
                                  [self.new_str("exceptions must derive from BaseException")])

    # ================================================================== builtins

    def _build_builtins(self):
        self.builtins = {}
        for name in ("object", "int", "bool", "float", "str", "bytes", "bytearray",
                     "memoryview", "tuple", "list", "dict"):
            self.builtins[name] = getattr(self, "type_" + name)
        self.builtins["type"] = self.type_type
        for name, t in self.exc_types.items():
            self.builtins[name] = t
        self._builtin_fun("len", 1, self._builtin_len)
        self._builtin_fun("isinstance", 2, self._builtin_isinstance)
        self._builtin_fun("callable", 1, lambda o: O.TRUE if self.is_callable(o) else O.FALSE)
        self._builtin_fun("getattr", None, self._builtin_getattr, 2, 3)
        self._builtin_fun("hasattr", 2, self._builtin_hasattr)
        self._builtin_fun("print", None, self._builtin_print, 0, 0xFFFF)
        self._builtin_fun("id", 1, lambda o: self.new_int(o))

    def _builtin_fun(self, name, nargs, impl, n_min=0, n_max=0):
        """A built-in function object in runtime memory: fixed arity (`nargs` 0..3,
        C signature fn(args...)) or variable (`nargs` None, fn(n_args, args))."""
        if nargs is not None:
            fn = self.add_host_fn(name, impl, "w" * nargs)
            data = struct.pack("<II", self.type_fun[nargs], fn)
        else:
            fn = self.add_host_fn(name, lambda n, args: impl(self.mem.words(args, n)), "ww")
            data = struct.pack("<III", self.type_fun_var, (n_min << 17) | (n_max << 1), fn)
        addr = self.mem.place_rt_data(data)
        self.builtins[name] = addr
        return addr

    def _builtin_len(self, o):
        n = yield from self.g_len(o)
        return self.new_int(n)

    def _builtin_isinstance(self, o, t):
        types = self.seq_items(t) if O.is_pointer(t) and self.type_of(t) == self.type_tuple else [t]
        for ty in types:
            if not self.is_type(ty):
                self.raise_exc("TypeError", "isinstance() arg 2 must be a type or tuple of types")
            if self.isinstance(o, ty):
                return O.TRUE
        return O.FALSE

    def _builtin_getattr(self, args):
        obj, attr = args[0], args[1]
        name = self.str_value(attr)
        if name is None:
            self.raise_exc("TypeError", "attribute name must be a string")
        q = self.qstrs.intern(name)
        d0, d1 = yield from self.g_load_method_maybe(obj, q)
        if d0 == 0:
            if len(args) == 3:
                return args[2]
            self.raise_attribute_error(obj, q)
        return self.bind(d0, d1)

    def _builtin_hasattr(self, obj, attr):
        name = self.str_value(attr)
        if name is None:
            self.raise_exc("TypeError", "attribute name must be a string")
        d0, _ = yield from self.g_load_method_maybe(obj, self.qstrs.intern(name))
        return O.TRUE if d0 else O.FALSE

    def _builtin_print(self, args):
        parts = []
        for a in args:
            parts.append((yield from self.g_str(a)))
        self.emit(" ".join(parts) + "\n")
        return O.NONE

    def emit(self, text):
        self.printed.append(text)
        if self.print_fn:
            self.print_fn(text)

    # constructors of built-in types: make_new(type, n_args, n_kw, args)

    def _check_args(self, name, n_args, n_kw, lo, hi):
        if n_kw:
            self.raise_exc("TypeError", f"{name}() takes no keyword arguments")
        if not lo <= n_args <= hi:
            self.raise_exc("TypeError", f"{name}() takes {lo}..{hi} arguments, {n_args} given")

    def _type_make_new(self, t, n_args, n_kw, args):
        self._check_args("type", n_args, n_kw, 1, 1)
        return self.type_of(self.mem.u32(args))

    def _object_make_new(self, t, n_args, n_kw, args):
        self._check_args("object", n_args, n_kw, 0, 0)
        return self.new_obj(t, 4, "object")

    def _int_make_new(self, t, n_args, n_kw, args):
        self._check_args("int", n_args, n_kw, 0, 2)
        if n_args == 0:
            return O.new_small_int(0)
        a = self.mem.words(args, n_args)
        s = self.str_value(a[0])
        if s is not None:
            base = 10 if n_args == 1 else (yield from self.g_get_int(a[1]))
            try:
                return self.new_int(int(s, base))
            except ValueError:
                self.raise_exc("ValueError", f"invalid syntax for integer with base {base}")
        x = self.float_value(a[0])
        if x is not None:
            return self.new_int(int(x))
        return self.new_int((yield from self.g_get_int(a[0])))

    def _bool_make_new(self, t, n_args, n_kw, args):
        self._check_args("bool", n_args, n_kw, 0, 1)
        if n_args == 0:
            return O.FALSE
        truth = yield from self.g_is_true(self.mem.u32(args))
        return O.TRUE if truth else O.FALSE

    def _float_make_new(self, t, n_args, n_kw, args):
        self._check_args("float", n_args, n_kw, 0, 1)
        if n_args == 0:
            return self.new_float(0.0)
        a = self.mem.u32(args)
        s = self.str_value(a)
        return self.new_float(float(s) if s is not None else self.get_float(a))

    def _str_make_new(self, t, n_args, n_kw, args):
        self._check_args("str", n_args, n_kw, 0, 1)
        if n_args == 0:
            return self.qstr_obj("")
        s = yield from self.g_str(self.mem.u32(args))
        return self.new_str(s)

    def g_bytes_from(self, o):
        """Contents for bytes(o)/bytearray(o): an int size, a buffer, or ints."""
        n = self.int_value(o)
        if n is not None and o not in (O.TRUE, O.FALSE):
            if n < 0:
                self.raise_exc("ValueError", "negative count")
            return bytes(n)
        buf = yield from self.g_get_buffer(o, O.BUFFER_READ)
        if buf is not None and self.str_value(o) is None:
            return self.mem.read(buf[0], buf[1])
        items = self.seq_items(o)
        if items is None:
            self.raise_exc("TypeError", f"can't convert {self.obj_type_name(o)} to bytes")
        out = bytearray()
        for it in items:
            v = yield from self.g_get_int(it)
            if not 0 <= v <= 255:
                self.raise_exc("ValueError", "bytes must be in range(0, 256)")
            out.append(v)
        return bytes(out)

    def _bytes_make_new(self, t, n_args, n_kw, args):
        self._check_args("bytes", n_args, n_kw, 0, 3)
        if n_args == 0:
            return self.new_bytes(b"")
        a = self.mem.words(args, n_args)
        s = self.str_value(a[0])
        if s is not None:
            return self.new_bytes(s.encode("utf-8"))
        return self.new_bytes((yield from self.g_bytes_from(a[0])))

    def _bytearray_make_new(self, t, n_args, n_kw, args):
        self._check_args("bytearray", n_args, n_kw, 0, 3)
        if n_args == 0:
            return self.new_bytearray(b"")
        a = self.mem.words(args, n_args)
        s = self.str_value(a[0])
        if s is not None:
            return self.new_bytearray(s.encode("utf-8"))
        return self.new_bytearray((yield from self.g_bytes_from(a[0])))

    def _memoryview_make_new(self, t, n_args, n_kw, args):
        self._check_args("memoryview", n_args, n_kw, 1, 1)
        o = self.mem.u32(args)
        return (yield from self.g_new_memoryview(o))

    def g_new_memoryview(self, o):
        buf = yield from self.g_get_buffer(o, O.BUFFER_READ)
        if buf is None:
            self.raise_exc("TypeError", "object with buffer protocol required")
        addr, n, typecode = buf
        writable = (yield from self.g_get_buffer(o, O.BUFFER_WRITE)) is not None
        size = ARRAY_ITEM.get(chr(typecode), ("B", 1))[1]
        a = self.new_obj(self.type_memoryview, 16, "memoryview")
        tc = typecode | (O.ARRAY_TYPECODE_FLAG_RW if writable else 0)
        self.mem.set_words(a + 4, [tc, n // size, addr])
        return a

    def _tuple_make_new(self, t, n_args, n_kw, args):
        self._check_args("tuple", n_args, n_kw, 0, 1)
        if n_args == 0:
            return self.new_tuple([])
        items = yield from self.g_iterate(self.mem.u32(args))
        return self.new_tuple(items)

    def _list_make_new(self, t, n_args, n_kw, args):
        self._check_args("list", n_args, n_kw, 0, 1)
        if n_args == 0:
            return self.new_list([])
        items = yield from self.g_iterate(self.mem.u32(args))
        return self.new_list(items)

    def _dict_make_new(self, t, n_args, n_kw, args):
        self._check_args("dict", n_args, 0, 0, 0)
        d = self.new_dict()
        for k, v in zip(*[iter(self.mem.words(args, 2 * n_kw))] * 2):
            self.dict_store(d, k, v)
        return d

    # ================================================================== generic operations

    def g_str(self, o):
        """str(o) as a Python string (for print and str())."""
        return (yield from self.g_print(o, False))

    def g_repr(self, o):
        return (yield from self.g_print(o, True))

    def g_print(self, o, as_repr):
        """What MicroPython prints for `o` (str() or repr()), through the `print` slot of
        module types."""
        s = self.str_value(o)
        if s is not None:
            return repr(s) if as_repr else s
        v = self.int_value(o)
        if v is not None:
            return {O.TRUE: "True", O.FALSE: "False"}.get(o, str(v))
        if o == O.NONE:
            return "None"
        x = self.float_value(o)
        if x is not None:
            return repr(x)
        b = self.bytes_value(o)
        if b is not None:
            return repr(b)
        if o in self.host_objs:
            return repr(self.host_objs[o]) if as_repr else str(self.host_objs[o])
        t = self.type_of(o)
        if self.is_exception(o):
            args = self.exception_args(o)
            if not as_repr and len(args) <= 1:
                return (yield from self.g_str(args[0])) if args else ""
            parts = []
            for a in args:
                parts.append((yield from self.g_repr(a)))
            inner = ", ".join(parts) + ("," if len(parts) == 1 else "")
            return f"{self.type_name(t)}({inner})" if as_repr else f"({inner})"
        items = self.seq_items(o)
        if items is not None:
            parts = []
            for a in items:
                parts.append((yield from self.g_repr(a)))
            if t == self.type_tuple:
                return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
            return "[" + ", ".join(parts) + "]"
        if t == self.type_dict:
            parts = []
            for k, v in self.dict_items(o):
                parts.append(f"{(yield from self.g_repr(k))}: {(yield from self.g_repr(v))}")
            return "{" + ", ".join(parts) + "}"
        if t == self.type_type:
            return f"<class '{self.type_name(o)}'>"
        printer = self.slot(t, "print")
        if self.is_native_slot(printer):
            pr = self.alloc(8, "mp_print_t")
            self._print_bufs[pr] = []
            try:
                self.mem.set_words(pr, [pr, self._collect_fn])
                yield from self.g_invoke(printer, [pr, o, 1 if as_repr else 0])
                return "".join(self._print_bufs[pr])
            finally:
                del self._print_bufs[pr]
                self.heap.free(pr)
        return f"<{self.type_name(t)} object at {o:08x}>"

    def _collect_strn(self, data, s, n):
        buf = self._print_bufs.get(data)
        if buf is None:
            raise EmulatorError(f"print_strn with an unknown mp_print_t data word 0x{data:08x}")
        buf.append(self.mem.read(s, n).decode("utf-8", errors="replace"))

    def g_len(self, o):
        r = yield from self.g_len_maybe(o)
        if r is None:
            self.raise_exc("TypeError", f"object of type '{self.obj_type_name(o)}' has no len()")
        return r

    def builtin_len(self, o):
        """len() of a built-in sized object (no module code involved), else None."""
        if o & 7 == 2:
            return len(self.str_value(o))
        if not O.is_pointer(o):
            return None
        if o in self.host_objs:
            try:
                return len(self.host_objs[o])
            except TypeError:
                return None
        if o in self.sets:
            return len(self.sets[o])
        t = self.type_of(o)
        if t == self.type_str:
            return len(self.str_value(o))
        if t == self.type_bytes:
            return self.str_data(o)[1]
        if t in (self.type_tuple, self.type_list):
            return len(self.seq_items(o))
        if t in (self.type_bytearray, self.type_array, self.type_memoryview):
            return self.array_fields(o)[2]
        if t == self.type_dict:
            return len(self.dict_items(o))
        return None

    def is_native_slot(self, fn):
        """Whether slot function `fn` is module code (not one of the runtime's own)."""
        return bool(fn) and self.host_fn_at(fn) is None

    def g_len_maybe(self, o):
        n = self.builtin_len(o)
        if n is not None or not O.is_pointer(o) or o in self.host_objs:
            return n
        unary = self.slot(self.type_of(o), "unary_op")
        if self.is_native_slot(unary):
            r = yield from self.g_invoke(unary, [O.UNARY_LEN, o])
            if r:
                n = yield from self.g_get_int(r)
                if n < 0:
                    self.raise_exc("ValueError", "__len__() should return >= 0")
                return n
        return None

    def builtin_truth(self, o):
        """Truth of a built-in object, else None."""
        if o in (O.FALSE, O.NONE):
            return False
        if o == O.TRUE:
            return True
        v = self.int_value(o)
        if v is not None:
            return v != 0
        x = self.float_value(o)
        if x is not None:
            return x != 0.0
        if O.is_pointer(o) and o in self.host_objs:
            return bool(self.host_objs[o])
        n = self.builtin_len(o)
        return None if n is None else n != 0

    def g_is_true(self, o):
        truth = self.builtin_truth(o)
        if truth is not None:
            return truth
        t = self.type_of(o)
        unary = self.slot(t, "unary_op")
        if self.is_native_slot(unary):
            r = yield from self.g_invoke(unary, [O.UNARY_BOOL, o])
            if r:
                return r == O.TRUE
            r = yield from self.g_invoke(unary, [O.UNARY_LEN, o])
            if r:
                return self.int_value(r) != 0
        return True

    def builtin_unary(self, op, o):
        """`op` on a built-in object, or None if the built-in types do not define it."""
        if op == O.UNARY_BOOL:
            truth = self.builtin_truth(o)
            return None if truth is None else (O.TRUE if truth else O.FALSE)
        if op == O.UNARY_LEN:
            n = self.builtin_len(o)
            return None if n is None else self.new_int(n)
        v = self.int_value(o)
        if v is not None:
            if op == O.UNARY_POSITIVE or op == O.UNARY_INT_MAYBE:
                return self.new_int(v)
            if op == O.UNARY_NEGATIVE:
                return self.new_int(-v)
            if op == O.UNARY_INVERT:
                return self.new_int(~v)
            if op == O.UNARY_ABS:
                return self.new_int(abs(v))
            if op == O.UNARY_HASH:
                return self.new_int(v & 0x3FFFFFFF)
            if op == O.UNARY_FLOAT_MAYBE:
                return self.new_float(float(v))
            return None
        x = self.float_value(o)
        if x is not None:
            if op == O.UNARY_POSITIVE or op == O.UNARY_FLOAT_MAYBE:
                return o
            if op == O.UNARY_NEGATIVE:
                return self.new_float(-x)
            if op == O.UNARY_ABS:
                return self.new_float(abs(x))
            if op == O.UNARY_HASH:
                return self.new_int(hash(x) & 0x3FFFFFFF)
            return None
        if op == O.UNARY_HASH:
            s = self.str_value(o)
            if s is not None:
                return self.new_int(hash(s) & 0x3FFFFFFF)
            b = self.bytes_value(o)
            if b is not None:
                return self.new_int(hash(b) & 0x3FFFFFFF)
        return None

    def g_unary_op(self, op, o):
        """`mp_unary_op`; returns NULL for the *_MAYBE ops when unsupported."""
        if op == O.UNARY_NOT:
            return O.FALSE if (yield from self.g_is_true(o)) else O.TRUE
        if op == O.UNARY_BOOL:
            return O.TRUE if (yield from self.g_is_true(o)) else O.FALSE
        r = self.builtin_unary(op, o)
        if r is not None:
            return r
        if O.is_pointer(o) and o not in self.host_objs:
            unary = self.slot(self.type_of(o), "unary_op")
            if self.is_native_slot(unary):
                r = yield from self.g_invoke(unary, [op, o])
                if r:
                    return r
            if op == O.UNARY_LEN:
                n = yield from self.g_len_maybe(o)
                if n is not None:
                    return self.new_int(n)
        if op in (O.UNARY_INT_MAYBE, O.UNARY_FLOAT_MAYBE, O.UNARY_COMPLEX_MAYBE):
            return O.NULL
        if op == O.UNARY_HASH:
            return self.new_int((o >> 2) & 0x3FFFFFFF)
        name = O.UNARY_OPS[op] if op < len(O.UNARY_OPS) else f"op{op}"
        self.raise_exc("TypeError", f"unsupported type for {name}: '{self.obj_type_name(o)}'")

    def builtin_binary(self, op, a, b):
        """`op` on built-in operands, or None if the built-in types do not define it."""
        if op == O.BINARY_IS:
            return O.TRUE if a == b else O.FALSE
        if op == O.BINARY_EXCEPTION_MATCH:
            t = a if self.is_type(a) else self.type_of(a)
            ok = self.is_type(b) and self.is_subtype(t, b)
            return O.TRUE if ok else O.FALSE
        ia, ib = self.int_value(a), self.int_value(b)
        if ia is not None and ib is not None:
            return self._int_binop(op, ia, ib)
        xa = self.float_value(a) if ia is None else float(ia)
        xb = self.float_value(b) if ib is None else float(ib)
        if xa is not None and xb is not None:
            r = self._float_binop(op, xa, xb)
            if r is not None:
                return r
        if op in (O.BINARY_IN, O.BINARY_CONTAINS):
            container, item = (b, a) if op == O.BINARY_IN else (a, b)
            items = self.seq_items(container)
            if items is None and O.is_pointer(container):
                if container in self.sets:
                    items = self.sets[container]
                elif self.type_of(container) == self.type_dict:
                    items = [k for k, _ in self.dict_items(container)]
            if items is not None:
                return O.TRUE if any(self.keys_equal(x, item) for x in items) else O.FALSE
            sc, si = self.str_value(container), self.str_value(item)
            if sc is not None and si is not None:
                return O.TRUE if si in sc else O.FALSE
            return None
        sa, sb = self.str_value(a), self.str_value(b)
        if sa is not None and sb is not None:
            return self._cmp_or_add(op, sa, sb, self.new_str)
        ba, bb = self.bytes_value(a), self.bytes_value(b)
        if ba is not None and bb is not None:
            return self._cmp_or_add(op, ba, bb, self.new_bytes)
        if op in (O.BINARY_EQUAL, O.BINARY_NOT_EQUAL):
            sa, sb = self.seq_items(a), self.seq_items(b)
            if sa is not None and sb is not None:
                eq = (self.type_of(a) == self.type_of(b) and len(sa) == len(sb)
                      and all(self.keys_equal(x, y) for x, y in zip(sa, sb)))
                return O.TRUE if eq == (op == O.BINARY_EQUAL) else O.FALSE
        return None

    def g_binary_op(self, op, a, b):
        """`mp_binary_op`."""
        r = self.builtin_binary(op, a, b)
        if r is not None:
            return r
        for obj, rev in ((a, False), (b, True)):
            if not O.is_pointer(obj) or obj in self.host_objs:
                continue
            slot = self.slot(self.type_of(obj), "binary_op")
            if not self.is_native_slot(slot):
                continue
            use_op = op
            if rev:
                if O.BINARY_FIRST_ARITH <= op < O.BINARY_DIVMOD:
                    use_op = op - O.BINARY_FIRST_ARITH + O.BINARY_CONTAINS + 1
                else:
                    continue
            r = yield from self.g_invoke(slot, [use_op, obj, a if rev else b])
            if r:
                return r
        if op in (O.BINARY_EQUAL, O.BINARY_NOT_EQUAL):
            return O.TRUE if (a == b) == (op == O.BINARY_EQUAL) else O.FALSE
        name = O.BINARY_OPS[op] if op < len(O.BINARY_OPS) else f"op{op}"
        self.raise_exc("TypeError", f"unsupported types for {name}: "
                                    f"'{self.obj_type_name(a)}', '{self.obj_type_name(b)}'")

    def _cmp_or_add(self, op, x, y, make):
        cmp = {O.BINARY_LESS: x < y, O.BINARY_MORE: x > y, O.BINARY_LESS_EQUAL: x <= y,
               O.BINARY_MORE_EQUAL: x >= y, O.BINARY_EQUAL: x == y, O.BINARY_NOT_EQUAL: x != y}
        if op in cmp:
            return O.TRUE if cmp[op] else O.FALSE
        if op in (O.BINARY_FIRST_ARITH + 5, O.BINARY_INPLACE_FIRST + 5):  # add
            return make(x + y)
        return None

    def _int_binop(self, op, x, y):
        cmp = {O.BINARY_LESS: x < y, O.BINARY_MORE: x > y, O.BINARY_EQUAL: x == y,
               O.BINARY_LESS_EQUAL: x <= y, O.BINARY_MORE_EQUAL: x >= y,
               O.BINARY_NOT_EQUAL: x != y}
        if op in cmp:
            return O.TRUE if cmp[op] else O.FALSE
        if op == O.BINARY_DIVMOD:
            if y == 0:
                self.raise_exc("ZeroDivisionError", "divide by zero")
            return self.new_tuple([self.new_int(x // y), self.new_int(x % y)])
        if O.BINARY_INPLACE_FIRST <= op < O.BINARY_FIRST_ARITH:
            op += O.BINARY_FIRST_ARITH - O.BINARY_INPLACE_FIRST
        k = op - O.BINARY_FIRST_ARITH
        if not 0 <= k < 13:
            self.raise_exc("TypeError", f"unsupported types for {O.BINARY_OPS[op]}: 'int', 'int'")
        name = ("or", "xor", "and", "lshift", "rshift", "add", "sub", "mul", "matmul",
                "floordiv", "truediv", "mod", "pow")[k]
        if name in ("floordiv", "mod", "truediv") and y == 0:
            self.raise_exc("ZeroDivisionError", "divide by zero")
        if name in ("lshift", "rshift") and y < 0:
            self.raise_exc("ValueError", "negative shift count")
        if name == "pow" and y < 0:
            return self.new_float(float(x) ** y)
        if name == "truediv":
            return self.new_float(x / y)
        if name == "matmul":
            self.raise_exc("TypeError", "unsupported types for __matmul__: 'int', 'int'")
        ops = {"or": x | y, "xor": x ^ y, "and": x & y, "add": x + y, "sub": x - y,
               "mul": x * y}
        if name in ops:
            return self.new_int(ops[name])
        return self.new_int({"lshift": lambda: x << y, "rshift": lambda: x >> y,
                             "floordiv": lambda: x // y, "mod": lambda: x % y,
                             "pow": lambda: x ** y}[name]())

    def _float_binop(self, op, x, y):
        cmp = {O.BINARY_LESS: x < y, O.BINARY_MORE: x > y, O.BINARY_EQUAL: x == y,
               O.BINARY_LESS_EQUAL: x <= y, O.BINARY_MORE_EQUAL: x >= y,
               O.BINARY_NOT_EQUAL: x != y}
        if op in cmp:
            return O.TRUE if cmp[op] else O.FALSE
        if O.BINARY_INPLACE_FIRST <= op < O.BINARY_FIRST_ARITH:
            op += O.BINARY_FIRST_ARITH - O.BINARY_INPLACE_FIRST
        k = op - O.BINARY_FIRST_ARITH
        if k in (9, 10, 11) and y == 0:
            self.raise_exc("ZeroDivisionError", "divide by zero")
        f = {5: lambda: x + y, 6: lambda: x - y, 7: lambda: x * y, 9: lambda: float(x // y),
             10: lambda: x / y, 11: lambda: x % y, 12: lambda: x ** y}.get(k)
        return self.new_float(f()) if f else None

    # ---------------------------------------------------------------- attributes

    def bind(self, d0, d1):
        """The value `load_attr` returns for a `load_method` result."""
        if d1 == 0:
            return d0
        a = self.new_obj(self.type_bound_meth, 12, "bound_method")
        self.mem.set_words(a + 4, [d0, d1])
        return a

    def lookup_in_type(self, t, key, _depth=0):
        """Member `key` (a qstr object) in the locals_dict of `t` or its parents."""
        ld = self.slot(t, "locals_dict")
        if ld:
            if self.mem.u32(ld) != self.type_dict:
                raise EmulatorError(f"type {self.type_name(t)}: locals_dict 0x{ld:08x} is not a dict")
            v = self.dict_lookup(ld, key)
            if v is not None:
                return v
        if _depth < 32:
            for p in self.parents(t):
                v = self.lookup_in_type(p, key, _depth + 1)
                if v is not None:
                    return v
        return None

    def g_load_method_maybe(self, obj, attr):
        """`mp_load_method_maybe`: (dest[0], dest[1]) for attribute qstr `attr`;
        (0, 0) if there is none."""
        name = self.qstr_name(attr)
        key = O.new_qstr(attr)
        if obj in self.host_objs:
            return self._host_attr(self.host_objs[obj], name, obj)
        t = self.type_of(obj)
        if name == "__class__":
            return t, 0
        if t == self.type_type:
            if name == "__name__":
                return O.new_qstr(self.mem.u16(obj + O.TYPE_NAME)), 0
            v = self.lookup_in_type(obj, key)
            return (v, 0) if v is not None else (0, 0)
        if t == self.type_module:
            v = self.dict_lookup(self.mem.u32(obj + 4), key)
            return (v, 0) if v is not None else (0, 0)
        attr_slot = self.slot(t, "attr")
        if attr_slot:
            dest = self.alloc(8, "attr dest")
            try:
                yield from self.g_invoke(attr_slot, [obj, attr, dest])
                d0, d1 = self.mem.words(dest, 2)
            finally:
                self.heap.free(dest)
            if d1 != O.SENTINEL:
                return d0, d1
        ld = self.slot(t, "locals_dict")
        if ld:
            member = self.dict_lookup(ld, key)
            if member is not None:
                if O.is_pointer(member) and self.type_flags(self.type_of(member)) & O.TYPE_FLAG_BINDS_SELF:
                    return member, obj
                return member, 0
        return 0, 0

    def raise_attribute_error(self, obj, attr):
        name = self.qstr_name(attr)
        if self.is_type(obj):
            self.raise_exc("AttributeError",
                           f"type object '{self.type_name(obj)}' has no attribute '{name}'")
        self.raise_exc("AttributeError",
                       f"'{self.obj_type_name(obj)}' object has no attribute '{name}'")

    def g_load_method(self, obj, attr):
        d0, d1 = yield from self.g_load_method_maybe(obj, attr)
        if d0 == 0:
            self.raise_attribute_error(obj, attr)
        return d0, d1

    def g_store_attr(self, obj, attr, value):
        name = self.qstr_name(attr)
        if obj in self.host_objs:
            setattr(self.host_objs[obj], name, self.to_host(value))
            return
        t = self.type_of(obj)
        if t == self.type_module:
            self.dict_store(self.mem.u32(obj + 4), O.new_qstr(attr), value)
            return
        attr_slot = self.slot(t, "attr")
        if attr_slot:
            dest = self.alloc(8, "attr dest")
            try:
                self.mem.set_words(dest, [O.SENTINEL, value])
                yield from self.g_invoke(attr_slot, [obj, attr, dest])
                ok = self.mem.u32(dest) == O.NULL
            finally:
                self.heap.free(dest)
            if ok:
                return
        self.raise_exc("AttributeError",
                       f"'{self.type_name(t)}' object has no attribute '{name}'")

    # ---------------------------------------------------------------- host objects

    def host_obj(self, pyobj):
        """The emulator object standing for HostObject `pyobj` (created once)."""
        a = self.host_obj_addr.get(id(pyobj))
        if a is None:
            a = self.new_obj(self.host_type(type(pyobj)), 8, f"host {type(pyobj).__name__}")
            self.host_objs[a] = pyobj
            self.host_obj_addr[id(pyobj)] = a
        return a

    def host_callable(self, fn, name):
        a = self.new_obj(self.type_host_fun, 8, f"host function {name}")
        self.host_callables[a] = (fn, name)
        return a

    def native_host_callable(self, fn, name):
        """A function object of a native function type (`mp_type_fun_builtin_N`, N the
        number of arguments `fn` takes, self included) whose code is Python `fn`."""
        n = len(inspect.signature(fn).parameters)
        if n > 3:
            raise EmulatorError(f"{name}: native host methods take at most 3 arguments")

        def impl(*words):
            try:
                r = fn(*[self.to_host(w) for w in words])
            except MpException as e:
                raise MpRaise(self.exception_from_host(e)) from None
            return self.from_host(r)

        code = self.add_host_fn(name, impl, "w" * n, "w")
        a = self.new_obj(self.type_fun[n], 8, f"native host function {name}")
        self.mem.set_words(a + 4, [code])
        return a

    def _host_attr(self, pyobj, name, addr):
        if name.startswith("_") or not hasattr(pyobj, name):
            return 0, 0
        cls_attr = getattr(type(pyobj), name, None)
        if inspect.isfunction(cls_attr):
            key = (type(pyobj), name)
            cache = self.__dict__.setdefault("_host_method_objs", {})
            if key not in cache:
                label = f"{type(pyobj).__name__}.{name}"
                if name in type(pyobj).native_methods:
                    cache[key] = self.native_host_callable(cls_attr, label)
                else:
                    cache[key] = self.host_callable(cls_attr, label)
            return cache[key], addr
        return self.from_host(getattr(pyobj, name)), 0

    def call_host(self, fn_addr, args, kw):
        fn, name = self.host_callables[fn_addr]
        py_args = [self.to_host(a) for a in args]
        py_kw = {self.str_value(k): self.to_host(v) for k, v in kw}
        if self.engine is not None:
            self.engine.host_calls += 1
        try:
            r = fn(*py_args, **py_kw)
        except MpException as e:
            raise MpRaise(self.exception_from_host(e)) from None
        return self.from_host(r)

    def exception_from_host(self, e):
        t = self.exc_types.get(e.type_name)
        if t is None:
            raise EmulatorError(f"host code raised MpException with unknown type {e.type_name!r}")
        return self.new_exception(t, [self.from_host(a) for a in e.mp_args])

    # conversion hooks, provided by the emulator front end
    def to_host(self, o):  # pragma: no cover - replaced
        raise NotImplementedError

    def from_host(self, v):  # pragma: no cover - replaced
        raise NotImplementedError

    # ---------------------------------------------------------------- calls

    def is_callable(self, o):
        if not O.is_pointer(o):
            return False
        t = self.type_of(o)
        return (t in self.builtin_fun_types or t in (self.type_type, self.type_bound_meth,
                                                     self.type_host_fun, self.type_fun_viper)
                or bool(self.slot(t, "call")))

    def g_call(self, fun, args, kw=()):
        """`mp_call_function_n_kw` with Python lists: `args` words, `kw` (key, value)."""
        args = list(args)
        kw = list(kw)
        if not O.is_pointer(fun):
            self.raise_exc("TypeError", f"'{self.obj_type_name(fun)}' object isn't callable")
        t = self.type_of(fun)
        if t in self.type_fun:
            n = self.type_fun.index(t)
            if kw:
                self.raise_exc("TypeError", "function doesn't take keyword arguments")
            if len(args) != n:
                self.raise_exc("TypeError", f"function takes {n} positional arguments but "
                                            f"{len(args)} were given")
            return (yield from self.g_invoke(self.mem.u32(fun + 4), args))
        if t == self.type_fun_var:
            sig, fn = self.mem.words(fun + 4, 2)
            self.check_num_sig(len(args), len(kw), sig)
            arr = self._args_array(args, kw)
            try:
                if sig & 1:
                    kwmap = self.alloc(12, "kw map")
                    try:
                        flags = O.MAP_ALL_KEYS_ARE_QSTRS | O.MAP_IS_FIXED | O.MAP_IS_ORDERED
                        self.mem.set_words(kwmap, [flags | (len(kw) << 3), len(kw),
                                                   arr + 4 * len(args)])
                        return (yield from self.g_invoke(fn, [len(args), arr, kwmap]))
                    finally:
                        self.heap.free(kwmap)
                return (yield from self.g_invoke(fn, [len(args), arr]))
            finally:
                self._free_args_array(arr)
        if t == self.type_type:
            make_new = self.slot(fun, "make_new")
            if not make_new:
                self.raise_exc("TypeError", f"cannot create '{self.type_name(fun)}' instances")
            arr = self._args_array(args, kw)
            try:
                return (yield from self.g_invoke(make_new, [fun, len(args), len(kw), arr]))
            finally:
                self._free_args_array(arr)
        if t == self.type_bound_meth:
            meth, self_obj = self.mem.words(fun + 4, 2)
            return (yield from self.g_call(meth, [self_obj] + args, kw))
        if t == self.type_host_fun:
            return self.call_host(fun, args, kw)
        if t == self.type_fun_viper:
            raise EmulatorError("calling a viper function object other than at import")
        call = self.slot(t, "call")
        if call:
            arr = self._args_array(args, kw)
            try:
                return (yield from self.g_invoke(call, [fun, len(args), len(kw), arr]))
            finally:
                self._free_args_array(arr)
        self.raise_exc("TypeError", f"'{self.type_name(t)}' object isn't callable")

    def _args_array(self, args, kw):
        words = list(args) + [w for pair in kw for w in pair]
        if not words:
            return 0
        a = self.alloc(4 * len(words), "call arguments")
        self.mem.set_words(a, words)
        return a

    def _free_args_array(self, a):
        if a:
            self.heap.free(a)

    def check_num_sig(self, n_args, n_kw, sig):
        """`mp_arg_check_num_sig`."""
        takes_kw = sig & 1
        lo, hi = sig >> 17, (sig >> 1) & 0xFFFF
        if n_kw and not takes_kw:
            self.raise_exc("TypeError", "function doesn't take keyword arguments")
        if lo == hi:
            if n_args != lo:
                self.raise_exc("TypeError", f"function takes {lo} positional arguments but "
                                            f"{n_args} were given")
        elif n_args < lo:
            self.raise_exc("TypeError", f"function missing {lo - n_args} required positional "
                                        f"arguments")
        elif n_args > hi:
            self.raise_exc("TypeError", f"function expected at most {hi} arguments, got {n_args}")

    # ---------------------------------------------------------------- buffers

    def builtin_buffer(self, o, flags):
        """Buffer of a built-in object: (address, length, typecode), or None."""
        write = flags & O.BUFFER_WRITE
        if o & 7 == 2:
            return None if write else (*self.str_data(o), ord("B"))
        if not O.is_pointer(o) or o in self.host_objs:
            return None
        t = self.type_of(o)
        if t in (self.type_str, self.type_bytes):
            return None if write else (*self.str_data(o), ord("B"))
        if t in (self.type_bytearray, self.type_array, self.type_memoryview):
            typecode, free, n, items = self.array_fields(o)
            size = ARRAY_ITEM[chr(typecode & 0x7F)][1]
            if t == self.type_memoryview:
                if write and not typecode & O.ARRAY_TYPECODE_FLAG_RW:
                    return None
                items += free * size
            return items, n * size, typecode & 0x7F
        return None

    def g_get_buffer(self, o, flags):
        """`mp_get_buffer` without raising: (address, length, typecode) or None."""
        buf = self.builtin_buffer(o, flags)
        if buf is not None or not O.is_pointer(o) or o in self.host_objs:
            return buf
        slot = self.slot(self.type_of(o), "buffer")
        if self.is_native_slot(slot):
            info = self.alloc(12, "buffer info")
            try:
                r = yield from self.g_invoke(slot, [o, info, flags & (O.BUFFER_READ | O.BUFFER_WRITE)])
                buf, n, typecode = self.mem.words(info, 3)
            finally:
                self.heap.free(info)
            if r == 0:
                return buf, n, typecode
        return None

    # ---------------------------------------------------------------- subscripts and iteration

    def g_subscr(self, base, index, value):
        """`mp_obj_subscr`: value SENTINEL loads, NULL deletes, else stores."""
        if O.is_pointer(base) and base not in self.host_objs:
            t = self.type_of(base)
            if t == self.type_dict:
                if value == O.SENTINEL:
                    v = self.dict_lookup(base, index)
                    if v is None:
                        raise MpRaise(self.new_exception(self.exc_types["KeyError"], [index]))
                    return v
                if value == O.NULL:
                    if not self.dict_delete(base, index):
                        raise MpRaise(self.new_exception(self.exc_types["KeyError"], [index]))
                    return O.NONE
                self.dict_store(base, index, value)
                return O.NONE
            if t in (self.type_tuple, self.type_list, self.type_bytes, self.type_str,
                     self.type_bytearray, self.type_array, self.type_memoryview):
                return (yield from self._seq_subscr(base, t, index, value))
            slot = self.slot(t, "subscr")
            if self.is_native_slot(slot):
                r = yield from self.g_invoke(slot, [base, index, value])
                if r:
                    return r
        elif base & 7 == 2:
            return (yield from self._seq_subscr(base, self.type_str, index, value))
        what = {O.SENTINEL: "subscriptable", O.NULL: "support item deletion"}.get(
            value, "support item assignment")
        self.raise_exc("TypeError", f"'{self.obj_type_name(base)}' object isn't {what}"
                       if value == O.SENTINEL else
                       f"'{self.obj_type_name(base)}' object doesn't {what}")

    def _slice_bounds(self, sl, n):
        start, stop, step = self.mem.words(sl + 4, 3)
        conv = []
        for w in (start, stop, step):
            conv.append(None if w == O.NONE else self.int_value(w))
        if conv[2] not in (None, 1):
            self.raise_exc("NotImplementedError", "only slices with step=1 (aka None) are supported")
        return slice(conv[0], conv[1]).indices(n)[:2]

    def _seq_subscr(self, base, t, index, value):
        is_slice = O.is_pointer(index) and self.type_of(index) == self.type_slice
        if t in (self.type_tuple, self.type_list):
            items = self.seq_items(base)
            n = len(items)
        elif t in (self.type_str, self.type_bytes):
            addr, n = self.str_data(base)
            size, typecode = 1, ord("B")
        else:
            typecode, free, n, addr = self.array_fields(base)
            fmt, size = ARRAY_ITEM[chr(typecode & 0x7F)]
            if t == self.type_memoryview:
                addr += free * size
        if is_slice:
            lo, hi = self._slice_bounds(index, n)
            hi = max(lo, hi)
            if value != O.SENTINEL:
                if t == self.type_memoryview and value != O.NULL:
                    src = yield from self.g_get_buffer(value, O.BUFFER_READ)
                    if src is None or src[1] != (hi - lo) * size:
                        self.raise_exc("ValueError", "memoryview slice assignment: lengths differ")
                    if not typecode & O.ARRAY_TYPECODE_FLAG_RW:
                        self.raise_exc("TypeError", "'memoryview' object doesn't support item assignment")
                    self.mem.write(addr + lo * size, self.mem.read(src[0], src[1]))
                    return O.NONE
                raise EmulatorError("slice assignment/deletion is only emulated for memoryview")
            if t == self.type_tuple:
                return self.new_tuple(items[lo:hi])
            if t == self.type_list:
                return self.new_list(items[lo:hi])
            if t == self.type_str:
                return self.new_str(self.str_value(base)[lo:hi])
            if t == self.type_bytes:
                return self.new_bytes(self.mem.read(addr + lo, hi - lo))
            if t == self.type_memoryview:
                m = self.new_obj(self.type_memoryview, 16, "memoryview")
                self.mem.set_words(m + 4, [typecode | ((free + lo) << 8), hi - lo, addr - free * size])
                return m
            return self.new_array_obj(t, typecode, self.mem.read(addr + lo * size, (hi - lo) * size),
                                      self.type_names[t])
        i = yield from self.g_get_int(index, "int")
        if i < 0:
            i += n
        if not 0 <= i < n:
            self.raise_exc("IndexError", f"{self.type_name(t)} index out of range")
        if t in (self.type_tuple, self.type_list):
            if value == O.SENTINEL:
                return items[i]
            if t == self.type_tuple or value == O.NULL:
                self.raise_exc("TypeError", f"'{self.type_name(t)}' object doesn't support item "
                                            f"{'deletion' if value == O.NULL else 'assignment'}")
            _a, _n, store = self.mem.words(base + 4, 3)
            self.mem.set_u32(store + 4 * i, value)
            return O.NONE
        if t == self.type_str:
            if value != O.SENTINEL:
                self.raise_exc("TypeError", "'str' object doesn't support item assignment")
            return self.new_str(self.str_value(base)[i])
        if value == O.SENTINEL:
            raw = self.mem.read(addr + i * size, size)
            return self._item_to_obj(chr(typecode & 0x7F), raw)
        if t == self.type_bytes or value == O.NULL or (
                t == self.type_memoryview and not typecode & O.ARRAY_TYPECODE_FLAG_RW):
            self.raise_exc("TypeError", f"'{self.type_name(t)}' object doesn't support item assignment")
        self.mem.write(addr + i * size, (yield from self._obj_to_item(chr(typecode & 0x7F), value)))
        return O.NONE

    def _item_to_obj(self, tc, raw):
        fmt, _size = ARRAY_ITEM[tc]
        v = struct.unpack("<" + fmt, raw)[0]
        if tc in "fd":
            return self.new_float(v)
        if tc == "O":
            return v
        return self.new_int(v)

    def _obj_to_item(self, tc, o):
        fmt, size = ARRAY_ITEM[tc]
        if tc in "fd":
            return struct.pack("<" + fmt, self.get_float(o))
        if tc == "O":
            return struct.pack("<I", o)
        v = yield from self.g_get_int(o)
        return (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little")

    def new_iterator(self, seq):
        a = self.new_obj(self.type_iterator, 8, "iterator")
        self.iterators[a] = [seq, 0]
        return a

    def g_getiter(self, o):
        if O.is_pointer(o) and (o in self.iterators):
            return o
        if O.is_pointer(o) and o in self.sets:
            return self.new_iterator(o)
        if o & 7 == 2 or (O.is_pointer(o) and o not in self.host_objs and self.type_of(o) in (
                self.type_tuple, self.type_list, self.type_str, self.type_bytes, self.type_dict,
                self.type_bytearray, self.type_array, self.type_memoryview)):
            return self.new_iterator(o)
        if O.is_pointer(o) and o not in self.host_objs:
            t = self.type_of(o)
            it = self.slot(t, "iter")
            flags = self.type_flags(t) & O.TYPE_FLAG_ITER_IS_STREAM
            if not self.is_native_slot(it):
                it = 0
            if it and flags == 0:
                return (yield from self.g_invoke(it, [o, 0]))
            if it and flags == O.TYPE_FLAG_ITER_IS_ITERNEXT:
                return o
        self.raise_exc("TypeError", f"'{self.obj_type_name(o)}' object isn't iterable")

    def g_iternext(self, it):
        """Next item, or STOP_ITERATION (NULL) at the end."""
        state = self.iterators.get(it)
        if state is not None:
            seq, i = state
            if seq in self.sets:
                items = self.sets[seq]
                if i >= len(items):
                    return O.STOP_ITERATION
                state[1] += 1
                return items[i]
            if seq & 7 == 2 or self.type_of(seq) == self.type_str:
                s = self.str_value(seq)
                if i >= len(s):
                    return O.STOP_ITERATION
                state[1] += 1
                return self.new_str(s[i])
            if self.type_of(seq) == self.type_dict:
                keys = [k for k, _ in self.dict_items(seq)]
                if i >= len(keys):
                    return O.STOP_ITERATION
                state[1] += 1
                return keys[i]
            n = yield from self.g_len(seq)
            if i >= n:
                return O.STOP_ITERATION
            state[1] += 1
            return (yield from self.g_subscr(seq, O.new_small_int(i), O.SENTINEL))
        t = self.type_of(it)
        nxt = self.slot(t, "iter")
        if self.is_native_slot(nxt) and self.type_flags(t) & O.TYPE_FLAG_ITER_IS_STREAM == O.TYPE_FLAG_ITER_IS_ITERNEXT:
            return (yield from self.g_invoke(nxt, [it]))
        self.raise_exc("TypeError", f"'{self.type_name(t)}' object isn't an iterator")

    def g_iterate(self, o):
        items = self.seq_items(o)
        if items is not None:
            return items
        it = yield from self.g_getiter(o)
        out = []
        while True:
            x = yield from self.g_iternext(it)
            if x == O.STOP_ITERATION:
                return out
            out.append(x)

    # ================================================================== mp_fun_table

    def _build_fun_table(self):
        self.fun_table_addr = self.mem.reserve_rt_data(4 * 87)
        print_struct = self.mem.reserve_rt_data(8)
        self.plat_print = print_struct
        self.stream_objs = {}
        values = []
        for entry in FUN_TABLE:
            i, name = entry[0], entry[1]
            if name == "const_none":
                v = O.NONE
            elif name == "const_false":
                v = O.FALSE
            elif name == "const_true":
                v = O.TRUE
            elif name == "setjmp":
                v = 0  # NLR is native (nlr_push is the real thing), as on Thumb/RISC-V ports
            elif name == "plat_print":
                v = print_struct
            elif name.startswith("type_"):
                v = {"type_type": self.type_type, "type_str": self.type_str,
                     "type_list": self.type_list, "type_dict": self.type_dict,
                     "type_fun_builtin_0": self.type_fun[0], "type_fun_builtin_1": self.type_fun[1],
                     "type_fun_builtin_2": self.type_fun[2], "type_fun_builtin_3": self.type_fun[3],
                     "type_fun_builtin_var": self.type_fun_var,
                     "type_Exception": self.exc_types["Exception"]}[name]
            elif name.startswith("stream_"):
                fn = self.add_host_fn(f"mp_{name}", self._unsupported_slot(f"mp_{name} (streams)"), "ww")
                v = self.mem.place_rt_data(struct.pack("<III", self.type_fun_var,
                                                       (1 << 17) | (4 << 1), fn))
                self.stream_objs[name] = v
            else:
                args, ret = entry[2], entry[3]
                impl = getattr(self, "fn_" + name, None)
                if impl is None or name in UNSUPPORTED:
                    impl = self._not_emulated(i, name)
                v = self.add_host_fn(name, impl, args.replace("...", ""), ret, entry=i)
            values.append(v)
        self.fun_table = values
        self.mem.set_words(self.fun_table_addr, values)
        print_fn = self.add_host_fn("plat_print.print_strn", self._plat_print_strn, "www", "v")
        self._collect_fn = self.add_host_fn("print_strn (collect)", self._collect_strn, "www", "v")
        self.mem.set_words(print_struct, [0, print_fn])

    def _not_emulated(self, i, name):
        why = UNSUPPORTED.get(name)

        def impl(*_args):
            raise EmulatorError(
                f"module called mp_fun_table[{i}] ({name}), which this runtime does not "
                f"emulate" + (f" ({why})" if why else ""))
        return impl

    def _plat_print_strn(self, data, s, n):
        self.emit(self.mem.read(s, n).decode("utf-8", errors="replace"))

    # entries, in table order

    def fn_native_from_obj(self, o, kind):
        kind &= 0xF
        if kind == O.NATIVE_OBJ:
            return o
        if kind == O.NATIVE_BOOL:
            return 1 if (yield from self.g_is_true(o)) else 0
        if kind in (O.NATIVE_INT, O.NATIVE_UINT):
            return _u32((yield from self.g_get_int(o)))
        buf = yield from self.g_get_buffer(o, O.BUFFER_READ)
        if buf is not None:
            return buf[0]
        return _u32((yield from self.g_get_int(o)))

    def fn_native_to_obj(self, v, kind):
        kind &= 0xF
        if kind == O.NATIVE_OBJ:
            return v
        if kind == O.NATIVE_BOOL:
            return O.TRUE if v else O.FALSE
        if kind == O.NATIVE_INT:
            return self.new_int(_s32(v))
        if kind == O.NATIVE_QSTR:
            if not self.qstrs.exists(v):
                raise EmulatorError(f"native_to_obj({v}, QSTR): there is no qstr number {v} "
                                    f"(a bad qstr-table lookup?)")
            return O.new_qstr(v)
        return self.new_int(_u32(v))

    def fn_swap_globals(self, new):
        if new == 0:
            return 0
        old = self.current_globals
        if old == new:
            return 0
        if self.type_of(new) != self.type_dict:
            raise EmulatorError(f"swap_globals(0x{new:08x}): not a dict")
        self.current_globals = new
        return old

    def _lookup_name(self, q, where):
        key = O.new_qstr(q)
        if self.current_globals:
            v = self.dict_lookup(self.current_globals, key)
            if v is not None:
                return v
        name = self.qstr_name(q)
        if name in self.builtins:
            return self.builtins[name]
        self.raise_exc("NameError", f"name '{name}' isn't defined")

    def fn_load_name(self, q):
        return self._lookup_name(q, "locals")

    def fn_load_global(self, q):
        return self._lookup_name(q, "globals")

    def fn_load_attr(self, base, attr):
        d0, d1 = yield from self.g_load_method(base, attr)
        return self.bind(d0, d1)

    def fn_load_method(self, base, attr, dest):
        d0, d1 = yield from self.g_load_method(base, attr)
        self.mem.set_words(dest, [d0, d1])

    def fn_load_method_maybe(self, base, attr, dest):
        d0, d1 = yield from self.g_load_method_maybe(base, attr)
        self.mem.set_words(dest, [d0, d1])

    def fn_store_name(self, q, o):
        self.fn_store_global(q, o)

    def fn_store_global(self, q, o):
        if not self.current_globals:
            raise EmulatorError("store_global with no current globals")
        self.qstr_name(q)
        self.dict_store(self.current_globals, O.new_qstr(q), o)

    def fn_delete_name(self, q):
        self.fn_delete_global(q)

    def fn_delete_global(self, q):
        if not self.dict_delete(self.current_globals, O.new_qstr(q)):
            self.raise_exc("NameError", f"name '{self.qstr_name(q)}' isn't defined")

    def fn_store_attr(self, base, attr, value):
        yield from self.g_store_attr(base, attr, value)

    def fn_obj_subscr(self, base, index, value):
        return (yield from self.g_subscr(base, index, value))

    def fn_obj_is_true(self, o):
        return 1 if (yield from self.g_is_true(o)) else 0

    def fn_unary_op(self, op, o):
        return (yield from self.g_unary_op(op, o))

    def fn_binary_op(self, op, a, b):
        return (yield from self.g_binary_op(op, a, b))

    def fn_new_tuple(self, n, items):
        return self.new_tuple(self.mem.words(items, n) if items else [0] * n)

    def fn_new_list(self, n, items):
        return self.new_list(self.mem.words(items, n) if items else [0] * n)

    def fn_new_dict(self, n):
        return self.new_dict(n)

    def fn_new_set(self, n, items):
        a = self.new_obj(self.type_set, 8, "set")
        self.sets[a] = []
        for item in self.mem.words(items, n) if n else []:
            self.fn_set_store(a, item)
        return a

    def fn_set_store(self, st, item):
        if st not in self.sets:
            raise EmulatorError(f"set_store on a {self.obj_type_name(st)}")
        if not any(self.keys_equal(x, item) for x in self.sets[st]):
            self.sets[st].append(item)

    def fn_list_append(self, lst, item):
        if self.type_of(lst) != self.type_list:
            raise EmulatorError(f"list_append on a {self.obj_type_name(lst)}")
        self.list_append(lst, item)
        return O.NONE

    def fn_dict_store(self, d, k, v):
        if self.type_of(d) != self.type_dict:
            raise EmulatorError(f"dict_store on a {self.obj_type_name(d)}")
        self.dict_store(d, k, v)
        return d

    def fn_call_function_n_kw(self, fun, n_args_kw, args):
        n_args, n_kw = n_args_kw & 0xFF, (n_args_kw >> 8) & 0xFF
        words = self.mem.words(args, n_args + 2 * n_kw) if n_args + n_kw else []
        kw = list(zip(words[n_args::2], words[n_args + 1::2]))
        return (yield from self.g_call(fun, words[:n_args], kw))

    def fn_call_method_n_kw(self, n_args, n_kw, args):
        words = self.mem.words(args, 2 + n_args + 2 * n_kw)
        meth, self_obj = words[0], words[1]
        rest = words[2:2 + n_args]
        kw_words = words[2 + n_args:]
        kw = list(zip(kw_words[0::2], kw_words[1::2]))
        if self_obj != O.NULL:
            rest = [self_obj] + rest
        return (yield from self.g_call(meth, rest, kw))

    def fn_getiter(self, o, iter_buf):
        return (yield from self.g_getiter(o))

    def fn_iternext(self, it):
        return (yield from self.g_iternext(it))

    def fn_nlr_push(self, buf):
        return self.engine.nlr_push(buf)

    def fn_nlr_pop(self):
        self.engine.nlr_pop()

    def fn_raise(self, o):
        if o in (O.NULL, O.NONE):
            return  # mp_native_raise ignores these
        if self.is_exception_type(o):
            o = yield from self.g_call(o, [])
        raise MpRaise(self.make_raise_obj(o))

    def fn_new_slice(self, start, stop, step):
        a = self.new_obj(self.type_slice, 16, "slice")
        self.mem.set_words(a + 4, [start, stop, step])
        return a

    def fn_unpack_sequence(self, seq, num, items):
        values = yield from self.g_iterate(seq)
        if len(values) != num:
            self.raise_exc("ValueError", f"{'too many' if len(values) > num else 'not enough'} "
                                         f"values to unpack (expected {num})")
        self.mem.set_words(items, list(reversed(values)))

    def fn_arg_check_num_sig(self, n_args, n_kw, sig):
        self.check_num_sig(n_args, n_kw, sig)

    def fn_small_int_floor_divide(self, a, b):
        a, b = _s32(a), _s32(b)
        if b == 0:
            raise EmulatorError("small_int_floor_divide by zero")
        return _u32(a // b)

    def fn_small_int_modulo(self, a, b):
        a, b = _s32(a), _s32(b)
        if b == 0:
            raise EmulatorError("small_int_modulo by zero")
        return _u32(a % b)

    def fn_memset_(self, dst, c, n):
        self._check_span(dst, n, "memset_")
        self.mem.write(dst, bytes([c & 0xFF]) * n)
        return dst

    def fn_memmove_(self, dst, src, n):
        self._check_span(dst, n, "memmove_ destination")
        self._check_span(src, n, "memmove_ source")
        self.mem.write(dst, self.mem.read(src, n))
        return dst

    def _check_span(self, addr, n, what):
        if n and not self.mem.is_mapped(addr, n):
            raise EmulatorError(f"{what}: {n} bytes at 0x{addr:08x} are not all in mapped memory "
                                f"({self.mem.describe(addr)})")

    def fn_realloc_(self, ptr, n, allow_move):
        try:
            return self.heap.realloc(ptr, n, bool(allow_move))
        except KeyError:
            raise EmulatorError(f"realloc_(0x{ptr:08x}, {n}): not the start of a live heap block "
                                f"({self.mem.describe(ptr)})") from None

    def _format(self, fmt, next_word):
        out = []
        i = 0
        while i < len(fmt):
            c = fmt[i]
            if c != "%":
                out.append(c)
                i += 1
                continue
            i += 1
            flags = ""
            while i < len(fmt) and fmt[i] in "-0+ #":
                flags += fmt[i]
                i += 1
            width = ""
            while i < len(fmt) and (fmt[i].isdigit() or fmt[i] == "*"):
                width += str(_s32(next_word())) if fmt[i] == "*" else fmt[i]
                i += 1
            prec = None
            if i < len(fmt) and fmt[i] == ".":
                i += 1
                prec = ""
                while i < len(fmt) and fmt[i].isdigit():
                    prec += fmt[i]
                    i += 1
            while i < len(fmt) and fmt[i] in "lz":
                i += 1
            conv = fmt[i] if i < len(fmt) else "%"
            i += 1
            spec = "%" + flags + width + ("." + prec if prec is not None else "")
            if conv == "%":
                out.append("%")
            elif conv in "di":
                out.append((spec + "d") % _s32(next_word()))
            elif conv in "uxXo":
                out.append((spec + conv.replace("u", "d")) % next_word())
            elif conv == "c":
                out.append((spec + "c") % chr(next_word() & 0xFF))
            elif conv == "p":
                out.append((spec + "x") % next_word())
            elif conv == "s":
                out.append((spec + "s") % self.mem.cstr(next_word()).decode("utf-8", "replace"))
            elif conv == "q":
                out.append((spec + "s") % self.qstr_name(next_word()))
            else:
                raise EmulatorError(f"printf format %{conv} is not emulated")
        return "".join(out)

    def _print_to(self, print_ptr, text):
        if print_ptr == self.plat_print:
            self.emit(text)
            return
        data, fn = self.mem.words(print_ptr, 2)
        raw = text.encode("utf-8")
        tmp = self.alloc(len(raw) + 1, "printf output")
        try:
            self.mem.write(tmp, raw)
            yield from self.g_invoke(fn, [data, tmp, len(raw)])
        finally:
            self.heap.free(tmp)

    def fn_printf_(self, print_ptr, fmt):
        counter = [2]

        def next_word():
            w = self.cpu.variadic_words(counter[0], 1)[0]
            counter[0] += 1
            return w
        text = self._format(self.mem.cstr(fmt).decode("utf-8", "replace"), next_word)
        yield from self._print_to(print_ptr, text)
        return len(text.encode("utf-8"))

    def fn_vprintf_(self, print_ptr, fmt, va):
        ptr = [va]

        def next_word():
            w = self.mem.u32(ptr[0])
            ptr[0] += 4
            return w
        text = self._format(self.mem.cstr(fmt).decode("utf-8", "replace"), next_word)
        yield from self._print_to(print_ptr, text)
        return len(text.encode("utf-8"))

    def fn_raise_msg(self, t, msg):
        if not self.is_type(t):
            raise EmulatorError(f"raise_msg with 0x{t:08x}, which is not a type")
        args = []
        if msg:
            raw = self.mem.cstr(msg)
            if raw.startswith(b"\xff"):
                raise EmulatorError("raise_msg with a compressed message (firmware-only format)")
            args = [self.new_str(raw.decode("utf-8", errors="replace"))]
        exc = yield from self.g_call(t, args)
        raise MpRaise(self.make_raise_obj(exc))

    def fn_obj_get_type(self, o):
        return self.type_of(o)

    def fn_obj_new_str(self, data, n):
        raw = self.mem.read(data, n)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.raise_exc("UnicodeError")
        q = self.qstrs.find(text)
        if q is not None:
            return O.new_qstr(q)  # an existing qstr is returned as such, as the runtime does
        return self.new_str_or_bytes(self.type_str, raw, "str")

    def fn_obj_new_bytes(self, data, n):
        return self.new_bytes(self.mem.read(data, n))

    def fn_obj_new_bytearray_by_ref(self, n, items):
        a = self.new_obj(self.type_bytearray, 16, "bytearray (by reference)")
        self.mem.set_words(a + 4, [O.BYTEARRAY_TYPECODE, n, items])
        return a

    def fn_obj_new_float_from_f(self, x):
        return self.new_float(x)

    def fn_obj_new_float_from_d(self, x):
        return self.new_float(x)

    def fn_obj_get_float_to_f(self, o):
        return self.get_float(o)

    def fn_obj_get_float_to_d(self, o):
        return self.get_float(o)

    def fn_get_buffer(self, o, info, flags):
        buf = yield from self.g_get_buffer(o, flags)
        if buf is None:
            if flags & O.BUFFER_RAISE_IF_UNSUPPORTED:
                self.raise_exc("TypeError", "object with buffer protocol required")
            return 0
        self.mem.set_words(info, list(buf))
        return 1

    def _parse_args(self, n_pos, pos, kw_pairs, n_allowed, allowed, out):
        specs = [(self.mem.u16(allowed + 8 * i), self.mem.u16(allowed + 8 * i + 2),
                  self.mem.u32(allowed + 8 * i + 4)) for i in range(n_allowed)]
        pos_found = kws_found = 0
        values = []
        for i, (q, flags, defval) in enumerate(specs):
            if i < n_pos:
                if flags & O.ARG_KW_ONLY:
                    self.raise_exc("TypeError", "extra positional arguments given")
                pos_found += 1
                given = pos[i]
            else:
                match = [v for k, v in kw_pairs if self.keys_equal(k, O.new_qstr(q))]
                if not match:
                    if flags & O.ARG_REQUIRED:
                        self.raise_exc("TypeError", f"'{self.qstr_name(q)}' argument required")
                    values.append(defval)
                    continue
                kws_found += 1
                given = match[0]
            kind = flags & O.ARG_KIND_MASK
            if kind == O.ARG_BOOL:
                values.append(1 if (yield from self.g_is_true(given)) else 0)
            elif kind == O.ARG_INT:
                values.append(_u32((yield from self.g_get_int(given))))
            else:
                values.append(given)
        if pos_found < n_pos:
            self.raise_exc("TypeError", "extra positional arguments given")
        if kws_found < len(kw_pairs):
            self.raise_exc("TypeError", "extra keyword arguments given")
        self.mem.set_words(out, values)

    def fn_arg_parse_all(self, n_pos, pos, kws, n_allowed, allowed, out):
        kw_pairs = self.map_entries(kws) if kws else []
        yield from self._parse_args(n_pos, self.mem.words(pos, n_pos), kw_pairs, n_allowed,
                                    allowed, out)

    def fn_arg_parse_all_kw_array(self, n_pos, n_kw, args, n_allowed, allowed, out):
        words = self.mem.words(args, n_pos + 2 * n_kw)
        kw_pairs = list(zip(words[n_pos::2], words[n_pos + 1::2]))
        yield from self._parse_args(n_pos, words[:n_pos], kw_pairs, n_allowed, allowed, out)

    def fn_binary_get_size(self, struct_type, val_type, palign):
        tc = chr(val_type & 0xFF)
        if tc not in ARRAY_ITEM:
            raise EmulatorError(f"binary_get_size: typecode {tc!r} is not emulated")
        size = ARRAY_ITEM[tc][1]
        align = size if chr(struct_type & 0xFF) == "@" else 1
        if palign:
            self.mem.set_u32(palign, align)
        return size

    def fn_binary_get_val_array(self, typecode, p, index):
        tc = chr(typecode & 0xFF)
        if tc not in ARRAY_ITEM:
            raise EmulatorError(f"binary_get_val_array: typecode {tc!r} is not emulated")
        size = ARRAY_ITEM[tc][1]
        return self._item_to_obj(tc, self.mem.read(p + size * index, size))

    def fn_binary_set_val_array(self, typecode, p, index, val):
        tc = chr(typecode & 0xFF)
        if tc not in ARRAY_ITEM:
            raise EmulatorError(f"binary_set_val_array: typecode {tc!r} is not emulated")
        size = ARRAY_ITEM[tc][1]
        self.mem.write(p + size * index, (yield from self._obj_to_item(tc, val)))
