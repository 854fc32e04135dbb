"""audiopwmio for the headless console: PWMAudioOut is audioio.AudioOut."""

from audioio import AudioOut as PWMAudioOut
