//! A static the exports share, with a flag that makes every access exclusive.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// A value in a `static`, reached only through [`Shared::with`], which holds a flag for
/// the duration of the access: two accesses can never overlap (a second one, from
/// another thread of a host build or from re-entry, gets `None`). WebAssembly runs the
/// exports one at a time, so there it is never refused.
///
/// ```
/// use stage_wasm::Shared;
/// static COUNT: Shared<u32> = Shared::new(0);
/// assert_eq!(COUNT.with(|n| { *n += 1; *n }), Some(1));
/// assert_eq!(COUNT.with(|_| COUNT.with(|n| *n)), Some(None)); // nested: refused
/// ```
#[derive(Debug)]
pub struct Shared<T> {
    busy: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through `with`, which gives out a `&mut T` only
// while `busy` is held, so at most one thread touches it at a time; `T` itself must be
// `Send` to be handed between threads that way.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// A shared `value`.
    pub const fn new(value: T) -> Self {
        Shared {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` on the value, or returns `None` if it is in use.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return None;
        }
        // SAFETY: `busy` was false and is now ours, so no other `&mut T` exists (every
        // access takes the flag first) until it is released below.
        let result = f(unsafe { &mut *self.value.get() });
        self.busy.store(false, Ordering::Release);
        Some(result)
    }

    /// The address of the value, for a host (JavaScript) that reads or writes it
    /// between calls, when no Rust reference to it exists.
    pub fn as_ptr(&self) -> *mut T {
        self.value.get()
    }
}
