"""audiocore for the headless console: samples that remember their file."""

import _headless


class WaveFile(_headless.Device):
    """A WAV sample read from an open file (or, in CircuitPython 9, a path)."""

    def __init__(self, file, buffer=None):
        self.file = file
        self.sample_rate = 22050
        self.bits_per_sample = 16
        self.channel_count = 1


class RawSample:
    """A sample held in memory."""

    def __init__(self, buffer, channel_count=1, sample_rate=8000, **kwargs):
        self.buffer = buffer
        self.channel_count = channel_count
        self.sample_rate = sample_rate
        self.name = "<RawSample>"

    def deinit(self):
        pass
