"""Runs module code: one Unicorn emulation per top-level call, with host code (Python
generators) and module code calling each other freely on one stack.

How control moves:

* Module code calls a runtime function: it branches to a stub; a code hook on the stub
  region runs the Python implementation, stores the result in the return register(s) and
  sets PC to LR.  The stub instruction itself never executes.
* Host code needs module code (a type slot, a module function): its generator yields a
  `NativeCall`; the engine sets up the C call below the current SP with LR pointing at the
  return trampoline, and the hook on the trampoline resumes the generator with the result.
* A MicroPython exception (`MpRaise`) unwinds to the innermost handler: a host generator
  (thrown into it) or a native `nlr_push` (registers restored, `nlr_push` returns 1).
  Uncaught, it ends the top-level call.

An instruction budget (Unicorn's instruction count limit) turns an endless loop into an
error; a block hook over module text counts executed instructions and, for Thumb code,
Cortex-M0+ cycles by the model of `m0plus` (a conditional branch that ends a block is
taken when the next block does not start right after it); with `profile`, it also counts
how often each block runs, for tests/emulator/profile.py.
"""

import inspect

from unicorn import UcError, UC_HOOK_CODE, UC_HOOK_BLOCK, UC_HOOK_MEM_INVALID
from unicorn import unicorn_const as UCC

from . import m0plus
from .errors import EmulatorError, MpRaise
from .memory import RT_CODE_BASE, RT_CODE_SIZE, TEXT_BASE, TEXT_LIMIT
from .runtime import NativeCall


class _GenFrame:
    __slots__ = ("gen", "return_pc", "sp", "ret", "name", "waiting", "call_sp")

    def __init__(self, gen, return_pc, sp, ret, name):
        self.gen, self.return_pc, self.sp, self.ret, self.name = gen, return_pc, sp, ret, name
        self.waiting = False
        self.call_sp = None


class _NlrFrame:
    __slots__ = ("buf", "regs", "sp", "return_pc", "prev")

    def __init__(self, buf, regs, sp, return_pc, prev):
        self.buf, self.regs, self.sp, self.return_pc, self.prev = buf, regs, sp, return_pc, prev


class CallStats:
    """What one top-level call cost."""

    def __init__(self):
        self.instructions = 0     # instructions executed in module text (0 if not counted)
        self.cycles = 0           # their Cortex-M0+ cycles by the m0plus model (Thumb only)
        self.blocks = {}          # with profiling: (address, size) of a block -> runs
        self.call_sites = {}      # with profiling: (runtime function, return address) -> calls
        self.runtime_calls = {}   # mp_fun_table entry / host function name -> calls
        self.host_calls = 0       # calls of Python-side functions and methods
        self.stack_bytes = 0      # deepest stack use
        self.heap_peak = 0

    def __repr__(self):
        return (f"CallStats(instructions={self.instructions}, stack_bytes={self.stack_bytes}, "
                f"runtime_calls={sum(self.runtime_calls.values())}, host_calls={self.host_calls})")


_ACCESS = {UCC.UC_MEM_READ_UNMAPPED: "read of unmapped", UCC.UC_MEM_WRITE_UNMAPPED: "write to unmapped",
           UCC.UC_MEM_FETCH_UNMAPPED: "fetch from unmapped", UCC.UC_MEM_WRITE_PROT: "write to read-only",
           UCC.UC_MEM_READ_PROT: "read of unreadable", UCC.UC_MEM_FETCH_PROT: "fetch from non-executable"}


class Engine:
    def __init__(self, cpu, mem, runtime, budget, count_instructions, profile=False):
        self.cpu = cpu
        self.uc = cpu.uc
        self.mem = mem
        self.rt = runtime
        runtime.engine = self
        self.budget = budget
        self.count_instructions = count_instructions
        self.profile = profile
        self._block_info = {}     # (address, size) -> (instructions, cycles, end if cond)
        self._cond_end = None     # where the last block's conditional branch falls through
        self.frames = []
        self.active = False
        self.next_pc = None
        self.outcome = None
        self.bad_access = None
        self.stats = CallStats()
        self.host_calls = 0
        self.resume_code = cpu.code_addr(runtime.resume_addr)
        self.uc.hook_add(UC_HOOK_CODE, self._on_runtime_code,
                         begin=RT_CODE_BASE, end=RT_CODE_BASE + RT_CODE_SIZE - 1)
        self.uc.hook_add(UC_HOOK_MEM_INVALID, self._on_bad_access)
        if count_instructions:
            self.uc.hook_add(UC_HOOK_BLOCK, self._on_block, begin=TEXT_BASE, end=TEXT_LIMIT - 1)

    # ------------------------------------------------------------------ top level

    def run(self, gen, name="call", record=True):
        """Drive host generator `gen` to completion, running module code as it asks.
        Returns its result; raises MpRaise if a MicroPython exception escapes it and
        EmulatorError if the emulation fails.  `stats` describes this call afterwards,
        unless `record` is false."""
        if self.active:
            raise EmulatorError("re-entrant call into the emulator (from a host callback?)")
        self.active = True
        previous = self.stats
        self.stats = CallStats()
        self.host_calls = 0
        self.outcome = None
        self.bad_access = None
        self.rt.nlr_top = 0
        self._cond_end = None
        heap_before = self.mem.heap.in_use
        self.mem.heap.peak = heap_before
        self.mem.fill_stack()
        self.frames = [_GenFrame(gen, None, self.mem.stack_top, "w", name)]
        try:
            if self._resume():
                self._emulate()
        finally:
            self.active = False
            self.frames = []
            self.stats.host_calls = self.host_calls
            self.stats.stack_bytes = self.mem.stack_used()
            self.stats.heap_peak = self.mem.heap.peak - heap_before
            if not record:
                self.stats = previous
        kind, value = self.outcome
        if kind == "ok":
            return value
        raise value

    def _emulate(self):
        try:
            self.uc.emu_start(self.next_pc, self.rt.exit_addr, count=self.budget)
        except UcError as e:
            if self.outcome is None:
                self.outcome = ("fail", self._fault(e))
        if self.outcome is None:
            pc = self.cpu.pc
            if (pc & ~1) == self.rt.exit_addr:
                self.outcome = ("fail", EmulatorError("execution reached the runtime exit point"))
            else:
                self.outcome = ("fail", EmulatorError(
                    f"instruction budget of {self.budget:,} exhausted at pc=0x{pc:08x} "
                    f"({self.mem.describe(pc & ~1)}): an endless loop?"))

    # ------------------------------------------------------------------ frames

    def _resume(self, value=None, exc=None):
        """Feed `value` (or throw `exc`) into the innermost handler and keep going until
        module code has to run (returns True, `next_pc` set) or the top-level call is over
        (returns False, `outcome` set)."""
        while True:
            frame = self.frames[-1]
            if isinstance(frame, _NlrFrame):
                if exc is None:
                    raise EmulatorError("internal: value sent to an nlr frame")
                self.frames.pop()
                self._nlr_land(frame, exc.obj)
                return True
            frame.waiting = False
            try:
                req = frame.gen.throw(exc) if exc is not None else frame.gen.send(value)
            except StopIteration as stop:
                self.frames.pop()
                if frame.return_pc is None:
                    self.outcome = ("ok", stop.value)
                    return False
                result = 0 if stop.value is None else stop.value
                self.cpu.set_reg(self.cpu.sp_reg, frame.sp)
                self.cpu.set_result(frame.ret, result)
                self.next_pc = frame.return_pc
                return True
            except MpRaise as e:
                self.frames.pop()
                if frame.return_pc is None:
                    self.outcome = ("raise", e)
                    return False
                exc, value = e, None
                continue
            if not isinstance(req, NativeCall):
                raise EmulatorError(f"internal: host code yielded {req!r}")
            frame.waiting = True
            frame.call_sp = self.cpu.setup_call(req.fn, req.args, frame.sp, self.resume_code)
            self.next_pc = req.fn
            return True

    def nlr_push(self, buf):
        """`nlr_push(buf)`, native flavour: remember the caller's callee-saved registers,
        SP and return address; an exception raised later lands there with 1."""
        if not self.mem.is_mapped(buf, 8):
            raise EmulatorError(f"nlr_push(0x{buf:08x}): buffer not in mapped memory")
        frame = _NlrFrame(buf, self.cpu.save_callee_state(), self.cpu.sp, self.cpu.lr, self.rt.nlr_top)
        self.mem.set_u32(buf, self.rt.nlr_top)
        self.rt.nlr_top = buf
        self.frames.append(frame)
        return 0

    def nlr_pop(self):
        frame = self.frames[-1] if self.frames else None
        if not isinstance(frame, _NlrFrame):
            raise EmulatorError("nlr_pop() without a matching nlr_push() in the same C frame")
        self.frames.pop()
        self.rt.nlr_top = frame.prev

    def _nlr_land(self, frame, exc_obj):
        self.rt.nlr_top = frame.prev
        self.mem.set_u32(frame.buf + 4, exc_obj)
        self.cpu.restore_callee_state(frame.regs)
        self.cpu.set_reg(self.cpu.sp_reg, frame.sp)
        self.cpu.set_result("w", 1)
        self.next_pc = frame.return_pc

    # ------------------------------------------------------------------ hooks

    def _on_runtime_code(self, uc, addr, size, _user):
        try:
            if addr == self.rt.resume_addr:
                more = self._on_return()
            else:
                more = self._on_stub(addr)
            if more:
                self.cpu.jump(self.next_pc)
            else:
                uc.emu_stop()
        except BaseException as e:  # noqa: BLE001 - reported after emu_start returns
            self.outcome = ("fail", e)
            uc.emu_stop()

    def _on_return(self):
        frame = self.frames[-1]
        if isinstance(frame, _NlrFrame):
            raise EmulatorError("module code returned to the runtime with an nlr_push() still "
                                "active (missing nlr_pop())")
        if not frame.waiting:
            raise EmulatorError("internal: return to a host frame that did not call out")
        if self.cpu.sp != frame.call_sp:
            # a callee must restore SP; report rather than continue on a corrupt stack
            raise EmulatorError(f"module function returned with SP=0x{self.cpu.sp:08x}, "
                                f"expected 0x{frame.call_sp:08x} (stack imbalance)")
        return self._resume(value=self.cpu.result_word())

    def _on_stub(self, addr):
        hf = self.rt.host_fn_at(addr)
        if hf is None:
            raise EmulatorError(f"jump into the runtime stub area at 0x{addr:08x}, which is "
                                f"not a function entry")
        args = self.cpu.read_args(hf.args)
        return_pc, sp = self.cpu.lr, self.cpu.sp
        calls = self.stats.runtime_calls
        calls[hf.name] = calls.get(hf.name, 0) + 1
        if self.profile:
            site = (hf.name, return_pc & ~1)
            self.stats.call_sites[site] = self.stats.call_sites.get(site, 0) + 1
        try:
            r = hf.impl(*args)
        except MpRaise as e:
            return self._resume(exc=e)
        if inspect.isgenerator(r):
            self.frames.append(_GenFrame(r, return_pc, sp, hf.ret, hf.name))
            return self._resume()
        self.cpu.set_result(hf.ret, 0 if r is None else r)
        self.next_pc = return_pc
        return True

    def _on_block(self, uc, addr, size, _user):
        key = (addr, size)
        info = self._block_info.get(key)
        if info is None:
            n = self.cpu.count_instructions(addr, size)
            cycles, cond_end = 0, None
            if self.cpu.thumb:
                insns = m0plus.block(bytes(uc.mem_read(addr, size)))
                cycles = sum(c for _, c, _ in insns)
                if insns and insns[-1][2] == "cond":
                    cond_end = addr + size
            info = self._block_info[key] = (n, cycles, cond_end)
        stats = self.stats
        if self._cond_end is not None and addr != self._cond_end:
            stats.cycles += 1  # the previous block's branch was taken
        stats.instructions += info[0]
        stats.cycles += info[1]
        self._cond_end = info[2]
        if self.profile:
            stats.blocks[key] = stats.blocks.get(key, 0) + 1

    def _on_bad_access(self, uc, access, addr, size, value, _user):
        self.bad_access = (access, addr, size)
        return False

    def _fault(self, e):
        pc = self.cpu.pc
        where = self.mem.describe(pc & ~1)
        msg = f"CPU fault at pc=0x{pc:08x} ({where}): {e}"
        if self.bad_access:
            access, addr, size = self.bad_access
            msg += (f"; {_ACCESS.get(access, f'access {access} to')} memory, {size} bytes at "
                    f"0x{addr:08x} ({self.mem.describe(addr)})")
        if e.errno in (UCC.UC_ERR_INSN_INVALID, UCC.UC_ERR_EXCEPTION):
            try:
                msg += f"; instruction bytes {self.mem.read(pc & ~1, 4).hex(' ')}"
            except UcError:
                pass
        if self.cpu.arch == "armv6m":
            if e.errno == UCC.UC_ERR_INSN_INVALID:
                msg += " (an instruction the Cortex-M0 lacks: Thumb-2 is not ARMv6-M)"
            elif e.errno == UCC.UC_ERR_EXCEPTION:
                msg += " (the Cortex-M0 faults on unaligned loads and stores)"
        lr = self.cpu.lr
        caller = ("the harness" if (lr & ~1) == self.rt.resume_addr
                  else self.mem.describe(lr & ~1))
        msg += f"; lr=0x{lr:08x} ({caller})"
        return EmulatorError(msg)
