//! The runtime token and the runtime calls that create objects.

use crate::exc::{exception_type, ExcKind, Exception};
use crate::nlr::{call1, call2, call3};
use crate::obj::{get_buffer, Obj, Type};
use crate::qstr::Qstr;
use crate::raw::{buffer_flags, native_type, table, Print, RawObj};
use crate::text::{append, Template, TextBuf};
use crate::{exc, PyResult};
use core::marker::PhantomData;
use core::ptr::NonNull;

/// Proof that the runtime is in a state where module code runs: handed out as `&mut Py`
/// to every function the runtime calls (see [`function!`](crate::function!)).
///
/// Zero-sized. Operations that may allocate, run Python code or raise take `&mut Py`;
/// views into Python-owned memory ([`Obj::buffer`], [`Obj::items`]) borrow it, so the
/// borrow checker forbids any such call while a view is alive. That is what makes
/// "look the buffer up again after calling `write()`" a compile-time rule.
pub struct Py {
    _not_send: PhantomData<*mut ()>,
}

impl Py {
    /// Only trampolines (this crate) create the token.
    ///
    /// # Safety
    /// Must be called on entry from the runtime into module code, and the token must not
    /// outlive that call.
    pub(crate) unsafe fn assume() -> Py {
        Py {
            _not_send: PhantomData,
        }
    }

    /// An `int` (small, or big when it doesn't fit).
    pub fn int(&mut self, v: isize) -> PyResult<Obj> {
        // SAFETY: `native_to_obj(v, INT)`.
        unsafe { call2(table().native_to_obj, v as usize, native_type::INT) }.map(obj)
    }

    /// An `int` from an unsigned value.
    pub fn uint(&mut self, v: usize) -> PyResult<Obj> {
        // SAFETY: `native_to_obj(v, UINT)`.
        unsafe { call2(table().native_to_obj, v, native_type::UINT) }.map(obj)
    }

    /// A `str` (copied).
    pub fn str(&mut self, s: &str) -> PyResult<Obj> {
        // SAFETY: `obj_new_str(data, len)` copies `len` bytes of UTF-8.
        unsafe { call2(table().obj_new_str, s.as_ptr().cast(), s.len()) }.map(obj)
    }

    /// A `bytes` (copied).
    pub fn bytes(&mut self, data: &[u8]) -> PyResult<Obj> {
        // SAFETY: `obj_new_bytes(data, len)` copies `len` bytes.
        unsafe { call2(table().obj_new_bytes, data.as_ptr(), data.len()) }.map(obj)
    }

    /// A zero-filled `bytearray` of `len` bytes that owns its memory (like
    /// `bytearray(len)`, without looking up the builtin).
    pub fn bytearray(&mut self, len: usize) -> PyResult<Obj> {
        let mem = self.alloc(len)?;
        bytearray_over(mem, len)
    }

    /// A new `bytearray` holding a copy of `src`'s buffer bytes `start .. start + len`:
    /// the object to hand to Python for part of a buffer. `ValueError` if the range is
    /// outside the buffer, `TypeError` if `src` has no buffer.
    ///
    /// The copy owns its memory, so whatever Python does with it (keep it, resize it)
    /// can't affect `src`.
    pub fn bytearray_from(&mut self, src: Obj, start: usize, len: usize) -> PyResult<Obj> {
        // Allocate first: the allocation may collect garbage, which must happen before
        // `src`'s buffer is looked up.
        let mem = self.alloc(len)?;
        let Some(data) = get_buffer(src, buffer_flags::READ) else {
            return Err(exc!(TypeError, "object with buffer protocol required"));
        };
        match start.checked_add(len) {
            Some(end) if end <= data.len() => {}
            _ => return Err(exc!(ValueError, "range outside the buffer")),
        }
        if len != 0 {
            let data = data.cast::<u8>().as_ptr();
            // SAFETY: bytes `start .. start + len` (checked above) of `src`'s live buffer
            // are copied into the fresh allocation of `len` bytes; the two can't overlap.
            unsafe { core::ptr::copy_nonoverlapping(data.add(start), mem.as_ptr(), len) };
        }
        bytearray_over(mem, len)
    }

    /// A `tuple` of `items`.
    pub fn tuple(&mut self, items: &[Obj]) -> PyResult<Obj> {
        // SAFETY: `new_tuple(n, items)` copies `n` objects.
        unsafe { call2(table().new_tuple, items.len(), items.as_ptr().cast()) }.map(obj)
    }

    /// A `list` of `items`.
    pub fn list(&mut self, items: &[Obj]) -> PyResult<Obj> {
        let (len, items) = (items.len(), items.as_ptr().cast::<RawObj>().cast_mut());
        // SAFETY: `new_list(n, items)` copies `n` objects (it never writes to `items`).
        unsafe { call2(table().new_list, len, items) }.map(obj)
    }

    /// `list.append(item)`; `TypeError` if `list` is not a list.
    pub fn list_append(&mut self, list: Obj, item: Obj) -> PyResult<()> {
        if !list.is_type(Type::list()) {
            return Err(exc!(TypeError, "expected a list"));
        }
        // SAFETY: `list_append(list, item)` on a list.
        unsafe { call2(table().list_append, list.raw(), item.raw()) }.map(|_| ())
    }

    /// An empty `dict`.
    pub fn dict(&mut self) -> PyResult<Obj> {
        // SAFETY: `new_dict(n_args)`.
        unsafe { call1(table().new_dict, 0) }.map(obj)
    }

    /// `dict[key] = value`; `TypeError` if `dict` is not a dict.
    pub fn dict_set(&mut self, dict: Obj, key: Obj, value: Obj) -> PyResult<()> {
        if !dict.is_type(Type::dict()) {
            return Err(exc!(TypeError, "expected a dict"));
        }
        dict_store(dict, key, value)
    }

    /// Looks `name` up in the current globals, then the builtins (`NameError` if
    /// missing). Outside the module's init the current globals are the caller's.
    pub fn load_global(&mut self, name: Qstr) -> PyResult<Obj> {
        // SAFETY: `load_global(qstr)`.
        unsafe { call1(table().load_global, name.raw()) }.map(obj)
    }

    /// `import name` (returns the top-level module).
    pub fn import(&mut self, name: Qstr) -> PyResult<Obj> {
        let t = table();
        // SAFETY: `native_to_obj(0, INT)` is the small int 0: no allocation.
        let level = unsafe { (t.native_to_obj)(0, native_type::INT) };
        // SAFETY: `import_name(qstr, fromlist=None, level=0)`.
        unsafe { call3(t.import_name, name.raw(), t.const_none, level) }.map(obj)
    }

    /// `size` zero-filled bytes from the garbage-collected heap (`MemoryError` if none
    /// are left). The memory stays alive while a pointer to its start is held on the
    /// stack, in a static or in another live heap block.
    pub fn alloc(&mut self, size: usize) -> PyResult<NonNull<u8>> {
        if size == 0 {
            return Ok(NonNull::dangling());
        }
        // SAFETY: `realloc_(NULL, size, false)` is `gc_alloc`: zeroed memory or NULL. It
        // may collect garbage (finalisers run protected inside the runtime) but never
        // raises.
        let p = unsafe { (table().realloc_)(core::ptr::null_mut(), size, false) };
        NonNull::new(p.cast::<u8>()).ok_or(exc!(MemoryError, "memory allocation failed"))
    }

    /// An exception of type `kind` whose message is `template` with each `{}` replaced by
    /// the next of `args` in decimal (made by the runtime's `mp_printf`: no `core::fmt`;
    /// at most [`MESSAGE_CAPACITY`](crate::MESSAGE_CAPACITY) bytes). Templates are made
    /// with [`template!`](crate::template!); see also [`exc!`](crate::exc!).
    ///
    /// If creating it fails (out of memory), that failure is returned instead.
    pub fn exception(&mut self, kind: ExcKind, template: Template, args: &[isize]) -> Exception {
        self.exception_about(kind, crate::template!(""), template, args)
    }

    /// Like [`Py::exception`], with the message starting with `subject` (a template
    /// without placeholders): messages that differ only in what they are about share
    /// one template. `py.exception_about(ExcKind::ValueError, template!("scale"),
    /// template!(" must be {}..={}"), &[1, 255])` is `ValueError("scale must be 1..=255")`.
    pub fn exception_about(
        &mut self,
        kind: ExcKind,
        subject: Template,
        template: Template,
        args: &[isize],
    ) -> Exception {
        let mut text = TextBuf::new();
        let print = Print {
            data: (&mut text as *mut TextBuf).cast(),
            print_strn: append,
        };
        let arg = |i: usize| args.get(i).copied().unwrap_or(0);
        let t = table();
        // SAFETY: `mp_printf(print, format, ...)` with formats of at most
        // `TEMPLATE_ARGS` `%ld` (checked when the templates were made) and that many
        // `long`s; it writes through `append` into `text`, which lives for the calls.
        // Neither raises nor allocates. The subject takes no argument: its `{}` would
        // print zeros.
        unsafe {
            (t.printf_)(&print, subject.as_ptr(), 0isize, 0isize, 0isize);
            (t.printf_)(&print, template.as_ptr(), arg(0), arg(1), arg(2));
        }
        let s = text.as_bytes();
        let made = (|| {
            // SAFETY: `obj_new_str(data, len)` copies the message (ASCII).
            let msg = unsafe { call2(t.obj_new_str, s.as_ptr().cast(), s.len()) }?;
            let args = [msg];
            let ty = exception_type(kind).cast_mut().cast();
            // SAFETY: `call_function_n_kw(type, 1, [msg])` instantiates the exception.
            unsafe { call3(t.call_function_n_kw, ty, 1, args.as_ptr()) }
        })();
        match made {
            Ok(e) => Exception::from_obj(obj(e)),
            Err(e) => e,
        }
    }
}

/// `dict[key] = value` on an object known to be a dict.
pub(crate) fn dict_store(dict: Obj, key: Obj, value: Obj) -> PyResult<()> {
    // SAFETY: `dict_store(dict, key, value)` on a dict (the caller's guarantee; hashing
    // may run Python code).
    unsafe { call3(table().dict_store, dict.raw(), key.raw(), value.raw()) }.map(|_| ())
}

/// Wraps an object returned by a runtime constructor.
fn obj(raw: RawObj) -> Obj {
    // SAFETY: only used on the results of successful runtime calls returning objects.
    unsafe { Obj::from_raw(raw) }
}

/// A `bytearray` object owning `mem` (`len` bytes, start of a heap block or dangling
/// when empty).
fn bytearray_over(mem: NonNull<u8>, len: usize) -> PyResult<Obj> {
    let items = if len == 0 {
        core::ptr::null_mut()
    } else {
        mem.as_ptr()
    };
    // SAFETY: `obj_new_bytearray_by_ref(n, items)`: `items` is the start of a heap block
    // of `len` bytes that nothing else refers to, so the bytearray may also resize it.
    unsafe { call2(table().obj_new_bytearray_by_ref, len, items.cast()) }.map(obj)
}
