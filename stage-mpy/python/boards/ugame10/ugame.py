# ugame for the uGame 10: ATSAMD21E18 (MicroPython samd port), ST7735R
# 1.44" 128x128 in a 132x162 RAM, six buttons, speaker on the DAC.
# Install: this file and ../ugame_hw.py (see ../README.md).

from micropython import const
import machine
import ugame_hw

# Board facts (read by tests/boards/check_boards.py; keep them literal).
PORT = "samd"
MCU = "SAMD21"
WIDTH = const(128)
HEIGHT = const(128)
COLSTART = const(3)
ROWSTART = const(2)
MADCTL = const(0xA8)  # MY | MV | BGR
SCALE = const(1)
SPI_ID = const(0)  # SERCOM0: MOSI on pad 2, SCK on pad 3
SPI_BAUDRATE = const(24000000)
PIN_SCK = "PA07"
PIN_MOSI = "PA06"
PIN_DC = "PA09"
PIN_CS = "PA08"
PIN_RST = None  # tied to the MCU's reset
PIN_BACKLIGHT = None  # always on
PIN_SPEAKER = "PA02"  # DAC output
PIN_MUTE = "PA23"  # amplifier enable: low = muted
PIN_BATTERY = "PA10"  # battery sense (analog)
BUTTON_PINS = {
    "X": "PA00",
    "O": "PA01",
    "UP": "PA03",
    "LEFT": "PA04",
    "RIGHT": "PA05",
    "DOWN": "PA22",
}
K_X = const(0x01)
K_DOWN = const(0x02)
K_LEFT = const(0x04)
K_RIGHT = const(0x08)
K_UP = const(0x10)
K_O = const(0x20)
K_START = const(0)  # no such key
K_SELECT = const(0)  # no such key
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
    (0x36, b"\xa8", 0),  # MADCTL
    (0x3A, b"\x05", 0),  # COLMOD: 16 bits per pixel
    (0xE0, b"\x02\x1c\x07\x12\x37\x32\x29\x2d\x29\x25\x2b\x39\x00\x01\x03\x10", 0),
    (0xE1, b"\x03\x1d\x07\x06\x2e\x2c\x29\x2d\x2e\x2e\x37\x3f\x00\x00\x02\x10", 0),
    (0x13, b"", 10),  # NORON
    (0x29, b"", 100),  # DISPON
)

# The bootloader leaves the battery-sense pin driven; an input draws nothing.
machine.Pin(PIN_BATTERY, machine.Pin.IN)

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
buttons = ugame_hw.Buttons(BUTTON_PINS, globals())
audio = ugame_hw.Audio(PIN_MUTE)
