"""busio for the headless console: buses nothing answers on."""

import _headless


class _Bus(_headless.Device):
    def __init__(self, *args, **kwargs):
        pass

    def try_lock(self):
        return True

    def unlock(self):
        pass

    def configure(self, **kwargs):
        pass

    def scan(self):
        return []

    def write(self, buf, *args, **kwargs):
        pass

    def readinto(self, buf, *args, **kwargs):
        pass


class SPI(_Bus):
    pass


class I2C(_Bus):
    """Every transfer fails as with no device on the bus: OSError 19 (ENODEV)."""

    def writeto(self, address, *args, **kwargs):
        _absent(address)

    def readfrom_into(self, address, *args, **kwargs):
        _absent(address)

    def writeto_then_readfrom(self, address, *args, **kwargs):
        _absent(address)


def _absent(address):
    raise OSError(19, "no I2C device at address 0x%02x (headless console)" % address)


class UART(_Bus):
    pass
