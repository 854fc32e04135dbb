"""analogio for the headless console: joysticks follow the arrow keys."""

import _headless


class AnalogIn(_headless.Device):
    """JOYSTICK_X reads 0 with LEFT held, 65535 with RIGHT, else 32768;
    JOYSTICK_Y the same with UP and DOWN; other pins read 32768."""

    reference_voltage = 3.3

    def __init__(self, pin):
        self.pin = pin

    @property
    def value(self):
        name = getattr(self.pin, "name", "")
        keys = _headless.keys
        k = _headless.KEYS
        if name == "JOYSTICK_X":
            return 0 if keys & k["LEFT"] else 65535 if keys & k["RIGHT"] else 32768
        if name == "JOYSTICK_Y":
            return 0 if keys & k["UP"] else 65535 if keys & k["DOWN"] else 32768
        return 32768


class AnalogOut:
    def __init__(self, pin):
        self.pin = pin
        self.value = 0

    def deinit(self):
        pass
