"""The emulated CPUs and their C calling conventions.

One `Cpu` per firmware architecture: which Unicorn CPU model runs it, how arguments and
results of C functions travel (AAPCS soft-float, AAPCS-VFP hard-float, RISC-V ilp32), and
how many instructions a stretch of code holds (for instruction counting).
"""

import struct
from dataclasses import dataclass

from unicorn import (Uc, UC_ARCH_ARM, UC_ARCH_RISCV, UC_MODE_THUMB, UC_MODE_RISCV32)
from unicorn import arm_const as A
from unicorn import riscv_const as R

from .mpyfile import ARCH_CODES

MASK32 = 0xFFFFFFFF


@dataclass(frozen=True)
class CpuModel:
    arch: str            # firmware architecture name (what `sys.implementation._mpy` says)
    family: str          # "thumb" or "riscv"
    model: int           # Unicorn CPU model
    model_name: str
    hard_float: bool     # float/double arguments in VFP registers (AAPCS-VFP)
    double_fpu: bool     # the FPU has double-precision instructions


# Unicorn's `UC_MODE_MCLASS` flag forces a Cortex-M33 whatever model is asked for, so the
# M-profile cores are chosen by model alone (they are M-profile by definition): the
# Cortex-M0 then really rejects Thumb-2 instructions and unaligned accesses, the M3 has no
# FPU, the M4 a single-precision one and the M7 a double-precision one.
CPU_MODELS = {
    "armv6m": CpuModel("armv6m", "thumb", A.UC_CPU_ARM_CORTEX_M0, "Cortex-M0", False, False),
    "armv7m": CpuModel("armv7m", "thumb", A.UC_CPU_ARM_CORTEX_M3, "Cortex-M3", False, False),
    "armv7em": CpuModel("armv7em", "thumb", A.UC_CPU_ARM_CORTEX_M4, "Cortex-M4", False, False),
    "armv7emsp": CpuModel("armv7emsp", "thumb", A.UC_CPU_ARM_CORTEX_M4, "Cortex-M4F", True, False),
    "armv7emdp": CpuModel("armv7emdp", "thumb", A.UC_CPU_ARM_CORTEX_M7, "Cortex-M7", True, True),
    # SiFive E31: RV32IMAC, no F/D, so a stray float instruction faults as on an ESP32-C3.
    "rv32imc": CpuModel("rv32imc", "riscv", R.UC_CPU_RISCV32_SIFIVE_E31, "RV32IMAC (SiFive E31)",
                        False, False),
}


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def bits_f32(b):
    return struct.unpack("<f", struct.pack("<I", b & MASK32))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bits_f64(b):
    return struct.unpack("<d", struct.pack("<Q", b & 0xFFFFFFFFFFFFFFFF))[0]


class Cpu:
    """A Unicorn CPU plus the calling convention of its firmware architecture."""

    word_size = 4

    def __init__(self, arch):
        if arch not in CPU_MODELS:
            raise ValueError(
                f"no emulated CPU for {arch!r}; this harness runs "
                f"{', '.join(sorted(CPU_MODELS))} (x64 modules run in real MicroPython)")
        self.model = CPU_MODELS[arch]
        self.arch = arch
        self.arch_code = ARCH_CODES[arch]
        m = self.model
        if m.family == "thumb":
            self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB, m.model)
            self.thumb = True
            self.arg_regs = [A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3]
            self.sp_reg, self.lr_reg, self.pc_reg = A.UC_ARM_REG_SP, A.UC_ARM_REG_LR, A.UC_ARM_REG_PC
            self.stack_align = 8
            # Callee-saved state an NLR buffer must capture.
            self.saved_regs = [getattr(A, f"UC_ARM_REG_R{i}") for i in range(4, 12)]
            if m.hard_float:
                self.saved_regs += [getattr(A, f"UC_ARM_REG_S{i}") for i in range(16, 32)]
            # `bx lr`, `bx lr`: never executed (a hook takes over at the first one), but a
            # harmless return if it ever were.
            self.stub_code = struct.pack("<HH", 0x4770, 0x4770)
        else:
            self.uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32, m.model)
            self.thumb = False
            self.arg_regs = [getattr(R, f"UC_RISCV_REG_A{i}") for i in range(8)]
            self.sp_reg, self.lr_reg, self.pc_reg = R.UC_RISCV_REG_SP, R.UC_RISCV_REG_RA, R.UC_RISCV_REG_PC
            self.stack_align = 16
            self.saved_regs = [getattr(R, f"UC_RISCV_REG_S{i}") for i in range(12)]
            self.stub_code = struct.pack("<I", 0x00008067)  # jalr x0, 0(ra)
        self.stub_size = len(self.stub_code)
        self._insn_cache = {}

    # -- registers ---------------------------------------------------------------------

    def reg(self, r):
        return self.uc.reg_read(r)

    def set_reg(self, r, v):
        self.uc.reg_write(r, v & MASK32)

    @property
    def pc(self):
        return self.uc.reg_read(self.pc_reg)

    @property
    def sp(self):
        return self.uc.reg_read(self.sp_reg)

    @property
    def lr(self):
        return self.uc.reg_read(self.lr_reg)

    def code_addr(self, addr):
        """The value a branch to `addr` carries (the Thumb bit on ARM)."""
        return addr | 1 if self.thumb else addr

    # -- calling convention ------------------------------------------------------------

    def read_args(self, kinds):
        """Arguments of the C function just entered, by kind: 'w' word, 'd' double,
        'f' float.  The stack is read at the current SP (entry of the callee)."""
        out = []
        ncrn = 0            # next core (integer) register
        sp = self.sp
        nsaa = sp           # next stacked argument address
        vfp_single = set()  # VFP single registers used (hard-float)
        for k in kinds:
            if k == "d" and self.model.hard_float:
                for d in range(8):
                    if 2 * d not in vfp_single and 2 * d + 1 not in vfp_single:
                        vfp_single.update((2 * d, 2 * d + 1))
                        out.append(bits_f64(self.uc.reg_read(getattr(A, f"UC_ARM_REG_D{d}"))))
                        break
                else:
                    nsaa = (nsaa + 7) & ~7
                    out.append(bits_f64(self._read_stack64(nsaa)))
                    nsaa += 8
            elif k == "f" and self.model.hard_float:
                for s in range(16):
                    if s not in vfp_single:
                        vfp_single.add(s)
                        out.append(bits_f32(self.uc.reg_read(getattr(A, f"UC_ARM_REG_S{s}"))))
                        break
                else:
                    out.append(bits_f32(self._read_stack32(nsaa)))
                    nsaa += 4
            elif k == "d":
                if self.thumb:
                    ncrn = (ncrn + 1) & ~1  # AAPCS: doubleword in an even register pair
                    if ncrn <= len(self.arg_regs) - 2:
                        lo, hi = (self.uc.reg_read(self.arg_regs[ncrn]),
                                  self.uc.reg_read(self.arg_regs[ncrn + 1]))
                        ncrn += 2
                    else:
                        ncrn = len(self.arg_regs)
                        nsaa = (nsaa + 7) & ~7
                        v = self._read_stack64(nsaa)
                        lo, hi = v & MASK32, v >> 32
                        nsaa += 8
                else:
                    # ilp32: any two registers, or split between a7 and the stack.
                    halves = []
                    for _ in range(2):
                        if ncrn < len(self.arg_regs):
                            halves.append(self.uc.reg_read(self.arg_regs[ncrn]))
                            ncrn += 1
                        else:
                            halves.append(self._read_stack32(nsaa))
                            nsaa += 4
                    lo, hi = halves
                out.append(bits_f64(lo | (hi << 32)))
            else:
                if ncrn < len(self.arg_regs):
                    v = self.uc.reg_read(self.arg_regs[ncrn])
                    ncrn += 1
                else:
                    v = self._read_stack32(nsaa)
                    nsaa += 4
                out.append(bits_f32(v) if k == "f" else v)
        return out

    def variadic_words(self, n_fixed, count):
        """`count` words of variadic arguments after `n_fixed` word arguments."""
        words = []
        i = n_fixed
        for _ in range(count):
            if i < len(self.arg_regs):
                words.append(self.uc.reg_read(self.arg_regs[i]))
            else:
                words.append(self._read_stack32(self.sp + 4 * (i - len(self.arg_regs))))
            i += 1
        return words

    def set_result(self, kind, value):
        """Store a C function result of kind 'w', 'd', 'f' or 'v' (void)."""
        if kind == "v":
            return
        if kind == "w":
            self.uc.reg_write(self.arg_regs[0], value & MASK32)
        elif kind == "d":
            b = f64_bits(value)
            if self.model.hard_float:
                self.uc.reg_write(A.UC_ARM_REG_D0, b)
            else:
                self.uc.reg_write(self.arg_regs[0], b & MASK32)
                self.uc.reg_write(self.arg_regs[1], b >> 32)
        elif kind == "f":
            b = f32_bits(value)
            if self.model.hard_float:
                self.uc.reg_write(A.UC_ARM_REG_S0, b)
            else:
                self.uc.reg_write(self.arg_regs[0], b)
        else:
            raise ValueError(kind)

    def result_word(self):
        return self.uc.reg_read(self.arg_regs[0])

    def setup_call(self, fn, args, sp, return_addr):
        """Prepare registers and stack to call C function `fn` (a code address, with the
        Thumb bit where needed) with word arguments `args`, returning to `return_addr`.
        `sp` is the stack pointer of the caller; the callee gets it aligned, minus the
        stacked arguments.  Returns the callee's SP."""
        reg_args = args[:len(self.arg_regs)]
        stack_args = args[len(self.arg_regs):]
        new_sp = (sp - 4 * len(stack_args)) & ~(self.stack_align - 1)
        if stack_args:
            self.uc.mem_write(new_sp, struct.pack(f"<{len(stack_args)}I",
                                                  *(a & MASK32 for a in stack_args)))
        for r, v in zip(self.arg_regs, reg_args):
            self.uc.reg_write(r, v & MASK32)
        self.uc.reg_write(self.sp_reg, new_sp)
        self.uc.reg_write(self.lr_reg, return_addr)
        return new_sp

    def jump(self, addr):
        """Continue execution at `addr` (from inside a hook)."""
        self.uc.reg_write(self.pc_reg, addr)

    def save_callee_state(self):
        return [self.uc.reg_read(r) for r in self.saved_regs]

    def restore_callee_state(self, values):
        for r, v in zip(self.saved_regs, values):
            self.uc.reg_write(r, v)

    def _read_stack32(self, addr):
        return struct.unpack("<I", self.uc.mem_read(addr, 4))[0]

    def _read_stack64(self, addr):
        return struct.unpack("<Q", self.uc.mem_read(addr, 8))[0]

    # -- instruction counting ----------------------------------------------------------

    def count_instructions(self, addr, size):
        """Number of instructions in the basic block [addr, addr+size)."""
        key = (addr, size)
        n = self._insn_cache.get(key)
        if n is None:
            code = bytes(self.uc.mem_read(addr, size))
            n = i = 0
            while i < size:
                hw = code[i] | (code[i + 1] << 8) if i + 1 < size else code[i]
                if self.thumb:
                    i += 4 if (hw >> 11) in (0x1D, 0x1E, 0x1F) else 2
                else:
                    i += 4 if (hw & 3) == 3 else 2
                n += 1
            self._insn_cache[key] = n
        return n
