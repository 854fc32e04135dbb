//! Exceptions as plain values.
//!
//! Module code never raises: it returns `Err(Exception)`, and the trampoline that the
//! runtime called raises it after the module's function has returned. Exceptions raised
//! by the runtime during a call are caught (see `nlr.rs`) and come back as
//! `Err(Exception)` too, to be handled or propagated with `?`.

use crate::obj::Obj;
use crate::raw::{table, ObjType, RawObj};
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::ptr::NonNull;

/// The builtin exception types the crate can raise by name.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
#[repr(u8)]
pub enum ExcKind {
    /// `Exception`.
    Exception,
    /// `TypeError`.
    TypeError,
    /// `ValueError`.
    ValueError,
    /// `OverflowError`.
    OverflowError,
    /// `MemoryError`.
    MemoryError,
    /// `RuntimeError`.
    RuntimeError,
    /// `AttributeError`.
    AttributeError,
    /// `IndexError`.
    IndexError,
    /// `KeyError`.
    KeyError,
    /// `NotImplementedError`.
    NotImplementedError,
    /// `OSError`.
    OSError,
    /// `ZeroDivisionError`.
    ZeroDivisionError,
    /// `StopIteration`.
    StopIteration,
}

const KINDS: usize = 13;

/// Static qstr of each kind's name, indexed by `ExcKind as usize`.
const KIND_QSTRS: [u8; KINDS] = [36, 54, 55, 49, 44, 50, 32, 40, 41, 47, 48, 56, 51];

impl ExcKind {
    /// The qstr of the type's name.
    pub const fn name(self) -> crate::Qstr {
        crate::Qstr::__static(KIND_QSTRS[self as usize] as u16)
    }
}

/// A static exception message: the type and a NUL-terminated text, built at compile time
/// by [`exc!`](crate::exc!).
pub struct ExcMsg {
    kind: ExcKind,
    /// Ends with a NUL byte (checked by [`ExcMsg::new`]).
    text: &'static str,
}

impl ExcMsg {
    /// A message; `text` must end with `"\0"` (checked; a compile error in constants).
    pub const fn new(kind: ExcKind, text: &'static str) -> ExcMsg {
        let b = text.as_bytes();
        assert!(!b.is_empty() && b[b.len() - 1] == 0);
        ExcMsg { kind, text }
    }

    /// The exception type.
    pub const fn kind(&self) -> ExcKind {
        self.kind
    }

    /// The text, without the terminating NUL.
    pub fn text(&self) -> &'static str {
        match self.text.as_bytes().split_last() {
            // SAFETY: dropping the final byte, an ASCII NUL, leaves valid UTF-8.
            Some((_, rest)) => unsafe { core::str::from_utf8_unchecked(rest) },
            None => "",
        }
    }
}

/// An exception to raise or propagate: `Copy`, one word.
///
/// Either a static message (type + text, the exception object is created only when it
/// is raised) or an exception object (caught from the runtime, or created with
/// [`Py::exception`](crate::Py::exception) / [`Exception::from_obj`]).
#[derive(Clone, Copy)]
pub struct Exception(NonNull<c_void>);

/// A static message from a type and a string literal (no allocation, no formatting):
/// `exc!(ValueError, "palette must be 32 bytes long")`.
///
/// With the runtime token and numbers, builds the message now, replacing each `{}` by the
/// next number: `exc!(py, TypeError, "layers[{}] is not a Layer or Text", i)`.
#[macro_export]
macro_rules! exc {
    ($kind:ident, $msg:literal $(,)?) => {
        $crate::Exception::from_static(const {
            &$crate::ExcMsg::new($crate::ExcKind::$kind, concat!($msg, "\0"))
        })
    };
    ($py:expr, $kind:ident, $msg:literal, $($arg:expr),+ $(,)?) => {
        $crate::Py::exception($py, $crate::ExcKind::$kind, $msg, &[$(($arg) as isize),+])
    };
}

impl Exception {
    /// An exception with a static message (see [`exc!`](crate::exc!)).
    pub fn from_static(msg: &'static ExcMsg) -> Exception {
        let p = NonNull::from(msg).cast::<c_void>();
        // `ExcMsg` is pointer-aligned, so bit 0 is free for the tag.
        Exception(p.map_addr(|a| a | 1))
    }

    /// Raising `obj`: an exception instance (or an exception type). Other objects make
    /// the runtime raise a `TypeError` (immediate objects: a `RuntimeError`) instead.
    pub fn from_obj(obj: Obj) -> Exception {
        Exception::from_raised(obj.raw())
    }

    /// An exception caught from the runtime (never NULL; NULL is mapped to a RuntimeError).
    pub(crate) fn from_raised(raw: RawObj) -> Exception {
        static LOST: ExcMsg = ExcMsg::new(ExcKind::RuntimeError, "exception lost\0");
        match NonNull::new(raw) {
            // Objects are word-aligned: bit 0 clear.
            Some(p) if p.addr().get() & 1 == 0 => Exception(p),
            _ => Exception::from_static(&LOST),
        }
    }

    /// The static message, if this exception is one.
    pub fn message(self) -> Option<&'static ExcMsg> {
        if self.0.addr().get() & 1 == 1 {
            let p = self.0.as_ptr().map_addr(|a| a & !1).cast::<ExcMsg>();
            // SAFETY: a tagged pointer is only ever made from a `&'static ExcMsg`.
            Some(unsafe { &*p })
        } else {
            None
        }
    }

    /// The exception object, if this is one (caught or created).
    pub fn object(self) -> Option<Obj> {
        if self.0.addr().get() & 1 == 0 {
            // SAFETY: untagged values are exception objects (or objects to raise).
            Some(unsafe { Obj::from_raw(self.0.as_ptr()) })
        } else {
            None
        }
    }

    /// Raises the exception. Only trampolines call this, after the module's function
    /// has returned, from frames that hold nothing but `Copy` data.
    #[cold]
    #[inline(never)]
    pub(crate) fn raise(self) -> ! {
        let t = table();
        match self.message() {
            Some(m) => {
                let ty = exception_type(m.kind);
                if let Some(raise_msg) = t.raise_msg {
                    // SAFETY: `ty` is an exception type and `m.text` is NUL-terminated
                    // static text (the runtime may keep a pointer to it).
                    unsafe { raise_msg(ty, m.text.as_ptr().cast()) }
                }
                // Firmware without error messages: raise the bare type.
                // SAFETY: raising a type object instantiates it; this never returns.
                unsafe { (t.raise)(ty as RawObj) }
            }
            // SAFETY: raising any non-NULL, non-None object never returns.
            None => unsafe { (t.raise)(self.0.as_ptr()) },
        }
        // `raise` only returns for None; make sure something is raised anyway.
        loop {
            // SAFETY: raising the `Exception` type never returns.
            unsafe { (t.raise)(t.type_exception as RawObj) }
        }
    }
}

#[cfg(test)]
impl core::fmt::Debug for Exception {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.message() {
            Some(m) => write!(f, "{:?}({:?})", m.kind(), m.text()),
            None => write!(f, "Exception(object {:p})", self.0),
        }
    }
}

/// Index of `bytes` in the builtin-type table, after the exception kinds.
pub(crate) const BYTES: usize = KINDS;
const BUILTINS: usize = KINDS + 1;
/// Static qstr of every looked-up builtin type name.
const BUILTIN_QSTRS: [u8; BUILTINS] = {
    let mut q = [0u8; BUILTINS];
    let mut i = 0;
    while i < KINDS {
        q[i] = KIND_QSTRS[i];
        i += 1;
    }
    q[BYTES] = 66; // "bytes"
    q
};

/// Builtin types missing from the function table (exception types, `bytes`), looked up
/// once at import, when the module's own globals are current, so a caller's globals
/// can't shadow them.
struct BuiltinTypes(UnsafeCell<[*const ObjType; BUILTINS]>);

// SAFETY: MicroPython runs module code on one thread at a time (GIL or no threads);
// the table is written once during import, before any function can be called.
unsafe impl Sync for BuiltinTypes {}

#[unsafe(no_mangle)]
static MPY_ABI_BUILTIN_TYPES: BuiltinTypes =
    BuiltinTypes(UnsafeCell::new([core::ptr::null(); BUILTINS]));

/// Entry `index` of the builtin-type table (NULL before the module's init).
pub(crate) fn builtin_type(index: usize) -> *const ObjType {
    // SAFETY: plain read of a BSS word (see `BuiltinTypes`).
    unsafe { (*MPY_ABI_BUILTIN_TYPES.0.get())[index] }
}

/// The type object for `kind` (`Exception` until the table is filled).
pub(crate) fn exception_type(kind: ExcKind) -> *const ObjType {
    let ty = builtin_type(kind as usize);
    if ty.is_null() {
        table().type_exception
    } else {
        ty
    }
}

/// Looks up the builtin types (called from the module's `mpy_init`).
pub(crate) fn init_builtin_types() {
    let t = table();
    for (i, &q) in BUILTIN_QSTRS.iter().enumerate() {
        // SAFETY: `load_global(qstr)`; `q` is a static qstr.
        let found =
            unsafe { crate::nlr::protected_obj(t.load_global as usize, [q as usize, 0, 0, 0]) };
        let ty = match found {
            // SAFETY: `obj_get_type` is a pure lookup on a valid object.
            Ok(o) if unsafe { (t.obj_get_type)(o) } == t.type_type => o as *const ObjType,
            _ if i < KINDS => t.type_exception,
            _ => core::ptr::null(),
        };
        // SAFETY: see `BuiltinTypes`; no reference to the array is held.
        unsafe { (*MPY_ABI_BUILTIN_TYPES.0.get())[i] = ty };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_messages() {
        let e = crate::exc!(ValueError, "palette must be 32 bytes long");
        let m = e.message().unwrap();
        assert_eq!(m.kind(), ExcKind::ValueError);
        assert_eq!(m.text(), "palette must be 32 bytes long");
        assert!(e.object().is_none());
    }

    #[test]
    fn kinds_name_their_types() {
        assert_eq!(ExcKind::Exception.name(), crate::qstr!("Exception"));
        assert_eq!(ExcKind::TypeError.name(), crate::qstr!("TypeError"));
        assert_eq!(ExcKind::ValueError.name(), crate::qstr!("ValueError"));
        assert_eq!(ExcKind::OverflowError.name(), crate::qstr!("OverflowError"));
        assert_eq!(ExcKind::MemoryError.name(), crate::qstr!("MemoryError"));
        assert_eq!(ExcKind::RuntimeError.name(), crate::qstr!("RuntimeError"));
        assert_eq!(
            ExcKind::AttributeError.name(),
            crate::qstr!("AttributeError")
        );
        assert_eq!(ExcKind::IndexError.name(), crate::qstr!("IndexError"));
        assert_eq!(ExcKind::KeyError.name(), crate::qstr!("KeyError"));
        assert_eq!(
            ExcKind::NotImplementedError.name(),
            crate::qstr!("NotImplementedError")
        );
        assert_eq!(ExcKind::OSError.name(), crate::qstr!("OSError"));
        assert_eq!(
            ExcKind::ZeroDivisionError.name(),
            crate::qstr!("ZeroDivisionError")
        );
        assert_eq!(ExcKind::StopIteration.name(), crate::qstr!("StopIteration"));
    }

    #[test]
    fn one_word() {
        assert_eq!(
            core::mem::size_of::<Exception>(),
            core::mem::size_of::<usize>()
        );
        assert_eq!(
            core::mem::size_of::<Result<(), Exception>>(),
            core::mem::size_of::<usize>()
        );
    }
}
