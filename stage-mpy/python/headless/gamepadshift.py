"""gamepadshift for the headless console (removed from CircuitPython 7, still
imported by older PyBadge and PyGamer games): the buttons behind the 74HC165,
bit i of get_pressed() the i-th key shifted out, as on a PyBadge: B (O),
A (X), START, SELECT, RIGHT, DOWN, UP, LEFT."""

import _headless


class GamePadShift:
    def __init__(self, clock, data, latch):
        self._bits = [_headless.KEYS[name] for name in _headless.SHIFT_REGISTER_KEYS]

    def get_pressed(self):
        keys = _headless.keys
        mask = 0
        for i, bit in enumerate(self._bits):
            if keys & bit:
                mask |= 1 << i
        return mask

    def deinit(self):
        pass
