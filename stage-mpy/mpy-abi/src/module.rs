//! The module being imported, the entry point, and the trampolines' shared code.

use crate::exc::set_module_globals;
use crate::obj::Obj;
use crate::py::Py;
use crate::qstr::Qstr;
use crate::raw::{table, FunBc, RawObj};
use crate::{exc, PyResult};

/// The module being initialised: where its functions, classes and constants go.
pub struct Module {
    globals: Obj,
}

impl Module {
    /// `module.name = value`.
    pub fn set(&mut self, _py: &mut Py, name: Qstr, value: Obj) -> PyResult<()> {
        // The module's globals are a dict.
        crate::py::dict_store(self.globals, name.obj(), value)
    }

    /// The module's globals dict.
    pub fn globals(&self) -> Obj {
        self.globals
    }
}

/// Defines the module's entry point `mpy_init`, which the loader calls on import, around
/// an ordinary Rust `fn`: `mpy_abi::module!(init);` with
/// `fn init(py: &mut Py, m: &mut Module) -> PyResult<()>`.
///
/// Before calling it, the entry point makes the module's globals current (the
/// `swap_globals` protocol), checks the runtime and records the globals (builtin types
/// are looked up with them current); afterwards it restores the globals and raises the
/// `Err`, if any (the import fails).
///
/// The linker must place `mpy_init` at the start of the code (the loader jumps there).
#[macro_export]
macro_rules! module {
    ($init:path) => {
        /// Module entry point, called by the `.mpy` loader.
        ///
        /// # Safety
        /// Only the loader may call it, once, with the module's function object.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn mpy_init(
            this: *const $crate::raw::FunBc,
            _n_args: usize,
            _n_kw: usize,
            _args: *const $crate::raw::RawObj,
        ) -> $crate::raw::RawObj {
            let f: fn(&mut $crate::Py, &mut $crate::Module) -> $crate::PyResult<()> = $init;
            // SAFETY: called once by the loader with the module's function object.
            unsafe { $crate::__private::init(this, f) }
        }
    };
}

/// Code shared by the generated trampolines. Not part of the API.
#[doc(hidden)]
pub mod private {
    use super::*;

    /// Returns the object, or raises the exception (never returns then).
    ///
    /// # Safety
    /// Only on the way back from module code to the runtime: the caller's frame and this
    /// one hold nothing but `Copy` data.
    pub unsafe fn finish(result: PyResult<Obj>) -> RawObj {
        match result {
            Ok(o) => o.raw(),
            Err(e) => e.raise(),
        }
    }

    /// The positional arguments the runtime passed, as a slice.
    ///
    /// # Safety
    /// `args` must point to `n` valid objects (or `n` be 0), alive for the call.
    pub unsafe fn args<'a>(n: usize, args: *const RawObj) -> &'a [Obj] {
        if n == 0 || args.is_null() {
            &[]
        } else {
            // SAFETY: forwarded from the caller; `Obj` is a transparent `mp_obj_t`.
            unsafe { core::slice::from_raw_parts(args.cast::<Obj>(), n) }
        }
    }

    /// Trampoline body for `mp_fun_0_t`.
    ///
    /// # Safety
    /// Only from a generated trampoline called by the runtime.
    pub unsafe fn call0(f: fn(&mut Py) -> PyResult<Obj>) -> RawObj {
        // SAFETY: entry from the runtime.
        let mut py = unsafe { Py::assume() };
        let r = f(&mut py);
        // SAFETY: returning to the runtime; `f`'s frame is gone.
        unsafe { finish(r) }
    }

    /// Trampoline body for `mp_fun_1_t`.
    ///
    /// # Safety
    /// Only from a generated trampoline called by the runtime, with a valid object.
    pub unsafe fn call1(f: fn(&mut Py, Obj) -> PyResult<Obj>, a: RawObj) -> RawObj {
        // SAFETY: entry from the runtime with a valid object.
        let (mut py, a) = unsafe { (Py::assume(), Obj::from_raw(a)) };
        let r = f(&mut py, a);
        // SAFETY: returning to the runtime; `f`'s frame is gone.
        unsafe { finish(r) }
    }

    /// Trampoline body for `mp_fun_2_t`.
    ///
    /// # Safety
    /// Only from a generated trampoline called by the runtime, with valid objects.
    pub unsafe fn call2(f: fn(&mut Py, Obj, Obj) -> PyResult<Obj>, a: RawObj, b: RawObj) -> RawObj {
        // SAFETY: entry from the runtime with valid objects.
        let (mut py, a, b) = unsafe { (Py::assume(), Obj::from_raw(a), Obj::from_raw(b)) };
        let r = f(&mut py, a, b);
        // SAFETY: returning to the runtime; `f`'s frame is gone.
        unsafe { finish(r) }
    }

    /// Trampoline body for `mp_fun_3_t`.
    ///
    /// # Safety
    /// Only from a generated trampoline called by the runtime, with valid objects.
    pub unsafe fn call3(
        f: fn(&mut Py, Obj, Obj, Obj) -> PyResult<Obj>,
        a: RawObj,
        b: RawObj,
        c: RawObj,
    ) -> RawObj {
        // SAFETY: entry from the runtime with valid objects.
        let (mut py, a, b, c) = unsafe {
            (
                Py::assume(),
                Obj::from_raw(a),
                Obj::from_raw(b),
                Obj::from_raw(c),
            )
        };
        let r = f(&mut py, a, b, c);
        // SAFETY: returning to the runtime; `f`'s frame is gone.
        unsafe { finish(r) }
    }

    /// Trampoline body for `mp_fun_var_t`.
    ///
    /// # Safety
    /// Only from a generated trampoline called by the runtime with `n` objects at `args`.
    pub unsafe fn call_var(
        f: fn(&mut Py, &[Obj]) -> PyResult<Obj>,
        n: usize,
        args: *const RawObj,
    ) -> RawObj {
        // SAFETY: entry from the runtime with `n` valid objects.
        let (mut py, args) = unsafe { (Py::assume(), self::args(n, args)) };
        let r = f(&mut py, args);
        // SAFETY: returning to the runtime; `f`'s frame is gone.
        unsafe { finish(r) }
    }

    /// Body of `mpy_init` (see [`module!`](crate::module!)).
    ///
    /// # Safety
    /// Only from the generated `mpy_init`, called by the loader.
    pub unsafe fn init(this: *const FunBc, f: fn(&mut Py, &mut Module) -> PyResult<()>) -> RawObj {
        let t = table();
        // SAFETY: the loader passes the module's function object, whose context starts
        // with the module object (`{base, globals}`).
        let globals = unsafe { (*(*this).context).module.globals };
        // SAFETY: `swap_globals` only exchanges the current-globals pointer.
        let old = unsafe { (t.swap_globals)(globals) };
        let result = if t.setjmp_.is_some() {
            // Protected calls need a native `nlr_push` (every port that loads native
            // code on the supported architectures has one).
            Err(exc!(RuntimeError, "setjmp NLR unsupported"))
        } else {
            set_module_globals(globals.cast());
            // SAFETY: entry from the runtime (the loader).
            let mut py = unsafe { Py::assume() };
            // SAFETY: the module's globals dict is a valid object.
            let globals = unsafe { Obj::from_raw(globals.cast()) };
            let mut m = Module { globals };
            f(&mut py, &mut m)
        };
        // SAFETY: restores the caller's globals (NULL means they were the same).
        unsafe { (t.swap_globals)(old) };
        match result {
            Ok(()) => t.const_none,
            Err(e) => e.raise(),
        }
    }
}
