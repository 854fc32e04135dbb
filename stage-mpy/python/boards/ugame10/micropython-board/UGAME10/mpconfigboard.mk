MCU_SERIES = SAMD21
CMSIS_MCU = SAMD21E18A
LD_FILES = boards/samd21x18a.ld sections.ld
# The UF2 bootloader takes the first 8 KB; the firmware starts after it.
TEXT0 = 0x2000

# Code size: exactly the string 236K. mcu/samd21/mpconfigmcu.mk compares
# MICROPY_HW_CODESIZE with 236K and only then sets SAMD21_EXTRA_FEATURES=1,
# which mcu/samd21/mpconfigmcu.h turns into MICROPY_EMIT_THUMB (and so native
# .mpy loading, needed for _stage.mpy). The default, 184K, leaves it off.
# 8K bootloader + 236K code + 12K ROMFS = the 256K flash; the filesystem is
# on the SPI flash, not in the MCU's.
MICROPY_HW_CODESIZE ?= 236K

FROZEN_MANIFEST ?= $(BOARD_DIR)/manifest.py
