#!/usr/bin/env python3
"""Counts the instructions a benchmark firmware executes on a Cortex-M0+.

Runs a benchmark binary (thumbv6m-none-eabi: `render-bench` or `gem-cave-bench`) in
the unicorn CPU emulator from its reset vector, with flash and RAM laid out as on the
uGame 10, and counts the instructions executed between the calls of its
`bench_mark(id)` markers (see src/bin/*_bench.rs); `bench_value(v)` records a figure
of the section before it. A section that repeats (one per frame) is summed up as its
median ("typical") and its maximum ("worst").

Instruction counts are exact and repeatable. Cycle counts are an estimate from the
Cortex-M0+ instruction timings (loads and stores 2, taken branches 2, BL 3, LDM/STM/
PUSH/POP 1+N, ...), with no flash wait states: on the SAMD21 at 48 MHz the flash has
one wait state, partly hidden by its cache and the 32-bit fetch of two 16-bit
instructions, so real cycles are somewhat higher.

Needs `unicorn` and `pyelftools` (see tools/requirements.txt).

usage: count_instructions.py [ELF] [--json FILE]
"""

import argparse
import importlib.util
import json
import os
import sys

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection
from unicorn import (UC_ARCH_ARM, UC_HOOK_CODE, UC_MODE_MCLASS, UC_MODE_THUMB,
                     Uc, UcError)
from unicorn.arm_const import UC_ARM_REG_PC, UC_ARM_REG_R0, UC_ARM_REG_SP

FLASH = (0x0000_0000, 256 * 1024)
RAM = (0x2000_0000, 32 * 1024)
# System control space (SysTick, SCB): mapped so stray accesses don't fault.
SCS = (0xE000_0000, 0x10_0000)
VECTORS = 0x2000  # after the 8 KB UF2 bootloader
PIXELS = 128 * 128
CLOCK_HZ = 48_000_000
MAX_INSTRUCTIONS = 200_000_000
PAINT = b"\xa5"

# Section names by benchmark binary.
SECTIONS = {
    "render-bench": {
        1: "demo frame, fast renderer (sink discards)",
        2: "demo frame, Display::render to a null SPI bus",
        3: "tile grid alone, fast renderer",
        4: "demo frame, reference renderer",
        5: "Game::update + Game::layers",
    },
    "gem-cave-bench": {
        1: "Gem Cave: Game::update (game logic)",
        2: "Gem Cave: Stage::render (dirty areas, Display)",
        3: "Gem Cave: first frame (whole screen, Display)",
    },
}
# The SPI clock of the uGame 10's panel: 16 bits a pixel on the wire.
SPI_HZ = 24_000_000


def symbols(elf):
    table = {}
    for section in elf.iter_sections():
        if isinstance(section, SymbolTableSection):
            for sym in section.iter_symbols():
                if sym.name:
                    table[sym.name] = sym["st_value"] & ~1
    return table


def _load_cycle_model():
    """The Cortex-M0+ cycle model the module emulator uses too (one model, one place):
    tests/emulator/natmod_emu/m0plus.py, loaded by path (standard library only)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                        "tests", "emulator", "natmod_emu", "m0plus.py")
    spec = importlib.util.spec_from_file_location("m0plus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cycles_of = _load_cycle_model().cost


class Counter:
    def __init__(self, marks, done, value):
        self.marks = marks
        self.done = done
        self.value = value
        self.instructions = 0
        self.cycles = 0
        self.decoded = {}
        self.pending_cond = None  # address of the last conditional branch
        self.events = []  # (id, instructions, cycles)
        self.result = None

    def hook(self, uc, address, size, _):
        if self.pending_cond is not None:
            if address != self.pending_cond + 2:
                self.cycles += 1
            self.pending_cond = None
        info = self.decoded.get(address)
        if info is None:
            info = cycles_of(bytes(uc.mem_read(address, size)))
            self.decoded[address] = info
        base, kind = info
        self.instructions += 1
        self.cycles += base
        if kind == "cond":
            self.pending_cond = address
        if address == self.marks:
            self.events.append((uc.reg_read(UC_ARM_REG_R0),
                                self.instructions, self.cycles))
        elif address == self.value:
            self.events.append(("value", uc.reg_read(UC_ARM_REG_R0), None))
        elif address == self.done:
            self.result = uc.reg_read(UC_ARM_REG_R0)
            uc.emu_stop()
        elif self.instructions > MAX_INSTRUCTIONS:
            uc.emu_stop()


def run(path):
    with open(path, "rb") as f:
        elf = ELFFile(f)
        syms = symbols(elf)
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        for base, size in (FLASH, RAM, SCS):
            uc.mem_map(base, size)
        for segment in elf.iter_segments():
            if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
                uc.mem_write(segment["p_paddr"], segment.data())
    for name in ("bench_mark", "bench_done"):
        if name not in syms:
            sys.exit(f"{path}: no symbol {name}: not the render benchmark?")
    sp = int.from_bytes(uc.mem_read(VECTORS, 4), "little")
    reset = int.from_bytes(uc.mem_read(VECTORS + 4, 4), "little")
    uc.reg_write(UC_ARM_REG_SP, sp)
    # Paint RAM, to find the stack's deepest point afterwards.
    uc.mem_write(RAM[0], PAINT * RAM[1])
    counter = Counter(syms["bench_mark"], syms["bench_done"], syms.get("bench_value"))
    uc.hook_add(UC_HOOK_CODE, counter.hook)
    try:
        uc.emu_start(reset | 1, 0xFFFF_FFFF)
    except UcError as error:
        pc = uc.reg_read(UC_ARM_REG_PC)
        sys.exit(f"emulation failed at {pc:#010x}: {error}")
    if counter.result is None:
        sys.exit("the benchmark did not finish")

    ram = bytes(uc.mem_read(RAM[0], RAM[1]))
    static_end = syms.get("__euninit", syms.get("__ebss", RAM[0])) - RAM[0]
    deepest = next((i for i in range(static_end, RAM[1]) if ram[i] != PAINT[0]),
                   RAM[1])
    names = SECTIONS.get(os.path.basename(path), {})
    sections = []
    start = None
    for mark, instructions, cycles in counter.events:
        if mark == "value":
            if sections:
                sections[-1]["value"] = instructions
        elif mark:
            start = (mark, instructions, cycles)
        elif start:
            ident, i0, c0 = start
            # The end marker's own call is outside the section.
            sections.append({
                "id": ident,
                "name": names.get(ident, f"section {ident}"),
                "instructions": instructions - i0 - 1,
                "cycles_estimate": cycles - c0 - 1,
            })
            start = None
    return {"ok": counter.result == 1,
            "static_ram_bytes": static_end,
            "stack_peak_bytes": RAM[0] + RAM[1] - (RAM[0] + deepest),
            "total_instructions": counter.instructions,
            "sections": sections,
            "summary": summarise(sections)}


def summarise(sections):
    """One row per section id: a section that ran once, or the typical (median) and
    worst of a repeated one (with the index of the worst run)."""
    by_id = {}
    for s in sections:
        by_id.setdefault(s["id"], []).append(s)
    rows = []
    for ident, runs in by_id.items():
        ordered = sorted(runs, key=lambda r: r["instructions"])
        worst = ordered[-1]
        row = {"id": ident, "name": runs[0]["name"], "runs": len(runs),
               "typical": ordered[len(ordered) // 2], "worst": worst,
               "worst_run": runs.index(worst)}
        rows.append(row)
    return rows


def frames_summary(sections):
    """For a per-frame benchmark (ids 1 and 2 alternating): each frame's update +
    render, typical (median) and worst, with the pixels the frame sent."""
    frames = []
    pending = None
    for s in sections:
        if s["id"] == 1:
            pending = s
        elif s["id"] == 2 and pending is not None:
            frames.append({"instructions": pending["instructions"] + s["instructions"],
                           "cycles_estimate": pending["cycles_estimate"] + s["cycles_estimate"],
                           "pixels": s.get("value", 0)})
            pending = None
    if len(frames) < 2:  # not a per-frame benchmark
        return None
    ordered = sorted(frames, key=lambda f: f["instructions"])
    pixels = sorted(f["pixels"] for f in frames)
    return {"frames": len(frames), "typical": ordered[len(ordered) // 2],
            "worst": ordered[-1], "median_pixels": pixels[len(pixels) // 2],
            "mean_pixels": sum(pixels) / len(pixels)}


def ms(cycles):
    return cycles / CLOCK_HZ * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("elf", nargs="?",
                        default="target/thumbv6m-none-eabi/release/render-bench")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = run(args.elf)
    print(f"cost on thumbv6m (Cortex-M0+) of {os.path.basename(args.elf)}; "
          f"a 128x128 frame = {PIXELS} pixels")
    print(f"{'section':<48} {'runs':>5} {'':>8} {'instructions':>12} {'instr/px':>9} "
          f"{'~cycles':>10} {'~ms@48MHz':>10}")
    for row in results["summary"]:
        kinds = [("", row["typical"])] if row["runs"] == 1 else \
            [("typical", row["typical"]), ("worst", row["worst"])]
        for kind, s in kinds:
            print(f"{row['name'] if kind != 'worst' else '':<48} "
                  f"{row['runs'] if kind != 'worst' else '':>5} {kind:>8} "
                  f"{s['instructions']:>12} {s['instructions'] / PIXELS:>9.2f} "
                  f"{s['cycles_estimate']:>10} {ms(s['cycles_estimate']):>10.2f}")
    frames = frames_summary(results["sections"])
    if frames:
        results["frames"] = frames
        print(f"per frame (update + render), {frames['frames']} frames; pixels sent: median "
              f"{frames['median_pixels']}, mean {frames['mean_pixels']:.0f} of {PIXELS}")
        for kind in ("typical", "worst"):
            f = frames[kind]
            wire = f["pixels"] * 16 / SPI_HZ * 1000
            print(f"  {kind:<8} {f['instructions']:>9} instructions, ~{ms(f['cycles_estimate']):.2f} ms "
                  f"at 48 MHz; {f['pixels']} pixels sent, {wire:.2f} ms on the 24 MHz bus")
    print(f"RAM: {results['static_ram_bytes']} bytes static, stack peak "
          f"{results['stack_peak_bytes']} bytes (of {RAM[1]})")
    print("self-check on the target passed:", results["ok"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    if not results["ok"]:
        sys.exit("the benchmark's self-check on the target failed")


if __name__ == "__main__":
    main()
