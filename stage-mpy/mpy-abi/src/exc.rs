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

/// A static exception message: the type and a NUL-terminated text, laid out as one
/// byte array (the type, then the text), built at compile time by
/// [`exc!`](crate::exc!). `N` is the text's length with its NUL.
#[repr(C, align(2))]
pub struct ExcMsg<const N: usize> {
    kind: ExcKind,
    text: [u8; N],
}

impl<const N: usize> ExcMsg<N> {
    /// A message; `text` must be `N` bytes long and end with `"\0"` (checked; a compile
    /// error in constants).
    pub const fn new(kind: ExcKind, text: &str) -> ExcMsg<N> {
        let b = text.as_bytes();
        assert!(b.len() == N && N > 0 && b[N - 1] == 0);
        let mut bytes = [0u8; N];
        let mut i = 0;
        while i < N {
            bytes[i] = b[i];
            i += 1;
        }
        ExcMsg { kind, text: bytes }
    }
}

/// A static message an [`Exception`] carries (see [`Exception::message`]).
#[derive(Clone, Copy)]
pub struct StaticMsg(NonNull<u8>);

impl StaticMsg {
    /// The exception type.
    pub fn kind(self) -> ExcKind {
        // SAFETY: a `StaticMsg` points to an `ExcMsg`, whose first byte is its kind.
        unsafe { self.0.cast::<ExcKind>().read() }
    }

    /// The NUL-terminated text.
    fn text_ptr(self) -> *const u8 {
        // SAFETY: the text follows the kind byte within the `ExcMsg`.
        unsafe { self.0.as_ptr().add(1) }
    }

    /// The text, without the terminating NUL.
    pub fn text(self) -> &'static str {
        let p = self.text_ptr();
        let mut len = 0;
        // SAFETY: the text ends with a NUL byte (checked by `ExcMsg::new`), so every
        // byte up to it is within the static message.
        while unsafe { *p.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: the bytes before the first NUL are a prefix of the `&str` the message
        // was made from, cut before an ASCII byte, so at a char boundary: valid UTF-8.
        unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(p, len)) }
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
/// next number (at most three; see [`template!`](crate::template!)):
/// `exc!(py, TypeError, "layers[{}] is not a Layer or Text", i)`.
#[macro_export]
macro_rules! exc {
    ($kind:ident, $msg:literal $(,)?) => {
        $crate::Exception::from_static(const {
            &$crate::ExcMsg::<{ concat!($msg, "\0").len() }>::new(
                $crate::ExcKind::$kind,
                concat!($msg, "\0"),
            )
        })
    };
    ($py:expr, $kind:ident, $msg:literal, $($arg:expr),+ $(,)?) => {
        $crate::Py::exception(
            $py,
            $crate::ExcKind::$kind,
            $crate::template!($msg),
            &[$(($arg) as isize),+],
        )
    };
}

impl Exception {
    /// An exception with a static message (see [`exc!`](crate::exc!)).
    pub fn from_static<const N: usize>(msg: &'static ExcMsg<N>) -> Exception {
        let p = NonNull::from(msg).cast::<c_void>();
        // `ExcMsg` is 2-aligned, so bit 0 is free for the tag.
        Exception(p.map_addr(|a| a | 1))
    }

    /// Raising `obj`: an exception instance (or an exception type). Other objects make
    /// the runtime raise a `TypeError` (immediate objects: a `RuntimeError`) instead.
    pub fn from_obj(obj: Obj) -> Exception {
        Exception::from_raised(obj.raw())
    }

    /// An exception caught from the runtime (never NULL; NULL is mapped to a RuntimeError).
    pub(crate) fn from_raised(raw: RawObj) -> Exception {
        match NonNull::new(raw) {
            // Objects are word-aligned: bit 0 clear.
            Some(p) if p.addr().get() & 1 == 0 => Exception(p),
            _ => crate::exc!(RuntimeError, "exception lost"),
        }
    }

    /// The static message, if this exception is one.
    pub fn message(self) -> Option<StaticMsg> {
        if self.0.addr().get() & 1 == 1 {
            // The tag is bit 0 of a non-NULL even address: clearing it leaves non-NULL.
            NonNull::new(self.0.as_ptr().cast::<u8>().wrapping_sub(1)).map(StaticMsg)
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
                let ty = exception_type(m.kind());
                if let Some(raise_msg) = t.raise_msg {
                    // SAFETY: `ty` is an exception type and the text is NUL-terminated
                    // static text (the runtime may keep a pointer to it).
                    unsafe { raise_msg(ty, m.text_ptr().cast()) }
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

/// The module's globals dict, set by `mpy_init`: builtin types missing from the function
/// table (exception types, `bytes`) are looked up with these globals current, so a
/// caller's globals can't shadow them.
struct ModuleGlobals(UnsafeCell<RawObj>);

// SAFETY: MicroPython runs module code on one thread at a time (GIL or no threads);
// the word is written once during import, before any function can be called.
unsafe impl Sync for ModuleGlobals {}

#[unsafe(no_mangle)]
static MPY_ABI_MODULE_GLOBALS: ModuleGlobals =
    ModuleGlobals(UnsafeCell::new(core::ptr::null_mut()));

/// Remembers the module's globals (called from the module's `mpy_init`).
pub(crate) fn set_module_globals(globals: RawObj) {
    // SAFETY: see `ModuleGlobals`; no reference to the word is held.
    unsafe { *MPY_ABI_MODULE_GLOBALS.0.get() = globals };
}

/// Builtin type number `index` (see `BUILTIN_QSTRS`), looked up in the builtins with
/// the module's own globals current; NULL if it isn't a type.
pub(crate) fn builtin_type(index: usize) -> *const ObjType {
    let t = table();
    let q = BUILTIN_QSTRS.get(index).copied().unwrap_or(0);
    // SAFETY: a plain read of a BSS word (see `ModuleGlobals`), then `swap_globals`,
    // which only exchanges the current-globals pointer (NULL: no change), around
    // `load_global(qstr)` with a static qstr; `obj_get_type` is a pure lookup on the
    // valid object found.
    unsafe {
        let old = (t.swap_globals)((*MPY_ABI_MODULE_GLOBALS.0.get()).cast());
        let found = crate::nlr::call1(t.load_global, usize::from(q));
        (t.swap_globals)(old);
        match found {
            Ok(o) if (t.obj_get_type)(o) == t.type_type => o as *const ObjType,
            _ => core::ptr::null(),
        }
    }
}

/// The type object for `kind` (`Exception` if it can't be found).
pub(crate) fn exception_type(kind: ExcKind) -> *const ObjType {
    let ty = builtin_type(kind as usize);
    if ty.is_null() {
        table().type_exception
    } else {
        ty
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
