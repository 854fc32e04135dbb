"""board for the headless console: `DISPLAY` (the headless display) and pins.

Any pin name a game asks for exists (a module __getattr__); button pins
(BUTTON_X, BUTTON_A, X, O, UP, SW_A, BTNA, ...) read the scripted keys
through digitalio, keypad and gamepad.
"""

import _headless

DISPLAY = _headless.display()

SPEAKER = _headless.pin("SPEAKER")
SPEAKER_ENABLE = _headless.pin("SPEAKER_ENABLE")
MUTE = _headless.pin("MUTE")
BUTTON_X = _headless.pin("BUTTON_X")
BUTTON_O = _headless.pin("BUTTON_O")
BUTTON_A = _headless.pin("BUTTON_A")
BUTTON_B = _headless.pin("BUTTON_B")
BUTTON_UP = _headless.pin("BUTTON_UP")
BUTTON_DOWN = _headless.pin("BUTTON_DOWN")
BUTTON_LEFT = _headless.pin("BUTTON_LEFT")
BUTTON_RIGHT = _headless.pin("BUTTON_RIGHT")
BUTTON_START = _headless.pin("BUTTON_START")
BUTTON_SELECT = _headless.pin("BUTTON_SELECT")
BUTTON_Z = _headless.pin("BUTTON_Z")
BUTTON_CLOCK = _headless.pin("BUTTON_CLOCK")
BUTTON_OUT = _headless.pin("BUTTON_OUT")
BUTTON_LATCH = _headless.pin("BUTTON_LATCH")
JOYSTICK_X = _headless.pin("JOYSTICK_X")
JOYSTICK_Y = _headless.pin("JOYSTICK_Y")
NEOPIXEL = _headless.pin("NEOPIXEL")
BATTERY = _headless.pin("BATTERY")
LIGHT = _headless.pin("LIGHT")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _headless.pin(name)


def I2C():
    """The board's I2C bus: nothing answers on it (busio.I2C)."""
    import busio
    return busio.I2C()


def SPI():
    import busio
    return busio.SPI()


STEMMA_I2C = I2C
