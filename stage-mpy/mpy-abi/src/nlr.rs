//! Protected calls: run one runtime function under an NLR buffer, so that an exception
//! it raises comes back as a value instead of a `longjmp` over Rust frames.
//!
//! MicroPython raises with `nlr_jump`, which restores the registers saved by the last
//! `nlr_push` and "returns a second time" from it. `nlr_push` can't be called from Rust
//! (a function that returns twice), so a few instructions of assembly per architecture
//! do the push, the call and the pop. The only frames a raise can then unwind are C
//! frames of the runtime and this shim: never a Rust frame.

use crate::exc::Exception;
use crate::raw::{table, NlrBuf, RawObj};
use core::mem::{offset_of, MaybeUninit};
use core::ptr::addr_of;

/// What the shim reads and writes; the field offsets are baked into the assembly.
#[repr(C)]
struct Protected {
    /// `nlr_push` (table entry 32).
    nlr_push: usize,
    /// `nlr_pop` (table entry 33).
    nlr_pop: usize,
    /// The runtime function to call.
    func: usize,
    /// Its word-sized arguments (the fourth is always 0).
    args: [usize; 4],
    /// Its return value.
    ret: usize,
    /// The NLR buffer (filled by `nlr_push`); `ret_val` holds the exception after a
    /// raise.
    nlr: MaybeUninit<NlrBuf>,
}

const W: usize = core::mem::size_of::<usize>();
const _: () = {
    assert!(offset_of!(Protected, nlr_push) == 0);
    assert!(offset_of!(Protected, nlr_pop) == W);
    assert!(offset_of!(Protected, func) == 2 * W);
    assert!(offset_of!(Protected, args) == 3 * W);
    assert!(offset_of!(Protected, ret) == 7 * W);
    assert!(offset_of!(Protected, nlr) == 8 * W);
};

#[cfg(any(target_arch = "x86_64", target_arch = "arm", target_arch = "riscv32"))]
extern "C" {
    /// Returns 0 after a normal return of `p.func` (result in `p.ret`), 1 after a raise
    /// (exception in `p.nlr.ret_val`).
    fn mpy_abi_protected_call(p: *mut Protected) -> usize;
}

// x86-64 System V. `rbx` (callee-saved, restored by `nlr_jump`) holds `p`.
#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".pushsection .text.mpy_abi_protected_call,\"ax\",@progbits",
    ".globl mpy_abi_protected_call",
    ".hidden mpy_abi_protected_call",
    ".type mpy_abi_protected_call,@function",
    ".p2align 4",
    "mpy_abi_protected_call:",
    "push rbx",
    "mov rbx, rdi",
    "lea rdi, [rbx + {nlr}]",
    "call qword ptr [rbx + {push}]",
    "test eax, eax",
    "jnz 2f",
    "mov rdi, qword ptr [rbx + {a0}]",
    "mov rsi, qword ptr [rbx + {a1}]",
    "mov rdx, qword ptr [rbx + {a2}]",
    "mov rcx, qword ptr [rbx + {a3}]",
    "call qword ptr [rbx + {func}]",
    "mov qword ptr [rbx + {ret}], rax",
    "call qword ptr [rbx + {pop}]",
    "xor eax, eax",
    "pop rbx",
    "ret",
    "2:",
    "mov eax, 1",
    "pop rbx",
    "ret",
    ".size mpy_abi_protected_call, . - mpy_abi_protected_call",
    ".popsection",
    push = const offset_of!(Protected, nlr_push),
    pop = const offset_of!(Protected, nlr_pop),
    func = const offset_of!(Protected, func),
    a0 = const offset_of!(Protected, args),
    a1 = const offset_of!(Protected, args) + W,
    a2 = const offset_of!(Protected, args) + 2 * W,
    a3 = const offset_of!(Protected, args) + 3 * W,
    ret = const offset_of!(Protected, ret),
    nlr = const offset_of!(Protected, nlr),
);

// Thumb, restricted to ARMv6-M instructions so one shim serves every Cortex-M.
// `r4` (callee-saved, restored by `nlr_jump`) holds `p`; `push {r4, lr}` keeps the
// stack 8-byte aligned.
#[cfg(target_arch = "arm")]
core::arch::global_asm!(
    ".pushsection .text.mpy_abi_protected_call,\"ax\",%progbits",
    ".globl mpy_abi_protected_call",
    ".hidden mpy_abi_protected_call",
    ".type mpy_abi_protected_call,%function",
    ".syntax unified",
    ".thumb",
    ".thumb_func",
    ".p2align 1",
    "mpy_abi_protected_call:",
    "push {{r4, lr}}",
    "mov r4, r0",
    "adds r0, #{nlr}",
    "ldr r1, [r4, #{push}]",
    "blx r1",
    "cmp r0, #0",
    "bne 2f",
    "ldr r0, [r4, #{func}]",
    "mov r12, r0",
    "ldr r0, [r4, #{a0}]",
    "ldr r1, [r4, #{a1}]",
    "ldr r2, [r4, #{a2}]",
    "ldr r3, [r4, #{a3}]",
    "blx r12",
    "str r0, [r4, #{ret}]",
    "ldr r1, [r4, #{pop}]",
    "blx r1",
    "movs r0, #0",
    "pop {{r4, pc}}",
    "2:",
    "movs r0, #1",
    "pop {{r4, pc}}",
    ".size mpy_abi_protected_call, . - mpy_abi_protected_call",
    ".popsection",
    push = const offset_of!(Protected, nlr_push),
    pop = const offset_of!(Protected, nlr_pop),
    func = const offset_of!(Protected, func),
    a0 = const offset_of!(Protected, args),
    a1 = const offset_of!(Protected, args) + W,
    a2 = const offset_of!(Protected, args) + 2 * W,
    a3 = const offset_of!(Protected, args) + 3 * W,
    ret = const offset_of!(Protected, ret),
    nlr = const offset_of!(Protected, nlr),
);

// RV32. `s0` (callee-saved, restored by `nlr_jump`) holds `p`. No linker relaxation:
// the local branches are resolved by the assembler.
#[cfg(target_arch = "riscv32")]
core::arch::global_asm!(
    ".pushsection .text.mpy_abi_protected_call,\"ax\",@progbits",
    ".globl mpy_abi_protected_call",
    ".hidden mpy_abi_protected_call",
    ".type mpy_abi_protected_call,@function",
    ".option push",
    ".option norelax",
    ".p2align 1",
    "mpy_abi_protected_call:",
    "addi sp, sp, -16",
    "sw ra, 12(sp)",
    "sw s0, 8(sp)",
    "mv s0, a0",
    "lw t0, {push}(s0)",
    "addi a0, s0, {nlr}",
    "jalr t0",
    "bnez a0, 2f",
    "lw t0, {func}(s0)",
    "lw a0, {a0}(s0)",
    "lw a1, {a1}(s0)",
    "lw a2, {a2}(s0)",
    "lw a3, {a3}(s0)",
    "jalr t0",
    "sw a0, {ret}(s0)",
    "lw t0, {pop}(s0)",
    "jalr t0",
    "li a0, 0",
    "j 3f",
    "2:",
    "li a0, 1",
    "3:",
    "lw ra, 12(sp)",
    "lw s0, 8(sp)",
    "addi sp, sp, 16",
    "ret",
    ".option pop",
    ".size mpy_abi_protected_call, . - mpy_abi_protected_call",
    ".popsection",
    push = const offset_of!(Protected, nlr_push),
    pop = const offset_of!(Protected, nlr_pop),
    func = const offset_of!(Protected, func),
    a0 = const offset_of!(Protected, args),
    a1 = const offset_of!(Protected, args) + W,
    a2 = const offset_of!(Protected, args) + 2 * W,
    a3 = const offset_of!(Protected, args) + 3 * W,
    ret = const offset_of!(Protected, ret),
    nlr = const offset_of!(Protected, nlr),
);

#[cfg(all(
    feature = "natmod",
    not(any(target_arch = "x86_64", target_arch = "arm", target_arch = "riscv32"))
))]
compile_error!("mpy-abi: protected calls are implemented for x86_64, Thumb and RV32 only");

/// Stand-in on host architectures without a shim: native-module code never runs there.
#[cfg(not(any(target_arch = "x86_64", target_arch = "arm", target_arch = "riscv32")))]
unsafe fn mpy_abi_protected_call(_p: *mut Protected) -> usize {
    unreachable!("runtime calls only work inside a loaded native module")
}

/// Calls the runtime function at address `func` with three word arguments (the callee
/// ignores those it doesn't take) and returns its result register, or the exception it
/// raised. Only the typed entries below call it. The arguments travel in registers, so
/// a call site is little more than a plain call.
///
/// # Safety
/// As for [`call3`]: `func` takes at most three word arguments compatible with `a`, `b`
/// and `c`.
#[inline(never)]
unsafe fn protected_call(func: usize, a: usize, b: usize, c: usize) -> Result<usize, Exception> {
    let t = table();
    let mut p = Protected {
        nlr_push: t.nlr_push as usize,
        nlr_pop: t.nlr_pop as usize,
        func,
        args: [a, b, c, 0],
        ret: 0,
        nlr: MaybeUninit::uninit(),
    };
    // SAFETY: `p` lives on the C stack for the whole call, as `nlr_push` requires (jump
    // callbacks are ordered by stack address); the buffer is larger than any port's
    // `nlr_buf_t`; `init` refused setjmp-based runtimes, so entry 32 is a real
    // `nlr_push`. The shim saves and restores everything the platform ABI requires, so
    // to Rust it is an ordinary call that may write `p`. The caller vouches for `func`.
    let raised = unsafe { mpy_abi_protected_call(&mut p) };
    if raised == 0 {
        Ok(p.ret)
    } else {
        // SAFETY: `nlr_jump` stores the exception in `ret_val` before jumping back.
        let exc = unsafe { addr_of!((*p.nlr.as_ptr()).ret_val).read() };
        Err(Exception::from_raised(exc as RawObj))
    }
}

/// A value a runtime function takes or returns in one integer register, under the C
/// calling convention of every supported architecture: what a protected call passes
/// through the shim's four argument words and its result word.
pub(crate) trait Word: Copy {
    /// The register's contents.
    fn into_word(self) -> usize;
    /// The value from the result register.
    fn from_word(word: usize) -> Self;
}

macro_rules! word_as_integer {
    ($($ty:ty),*) => {$(
        impl Word for $ty {
            #[inline(always)]
            fn into_word(self) -> usize {
                self as usize
            }
            #[inline(always)]
            fn from_word(word: usize) -> Self {
                word as $ty
            }
        }
    )*};
}

word_as_integer!(usize, isize, u32, i32);

impl<T> Word for *mut T {
    #[inline(always)]
    fn into_word(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn from_word(word: usize) -> Self {
        word as *mut T
    }
}

impl<T> Word for *const T {
    #[inline(always)]
    fn into_word(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn from_word(word: usize) -> Self {
        word as *const T
    }
}

/// A C `bool`: returned in the low byte of the result register (the upper bits are
/// unspecified).
impl Word for bool {
    #[inline(always)]
    fn into_word(self) -> usize {
        self as usize
    }
    #[inline(always)]
    fn from_word(word: usize) -> Self {
        word & 0xff != 0
    }
}

/// `void`: no result.
impl Word for () {
    #[inline(always)]
    fn into_word(self) -> usize {
        0
    }
    #[inline(always)]
    fn from_word(_: usize) -> Self {}
}

/// Calls `f(a)` under an NLR buffer: its result, or the exception it raised.
///
/// # Safety
/// `f` must be a runtime function (or one the runtime handed out, such as a printer's
/// `print_strn`) whose contract `a` satisfies.
#[inline(always)]
pub(crate) unsafe fn call1<A: Word, R: Word>(
    f: unsafe extern "C" fn(A) -> R,
    a: A,
) -> Result<R, Exception> {
    // SAFETY: forwarded; the function takes one word.
    unsafe { protected_call(f as usize, a.into_word(), 0, 0) }.map(R::from_word)
}

/// Calls `f(a, b)` under an NLR buffer: its result, or the exception it raised.
///
/// # Safety
/// As for [`call1`].
#[inline(always)]
pub(crate) unsafe fn call2<A: Word, B: Word, R: Word>(
    f: unsafe extern "C" fn(A, B) -> R,
    a: A,
    b: B,
) -> Result<R, Exception> {
    // SAFETY: forwarded; the function takes two words.
    unsafe { protected_call(f as usize, a.into_word(), b.into_word(), 0) }.map(R::from_word)
}

/// Calls `f(a, b, c)` under an NLR buffer: its result, or the exception it raised.
///
/// # Safety
/// As for [`call1`].
#[inline(always)]
pub(crate) unsafe fn call3<A: Word, B: Word, C: Word, R: Word>(
    f: unsafe extern "C" fn(A, B, C) -> R,
    a: A,
    b: B,
    c: C,
) -> Result<R, Exception> {
    let (a, b, c) = (a.into_word(), b.into_word(), c.into_word());
    // SAFETY: forwarded; the function takes three words.
    unsafe { protected_call(f as usize, a, b, c) }.map(R::from_word)
}

/// Calls the variadic `f(a, b, c)` (such as `mp_printf(print, format, value)`) under an
/// NLR buffer: its result, or the exception it raised.
///
/// # Safety
/// As for [`call1`], and `c` must be what `b`'s format reads (one word).
#[inline(always)]
pub(crate) unsafe fn call3_variadic<A: Word, B: Word, C: Word, R: Word>(
    f: unsafe extern "C" fn(A, B, ...) -> R,
    a: A,
    b: B,
    c: C,
) -> Result<R, Exception> {
    let (a, b, c) = (a.into_word(), b.into_word(), c.into_word());
    // SAFETY: forwarded; integer arguments of a variadic function travel in the same
    // registers as fixed ones on every supported architecture.
    unsafe { protected_call(f as usize, a, b, c) }.map(R::from_word)
}
