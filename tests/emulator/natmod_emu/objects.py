"""Object representation A on a 32-bit port: encodings and struct layouts.

    ...1     small int (v << 1) | 1, 31-bit payload
    ..010    qstr (q << 3) | 2
    ..110    immediate: None 0x06, False 0x0E, True 0x1E
    ...00    pointer to an object whose first word is its type
"""

NULL = 0
SENTINEL = 4          # MP_OBJ_SENTINEL
STOP_ITERATION = 0    # MP_OBJ_STOP_ITERATION (non-debug builds)
NONE = 0x06
FALSE = 0x0E
TRUE = 0x1E

SMALL_INT_BITS = 31
SMALL_MIN = -(1 << (SMALL_INT_BITS - 1))
SMALL_MAX = (1 << (SMALL_INT_BITS - 1)) - 1


def is_small_int(o):
    return o & 1 == 1


def small_int_value(o):
    v = o >> 1
    return v - (1 << 31) if v & (1 << 30) else v


def new_small_int(v):
    return ((v << 1) | 1) & 0xFFFFFFFF


def fits_small_int(v):
    return SMALL_MIN <= v <= SMALL_MAX


def is_qstr(o):
    return o & 7 == 2


def qstr_value(o):
    return o >> 3


def new_qstr(q):
    return (q << 3) | 2


def is_immediate(o):
    return o & 7 == 6


def is_pointer(o):
    return o & 3 == 0 and o != 0


# mp_obj_type_t / mp_obj_full_type_t, 32-bit
TYPE_FLAGS = 4
TYPE_NAME = 6
TYPE_SLOT_INDEX = 8
TYPE_SLOTS = 20
TYPE_SIZE = 64
SLOT_NAMES = ("make_new", "print", "call", "unary_op", "binary_op", "attr", "subscr", "iter",
              "buffer", "protocol", "parent", "locals_dict")
SLOT_NUM = {name: i for i, name in enumerate(SLOT_NAMES)}

# type flags
TYPE_FLAG_BINDS_SELF = 0x0020
TYPE_FLAG_BUILTIN_FUN = 0x0040
TYPE_FLAG_ITER_IS_ITERNEXT = 0x0080
TYPE_FLAG_ITER_IS_CUSTOM = 0x0100
TYPE_FLAG_ITER_IS_STREAM = TYPE_FLAG_ITER_IS_ITERNEXT | TYPE_FLAG_ITER_IS_CUSTOM

# mp_map_t bits in its first word
MAP_ALL_KEYS_ARE_QSTRS = 1
MAP_IS_FIXED = 2
MAP_IS_ORDERED = 4

# buffer protocol
BUFFER_READ = 1
BUFFER_WRITE = 2
BUFFER_RAISE_IF_UNSUPPORTED = 4
BYTEARRAY_TYPECODE = 1
ARRAY_TYPECODE_FLAG_RW = 0x80

# native types of native_from_obj / native_to_obj
NATIVE_OBJ, NATIVE_BOOL, NATIVE_INT, NATIVE_UINT = 0, 1, 2, 3
NATIVE_PTR, NATIVE_PTR8, NATIVE_PTR16, NATIVE_PTR32 = 4, 5, 6, 7
NATIVE_QSTR = 8

# mp_arg_t flags
ARG_BOOL, ARG_INT, ARG_OBJ = 1, 2, 3
ARG_KIND_MASK = 0xFF
ARG_REQUIRED = 0x100
ARG_KW_ONLY = 0x200

# unary and binary operators (py/runtime0.h)
UNARY_OPS = ("__pos__", "__neg__", "__invert__", "not", "__bool__", "__len__", "__hash__",
             "__abs__", "__int__", "__float__", "__complex__", "__sizeof__")
(UNARY_POSITIVE, UNARY_NEGATIVE, UNARY_INVERT, UNARY_NOT, UNARY_BOOL, UNARY_LEN, UNARY_HASH,
 UNARY_ABS, UNARY_INT_MAYBE, UNARY_FLOAT_MAYBE, UNARY_COMPLEX_MAYBE, UNARY_SIZEOF) = range(12)

_ARITH = ("or", "xor", "and", "lshift", "rshift", "add", "sub", "mul", "matmul", "floordiv",
          "truediv", "mod", "pow")
BINARY_OPS = (("__lt__", "__gt__", "__eq__", "__le__", "__ge__", "__ne__", "__contains__",
               "is", "exception match")
              + tuple(f"__i{n}__" for n in _ARITH)
              + tuple(f"__{n}__" for n in _ARITH)
              + ("__divmod__", "__contains__")
              + tuple(f"__r{n}__" for n in _ARITH)
              + ("not in", "is not"))
(BINARY_LESS, BINARY_MORE, BINARY_EQUAL, BINARY_LESS_EQUAL, BINARY_MORE_EQUAL,
 BINARY_NOT_EQUAL, BINARY_IN, BINARY_IS, BINARY_EXCEPTION_MATCH) = range(9)
BINARY_INPLACE_FIRST = 9
BINARY_FIRST_ARITH = 22
BINARY_DIVMOD = 35
BINARY_CONTAINS = 36
