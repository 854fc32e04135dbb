#!/usr/bin/env python3
"""Where `_stage.render` spends its instructions: a profile of the benchmark scenes.

Builds `_stage.mpy` for one architecture with line tables (the code is the same as
without: the debug sections are not linked into the module), runs the benchmark scenes
of tests/conformance/bench.json in the CPU emulator with a native `write()`, counts how
often each block of module code runs, and attributes every instruction (and, for
armv6m, its Cortex-M0+ cycles) to its function and source line through the kept
sections of the link and `llvm-objdump --line-numbers`.

    tests/emulator/profile.py [--arch armv6m] [--scene S1_ball] [--lines 15] [--json FILE]

Prints, per scene: instructions and cycles per output pixel, runtime calls by name,
the cost by part of the renderer (the groups below), by function and by source line.
Needs the tests' venv (unicorn) and rustup's llvm-tools (`rustup component add
llvm-tools`).
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from natmod_emu import Emulator  # noqa: E402
from natmod_emu import m0plus  # noqa: E402
from natmod_emu.memory import TEXT_BASE  # noqa: E402
import stage_tests  # noqa: E402

# Parts of the render, by source file (first match wins).
GROUPS = [
    ("module: arguments and the chunk loop", r"stage-mpy/src/render\.rs"),
    ("module: layer lookups (objects, buffers, views)",
     r"stage-mpy/src/(layers|args)\.rs|mpy-abi/|stage-core/src/model\.rs"),
    ("chunk loop and row cache", r"stage-core/src/chunk\.rs"),
    ("culling and placement", r"stage-core/src/(cull|paint/placement)\.rs"),
    ("painter: tiles (grids, sprites)", r"stage-core/src/paint/(small|fast/)"),
    ("painter: text", r"stage-core/src/paint/text\.rs"),
    ("format views (bank lines, map cells, glyphs, palettes)", r"stage-core/src/(format/|rotation|color)"),
    ("layers and parameters", r"stage-core/src/(layer|params|render)\.rs"),
    ("core library (copies, fills, slices)", r"/rustc/|library/(core|compiler)"),
]

TRIPLES = {"armv6m": "thumbv6m-none-eabi", "armv7m": "thumbv7m-none-eabi",
           "armv7emsp": "thumbv7em-none-eabihf", "armv7emdp": "thumbv7em-none-eabihf",
           "rv32imc": "riscv32imc-unknown-none-elf"}


def build(arch, out_dir, target_dir, features):
    """`cargo mpy --line-tables`; returns the kept text sections [(offset, size, name)]."""
    extra = ["--features", features, "--no-arch-features"] if features else []
    p = subprocess.run(["cargo", "mpy", "--arch", arch, "--no-python", "--line-tables", "-v",
                        "--out-dir", str(out_dir), "--target-dir", str(target_dir)] + extra, cwd=REPO,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"cargo mpy failed:\n{p.stderr[-3000:]}")
    sections = []
    for line in p.stderr.splitlines():
        m = re.match(r"\s+text 0x([0-9a-f]+)\s+(\d+)\s+(\S+)", line)
        if m:
            sections.append((int(m.group(1), 16), int(m.group(2)), m.group(3)))
    if not sections:
        sys.exit("cargo mpy -v listed no kept sections")
    return sections


def llvm_tool(name):
    found = glob.glob(os.path.expanduser(f"~/.rustup/toolchains/*/lib/rustlib/*/bin/{name}"))
    if not found:
        sys.exit(f"{name} not found: rustup component add llvm-tools")
    return found[0]


def line_table(arch, target_dir):
    """{function symbol: [(offset, "file:line")]} of the module's code.

    The module's object file is linked on its own with lld (unresolved runtime symbols
    allowed) so that every function has its own address: the line tables of a
    relocatable object place all its sections at 0."""
    lib = Path(target_dir) / TRIPLES[arch] / "natmod" / "libstage_mpy.a"
    lld = glob.glob(os.path.expanduser("~/.rustup/toolchains/*/lib/rustlib/*/bin/gcc-ld/ld.lld"))
    if not lld:
        sys.exit("rust-lld not found (it comes with rustup's toolchains)")
    with tempfile.TemporaryDirectory() as tmp:
        members = subprocess.run(["ar", "t", str(lib)], stdout=subprocess.PIPE, text=True,
                                 check=True).stdout.split()
        ours = [m for m in members if m.startswith("stage_mpy")]
        subprocess.run(["ar", "x", str(lib)] + ours, cwd=tmp, check=True)
        elf = os.path.join(tmp, "module.elf")
        subprocess.run([lld[0], "-o", elf, "--unresolved-symbols=ignore-all", "-e", "0",
                        "--no-gc-sections"] + [os.path.join(tmp, m) for m in ours], check=True)
        dump = subprocess.run([llvm_tool("llvm-objdump"), "-d", "--line-numbers", "--no-show-raw-insn", elf],
                              stdout=subprocess.PIPE, text=True, check=True).stdout
    table = {}
    symbol, start, where = None, 0, "?"
    for line in dump.splitlines():
        m = re.match(r"([0-9a-f]+) <(\S+)>:$", line)
        if m:
            symbol, start, where = m.group(2), int(m.group(1), 16), "?"
            table.setdefault(symbol, [])
            continue
        m = re.match(r"; (/\S+):(\d+)", line)
        if m:
            where = f"{m.group(1)}:{m.group(2)}"
            continue
        m = re.match(r"\s+([0-9a-f]+):\s", line)
        if m and symbol:
            table[symbol].append((int(m.group(1), 16) - start, where))
    return table


def short(path):
    """A source path relative to the repository, or the library's path."""
    for marker in ("stage-core/", "stage-mpy/", "library/"):
        i = path.find(marker)
        if i >= 0:
            return path[i:]
    return path


def demangle(name):
    """`.text._ZN9stage_mpy6render5chunk17h...E` -> `stage_mpy::render::chunk`."""
    name = re.sub(r"^\.text\.(unlikely\.)?", "", name)
    if not name.startswith("_ZN"):
        return name
    parts, i = [], 3
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        n = int(name[i:j])
        parts.append(name[j:j + n])
        i = j + n
    if parts and re.match(r"h[0-9a-f]{16}$", parts[-1]):
        parts.pop()
    return "::".join(p.replace("$LT$", "<").replace("$GT$", ">").replace("$u7b$", "{")
                     .replace("$u7d$", "}").replace("..", "::") for p in parts)


class Attribution:
    """Text offset -> (function, source line)."""

    def __init__(self, sections, lines):
        self.sections = sorted(sections)
        self.lines = lines

    def at(self, offset):
        for start, size, name in self.sections:
            if start <= offset < start + size:
                rows = self.lines.get(re.sub(r"^\.text\.(unlikely\.)?", "", name), [])
                where = "?"
                for off, w in rows:
                    if off > offset - start:
                        break
                    where = w
                return demangle(name), where
        return "(outside the kept sections)", "?"


def group_of(where):
    for label, pattern in GROUPS:
        if re.search(pattern, where):
            return label
    return "other"


def profile_scene(emu, mod, case, assets, attribution, thumb):
    scene = stage_tests.Scene(emu, mod, case, assets, 0)
    rec = stage_tests.SpiRecorder()
    buffer = emu.new_bytearray(bytes(case["render"]["buffer_len"]))
    mod.render(*stage_tests.render_args(case, scene.layers, buffer, rec))
    stage_tests.check_stream(case, rec)
    st = emu.stats
    by = {"group": {}, "function": {}, "line": {}}
    for (addr, size), runs in st.blocks.items():
        code = bytes(emu.cpu.uc.mem_read(addr, size))
        insns = m0plus.block(code) if thumb else [(o, 0, "") for o in range(0, size, 2)]
        for off, cycles, _ in insns:
            function, where = attribution.at(addr - TEXT_BASE_OF[0] + off)
            where = short(where)
            for key, value in (("group", group_of(where)), ("function", function), ("line", where)):
                row = by[key].setdefault(value, [0, 0])
                row[0] += runs
                row[1] += runs * cycles
    return st, by


TEXT_BASE_OF = [TEXT_BASE]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", default="armv6m", choices=sorted(TRIPLES))
    ap.add_argument("--scene", action="append", help="bench scene id (default: all four)")
    ap.add_argument("--lines", type=int, default=15, help="source lines to list (default 15)")
    ap.add_argument("--target-dir", default=str(REPO / "target" / "profile"))
    ap.add_argument("--features", help="build with exactly these features (default: the module's own)")
    ap.add_argument("--json", help="also write the profile here")
    args = ap.parse_args()
    if args.arch == "rv32imc":
        sys.exit("profile.py attributes Thumb code only (rv32imc's compressed instructions are not decoded)")
    out_dir = Path(args.target_dir) / "mpy"
    sections = build(args.arch, out_dir, args.target_dir, args.features)
    attribution = Attribution(sections, line_table(args.arch, args.target_dir))
    path = out_dir / args.arch / "_stage.mpy"
    assets, cases = stage_tests.load_conformance(REPO / "tests" / "conformance" / "bench.json")
    wanted = args.scene or [c["id"] for c in cases]
    thumb = True
    report = {"arch": args.arch, "module_bytes": path.stat().st_size, "scenes": {}}
    print(f"{args.arch} _stage.mpy: {path.stat().st_size} bytes")
    for case in cases:
        if case["id"] not in wanted:
            continue
        emu = Emulator(profile=True)
        mod = emu.load(path)
        TEXT_BASE_OF[0] = mod.text_addr
        st, by = profile_scene(emu, mod, case, assets, attribution, thumb)
        px = case["expect"]["bytes"] // 2
        cyc = st.cycles / px if args.arch == "armv6m" else None
        print(f"\n== {case['id']}: {px} px, {st.instructions / px:.1f} instr/px"
              + (f", {cyc:.1f} cycles/px (Cortex-M0+ model)" if cyc else "")
              + f", {sum(st.runtime_calls.values())} runtime calls")
        calls = ", ".join(f"{n} {k}" for k, n in sorted(st.runtime_calls.items(), key=lambda kv: -kv[1]))
        print(f"   runtime calls: {calls}")
        sites = {}
        for (name, ret), n in st.call_sites.items():
            if mod.text_addr <= ret < mod.text_addr + mod.text_size:
                function, where = attribution.at(ret - 2 - mod.text_addr)
                key = f"{name} from {function} ({short(where)})"
            else:
                key = f"{name} from the runtime"
            sites[key] = sites.get(key, 0) + n
        for key, n in sorted(sites.items(), key=lambda kv: -kv[1])[:8]:
            print(f"     {n:7} {key}")
        scene_report = {"pixels": px, "instructions": st.instructions, "cycles": st.cycles,
                        "runtime_calls": st.runtime_calls}
        for key, limit in (("group", None), ("function", 10), ("line", args.lines)):
            rows = sorted(by[key].items(), key=lambda kv: -kv[1][0])
            scene_report[key] = {k: {"instructions": v[0], "cycles": v[1]} for k, v in rows}
            print(f"   by {key}:")
            for name, (n, c) in rows[:limit]:
                share = 100.0 * n / st.instructions
                extra = f" {c / px:6.2f} cyc/px" if args.arch == "armv6m" else ""
                print(f"     {n / px:6.2f} instr/px{extra} {share:5.1f}%  {name}")
        report["scenes"][case["id"]] = scene_report
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
