"""audioio for the headless console: AudioOut records what it plays."""

import _headless


class AudioOut(_headless.Device):
    """Records each play() in _headless.audio.sounds (never muted)."""

    def __init__(self, left_channel=None, right_channel=None, quiescent_value=0x8000):
        self.pin = left_channel
        self.playing = False
        self.paused = False

    def play(self, sample, loop=False):
        audio = _headless.audio
        audio.sounds.append(_headless.Sound(_headless.file_name(sample), bool(loop),
                                            _headless.frame + 1, False))
        self.playing = True

    def stop(self):
        _headless.audio.stops.append(_headless.frame + 1)
        self.playing = False

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    def deinit(self):
        self.playing = False
