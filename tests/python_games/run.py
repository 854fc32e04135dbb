#!/usr/bin/env python3
"""Runs the tests of stage's Python side (CPython 3 drives a real MicroPython).

    python3 tests/python_games/run.py [--mpy FILE] [--quick] [-k WORD]

1. checks that stage.py's FONT is what tools/make_font.py makes of font.txt
   and pew.py's _FONT what tools/make_pew_font.py makes;
2. installs _stage.mpy (default target/mpy/x64/_stage.mpy, built by cargo mpy)
   and the MANIFEST files into a temporary directory laid out like
   target/mpy/x64/ (install.py), once with the .py files and once with
   stage.py and stage_images.py compiled by mpy-cross;
3. writes the test images (images.py) and runs the MicroPython tests in mp/
   (test_stage.py, test_headless.py, test_loaders.py, test_pew.py) against
   both installs;
4. runs run_game.py as a user would: exit codes, --frames, --keys, --out,
   --every, --size, --stats, STAGE_SPRITES, a game file instead of a
   directory, keys given to waiting games, on the game in game/ and on small
   games made here;
5. fuzzes the image loaders with hostile files (fuzz_assets.py, 3000 files;
   500 with --quick)
   and checks that scenes drawn through stage.py and _stage.mpy give the
   bytes stage-core's conformance runner draws (same_bytes.py --self-test).

Exits 1 if anything fails. MICROPYTHON names the micropython command (default
.venv/bin/micropython); -k runs only the checks whose name contains WORD.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import games  # noqa: E402
import images  # noqa: E402
import install  # noqa: E402

MP_DIR = os.path.join(HERE, "mp")
GAME = os.path.join(HERE, "game")


def micropython():
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    if not (os.path.isfile(mp) and os.access(mp, os.X_OK)):
        sys.exit("run.py: no micropython at %s (set MICROPYTHON, or run tests/run to create .venv)" % mp)
    return mp


class Suite:
    def __init__(self, mp, inst, only):
        self.mp = mp
        self.inst = inst
        self.only = only
        self.failures = []
        self.count = 0

    def check(self, name, fn, show=False):
        """Runs fn; with show, prints what it returns under the "ok" line."""
        if self.only and self.only not in name:
            return
        self.count += 1
        start = time.time()
        try:
            result = fn()
            print("  ok    %-46s (%.1f s)" % (name, time.time() - start))
            if show and result:
                print("        " + result)
        except Exception as e:
            self.failures.append(name)
            what = str(e) if isinstance(e, AssertionError) else "%s: %s" % (type(e).__name__, e)
            print("  FAIL  %s\n        %s" % (name, what.replace("\n", "\n        ")))

    # ---------------------------------------------------------- running

    def micro(self, args, path, cwd=None, timeout=120, env=None):
        full_env = dict(os.environ, MICROPYPATH=path)
        full_env.update(env or {})
        p = subprocess.run([self.mp] + args, cwd=cwd or ROOT, env=full_env, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def game(self, *args, env=None, cwd=None):
        """Runs run_game.py with `args`; returns (status, stdout, stderr)."""
        return self.micro([os.path.join(self.inst, "run_game.py")] + list(args),
                          path=":", env=env, cwd=cwd)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_status(result, status, what=""):
    code, out, err = result
    if code != status:
        raise AssertionError("%sexit status %d, expected %d\n--- stdout\n%s--- stderr\n%s"
                             % (what + ": " if what else "", code, status, out[-2000:], err[-2000:]))
    return out, err


# ------------------------------------------------------------------ games made here

ERROR_GAME = """\
import stage, ugame
game = stage.Stage(ugame.display, 12)
n = 0
while True:
    n += 1
    if n == 3:
        raise ValueError("broken on purpose")
    game.tick()
"""

SWALLOW_GAME = """\
import stage, ugame
game = stage.Stage(ugame.display, 12)
while True:
    try:
        game.tick()
    except Exception:
        pass
"""

RELOAD_GAME = """\
import stage, ugame, supervisor
game = stage.Stage(ugame.display, 12)
for i in range(5):
    game.tick()
    if i == 1:
        supervisor.reload()
raise ValueError("not reached")
"""

HANG_GAME = """\
import ugame
while not ugame.buttons.get_pressed():
    pass
"""

WAIT_GAME = """\
import stage, ugame, time
game = stage.Stage(ugame.display, 12)
game.tick()
game.tick()
game.render_block(0, 0, 8, 8)
while not ugame.buttons.get_pressed() & ugame.K_O:
    time.sleep(0.25)
raise ValueError("not reached")
"""

PANEL_GAME = """\
import stage, ugame
try:
    ugame.display.block(0, 0, 500, 0)
except Exception as e:
    print("swallowed:", e)
game = stage.Stage(ugame.display, 12)
game.tick()
"""

EXIT_GAME = """\
import sys
sys.exit({})
"""

FOREVER_GAME = """\
import stage, ugame
game = stage.Stage(ugame.display, 60)
while True:
    game.tick()
"""

MP_GAME = """\
import array, utime, stage, ugame
g = bytearray(2048)
for i in range(128, 256):
    g[i] = 0x11
p = array.array('H', [0] * 16)
p[0] = 0x1ff8      # transparent
p[1] = 0x00f8      # wire F8 00: red
bank = stage.Bank(g, p)
game = stage.Stage(ugame.display, 12)
sprite = stage.Sprite(bank, 1, 8, 8)
game.layers = [sprite]
game.render_block()
start = utime.ticks_ms()
game.tick()
game.tick()
print("elapsed", utime.ticks_diff(utime.ticks_ms(), start))
"""

STUBS_GAME = """\
import board, digitalio, analogio, audioio, audiocore, audiopwmio, keypad
import displayio, neopixel, gamepad, supervisor, busio, pwmio, audiobusio
from micropython import const
import random, time
import helper
K = const(3)
displayio.release_displays()
t0 = time.monotonic()
time.sleep(100)
print("slept", round(time.monotonic() - t0))
print("random", random.getrandbits(30), random.getrandbits(30))
print("helper", helper.VALUE + K)
import stage
game = stage.Stage(board.DISPLAY, 12)
game.tick()
print("scale", game.scale, game.width, game.height)
"""

BUNDLED_STAGE = "raise ImportError('the bundled stage.py must not be used')\n"

SPRITES_GAME = """\
import array, stage, ugame
bank = stage.Bank(bytearray(2048), array.array("H", [0] * 16))
game = stage.Stage(ugame.display, 12)
a = stage.Sprite(bank, 0, 10, 10)
b = stage.Sprite(bank, 0, 18, 10)
gone = stage.Sprite(bank, 0, -100, -100)
game.layers = [a, b, gone]
for i in range(3):
    a.move(a.x + 1, a.y)
    game.render_sprites([a, b, gone])
    game.tick()
"""

MENU_GAME = """\
import time, stage, ugame
game = stage.Stage(ugame.display, 12)
while not ugame.buttons.get_pressed() & ugame.K_START:
    pass
print("started at frame", 1)
for i in range(3):
    game.tick()
while not ugame.buttons.get_pressed() & ugame.K_O:
    time.sleep(0.25)
print("resumed")
game.tick()
"""

PEW_GAME = """\
import pew
pew.init()
screen = pew.Pix()
screen.pixel(0, 0, 1)
screen.pixel(7, 7, 3)
pew.show(screen)
pew.tick(0.5)
pew.tick(0.5)
raise pew.GameOver()
"""


def make_games(base):
    games = {
        "error": {"main.py": ERROR_GAME},
        "swallow": {"main.py": SWALLOW_GAME},
        "reload": {"code.py": RELOAD_GAME},
        "hang": {"main.py": HANG_GAME},
        "panel": {"main.py": PANEL_GAME},
        "wait": {"main.py": WAIT_GAME},
        "exit0": {"main.py": EXIT_GAME.format("")},
        "syntax": {"main.py": "import stage\nwhile True\n    pass\n"},
        "exit3": {"main.py": EXIT_GAME.format("3")},
        "forever": {"main.py": FOREVER_GAME},
        "mp": {"main.py": MP_GAME},
        "stubs": {"main.py": STUBS_GAME, "lib/helper.py": "VALUE = 39\n",
                  "stage.py": BUNDLED_STAGE, "ugame.py": BUNDLED_STAGE},
        "sprites": {"main.py": SPRITES_GAME},
        "menu": {"menu.py": MENU_GAME, "main.py": "raise ValueError('not this one')\n",
                 "lib/pew.py": BUNDLED_STAGE},
        "pew": {"main.py": PEW_GAME},
        "empty": {"README": "no game here\n"},
    }
    for name, files in games.items():
        for rel, text in files.items():
            path = os.path.join(base, name, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
    return {name: os.path.join(base, name) for name in games}


# ------------------------------------------------------------------ checks


def rgb(c565):
    r, g, b = c565 >> 11, c565 >> 5 & 63, c565 & 31
    return (r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2)


RED = rgb(0xF800)
DARK_BLUE = rgb((128 >> 3))
GREEN = rgb(((200 >> 2) << 5))


def runner_checks(s, tmp, games):
    def write(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def usage_errors():
        cases = [
            ([], "no game directory"),
            ([GAME, "--frames"], "--frames needs a value"),
            ([GAME, "--frames", "0"], "positive"),
            ([GAME, "--frames", "x"], "positive"),
            ([GAME, "--every", "2"], "--every needs --out"),
            ([GAME, "--size", "12"], "WxH"),
            ([GAME, "--size", "0x5"], "1..4096"),
            ([GAME, "--bogus"], "unknown option"),
            ([GAME, GAME], "one game directory"),
            ([os.path.join(tmp, "nowhere")], "not a directory"),
            ([games["empty"]], "no main.py or code.py"),
            ([GAME, "--keys", os.path.join(tmp, "no-keys.txt")], "cannot read"),
        ]
        for args, words in cases:
            out, err = expect_status(s.game(*args), 2, " ".join(args[1:]) or "no arguments")
            expect(words in err and "usage:" in err, "%r: stderr %r lacks %r and usage" % (args, err, words))
        out, err = expect_status(s.game(GAME, env={"STAGE_DIALECT": "python"}), 2, "STAGE_DIALECT")
        expect("STAGE_DIALECT" in err, err)

    def bad_key_lines():
        cases = [
            ("0 UP\n\n# fine\n3 JUMP\n", ":4:", "unknown key"),
            ("5 UP\n5 DOWN\n", ":2:", "does not come after"),
            ("2 UP\n1 DOWN\n", ":2:", "does not come after"),
            ("x UP\n", ":1:", "expected FRAME"),
            ("1 UP DOWN\n", ":1:", "expected FRAME"),
            ("-1 UP\n", ":1:", "expected FRAME"),
            ("1 UP+\n", ":1:", "unknown key"),
        ]
        for text, where, words in cases:
            path = write("bad-keys.txt", text)
            out, err = expect_status(s.game(GAME, "--keys", path), 2, repr(text))
            expect(where in err and words in err, "%r: stderr %r lacks %r %r" % (text, err, where, words))

    def frames_and_stats():
        out, err = expect_status(s.game(GAME, "--frames", "5", "--stats"), 0)
        lines = out.splitlines()
        expect("frames: 5" in lines, out)
        expect("render calls: 10" in lines, out)
        full = 128 * 128 * 2 + 16 * 16 * 2
        rest = 96 * 8 * 2 + 16 * 16 * 2
        expect("bytes per frame: mean %.1f, max %d" % ((full + 4 * rest) / 5, full) in lines, out)
        expect("sounds played: 0" in lines, out)
        expect(lines[-1].startswith("run_game: ") and "5 frames" in lines[-1] and "frame limit" in lines[-1], out)
        expect("no images written" in lines[-1], out)

    def keys_move_the_sprite():
        keys = write("keys.txt", "# right from the start, X just after the 5th tick\n"
                                 "0 RIGHT\n5 RIGHT+X\n6 right  # lower case\n8\n")
        out_dir = os.path.join(tmp, "out-keys")
        out, err = expect_status(s.game(GAME, "--frames", "10", "--keys", keys, "--out", out_dir, "--stats"), 0)
        expect(sorted(os.listdir(out_dir)) == ["frame-00010.png"], os.listdir(out_dir))
        w, h, rows = images.read_png_rgb(os.path.join(out_dir, "frame-00010.png"))
        expect((w, h) == (128, 128), (w, h))
        # RIGHT held for frames 1..8 (8 moves of 2): the sprite at 72, red square at 76..83
        row = rows[64]
        expect(row[75] == DARK_BLUE and row[76] == RED and row[83] == RED and row[84] == DARK_BLUE,
               "sprite row: %r" % (row[70:90],))
        expect(rows[0][0] == GREEN, "wall colour %r" % (rows[0][0],))
        expect("sounds played: 1" in out and "  frame 6: beep.wav" in out, out)
        expect("wrote " + out_dir + "/frame-00010.png" in out, out)

    def every_writes_numbered_files():
        out_dir = os.path.join(tmp, "out-every")
        out, err = expect_status(s.game(GAME, "--frames", "7", "--every", "3", "--out", out_dir), 0)
        names = sorted(os.listdir(out_dir))
        expect(names == ["frame-00003.png", "frame-00006.png", "frame-00007.png"], names)
        expect("wrote 3 images to " + out_dir + "/ (frame-00003.png ... frame-00007.png)" in out, out)
        a = images.read_png_rgb(os.path.join(out_dir, "frame-00003.png"))[2]
        b = images.read_png_rgb(os.path.join(out_dir, "frame-00006.png"))[2]
        expect(a != b, "frame counter text changed")
        with open(os.path.join(out_dir, "frame-00006.png"), "rb") as f:
            first = f.read()
        expect_status(s.game(GAME, "--frames", "6", "--every", "6", "--out", out_dir), 0)
        with open(os.path.join(out_dir, "frame-00006.png"), "rb") as f:
            expect(f.read() == first, "the same run writes the same bytes")

    def size_option():
        out_dir = os.path.join(tmp, "out-size")
        expect_status(s.game(GAME, "--frames", "2", "--size", "160x128", "--out", out_dir), 0)
        w, h, rows = images.read_png_rgb(os.path.join(out_dir, "frame-00002.png"))
        expect((w, h) == (160, 128), (w, h))
        expect(rows[127][159] == GREEN and rows[64][150] == GREEN, "walls at the 160x128 edges")
        out, err = expect_status(s.game(games["stubs"], "--size", "320x240"), 0)
        expect("scale 2 160 120" in out, out)

    def game_ends_by_itself():
        keys = write("keys-o.txt", "3 O\n")
        out_dir = os.path.join(tmp, "out-end")
        out, err = expect_status(s.game(GAME, "--keys", keys, "--out", out_dir, "--stats"), 0)
        expect("frames: 3" in out and "the game ended" in out, out)
        expect(sorted(os.listdir(out_dir)) == ["frame-00004.png"], os.listdir(out_dir))
        expect("bytes after the last frame: %d" % (96 * 8 * 2) in out, out)

    def default_frame_limit():
        out, err = expect_status(s.game(games["forever"], "--stats"), 0)
        expect("frames: 10000" in out and "frame limit (10000)" in out, out)

    def errors_exit_1():
        out, err = expect_status(s.game(games["error"], "--stats"), 1)
        expect("Traceback" in err and 'File "main.py", line 7' in err and "ValueError: broken on purpose" in err, err)
        expect("frames: 2" in out, out)
        out, err = expect_status(s.game(games["exit3"]), 1)
        expect("status 3" in err, err)
        expect_status(s.game(games["exit0"]), 0)
        out, err = expect_status(s.game(games["panel"]), 1)
        expect("swallowed:" in out and "panel protocol was broken 1 times" in err, out + err)
        out, err = expect_status(s.game(games["syntax"]), 1)
        expect("SyntaxError" in err, err)
        blocked = os.path.join(tmp, "a-file")
        write("a-file", "not a directory")
        out, err = expect_status(s.game(games["swallow"], "--frames", "2", "--out", blocked), 1)
        expect("cannot write the image of frame 2" in err, err)

    def waiting_games_are_stopped():
        out, err = expect_status(s.game(games["hang"]), 0)
        expect("polled the buttons" in err and "waiting for a key" in out, out + err)
        out_dir = os.path.join(tmp, "out-wait")
        out, err = expect_status(s.game(games["wait"], "--out", out_dir, "--stats"), 0)
        expect("3600 s of game time" in err and "frames: 2" in out, out + err)
        expect(os.listdir(out_dir) == ["frame-00003.png"], os.listdir(out_dir))

    def stop_is_not_swallowed():
        out, err = expect_status(s.game(games["swallow"], "--frames", "3", "--stats"), 0)
        expect("frames: 3" in out, out)

    def reload_and_code_py():
        out, err = expect_status(s.game(games["reload"], "--stats"), 0)
        expect("frames: 2" in out and "supervisor.reload()" in out, out)

    def stubs_time_random_paths():
        first = expect_status(s.game(games["stubs"]), 0)[0]
        expect("slept 100" in first and "helper 42" in first and "scale 1 128 128" in first, first)
        second = expect_status(s.game(games["stubs"]), 0)[0]
        pick = [l for l in first.splitlines() if l.startswith("random")]
        expect(pick and pick == [l for l in second.splitlines() if l.startswith("random")], "seeded random")

    def mp_dialect_game():
        out_dir = os.path.join(tmp, "out-mp")
        out, err = expect_status(s.game(games["mp"], "--out", out_dir, env={"STAGE_DIALECT": "mp"}), 0)
        expect("elapsed 166" in out or "elapsed 167" in out, out)
        rows = images.read_png_rgb(os.path.join(out_dir, "frame-00002.png"))[2]
        expect(rows[10][10] == RED and rows[40][40] == rgb(0xF81F), "MP: magenta background %r" % (rows[40][40],))
        out_dir = os.path.join(tmp, "out-cp")
        expect_status(s.game(games["mp"], "--out", out_dir), 0)
        rows = images.read_png_rgb(os.path.join(out_dir, "frame-00002.png"))[2]
        expect(rows[10][10] == RED and rows[40][40] == (0, 0, 0), "CP: black background")

    def sprites_each_or_merged():
        out, err = expect_status(s.game(games["sprites"], "--stats"), 0)
        # a moves into b: the merged box is 24, 23 and 22 pixels wide
        expect("render calls: 3" in out and "bytes per frame: mean 736.0, max 768" in out, out)
        each = {"STAGE_SPRITES": "each"}
        out, err = expect_status(s.game(games["sprites"], "--stats", env=each), 0)
        # a: 17x16, b: 16x16, the sprite off the screen: the pixel at (0, 0)
        expect("render calls: 9" in out and "bytes per frame: mean 1058.0, max 1058" in out, out)
        out, err = expect_status(s.game(games["sprites"], env={"STAGE_SPRITES": "all"}), 2)
        expect("STAGE_SPRITES" in err and "usage:" in err, err)

    def game_file_and_bundled_copies():
        keys = write("keys-menu.txt", "2 START\n3\n50 O\n")
        out, err = expect_status(s.game(os.path.join(games["menu"], "menu.py"), "--keys", keys,
                                        "--stats"), 0)
        expect("started" in out and "resumed" in out and "frames: 4" in out, out + err)
        expect("key lines given early (the game waited): 2" in out, out)
        expect("not used (run_game.py's own come first): lib/pew.py" in err, err)
        out, err = expect_status(s.game(games["stubs"]), 0)
        expect("not used (run_game.py's own come first): stage.py, ugame.py" in err, err)
        out, err = expect_status(s.game(os.path.join(games["menu"], "nothing.py")), 2)
        expect("not a directory or a .py file" in err, err)

    def pew_game_on_a_pybadge():
        out_dir = os.path.join(tmp, "out-pew")
        out, err = expect_status(s.game(games["pew"], "--size", "160x128", "--out", out_dir,
                                        "--stats"), 0)
        expect("frames: 2" in out and "the game called sys.exit()" in out, out)
        w, h, rows = images.read_png_rgb(os.path.join(out_dir, "frame-00002.png"))
        expect((w, h) == (160, 128), (w, h))
        led = lambda x, y: rows[16 * y + 8][16 + 16 * x + 8]
        expect(led(0, 0) == rgb(((208 >> 2) << 5)) and led(7, 7) == rgb(0xFE40)
               and led(1, 0) == rgb(0x2945), (led(0, 0), led(7, 7), led(1, 0)))
        expect(rows[64][4] == (0, 0, 0) and rows[64][155] == (0, 0, 0), "dark at the sides")

    def relative_paths():
        out, err = expect_status(s.game(os.path.relpath(GAME, tmp), "--frames", "1", "--out", "rel-out",
                                        cwd=tmp), 0)
        expect(os.path.isfile(os.path.join(tmp, "rel-out", "frame-00001.png")), out)
        expect("wrote rel-out/frame-00001.png" in out, out)

    for name, fn in list(locals().items()):
        if callable(fn) and name not in ("write",):
            s.check("runner: " + name.replace("_", " "), fn)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mpy", help="the _stage.mpy to test (default target/mpy/x64/_stage.mpy)")
    ap.add_argument("-k", dest="only", help="run only the checks whose name contains this")
    ap.add_argument("--quick", action="store_true", help="a shorter fuzz run (500 files)")
    args = ap.parse_args()
    mp = micropython()
    stage_mpy = args.mpy or os.path.join(ROOT, "target", "mpy", "x64", "_stage.mpy")
    if not os.path.isfile(stage_mpy):
        sys.exit("run.py: %s not found (build it with `cargo mpy --arch x64`)" % stage_mpy)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="stage-py-") as tmp:
        inst = os.path.join(tmp, "x64")
        compiled = os.path.join(tmp, "x64-mpy")
        install.install(inst, stage_mpy=stage_mpy)
        install.install(compiled, stage_mpy=stage_mpy, compile_mpy=True)
        assets = os.path.join(tmp, "assets")
        manifest = images.make_assets(assets)
        print("== stage's Python side: %s, %d good and %d bad images"
              % (os.path.relpath(stage_mpy, ROOT) if stage_mpy.startswith(ROOT) else stage_mpy,
                 len(manifest["good"]), len(manifest["bad"])))
        s = Suite(mp, inst, args.only)

        def font():
            p = subprocess.run([sys.executable, os.path.join(ROOT, "stage-mpy", "python", "tools", "make_font.py"),
                                "--check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            expect(p.returncode == 0, p.stdout.decode())

        s.check("FONT matches tools/font.txt", font)

        def pew_font():
            p = subprocess.run([sys.executable, os.path.join(ROOT, "stage-mpy", "python", "tools",
                                                             "make_pew_font.py"), "--check"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            expect(p.returncode == 0, p.stdout.decode())

        s.check("pew's _FONT matches tools/make_pew_font.py", pew_font)
        for where, label in ((inst, ".py"), (compiled, ".mpy")):
            for script, extra in (("test_stage.py", []), ("test_headless.py", []),
                                  ("test_loaders.py", [assets]), ("test_pew.py", [])):
                if label == ".mpy" and script == "test_headless.py":
                    continue

                def run_script(script=script, extra=extra, where=where):
                    path = ":".join((where, os.path.join(where, "headless"), MP_DIR))
                    code, out, err = s.micro([os.path.join(MP_DIR, script)] + extra, path)
                    if code != 0 or not out.strip().endswith(" 0 failed"):
                        raise AssertionError("exit %d\n%s%s" % (code, out[-3000:], err[-3000:]))
                    return out

                s.check("%s with stage%s" % (script, label), run_script)

        def compiled_is_used():
            code, out, err = s.micro(["-c", "import stage, stage_images; print(stage.__file__, stage_images.__file__)"],
                                     compiled)
            expect(code == 0 and out.count(".mpy") == 2, out + err)

        s.check("the compiled install loads stage.mpy", compiled_is_used)
        made = make_games(os.path.join(tmp, "games"))
        runner_checks(s, tmp, made)
        for name, fn in games.checks(mp, inst, os.path.join(tmp, "example-frames")):
            s.check(name, fn, show=True)

        def tool(script, *options):
            """Runs fuzz_assets.py or same_bytes.py on the install; returns its output."""
            p = subprocess.run([sys.executable, os.path.join(HERE, script), "--install", inst] + list(options),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
            out = p.stdout.decode(errors="replace")
            expect(p.returncode == 0, "exit %d\n%s" % (p.returncode, out[-4000:]))
            return out.strip().splitlines()

        fuzz = ["--quiet"] + (["--count", "500"] if args.quick else [])
        s.check("fuzz_assets.py: hostile images, every loader", lambda: tool("fuzz_assets.py", *fuzz)[0],
                show=True)
        s.check("same_bytes.py: stage.py and stage-core agree", lambda: tool("same_bytes.py", "--self-test")[-1],
                show=True)
    elapsed = time.time() - started
    if s.failures:
        print("\nFAILED %d of %d: %s" % (len(s.failures), s.count, ", ".join(s.failures)))
        return 1
    print("\nall %d checks passed (%.1f s)" % (s.count, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
