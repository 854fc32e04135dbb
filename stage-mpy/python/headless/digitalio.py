"""digitalio for the headless console: button pins read the scripted keys."""

import _headless


class Direction:
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class Pull:
    UP = "UP"
    DOWN = "DOWN"


class DriveMode:
    PUSH_PULL = "PUSH_PULL"
    OPEN_DRAIN = "OPEN_DRAIN"


class DigitalInOut(_headless.Device):
    """An input reads its button (low when pressed, unless pulled down); an
    output keeps the value written."""

    def __init__(self, pin):
        self.pin = pin
        self.direction = Direction.INPUT
        self.pull = None
        self._value = False

    def switch_to_input(self, pull=None):
        self.direction = Direction.INPUT
        self.pull = pull

    def switch_to_output(self, value=False, drive_mode=DriveMode.PUSH_PULL):
        self.direction = Direction.OUTPUT
        self._value = bool(value)

    @property
    def value(self):
        if self.direction == Direction.OUTPUT:
            return self._value
        pressed = self.pin.pressed() if hasattr(self.pin, "pressed") else False
        return pressed if self.pull == Pull.DOWN else not pressed

    @value.setter
    def value(self, v):
        self._value = bool(v)
