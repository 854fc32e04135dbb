"""busio for the headless console: buses nothing answers on."""


class _Bus:
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

    def deinit(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()


class SPI(_Bus):
    pass


class I2C(_Bus):
    pass


class UART(_Bus):
    pass
