//! Classes: type objects built at import time in zeroed static memory, and their
//! instances (a header followed by a `Copy` payload, allocated on the GC heap).

use crate::exc;
use crate::module::Module;
use crate::nlr::{call3, call3_variadic};
use crate::obj::{Obj, Type};
use crate::py::Py;
use crate::qstr::Qstr;
use crate::raw::{self, slot, table, ObjBase, ObjType, RawObj, OBJ_NULL, OBJ_SENTINEL};
use crate::PyResult;
use core::cell::{Cell, UnsafeCell};
use core::ffi::{c_uint, c_void};
use core::marker::PhantomData;
use core::ptr::{addr_of, addr_of_mut};

/// Constructor: builds the payload from the positional arguments (the runtime has
/// checked their number against the range given to [`ClassDef::make_new`]).
pub type MakeNew<T> = fn(&mut Py, &[Obj]) -> PyResult<T>;

/// Attribute handler: see [`AttrOp`] and [`AttrResult`].
pub type AttrHandler<T> = fn(&mut Py, Instance<T>, Qstr, AttrOp) -> PyResult<AttrResult>;

/// `str()` / `repr()` handler: writes the text to the [`Printer`].
pub type PrintHandler<T> = fn(&mut Py, Instance<T>, &mut Printer) -> PyResult<()>;

/// The attribute access an [`AttrHandler`] is asked to perform.
#[derive(Clone, Copy)]
pub enum AttrOp {
    /// `x = obj.name`.
    Load,
    /// `obj.name = value`.
    Store(Obj),
    /// `del obj.name`.
    Delete,
}

/// What an [`AttrHandler`] did.
#[derive(Clone, Copy)]
pub enum AttrResult {
    /// The attribute's value (for [`AttrOp::Load`]).
    Value(Obj),
    /// Stored or deleted.
    Done,
    /// Not handled: loads continue with the class's locals (methods), stores and
    /// deletes raise `AttributeError`.
    NotFound,
}

/// A class: define it with [`class!`](crate::class!), fill it in at import with
/// [`Class::define`].
///
/// Lives in zeroed static memory (the `.mpy` format has no initialised writable data);
/// the type object is the first field, so the runtime's type pointer is the class.
#[repr(C)]
pub struct Class<T> {
    ty: UnsafeCell<ObjType>,
    make_new: Cell<Option<MakeNew<T>>>,
    make_new_sig: Cell<u32>,
    attr: Cell<Option<AttrHandler<T>>>,
    print: Cell<Option<PrintHandler<T>>>,
}

// SAFETY: MicroPython runs module code on one thread at a time (GIL or no threads);
// the fields are written by `define` during import and read by the trampolines.
unsafe impl<T> Sync for Class<T> {}

/// What [`Class::define`] installs: name, constructor, methods and optional handlers.
///
/// Each handler is stored with the trampoline the runtime calls for it, so a module
/// links only the trampolines of the handlers it sets.
pub struct ClassDef<'a, T> {
    name: Qstr,
    make_new: Option<(MakeNew<T>, u32, raw::MakeNewFn)>,
    locals: &'a [(Qstr, Obj)],
    attr: Option<(AttrHandler<T>, raw::AttrFn)>,
    print: Option<(PrintHandler<T>, raw::PrintFn)>,
}

impl<'a, T: Copy + 'static> ClassDef<'a, T> {
    /// A class called `name`, without constructor (Python can't instantiate it; use
    /// [`Class::instantiate`]), methods or handlers.
    pub const fn new(name: Qstr) -> Self {
        ClassDef {
            name,
            make_new: None,
            locals: &[],
            attr: None,
            print: None,
        }
    }

    /// The constructor, called with `min_args ..= max_args` positional arguments
    /// (keywords are refused).
    pub const fn make_new(mut self, f: MakeNew<T>, min_args: usize, max_args: usize) -> Self {
        let sig = crate::signature(min_args, max_args, false);
        self.make_new = Some((f, sig, make_new_trampoline::<T>));
        self
    }

    /// Methods and class attributes: function objects ([`crate::Fun2::obj`], ...) bind
    /// `self` when called on an instance; other objects are plain class attributes.
    pub const fn locals(mut self, locals: &'a [(Qstr, Obj)]) -> Self {
        self.locals = locals;
        self
    }

    /// The attribute handler (consulted before the locals).
    pub const fn attr(mut self, f: AttrHandler<T>) -> Self {
        self.attr = Some((f, attr_trampoline::<T>));
        self
    }

    /// The `str()` / `repr()` handler.
    pub const fn print(mut self, f: PrintHandler<T>) -> Self {
        self.print = Some((f, print_trampoline::<T>));
        self
    }
}

/// An instance of a [`Class<T>`]: a typed, `Copy` handle. The payload is read and
/// written by copy, so no Rust reference into the object ever exists (Python code
/// running during a runtime call can't invalidate one).
pub struct Instance<T> {
    obj: Obj,
    _payload: PhantomData<fn() -> T>,
}

impl<T> Clone for Instance<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Instance<T> {}

/// Memory layout of an instance.
#[repr(C)]
struct InstanceRepr<T> {
    base: ObjBase,
    data: T,
}

impl<T: Copy + 'static> Instance<T> {
    /// The instance as an object.
    pub fn obj(self) -> Obj {
        self.obj
    }

    fn repr(self) -> *mut InstanceRepr<T> {
        self.obj.raw().cast()
    }

    /// A copy of the payload.
    pub fn get(self) -> T {
        // SAFETY: `Instance` is only made for objects whose type is the `Class<T>`, which
        // are `InstanceRepr<T>` initialised by `instantiate`; the handle keeps it alive.
        unsafe { addr_of!((*self.repr()).data).read() }
    }

    /// Replaces the payload.
    pub fn set(self, value: T) {
        // SAFETY: as in `get`; no reference to the payload exists anywhere.
        unsafe { addr_of_mut!((*self.repr()).data).write(value) }
    }

    /// Updates the payload through a copy: `f` sees `&mut` to a local copy, which is
    /// written back afterwards.
    pub fn update<R>(self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut v = self.get();
        let r = f(&mut v);
        self.set(v);
        r
    }
}

impl<T: Copy + 'static> Class<T> {
    /// An empty class (all zero, so it can live in `.bss`). Use [`class!`](crate::class!),
    /// which also exports the symbol as the `.mpy` format requires.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Class<T> {
        Class {
            ty: UnsafeCell::new(ObjType {
                base: ObjBase {
                    type_: core::ptr::null(),
                },
                flags: 0,
                name: 0,
                slot_index: [0; slot::COUNT],
                slots: [core::ptr::null(); slot::POINTERS],
            }),
            make_new: Cell::new(None),
            make_new_sig: Cell::new(0),
            attr: Cell::new(None),
            print: Cell::new(None),
        }
    }

    /// The type object.
    pub fn ty(&'static self) -> Type {
        // SAFETY: the type object is in static memory (filled in by `define`).
        unsafe { Type::from_raw(self.ty.get()) }
    }

    /// The class as an object (to store in a module).
    pub fn obj(&'static self) -> Obj {
        self.ty().obj()
    }

    /// `obj` as an instance of this class (exact type), if it is one.
    pub fn downcast(&'static self, obj: Obj) -> Option<Instance<T>> {
        if obj.type_of() == self.ty() {
            Some(Instance {
                obj,
                _payload: PhantomData,
            })
        } else {
            None
        }
    }

    /// `obj` as an instance of this class, or `TypeError` (for methods' `self`: calling
    /// a method through the class passes anything).
    pub fn this(&'static self, obj: Obj) -> PyResult<Instance<T>> {
        self.downcast(obj)
            .ok_or(exc!(TypeError, "argument has wrong type"))
    }

    /// A new instance holding `value`, allocated on the GC heap (`MemoryError` if full).
    pub fn instantiate(&'static self, py: &mut Py, value: T) -> PyResult<Instance<T>> {
        self.instantiate_copy(py, &value)
    }

    /// [`Class::instantiate`] with a copy of `*value`, which stays where it is (and keeps
    /// what it refers to alive) while the memory is allocated.
    fn instantiate_copy(&'static self, py: &mut Py, value: &T) -> PyResult<Instance<T>> {
        const {
            assert!(!core::mem::needs_drop::<T>());
            // GC blocks are at least four words, aligned to their size.
            assert!(core::mem::align_of::<InstanceRepr<T>>() <= 4 * core::mem::size_of::<usize>());
        }
        let mem = py.alloc(core::mem::size_of::<InstanceRepr<T>>())?;
        let repr = mem.as_ptr().cast::<InstanceRepr<T>>();
        // SAFETY: fresh, suitably aligned (see above) and large enough memory.
        unsafe {
            repr.write(InstanceRepr {
                base: ObjBase {
                    type_: self.ty.get(),
                },
                data: *value,
            })
        };
        Ok(Instance {
            // SAFETY: a fully initialised object of this class.
            obj: unsafe { Obj::from_raw(repr.cast()) },
            _payload: PhantomData,
        })
    }

    /// Fills in the type object: name, constructor, locals dict and handlers. Call it
    /// from the module's init, before storing [`Class::obj`] in the module (or use
    /// [`Class::define_in`], which does both).
    // Inlined: `def` is usually a constant, so the slots it sets are numbered at compile
    // time and what it doesn't set costs no code.
    #[inline(always)]
    pub fn define(&'static self, py: &mut Py, def: &ClassDef<'_, T>) -> PyResult<()> {
        self.define_into(py, OBJ_NULL, def)
    }

    /// [`Class::define`], then `m.set(py, name, self.obj())`: defines the class and adds
    /// it to the module under its name.
    #[inline(always)]
    pub fn define_in(
        &'static self,
        py: &mut Py,
        m: &mut Module,
        def: &ClassDef<'_, T>,
    ) -> PyResult<()> {
        self.define_into(py, m.globals().raw(), def)
    }

    /// [`Class::define`], storing the class in the dict `module` unless it is NULL.
    #[inline(always)]
    fn define_into(
        &'static self,
        py: &mut Py,
        module: RawObj,
        def: &ClassDef<'_, T>,
    ) -> PyResult<()> {
        let ty = self.ty.get();
        let dict = start_type(py, ty, def.name, def.locals, module)?;
        let mut used = 0;
        if let Some((f, sig, tramp)) = def.make_new {
            self.make_new.set(Some(f));
            self.make_new_sig.set(sig);
            set_slot(ty, slot::MAKE_NEW, &mut used, tramp as *const c_void);
        }
        if let Some((f, tramp)) = def.print {
            self.print.set(Some(f));
            set_slot(ty, slot::PRINT, &mut used, tramp as *const c_void);
        }
        if let Some((f, tramp)) = def.attr {
            self.attr.set(Some(f));
            set_slot(ty, slot::ATTR, &mut used, tramp as *const c_void);
        }
        if !def.locals.is_empty() {
            set_slot(ty, slot::LOCALS_DICT, &mut used, dict);
        }
        Ok(())
    }
}

/// The type-independent start of [`Class::define`]: makes the locals dict (returned;
/// NULL if there are no locals), makes `ty` a type called `name` with no slots yet (see
/// [`set_slot`]), and stores it in the dict `module` unless that is NULL.
#[inline(never)]
fn start_type(
    py: &mut Py,
    ty: *mut ObjType,
    name: Qstr,
    locals: &[(Qstr, Obj)],
    module: RawObj,
) -> PyResult<*const c_void> {
    // The locals dict first: if an allocation fails the type is left as it was.
    let dict = if locals.is_empty() {
        core::ptr::null()
    } else {
        let d = py.dict()?;
        for &(name, value) in locals {
            crate::py::dict_store(d, name.obj(), value)?;
        }
        d.raw().cast_const()
    };
    // SAFETY: `ty` is a class's type object in static memory; no reference to it exists
    // and module code runs on one thread (see `Class`'s `Sync`). Written field by field,
    // in place.
    unsafe {
        (*ty).base.type_ = table().type_type;
        (*ty).flags = 0;
        (*ty).name = name.raw_u16();
        (*ty).slot_index = [0; slot::COUNT];
    }
    if !module.is_null() {
        // SAFETY: `module` is the module's globals dict; `ty` is now a type object (its
        // slots are set before any code can use it: the caller's next steps).
        let (module, ty) = unsafe { (Obj::from_raw(module), Obj::from_raw(ty.cast())) };
        crate::py::dict_store(module, name.obj(), ty)?;
    }
    Ok(dict)
}

/// Sets slot `which` of `ty` to `value`, in the next free entry (`used` counts them),
/// the same encoding as `MP_OBJ_TYPE_SET_SLOT`: index byte n + 1, value in `slots[n]`.
#[inline(always)]
fn set_slot(ty: *mut ObjType, which: usize, used: &mut usize, value: *const c_void) {
    let n = *used;
    *used += 1;
    // SAFETY: as in `start_type`. `define` sets at most four of the eleven slots.
    unsafe {
        (*ty).slot_index[which] = n as u8 + 1;
        (*ty).slots[n] = value;
    }
}

/// The class owning the type pointer the runtime passed.
///
/// # Safety
/// `ty` must be the type object of a `Class<T>` (trampolines are only installed in the
/// type of the `Class<T>` they are instantiated for).
unsafe fn class_of<T>(ty: *const ObjType) -> &'static Class<T> {
    // SAFETY: `Class<T>` is `repr(C)` with the type object first; it is a static.
    unsafe { &*ty.cast::<Class<T>>() }
}

unsafe extern "C" fn make_new_trampoline<T: Copy + 'static>(
    ty: *const ObjType,
    n_args: usize,
    n_kw: usize,
    args: *const RawObj,
) -> RawObj {
    // SAFETY: the runtime calls `type->make_new(type, ...)` with this class's type (also
    // for Python subclasses, which pass their native base).
    let class = unsafe { class_of::<T>(ty) };
    // SAFETY: entry from the runtime; `args` holds `n_args + 2 * n_kw` objects.
    unsafe { crate::__private::finish(make_new_body(class, n_args, n_kw, args)) }
}

/// # Safety
/// `args` must hold `n_args` valid objects.
unsafe fn make_new_body<T: Copy + 'static>(
    class: &'static Class<T>,
    n_args: usize,
    n_kw: usize,
    args: *const RawObj,
) -> PyResult<Obj> {
    // SAFETY: entry from the runtime; the token lives for this call only.
    let mut py = unsafe { Py::assume() };
    // SAFETY: the trampoline is only installed by `define`, after it sets `make_new`.
    let f = unsafe { class.make_new.get().unwrap_unchecked() };
    // SAFETY: `arg_check_num_sig(n_args, n_kw, sig)` raises TypeError on a mismatch,
    // with the runtime's own message.
    unsafe {
        call3(
            table().arg_check_num_sig,
            n_args,
            n_kw,
            class.make_new_sig.get(),
        )
    }?;
    // SAFETY: forwarded from the caller.
    let args = unsafe { crate::__private::args(n_args, args) };
    // The payload is copied to the heap from where `f` left it (in this frame, scanned
    // by the GC while the memory is allocated).
    let made = f(&mut py, args);
    let value = match &made {
        Ok(value) => value,
        Err(e) => return Err(*e),
    };
    Ok(class.instantiate_copy(&mut py, value)?.obj())
}

unsafe extern "C" fn attr_trampoline<T: Copy + 'static>(
    this: RawObj,
    attr: usize,
    dest: *mut RawObj,
) {
    // SAFETY: the runtime calls the attr slot of `type(this)`, which is this class.
    let class = unsafe { class_of::<T>((table().obj_get_type)(this)) };
    // SAFETY: `this` is a valid object of this class.
    let Some(inst) = class.downcast(unsafe { Obj::from_raw(this) }) else {
        return;
    };
    // SAFETY: `dest` points to two object slots (see `mp_attr_fun_t`).
    let (d0, d1) = unsafe { (*dest, *dest.add(1)) };
    let op = if d0.is_null() {
        AttrOp::Load
    } else if d1.is_null() {
        AttrOp::Delete
    } else {
        // SAFETY: `dest[1]` is the value being stored.
        AttrOp::Store(unsafe { Obj::from_raw(d1) })
    };
    let Some(f) = class.attr.get() else { return };
    // SAFETY: entry from the runtime; the token lives for this call only.
    let mut py = unsafe { Py::assume() };
    match (op, f(&mut py, inst, Qstr::from_runtime(attr), op)) {
        (AttrOp::Load, Ok(AttrResult::Value(v))) => {
            // SAFETY: `dest[0]` receives the loaded value.
            unsafe { *dest = v.raw() }
        }
        (AttrOp::Load, Ok(_)) => {
            // SAFETY: `dest[1] = SENTINEL` asks the runtime to continue with the locals.
            unsafe { *dest.add(1) = OBJ_SENTINEL }
        }
        (_, Ok(AttrResult::Done)) => {
            // SAFETY: `dest[0] = NULL` reports a successful store or delete.
            unsafe { *dest = OBJ_NULL }
        }
        (_, Ok(_)) => {}
        (_, Err(e)) => e.raise(),
    }
}

unsafe extern "C" fn print_trampoline<T: Copy + 'static>(
    print: *const raw::Print,
    this: RawObj,
    _kind: c_uint,
) {
    // SAFETY: the runtime calls the print slot of `type(this)`, which is this class.
    let class = unsafe { class_of::<T>((table().obj_get_type)(this)) };
    // SAFETY: `this` is a valid object of this class.
    let Some(inst) = class.downcast(unsafe { Obj::from_raw(this) }) else {
        return;
    };
    let Some(f) = class.print.get() else { return };
    // SAFETY: entry from the runtime; the token lives for this call only.
    let mut py = unsafe { Py::assume() };
    let mut printer = Printer { raw: print };
    if let Err(e) = f(&mut py, inst, &mut printer) {
        e.raise()
    }
}

/// Where a [`PrintHandler`] writes (`mp_print_t`).
pub struct Printer {
    raw: *const raw::Print,
}

impl Printer {
    /// Writes text.
    pub fn write_str(&mut self, _py: &mut Py, s: &str) -> PyResult<()> {
        self.write_utf8(s.as_bytes())
    }

    /// Writes a number in decimal.
    pub fn write_int(&mut self, _py: &mut Py, v: isize) -> PyResult<()> {
        // SAFETY: `mp_printf(print, "%ld", v)` on the printer the runtime passed for this
        // call; it writes to a stream, which may raise.
        unsafe { call3_variadic(table().printf_, self.raw, c"%ld".as_ptr(), v) }.map(|_| ())
    }

    fn write_utf8(&mut self, s: &[u8]) -> PyResult<()> {
        // SAFETY: `raw` is the printer the runtime passed for this call; `print_strn`
        // writes `len` bytes of UTF-8 (to a stream, which may raise).
        unsafe {
            let p = &*self.raw;
            call3(p.print_strn, p.data, s.as_ptr().cast(), s.len())
        }
    }
}

/// Declares a [`Class`] static, exported as the `.mpy` format requires for writable
/// statics: `mpy_abi::class!(static LAYER: Layer);` (the payload type must be `Copy`).
#[macro_export]
macro_rules! class {
    ($(#[$attr:meta])* $vis:vis static $name:ident : $t:ty) => {
        $(#[$attr])*
        #[unsafe(no_mangle)]
        $vis static $name: $crate::Class<$t> = $crate::Class::new();
    };
}
