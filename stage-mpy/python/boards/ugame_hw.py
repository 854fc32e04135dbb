# Hardware code shared by every board's ugame.py: the display driver
# (ST7735R, ST7789 and ILI9341 all speak MIPI DCS over a write-only SPI
# bus), buttons on GPIO pins, buttons behind a 74HC165 shift register, and
# an audio object that is always safe to call.
#
# Everything here is port-neutral: a board's ugame.py creates the
# machine.SPI bus the way its port wants and passes pin names (or numbers)
# through unchanged. Nothing allocates after construction except clear().

from machine import Pin
from time import sleep_ms


class Display:
    # spi: a machine.SPI (mode 0, MSB first); dc, cs, rst: machine.Pin
    # outputs (rst may be None); init: ((command, params, delay_ms), ...).
    def __init__(self, spi, dc, cs, rst, width, height, colstart, rowstart, init):
        self.spi = spi
        self.width = width
        self.height = height
        self._dc = dc
        self._cs = cs
        self._rst = rst
        self._col = colstart
        self._row = rowstart
        self._list = init
        self._cmd = bytearray(1)
        self._win = bytearray(4)
        self.init()

    # Reset the panel (by pin if it has one), send the init list, blank it.
    def init(self):
        self._cs(1)
        self._dc(1)
        rst = self._rst
        if rst is not None:
            rst(1)
            sleep_ms(1)
            rst(0)
            sleep_ms(10)
            rst(1)
            sleep_ms(120)
        self._cs(0)
        for command, params, delay in self._list:
            self._command(command, params)
            if delay:
                sleep_ms(delay)
        self.clear()

    # A command byte with DC low, then its parameters with DC high. DC is
    # left high, so pixel data may follow.
    def _command(self, command, params=None):
        cmd = self._cmd
        cmd[0] = command
        self._dc(0)
        self.spi.write(cmd)
        self._dc(1)
        if params:
            self.spi.write(params)

    def _range(self, command, start, end):
        win = self._win
        win[0] = start >> 8
        win[1] = start & 0xFF
        win[2] = end >> 8
        win[3] = end & 0xFF
        self._command(command, win)

    # Open the window x0..x1, y0..y1 (inclusive, device pixels) and start a
    # memory write: CS and DC stay low and high, so pixel data sent to
    # self.spi (by _stage.render, or write()) fills the window.
    def block(self, x0, y0, x1, y1):
        self._cs(0)
        self._range(0x2A, x0 + self._col, x1 + self._col)  # CASET
        self._range(0x2B, y0 + self._row, y1 + self._row)  # RASET
        self._command(0x2C)  # RAMWR

    # Pixel data (RGB565, high byte first) into the open window.
    def write(self, buf):
        self._dc(1)
        self._cs(0)
        self.spi.write(buf)

    # Fill the whole screen with one RGB565 colour.
    def clear(self, color=0):
        self.block(0, 0, self.width - 1, self.height - 1)
        chunk = bytearray(64)
        for i in range(0, 64, 2):
            chunk[i] = (color >> 8) & 0xFF
            chunk[i + 1] = color & 0xFF
        left = self.width * self.height * 2
        while left >= 64:
            self.spi.write(chunk)
            left -= 64
        if left:
            self.spi.write(memoryview(chunk)[:left])

    def __enter__(self):
        self._cs(0)
        return self

    def __exit__(self, *exc):
        self._cs(1)


# The display of a board module: its bus `spi` (made the way its port wants)
# and the panel facts of `board`, the module's globals (PIN_DC, PIN_CS,
# PIN_RST, which may be None, WIDTH, HEIGHT, COLSTART, ROWSTART, INIT).
def board_display(spi, board):
    rst = board["PIN_RST"]
    return Display(
        spi,
        Pin(board["PIN_DC"], Pin.OUT, value=1),
        Pin(board["PIN_CS"], Pin.OUT, value=1),
        None if rst is None else Pin(rst, Pin.OUT, value=1),
        board["WIDTH"],
        board["HEIGHT"],
        board["COLSTART"],
        board["ROWSTART"],
        board["INIT"],
    )


class Buttons:
    # pins: {"X": pin, ...} (None for a key the board never reports);
    # keys: the board module's globals, where K_<name> holds each bit.
    def __init__(self, pins, keys, pull=Pin.PULL_UP, pressed=0):
        self._pressed = pressed
        self._keys = [
            (Pin(pin, Pin.IN, pull), keys["K_" + name])
            for name, pin in pins.items()
            if pin is not None
        ]

    # The keys held right now, as a bitmask of the board's K_* values.
    def get_pressed(self):
        mask = 0
        pressed = self._pressed
        for pin, bit in self._keys:
            if pin.value() == pressed:
                mask |= bit
        return mask


class ShiftButtons:
    # A 74HC165: a low pulse on latch loads the inputs, then each clock
    # rising edge shifts the next one out on data. The n-th bit read is
    # bit n of the mask (the board's K_* values follow that order); a
    # pressed key reads high.
    def __init__(self, latch, clock, data, count=8):
        self._latch = Pin(latch, Pin.OUT, value=1)
        self._clock = Pin(clock, Pin.OUT, value=0)
        self._data = Pin(data, Pin.IN)
        self._count = count

    def get_pressed(self):
        latch = self._latch
        clock = self._clock
        data = self._data
        latch(0)
        latch(1)
        mask = 0
        for i in range(self._count):
            if data.value():
                mask |= 1 << i
            clock(1)
            clock(0)
        return mask


class Audio:
    # Starts muted, like the CircuitPython boards. play() takes an open WAV
    # file and is accepted and ignored (no sample output on these ports
    # yet); enable, if given, is the amplifier-enable pin, high while not
    # muted.
    def __init__(self, enable=None):
        self.muted = True
        self._enable = None if enable is None else Pin(enable, Pin.OUT, value=0)

    def play(self, audio_file, loop=False):
        pass

    def stop(self):
        pass

    def mute(self, value=True):
        self.muted = bool(value)
        if self._enable is not None:
            self._enable(0 if value else 1)
