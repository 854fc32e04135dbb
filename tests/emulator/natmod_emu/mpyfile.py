"""The `.mpy` 6.3 file format, read the way MicroPython's loader (`py/persistentcode.c`)
reads it.

`parse()` turns the bytes of a native module into an `MpyImage` without deciding whether
a particular firmware accepts it: `check_compatible()` does that, with the loader's own
error messages, and `apply_relocations()` runs the relocation stream against memory.
"""

from dataclasses import dataclass, field

MPY_VERSION = 6
MPY_SUB_VERSION = 3

ARCH_NAMES = {
    0: "none", 1: "x86", 2: "x64", 3: "armv6", 4: "armv6m", 5: "armv7m", 6: "armv7em",
    7: "armv7emsp", 8: "armv7emdp", 9: "xtensa", 10: "xtensawin", 11: "rv32imc",
    12: "rv64imc", 13: "debug",
}
ARCH_CODES = {name: code for code, name in ARCH_NAMES.items()}
THUMB_ARCHS = range(ARCH_CODES["armv6m"], ARCH_CODES["armv7emdp"] + 1)

# Header byte 2.
FEATURE_ARCH_FLAGS = 0x40

# Raw-code kinds (`kind_len & 3` + 2).
KIND_BYTECODE, KIND_NATIVE_PY, KIND_NATIVE_VIPER, KIND_NATIVE_ASM = 2, 3, 4, 5
KIND_NAMES = {2: "bytecode", 3: "native Python", 4: "native viper", 5: "inline assembler"}

# Scope flags of viper code loaded from a .mpy.
SCOPE_VIPERRELOC = 0x10
SCOPE_VIPERRODATA = 0x20
SCOPE_VIPERBSS = 0x40

# Constant-object kinds in the object table.
(OBJ_FUN_TABLE, OBJ_NONE, OBJ_FALSE, OBJ_TRUE, OBJ_ELLIPSIS, OBJ_STR, OBJ_BYTES, OBJ_INT,
 OBJ_FLOAT, OBJ_COMPLEX, OBJ_TUPLE) = range(11)

# Relocation destinations (`op` after the position bit is removed).
RELOC_DEST_NAMES = {0: "text", 1: "rodata", 2: "bss", 6: "qstr_table", 7: "obj_table",
                    8: "&mp_fun_table"}


class MpyFormatError(ValueError):
    """The file is not a .mpy this loader can read.

    `loader_message` is what MicroPython's loader raises (a ValueError) for the same file,
    when it has a specific message; `str()` adds what exactly is wrong.
    """

    def __init__(self, detail, loader_message="incompatible .mpy file"):
        super().__init__(f"{loader_message}: {detail}" if loader_message else detail)
        self.loader_message = loader_message
        self.detail = detail


@dataclass
class Qstr:
    """One qstr-table entry: a static qstr number, or a string to intern."""
    static: int = None
    text: str = None

    def __repr__(self):
        return f"static#{self.static}" if self.text is None else repr(self.text)


@dataclass
class Reloc:
    """One record of the relocation stream.

    `position` is the new word index (None: continue after the previous record),
    `in_rodata` whether the position is in rodata instead of text, `op` the destination
    code (0 text, 1 rodata, 2 bss, 6 qstr table, 7 obj table, 8 &mp_fun_table, 9+i the
    value of mp_fun_table[i]) and `count` the number of consecutive words adjusted.
    """
    position: int
    in_rodata: bool
    op: int
    count: int

    def dest_name(self):
        if self.op >= 9:
            return f"mp_fun_table[{self.op - 9}]"
        return RELOC_DEST_NAMES.get(self.op, f"op{self.op}")


@dataclass
class MpyImage:
    arch: int
    sub_version: int
    small_int_bits: int
    has_arch_flags: bool
    arch_flags: int
    qstrs: list
    objs: list
    kind: int
    has_children: bool
    text: bytes
    scope_flags: int
    rodata: bytes
    bss_size: int
    relocs: list = field(default_factory=list)
    trailing: int = 0

    @property
    def arch_name(self):
        return ARCH_NAMES.get(self.arch, f"arch{self.arch}")


class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def byte(self, what):
        if self.pos >= len(self.data):
            raise MpyFormatError(f"file ends inside {what} (offset {self.pos})")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def bytes(self, n, what):
        if self.pos + n > len(self.data):
            raise MpyFormatError(
                f"file ends inside {what} ({n} bytes needed at offset {self.pos}, "
                f"{len(self.data) - self.pos} left)")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def uint(self, what):
        """MicroPython's variable-length unsigned int: base 128, most significant group
        first, bit 7 set on every byte but the last."""
        value = 0
        while True:
            b = self.byte(what)
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value


def _read_qstr(r):
    n = r.uint("a qstr length")
    if n & 1:
        return Qstr(static=n >> 1)
    n >>= 1
    raw = r.bytes(n, "a qstr")
    r.byte("a qstr terminator")  # the loader reads and discards the NUL
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MpyFormatError(f"qstr {raw!r} is not UTF-8 ({e})", loader_message=None)
    return Qstr(text=text)


def _read_obj(r):
    kind = r.byte("an object kind")
    if kind == OBJ_FUN_TABLE:
        return ("fun_table",)
    if kind == OBJ_NONE:
        return ("none",)
    if kind == OBJ_FALSE:
        return ("false",)
    if kind == OBJ_TRUE:
        return ("true",)
    if kind == OBJ_ELLIPSIS:
        return ("ellipsis",)
    n = r.uint("an object length")
    if kind == OBJ_TUPLE:
        return ("tuple", [_read_obj(r) for _ in range(n)])
    if kind == OBJ_BYTES and n == 0:
        r.byte("an object terminator")
        return ("bytes", b"")
    raw = r.bytes(n, "an object")
    if kind in (OBJ_STR, OBJ_BYTES):
        r.byte("an object terminator")
        return ("str", raw.decode("utf-8")) if kind == OBJ_STR else ("bytes", raw)
    if kind == OBJ_INT:
        return ("int", int(raw.decode("ascii"), 10))
    if kind == OBJ_FLOAT:
        return ("float", float(raw.decode("ascii")))
    if kind == OBJ_COMPLEX:
        return ("complex", complex(raw.decode("ascii")))
    raise MpyFormatError(f"unknown constant object kind {kind}", loader_message=None)


def _read_relocs(r):
    relocs = []
    while True:
        b = r.byte("the relocation stream (no 0xFF end marker)")
        if b == 0xFF:
            return relocs
        position, in_rodata = None, False
        if b & 1:
            p = r.uint("a relocation position")
            position, in_rodata = p >> 1, bool(p & 1)
        op = b >> 1
        count = 1
        if op <= 5:
            if op & 1:
                count = r.uint("a relocation count")
            op >>= 1
        relocs.append(Reloc(position, in_rodata, op, count))


def parse_header(data):
    """(arch code, sub-version, small-int bits, has arch flags) from the first 4 bytes,
    after the magic and version checks of the loader."""
    if len(data) < 4:
        raise MpyFormatError(f"only {len(data)} bytes, a header has 4")
    if data[0] != ord("M"):
        raise MpyFormatError(f"magic byte is 0x{data[0]:02x}, not 'M'")
    if data[1] != MPY_VERSION:
        raise MpyFormatError(f"version {data[1]}, this loader reads version {MPY_VERSION}")
    arch = (data[2] >> 2) & 0x2F
    return arch, data[2] & 3, data[3], bool(data[2] & FEATURE_ARCH_FLAGS)


def parse(data):
    """Parse a whole .mpy file (bytes) into an `MpyImage`.

    Raises MpyFormatError for anything the loader could not read.  Architecture
    compatibility is checked separately by `check_compatible()`.
    """
    arch, sub_version, small_int_bits, has_flags = parse_header(data)
    if arch == 0:
        raise MpyFormatError("bytecode-only .mpy (no native code): not a native module",
                             loader_message=None)
    if sub_version != MPY_SUB_VERSION:
        raise MpyFormatError(f"sub-version {sub_version}, the loader needs {MPY_SUB_VERSION}")
    r = _Reader(data)
    r.pos = 4
    arch_flags = r.uint("the architecture flags") if has_flags else 0
    n_qstr = r.uint("the qstr count")
    n_obj = r.uint("the object count")
    qstrs = [_read_qstr(r) for _ in range(n_qstr)]
    objs = [_read_obj(r) for _ in range(n_obj)]
    kind_len = r.uint("the code kind and length")
    kind = (kind_len & 3) + KIND_BYTECODE
    has_children = bool(kind_len & 4)
    text_len = kind_len >> 3
    if kind != KIND_NATIVE_VIPER:
        raise MpyFormatError(
            f"top-level code is {KIND_NAMES[kind]}; native modules are viper code (kind 4)",
            loader_message=None)
    text = r.bytes(text_len, "the machine code")
    scope_flags = r.uint("the scope flags")
    rodata_size = r.uint("the rodata size") if scope_flags & SCOPE_VIPERRODATA else 0
    bss_size = r.uint("the BSS size") if scope_flags & SCOPE_VIPERBSS else 0
    rodata = r.bytes(rodata_size, "the rodata") if scope_flags & SCOPE_VIPERRODATA else b""
    if has_children:
        raise MpyFormatError("viper code with children: not a native module this harness loads",
                             loader_message=None)
    relocs = _read_relocs(r) if scope_flags & SCOPE_VIPERRELOC else []
    return MpyImage(arch=arch, sub_version=sub_version, small_int_bits=small_int_bits,
                    has_arch_flags=has_flags, arch_flags=arch_flags, qstrs=qstrs, objs=objs,
                    kind=kind, has_children=has_children, text=text, scope_flags=scope_flags,
                    rodata=rodata, bss_size=bss_size, relocs=relocs,
                    trailing=len(data) - r.pos)


def check_compatible(image, firmware_arch, small_int_bits=31, allowed_arch_flags=0):
    """Raise MpyFormatError with the loader's message if a firmware of architecture
    `firmware_arch` (a code) would refuse `image`."""
    if image.small_int_bits > small_int_bits:
        raise MpyFormatError(
            f"the module assumes {image.small_int_bits}-bit small ints, the firmware has "
            f"{small_int_bits}")
    a = image.arch
    if firmware_arch in THUMB_ARCHS:
        ok = ARCH_CODES["armv6m"] <= a <= firmware_arch
    else:
        ok = a == firmware_arch
    if not ok:
        raise MpyFormatError(
            f"module is {ARCH_NAMES.get(a, a)}, the firmware is "
            f"{ARCH_NAMES.get(firmware_arch, firmware_arch)}",
            loader_message="incompatible .mpy arch")
    if image.has_arch_flags:
        if firmware_arch != ARCH_CODES["rv32imc"]:
            raise MpyFormatError("architecture flags are only defined for rv32imc")
        if image.arch_flags & ~allowed_arch_flags:
            raise MpyFormatError(
                f"architecture flags 0x{image.arch_flags:x} need extensions the firmware "
                f"lacks (it allows 0x{allowed_arch_flags:x})")


def apply_relocations(relocs, *, word_size, text_addr, text_len, rodata_addr, rodata_len,
                      bss_addr, qstr_table_addr, obj_table_addr, fun_table_addr,
                      fun_table, read_word, write_word):
    """Run the relocation stream like `mp_native_relocate`: for each record, add the
    destination address to `count` words starting at the current position.

    Unlike the loader (which trusts the file), a record that would write outside text or
    rodata, or name a table entry that does not exist, raises MpyFormatError.
    Returns the list of (address, old word, new word) it changed.
    """
    mask = (1 << (8 * word_size)) - 1
    cursor = None  # (base, length, byte offset)
    changed = []
    for i, rec in enumerate(relocs):
        if rec.position is not None:
            base, length = (rodata_addr, rodata_len) if rec.in_rodata else (text_addr, text_len)
            cursor = [base, length, rec.position * word_size]
        if cursor is None:
            raise MpyFormatError(f"relocation record {i} has no position to adjust",
                                 loader_message=None)
        op = rec.op
        if op == 0:
            dest = text_addr
        elif op == 1:
            dest = rodata_addr
        elif op == 2:
            dest = bss_addr
        elif op == 6:
            dest = qstr_table_addr
        elif op == 7:
            dest = obj_table_addr
        elif op == 8:
            dest = fun_table_addr
        elif op >= 9:
            if op - 9 >= len(fun_table):
                raise MpyFormatError(
                    f"relocation record {i} uses mp_fun_table[{op - 9}], the table has "
                    f"{len(fun_table)} entries", loader_message=None)
            dest = fun_table[op - 9]
        else:
            raise MpyFormatError(f"relocation record {i} has unknown destination {op}",
                                 loader_message=None)
        base, length, off = cursor
        for _ in range(rec.count):
            if off + word_size > length:
                where = "rodata" if base == rodata_addr and rodata_len else "text"
                raise MpyFormatError(
                    f"relocation record {i} ({rec.dest_name()}) adjusts byte {off} of "
                    f"{where}, which has {length} bytes", loader_message=None)
            addr = base + off
            old = read_word(addr)
            new = (old + dest) & mask
            write_word(addr, new)
            changed.append((addr, old, new))
            off += word_size
        cursor[2] = off
    return changed
