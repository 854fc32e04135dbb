"""ugame for the headless console (MicroPython unix port).

The contract games rely on: `display` (for stage.Stage), `buttons.get_pressed()`
(a bitmask of K_* bits), `audio` (`play(f, loop=False)`, `stop()`,
`mute(value=True)`; it starts muted, like CircuitPython's), and `battery`.
Everything is simulated by _headless: the display decodes what stage sends
into a framebuffer, the keys come from a script, the sounds are recorded.
"""

import _headless

K_X = _headless.KEYS["X"]
K_DOWN = _headless.KEYS["DOWN"]
K_LEFT = _headless.KEYS["LEFT"]
K_RIGHT = _headless.KEYS["RIGHT"]
K_UP = _headless.KEYS["UP"]
K_O = _headless.KEYS["O"]
K_START = _headless.KEYS["START"]
K_SELECT = _headless.KEYS["SELECT"]
K_Z = _headless.KEYS["Z"]
K_L = _headless.KEYS["L"]
K_R = _headless.KEYS["R"]

display = _headless.display()
buttons = _headless.buttons
audio = _headless.audio


class _Battery:
    """A full battery (an AnalogIn reading)."""

    value = 60000
    reference_voltage = 3.3


battery = _Battery()
