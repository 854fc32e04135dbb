//! The raw C ABI: `#[repr(C)]` mirrors of the runtime's structures and the 87-entry
//! `mp_fun_table`, exactly as MicroPython 1.23 to 1.29 lay them out (`.mpy` 6.3).
//!
//! Nothing here is safe to use directly; the rest of the crate wraps it. Layouts are
//! checked at compile time for 32- and 64-bit targets at the end of this file.

use core::ffi::{c_char, c_int, c_uint, c_void};

/// `mp_obj_t`: a pointer-sized object handle (object representation A, B or C).
pub type RawObj = *mut c_void;

/// `MP_OBJ_NULL`: "no object".
pub const OBJ_NULL: RawObj = core::ptr::null_mut();

/// `MP_OBJ_SENTINEL` (release builds; debug builds with `MICROPY_DEBUG_MP_OBJ_SENTINELS`
/// use another value and are not supported).
pub const OBJ_SENTINEL: RawObj = 4 as RawObj;

/// Native type codes understood by `native_from_obj` / `native_to_obj` (entries 3 and 4).
pub mod native_type {
    /// The object itself.
    pub const OBJ: usize = 0;
    /// `bool` (truth value).
    pub const BOOL: usize = 1;
    /// Signed machine int (`mp_obj_get_int_truncated` / `mp_obj_new_int`).
    pub const INT: usize = 2;
    /// Unsigned machine int.
    pub const UINT: usize = 3;
    /// A qstr number (to object only: makes a `str`).
    pub const QSTR: usize = 8;
}

/// Flags for `get_buffer` (entry 65).
pub mod buffer_flags {
    /// Read access.
    pub const READ: usize = 1;
    /// Write access.
    pub const WRITE: usize = 2;
    /// Raise `TypeError` instead of returning false.
    pub const RAISE_IF_UNSUPPORTED: usize = 4;
}

/// `mp_unary_op_t` values used by this crate (stable for `.mpy` 6.x).
pub mod unary_op {
    use core::ffi::c_uint;
    /// `__bool__`.
    pub const BOOL: c_uint = 4;
    /// `__len__`.
    pub const LEN: c_uint = 5;
}

/// `mp_binary_op_t` values used by this crate (bytecode-visible, stable for `.mpy` 6.x).
pub mod binary_op {
    use core::ffi::c_uint;
    /// `==`.
    pub const EQUAL: c_uint = 2;
}

/// `mp_obj_type_t` flags (`MP_TYPE_FLAG_*`).
pub mod type_flags {
    /// Calls through an instance bind `self` (function-like types).
    pub const BINDS_SELF: u16 = 0x0020;
    /// The type is a builtin function type.
    pub const BUILTIN_FUN: u16 = 0x0040;
    /// The `iter` slot is an `iternext` function.
    pub const ITER_IS_ITERNEXT: u16 = 0x0080;
    /// The `iter` slot is a custom `mp_getiter_iternext_custom_t`.
    pub const ITER_IS_CUSTOM: u16 = 0x0100;
}

/// Indices of the per-slot index bytes of a type (`slot_index_<name>`), in struct order.
pub mod slot {
    /// `make_new`: constructor.
    pub const MAKE_NEW: usize = 0;
    /// `print`: `str()` / `repr()`.
    pub const PRINT: usize = 1;
    /// `call`: calling an instance.
    pub const CALL: usize = 2;
    /// `unary_op`.
    pub const UNARY_OP: usize = 3;
    /// `binary_op`.
    pub const BINARY_OP: usize = 4;
    /// `attr`: attribute load / store / delete.
    pub const ATTR: usize = 5;
    /// `subscr`: indexing.
    pub const SUBSCR: usize = 6;
    /// `iter`.
    pub const ITER: usize = 7;
    /// `buffer`: buffer protocol.
    pub const BUFFER: usize = 8;
    /// `protocol`: type-specific protocol struct.
    pub const PROTOCOL: usize = 9;
    /// `parent`: base type.
    pub const PARENT: usize = 10;
    /// `locals_dict`: methods and class attributes (a real `dict`).
    pub const LOCALS_DICT: usize = 11;
    /// Number of slot index bytes.
    pub const COUNT: usize = 12;
    /// Number of slot pointers in a full type.
    pub const POINTERS: usize = 11;
}

/// An opaque C type that is only ever handled by address.
#[repr(C)]
pub struct Opaque {
    _private: [u8; 0],
}

/// `mp_obj_base_t`: the header of every heap object.
#[repr(C)]
pub struct ObjBase {
    /// The object's type.
    pub type_: *const ObjType,
}

/// `mp_obj_full_type_t`: a type object with room for every slot.
#[repr(C)]
pub struct ObjType {
    /// Header (`&mp_type_type`).
    pub base: ObjBase,
    /// `MP_TYPE_FLAG_*`.
    pub flags: u16,
    /// The type's name (a qstr).
    pub name: u16,
    /// For each slot kind (see [`slot`]): 0 = unset, n + 1 = `slots[n]`.
    pub slot_index: [u8; slot::COUNT],
    /// Slot values.
    pub slots: [*const c_void; slot::POINTERS],
}

/// `mp_fun_0_t`.
pub type Fun0 = unsafe extern "C" fn() -> RawObj;
/// `mp_fun_1_t`.
pub type Fun1 = unsafe extern "C" fn(RawObj) -> RawObj;
/// `mp_fun_2_t`.
pub type Fun2 = unsafe extern "C" fn(RawObj, RawObj) -> RawObj;
/// `mp_fun_3_t`.
pub type Fun3 = unsafe extern "C" fn(RawObj, RawObj, RawObj) -> RawObj;
/// `mp_fun_var_t`: `(n_args, args)`.
pub type FunVar = unsafe extern "C" fn(usize, *const RawObj) -> RawObj;
/// `mp_fun_kw_t`: `(n_pos, args, kw_map)`.
pub type FunKw = unsafe extern "C" fn(usize, *const RawObj, *mut Map) -> RawObj;
/// `mp_make_new_fun_t`: `(type, n_args, n_kw, args)`.
pub type MakeNewFn = unsafe extern "C" fn(*const ObjType, usize, usize, *const RawObj) -> RawObj;
/// `mp_print_fun_t`: `(print, self, kind)`.
pub type PrintFn = unsafe extern "C" fn(*const Print, RawObj, c_uint);
/// `mp_attr_fun_t`: `(self, attr, dest[2])`.
pub type AttrFn = unsafe extern "C" fn(RawObj, usize, *mut RawObj);

/// `mp_obj_fun_builtin_fixed_t` taking no argument.
#[repr(C)]
pub struct FunBuiltin0 {
    /// Header (`&mp_type_fun_builtin_0`).
    pub base: ObjBase,
    /// The function.
    pub fun: Fun0,
}

/// `mp_obj_fun_builtin_fixed_t` taking one argument.
#[repr(C)]
pub struct FunBuiltin1 {
    /// Header (`&mp_type_fun_builtin_1`).
    pub base: ObjBase,
    /// The function.
    pub fun: Fun1,
}

/// `mp_obj_fun_builtin_fixed_t` taking two arguments.
#[repr(C)]
pub struct FunBuiltin2 {
    /// Header (`&mp_type_fun_builtin_2`).
    pub base: ObjBase,
    /// The function.
    pub fun: Fun2,
}

/// `mp_obj_fun_builtin_fixed_t` taking three arguments.
#[repr(C)]
pub struct FunBuiltin3 {
    /// Header (`&mp_type_fun_builtin_3`).
    pub base: ObjBase,
    /// The function.
    pub fun: Fun3,
}

/// The function of a [`FunBuiltinVar`]: `var` unless the signature's keyword bit is set.
#[repr(C)]
#[derive(Clone, Copy)]
pub union FunVarOrKw {
    /// Positional arguments only.
    pub var: FunVar,
    /// Positional and keyword arguments.
    pub kw: FunKw,
}

/// `mp_obj_fun_builtin_var_t`.
#[repr(C)]
pub struct FunBuiltinVar {
    /// Header (`&mp_type_fun_builtin_var`).
    pub base: ObjBase,
    /// `MP_OBJ_FUN_MAKE_SIG(min, max, takes_kw)`, see [`crate::signature`].
    pub sig: u32,
    /// The function.
    pub fun: FunVarOrKw,
}

/// `mp_buffer_info_t`.
#[repr(C)]
pub struct BufferInfo {
    /// Start of the data.
    pub buf: *mut c_void,
    /// Length in bytes.
    pub len: usize,
    /// `array` typecode (`'B'` for bytes).
    pub typecode: c_int,
}

/// `mp_map_elem_t`.
#[repr(C)]
pub struct MapElem {
    /// Key.
    pub key: RawObj,
    /// Value.
    pub value: RawObj,
}

/// `mp_map_t`.
#[repr(C)]
pub struct Map {
    /// Bit 0 `all_keys_are_qstrs`, bit 1 `is_fixed`, bit 2 `is_ordered`, the rest `used`.
    pub bits: usize,
    /// Allocated table entries.
    pub alloc: usize,
    /// The table.
    pub table: *mut MapElem,
}

/// `mp_obj_dict_t`.
#[repr(C)]
pub struct Dict {
    /// Header (`&mp_type_dict`).
    pub base: ObjBase,
    /// Contents.
    pub map: Map,
}

/// `mp_obj_tuple_t` (items follow the header).
#[repr(C)]
pub struct Tuple {
    /// Header.
    pub base: ObjBase,
    /// Number of items.
    pub len: usize,
    /// The items (flexible array member).
    pub items: [RawObj; 0],
}

/// `mp_obj_list_t`.
#[repr(C)]
pub struct List {
    /// Header (`&mp_type_list`).
    pub base: ObjBase,
    /// Allocated item slots.
    pub alloc: usize,
    /// Number of items.
    pub len: usize,
    /// The items.
    pub items: *mut RawObj,
}

/// `mp_obj_module_t`.
#[repr(C)]
pub struct Module {
    /// Header (`&mp_type_module`).
    pub base: ObjBase,
    /// The module's globals.
    pub globals: *mut Dict,
}

/// `mp_module_context_t`: a module plus its constant tables.
#[repr(C)]
pub struct ModuleContext {
    /// The module object.
    pub module: Module,
    /// `qstr_short_t *`: the module's qstr table (entry 0 = source file name).
    pub qstr_table: *const u16,
    /// The module's object table (unused by native modules).
    pub obj_table: *const RawObj,
}

/// The leading fields of `mp_obj_fun_bc_t`: what the loader passes to `mpy_init` as `self`.
#[repr(C)]
pub struct FunBc {
    /// Header.
    pub base: ObjBase,
    /// The module being imported.
    pub context: *const ModuleContext,
    /// `mp_raw_code_t *const *` (unused by native modules).
    pub child_table: *const c_void,
    /// Start of the code.
    pub bytecode: *const u8,
}

/// `mp_print_strn_t`.
pub type PrintStrn = unsafe extern "C" fn(*mut c_void, *const c_char, usize);

/// `mp_print_t`.
#[repr(C)]
pub struct Print {
    /// Opaque sink state.
    pub data: *mut c_void,
    /// Writes `len` bytes.
    pub print_strn: PrintStrn,
}

/// `mp_obj_iter_buf_t`: stack storage an iterator may use.
#[repr(C)]
pub struct IterBuf {
    /// Header.
    pub base: ObjBase,
    /// Scratch words.
    pub buf: [RawObj; 3],
}

/// `mp_arg_t`: one entry of an argument-parsing table.
#[repr(C)]
pub struct ArgSpec {
    /// Keyword name (qstr).
    pub qst: u16,
    /// `MP_ARG_*` flags.
    pub flags: u16,
    /// Default value (`mp_arg_val_t`).
    pub defval: usize,
}

/// Number of machine words reserved for an `nlr_buf_t`.
///
/// The runtime needs `2 + MICROPY_NLR_NUM_REGS (+ 1 with PYSTACK)` words: 11 on x64
/// (13 on Windows), 13 on Thumb (19 with an FPU), 17 on rv32. Reserve comfortably more.
#[cfg(target_pointer_width = "64")]
pub const NLR_BUF_WORDS: usize = 16;
/// Number of machine words reserved for an `nlr_buf_t` (see the 64-bit definition).
#[cfg(target_pointer_width = "32")]
pub const NLR_BUF_WORDS: usize = 24;

/// `nlr_buf_t` (native NLR implementations), over-allocated: `prev`, `ret_val`, registers.
#[repr(C)]
pub struct NlrBuf {
    /// Previous buffer in the chain.
    pub prev: *mut NlrBuf,
    /// The raised exception after a non-local return.
    pub ret_val: RawObj,
    /// Saved registers (and, with PYSTACK, the pystack pointer).
    pub regs: [usize; NLR_BUF_WORDS - 2],
}

/// `mp_unary_op_fun_t(op, obj)`: the runtime's `mp_unary_op`, and a type's `unary_op`
/// slot (which returns NULL for an operation it doesn't support).
pub type UnaryOpFn = unsafe extern "C" fn(c_uint, RawObj) -> RawObj;

/// `mp_fun_table_t`: the runtime's function table, the only link between a native module
/// and the firmware. Index of each entry in the field documentation.
#[repr(C)]
pub struct FunTable {
    /// 0: `mp_const_none`.
    pub const_none: RawObj,
    /// 1: `mp_const_false`.
    pub const_false: RawObj,
    /// 2: `mp_const_true`.
    pub const_true: RawObj,
    /// 3: `mp_native_from_obj(obj, native_type)`.
    pub native_from_obj: unsafe extern "C" fn(RawObj, usize) -> usize,
    /// 4: `mp_native_to_obj(value, native_type)`.
    pub native_to_obj: unsafe extern "C" fn(usize, usize) -> RawObj,
    /// 5: `mp_native_swap_globals(dict)`: returns the old globals, or NULL if unchanged.
    pub swap_globals: unsafe extern "C" fn(*mut Dict) -> *mut Dict,
    /// 6: `mp_load_name(qstr)`.
    pub load_name: unsafe extern "C" fn(usize) -> RawObj,
    /// 7: `mp_load_global(qstr)`: current globals, then builtins.
    pub load_global: unsafe extern "C" fn(usize) -> RawObj,
    /// 8: `mp_load_build_class()`.
    pub load_build_class: unsafe extern "C" fn() -> RawObj,
    /// 9: `mp_load_attr(base, qstr)`.
    pub load_attr: unsafe extern "C" fn(RawObj, usize) -> RawObj,
    /// 10: `mp_load_method(base, qstr, dest[2])`: raises `AttributeError` if missing.
    pub load_method: unsafe extern "C" fn(RawObj, usize, *mut RawObj),
    /// 11: `mp_load_super_method(qstr, dest)`.
    pub load_super_method: unsafe extern "C" fn(usize, *mut RawObj),
    /// 12: `mp_store_name(qstr, obj)`.
    pub store_name: unsafe extern "C" fn(usize, RawObj),
    /// 13: `mp_store_global(qstr, obj)`.
    pub store_global: unsafe extern "C" fn(usize, RawObj),
    /// 14: `mp_store_attr(base, qstr, value)`.
    pub store_attr: unsafe extern "C" fn(RawObj, usize, RawObj),
    /// 15: `mp_obj_subscr(base, index, value)`: value = SENTINEL loads, NULL deletes.
    pub obj_subscr: unsafe extern "C" fn(RawObj, RawObj, RawObj) -> RawObj,
    /// 16: `mp_obj_is_true(obj)`.
    pub obj_is_true: unsafe extern "C" fn(RawObj) -> bool,
    /// 17: `mp_unary_op(op, obj)`.
    pub unary_op: UnaryOpFn,
    /// 18: `mp_binary_op(op, lhs, rhs)`.
    pub binary_op: unsafe extern "C" fn(c_uint, RawObj, RawObj) -> RawObj,
    /// 19: `mp_obj_new_tuple(n, items)`; `n = 0` returns the constant empty tuple.
    pub new_tuple: unsafe extern "C" fn(usize, *const RawObj) -> RawObj,
    /// 20: `mp_obj_new_list(n, items)` (copies the items).
    pub new_list: unsafe extern "C" fn(usize, *mut RawObj) -> RawObj,
    /// 21: `mp_obj_new_dict(n_args)`.
    pub new_dict: unsafe extern "C" fn(usize) -> RawObj,
    /// 22: `mp_obj_new_set(n, items)`.
    pub new_set: unsafe extern "C" fn(usize, *mut RawObj) -> RawObj,
    /// 23: `mp_obj_set_store(set, item)`.
    pub set_store: unsafe extern "C" fn(RawObj, RawObj),
    /// 24: `mp_obj_list_append(list, item)`.
    pub list_append: unsafe extern "C" fn(RawObj, RawObj) -> RawObj,
    /// 25: `mp_obj_dict_store(dict, key, value)`.
    pub dict_store: unsafe extern "C" fn(RawObj, RawObj, RawObj) -> RawObj,
    /// 26: `mp_make_function_from_proto_fun(proto_fun, context, def_args)`.
    pub make_function_from_proto_fun:
        unsafe extern "C" fn(*const c_void, *const ModuleContext, *const RawObj) -> RawObj,
    /// 27: `mp_native_call_function_n_kw(fun, n_args | n_kw << 8, args)`.
    pub call_function_n_kw: unsafe extern "C" fn(RawObj, usize, *const RawObj) -> RawObj,
    /// 28: `mp_call_method_n_kw(n_args, n_kw, args)`, args = `[fun, self or NULL, ...]`.
    pub call_method_n_kw: unsafe extern "C" fn(usize, usize, *const RawObj) -> RawObj,
    /// 29: `mp_call_method_n_kw_var(have_self, n_args_n_kw, args)`.
    pub call_method_n_kw_var: unsafe extern "C" fn(bool, usize, *const RawObj) -> RawObj,
    /// 30: `mp_native_getiter(obj, iter_buf)`.
    pub getiter: unsafe extern "C" fn(RawObj, *mut IterBuf) -> RawObj,
    /// 31: `mp_native_iternext(iter_buf)`: NULL when exhausted.
    pub iternext: unsafe extern "C" fn(*mut IterBuf) -> RawObj,
    /// 32: `nlr_push(buf)` (`nlr_push_tail` on setjmp-based ports, see entry 49).
    pub nlr_push: unsafe extern "C" fn(*mut NlrBuf) -> c_uint,
    /// 33: `nlr_pop()`.
    pub nlr_pop: unsafe extern "C" fn(),
    /// 34: `mp_native_raise(obj)`: returns only if `obj` is NULL or None.
    pub raise: unsafe extern "C" fn(RawObj),
    /// 35: `mp_import_name(qstr, fromlist, level)`.
    pub import_name: unsafe extern "C" fn(usize, RawObj, RawObj) -> RawObj,
    /// 36: `mp_import_from(module, qstr)`.
    pub import_from: unsafe extern "C" fn(RawObj, usize) -> RawObj,
    /// 37: `mp_import_all(module)`.
    pub import_all: unsafe extern "C" fn(RawObj),
    /// 38: `mp_obj_new_slice(start, stop, step)`.
    pub new_slice: unsafe extern "C" fn(RawObj, RawObj, RawObj) -> RawObj,
    /// 39: `mp_unpack_sequence(seq, num, items)`.
    pub unpack_sequence: unsafe extern "C" fn(RawObj, usize, *mut RawObj),
    /// 40: `mp_unpack_ex(seq, num, items)`.
    pub unpack_ex: unsafe extern "C" fn(RawObj, usize, *mut RawObj),
    /// 41: `mp_delete_name(qstr)`.
    pub delete_name: unsafe extern "C" fn(usize),
    /// 42: `mp_delete_global(qstr)`.
    pub delete_global: unsafe extern "C" fn(usize),
    /// 43: `mp_obj_new_closure(fun, n_closed, closed)`.
    pub new_closure: unsafe extern "C" fn(RawObj, usize, *const RawObj) -> RawObj,
    /// 44: `mp_arg_check_num_sig(n_args, n_kw, sig)`: raises `TypeError` on mismatch.
    pub arg_check_num_sig: unsafe extern "C" fn(usize, usize, u32),
    /// 45: `mp_setup_code_state_native(code_state, n_args, n_kw, args)`.
    pub setup_code_state_native: unsafe extern "C" fn(*mut c_void, usize, usize, *const RawObj),
    /// 46: `mp_small_int_floor_divide(num, denom)`.
    pub small_int_floor_divide: unsafe extern "C" fn(isize, isize) -> isize,
    /// 47: `mp_small_int_modulo(dividend, divisor)`.
    pub small_int_modulo: unsafe extern "C" fn(isize, isize) -> isize,
    /// 48: `mp_native_yield_from(gen, send_value, ret_value)`.
    pub yield_from: unsafe extern "C" fn(RawObj, RawObj, *mut RawObj) -> bool,
    /// 49: `setjmp`, only on ports whose NLR uses setjmp; NULL otherwise.
    pub setjmp_: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    /// 50: `memset`.
    pub memset_: unsafe extern "C" fn(*mut c_void, c_int, usize) -> *mut c_void,
    /// 51: `memmove`.
    pub memmove_: unsafe extern "C" fn(*mut c_void, *const c_void, usize) -> *mut c_void,
    /// 52: `gc_realloc(ptr, n_bytes, allow_move)`: NULL ptr allocates (zeroed), 0 frees;
    /// returns NULL when out of memory.
    pub realloc_: unsafe extern "C" fn(*mut c_void, usize, bool) -> *mut c_void,
    /// 53: `mp_printf(print, fmt, ...)`.
    pub printf_: unsafe extern "C" fn(*const Print, *const c_char, ...) -> c_int,
    /// 54: `mp_vprintf(print, fmt, va_list)` (`va_list` is one word on every target here).
    pub vprintf_: unsafe extern "C" fn(*const Print, *const c_char, *mut c_void) -> c_int,
    /// 55: `mp_raise_msg(type, msg)`; NULL with `MICROPY_ERROR_REPORTING_NONE`.
    pub raise_msg: Option<unsafe extern "C" fn(*const ObjType, *const c_char) -> !>,
    /// 56: `mp_obj_get_type(obj)`.
    pub obj_get_type: unsafe extern "C" fn(RawObj) -> *const ObjType,
    /// 57: `mp_obj_new_str(data, len)` (UTF-8).
    pub obj_new_str: unsafe extern "C" fn(*const c_char, usize) -> RawObj,
    /// 58: `mp_obj_new_bytes(data, len)` (copies).
    pub obj_new_bytes: unsafe extern "C" fn(*const u8, usize) -> RawObj,
    /// 59: `mp_obj_new_bytearray_by_ref(n, items)` (references, does not copy).
    pub obj_new_bytearray_by_ref: unsafe extern "C" fn(usize, *mut c_void) -> RawObj,
    /// 60: `mp_obj_new_float_from_f(f)`.
    pub obj_new_float_from_f: unsafe extern "C" fn(f32) -> RawObj,
    /// 61: `mp_obj_new_float_from_d(d)`.
    pub obj_new_float_from_d: unsafe extern "C" fn(f64) -> RawObj,
    /// 62: `mp_obj_get_float_to_f(obj)`.
    pub obj_get_float_to_f: unsafe extern "C" fn(RawObj) -> f32,
    /// 63: `mp_obj_get_float_to_d(obj)`.
    pub obj_get_float_to_d: unsafe extern "C" fn(RawObj) -> f64,
    /// 64: `mp_load_method_maybe(base, qstr, dest[2])`: `dest[0]` NULL if missing.
    pub load_method_maybe: unsafe extern "C" fn(RawObj, usize, *mut RawObj),
    /// 65: `mp_get_buffer(obj, info, flags)`.
    pub get_buffer: unsafe extern "C" fn(RawObj, *mut BufferInfo, usize) -> bool,
    /// 66: `mp_get_stream_raise(obj, flags)`.
    pub get_stream_raise: unsafe extern "C" fn(RawObj, c_int) -> *const c_void,
    /// 67: `mp_arg_parse_all(n_pos, pos, kws, n_allowed, allowed, out_vals)`.
    pub arg_parse_all:
        unsafe extern "C" fn(usize, *const RawObj, *mut Map, usize, *const ArgSpec, *mut usize),
    /// 68: `mp_arg_parse_all_kw_array(n_pos, n_kw, args, n_allowed, allowed, out_vals)`.
    pub arg_parse_all_kw_array:
        unsafe extern "C" fn(usize, usize, *const RawObj, usize, *const ArgSpec, *mut usize),
    /// 69: `mp_binary_get_size(struct_type, val_type, palign)`.
    pub binary_get_size: unsafe extern "C" fn(c_char, c_char, *mut usize) -> usize,
    /// 70: `mp_binary_get_val_array(typecode, p, index)`.
    pub binary_get_val_array: unsafe extern "C" fn(c_char, *mut c_void, usize) -> RawObj,
    /// 71: `mp_binary_set_val_array(typecode, p, index, value)`.
    pub binary_set_val_array: unsafe extern "C" fn(c_char, *mut c_void, usize, RawObj),
    /// 72: `&mp_plat_print`.
    pub plat_print: *const Print,
    /// 73: `&mp_type_type`.
    pub type_type: *const ObjType,
    /// 74: `&mp_type_str`.
    pub type_str: *const ObjType,
    /// 75: `&mp_type_list`.
    pub type_list: *const ObjType,
    /// 76: `&mp_type_dict`.
    pub type_dict: *const ObjType,
    /// 77: `&mp_type_fun_builtin_0`.
    pub type_fun_builtin_0: *const ObjType,
    /// 78: `&mp_type_fun_builtin_1`.
    pub type_fun_builtin_1: *const ObjType,
    /// 79: `&mp_type_fun_builtin_2`.
    pub type_fun_builtin_2: *const ObjType,
    /// 80: `&mp_type_fun_builtin_3`.
    pub type_fun_builtin_3: *const ObjType,
    /// 81: `&mp_type_fun_builtin_var`.
    pub type_fun_builtin_var: *const ObjType,
    /// 82: `&mp_type_Exception`.
    pub type_exception: *const ObjType,
    /// 83: `&mp_stream_read_obj`.
    pub stream_read_obj: *const FunBuiltinVar,
    /// 84: `&mp_stream_readinto_obj`.
    pub stream_readinto_obj: *const FunBuiltinVar,
    /// 85: `&mp_stream_unbuffered_readline_obj`.
    pub stream_unbuffered_readline_obj: *const FunBuiltinVar,
    /// 86: `&mp_stream_write_obj`.
    pub stream_write_obj: *const FunBuiltinVar,
}

/// Number of entries in [`FunTable`].
pub const FUN_TABLE_ENTRIES: usize = 87;

extern "C" {
    /// The runtime's function table (the linker maps it to loader relocation kind 8).
    pub static mp_fun_table: FunTable;
    /// The module's qstr table (loader relocation kind 6); the crate uses per-name
    /// `__mpy_qstr_<name>` symbols instead (see [`crate::qstr!`]).
    pub static mp_native_qstr_table: [u16; 0];
    /// `mp_type_type` (the linker maps it to the value of table entry 73).
    pub static mp_type_type: Opaque;
    /// `mp_type_str` (entry 74).
    pub static mp_type_str: Opaque;
    /// `mp_type_list` (entry 75).
    pub static mp_type_list: Opaque;
    /// `mp_type_dict` (entry 76).
    pub static mp_type_dict: Opaque;
    /// `mp_type_fun_builtin_0` (entry 77).
    pub static mp_type_fun_builtin_0: Opaque;
    /// `mp_type_fun_builtin_1` (entry 78).
    pub static mp_type_fun_builtin_1: Opaque;
    /// `mp_type_fun_builtin_2` (entry 79).
    pub static mp_type_fun_builtin_2: Opaque;
    /// `mp_type_fun_builtin_3` (entry 80).
    pub static mp_type_fun_builtin_3: Opaque;
    /// `mp_type_fun_builtin_var` (entry 81).
    pub static mp_type_fun_builtin_var: Opaque;
    /// `mp_type_Exception` (entry 82).
    pub static mp_type_Exception: Opaque;
    /// `mp_stream_read_obj` (entry 83).
    pub static mp_stream_read_obj: Opaque;
    /// `mp_stream_readinto_obj` (entry 84).
    pub static mp_stream_readinto_obj: Opaque;
    /// `mp_stream_unbuffered_readline_obj` (entry 85).
    pub static mp_stream_unbuffered_readline_obj: Opaque;
    /// `mp_stream_write_obj` (entry 86).
    pub static mp_stream_write_obj: Opaque;
}

impl FunTable {
    /// The types of native functions, entries 77 to 81 (`mp_type_fun_builtin_0` to
    /// `_3` and `_var`): what `type()` of a function written in C (or in a native
    /// module) is.
    pub fn builtin_function_types(&self) -> &[*const ObjType; 5] {
        // SAFETY: the five fields are consecutive pointer-sized fields of this
        // `#[repr(C)]` struct (their offsets are checked below), so they form an
        // array of five pointers borrowed from `self`.
        unsafe { &*core::ptr::addr_of!(self.type_fun_builtin_0).cast::<[*const ObjType; 5]>() }
    }
}

/// The runtime's function table.
///
/// Only meaningful inside a loaded native module: the loader fills in the address. On
/// the host the symbol is undefined, so code that calls this can't be linked into tests.
#[inline(always)]
pub fn table() -> &'static FunTable {
    // SAFETY: inside a loaded module `mp_fun_table` is the runtime's immutable, fully
    // initialised table, valid for the life of the program; entries that may be NULL on
    // some firmware are typed as `Option`.
    unsafe { &*core::ptr::addr_of!(mp_fun_table) }
}

// ---------------------------------------------------------------------------
// Compile-time layout checks. The figures are those of the runtime's own structs
// (`mp_obj_full_type_t` 112 / 64 bytes, builtin functions 16 / 8 and 24 / 12, ...).

macro_rules! assert_table_order {
    ($($field:ident = $index:literal),* $(,)?) => {
        const _: () = {
            const W: usize = core::mem::size_of::<usize>();
            $(assert!(core::mem::offset_of!(FunTable, $field) == $index * W);)*
        };
    };
}

assert_table_order!(
    const_none = 0,
    const_false = 1,
    const_true = 2,
    native_from_obj = 3,
    native_to_obj = 4,
    swap_globals = 5,
    load_name = 6,
    load_global = 7,
    load_build_class = 8,
    load_attr = 9,
    load_method = 10,
    load_super_method = 11,
    store_name = 12,
    store_global = 13,
    store_attr = 14,
    obj_subscr = 15,
    obj_is_true = 16,
    unary_op = 17,
    binary_op = 18,
    new_tuple = 19,
    new_list = 20,
    new_dict = 21,
    new_set = 22,
    set_store = 23,
    list_append = 24,
    dict_store = 25,
    make_function_from_proto_fun = 26,
    call_function_n_kw = 27,
    call_method_n_kw = 28,
    call_method_n_kw_var = 29,
    getiter = 30,
    iternext = 31,
    nlr_push = 32,
    nlr_pop = 33,
    raise = 34,
    import_name = 35,
    import_from = 36,
    import_all = 37,
    new_slice = 38,
    unpack_sequence = 39,
    unpack_ex = 40,
    delete_name = 41,
    delete_global = 42,
    new_closure = 43,
    arg_check_num_sig = 44,
    setup_code_state_native = 45,
    small_int_floor_divide = 46,
    small_int_modulo = 47,
    yield_from = 48,
    setjmp_ = 49,
    memset_ = 50,
    memmove_ = 51,
    realloc_ = 52,
    printf_ = 53,
    vprintf_ = 54,
    raise_msg = 55,
    obj_get_type = 56,
    obj_new_str = 57,
    obj_new_bytes = 58,
    obj_new_bytearray_by_ref = 59,
    obj_new_float_from_f = 60,
    obj_new_float_from_d = 61,
    obj_get_float_to_f = 62,
    obj_get_float_to_d = 63,
    load_method_maybe = 64,
    get_buffer = 65,
    get_stream_raise = 66,
    arg_parse_all = 67,
    arg_parse_all_kw_array = 68,
    binary_get_size = 69,
    binary_get_val_array = 70,
    binary_set_val_array = 71,
    plat_print = 72,
    type_type = 73,
    type_str = 74,
    type_list = 75,
    type_dict = 76,
    type_fun_builtin_0 = 77,
    type_fun_builtin_1 = 78,
    type_fun_builtin_2 = 79,
    type_fun_builtin_3 = 80,
    type_fun_builtin_var = 81,
    type_exception = 82,
    stream_read_obj = 83,
    stream_readinto_obj = 84,
    stream_unbuffered_readline_obj = 85,
    stream_write_obj = 86,
);

macro_rules! assert_layout {
    ($($what:expr => $bytes:expr),* $(,)?) => {
        const _: () = { $(assert!($what == $bytes);)* };
    };
}

#[cfg(target_pointer_width = "64")]
assert_layout!(
    core::mem::size_of::<FunTable>() => 87 * 8,
    core::mem::size_of::<ObjBase>() => 8,
    core::mem::size_of::<ObjType>() => 112,
    core::mem::offset_of!(ObjType, flags) => 8,
    core::mem::offset_of!(ObjType, name) => 10,
    core::mem::offset_of!(ObjType, slot_index) => 12,
    core::mem::offset_of!(ObjType, slots) => 24,
    core::mem::size_of::<FunBuiltin0>() => 16,
    core::mem::size_of::<FunBuiltin1>() => 16,
    core::mem::size_of::<FunBuiltin2>() => 16,
    core::mem::size_of::<FunBuiltin3>() => 16,
    core::mem::size_of::<FunBuiltinVar>() => 24,
    core::mem::offset_of!(FunBuiltinVar, sig) => 8,
    core::mem::offset_of!(FunBuiltinVar, fun) => 16,
    core::mem::size_of::<BufferInfo>() => 24,
    core::mem::size_of::<Map>() => 24,
    core::mem::size_of::<MapElem>() => 16,
    core::mem::size_of::<Dict>() => 32,
    core::mem::size_of::<Tuple>() => 16,
    core::mem::size_of::<List>() => 32,
    core::mem::offset_of!(List, len) => 16,
    core::mem::offset_of!(List, items) => 24,
    core::mem::size_of::<Module>() => 16,
    core::mem::size_of::<ModuleContext>() => 32,
    core::mem::offset_of!(FunBc, context) => 8,
    core::mem::size_of::<Print>() => 16,
    core::mem::size_of::<IterBuf>() => 32,
    core::mem::size_of::<ArgSpec>() => 16,
    core::mem::size_of::<NlrBuf>() => 128,
);

#[cfg(target_pointer_width = "32")]
assert_layout!(
    core::mem::size_of::<FunTable>() => 87 * 4,
    core::mem::size_of::<ObjBase>() => 4,
    core::mem::size_of::<ObjType>() => 64,
    core::mem::offset_of!(ObjType, flags) => 4,
    core::mem::offset_of!(ObjType, name) => 6,
    core::mem::offset_of!(ObjType, slot_index) => 8,
    core::mem::offset_of!(ObjType, slots) => 20,
    core::mem::size_of::<FunBuiltin0>() => 8,
    core::mem::size_of::<FunBuiltin1>() => 8,
    core::mem::size_of::<FunBuiltin2>() => 8,
    core::mem::size_of::<FunBuiltin3>() => 8,
    core::mem::size_of::<FunBuiltinVar>() => 12,
    core::mem::offset_of!(FunBuiltinVar, sig) => 4,
    core::mem::offset_of!(FunBuiltinVar, fun) => 8,
    core::mem::size_of::<BufferInfo>() => 12,
    core::mem::size_of::<Map>() => 12,
    core::mem::size_of::<MapElem>() => 8,
    core::mem::size_of::<Dict>() => 16,
    core::mem::size_of::<Tuple>() => 8,
    core::mem::size_of::<List>() => 16,
    core::mem::offset_of!(List, len) => 8,
    core::mem::offset_of!(List, items) => 12,
    core::mem::size_of::<Module>() => 8,
    core::mem::size_of::<ModuleContext>() => 16,
    core::mem::offset_of!(FunBc, context) => 4,
    core::mem::size_of::<Print>() => 8,
    core::mem::size_of::<IterBuf>() => 16,
    core::mem::size_of::<ArgSpec>() => 8,
    core::mem::size_of::<NlrBuf>() => 96,
);
