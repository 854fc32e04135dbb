"""keypad for the headless console: key events made from the scripted keys.

Each scanner queues a press or release event for each of its keys at every
change of the keys held (so no change is missed, however rarely the game
looks), and press events for the keys held when it is made or reset. Looking
at the events counts as polling the buttons for run_game.py's watch."""

import _headless


class Event:
    def __init__(self, key_number=0, pressed=True, timestamp=None):
        self.key_number = key_number
        self.pressed = pressed
        self.timestamp = timestamp or 0

    @property
    def released(self):
        return not self.pressed

    def __eq__(self, other):
        return (self.key_number, self.pressed) == (other.key_number, other.pressed)

    def __repr__(self):
        return "<Event: key_number %d %s>" % (
            self.key_number, "pressed" if self.pressed else "released")


class EventQueue:
    def __init__(self, scanner):
        self._scanner = scanner
        self._events = []
        self.overflowed = False

    def _fill(self):
        _headless.poll()

    def get(self):
        self._fill()
        return self._events.pop(0) if self._events else None

    def get_into(self, event):
        self._fill()
        if not self._events:
            return False
        e = self._events.pop(0)
        event.key_number = e.key_number
        event.pressed = e.pressed
        event.timestamp = e.timestamp
        return True

    def clear(self):
        self._fill()
        self._events = []

    def __len__(self):
        self._fill()
        return len(self._events)

    def __bool__(self):
        return len(self) > 0


class _Scanner(_headless.Device):
    def __init__(self, key_bits):
        self._bits = key_bits
        self.key_count = len(key_bits)
        self.events = EventQueue(self)
        self.reset()
        self._listener = self._changed
        _headless.listeners.append(self._listener)

    def _changed(self, old, new):
        now = _headless.clock.us // 1000
        for i, bit in enumerate(self._bits):
            if bit & (old ^ new):
                self.events._events.append(Event(i, bool(new & bit), now))

    def reset(self):
        """Takes every key as released: those held now give press events."""
        self._changed(0, _headless.keys)

    def deinit(self):
        if self._listener in _headless.listeners:
            _headless.listeners.remove(self._listener)


class Keys(_Scanner):
    """One key per pin, key_number = the pin's index."""

    def __init__(self, pins, *, value_when_pressed, pull=True, interval=0.02, max_events=64):
        super().__init__([getattr(p, "key", 0) for p in pins])


class ShiftRegisterKeys(_Scanner):
    """A 74HC165 chain read as a PyBadge's: key_number 0..7 are O, X, START,
    SELECT, RIGHT, DOWN, UP, LEFT."""

    def __init__(self, *, clock, data, latch, value_to_latch=True, key_count=8,
                 value_when_pressed, interval=0.02, max_events=64):
        names = _headless.SHIFT_REGISTER_KEYS
        super().__init__([_headless.KEYS[names[i]] if i < len(names) else 0
                          for i in range(key_count)])


class KeyMatrix(_Scanner):
    def __init__(self, row_pins, column_pins, columns_to_anodes=True, interval=0.02, max_events=64):
        super().__init__([0] * (len(row_pins) * len(column_pins)))
