"""Checks of the harness itself: the .mpy reader, the relocation engine, the heap, the
runtime table, and hand-assembled modules that must fail in precise ways."""

import crafted
from checks import expect, expect_emulator_error, expect_equal, expect_raises
from natmod_emu import Emulator, FUN_TABLE_NAMES, MpyFormatError, parse_mpy
from natmod_emu import mpyfile
from natmod_emu.memory import Memory, FREE_POISON
from natmod_emu.qstr import STATIC_QSTRS
from natmod_emu.runtime import UNSUPPORTED
from unicorn import Uc, UC_ARCH_ARM, UC_MODE_THUMB


def _expect_format_error(data, *fragments):
    try:
        image = parse_mpy(data)
        mpyfile.check_compatible(image, mpyfile.ARCH_CODES["armv6m"])
    except MpyFormatError as e:
        for f in fragments:
            expect(f in str(e), f"{str(e)!r} does not mention {f!r}")
        return e
    raise AssertionError("accepted")


def reader_checks():
    def uints():
        r = mpyfile._Reader(bytes([0x8A, 0x02, 0x81, 0x20, 0x05]))
        expect_equal([r.uint("x"), r.uint("x"), r.uint("x")], [1282, 160, 5], "uint decoding")
        expect_equal(crafted.uint(1282), b"\x8a\x02", "uint encoding")

    def qstrs():
        expect_equal(len(STATIC_QSTRS), 165, "static qstrs")
        expect_equal((STATIC_QSTRS[0], STATIC_QSTRS[1], STATIC_QSTRS[54], STATIC_QSTRS[85],
                      STATIC_QSTRS[161], STATIC_QSTRS[164]),
                     ("", "__dir__", "ValueError", "get", "value", "zip"), "static qstr numbering")
        text, relocs = crafted.program("armv6m", "return_none")
        image = parse_mpy(crafted.mpy("armv6m", text, qstrs=("m.mpy", 55, "write", 164)))
        expect_equal([(q.static, q.text) for q in image.qstrs],
                     [(None, "m.mpy"), (55, None), (None, "write"), (164, None)], "qstr table")

    def header_errors():
        text, _ = crafted.program("armv6m", "return_none")
        good = crafted.mpy("armv6m", text)
        _expect_format_error(b"X" + good[1:], "incompatible .mpy file", "magic")
        _expect_format_error(good[:1] + b"\x05" + good[2:], "incompatible .mpy file", "version 5")
        _expect_format_error(crafted.mpy("armv6m", text, sub_version=2), "incompatible .mpy file")
        _expect_format_error(crafted.mpy("armv6m", text, small_int_bits=63),
                             "incompatible .mpy file", "63-bit")
        _expect_format_error(crafted.mpy("armv7m", text), "incompatible .mpy arch")
        _expect_format_error(crafted.mpy("x64", text), "incompatible .mpy arch")
        _expect_format_error(good[:-3], "file ends")
        _expect_format_error(good[:2] + bytes([0x03, 31]) + good[4:], "bytecode")

    def relocations():
        # text: 8 words, rodata: 2 words; check every destination kind
        mem = {}
        text, rodata = 0x1000, 0x2000
        for i in range(8):
            mem[text + 4 * i] = 0x10 * i
        mem[rodata], mem[rodata + 4] = 1, 2
        table = [0xAAAA0000 + i for i in range(87)]
        stream = crafted.reloc_stream([(0, 0, 3), (None, 2, 1), (4, 6, 1), (None, 7, 1),
                                       (6, 8, 1), (None, 9 + 78, 1)])
        # a record pointing into rodata (position bit 0 = 1): op 1 (rodata), count 2
        stream = stream[:-1] + bytes([(1 << 1 | 1) << 1 | 1]) + crafted.uint(1) + crafted.uint(2) + b"\xff"
        relocs = mpyfile._read_relocs(mpyfile._Reader(stream))
        changed = mpyfile.apply_relocations(
            relocs, word_size=4, text_addr=text, text_len=32, rodata_addr=rodata, rodata_len=8,
            bss_addr=0x3000, qstr_table_addr=0x4000, obj_table_addr=0x5000,
            fun_table_addr=0x6000, fun_table=table, read_word=mem.__getitem__,
            write_word=mem.__setitem__)
        want = [text + 0, text + 0x10, text + 0x20, 0x3000 + 0x30, 0x4000 + 0x40, 0x5000 + 0x50,
                0x6000 + 0x60, table[78] + 0x70]
        expect_equal([mem[text + 4 * i] for i in range(8)], want, "relocated text words")
        expect_equal([mem[rodata], mem[rodata + 4]], [rodata + 1, rodata + 2], "relocated rodata")
        expect_equal(len(changed), 10, "words changed")
        for bad, what in ((crafted.reloc_stream([(None, 0, 1)]), "no position"),
                          (crafted.reloc_stream([(7, 0, 2)]), "text, which has 32 bytes"),
                          (crafted.reloc_stream([(0, 9 + 87, 1)]), "mp_fun_table[87]")):
            try:
                mpyfile.apply_relocations(
                    mpyfile._read_relocs(mpyfile._Reader(bad)), word_size=4, text_addr=text,
                    text_len=32, rodata_addr=0, rodata_len=0, bss_addr=0, qstr_table_addr=0,
                    obj_table_addr=0, fun_table_addr=0, fun_table=table,
                    read_word=mem.__getitem__, write_word=mem.__setitem__)
            except MpyFormatError as e:
                expect(what in str(e), f"{e} does not mention {what!r}")
            else:
                raise AssertionError(f"bad relocation stream accepted ({what})")

    def heap():
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB)
        mem = Memory(uc, 64 * 1024, 4096)
        h = mem.heap
        a = h.alloc(10)
        mem.write(a, b"\x11" * 16)
        b = h.alloc(40)
        expect(a and b and b == a + 16, "16-byte granules, first fit")
        expect_equal(h.alloc(0), 0, "alloc(0)")
        expect_equal(h.realloc(a, 16, False), a, "shrink/keep in place")
        expect_equal(h.realloc(a, 64, False), 0, "grow without move when the next block is used")
        c = h.realloc(a, 64, True)
        expect(c not in (0, a), "grow with move")
        expect_equal(mem.read(c, 16), b"\x11" * 16, "data moved")
        expect_equal(mem.read(c + 16, 48), bytes(48), "new memory zeroed")
        expect_equal(mem.read(a, 4), bytes([FREE_POISON]) * 4, "freed memory poisoned")
        expect_equal(h.realloc(b, 0, False), 0, "free with n=0")
        d = h.alloc(48)
        expect_equal(d, a, "freed ranges coalesce and are reused")
        e = h.realloc(d, 56, False)
        expect_equal(e, d, "grow in place into a free neighbour")
        try:
            h.realloc(d + 16, 8, True)
        except KeyError:
            pass
        else:
            raise AssertionError("realloc of an interior pointer accepted")
        expect_equal(h.alloc(1 << 20), 0, "out of memory is NULL")

    def runtime_entries():
        import array
        from natmod_emu import Obj
        from natmod_emu import objects as O
        emu = Emulator("armv6m")
        rt = emu.rt
        # get_buffer: typecodes and the write flag
        b = Obj(emu, emu.from_python(b"abc"))
        ba = emu.new_bytearray(b"xyz")
        arr = emu.new_array("H", [1, 2, 3])
        mv = emu.new_memoryview(b)
        expect_equal(emu.buffer_info(b)[1:], (3, ord("B")), "bytes buffer")
        expect_equal(emu.buffer_info(b, O.BUFFER_WRITE), None, "bytes are read-only")
        expect_equal(emu.buffer_info(ba, O.BUFFER_WRITE)[1:], (3, 1), "bytearray buffer (typecode 1)")
        expect_equal(emu.buffer_info(arr)[1:], (6, ord("H")), "array('H') buffer")
        expect_equal(emu.buffer_info(mv, O.BUFFER_WRITE), None, "memoryview of bytes is read-only")
        expect_equal(emu.buffer_info(Obj(emu, rt.qstr_obj("len")))[1:], (3, ord("B")), "qstr buffer")
        expect_equal(emu.buffer_info(5), None, "int has no buffer")
        # native_to_obj / native_from_obj
        to, frm = rt.fn_native_to_obj, lambda o, k: _drive(rt.fn_native_from_obj(o, k))
        expect_equal(emu.to_python(to(0xFFFFFFFF, O.NATIVE_INT)), -1, "to_obj(INT)")
        expect_equal(emu.to_python(to(0xFFFFFFFF, O.NATIVE_UINT)), 2 ** 32 - 1, "to_obj(UINT)")
        expect_equal((to(0, O.NATIVE_BOOL), to(7, O.NATIVE_BOOL)), (O.FALSE, O.TRUE), "to_obj(BOOL)")
        expect_equal(emu.to_python(to(55, O.NATIVE_QSTR)), "ValueError", "to_obj(QSTR)")
        expect_equal(frm(emu.from_python(2 ** 40 + 3), O.NATIVE_INT), 3, "from_obj(INT) truncates")
        expect_equal(frm(emu.from_python(-2), O.NATIVE_UINT), 0xFFFFFFFE, "from_obj(UINT)")
        expect_equal(frm(emu.from_python([]), O.NATIVE_BOOL), 0, "from_obj(BOOL)")
        expect_equal(frm(ba.addr, O.NATIVE_PTR), emu.buffer_info(ba)[0], "from_obj(PTR) of a buffer")
        # realloc_, memset_, memmove_
        p = rt.fn_realloc_(0, 10, 0)
        expect(p and emu.mem.read(p, 10) == bytes(10), "realloc_ allocates zeroed memory")
        rt.fn_memset_(p, 0x41, 4)
        rt.fn_memmove_(p + 2, p, 4)
        expect_equal(emu.mem.read(p, 6), b"AAAAAA", "memset_/memmove_")
        expect_equal(rt.fn_realloc_(p, 0, 0), 0, "realloc_ frees with n=0")
        # dicts through the table, as a module fills a locals_dict
        d = rt.fn_new_dict(0)
        for i in range(10):
            expect_equal(rt.fn_dict_store(d, rt.qstr_obj(f"k{i}"), O.new_small_int(i)), d, "dict_store")
        expect_equal(emu.to_python(d), {f"k{i}": i for i in range(10)}, "dict contents")
        expect_equal(emu.to_python(rt.fn_new_list(0, 0)), [], "empty list")
        expect_equal(rt.tuple_items(rt.fn_new_tuple(2, 0)), [0, 0], "new_tuple(n, NULL) has NULL items")
        # arg_check_num_sig
        sig = (1 << 17) | (2 << 1)
        rt.fn_arg_check_num_sig(1, 0, sig)
        for n, kw, msg in ((0, 0, "function missing 1 required positional arguments"),
                           (3, 0, "function expected at most 2 arguments, got 3"),
                           (1, 1, "function doesn't take keyword arguments")):
            try:
                rt.fn_arg_check_num_sig(n, kw, sig)
            except Exception as e:  # noqa: BLE001 - MpRaise
                expect_equal(emu.mp_exception(e.obj).message, msg, "arg_check_num_sig message")
            else:
                raise AssertionError(f"arg_check_num_sig({n}, {kw}) accepted")
        expect_equal(emu.to_python(_drive(rt.g_call(rt.builtins["len"], [emu.from_python("abc")]))),
                     3, "calling the builtin len")
        exc = _drive(rt.g_call(rt.exc_types["ValueError"], [emu.from_python("bad")]))
        expect_equal((rt.obj_type_name(exc), emu.mp_exception(exc).message), ("ValueError", "bad"),
                     "exception made by calling its type")
        expect_equal(array.array("H", emu.buffer_bytes(arr)).tolist(), [1, 2, 3], "array contents")

    yield "uint encoding (docs/natmod.md examples)", uints
    yield "runtime entries: buffers, conversions, memory, dicts, argument checks", runtime_entries
    yield "qstr table: static (odd) and literal entries", qstrs
    yield "header checks give the loader's messages", header_errors
    yield "relocation kinds 0-2 (with counts), 6, 7, 8, 9+i; bad streams", relocations
    yield "heap: zeroed alloc, free with n=0, resize in place / move / NULL", heap


def crafted_checks(ctx, arch):
    tmp = ctx.build_dir / "crafted" / arch
    tmp.mkdir(parents=True, exist_ok=True)

    def build(name, *args, hdr=None, qstrs=("crafted.mpy",), **kw):
        text, relocs = crafted.program(arch, name, *args)
        path = tmp / f"{name}.mpy"
        path.write_bytes(crafted.mpy(hdr or arch, text, qstrs=qstrs, relocs=relocs, **kw))
        return path

    def table():
        emu = Emulator(arch)
        words = emu.mem.words(emu.rt.fun_table_addr, 87)
        expect_equal(words[:3], [0x06, 0x0E, 0x1E], "const_none/false/true")
        for i, (name, w) in enumerate(zip(FUN_TABLE_NAMES, words)):
            if name == "setjmp":
                expect_equal(w, 0, "setjmp (native NLR)")
            else:
                expect(w != 0, f"mp_fun_table[{i}] ({name}) is NULL")
        missing = [n for n in FUN_TABLE_NAMES
                   if n not in UNSUPPORTED and not hasattr(emu.rt, "fn_" + n)
                   and not n.startswith(("const_", "type_", "stream_")) and n not in ("setjmp", "plat_print")]
        expect_equal(missing, [], "table functions without an implementation")

    def loads():
        path = build("return_none")
        mod = Emulator(arch).load(path)
        expect_equal(sorted(mod.globals), ["__file__", "__name__"], "globals")
        expect_equal((mod.globals["__name__"], mod.globals["__file__"]), ("return_none", str(path)),
                     "__name__, __file__")

    def static_qstr():
        emu = Emulator(arch)
        expect_raises("ValueError", emu.load, build("static_qstr_raise", qstrs=("crafted.mpy", 55)))
        expect_raises("TypeError", Emulator(arch).load,
                      build("static_qstr_raise", qstrs=("crafted.mpy", "TypeError")))

    def unemulated_entry():
        expect_emulator_error(lambda: Emulator(arch).load(build("call_entry", 8)),
                              "mp_fun_table[8]", "load_build_class")
        expect_emulator_error(lambda: Emulator(arch).load(build("call_entry", 66)),
                              "mp_fun_table[66]", "get_stream_raise")

    def budget():
        e = expect_emulator_error(lambda: Emulator(arch, budget=100_000).load(build("loop")),
                                  "instruction budget", "loop.mpy+0x0")
        return str(e).split(":")[0]

    def write_text():
        expect_emulator_error(lambda: Emulator(arch).load(build("write_text")),
                              "write-protected", "write_text.mpy+0x")

    def null_read():
        expect_emulator_error(lambda: Emulator(arch).load(build("null_read")), "near NULL")

    yield "mp_fun_table fully populated", table
    yield "minimal module loads (globals, __file__)", loads
    yield "odd-encoded static qstr in the qstr table", static_qstr
    yield "unemulated table entry fails loudly, named", unemulated_entry
    yield "endless loop stops at the instruction budget", budget
    yield "module writing to its text faults", write_text
    yield "NULL dereference faults", null_read
    if arch == "armv6m":
        def thumb2():
            path = build("thumb2")
            expect_emulator_error(lambda: Emulator("armv6m").load(path), "Thumb-2", "thumb2.mpy+0x0")
            Emulator("armv7m").load(build("thumb2", hdr="armv7m"))
        yield "Thumb-2 instruction in an armv6m module faults (runs on armv7m)", thumb2
    if arch != "rv32imc":
        def fpu():
            has = {"armv6m": (False, False), "armv7m": (False, False),
                   "armv7emsp": (True, False), "armv7emdp": (True, True)}[arch]
            for prog, present in zip(("vfp_single", "vfp_double"), has):
                path = build(prog)
                if present:
                    Emulator(arch).load(path)
                else:
                    expect_emulator_error(lambda: Emulator(arch).load(path), "CPU fault", prog)
            return "FPU: " + {(False, False): "none", (True, False): "single precision",
                              (True, True): "double precision"}[has]
        yield "FPU instructions as the core has them", fpu
    if arch == "rv32imc":
        def arch_flags():
            Emulator(arch).load(build("return_none", arch_flags=0))
            try:
                Emulator(arch).load(build("return_none", arch_flags=1))
            except MpyFormatError as e:
                expect("incompatible .mpy file" in str(e), str(e))
            else:
                raise AssertionError("arch flags 1 (Zba) accepted")
        yield "rv32imc architecture flags", arch_flags


# ---------------------------------------------------------------------------- fixture

def fixture_checks(ctx, arch, path):
    state = {}

    def need():
        if "mod" not in state:
            raise AssertionError("fixture not loaded")
        return state["emu"], state["mod"]

    def load():
        if not path.exists():
            raise AssertionError(f"{path} missing (fixture build failed?)")
        emu = Emulator()
        mod = emu.load(path)
        state.update(emu=emu, mod=mod)
        expect_equal(sorted(mod.globals), ["__file__", "__name__", "calls", "f", "greeting", "scale"],
                     "globals")
        expect_equal(emu.cpu.model.arch, arch, "emulated firmware architecture")
        return f"{emu.cpu.model.model_name}, init {mod.init_stats.instructions} insns"

    def values():
        emu, mod = need()
        expect_equal((mod.f(21), mod.f(-3)), (42, -6), "f")
        expect_equal(mod.calls(), 2, "calls() (state in BSS)")
        expect_equal(mod.f(2 ** 30), -(2 ** 31), "f(2**30) wraps to a big int")
        expect_equal(mod.f(2 ** 40 + 5), 10, "big int argument truncated")
        expect_equal(mod.f(True), 2, "bool argument")
        expect_equal(mod.calls(), 5, "calls()")
        expect_equal(mod.greeting, "hello from Rust", "greeting (qstr object)")

    def floats():
        emu, mod = need()
        expect_equal(mod.scale(2), 5.0, "scale(2)")
        expect_equal(mod.scale(1.5), 3.75, "scale(1.5)")
        expect_equal(mod.scale(-4), -10.0, "scale(-4)")
        expect_raises("TypeError", mod.scale, "x")

    def errors():
        emu, mod = need()
        expect_raises("TypeError", mod.f, "x", message="can't convert str to int")
        expect_raises("TypeError", mod.f)
        expect_raises("TypeError", mod.f, 1, 2)
        expect_raises("TypeError", mod.calls, 1)
        expect_raises("TypeError", mod.f, x=1)

    yield "load (globals, CPU model)", load
    yield "f / calls / greeting (ints, BSS state, qstr)", values
    yield "scale (float arguments and results in this ABI)", floats
    yield "argument errors", errors

    def cross():
        from natmod_emu import mpyfile as mf
        others = ctx.fixture_paths
        if arch == "armv6m":
            for fw in ("armv7m", "armv7emsp", "armv7emdp"):
                expect_equal(Emulator(fw).load(path).f(4), 8, f"armv6m module on {fw} firmware")
        elif arch in ("armv7m", "armv7emsp", "armv7emdp"):
            try:
                Emulator("armv6m").load(path)
            except mf.MpyFormatError as e:
                expect("incompatible .mpy arch" in str(e), str(e))
            else:
                raise AssertionError(f"{arch} module accepted by armv6m firmware")
        else:
            try:
                Emulator("armv7emdp").load(path)
            except mf.MpyFormatError as e:
                expect("incompatible .mpy arch" in str(e), str(e))
            else:
                raise AssertionError("rv32imc module accepted by Thumb firmware")
        x64 = others.get("x64")
        if x64 is not None and x64.exists():
            try:
                Emulator(arch).load(x64)
            except mf.MpyFormatError as e:
                expect("incompatible .mpy arch" in str(e), str(e))
            else:
                raise AssertionError("x64 module accepted")
    yield "architecture compatibility (Thumb range, exact otherwise)", cross


def _drive(gen):
    """Run a runtime generator that needs no module code."""
    import inspect
    if not inspect.isgenerator(gen):
        return gen
    try:
        req = gen.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError(f"unexpected call into module code: {req!r}")
