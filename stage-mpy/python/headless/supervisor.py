"""supervisor for the headless console: reload() ends the run cleanly."""

import _headless


class _Runtime:
    serial_connected = True
    serial_bytes_available = 0
    usb_connected = True
    autoreload = False


runtime = _Runtime()


def reload():
    """Ends the game (on a board it goes back to the menu or restarts)."""
    raise _headless.StopRun("supervisor.reload()")


def set_next_code_file(filename, **kwargs):
    pass


def disable_autoreload():
    pass


def enable_autoreload():
    pass


def ticks_ms():
    return (_headless.clock.read() // 1000) & ((1 << 29) - 1)
