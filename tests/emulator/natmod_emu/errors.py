"""Exceptions the harness raises or passes around."""


class EmulatorError(Exception):
    """The harness could not go on: a CPU fault, a runtime entry that is not emulated,
    an exhausted instruction budget, a malformed module.  Never a MicroPython exception:
    those are `MpException`."""


class MpException(Exception):
    """A MicroPython exception.

    Raised to Python when module code raises (`type_name`, e.g. "ValueError", and
    `message`, str() of the exception as MicroPython prints it), and raised by host
    objects (see `HostObject`) to throw a MicroPython exception into module code:
    `raise MpException("OSError", 5)`.
    """

    def __init__(self, type_name, *args):
        self.type_name = type_name
        self.mp_args = args
        if len(args) == 1:
            self.message = str(args[0])
        elif not args:
            self.message = ""
        else:
            self.message = repr(args)
        super().__init__(f"{type_name}: {self.message}" if self.message else type_name)
        self.obj = None  # address of the exception object, when it came from the emulator


class MpRaise(Exception):
    """Internal: a MicroPython exception object (`obj`, an address) in flight, i.e. an
    `nlr_jump`.  Host code that calls into the runtime may catch it like C code under
    `nlr_push`."""

    def __init__(self, obj):
        super().__init__(f"exception object 0x{obj:08x}")
        self.obj = obj
