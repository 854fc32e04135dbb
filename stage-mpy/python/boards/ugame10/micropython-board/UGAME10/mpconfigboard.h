// uGame 10: ATSAMD21E18A with a 2 MB S25FL216K SPI flash for the
// filesystem, an ST7735R 128x128 display, six buttons and a speaker.

#define MICROPY_HW_BOARD_NAME       "uGame 10"
#define MICROPY_HW_MCU_NAME         "SAMD21E18A"

// There is no 32 kHz crystal: the 48 MHz DFLL follows the USB frames.
#define MICROPY_HW_DFLL_USB_SYNC    (1)

// SPI(0) is the display's bus (SERCOM0: MOSI PA06 on pad 2, SCK PA07 on
// pad 3); ugame.py opens it with its pins.
#define MICROPY_HW_DEFAULT_SPI_ID   (0)

// The filesystem lives on the external flash, on SERCOM3 with the
// FLASH_MOSI/FLASH_SCK/FLASH_MISO/FLASH_CS pins of pins.csv. Its size is
// taken from the JEDEC ID (01 40 15: 2 MB).
#define MICROPY_HW_SPIFLASH         (1)
#define MICROPY_HW_SPIFLASH_ID      (3)

// Room in the 236K for stage frozen in: stage draws the screen itself, so
// the framebuf module is left out (about 5.5 KB).
#define MICROPY_PY_FRAMEBUF         (0)
