# ugame for the uGame 22: RP2040 (MicroPython rp2 port), ILI9341 320x240
# (stage draws 160x120 at scale 2), seven buttons.
# Install: this file and ../ugame_hw.py (see ../README.md).

from micropython import const
import machine
import ugame_hw

# Board facts (read by tests/boards/check_boards.py; keep them literal).
PORT = "rp2"
MCU = "RP2040"
WIDTH = const(320)
HEIGHT = const(240)
COLSTART = const(0)
ROWSTART = const(0)
MADCTL = const(0x38)  # MV | ML | BGR
SCALE = const(2)
SPI_ID = const(0)
SPI_BAUDRATE = const(80000000)  # clk_peri / 2 at most: 62.5 MHz at 125 MHz
PIN_SCK = 2
PIN_MOSI = 3
PIN_DC = 4
PIN_CS = 5
PIN_RST = 1
PIN_BACKLIGHT = None
BUTTON_PINS = {
    "X": 6,
    "DOWN": 7,
    "LEFT": 11,
    "RIGHT": 9,
    "UP": 10,
    "O": 8,
    "Z": 0,
    "SELECT": None,  # no such key; the bit is kept free for it
}
K_X = const(0x01)
K_DOWN = const(0x02)
K_LEFT = const(0x04)
K_RIGHT = const(0x08)
K_UP = const(0x10)
K_O = const(0x20)
K_Z = const(0x40)
K_START = K_Z
K_SELECT = const(0x80)
INIT = (
    (0x01, b"", 128),  # SWRESET
    (0xEF, b"\x03\x80\x02", 0),
    (0xCF, b"\x00\xc1\x30", 0),
    (0xED, b"\x64\x03\x12\x81", 0),
    (0xE8, b"\x85\x00\x78", 0),
    (0xCB, b"\x39\x2c\x00\x34\x02", 0),
    (0xF7, b"\x20", 0),
    (0xEA, b"\x00\x00", 0),
    (0xC0, b"\x23", 0),  # PWCTR1
    (0xC1, b"\x10", 0),  # PWCTR2
    (0xC5, b"\x3e\x28", 0),  # VMCTR1
    (0xC7, b"\x86", 0),  # VMCTR2
    (0x36, b"\x38", 0),  # MADCTL
    (0x37, b"\x00", 0),  # VSCRSADD
    (0x3A, b"\x55", 0),  # COLMOD: 16 bits per pixel
    (0xB1, b"\x00\x18", 0),  # FRMCTR1
    (0xB6, b"\x08\x82\x27", 0),  # DFUNCTR
    (0xF2, b"\x00", 0),  # 3-gamma off
    (0x26, b"\x01", 0),  # GAMMASET
    (0xE0, b"\x0f\x31\x2b\x0c\x0e\x08\x4e\xf1\x37\x07\x10\x03\x0e\x09\x00", 0),
    (0xE1, b"\x00\x0e\x14\x03\x11\x07\x31\xc1\x48\x08\x0f\x0c\x31\x36\x0f", 0),
    (0x20, b"", 0),  # INVOFF
    (0x11, b"", 120),  # SLPOUT
    (0x29, b"", 120),  # DISPON
)

display = ugame_hw.board_display(
    machine.SPI(
        SPI_ID,
        baudrate=SPI_BAUDRATE,
        polarity=0,
        phase=0,
        sck=machine.Pin(PIN_SCK),
        mosi=machine.Pin(PIN_MOSI),
        miso=None,
    ),
    globals(),
)
buttons = ugame_hw.Buttons(BUTTON_PINS, globals())
audio = ugame_hw.Audio()
