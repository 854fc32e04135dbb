//! Message text without `core::fmt`: templates checked and converted at compile time,
//! numbers formatted by the runtime's `mp_printf`.

use core::ffi::{c_char, c_void};
use core::mem::MaybeUninit;

/// Capacity of the buffer a message with numbers is written into; longer messages are
/// truncated (templates are ASCII, so any prefix is valid text).
pub const MESSAGE_CAPACITY: usize = 96;

/// Most numbers a [`Template`] may take.
pub const TEMPLATE_ARGS: usize = 3;

/// A message template with `{}` placeholders, ASCII, turned at compile time into the
/// `mp_printf` format the runtime formats (`%ld` per placeholder, `%%` for `%`). Made
/// by [`template!`](crate::template!); given to [`Py::exception`](crate::Py::exception).
#[derive(Clone, Copy)]
pub struct Template(&'static u8);

impl Template {
    /// Wraps a format made by [`__template`]. Not part of the API: use
    /// [`template!`](crate::template!).
    #[doc(hidden)]
    pub const fn __new(bytes: &'static [u8]) -> Template {
        assert!(!bytes.is_empty() && bytes[bytes.len() - 1] == 0);
        Template(&bytes[0])
    }

    /// The NUL-terminated `mp_printf` format.
    pub(crate) fn as_ptr(self) -> *const c_char {
        (self.0 as *const u8).cast()
    }

    /// The format's bytes, without the NUL.
    #[cfg(test)]
    pub(crate) fn bytes(self) -> &'static [u8] {
        // SAFETY: the format is NUL-terminated static memory (checked by `__new`).
        unsafe { core::ffi::CStr::from_ptr(self.as_ptr()) }.to_bytes()
    }
}

/// Length of the format made from `template` (NUL included). Not part of the API.
#[doc(hidden)]
pub const fn __template_len(template: &str) -> usize {
    let b = template.as_bytes();
    let (mut i, mut len) = (0, 1);
    while i < b.len() {
        len += match b[i] {
            b'{' if i + 1 < b.len() && b[i + 1] == b'}' => {
                i += 1;
                3
            }
            b'%' => 2,
            _ => 1,
        };
        i += 1;
    }
    len
}

/// The `mp_printf` format of `template` (see [`Template`]); a compile error when used in a
/// constant with a template that isn't ASCII or has more than [`TEMPLATE_ARGS`]
/// placeholders. Not part of the API.
#[doc(hidden)]
pub const fn __template<const N: usize>(template: &str) -> [u8; N] {
    let b = template.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut o, mut args) = (0, 0, 0);
    while i < b.len() {
        assert!(b[i].is_ascii(), "message templates must be ASCII");
        if b[i] == b'{' && i + 1 < b.len() && b[i + 1] == b'}' {
            out[o] = b'%';
            out[o + 1] = b'l';
            out[o + 2] = b'd';
            o += 3;
            i += 2;
            args += 1;
        } else {
            out[o] = b[i];
            o += 1;
            if b[i] == b'%' {
                out[o] = b'%';
                o += 1;
            }
            i += 1;
        }
    }
    assert!(args <= TEMPLATE_ARGS, "at most three `{{}}` per message");
    assert!(o + 1 == N);
    out
}

/// A [`Template`] from a string literal with `{}` placeholders (at most three), checked and
/// converted at compile time: `template!("layers[{}] is not a Layer or Text")`.
#[macro_export]
macro_rules! template {
    ($template:literal) => {
        const {
            const BYTES: [u8; $crate::__template_len($template)] = $crate::__template($template);
            $crate::Template::__new(&BYTES)
        }
    };
}

/// A fixed-capacity byte buffer that silently truncates: where `mp_printf` writes a
/// message. Only the first `len` bytes are initialised.
#[repr(C)]
pub(crate) struct TextBuf {
    len: usize,
    buf: [MaybeUninit<u8>; MESSAGE_CAPACITY],
}

impl TextBuf {
    pub(crate) const fn new() -> TextBuf {
        TextBuf {
            len: 0,
            buf: [MaybeUninit::uninit(); MESSAGE_CAPACITY],
        }
    }

    /// Appends `bytes`, as far as they fit.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        let len = self.len.min(MESSAGE_CAPACITY);
        let n = bytes.len().min(MESSAGE_CAPACITY - len);
        // SAFETY: `len + n <= MESSAGE_CAPACITY`, so the `n` bytes copied lie within `buf`,
        // which can't overlap `bytes` (borrowed while `self` is borrowed exclusively).
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.as_mut_ptr().add(len).cast(), n)
        };
        self.len = len + n;
    }

    /// The text written so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let len = self.len.min(MESSAGE_CAPACITY);
        // SAFETY: the first `len` bytes were written by `push` (`len` never exceeds the
        // capacity); `MaybeUninit<u8>` has the layout of `u8`.
        unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast(), len) }
    }
}

/// The `print_strn` of an `mp_print_t` writing into a [`TextBuf`]: the runtime's
/// `mp_printf` calls it with pieces of the message.
///
/// # Safety
/// `data` must point to a live `TextBuf` that nothing else refers to during the call,
/// and `s` to `len` readable bytes.
pub(crate) unsafe extern "C" fn append(data: *mut c_void, s: *const c_char, len: usize) {
    // SAFETY: guaranteed by the caller (`Py::exception` passes its own buffer and the
    // runtime passes a piece of the message).
    let (text, bytes) = unsafe {
        (
            &mut *data.cast::<TextBuf>(),
            core::slice::from_raw_parts(s.cast::<u8>(), len),
        )
    };
    text.push(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_printf_formats() {
        let f = crate::template!("layers[{}] is not a Layer or Text");
        assert_eq!(f.bytes(), b"layers[%ld] is not a Layer or Text");
        let f = crate::template!("{} of {}: 100% {x}");
        assert_eq!(f.bytes(), b"%ld of %ld: 100%% {x}");
        assert_eq!(crate::template!("").bytes(), b"");
        assert_eq!(crate::template!("{").bytes(), b"{");
        assert_eq!(__template_len("a{}b"), 6);
    }

    #[test]
    #[should_panic(expected = "at most three `{}` per message")]
    fn too_many_placeholders() {
        const T: &str = "{}{}{}{}";
        let _ = __template::<{ __template_len(T) }>(T);
    }

    #[test]
    #[should_panic(expected = "message templates must be ASCII")]
    fn non_ascii_templates() {
        // The array has room for the whole format, so only the ASCII check can refuse it.
        const T: &str = "h\u{e9}llo";
        let _ = __template::<{ __template_len(T) }>(T);
    }

    #[test]
    fn the_buffer_truncates() {
        let mut t = TextBuf::new();
        t.push(&[b'x'; 200]);
        assert_eq!(t.as_bytes().len(), MESSAGE_CAPACITY);
        let mut t = TextBuf::new();
        t.push(b"abc");
        // SAFETY: `t` is live and `s` is 3 readable bytes.
        unsafe { append((&mut t as *mut TextBuf).cast(), b"def".as_ptr().cast(), 3) };
        assert_eq!(t.as_bytes(), b"abcdef");
    }
}
