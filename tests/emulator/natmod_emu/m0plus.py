"""A cycle model of the Cortex-M0+ (ARMv6-M, Thumb): the cost of each instruction
with no flash wait states, the one model both the module emulator and the firmware's
instruction counter (examples/firmware/tools/count_instructions.py) use.

Loads and stores 2 cycles; a taken branch 2 (B, BX, BLX, a taken conditional branch,
ADD or MOV to PC); BL 3; PUSH 1+N; POP 1+N, or 3+N with PC; LDM and STM 1+N; the
32-bit system instructions (MRS, MSR, barriers) 4; everything else 1. A conditional
branch costs 1, plus 1 when it is taken: `cost` gives the 1 and says "cond", the caller
adds the other when it sees the branch taken.

Standard library only, so that it can be loaded by path.
"""


def _bits(n):
    return bin(n).count("1")


def cost(insn):
    """(cycles, kind) of the instruction whose bytes start `insn` (2 or 4 bytes,
    little-endian). `kind` is "cond" for a conditional branch, else a short name."""
    hw = insn[0] | insn[1] << 8
    if len(insn) >= 4 and hw >> 11 in (0x1D, 0x1E, 0x1F):
        second = insn[2] | insn[3] << 8
        if hw & 0xF800 == 0xF000 and second & 0xD000 == 0xD000:
            return 3, "bl"
        return 4, "other32"  # MRS, MSR, barriers
    if hw & 0xF800 == 0x4800 or 0x5000 <= hw <= 0x9FFF:
        return 2, "mem"
    if hw & 0xFE00 == 0xB400:  # PUSH
        return 1 + _bits(hw & 0x1FF), "push"
    if hw & 0xFE00 == 0xBC00:  # POP
        n = _bits(hw & 0x1FF)
        return (3 + n - 1, "pop-pc") if hw & 0x100 else (1 + n, "pop")
    if hw & 0xF000 == 0xC000:  # LDM, STM
        return 1 + _bits(hw & 0xFF), "multi"
    if hw & 0xF000 == 0xD000 and (hw >> 8) & 0xF < 0xE:
        return 1, "cond"
    if hw & 0xF800 == 0xE000:  # B
        return 2, "b"
    if hw & 0xFF00 == 0x4700:  # BX, BLX
        return 2, "bx"
    if hw & 0xFC00 == 0x4400 and (hw & 0x87) == 0x87:  # ADD or MOV to PC
        return 2, "pcwrite"
    return 1, "alu"


def insn_size(hw):
    """Bytes of the Thumb instruction whose first halfword is `hw`."""
    return 4 if hw >> 11 in (0x1D, 0x1E, 0x1F) else 2


def block(code):
    """The instructions of a basic block's bytes: a list of (offset, cycles, kind)."""
    out = []
    i = 0
    while i + 1 < len(code):
        hw = code[i] | code[i + 1] << 8
        size = insn_size(hw)
        cycles, kind = cost(code[i:i + size])
        out.append((i, cycles, kind))
        i += size
    return out
