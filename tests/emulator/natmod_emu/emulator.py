"""The Python-facing API: load a native module into an emulated firmware and call it.

    emu = Emulator()                       # CPU chosen by the first module loaded
    mod = emu.load("target/mpy/armv6m/_stage.mpy")
    sorted(mod.globals)                    # ['Layer', 'Text', '__file__', '__name__', 'render']
    layer = mod.Layer(1, 1, bank, palette) # Python values in, Python values / Obj handles out
    layer.move(3, 4)
    try:
        mod.render(0, 0, 8, 8, [layer], bytearray(64), recorder, 1)
    except MpException as e:
        print(e.type_name, e.message)
"""

import array
import inspect
from pathlib import Path

from . import mpyfile
from . import objects as O
from .cpu import Cpu
from .engine import Engine
from .errors import EmulatorError, MpException, MpRaise
from .memory import Memory
from .qstr import LAST_STATIC
from .runtime import HostObject, Runtime


class Obj:
    """Handle to an object in emulator memory (anything without a plain Python
    equivalent: module functions and types, instances, bytearrays...)."""

    __slots__ = ("_emu", "addr")

    def __init__(self, emu, addr):
        object.__setattr__(self, "_emu", emu)
        object.__setattr__(self, "addr", addr)

    @property
    def type_name(self):
        return self._emu.rt.obj_type_name(self.addr)

    def __repr__(self):
        return f"<emulated {self.type_name} object at 0x{self.addr:08x}>"

    def __eq__(self, other):
        return isinstance(other, Obj) and other._emu is self._emu and other.addr == self.addr

    def __hash__(self):
        return hash(self.addr)

    def __call__(self, *args, **kwargs):
        return self._emu.call(self, *args, **kwargs)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._emu.getattr(self, name)

    def __setattr__(self, name, value):
        self._emu.setattr(self, name, value)

    def __len__(self):
        return self._emu.len(self)

    def bytes(self):
        """The contents of a buffer object (bytes, bytearray, array, memoryview...)."""
        return self._emu.buffer_bytes(self)

    def resize(self, nbytes, move=True):
        """Resize a bytearray/array in place, like `extend()`/`del b[n:]` (with `move`,
        the data moves to a new heap block and the old one is poisoned)."""
        self._emu.rt.resize_array(self.addr, nbytes, move)


class Module:
    """A loaded native module."""

    def __init__(self, emu, name, path, image, obj, text_addr, bss_addr, init_stats):
        self.emu = emu
        self.name = name
        self.path = path
        self.image = image
        self.obj = obj
        self.text_addr = text_addr
        self.text_size = len(image.text)
        self.bss_addr = bss_addr
        self.bss_size = image.bss_size
        self.init_stats = init_stats

    @property
    def globals_addr(self):
        return self.emu.mem.u32(self.obj + 4)

    @property
    def globals(self):
        """The module's globals as {name: Python value or Obj handle}."""
        rt = self.emu.rt
        out = {}
        for k, v in rt.dict_items(self.globals_addr):
            out[rt.str_value(k)] = self.emu.to_python(v)
        return out

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name):
        rt = self.emu.rt
        v = rt.dict_lookup(self.globals_addr, rt.qstr_obj(name))
        if v is None:
            raise AttributeError(f"module {self.name!r} has no attribute {name!r}")
        return self.emu.to_python(v)

    def __repr__(self):
        return f"<emulated module {self.name!r} ({self.image.arch_name}) from {self.path}>"


class Emulator:
    """One emulated MicroPython firmware (one CPU, heap, stack and runtime).

    `arch` is the firmware architecture (armv6m, armv7m, armv7em, armv7emsp, armv7emdp,
    rv32imc); if omitted, the architecture of the first module loaded.  A Thumb firmware
    also loads modules of lower Thumb architectures, exactly as MicroPython does.
    `budget` is the instruction limit of each top-level call; `profile` keeps how often
    each block of module code ran (`stats.blocks`).
    """

    def __init__(self, arch=None, *, heap_size=16 << 20, stack_size=64 << 10,
                 budget=2_000_000_000, count_instructions=True, echo_print=False, profile=False):
        self.arch = None
        self._opts = dict(heap_size=heap_size, stack_size=stack_size, budget=budget,
                          count_instructions=count_instructions, echo_print=echo_print,
                          profile=profile)
        self.modules = {}
        if arch is not None:
            self._setup(arch)

    def _setup(self, arch):
        o = self._opts
        self.cpu = Cpu(arch)
        self.arch = arch
        self.mem = Memory(self.cpu.uc, o["heap_size"], o["stack_size"])
        self.rt = Runtime(self.cpu, self.mem,
                          print_fn=(lambda s: print(s, end="")) if o["echo_print"] else None)
        self.rt.to_host = self.to_python
        self.rt.from_host = self.from_python
        self.engine = Engine(self.cpu, self.mem, self.rt, o["budget"], o["count_instructions"],
                             o["profile"])
        self.main_globals = self.rt.new_dict(4)
        self.rt.dict_store(self.main_globals, self.rt.qstr_obj("__name__"), self.rt.qstr_obj("__main__"))
        self.rt.current_globals = self.main_globals

    @property
    def stats(self):
        """CallStats of the last top-level call (instructions, stack, runtime calls)."""
        return self.engine.stats

    @property
    def printed(self):
        """Everything module code printed (print(), printf_ to mp_plat_print)."""
        return "".join(self.rt.printed)

    # ------------------------------------------------------------------ loading

    def load(self, path, name=None):
        """Import the native module at `path` as MicroPython does: check the header, load
        the qstr table, copy the text, allocate BSS, relocate, make the text read-only and
        run `mpy_init`.  Returns a Module.  A file the loader would refuse raises
        MpyFormatError (a ValueError) with the loader's message."""
        path = Path(path)
        data = path.read_bytes()
        image = mpyfile.parse(data)
        if self.arch is None:
            self._setup(image.arch_name)
        mpyfile.check_compatible(image, self.cpu.arch_code)
        name = name or path.stem
        rt, mem, heap = self.rt, self.mem, self.mem.heap

        # the module object, which is also the module context (mp_module_context_t)
        globals_dict = rt.new_dict(4)
        rt.dict_store(globals_dict, rt.qstr_obj("__name__"), rt.qstr_obj(name))
        context = rt.new_obj(rt.type_module, 16, f"module {name}")
        # qstr and object tables (mp_module_context_alloc_tables)
        qstr_table = heap.alloc(2 * max(len(image.qstrs), 1), f"{name} qstr table")
        qstr_numbers = []
        for q in image.qstrs:
            if q.text is None:
                # odd-encoded: a static qstr number, used as is by the loader
                if not 1 <= q.static <= LAST_STATIC:
                    raise mpyfile.MpyFormatError(
                        f"qstr table entry encoded as static qstr {q.static}; only 1..{LAST_STATIC} "
                        f"are static (the rest differ between firmwares)", loader_message=None)
                qstr_numbers.append(q.static)
            else:
                qstr_numbers.append(rt.qstrs.intern(q.text))
        for i, qn in enumerate(qstr_numbers):
            mem.set_u16(qstr_table + 2 * i, qn)
        obj_table = heap.alloc(4 * len(image.objs), f"{name} object table") if image.objs else 0
        for i, spec in enumerate(image.objs):
            mem.set_u32(obj_table + 4 * i, self._const_obj(spec))
        mem.set_words(context + 4, [globals_dict, qstr_table, obj_table])

        # text, then BSS (+ rodata after it), then relocation
        text = mem.map_text(len(image.text), f"{path.name}")
        mem.write(text, image.text)
        bss = rodata = 0
        bss_size = (image.bss_size + 3) & ~3
        if bss_size + len(image.rodata):
            bss = heap.alloc(bss_size + len(image.rodata), f"{name} BSS/rodata")
            if not bss:
                raise EmulatorError("heap too small for the module's BSS")
            rodata = bss + bss_size
            mem.write(rodata, image.rodata)
        if image.scope_flags & mpyfile.SCOPE_VIPERRELOC:
            mpyfile.apply_relocations(
                image.relocs, word_size=4, text_addr=text, text_len=len(image.text),
                rodata_addr=rodata, rodata_len=len(image.rodata), bss_addr=bss,
                qstr_table_addr=qstr_table, obj_table_addr=obj_table,
                fun_table_addr=rt.fun_table_addr, fun_table=rt.fun_table,
                read_word=mem.u32, write_word=mem.set_u32)
        mem.protect_text(text, len(image.text))

        # the viper function object mpy_init is called with (mp_obj_fun_bc_t)
        fun = rt.new_obj(rt.type_fun_viper, 16, f"{name} module function")
        mem.set_words(fun + 4, [context, 0, text])
        entry = self.cpu.code_addr(text)  # MICROPY_MAKE_POINTER_CALLABLE

        # import: __file__ is the path imported from; the module's globals are current
        # while mpy_init runs
        rt.dict_store(globals_dict, rt.qstr_obj("__file__"), rt.qstr_obj(str(path)))
        saved = rt.current_globals
        rt.current_globals = globals_dict
        try:
            self._run(rt.g_invoke(entry, [fun, 0, 0, 0]), f"{name}.mpy_init")
        finally:
            rt.current_globals = saved
        module = Module(self, name, path, image, context, text, bss, self.stats)
        self.modules[name] = module
        return module

    def _const_obj(self, spec):
        kind = spec[0]
        rt = self.rt
        if kind == "fun_table":
            return rt.fun_table_addr
        if kind in ("none", "false", "true"):
            return {"none": O.NONE, "false": O.FALSE, "true": O.TRUE}[kind]
        if kind == "str":
            return rt.new_str(spec[1])
        if kind == "bytes":
            return rt.new_bytes(spec[1])
        if kind == "int":
            return rt.new_int(spec[1])
        if kind == "float":
            return rt.new_float(spec[1])
        if kind == "tuple":
            return rt.new_tuple([self._const_obj(s) for s in spec[1]])
        raise EmulatorError(f"constant object of kind {kind} is not emulated")

    # ------------------------------------------------------------------ calls

    def _run(self, gen, name, record=True):
        try:
            return self.engine.run(gen, name, record)
        except MpRaise as e:
            raise self.mp_exception(e.obj) from None

    def _sync(self, gen):
        """Run a runtime generator for a query (attribute, len, str...): inside a Python
        callback (while module code runs) it must not need module code; otherwise it
        runs like a call but leaves `stats` alone."""
        if not self.engine.active:
            return self._run(gen, "query", record=False)
        try:
            req = gen.send(None)
        except StopIteration as stop:
            return stop.value
        except MpRaise as e:
            raise self.mp_exception(e.obj) from None
        raise EmulatorError(f"a host callback needs module code ({req.fn:#x}); not supported")

    def call(self, fun, *args, **kwargs):
        """Call `fun` (an Obj, e.g. a module function or type) with Python arguments.
        Returns a Python value (or Obj handle); a MicroPython exception raises
        MpException.  Python bytearrays and arrays passed in are updated afterwards with
        what the module wrote into their emulated copies."""
        copy_back = []
        f = self.from_python(fun)
        a = [self.from_python(x, copy_back) for x in args]
        kw = [(self.rt.qstr_obj(k), self.from_python(v, copy_back)) for k, v in kwargs.items()]
        try:
            r = self._run(self.rt.g_call(f, a, kw), "call")
        finally:
            self._copy_back(copy_back)
        return self.to_python(r)

    def call_method(self, obj, name, *args, **kwargs):
        """`obj.name(*args)` through `load_method` and `call_method_n_kw`, as module code
        would do it."""
        q = self.rt.qstrs.intern(name)
        d0, d1 = self._sync(self.rt.g_load_method(self.from_python(obj), q))
        return self.call(Obj(self, self.rt.bind(d0, d1)), *args, **kwargs)

    def getattr(self, obj, name):
        q = self.rt.qstrs.intern(name)
        d0, d1 = self._sync(self.rt.g_load_method(self.from_python(obj), q))
        return self.to_python(self.rt.bind(d0, d1))

    def setattr(self, obj, name, value):
        q = self.rt.qstrs.intern(name)
        self._sync(self.rt.g_store_attr(self.from_python(obj), q, self.from_python(value)))

    def str(self, obj):
        """str(obj) as MicroPython prints it (module types through their print slot)."""
        return self._sync(self.rt.g_str(self.from_python(obj)))

    def repr(self, obj):
        return self._sync(self.rt.g_repr(self.from_python(obj)))

    def len(self, obj):
        return self._sync(self.rt.g_len(self.from_python(obj)))

    def buffer_bytes(self, obj):
        buf = self._sync(self.rt.g_get_buffer(self.from_python(obj), O.BUFFER_READ))
        if buf is None:
            raise TypeError(f"{obj!r} has no buffer protocol")
        return self.mem.read(buf[0], buf[1])

    def buffer_info(self, obj, flags=O.BUFFER_READ):
        """(address, length, typecode) as get_buffer would report it, or None."""
        return self._sync(self.rt.g_get_buffer(self.from_python(obj), flags))

    # ------------------------------------------------------------------ values

    def new_bytearray(self, data_or_len):
        """A bytearray in emulator memory (an Obj you can keep, resize and read back)."""
        return Obj(self, self.rt.new_bytearray(bytes(data_or_len)))

    def new_array(self, typecode, values=()):
        """An `array.array(typecode, values)` in emulator memory."""
        raw = array.array(typecode, values).tobytes()
        return Obj(self, self.rt.new_array_obj(self.rt.type_array, ord(typecode), raw, "array"))

    def new_memoryview(self, obj, start=None, stop=None):
        mv = self._sync(self.rt.g_new_memoryview(self.from_python(obj)))
        if start is None and stop is None:
            return Obj(self, mv)
        sl = self.rt.fn_new_slice(self.from_python(start), self.from_python(stop), O.NONE)
        return Obj(self, self._sync(self.rt.g_subscr(mv, sl, O.SENTINEL)))

    def from_python(self, v, copy_back=None):
        """The emulator object for Python value `v`."""
        rt = self.rt
        if v is None:
            return O.NONE
        if v is True:
            return O.TRUE
        if v is False:
            return O.FALSE
        if isinstance(v, Obj):
            if v._emu is not self:
                raise ValueError("object of another emulator")
            return v.addr
        if isinstance(v, HostObject):
            return rt.host_obj(v)
        if isinstance(v, int):
            return rt.new_int(v)
        if isinstance(v, float):
            return rt.new_float(v)
        if isinstance(v, str):
            return rt.new_str(v)
        if isinstance(v, bytes):
            return rt.new_bytes(v)
        if isinstance(v, bytearray):
            a = rt.new_bytearray(v)
            if copy_back is not None:
                copy_back.append((v, a))
            return a
        if isinstance(v, array.array):
            a = rt.new_array_obj(rt.type_array, ord(v.typecode), v.tobytes(), "array")
            if copy_back is not None:
                copy_back.append((v, a))
            return a
        if isinstance(v, tuple):
            return rt.new_tuple([self.from_python(x, copy_back) for x in v])
        if isinstance(v, list):
            return rt.new_list([self.from_python(x, copy_back) for x in v])
        if isinstance(v, dict):
            d = rt.new_dict(len(v))
            for k, x in v.items():
                rt.dict_store(d, self.from_python(k, copy_back), self.from_python(x, copy_back))
            return d
        if callable(v) and (inspect.isfunction(v) or inspect.ismethod(v)):
            return rt.host_callable(v, getattr(v, "__name__", "callback"))
        raise TypeError(f"cannot pass a {type(v).__name__} to emulated code")

    def _copy_back(self, pairs):
        for pyval, a in pairs:
            typecode, _free, n, items = self.rt.array_fields(a)
            if isinstance(pyval, bytearray):
                pyval[:] = self.mem.read(items, n)
            else:
                pyval[:] = array.array(pyval.typecode, self.mem.read(items, n * pyval.itemsize))

    def to_python(self, o):
        """The Python value of emulator object `o`: None, bool, int, float, str, bytes,
        tuple, list, dict, a HostObject, or an Obj handle for anything else (including
        mutable buffers such as bytearray)."""
        rt = self.rt
        if o == O.NULL:
            raise EmulatorError("MP_OBJ_NULL where an object was expected")
        if o == O.NONE:
            return None
        if o == O.TRUE:
            return True
        if o == O.FALSE:
            return False
        v = rt.int_value(o)
        if v is not None:
            return v
        s = rt.str_value(o)
        if s is not None:
            return s
        x = rt.float_value(o)
        if x is not None:
            return x
        if o in rt.host_objs:
            return rt.host_objs[o]
        if o in rt.sets:
            items = [self.to_python(x) for x in rt.sets[o]]
            try:
                return set(items)
            except TypeError:
                return items
        if not O.is_pointer(o):
            raise EmulatorError(f"0x{o:08x} is not an object")
        t = rt.type_of(o)
        if t == rt.type_bytes:
            return rt.bytes_value(o)
        if t == rt.type_tuple:
            return tuple(self.to_python(x) for x in rt.tuple_items(o))
        if t == rt.type_list:
            return [self.to_python(x) for x in rt.list_items(o)]
        if t == rt.type_dict:
            return {self.to_python(k): self.to_python(x) for k, x in rt.dict_items(o)}
        return Obj(self, o)

    def mp_exception(self, obj):
        """An MpException describing exception object `obj`."""
        rt = self.rt
        args = []
        for a in rt.exception_args(obj) if rt.is_exception(obj) else []:
            try:
                args.append(self.to_python(a))
            except EmulatorError:
                args.append(f"<object 0x{a:08x}>")
        e = MpException(rt.obj_type_name(obj), *args)
        e.obj = obj
        return e
