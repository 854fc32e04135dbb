# pew.py, the PewPew API on stage: the LED screen on the headless display,
# what show() sends, keys, tick, GameOver and Pix.
#     micropython test_pew.py [TEST...]   (needs _stage, stage, pew and headless/)
import _headless
import pew
import stage
import ugame
from mptest import check, eq, raises, run_all, test

panel = _headless.display().panel


def rgb(r, g, b):
    return stage.color565(r, g, b)


OFF = rgb(40, 40, 40)
GREEN = rgb(0, 208, 0)
RED = rgb(232, 0, 0)
YELLOW = rgb(255, 200, 0)


def led(x, y):
    """The colour in the middle of LED (x, y) on the 128x128 panel."""
    return panel.pixel(16 * x + 8, 16 * y + 8)


@test
def init_shows_every_led_off_once():
    pew.init()
    eq((panel.windows, panel.bytes), (1, 128 * 128 * 2), "one full render")
    eq([led(x, y) for x, y in ((0, 0), (7, 0), (3, 4), (7, 7))], [OFF] * 4)
    eq(panel.pixel(0, 0), 0, "dark between the LEDs")
    pew.init()
    eq(panel.windows, 1, "the second init does nothing")


@test
def show_sends_the_rows_that_changed():
    pew.init()
    screen = pew.Pix()
    screen.pixel(1, 2, 1)
    screen.pixel(6, 2, 2)
    screen.pixel(4, 5, 3)
    screen.pixel(0, 7, 7)  # shows as 3
    windows, sent = panel.windows, panel.bytes
    pew.show(screen)
    eq(panel.windows - windows, 3, "one render a changed row")
    eq(panel.bytes - sent, (6 * 16 * 16 + 16 * 16 + 16 * 16) * 2, "from the first to the last change")
    eq([led(1, 2), led(6, 2), led(4, 5), led(0, 7), led(2, 2)], [GREEN, RED, YELLOW, YELLOW, OFF])
    windows = panel.windows
    pew.show(screen)
    eq(panel.windows, windows, "nothing changed: nothing sent")
    pew.show(pew.Pix(2, 2))
    eq([led(1, 2), led(6, 2), led(4, 5), led(0, 7)], [OFF] * 4, "outside a small Pix: off")


@test
def keys_and_constants_are_ugame_s():
    for name in ("K_X", "K_O", "K_UP", "K_DOWN", "K_LEFT", "K_RIGHT"):
        eq(getattr(pew, name), getattr(ugame, name), name)
    _headless.press(ugame.K_LEFT | ugame.K_O)
    eq(pew.keys(), pew.K_LEFT | pew.K_O)
    _headless.press(0)
    eq(pew.keys(), 0)


@test
def tick_waits_the_delay():
    clock = _headless.clock
    pew.tick(0.25)
    start = clock.us
    pew.tick(0.25)
    pew.tick(0.25)
    check(499000 <= clock.us - start <= 501000, "two ticks of 0.25 s: %d us" % (clock.us - start))
    start = clock.us
    pew.tick(1 / 6)
    check(clock.us - start <= 168000, "a new delay: %d us" % (clock.us - start))
    start = clock.us
    pew.tick(1 / 6)
    check(166000 <= clock.us - start <= 168000, "1/6 s: %d us" % (clock.us - start))
    pew.brightness(3)


@test
def game_over_ends_like_sys_exit():
    check(issubclass(pew.GameOver, SystemExit), "a SystemExit")
    raises(pew.GameOver, lambda: exec("import pew\nraise pew.GameOver"))


@test
def pix_pixels_and_buffer():
    p = pew.Pix(3, 2)
    eq((p.width, p.height, len(p.buffer)), (3, 2, 6))
    p.pixel(2, 1, 3)
    p.pixel(3, 0, 1)
    p.pixel(-1, 0, 1)
    eq(bytes(p.buffer), b"\x00\x00\x00\x00\x00\x03", "row after row; outside: no-op")
    eq((p.pixel(2, 1), p.pixel(5, 5), p.pixel(-1, 0)), (3, 0, 0))
    q = pew.Pix(2, 2, bytearray(b"\x01\x02\x03\x00"))
    eq(q.pixel(0, 1), 3, "a given buffer")
    eq(str(q), "+*\n@.", "str")


@test
def pix_from_iter():
    p = pew.Pix.from_iter(((1, 2, 3), (3, 2, 1)))
    eq((p.width, p.height, bytes(p.buffer)), (3, 2, b"\x01\x02\x03\x03\x02\x01"))
    p = pew.Pix.from_iter([[1, 1], [2]])
    eq(bytes(p.buffer), b"\x01\x01\x02\x00", "short rows")
    p = pew.Pix.from_iter(iter([range(2)]))
    eq(bytes(p.buffer), b"\x00\x01", "any iterables")


@test
def pix_box_clips():
    p = pew.Pix(4, 3)
    p.box(2)
    eq(bytes(p.buffer), b"\x02" * 12, "all")
    p.box(0, 1, 1)
    eq(str(p), "****\n*...\n*...", "to the edges")
    p.box(3, -1, -1, 3, 2)
    eq(str(p), "@@**\n*...\n*...", "clipped")
    p.box(1, 3, 2, 5, 5)
    eq(str(p), "@@**\n*...\n*..+")
    p.box(1, 9, 9)
    p.box(1, 0, 0, 0, 2)
    eq(str(p), "@@**\n*...\n*..+", "empty boxes")


@test
def pix_blit_with_offsets_and_key():
    src = pew.Pix.from_iter(((1, 2, 3), (3, 0, 1)))
    dst = pew.Pix(4, 3)
    dst.blit(src)
    eq(str(dst), "+*@.\n@.+.\n....")
    dst = pew.Pix(4, 3)
    dst.blit(src, 2, 1)
    eq(str(dst), "....\n..+*\n..@.", "clipped right and bottom")
    dst = pew.Pix(4, 3)
    dst.blit(src, -1, -1)
    eq(str(dst), ".+..\n....\n....", "negative destination")
    dst = pew.Pix(4, 3)
    dst.blit(src, 0, 0, 1, 0, 2, 1)
    eq(str(dst), "*@..\n....\n....", "a part of the source")
    dst = pew.Pix(4, 3)
    dst.blit(src, 1, 1, -1, 0)
    eq(str(dst), "....\n..+*\n..@.", "negative source position")
    dst = pew.Pix(4, 3)
    dst.box(2)
    dst.blit(src, 0, 0, key=3)
    eq(str(dst), "+***\n*.+*\n****", "key colour skipped")
    dst.blit(src, 9, 9)
    dst.blit(src, -9, 0)
    eq(str(dst), "+***\n*.+*\n****", "nothing overlaps")


@test
def pix_from_text():
    p = pew.Pix.from_text("I!")
    eq((p.width, p.height), (8, 6))
    eq(str(p), "@@@..@..\n.@...@..\n.@...@..\n.@......\n@@@..@..\n........")
    p = pew.Pix.from_text("-", color=1, bgcolor=2)
    eq(str(p), "****\n****\n+++*\n****\n****\n****", "colours")
    p = pew.Pix.from_text("-", colors=(3, 2, 1, 1))
    eq(str(p), "++++\n++++\n@@@+\n++++\n++++\n++++", "colors: letters first, background last")
    p = pew.Pix.from_text("\u00e9a")
    eq(str(p).split("\n")[1], ".....@@.", "outside ASCII: blank")
    eq(pew.Pix.from_text("").width, 0)


run_all()
