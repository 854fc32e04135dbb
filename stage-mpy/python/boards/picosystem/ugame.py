# ugame for the Pimoroni PicoSystem: RP2040 (MicroPython rp2 port), ST7789
# 240x240 IPS, eight buttons.
# Install: this file and ../ugame_hw.py (see ../README.md).

from micropython import const
import machine
import ugame_hw

# Board facts (read by tests/boards/check_boards.py; keep them literal).
PORT = "rp2"
MCU = "RP2040"
WIDTH = const(240)
HEIGHT = const(240)
COLSTART = const(0)
ROWSTART = const(0)
MADCTL = const(0x04)  # MH
SCALE = const(1)
SPI_ID = const(0)
SPI_BAUDRATE = const(60000000)  # clk_peri / 2 at most: 31.25 MHz at 125 MHz
PIN_SCK = 6
PIN_MOSI = 7
PIN_DC = 9
PIN_CS = 5
PIN_RST = 4
PIN_BACKLIGHT = 12
BUTTON_PINS = {
    "O": 18,  # A
    "X": 19,  # B
    "SELECT": 17,  # X
    "START": 16,  # Y
    "DOWN": 20,
    "LEFT": 22,
    "RIGHT": 21,
    "UP": 23,
}
K_O = const(0x01)
K_X = const(0x02)
K_SELECT = const(0x04)
K_START = const(0x08)
K_Z = K_START
K_DOWN = const(0x10)
K_LEFT = const(0x20)
K_RIGHT = const(0x40)
K_UP = const(0x80)
INIT = (
    (0x01, b"", 150),  # SWRESET
    (0x36, b"\x04", 0),  # MADCTL
    (0x35, b"\x00", 0),  # TEON
    (0xB2, b"\x0c\x0c\x00\x33\x33", 0),  # PORCTRL
    (0x3A, b"\x05", 0),  # COLMOD: 16 bits per pixel
    (0xB7, b"\x14", 0),  # GCTRL
    (0xBB, b"\x37", 0),  # VCOMS
    (0xC0, b"\x2c", 0),  # LCMCTRL
    (0xC2, b"\x01", 0),  # VDVVRHEN
    (0xC3, b"\x12", 0),  # VRHS
    (0xC4, b"\x20", 0),  # VDVS
    (0xD0, b"\xa4\xa1", 0),  # PWCTRL1
    (0xC6, b"\x0f", 0),  # FRCTRL2
    (0xE0, b"\xd0\x04\x0d\x11\x13\x2b\x3f\x54\x4c\x18\x0d\x0b\x1f\x23", 0),
    (0xE1, b"\xd0\x04\x0c\x11\x13\x2c\x3f\x44\x51\x2f\x1f\x1f\x20\x23", 0),
    (0x21, b"", 0),  # INVON
    (0x11, b"", 500),  # SLPOUT
    (0x29, b"", 100),  # DISPON
)

_backlight = machine.Pin(PIN_BACKLIGHT, machine.Pin.OUT, value=1)
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
