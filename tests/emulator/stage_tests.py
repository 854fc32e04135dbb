"""Checks of `_stage.mpy`: registration, conformance cases rendered byte for byte, and
the error paths of the contract (docs/stage-format.md, "Decisions").

A conformance case maps to `_stage` calls exactly as tests/conformance/README.md says:

    Layer(width, height, graphic, palette[, map]); .move(x, y); .frame(frame, rotation)
    Text(width, height, font, palette, chars); .move(x, y)
    mp: render(x0, y0, x1, y1, layers, bytearray(buffer_len), out, scale)
    cp: render(x0, y0, x1, y1, layers, bytearray(buffer_len), out, scale, vx, vy, 0)

`out` is a Python-side object whose `write(chunk)` records every chunk: a native function
(as `machine.SPI.write` is on a board) for the conformance cases, and Python code in the
cases that check what a Python `write()` may do.
"""

import array
import hashlib
import json

from natmod_emu import Emulator, HostObject, MpException, Obj

from checks import Skip, expect, expect_equal, expect_raises


class Recorder(HostObject):
    """`output` for render(): collects the chunks handed to write()."""
    mp_type_name = "Recorder"

    def __init__(self):
        self.chunks = []

    def write(self, chunk):
        self.chunks.append(chunk.bytes() if isinstance(chunk, Obj) else bytes(chunk))

    @property
    def stream(self):
        return b"".join(self.chunks)


class SpiRecorder(Recorder):
    """A `Recorder` whose `write` is a native function, as `machine.SPI.write` is."""
    mp_type_name = "SpiRecorder"
    native_methods = ("write",)


class FailingWriter(Recorder):
    """write() raises OSError on call number `fail_at` (1-based)."""
    mp_type_name = "FailingWriter"

    def __init__(self, fail_at):
        super().__init__()
        self.fail_at = fail_at

    def write(self, chunk):
        super().write(chunk)
        if len(self.chunks) == self.fail_at:
            raise MpException("OSError", "bus error during write")


class ResizingWriter(Recorder):
    """write() resizes the render buffer (moving its data to a new heap block and
    poisoning the old one), alternately growing and shrinking it."""
    mp_type_name = "ResizingWriter"

    def __init__(self, buffer, sizes):
        super().__init__()
        self.buffer = buffer
        self.sizes = list(sizes)
        self.buffer_len_at_write = []

    def write(self, chunk):
        super().write(chunk)
        self.buffer_len_at_write.append(len(self.buffer))
        if self.sizes:
            self.buffer.resize(self.sizes.pop(0))


class NoWrite(HostObject):
    """An output object without a write method."""
    mp_type_name = "NoWrite"


# ------------------------------------------------------------------------ cases

def load_conformance(path):
    with open(path) as f:
        data = json.load(f)
    if data.get("format") != "stage-conformance-1":
        raise ValueError(f"{path}: not a stage-conformance-1 file")
    assets = {k: bytes.fromhex(v) for k, v in data["assets"].items()}
    return assets, data["cases"]


def case_features(case):
    """What a case exercises (an empty render exercises nothing but that)."""
    r = case["render"]
    if case["expect"]["bytes"] == 0:
        return {"empty"}
    f = {case["variant"], f"buffer{r['buffer_len']}"}
    if case["variant"] == "cp" and (r["vx"], r["vy"]) != (0, 0):
        f.add("viewport")
    f.add(f"scale{r['scale']}")
    if r["buffer_len"] % 2:
        f.add("odd-buffer")
    n = len(case["layers"])
    f.add("1 layer" if n == 1 else "2-4 layers" if n <= 4 else "5-8 layers" if n <= 8 else "9+ layers")
    for L in case["layers"]:
        if L["type"] == "Text":
            f.add("text")
            continue
        f.add("sprite" if L["map"] is None else "grid")
        rot = L["rotation"]
        f.add("rotation>=8" if rot >= 8 else f"rotation{rot}")
    return f


def select_cases(cases, n=8):
    """A small, diverse subset: greedily the case covering most features not yet
    covered, the shorter stream on ties; deterministic."""
    chosen = []
    covered = set()
    pool = list(cases)
    while pool and len(chosen) < n:
        best = max(pool, key=lambda c: (len(case_features(c) - covered),
                                        -c["expect"]["bytes"], c["id"]))
        chosen.append(best)
        covered |= case_features(best)
        pool.remove(best)
    return sorted(chosen, key=lambda c: c["id"])


class Scene:
    """The layers of one case built in one emulator, with buffers of varied kinds."""

    def __init__(self, emu, mod, case, assets, kind, conv=None):
        self.emu = emu
        self.layers = []
        conv = conv or self._converter(emu, kind)
        for L in case["layers"]:
            if L["type"] == "Layer":
                args = [L["width"], L["height"], conv(assets[L["graphic"]], "graphic"),
                        conv(assets[L["palette"]], "palette")]
                if L["map"] is not None:
                    args.append(conv(bytes.fromhex(L["map"]), "map"))
                layer = mod.Layer(*args)
                layer.move(L["x"], L["y"])
                layer.frame(L["frame"], L["rotation"])
            elif L["type"] == "Text":
                layer = mod.Text(L["width"], L["height"], conv(assets[L["font"]], "font"),
                                 conv(assets[L["palette"]], "palette"),
                                 conv(bytes.fromhex(L["chars"]), "chars"))
                layer.move(L["x"], L["y"])
            else:
                raise ValueError(f"unknown layer type {L['type']!r}")
            self.layers.append(layer)

    @staticmethod
    def _converter(emu, kind):
        """How buffers are passed, by `kind`: 0 all bytes; 1 palettes as array('H'),
        maps and chars as bytearray; 2 graphics/fonts as memoryview(bytes), palettes as
        bytearray, maps and chars as array('B')."""
        cache = {}

        def conv(data, role):
            key = (data, role)
            if key in cache:
                return cache[key]
            if kind == 1 and role == "palette":
                v = emu.new_array("H", array.array("H", data))
            elif kind == 1 and role in ("map", "chars"):
                v = emu.new_bytearray(data)
            elif kind == 2 and role in ("graphic", "font"):
                v = emu.new_memoryview(Obj(emu, emu.from_python(data)))
            elif kind == 2 and role == "palette":
                v = emu.new_bytearray(data)
            elif kind == 2 and role in ("map", "chars"):
                v = emu.new_array("B", data)
            else:
                v = Obj(emu, emu.from_python(data))  # one bytes object, shared
            cache[key] = v
            return v
        return conv


def render_args(case, layers, buffer, out):
    r = case["render"]
    args = [r["x0"], r["y0"], r["x1"], r["y1"], layers, buffer, out, r["scale"]]
    if case["variant"] == "cp":
        args += [r["vx"], r["vy"], 0]
    return args


def check_stream(case, rec, what="stream"):
    exp = case["expect"]
    stream = rec.stream
    sizes = [len(c) for c in rec.chunks]
    expect_equal(len(stream), exp["bytes"], f"{what} length")
    expect(hashlib.sha256(stream).hexdigest() == exp["sha256"],
           f"{what} SHA-256 differs ({len(stream)} bytes, first chunk "
           f"{stream[:16].hex()}...)")
    expect_equal(sizes, exp["chunks"], "chunk sizes")


# ------------------------------------------------------------------------ checks

def stage_checks(ctx, arch, path):
    """(name, fn) checks for the `_stage.mpy` of one architecture."""
    state = {}

    def load():
        if not path.exists():
            raise AssertionError(f"{path} not found (build it with `cargo mpy`)")
        emu = Emulator(budget=ctx.budget, count_instructions=ctx.count)
        mod = emu.load(path)
        state["emu"], state["mod"] = emu, mod
        g = mod.globals
        for name in ("Layer", "Text", "render"):
            expect(name in g, f"module does not register {name!r} (it has {sorted(g)})")
        expect_equal(g.get("__name__"), "_stage", "__name__")
        expect(mod.Layer.type_name == "type" and mod.Text.type_name == "type",
               "Layer and Text are types")
        return (f"text {mod.text_size} B, bss {mod.bss_size} B, init "
                f"{mod.init_stats.instructions} insns")

    def need():
        if "mod" not in state:
            raise Skip("module not loaded")
        return state["emu"], state["mod"]

    yield "load, registers Layer/Text/render", load

    for i, case in enumerate(ctx.stage_cases):
        def run_case(case=case, kind=i % 3):
            emu, mod = need()
            scene = Scene(emu, mod, case, case.get("_assets", ctx.assets), kind)
            rec = SpiRecorder()
            r = mod.render(*render_args(case, scene.layers, bytearray(case["render"]["buffer_len"]), rec))
            expect(r is None, f"render returned {r!r}, not None")
            check_stream(case, rec)
            st = emu.stats
            pixels = case["expect"]["bytes"] // 2
            ctx.perf.setdefault(arch, []).append({
                "id": case["id"], "instructions": st.instructions, "cycles": st.cycles,
                "pixels": pixels, "stack": st.stack_bytes,
                "runtime_calls": sum(st.runtime_calls.values())})
            if pixels and st.instructions:
                return f"{pixels} px, {st.instructions / pixels:.1f} insn/px, stack {st.stack_bytes} B"
            return f"{pixels} px"
        r = case["render"]
        desc = (f"{case['variant']} {len(case['layers'])} layers, scale {r['scale']}, "
                f"buffer {r['buffer_len']}")
        yield f"conformance {case['id']} ({desc})", run_case

    # error paths -------------------------------------------------------------
    assets = ctx.assets
    bank = next(v for k, v in sorted(assets.items()) if len(v) == 2048)
    palette = next(v for k, v in sorted(assets.items()) if len(v) == 32)
    by_size = sorted(ctx.all_cases, key=lambda c: (c["expect"]["bytes"], c["id"]))
    small = next(c for c in by_size if len(c["expect"]["chunks"]) >= 3)
    chunky = next(c for c in by_size if len(c["expect"]["chunks"]) >= 12
                  and c["render"]["buffer_len"] >= 8)

    def graphic_100():
        emu, mod = need()
        expect_raises("ValueError", mod.Layer, 1, 1, bytes(100), palette)

    def output_without_write():
        emu, mod = need()
        layer = mod.Layer(1, 1, bank, palette)
        expect_raises("TypeError", mod.render, 0, 0, 4, 4, [layer], bytearray(8), NoWrite(), 1)
        expect_raises("TypeError", mod.render, 0, 0, 4, 4, [layer], bytearray(8), 5, 1)

    def write_raises():
        emu, mod = need()
        scene = Scene(emu, mod, small, assets, 0)
        out = FailingWriter(fail_at=2)
        e = expect_raises("OSError", mod.render,
                          *render_args(small, scene.layers, bytearray(small["render"]["buffer_len"]), out))
        expect_equal(e.mp_args, ("bus error during write",), "exception arguments")
        expect_equal(len(out.chunks), 2, "write calls before the exception")
        # the module is still usable afterwards
        rec = Recorder()
        mod.render(*render_args(small, scene.layers, bytearray(small["render"]["buffer_len"]), rec))
        check_stream(small, rec, "stream after the failed render")

    def write_resizes_buffer():
        emu, mod = need()
        scene = Scene(emu, mod, chunky, assets, 0)
        n = chunky["render"]["buffer_len"]
        buf = emu.new_bytearray(n)
        sizes = [max(2, n // 2), n * 2 + 1, 3, 64, 2] * 50
        out = ResizingWriter(buf, sizes)
        mod.render(*render_args(chunky, scene.layers, buf, out))
        stream = out.stream
        expect_equal(len(stream), chunky["expect"]["bytes"], "stream length")
        expect(hashlib.sha256(stream).hexdigest() == chunky["expect"]["sha256"],
               "stream differs when write() resizes the buffer (stale buffer pointer?)")
        for k, (chunk, blen) in enumerate(zip(out.chunks, out.buffer_len_at_write)):
            expect(0 < len(chunk) <= blen, f"chunk {k} has {len(chunk)} bytes, buffer {blen}")
        return f"{len(out.chunks)} writes"

    def decisions():
        emu, mod = need()
        layer = mod.Layer(1, 1, bank, palette)
        rec = Recorder()
        expect_raises("ValueError", mod.render, 0, 0, 4, 4, [layer], bytearray(1), rec, 1)
        expect_raises("ValueError", mod.render, 0, 0, 4, 4, [layer], bytearray(8), rec, 0)
        expect_raises("TypeError", mod.render, 0, 0, 4, 4, [layer, 5], bytearray(8), rec, 1)
        expect_raises("TypeError", mod.render, 0, 0, 4, 4, [layer], bytearray(8), rec, 1, 0)
        expect_raises("ValueError", layer.frame, 16, 0)
        expect_raises("ValueError", mod.Layer, -1, 1, bank, palette)
        expect_raises("ValueError", mod.Layer, 2, 2, bank, palette, b"\x00")
        expect_raises("ValueError", mod.Text, 2, 2, bank, palette, b"abc")
        expect_raises("TypeError", mod.Layer, 1, 1, bank, palette, map=b"\x00")
        expect_equal(rec.chunks, [], "chunks written by failed renders")

    yield "error: 100-byte graphic -> ValueError", graphic_100
    yield "error: output without write() -> TypeError", output_without_write
    yield f"error: write() raising propagates ({small['id']})", write_raises
    yield f"write() resizing the buffer ({chunky['id']})", write_resizes_buffer
    yield "error: contract decisions (buffer, scale, layers, arity, frame, sizes)", decisions
