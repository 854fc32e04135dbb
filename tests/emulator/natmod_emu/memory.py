"""Emulator memory: the address map, word access helpers and the heap allocator.

Address map (32-bit targets)::

    0x0000_0000  unmapped (NULL and small offsets from it fault)
    0x0010_0000  runtime data, read-only to the CPU: mp_fun_table, the built-in type
                 objects, built-in function objects, qstr characters
    0x0030_0000  runtime code: one stub per host-implemented C function (never executed:
                 a hook runs the Python implementation instead), the return trampoline
    0x1000_0000  module text, one region per loaded module, read+execute after relocation
    0x2000_0000  heap (the GC heap of a real port): module BSS, qstr and object tables,
                 every object the runtime or the module allocates
    0x3000_0000  guard page, then the stack (grows down from its top)
"""

import bisect
import struct

from unicorn import UC_PROT_READ, UC_PROT_WRITE, UC_PROT_EXEC, UC_PROT_ALL

PAGE = 0x1000

RT_DATA_BASE = 0x0010_0000
RT_DATA_SIZE = 0x0020_0000
RT_CODE_BASE = 0x0030_0000
RT_CODE_SIZE = 0x0002_0000
TEXT_BASE = 0x1000_0000
TEXT_LIMIT = 0x1800_0000
HEAP_BASE = 0x2000_0000
STACK_GUARD = 0x3000_0000

#: Allocation granule of the heap, as MicroPython's GC on 32-bit ports (4 words).
GRANULE = 16
#: Byte written over freed heap memory: reads of it give 0xDBDBDBDB, an unmapped address.
FREE_POISON = 0xDB
#: Byte the stack is filled with, to measure how deep a call went.
STACK_FILL = 0xCD


def round_up(n, a):
    return (n + a - 1) & ~(a - 1)


class Memory:
    """Word/byte access to emulator memory plus the fixed regions of the address map."""

    def __init__(self, uc, heap_size, stack_size):
        self.uc = uc
        self.heap_size = round_up(heap_size, PAGE)
        self.stack_size = round_up(stack_size, PAGE)
        self._regions = []  # (start, end) of every mapped region
        self._map(RT_DATA_BASE, RT_DATA_SIZE, UC_PROT_READ)
        self._map(RT_CODE_BASE, RT_CODE_SIZE, UC_PROT_READ | UC_PROT_EXEC)
        self._map(HEAP_BASE, self.heap_size, UC_PROT_READ | UC_PROT_WRITE)
        self.stack_base = STACK_GUARD + PAGE
        self.stack_top = self.stack_base + self.stack_size
        self._map(self.stack_base, self.stack_size, UC_PROT_READ | UC_PROT_WRITE)
        self._rt_data_next = RT_DATA_BASE
        self._text_next = TEXT_BASE
        self.text_regions = []  # (start, end, name)
        self.heap = Heap(self, HEAP_BASE, self.heap_size)
        self.fill_stack()

    def _map(self, start, size, perms):
        self.uc.mem_map(start, size, perms)
        self._regions.append((start, start + size))

    # -- access ------------------------------------------------------------------------

    def read(self, addr, n):
        return bytes(self.uc.mem_read(addr, n)) if n else b""

    def write(self, addr, data):
        if data:
            self.uc.mem_write(addr, bytes(data))

    def u8(self, addr):
        return self.uc.mem_read(addr, 1)[0]

    def u16(self, addr):
        return struct.unpack("<H", self.uc.mem_read(addr, 2))[0]

    def u32(self, addr):
        return struct.unpack("<I", self.uc.mem_read(addr, 4))[0]

    def i32(self, addr):
        return struct.unpack("<i", self.uc.mem_read(addr, 4))[0]

    def words(self, addr, n):
        return list(struct.unpack(f"<{n}I", self.uc.mem_read(addr, 4 * n))) if n else []

    def set_u8(self, addr, v):
        self.uc.mem_write(addr, bytes([v & 0xFF]))

    def set_u16(self, addr, v):
        self.uc.mem_write(addr, struct.pack("<H", v & 0xFFFF))

    def set_u32(self, addr, v):
        self.uc.mem_write(addr, struct.pack("<I", v & 0xFFFFFFFF))

    def set_words(self, addr, values):
        if values:
            self.uc.mem_write(addr, struct.pack(f"<{len(values)}I",
                                                *(v & 0xFFFFFFFF for v in values)))

    def cstr(self, addr, limit=4096):
        """The NUL-terminated byte string at `addr` (without the NUL)."""
        out = bytearray()
        while len(out) < limit:
            chunk = self.read(addr + len(out), 64)
            i = chunk.find(b"\0")
            if i >= 0:
                out += chunk[:i]
                return bytes(out)
            out += chunk
        raise ValueError(f"no NUL within {limit} bytes of 0x{addr:08x}")

    def is_mapped(self, addr, n=1):
        for start, end in self._regions:
            if start <= addr and addr + n <= end:
                return True
        return False

    # -- static regions ----------------------------------------------------------------

    def place_rt_data(self, data, align=4):
        """Copy `data` into the read-only runtime data region; returns its address."""
        addr = round_up(self._rt_data_next, align)
        if addr + len(data) > RT_DATA_BASE + RT_DATA_SIZE:
            raise MemoryError("runtime data region full")
        self.write(addr, data)
        self._rt_data_next = addr + max(len(data), 1)
        return addr

    def reserve_rt_data(self, size, align=4):
        return self.place_rt_data(bytes(size), align)

    def map_text(self, size, name):
        """A fresh writable region for a module's text (see `protect_text`)."""
        start = self._text_next
        length = round_up(max(size, 1), PAGE)
        if start + length > TEXT_LIMIT:
            raise MemoryError("text region full")
        self._map(start, length, UC_PROT_ALL)
        self._text_next = start + length + PAGE  # leave an unmapped guard page
        self.text_regions.append((start, start + size, name))
        return start

    def protect_text(self, start, size):
        """Text is read+execute once relocated: a module writing to it faults."""
        self.uc.mem_protect(start, round_up(max(size, 1), PAGE), UC_PROT_READ | UC_PROT_EXEC)

    def in_text(self, addr):
        return any(s <= addr < e for s, e, _ in self.text_regions)

    # -- stack -------------------------------------------------------------------------

    def fill_stack(self):
        self.write(self.stack_base, bytes([STACK_FILL]) * self.stack_size)

    def stack_used(self):
        """Bytes of stack touched since the last `fill_stack()`."""
        data = self.read(self.stack_base, self.stack_size)
        return self.stack_size - (len(data) - len(data.lstrip(bytes([STACK_FILL]))))

    # -- diagnostics -------------------------------------------------------------------

    def describe(self, addr):
        """Where `addr` is, in words."""
        for s, e, name in self.text_regions:
            if s <= addr < round_up(e, PAGE):
                return f"{name}+0x{addr - s:x}"
        if RT_DATA_BASE <= addr < RT_DATA_BASE + RT_DATA_SIZE:
            return "runtime data (read-only)"
        if RT_CODE_BASE <= addr < RT_CODE_BASE + RT_CODE_SIZE:
            return "runtime stubs"
        if HEAP_BASE <= addr < HEAP_BASE + self.heap_size:
            return self.heap.describe(addr)
        if STACK_GUARD <= addr < self.stack_base:
            return "stack guard page (stack overflow)"
        if self.stack_base <= addr < self.stack_top:
            return f"stack (top-0x{self.stack_top - addr:x})"
        if addr < 0x10000:
            return "near NULL"
        return "unmapped"


class Heap:
    """A first-fit allocator with MicroPython's `gc_realloc` semantics.

    Blocks are 16-byte granules; new memory is zeroed; freed memory is poisoned so that a
    use after free reads garbage (0xDBDBDBDB, an unmapped address when used as a pointer).
    """

    def __init__(self, mem, base, size):
        self.mem = mem
        self.base = base
        self.size = size
        self.blocks = {}   # address -> (size, label)
        self._free_starts = [base]
        self._free_sizes = {base: size}
        self.peak = 0
        self.in_use = 0

    def _take(self, n):
        for i, start in enumerate(self._free_starts):
            size = self._free_sizes[start]
            if size >= n:
                del self._free_starts[i]
                del self._free_sizes[start]
                if size > n:
                    rest = start + n
                    bisect.insort(self._free_starts, rest)
                    self._free_sizes[rest] = size - n
                return start
        return None

    def _give(self, start, n):
        i = bisect.bisect_left(self._free_starts, start)
        # merge with the following free range
        if i < len(self._free_starts) and self._free_starts[i] == start + n:
            nxt = self._free_starts.pop(i)
            n += self._free_sizes.pop(nxt)
        # merge with the preceding free range
        if i > 0:
            prev = self._free_starts[i - 1]
            if prev + self._free_sizes[prev] == start:
                self._free_sizes[prev] += n
                return
        self._free_starts.insert(i, start)
        self._free_sizes[start] = n

    def alloc(self, n, label="", zero=True):
        """Address of a new block of at least `n` bytes, or 0 if the heap is full
        (or n == 0, as `gc_alloc`)."""
        if n <= 0:
            return 0
        size = round_up(n, GRANULE)
        addr = self._take(size)
        if addr is None:
            return 0
        if zero:
            self.mem.write(addr, bytes(size))
        self.blocks[addr] = (size, label)
        self.in_use += size
        self.peak = max(self.peak, self.in_use)
        return addr

    def free(self, addr):
        size, _ = self.blocks.pop(addr)
        self.in_use -= size
        self.mem.write(addr, bytes([FREE_POISON]) * size)
        self._give(addr, size)

    def block_size(self, addr):
        entry = self.blocks.get(addr)
        return entry[0] if entry else None

    def realloc(self, addr, n, allow_move):
        """`gc_realloc(ptr, n, allow_move)`: NULL allocates, n == 0 frees (returns 0),
        otherwise resizes in place if possible, else moves if allowed, else returns 0.
        Raises KeyError if `addr` is not the start of a live block."""
        if addr == 0:
            return self.alloc(n, "realloc_")
        if addr not in self.blocks:
            raise KeyError(addr)
        if n == 0:
            self.free(addr)
            return 0
        size, label = self.blocks[addr]
        want = round_up(n, GRANULE)
        if want <= size:
            if want < size:
                self.blocks[addr] = (want, label)
                self.in_use -= size - want
                self.mem.write(addr + want, bytes([FREE_POISON]) * (size - want))
                self._give(addr + want, size - want)
            return addr
        # grow in place if the following range is free and big enough
        nxt = addr + size
        extra = want - size
        if self._free_sizes.get(nxt, 0) >= extra:
            i = bisect.bisect_left(self._free_starts, nxt)
            del self._free_starts[i]
            avail = self._free_sizes.pop(nxt)
            if avail > extra:
                bisect.insort(self._free_starts, nxt + extra)
                self._free_sizes[nxt + extra] = avail - extra
            self.mem.write(nxt, bytes(extra))
            self.blocks[addr] = (want, label)
            self.in_use += extra
            self.peak = max(self.peak, self.in_use)
            return addr
        if not allow_move:
            return 0
        new = self.alloc(n, label)
        if not new:
            return 0
        self.mem.write(new, self.mem.read(addr, size))
        self.free(addr)
        return new

    def describe(self, addr):
        starts = sorted(self.blocks)
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0:
            s = starts[i]
            size, label = self.blocks[s]
            if addr < s + size:
                return f"heap block 0x{s:08x}+{addr - s} ({label or 'unlabelled'}, {size} bytes)"
        return "free heap memory"
