# Frozen into the uGame 10 firmware: the port's boot script (it mounts the
# filesystem on the SPI flash) and the Python files found in modules/ next
# to this file (stage.py, ugame.py, ugame_hw.py; see README.md). Frozen
# code runs from flash, which saves the RAM a .mpy on the filesystem would
# take. Files of the same name on the filesystem take precedence.
#
# asyncio, which the port freezes into its other 236K builds, is left out
# to make room for stage (about 7.5 KB); `mpremote mip install asyncio`
# puts it on the filesystem, and its C part (_asyncio) is still built in.
include("$(PORT_DIR)/boards/manifest.py")

import os

if os.path.isdir("modules"):
    freeze("modules")
