//! What the final native-module build needs from the crate (feature `natmod`): a panic
//! handler and the memory functions LLVM emits calls to (on ARM also under their EABI
//! names, `__aeabi_memcpy` and friends). Only compiled for `panic = "abort"` builds
//! outside this crate's tests, so host builds keep std's.

use crate::raw::table;
use core::ffi::{c_int, c_void};

/// Panics raise `RuntimeError("Rust panic")`. The message is ignored: formatting it
/// would pull `core::fmt` into the module.
///
/// The raise unwinds the panicking frames without running destructors, like the
/// `abort` the build asks for; module code is written not to panic (see the crate
/// documentation).
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    crate::exc!(RuntimeError, "Rust panic").raise()
}

/// `memcpy`, forwarded to the runtime's `memmove`.
///
/// # Safety
/// The C contract of `memcpy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: `memmove` accepts everything `memcpy` does.
    unsafe { (table().memmove_)(dest, src, n) }
}

/// `memmove`, forwarded to the runtime's.
///
/// # Safety
/// The C contract of `memmove`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { (table().memmove_)(dest, src, n) }
}

/// `memset`, forwarded to the runtime's.
///
/// # Safety
/// The C contract of `memset`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut c_void, c: c_int, n: usize) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { (table().memset_)(dest, c, n) }
}

/// `memcmp` (not in the runtime's table): a byte loop.
///
/// # Safety
/// The C contract of `memcmp`: both ranges readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`, both ranges are readable for `n` bytes.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp`: zero if the ranges are equal.
///
/// # Safety
/// The C contract of `bcmp`: both ranges readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    // SAFETY: same contract.
    unsafe { memcmp(a, b, n) }
}

/// The ARM EABI memory functions (what LLVM calls on Thumb targets for copies and
/// fills), forwarded to the runtime like the C names above. Without them the linker
/// takes `compiler_builtins`' versions, which don't call `memcpy`/`memset` but its own
/// generic Rust implementations: about 1.2 KB more on armv6m.
#[cfg(target_arch = "arm")]
mod aeabi {
    use crate::raw::table;
    use core::ffi::c_void;

    macro_rules! copy {
        ($($name:ident),*) => {$(
            /// `memcpy`/`memmove` under its EABI name, forwarded to the runtime's `memmove`.
            ///
            /// # Safety
            /// The C contract of `memmove`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $name(dest: *mut c_void, src: *const c_void, n: usize) {
                // SAFETY: same contract.
                unsafe { (table().memmove_)(dest, src, n) };
            }
        )*};
    }
    copy!(
        __aeabi_memcpy,
        __aeabi_memcpy4,
        __aeabi_memcpy8,
        __aeabi_memmove,
        __aeabi_memmove4,
        __aeabi_memmove8
    );

    macro_rules! set {
        ($($name:ident),*) => {$(
            /// `__aeabi_memset` (note the argument order: length before value), forwarded
            /// to the runtime's `memset`.
            ///
            /// # Safety
            /// The C contract of `memset`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $name(dest: *mut c_void, n: usize, c: core::ffi::c_int) {
                // SAFETY: same contract.
                unsafe { (table().memset_)(dest, c, n) };
            }
        )*};
    }
    set!(__aeabi_memset, __aeabi_memset4, __aeabi_memset8);

    macro_rules! clear {
        ($($name:ident),*) => {$(
            /// `__aeabi_memclr`: zero `n` bytes, forwarded to the runtime's `memset`.
            ///
            /// # Safety
            /// The C contract of `memset`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $name(dest: *mut c_void, n: usize) {
                // SAFETY: same contract.
                unsafe { (table().memset_)(dest, 0, n) };
            }
        )*};
    }
    clear!(__aeabi_memclr, __aeabi_memclr4, __aeabi_memclr8);
}
