"""Load 32-bit MicroPython native modules (`.mpy` 6.3) into a CPU emulator (Unicorn) the
way MicroPython's loader does, and call them through a fake MicroPython runtime.

See README.md next to this package.
"""

from .cpu import CPU_MODELS
from .emulator import Emulator, Module, Obj
from .engine import CallStats
from .errors import EmulatorError, MpException
from .mpyfile import MpyFormatError, parse as parse_mpy
from .runtime import FUN_TABLE_NAMES, HostObject

ARCHS = ("armv6m", "armv7m", "armv7emsp", "armv7emdp", "rv32imc")

__all__ = ["ARCHS", "CPU_MODELS", "CallStats", "Emulator", "EmulatorError", "FUN_TABLE_NAMES",
           "HostObject", "Module", "MpException", "MpyFormatError", "Obj", "parse_mpy"]
