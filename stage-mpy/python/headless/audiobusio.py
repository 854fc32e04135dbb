"""audiobusio for the headless console: I2SOut is audioio.AudioOut."""

from audioio import AudioOut as _AudioOut


class I2SOut(_AudioOut):
    def __init__(self, bit_clock=None, word_select=None, data=None, **kwargs):
        super().__init__(data)
