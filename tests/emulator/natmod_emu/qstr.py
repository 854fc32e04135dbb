"""Qstrs: MicroPython's interned strings, as the emulated firmware numbers them.

Numbers 1..165 are the static qstrs every port shares (`.mpy` files may refer to them by
number: an odd-encoded qstr in the qstr table).  Everything else is interned at run time
and gets a number from `FIRST_DYNAMIC` up, far from the static range, so that a module
which assumes the numbering of a particular firmware is caught.
"""

# The static qstr list of MicroPython (py/makeqstrdata.py, `static_qstr_list`): entry i
# is qstr number i + 1.  This numbering is part of the .mpy format.
STATIC_QSTRS = (
    '', '__dir__', '\n', ' ', '*', '/', '<module>', '_', '__call__', '__class__',
    '__delitem__', '__enter__', '__exit__', '__getattr__', '__getitem__', '__hash__',
    '__init__', '__int__', '__iter__', '__len__', '__main__', '__module__', '__name__',
    '__new__', '__next__', '__qualname__', '__repr__', '__setitem__', '__str__',
    'ArithmeticError', 'AssertionError', 'AttributeError', 'BaseException', 'EOFError',
    'Ellipsis', 'Exception', 'GeneratorExit', 'ImportError', 'IndentationError',
    'IndexError', 'KeyError', 'KeyboardInterrupt', 'LookupError', 'MemoryError',
    'NameError', 'NoneType', 'NotImplementedError', 'OSError', 'OverflowError',
    'RuntimeError', 'StopIteration', 'SyntaxError', 'SystemExit', 'TypeError',
    'ValueError', 'ZeroDivisionError', 'abs', 'all', 'any', 'append', 'args', 'bool',
    'builtins', 'bytearray', 'bytecode', 'bytes', 'callable', 'chr', 'classmethod',
    'clear', 'close', 'const', 'copy', 'count', 'dict', 'dir', 'divmod', 'end', 'endswith',
    'eval', 'exec', 'extend', 'find', 'format', 'from_bytes', 'get', 'getattr', 'globals',
    'hasattr', 'hash', 'id', 'index', 'insert', 'int', 'isalpha', 'isdigit', 'isinstance',
    'islower', 'isspace', 'issubclass', 'isupper', 'items', 'iter', 'join', 'key', 'keys',
    'len', 'list', 'little', 'locals', 'lower', 'lstrip', 'main', 'map', 'micropython',
    'next', 'object', 'open', 'ord', 'pop', 'popitem', 'pow', 'print', 'range', 'read',
    'readinto', 'readline', 'remove', 'replace', 'repr', 'reverse', 'rfind', 'rindex',
    'round', 'rsplit', 'rstrip', 'self', 'send', 'sep', 'set', 'setattr', 'setdefault',
    'sort', 'sorted', 'split', 'start', 'startswith', 'staticmethod', 'step', 'stop',
    'str', 'strip', 'sum', 'super', 'throw', 'to_bytes', 'tuple', 'type', 'update',
    'upper', 'utf-8', 'value', 'values', 'write', 'zip',
)
assert len(STATIC_QSTRS) == 165

#: Number of the last static qstr (`MP_QSTR_zip`); the loader treats anything up to it as
#: static.
LAST_STATIC = len(STATIC_QSTRS)

#: First number handed out to a qstr interned at run time.
FIRST_DYNAMIC = 1000


class QstrPool:
    """Interns strings and maps them to qstr numbers and back.

    `place` is called with the UTF-8 bytes (NUL-terminated) of a qstr the first time its
    characters are needed in emulator memory, and returns their address.
    """

    def __init__(self, place):
        self._place = place
        self._by_str = {}
        self._by_num = {}
        self._addr = {}
        for i, s in enumerate(STATIC_QSTRS, start=1):
            self._by_str[s] = i
            self._by_num[i] = s
        self._next = FIRST_DYNAMIC

    def intern(self, s):
        """The qstr number of `s` (a str), interning it if new."""
        q = self._by_str.get(s)
        if q is None:
            q = self._next
            self._next += 1
            if q > 0xFFFF:
                raise OverflowError("qstr pool full")
            self._by_str[s] = q
            self._by_num[q] = s
        return q

    def find(self, s):
        """The qstr number of `s`, or None if it was never interned."""
        return self._by_str.get(s)

    def str(self, q):
        """The string of qstr number `q` (KeyError if there is no such qstr)."""
        return self._by_num[q]

    def exists(self, q):
        return q in self._by_num

    def data_addr(self, q):
        """Emulator address of the NUL-terminated UTF-8 characters of qstr `q`."""
        a = self._addr.get(q)
        if a is None:
            a = self._place(self._by_num[q].encode("utf-8") + b"\0")
            self._addr[q] = a
        return a
