"""Tiny hand-assembled native modules, to test the harness on things a healthy module
never does (a Thumb-2 instruction in an armv6m module, an endless loop, a write to its
own text, a call of a table entry the runtime does not emulate) and on loader details a
linker may never produce (an odd-encoded static qstr).

Each program is `mpy_init` at text offset 0, followed by its GOT.
"""

import struct

from natmod_emu.mpyfile import ARCH_CODES


def uint(n):
    """MicroPython's variable-length unsigned int."""
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def qstr_str(s):
    b = s.encode()
    return uint(len(b) << 1) + b + b"\0"


def qstr_static(n):
    return uint((n << 1) | 1)


def reloc_stream(records):
    """records: (word position or None, op, count)."""
    out = bytearray()
    for pos, op, count in records:
        if op <= 2:
            b = (op << 1 | (1 if count != 1 else 0)) << 1
        else:
            b = op << 1
        if pos is not None:
            out.append(b | 1)
            out += uint(pos << 1)
        else:
            out.append(b)
        if op <= 2 and count != 1:
            out += uint(count)
    out.append(0xFF)
    return bytes(out)


def mpy(arch, text, qstrs=("crafted.mpy",), relocs=(), bss=0, small_int_bits=31,
        version=6, sub_version=3, arch_flags=None):
    """A .mpy file. `qstrs` entries are strings or static qstr numbers (ints)."""
    b2 = (ARCH_CODES[arch] << 2) | sub_version | (0x40 if arch_flags is not None else 0)
    out = bytearray(b"M" + bytes([version, b2, small_int_bits]))
    if arch_flags is not None:
        out += uint(arch_flags)
    out += uint(len(qstrs)) + uint(0)
    for q in qstrs:
        out += qstr_static(q) if isinstance(q, int) else qstr_str(q)
    out += uint((len(text) << 3) | 2)
    out += text
    flags = 0x10 | (0x40 if bss else 0)
    out += uint(flags)
    if bss:
        out += uint(bss)
    out += reloc_stream(relocs)
    return bytes(out)


# ---------------------------------------------------------------- Thumb (ARMv6-M subset)

def _h(*halfwords):
    return struct.pack(f"<{len(halfwords)}H", *halfwords)


def thumb_ldr_lit(rt, at, target):
    """ldr rt, [pc, #imm] at offset `at` loading the word at offset `target`."""
    base = (at + 4) & ~3
    imm = (target - base) // 4
    assert 0 <= imm < 256 and (target - base) % 4 == 0
    return 0x4800 | (rt << 8) | imm


def thumb_call_entry(entry):
    """mpy_init tail-calls mp_fun_table[entry] (r2 is clobbered)."""
    code = _h(thumb_ldr_lit(2, 0, 8), thumb_ldr_lit(3, 2, 12), 0x58D3, 0x4718)
    text = code + struct.pack("<II", 0, 4 * entry)
    return text, [(2, 8, 1)]


def thumb_static_qstr_raise():
    """raise(load_global(qstr_table[1]))."""
    code = _h(0xB510,                       # push {r4, lr}
              thumb_ldr_lit(4, 2, 20),      # r4 = &mp_fun_table
              thumb_ldr_lit(0, 4, 24),      # r0 = &qstr_table[1]
              0x8800,                       # ldrh r0, [r0]
              0x69E3,                       # ldr r3, [r4, #28]   load_global
              0x4798,                       # blx r3
              0x2388,                       # movs r3, #136
              0x58E3,                       # ldr r3, [r4, r3]    raise
              0x4798,                       # blx r3
              0xBD10)                       # pop {r4, pc}
    text = code + struct.pack("<II", 0, 2)
    return text, [(5, 8, 1), (6, 6, 1)]


THUMB = {
    "loop": (_h(0xE7FE), []),                                   # b .
    "thumb2": (_h(0xF04F, 0x0006, 0x4770), []),                 # mov.w r0, #6; bx lr
    "write_text": (_h(0xA100, 0x6008, 0x4770), []),             # adr r1, .+4; str r0, [r1]; bx lr
    "null_read": (_h(0x2100, 0x6808, 0x4770), []),              # movs r1, #0; ldr r0, [r1]; bx lr
    "return_none": (_h(0x2006, 0x4770), []),                    # movs r0, #6; bx lr
    "vfp_single": (_h(0xEE30, 0x0A00, 0x2006, 0x4770), []),     # vadd.f32 s0, s0, s0; ...
    "vfp_double": (_h(0xEE30, 0x0B00, 0x2006, 0x4770), []),     # vadd.f64 d0, d0, d0; ...
}

# ---------------------------------------------------------------- RV32


def _w(*words):
    return struct.pack(f"<{len(words)}I", *words)


def rv_auipc(rd, imm20=0):
    return (imm20 << 12) | (rd << 7) | 0x17


def rv_i(op, funct3, rd, rs1, imm):
    return ((imm & 0xFFF) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | op


def rv_lw(rd, rs1, imm):
    return rv_i(0x03, 2, rd, rs1, imm)


def rv_lhu(rd, rs1, imm):
    return rv_i(0x03, 5, rd, rs1, imm)


def rv_addi(rd, rs1, imm):
    return rv_i(0x13, 0, rd, rs1, imm)


def rv_jalr(rd, rs1, imm=0):
    return rv_i(0x67, 0, rd, rs1, imm)


def rv_sw(rs2, rs1, imm):
    return (((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | ((imm & 0x1F) << 7) | 0x23


ZERO, RA, SP, T0, S0, A0 = 0, 1, 2, 5, 8, 10


def rv_call_entry(entry):
    code = _w(rv_auipc(T0), rv_lw(T0, T0, 16), rv_lw(T0, T0, 4 * entry), rv_jalr(ZERO, T0))
    return code + _w(0), [(4, 8, 1)]


def rv_static_qstr_raise():
    code = _w(rv_addi(SP, SP, -16), rv_sw(RA, SP, 12), rv_sw(S0, SP, 8),
              rv_auipc(S0),                 # at 12
              rv_lw(T0, S0, 64 - 12),       # t0 = &qstr_table[1] (GOT word at 64)
              rv_lhu(A0, T0, 0),
              rv_lw(S0, S0, 60 - 12),       # s0 = &mp_fun_table (GOT word at 60)
              rv_lw(T0, S0, 28), rv_jalr(RA, T0),      # load_global
              rv_lw(T0, S0, 136), rv_jalr(RA, T0),     # raise
              rv_lw(RA, SP, 12), rv_lw(S0, SP, 8), rv_addi(SP, SP, 16), rv_jalr(ZERO, RA))
    assert len(code) == 60
    return code + _w(0, 2), [(15, 8, 1), (16, 6, 1)]


RV = {
    "loop": (_w(0x0000006F), []),                                            # j .
    "write_text": (_w(rv_auipc(T0), rv_sw(A0, T0, 0), rv_jalr(ZERO, RA)), []),
    "null_read": (_w(rv_lw(A0, ZERO, 0), rv_jalr(ZERO, RA)), []),
    "return_none": (_w(rv_addi(A0, ZERO, 6), rv_jalr(ZERO, RA)), []),
}


def program(arch, name, *args):
    """(text, relocation records) of program `name` for `arch`."""
    thumb = arch != "rv32imc"
    if name == "call_entry":
        return thumb_call_entry(*args) if thumb else rv_call_entry(*args)
    if name == "static_qstr_raise":
        return thumb_static_qstr_raise() if thumb else rv_static_qstr_raise()
    table = THUMB if thumb else RV
    if name not in table:
        raise KeyError(f"no {name} program for {arch}")
    return table[name]
