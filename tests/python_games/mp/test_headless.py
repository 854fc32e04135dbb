# The headless console: the panel and its protocol errors, keys, audio, the
# virtual clock and the CircuitPython stubs.
#     micropython test_headless.py [TEST...]   (needs headless/ on the path)
import struct
import sys

import _headless
import ugame
from mptest import check, eq, raises, run_all, test

PanelError = _headless.PanelError


def fresh_display(width=16, height=8):
    return _headless.Display(_headless.Panel(width, height))


def pixels(color, n):
    return struct.pack(">H", color) * n


@test
def ugame_display_is_a_128x128_panel():
    d = ugame.display
    eq((d.width, d.height), (128, 128))
    check(d is _headless.display(), "one display")
    import board
    check(board.DISPLAY is d, "board.DISPLAY")
    raises(ValueError, _headless.configure, 160, 128)
    _headless.configure(128, 128)  # the same size is fine


@test
def block_and_write_fill_the_window():
    d = fresh_display()
    d.block(2, 1, 5, 2)  # 4x2
    d.write(pixels(0x1234, 3))
    d.write(pixels(0xABCD, 5))
    p = d.panel
    eq((p.windows, p.bytes), (1, 16))
    eq([d.pixel(x, 1) for x in range(1, 7)], [0, 0x1234, 0x1234, 0x1234, 0xABCD, 0])
    eq([d.pixel(x, 2) for x in range(1, 7)], [0, 0xABCD, 0xABCD, 0xABCD, 0xABCD, 0])
    eq(d.pixel(2, 0), 0, "outside the window untouched")
    eq(p.framebuffer[(1 * 16 + 2) * 2:(1 * 16 + 2) * 2 + 2], b"\x12\x34", "big-endian framebuffer")
    d.block(0, 0, 15, 7)
    d.write(pixels(0xFFFF, 128))
    eq(p.errors, [])


@test
def commands_reach_the_panel_decoder():
    p = _headless.Panel(8, 8)
    p.command(0x01)
    p.command(0x2A, b"\x00\x01\x00\x02")
    p.command(0x2B, b"\x00\x03\x00\x03")
    p.command(0x2C)
    p.data(b"\x00\x07\x00\x08")
    eq((p.pixel(1, 3), p.pixel(2, 3)), (7, 8))
    e = raises(PanelError, p.command, 0x99)
    check("unknown command" in str(e), str(e))
    e = raises(PanelError, p.command, 0x2A, b"\x00\x01")
    check("4 parameter bytes" in str(e), str(e))


@test
def protocol_errors_raise():
    d = fresh_display()
    e = raises(PanelError, d.write, b"\x00\x00")
    check("without an open window" in str(e), str(e))
    d.block(0, 0, 1, 1)
    e = raises(PanelError, d.write, bytes(10))
    check("past the end of the window" in str(e), str(e))
    d.block(0, 0, 1, 1)
    e = raises(PanelError, d.write, bytes(3))
    check("odd number" in str(e), str(e))
    d.block(0, 0, 3, 0)
    d.write(bytes(4))
    e = raises(PanelError, d.block, 0, 0, 1, 1)
    check("before the window was filled" in str(e) and "4 bytes missing" in str(e), str(e))
    d.block(0, 0, 0, 0)
    d.write(bytes(2))
    for args in ((0, 0, 16, 0), (0, 0, 0, 8), (5, 0, 4, 0), (0, 3, 0, 2), (-1, 0, 3, 3)):
        e = raises(PanelError, d.block, *args)
        check("outside the panel" in str(e), "%r: %s" % (args, e))
    eq(len(d.panel.errors), 9, "every error recorded")
    d.block(0, 0, 15, 7)
    d.write(bytes(256))


@test
def keys_are_distinct_bits():
    names = ("K_X", "K_O", "K_UP", "K_DOWN", "K_LEFT", "K_RIGHT", "K_START", "K_SELECT", "K_Z")
    bits = [getattr(ugame, n) for n in names]
    for b in bits:
        check(b and b & (b - 1) == 0, "one bit each")
    eq(len(set(bits)), len(bits), "distinct")


@test
def scripted_buttons():
    _headless.press(ugame.K_UP | ugame.K_X)
    eq(ugame.buttons.get_pressed(), ugame.K_UP | ugame.K_X)
    eq(ugame.buttons.get_pressed(), ugame.K_UP | ugame.K_X, "held, not latched")
    _headless.press(0)
    eq(ugame.buttons.get_pressed(), 0)


@test
def presses_between_polls_are_latched():
    _headless.press(ugame.K_X)
    _headless.press(ugame.K_O)
    _headless.press(0)
    eq(ugame.buttons.get_pressed(), ugame.K_X | ugame.K_O, "pressed since the last poll")
    eq(ugame.buttons.get_pressed(), 0, "reported once")
    _headless.press(ugame.K_UP)
    _headless.press(ugame.K_UP | ugame.K_DOWN)
    eq(ugame.buttons.get_pressed(), ugame.K_UP | ugame.K_DOWN)
    _headless.press(ugame.K_DOWN)
    eq(ugame.buttons.get_pressed(), ugame.K_DOWN, "a release shows at once")
    _headless.press(0)
    eq(ugame.buttons.get_pressed(), 0)


@test
def audio_records_what_is_played():
    audio = ugame.audio
    del audio.sounds[:]
    eq(audio.muted, True, "starts muted")
    audio.play("boom.wav")
    audio.mute(False)
    f = open(sys.argv[0], "rb")
    _headless.remember_name(f, "music.wav")
    audio.play(f, loop=True)
    audio.stop()
    audio.mute()
    f.close()
    eq([(s.name, s.loop, s.muted) for s in audio.sounds],
       [("boom.wav", False, True), ("music.wav", True, False)])
    eq(audio.sounds[0].frame, _headless.frame + 1, "the frame in progress")
    eq(audio.stops[-1], _headless.frame + 1)
    import audiocore
    import audioio
    import audiopwmio
    import board
    out = audioio.AudioOut(board.SPEAKER)
    out.play(audiocore.WaveFile("hit.wav"), loop=False)
    eq((audio.sounds[-1].name, audio.sounds[-1].muted), ("hit.wav", False))
    audiopwmio.PWMAudioOut(board.SPEAKER).play(audiocore.WaveFile(open(sys.argv[0], "rb")))
    check(audio.sounds[-1].name.startswith("<io."), "an unknown file: its repr")


@test
def remembered_files_still_close():
    # run_game.py's open() remembers the name of every file a game opens (for
    # the audio log); a game that opens a sound for every play and drops it
    # must not run out of file descriptors because of that.
    import gc
    import os
    try:
        before = len(os.listdir("/proc/self/fd"))
    except OSError:
        return      # no /proc to count open files with
    kept = open(sys.argv[0], "rb")
    _headless.remember_name(kept, "music.wav")
    for i in range(300):
        f = open(sys.argv[0], "rb")
        _headless.remember_name(f, "shot.wav")
        eq(_headless.file_name(f), "shot.wav")
        f = None
    gc.collect()
    left = len(os.listdir("/proc/self/fd")) - before
    check(left <= 5, "%d of 300 dropped files still open" % (left - 1))
    eq(_headless.file_name(kept), "music.wav", "an older file keeps its name")
    kept.close()


@test
def virtual_clock():
    import time
    clock = _headless.clock
    t0 = time.monotonic()
    t1 = time.monotonic()
    eq(round((t1 - t0) * 1000000), _headless.READ_STEP_US, "each read moves the clock")
    us = clock.us
    time.sleep(1.5)
    eq(clock.us - us, 1500000, "sleep advances exactly")
    us = clock.us
    time.sleep_ms(20)
    time.sleep_us(7)
    eq(clock.us - us, 20007)
    raises(ValueError, time.sleep, -1)
    a = time.ticks_ms()
    time.sleep_ms(250)
    check(250 <= time.ticks_diff(time.ticks_ms(), a) <= 251, "ticks_ms")
    top = (1 << 30) - 5
    eq(time.ticks_add(top, 10), 5, "wrap")
    eq(time.ticks_diff(5, top), 10, "diff across the wrap")
    eq(time.ticks_diff(top, 5), -10)
    check(time.time() >= 1704067200, "time() from 2024")
    eq(time.localtime(0)[0], 1970, "built-in functions kept")
    check(hasattr(time, "mktime") and hasattr(time, "monotonic_ns"), "names")


@test
def virtual_clock_does_not_wait():
    import time
    real = sys.modules.get("_real_time")
    start = _headless.clock.us
    time.sleep(3600)
    eq(_headless.clock.us - start, 3600000000)
    check(real is None, "no module swap")


@test
def board_pins_and_digitalio():
    import board
    import digitalio
    check(board.BUTTON_X is board.BUTTON_X, "same pin object")
    check(board.SOME_FUTURE_PIN.name == "SOME_FUTURE_PIN", "any name")
    button = digitalio.DigitalInOut(board.BUTTON_A)
    button.switch_to_input(pull=digitalio.Pull.UP)
    _headless.press(ugame.K_X)
    eq(button.value, False, "pressed pulled-up button reads low")
    _headless.press(0)
    eq(button.value, True)
    down = digitalio.DigitalInOut(board.BUTTON_B)
    down.switch_to_input(pull=digitalio.Pull.DOWN)
    _headless.press(ugame.K_O)
    eq(down.value, True)
    _headless.press(0)
    led = digitalio.DigitalInOut(board.SPEAKER_ENABLE)
    led.switch_to_output(value=True)
    eq(led.value, True)
    led.value = False
    eq(led.value, False)


@test
def analog_joystick():
    import analogio
    import board
    jx = analogio.AnalogIn(board.JOYSTICK_X)
    jy = analogio.AnalogIn(board.JOYSTICK_Y)
    _headless.press(ugame.K_LEFT | ugame.K_DOWN)
    eq((jx.value, jy.value), (0, 65535))
    _headless.press(ugame.K_RIGHT | ugame.K_UP)
    eq((jx.value, jy.value), (65535, 0))
    _headless.press(0)
    eq((jx.value, jy.value), (32768, 32768))


@test
def keypad_events():
    import board
    import keypad
    keys = keypad.Keys((board.BUTTON_X, board.BUTTON_DOWN, board.BUTTON_O), value_when_pressed=False)
    eq(keys.events.get(), None)
    _headless.press(ugame.K_DOWN | ugame.K_O)
    e = keys.events.get()
    eq((e.key_number, e.pressed), (1, True))
    e = keypad.Event()
    check(keys.events.get_into(e), "second event")
    eq((e.key_number, e.pressed, e.released), (2, True, False))
    eq(len(keys.events), 0)
    _headless.press(ugame.K_O)
    e = keys.events.get()
    eq((e.key_number, e.released), (1, True))
    _headless.press(0)
    keys.events.clear()
    sr = keypad.ShiftRegisterKeys(clock=board.BUTTON_CLOCK, data=board.BUTTON_OUT,
                                  latch=board.BUTTON_LATCH, key_count=8, value_when_pressed=True)
    _headless.press(ugame.K_START | ugame.K_LEFT)
    got = []
    while sr.events:
        got.append(sr.events.get().key_number)
    eq(got, [2, 7], "PyBadge order")
    _headless.press(0)
    sr.deinit()
    _headless.press(ugame.K_X)
    _headless.press(0)
    got = []
    while keys.events:
        e = keys.events.get()
        got.append((e.key_number, e.pressed))
    eq(got, [(0, True), (0, False)], "a press and release between two looks")
    eq(len(sr.events), 2, "no events after deinit (the START and LEFT releases before it)")
    _headless.press(ugame.K_O)
    late = keypad.Keys((board.BUTTON_O,), value_when_pressed=False)
    e = late.events.get()
    eq((e.key_number, e.pressed), (0, True), "held when made: pressed")
    late.reset()
    eq(len(late.events), 1, "reset: pressed again")
    _headless.press(0)
    late.deinit()
    keys.deinit()


@test
def gamepad_neopixel_displayio():
    import board
    import displayio
    import gamepad
    import neopixel
    pad = gamepad.GamePad(board.BUTTON_LEFT, board.BUTTON_RIGHT, board.BUTTON_START)
    _headless.press(ugame.K_RIGHT | ugame.K_START)
    eq(pad.get_pressed(), 6)
    _headless.press(0)
    import digitalio
    import gamepadshift
    shift = gamepadshift.GamePadShift(digitalio.DigitalInOut(board.BUTTON_CLOCK),
                                      digitalio.DigitalInOut(board.BUTTON_OUT),
                                      digitalio.DigitalInOut(board.BUTTON_LATCH))
    _headless.press(ugame.K_LEFT | ugame.K_X | ugame.K_START)
    eq(shift.get_pressed(), 0x80 | 0x02 | 0x04, "PyBadge bits: LEFT, A, START")
    _headless.press(0)
    eq(shift.get_pressed(), 0)
    px = neopixel.NeoPixel(board.NEOPIXEL, 5, brightness=0.1, auto_write=False)
    px[1] = (1, 2, 3)
    px.fill(0x040506)
    px.show()
    eq((len(px), px[4], px.shows), (5, (4, 5, 6), 1))
    displayio.release_displays()
    check(board.DISPLAY.width == 128, "display kept")
    g = displayio.Group()
    g.append(1)
    ugame.display.show(g)
    check(ugame.display.root_group is g, "show")


@test
def i2c_bus_without_devices():
    import board
    import busio
    for bus in (board.I2C(), board.STEMMA_I2C(), busio.I2C(board.SCL, board.SDA)):
        check(bus.try_lock(), "lock")
        eq(bus.scan(), [])
        e = raises(OSError, bus.writeto, 0x19, b"\x24\x80")
        eq(e.errno, 19, "ENODEV")
        check("0x19" in str(e), str(e))
        raises(OSError, bus.readfrom_into, 0x19, bytearray(6))
        raises(OSError, bus.writeto_then_readfrom, 0x19, b"\x0f", bytearray(1))
        bus.unlock()
    board.SPI().write(b"\x00")


@test
def supervisor_reload_ends_the_run():
    import supervisor
    e = raises(_headless.StopRun, supervisor.reload)
    eq((e.reason, e.error), ("supervisor.reload()", False))
    check(not isinstance(e, Exception), "not caught by except Exception")


@test
def watchdog_stops_hanging_games():
    _headless.set_limits(50, 10)
    try:
        _headless.frame_done()
        for _ in range(50):
            ugame.buttons.get_pressed()
        e = raises(_headless.StopRun, ugame.buttons.get_pressed)
        check(not e.error and "polled the buttons" in e.reason, e.reason)
        _headless.frame_done()
        import time
        time.sleep(9)
        e = raises(_headless.StopRun, time.sleep, 2)
        check(not e.error and "10 s of game time" in e.reason, e.reason)
    finally:
        _headless.set_limits(None, None)


@test
def keypad_loops_count_as_polls():
    import board
    import keypad
    keys = keypad.Keys((board.BUTTON_X,), value_when_pressed=False)
    _headless.set_limits(20, 10)
    try:
        _headless.frame_done()
        for _ in range(20):
            keys.events.get()
        raises(_headless.StopRun, keys.events.get)
    finally:
        _headless.set_limits(None, None)
        keys.deinit()


@test
def waiting_games_get_the_next_keys():
    given = [ugame.K_START, 0]
    calls = []

    def on_wait():
        calls.append(_headless.polls)
        if not given:
            return False
        _headless.press(given.pop(0))
        return True

    import time
    _headless.set_limits(50, 10, 5, 2, on_wait)
    try:
        _headless.frame_done()
        for _ in range(4):
            eq(ugame.buttons.get_pressed(), 0)
        eq(ugame.buttons.get_pressed(), ugame.K_START, "the 5th poll gets the next keys")
        eq(calls, [5])
        time.sleep(1.5)
        eq(ugame.buttons.get_pressed(), ugame.K_START, "counts started again")
        time.sleep(0.6)
        eq(ugame.buttons.get_pressed(), 0, "2 s of game time: the next keys")
        for _ in range(49):
            ugame.buttons.get_pressed()
        eq(len(calls), 2 + 46, "asked at every poll over the wait count, until the limit")
        e = raises(_headless.StopRun, ugame.buttons.get_pressed)
        check("polled the buttons" in e.reason, e.reason)
        _headless.frame_done()
        eq(ugame.buttons.get_pressed(), 0, "a frame starts the counts again")
    finally:
        _headless.set_limits(None, None)
        _headless.press(0)


run_all()
