"""gamepad for the headless console (removed from CircuitPython 7, still
imported by older games): bit i of get_pressed() is the button on pins[i]."""


class GamePad:
    def __init__(self, *pins):
        self.pins = pins

    def get_pressed(self):
        mask = 0
        for i, pin in enumerate(self.pins):
            p = getattr(pin, "pin", pin)
            if hasattr(p, "pressed") and p.pressed():
                mask |= 1 << i
        return mask

    def deinit(self):
        pass
