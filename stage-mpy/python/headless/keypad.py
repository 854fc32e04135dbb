"""keypad for the headless console: key events made from the scripted keys.

Each scanner compares the keys held now with what it reported last, whenever
the game looks at its events, and queues a press or release event for each
key that changed."""

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
        self._scanner._scan(self._events)

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


class _Scanner:
    def __init__(self, key_bits):
        self._bits = key_bits
        self._last = 0
        self.key_count = len(key_bits)
        self.events = EventQueue(self)

    def _held(self):
        keys = _headless.keys
        return [bool(bit and keys & bit) for bit in self._bits]

    def _scan(self, queue):
        held = self._held()
        now = _headless.clock.us // 1000
        for i, down in enumerate(held):
            was = bool(self._last >> i & 1)
            if down != was:
                queue.append(Event(i, down, now))
                self._last ^= 1 << i

    def reset(self):
        self._last = 0

    def deinit(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


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
