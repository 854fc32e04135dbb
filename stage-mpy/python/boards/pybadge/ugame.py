# ugame for the PyBadge (also PyBadge LC, EdgeBadge): ATSAMD51J19
# (MicroPython samd port), ST7735R 1.8" 160x128, eight buttons behind a
# 74HC165 shift register.
# Install: this file and ../ugame_hw.py (see ../README.md).

from micropython import const
import machine
import ugame_hw

# Board facts (read by tests/boards/check_boards.py; keep them literal).
PORT = "samd"
MCU = "SAMD51"
WIDTH = const(160)
HEIGHT = const(128)
COLSTART = const(0)
ROWSTART = const(0)
MADCTL = const(0xA0)  # MY | MV
SCALE = const(1)
SPI_ID = const(4)  # SERCOM4: SCK on pad 1, MOSI on pad 3
SPI_BAUDRATE = const(60000000)  # the SERCOM gives at most half its clock
PIN_SCK = "PB13"
PIN_MOSI = "PB15"
PIN_DC = "PB05"
PIN_CS = "PB07"
PIN_RST = "PA00"
PIN_BACKLIGHT = "PA01"
# 74HC165: pressed keys read high; the n-th bit shifted out is bit n.
PIN_LATCH = "PB00"
PIN_CLOCK = "PB31"
PIN_DATA = "PB30"
BUTTON_PINS = None  # no key has a pin of its own
BUTTON_SHIFT = {
    "O": 0,
    "X": 1,
    "START": 2,
    "SELECT": 3,
    "RIGHT": 4,
    "DOWN": 5,
    "UP": 6,
    "LEFT": 7,
}
K_O = const(0x01)
K_X = const(0x02)
K_START = const(0x04)
K_SELECT = const(0x08)
K_RIGHT = const(0x10)
K_DOWN = const(0x20)
K_UP = const(0x40)
K_LEFT = const(0x80)
INIT = (
    (0x01, b"", 150),  # SWRESET
    (0x11, b"", 500),  # SLPOUT
    (0xB1, b"\x01\x2c\x2d", 0),  # FRMCTR1
    (0xB2, b"\x01\x2c\x2d", 0),  # FRMCTR2
    (0xB3, b"\x01\x2c\x2d\x01\x2c\x2d", 0),  # FRMCTR3
    (0xB4, b"\x07", 0),  # INVCTR
    (0xC0, b"\xa2\x02\x84", 0),  # PWCTR1
    (0xC1, b"\xc5", 0),  # PWCTR2
    (0xC2, b"\x0a\x00", 0),  # PWCTR3
    (0xC3, b"\x8a\x2a", 0),  # PWCTR4
    (0xC4, b"\x8a\xee", 0),  # PWCTR5
    (0xC5, b"\x0e", 0),  # VMCTR1
    (0x20, b"", 0),  # INVOFF
    (0x36, b"\xa0", 0),  # MADCTL
    (0x3A, b"\x05", 0),  # COLMOD: 16 bits per pixel
    (0xE0, b"\x02\x1c\x07\x12\x37\x32\x29\x2d\x29\x25\x2b\x39\x00\x01\x03\x10", 0),
    (0xE1, b"\x03\x1d\x07\x06\x2e\x2c\x29\x2d\x2e\x2e\x37\x3f\x00\x00\x02\x10", 0),
    (0x13, b"", 10),  # NORON
    (0x29, b"", 100),  # DISPON
)

_backlight = machine.Pin(PIN_BACKLIGHT, machine.Pin.OUT, value=1)
display = ugame_hw.board_display(
    machine.SPI(
        SPI_ID,
        baudrate=SPI_BAUDRATE,
        polarity=0,
        phase=0,
        sck=PIN_SCK,
        mosi=PIN_MOSI,
        miso=None,
    ),
    globals(),
)
buttons = ugame_hw.ShiftButtons(PIN_LATCH, PIN_CLOCK, PIN_DATA, len(BUTTON_SHIFT))
audio = ugame_hw.Audio()
