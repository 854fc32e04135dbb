# ugame for the Kittenbot Meowbit: STM32F401 (MicroPython stm32 port),
# ST7735R 160x128 on SPI2, which it shares with the on-board flash.
# Install: this file and ../ugame_hw.py (see ../README.md).

from micropython import const
import machine
import ugame_hw

# Board facts (read by tests/boards/check_boards.py; keep them literal).
PORT = "stm32"
MCU = "STM32F401"
WIDTH = const(160)
HEIGHT = const(128)
COLSTART = const(0)
ROWSTART = const(0)
MADCTL = const(0x60)  # MX | MV
SCALE = const(1)
SPI_ID = const(2)  # the firmware's board config fixes SPI2's pins
SPI_BAUDRATE = const(24000000)  # SPI2 runs from APB1: 21 MHz at most
PIN_SCK = "B13"
PIN_MOSI = "B15"
PIN_DC = "A8"
PIN_CS = "B12"
PIN_RST = "B10"
PIN_BACKLIGHT = "B3"
PIN_FLASH_CS = "B1"  # the flash on the same bus: held high (deselected)
BUTTON_PINS = {
    "X": "B9",  # A
    "O": "C3",  # B
    "DOWN": "A5",
    "LEFT": "A7",
    "RIGHT": "B2",
    "UP": "A6",
    "Z": None,  # MENU (C15): not read, as on the CircuitPython board
}
K_X = const(0x01)
K_O = const(0x02)
K_DOWN = const(0x04)
K_LEFT = const(0x08)
K_RIGHT = const(0x10)
K_UP = const(0x20)
K_Z = const(0x40)
K_START = K_Z
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
    (0x36, b"\x60", 0),  # MADCTL
    (0x3A, b"\x05", 0),  # COLMOD: 16 bits per pixel
    (0xE0, b"\x02\x1c\x07\x12\x37\x32\x29\x2d\x29\x25\x2b\x39\x00\x01\x03\x10", 0),
    (0xE1, b"\x03\x1d\x07\x06\x2e\x2c\x29\x2d\x2e\x2e\x37\x3f\x00\x00\x02\x10", 0),
    (0x13, b"", 10),  # NORON
    (0x29, b"", 100),  # DISPON
)

_flash_cs = machine.Pin(PIN_FLASH_CS, machine.Pin.OUT, value=1)
_backlight = machine.Pin(PIN_BACKLIGHT, machine.Pin.OUT, value=1)
display = ugame_hw.board_display(
    machine.SPI(SPI_ID, baudrate=SPI_BAUDRATE, polarity=0, phase=0),
    globals(),
)
buttons = ugame_hw.Buttons(BUTTON_PINS, globals())
audio = ugame_hw.Audio()
