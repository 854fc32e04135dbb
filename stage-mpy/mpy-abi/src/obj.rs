//! Objects: handles, types, conversions, buffers, sequences and calls.

use crate::exc;
use crate::exc::Exception;
use crate::nlr::{call1, call2, call3};
use crate::py::Py;
use crate::qstr::Qstr;
use crate::raw::{
    binary_op, buffer_flags, native_type, slot, table, unary_op, BufferInfo, List, ObjType, RawObj,
    Tuple, UnaryOpFn, OBJ_NULL, OBJ_SENTINEL,
};
use crate::PyResult;
use core::marker::PhantomData;
use core::ptr::{addr_of, NonNull};

/// A handle to a MicroPython object: `Copy`, one word, no destructor.
///
/// Objects are owned by the garbage collector. A handle in a local variable, an argument,
/// an instance's payload ([`crate::Class`]) or a static keeps its object alive (all are
/// scanned conservatively); equality is identity (Python's `is`).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Obj(RawObj);

/// A type object.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub struct Type(*const ObjType);

/// A method (or callable attribute) looked up on an object, ready to call.
#[derive(Clone, Copy)]
pub struct Method {
    fun: RawObj,
    /// The bound `self`, or NULL for a plain callable attribute.
    this: RawObj,
}

/// Read access to buffers while one writable buffer is borrowed (see
/// [`Obj::buffer_mut`]): buffers overlapping the writable one are refused.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The writable buffer's address range, excluded from reads.
    start: usize,
    end: usize,
    _py: PhantomData<&'a Py>,
}

/// Most positional arguments [`Method::call`] and [`Obj::call_method`] pass.
pub const MAX_METHOD_ARGS: usize = 6;

/// The data pointer and length of a runtime object's storage as a slice pointer: an
/// empty one (dangling, well aligned) if `len` is 0 or `ptr` NULL. Returned in two
/// registers, unlike a `(pointer, length)` option.
fn raw_slice<T>(ptr: *mut T, len: usize) -> NonNull<[T]> {
    match NonNull::new(ptr) {
        Some(p) if len != 0 => NonNull::slice_from_raw_parts(p, len),
        _ => NonNull::slice_from_raw_parts(NonNull::dangling(), 0),
    }
}

/// The slice a [`raw_slice`] of a live runtime object's storage points to.
///
/// # Safety
/// `p` must come from [`raw_slice`] with the data pointer and length of a live runtime
/// object, and `'a` be bounded by a borrow of the runtime token (see `Obj::buffer`).
unsafe fn slice_of<'a, T>(p: NonNull<[T]>) -> &'a [T] {
    // SAFETY: the caller's guarantee (an empty slice is dangling and aligned).
    unsafe { p.as_ref() }
}

/// `get_buffer` without raising: the data, if `o` has a buffer.
pub(crate) fn get_buffer(o: Obj, flags: usize) -> Option<NonNull<[u8]>> {
    let mut info = core::mem::MaybeUninit::<BufferInfo>::uninit();
    // SAFETY: without RAISE_IF_UNSUPPORTED `get_buffer` only calls the type's buffer
    // slot, which for every builtin type (and native subclasses) fills `info` or
    // returns false: it neither raises, allocates nor runs Python code.
    let ok = unsafe { (table().get_buffer)(o.0, info.as_mut_ptr(), flags) };
    if ok {
        // SAFETY: a buffer slot that succeeds sets the data pointer and length (only
        // those are read: not every one sets the typecode).
        let (buf, len) = unsafe {
            let p = info.as_ptr();
            (addr_of!((*p).buf).read(), addr_of!((*p).len).read())
        };
        Some(raw_slice(buf.cast(), len))
    } else {
        None
    }
}

/// Items of a tuple or list (exact types).
fn get_items(o: Obj) -> Option<NonNull<[Obj]>> {
    let ty = o.type_of();
    if ty == Type::tuple() {
        let t = o.0 as *const Tuple;
        // SAFETY: `o` is a tuple: `{base, len, items[len]}`.
        Some(unsafe { raw_slice(addr_of!((*t).items).cast::<Obj>().cast_mut(), (*t).len) })
    } else if ty == Type::list() {
        let l = o.0 as *const List;
        // SAFETY: `o` is a list: `{base, alloc, len, items}`.
        Some(unsafe { raw_slice((*l).items.cast::<Obj>(), (*l).len) })
    } else {
        None
    }
}

impl Obj {
    /// Wraps a raw object.
    ///
    /// # Safety
    /// `raw` must be a valid object of the running runtime (not NULL or a sentinel).
    pub const unsafe fn from_raw(raw: RawObj) -> Obj {
        Obj(raw)
    }

    /// The raw `mp_obj_t`.
    pub const fn raw(self) -> RawObj {
        self.0
    }

    /// `None`.
    pub fn none() -> Obj {
        Obj(table().const_none)
    }

    /// `True` or `False`.
    pub fn from_bool(b: bool) -> Obj {
        let t = table();
        Obj(if b { t.const_true } else { t.const_false })
    }

    /// `self is None`.
    pub fn is_none(self) -> bool {
        self.0 == table().const_none
    }

    /// `type(self)`.
    pub fn type_of(self) -> Type {
        // SAFETY: `obj_get_type` only decodes the object representation.
        Type(unsafe { (table().obj_get_type)(self.0) })
    }

    /// `type(self) is ty` (exact type, no subclasses).
    pub fn is_type(self, ty: Type) -> bool {
        self.type_of() == ty
    }

    /// The value of an int (or bool, or object with `__int__`, which may run Python
    /// code): `TypeError` for other objects, `OverflowError` if it doesn't fit `isize`.
    pub fn to_int(self, _py: &mut Py) -> PyResult<isize> {
        let t = table();
        // SAFETY: `native_from_obj(o, INT)`, i.e. `mp_obj_get_int_truncated`.
        let v = unsafe { call2(t.native_from_obj, self.0, native_type::INT) }? as isize;
        // Only objects of type `int` are truncated silently (bools are 0 or 1, and
        // `__int__` results are converted with an overflow check by the runtime).
        if !self.is_type(Type::int()) {
            return Ok(v);
        }
        // Exact if the value converts back to the same object (small ints) or to an
        // equal one (big ints that fit); a truncated big int compares unequal.
        // SAFETY: `native_to_obj(v, INT)`.
        let back = unsafe { call2(t.native_to_obj, v as usize, native_type::INT) }?;
        if back == self.0 {
            return Ok(v);
        }
        // SAFETY: `binary_op(EQUAL, self, back)`.
        let eq = unsafe { call3(t.binary_op, binary_op::EQUAL, self.0, back) }?;
        if eq == t.const_true {
            Ok(v)
        } else {
            Err(exc!(
                OverflowError,
                "overflow converting long int to machine word"
            ))
        }
    }

    /// The value of an int modulo `2^usize::BITS` (two's complement), as C's
    /// `mp_obj_get_int_truncated`; `TypeError` for non-ints.
    pub fn to_int_wrapping(self, _py: &mut Py) -> PyResult<isize> {
        let t = table();
        // SAFETY: `native_from_obj(o, INT)`.
        unsafe { call2(t.native_from_obj, self.0, native_type::INT) }.map(|v| v as isize)
    }

    /// `bool(self)` (may call `__bool__` / `__len__`).
    pub fn is_true(self, _py: &mut Py) -> PyResult<bool> {
        // SAFETY: `obj_is_true(o)`.
        unsafe { call1(table().obj_is_true, self.0) }
    }

    /// The bytes of a buffer-protocol object (`bytes`, `bytearray`, `array`,
    /// `memoryview`, `str`), or `TypeError`.
    ///
    /// The slice borrows the runtime token, so no runtime call (which could resize or
    /// free the buffer) can happen while it is in use: look the buffer up again after.
    // The lifetime is spelled out: the slice lives as long as the token borrow.
    #[allow(clippy::needless_lifetimes)]
    pub fn buffer<'py>(self, _py: &'py Py) -> PyResult<&'py [u8]> {
        match get_buffer(self, buffer_flags::READ) {
            // SAFETY: the object's buffer; the slice borrows the token.
            Some(p) => Ok(unsafe { slice_of(p) }),
            None => Err(exc!(TypeError, "object with buffer protocol required")),
        }
    }

    /// The bytes of a writable buffer (`bytearray`, writable `array` / `memoryview`),
    /// or `TypeError`; plus a [`View`] to read other buffers at the same time.
    ///
    /// Borrows the runtime token exclusively: no runtime call, and no second writable
    /// buffer, while the slice is in use. Reads through the view refuse buffers that
    /// overlap this one, so the `&mut [u8]` never aliases.
    pub fn buffer_mut<'py>(self, _py: &'py mut Py) -> PyResult<(&'py mut [u8], View<'py>)> {
        match get_buffer(self, buffer_flags::WRITE) {
            Some(mut p) => {
                let start = p.cast::<u8>().as_ptr() as usize;
                let view = View {
                    start,
                    end: start + p.len(),
                    _py: PhantomData,
                };
                // SAFETY: the object's writable buffer (or an empty slice), live and
                // unaliased while the exclusive token borrow lasts (see above).
                Ok((unsafe { p.as_mut() }, view))
            }
            // The runtime's own message (`mp_get_buffer_raise` says the same for a
            // read-only buffer), which also saves a string.
            None => Err(exc!(TypeError, "object with buffer protocol required")),
        }
    }

    /// The items of a tuple or list (exact types), or `None` for other objects.
    ///
    /// Like [`Obj::buffer`], the slice borrows the runtime token: a list can't change
    /// while it is in use. Copy the handles out before calling the runtime.
    // The lifetime is spelled out: the slice lives as long as the token borrow.
    #[allow(clippy::needless_lifetimes)]
    pub fn items<'py>(self, _py: &'py Py) -> Option<&'py [Obj]> {
        // SAFETY: the items of a live tuple or list; the slice borrows the token.
        get_items(self).map(|p| unsafe { slice_of(p) })
    }

    /// `len(self)`.
    pub fn len(self, py: &mut Py) -> PyResult<usize> {
        let ty = self.type_of();
        // As the runtime's `mp_obj_len`: `bytes` (and `str` in firmware without
        // unicode) have no `__len__`, their length is the data's; other types answer
        // through their `unary_op` slot (the generic `unary_op` entry would not do:
        // it treats small ints specially).
        if ty == Type::bytes() || (ty == Type::str() && !ty.has_slot(slot::UNARY_OP)) {
            return Ok(self.buffer(py)?.len());
        }
        let Some(op) = ty.slot(slot::UNARY_OP) else {
            return Err(exc!(TypeError, "object has no len()"));
        };
        // SAFETY: a type's `unary_op` slot is an `mp_unary_op_fun_t(op, self)` (the
        // signature of the runtime's own `unary_op`), which returns NULL for unsupported
        // operations.
        let n = unsafe {
            let op = core::mem::transmute::<*const core::ffi::c_void, UnaryOpFn>(op);
            call2(op, unary_op::LEN, self.0)
        }?;
        if n.is_null() {
            return Err(exc!(TypeError, "object has no len()"));
        }
        let n = Obj(n).to_int(py)?;
        usize::try_from(n).map_err(|_| exc!(ValueError, "__len__() should return >= 0"))
    }

    /// `self(*args)`.
    pub fn call(self, _py: &mut Py, args: &[Obj]) -> PyResult<Obj> {
        if args.len() > 0xff {
            return Err(exc!(TypeError, "too many arguments"));
        }
        // SAFETY: `call_function_n_kw(fun, n_args | 0 << 8, args)`; `args` holds
        // `args.len()` valid objects (Obj is a transparent mp_obj_t).
        unsafe {
            call3(
                table().call_function_n_kw,
                self.0,
                args.len(),
                args.as_ptr().cast(),
            )
        }
        .map(Obj)
    }

    /// `self.name(*args)`: `AttributeError` if there is no such attribute.
    pub fn call_method(self, py: &mut Py, name: Qstr, args: &[Obj]) -> PyResult<Obj> {
        let mut dest = [OBJ_NULL; 2];
        // SAFETY: `load_method(o, qstr, dest[2])` fills `dest` or raises.
        unsafe { call3(table().load_method, self.0, name.raw(), dest.as_mut_ptr()) }?;
        Method {
            fun: dest[0],
            this: dest[1],
        }
        .call(py, args)
    }

    /// Looks up `self.name` for calling: `None` if there is no such attribute.
    pub fn method(self, _py: &mut Py, name: Qstr) -> PyResult<Option<Method>> {
        let mut dest = [OBJ_NULL; 2];
        // SAFETY: `load_method_maybe(o, qstr, dest[2])`; may run `__getattr__`.
        unsafe {
            call3(
                table().load_method_maybe,
                self.0,
                name.raw(),
                dest.as_mut_ptr(),
            )
        }?;
        Ok(if dest[0].is_null() {
            None
        } else {
            Some(Method {
                fun: dest[0],
                this: dest[1],
            })
        })
    }

    /// `self.name`.
    pub fn attr(self, _py: &mut Py, name: Qstr) -> PyResult<Obj> {
        // SAFETY: `load_attr(o, qstr)`.
        unsafe { call2(table().load_attr, self.0, name.raw()) }.map(Obj)
    }

    /// `self.name = value`.
    pub fn set_attr(self, _py: &mut Py, name: Qstr, value: Obj) -> PyResult<()> {
        // SAFETY: `store_attr(o, qstr, value)`.
        unsafe { call3(table().store_attr, self.0, name.raw(), value.0) }
    }

    /// `self[key]`.
    pub fn get_item(self, _py: &mut Py, key: Obj) -> PyResult<Obj> {
        // SAFETY: `obj_subscr(o, key, SENTINEL)` loads.
        unsafe { call3(table().obj_subscr, self.0, key.0, OBJ_SENTINEL) }.map(Obj)
    }

    /// `self[key] = value`.
    pub fn set_item(self, _py: &mut Py, key: Obj, value: Obj) -> PyResult<()> {
        // SAFETY: `obj_subscr(o, key, value)` stores.
        unsafe { call3(table().obj_subscr, self.0, key.0, value.0) }.map(|_| ())
    }
}

impl Method {
    /// Whether the method is a function of native code (firmware or a native module:
    /// `machine.SPI.write`, say) rather than Python code, so calling it runs no Python
    /// code of the program's (short of a native function that calls back into Python).
    pub fn is_native(self) -> bool {
        let ty = Obj(self.fun).type_of().raw();
        table().builtin_function_types().contains(&ty)
    }

    /// Calls the method with up to [`MAX_METHOD_ARGS`] positional arguments.
    pub fn call(self, _py: &mut Py, args: &[Obj]) -> PyResult<Obj> {
        if args.len() > MAX_METHOD_ARGS {
            return Err(exc!(TypeError, "too many arguments"));
        }
        // Only the first `2 + args.len()` entries are written, and read.
        let mut all = [core::mem::MaybeUninit::<RawObj>::uninit(); 2 + MAX_METHOD_ARGS];
        all[0].write(self.fun);
        all[1].write(self.this);
        for (slot, a) in all[2..].iter_mut().zip(args) {
            slot.write(a.0);
        }
        // SAFETY: `call_method_n_kw(n_args, 0, [fun, self or NULL, args...])`; the
        // runtime reads the `2 + n_args` entries written above.
        unsafe { call3(table().call_method_n_kw, args.len(), 0, all.as_ptr().cast()) }.map(Obj)
    }
}

impl<'a> View<'a> {
    /// The bytes of a buffer-protocol object, or `TypeError`; `ValueError` if it
    /// overlaps the writable buffer this view was made with.
    pub fn buffer(self, o: Obj) -> PyResult<&'a [u8]> {
        match get_buffer(o, buffer_flags::READ) {
            Some(p) => {
                if self.overlaps(p.cast::<u8>().as_ptr() as usize, p.len()) {
                    Err(exc!(ValueError, "buffer overlaps the output buffer"))
                } else {
                    // SAFETY: the object's buffer, which doesn't overlap the writable
                    // one; the slice lives as long as the view's token borrow.
                    Ok(unsafe { slice_of(p) })
                }
            }
            None => Err(exc!(TypeError, "object with buffer protocol required")),
        }
    }

    /// The items of a tuple or list (exact types), or `None` (also if the storage
    /// overlaps the writable buffer, which only raw-memory tricks can arrange).
    pub fn items(self, o: Obj) -> Option<&'a [Obj]> {
        let p = get_items(o)?;
        let bytes = p.len() * core::mem::size_of::<Obj>();
        if self.overlaps(p.cast::<u8>().as_ptr() as usize, bytes) {
            None
        } else {
            // SAFETY: the items of a live tuple or list, which don't overlap the writable
            // buffer; the slice lives as long as the view's token borrow.
            Some(unsafe { slice_of(p) })
        }
    }

    fn overlaps(self, start: usize, len: usize) -> bool {
        len != 0
            && self.start < self.end
            && start < self.end
            && self.start < start.saturating_add(len)
    }
}

impl Type {
    /// The type object as an object.
    pub fn obj(self) -> Obj {
        Obj(self.0 as RawObj)
    }

    /// The raw type pointer.
    pub fn raw(self) -> *const ObjType {
        self.0
    }

    /// Wraps a raw type pointer.
    ///
    /// # Safety
    /// `ty` must point to a type object that lives as long as it is used.
    pub const unsafe fn from_raw(ty: *const ObjType) -> Type {
        Type(ty)
    }

    /// The type's name.
    pub fn name(self) -> Qstr {
        // SAFETY: every type object starts with `{base, flags, name}`.
        Qstr::from_runtime(unsafe { (*self.0).name } as usize)
    }

    /// `type`.
    pub fn type_type() -> Type {
        Type(table().type_type)
    }

    /// `int` (the type of small ints).
    pub fn int() -> Type {
        // SAFETY: `native_to_obj(0, INT)` makes the small int 0: no allocation.
        Obj(unsafe { (table().native_to_obj)(0, native_type::INT) }).type_of()
    }

    /// `bool`.
    pub fn bool() -> Type {
        Obj(table().const_true).type_of()
    }

    /// `bytes` (not in the function table: looked up with the module's globals current).
    pub fn bytes() -> Type {
        Type(crate::exc::builtin_type(crate::exc::BYTES))
    }

    /// Whether the type defines the slot `which` (see [`raw::slot`](crate::raw::slot)).
    pub fn has_slot(self, which: usize) -> bool {
        // SAFETY: every type object starts with the slot index bytes of a full type.
        which < slot::COUNT && unsafe { (*self.0).slot_index[which] } != 0
    }

    /// The value of slot `which` (see [`raw::slot`](crate::raw::slot)), if set.
    pub fn slot(self, which: usize) -> Option<*const core::ffi::c_void> {
        if !self.has_slot(which) {
            return None;
        }
        // SAFETY: a set index byte `n + 1` refers to `slots[n]` of the type object.
        Some(unsafe { (*self.0).slots[(*self.0).slot_index[which] as usize - 1] })
    }

    /// `str`.
    pub fn str() -> Type {
        Type(table().type_str)
    }

    /// `tuple` (read from the empty tuple: not in the function table).
    pub fn tuple() -> Type {
        // SAFETY: `new_tuple(0, NULL)` returns the constant empty tuple: no allocation.
        Obj(unsafe { (table().new_tuple)(0, core::ptr::null()) }).type_of()
    }

    /// `list`.
    pub fn list() -> Type {
        Type(table().type_list)
    }

    /// `dict`.
    pub fn dict() -> Type {
        Type(table().type_dict)
    }
}

impl Exception {
    /// `true` if this is a caught exception object of exactly the builtin type `kind`
    /// (looked up with the module's globals current), or a static message of that kind.
    pub fn is(self, kind: crate::ExcKind) -> bool {
        match (self.message(), self.object()) {
            (Some(m), _) => m.kind() == kind,
            (None, Some(o)) => o.type_of().raw() == crate::exc::exception_type(kind),
            (None, None) => false,
        }
    }
}
