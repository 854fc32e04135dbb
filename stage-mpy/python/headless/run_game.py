"""Runs a stage game headless on the MicroPython unix port.

    micropython run_game.py GAME [--frames N] [--keys FILE] [--out DIR]
                            [--every K] [--size WxH] [--stats]

GAME is the game's directory, whose main.py (or else code.py) is the game,
or a .py file in it (a game picked from a menu: jumper.py, boulder.py).

run_game.py lives next to _stage.mpy, stage.py and pew.py; the stubs of the
console (ugame, board, time, supervisor, keypad, ...) live in its headless/
sub-directory. It changes to the game's directory, puts its own directory
first on sys.path, then headless/, the game's directory and its lib/, seeds
`random` with 1 and runs the game file as __main__. So this stage, pew and
ugame replace copies bundled with a game (older versions, or ones for other
hardware): those are never used, and a note on stderr names them.

Frames. A frame is one call of stage.Stage.tick(): frame k ends with the k-th
call. Frame 1 is what the game does before its first tick().

  --frames N   stop the game at the end of frame N (the N-th tick raises
               StopRun, a BaseException that `except Exception` does not
               catch) and exit 0. Without it the game runs until it ends by
               itself (exit 0), but at most 10000 frames.
  --keys FILE  lines "FRAME KEY[+KEY...]": those keys (UP DOWN LEFT RIGHT X O
               START SELECT Z, also L R) are held from just after the
               FRAME-th tick on, i.e. the game sees them from frame FRAME+1
               ("0 ..." from the start); the keys of a line replace those of
               the line before, a line with a frame and no keys releases all.
               Frames must increase from line to line; "#" starts a comment;
               blank lines are ignored. A game that waits without
               finishing frames (a menu that polls the buttons without
               tick(), a pause that sleeps until a key) gets the next line
               early, after 1000 button polls (ugame's get_pressed(),
               keypad's events) or 10 s of game time without a tick();
               the lines after it keep their frame numbers.
  --out DIR    write the panel as DIR/frame-NNNNN.png (NNNNN: the frame
               number, 5 digits), RGB 8 bits, at the end of the last frame;
  --every K    and also at the end of every K-th frame (K, 2K, ...).
               When the game ends by itself, what it drew after its last
               tick() is frame last+1 (if it drew nothing since, the last
               frame is written, if it was not already).
  --size WxH   the panel size (default 128x128; 160x128 for PyBadge-class
               games, 320x240 for scale-2 ones).
  --stats      print, at the end: frames, render calls (display windows),
               bytes sent per frame (mean and max), the key lines given
               early to a waiting game and the sounds played.

A game that waits without finishing frames, for a key the script can't give
(no lines left), is stopped after a million button polls or an hour of game
time (its sleeps) without a tick(); the run ends as if the game had ended by
itself, with a note on stderr. A loop that neither polls the buttons nor
reads the clock can't be stopped.

Exit status: 0 when the run ends (frame limit, the game returns, calls
sys.exit(0) or supervisor.reload(), or waits as above); 1 when the game raises
(traceback on stderr), exits with another status or breaks the panel protocol
(even if it catches the PanelError), or an image can't be written; 2 for bad
arguments (usage on stderr).

The environment variable STAGE_DIALECT=mp runs the game with
stage.dialect("mp") (MicroPython-stage colours and background).

The environment variable STAGE_SPRITES=each makes Stage.render_sprites work
as the original stage's did, to compare the bytes sent (--stats): one render
per sprite, over the union of its previous and current 16x16 boxes, with the
original's clamping (a sprite wholly off the screen still sends the pixel or
the strip at the nearest edge) and no merging (overlapping boxes are sent
again). STAGE_SPRITES=merge, the default, keeps stage.py's render_sprites.
"""

import os
import sys

USAGE = ("usage: micropython run_game.py GAME_DIR|GAME.py [--frames N] [--keys FILE] [--out DIR]"
         " [--every K] [--size WxH] [--stats]")
DEFAULT_FRAMES = 10000
SEED = 1
POLL_LIMIT = 1000000
HANG_SECONDS = 3600
WAIT_POLLS = 1000
WAIT_SECONDS = 10
#: What a game may bundle that run_game.py's own modules replace.
REPLACED = ("stage.py", "stage.mpy", "ugame.py", "ugame.mpy", "pew.py", "pew.mpy")


class ArgError(Exception):
    pass


# ------------------------------------------------------------------ paths


def absolute(path):
    if path.startswith("/"):
        return path
    cwd = os.getcwd()
    return path if path == "." and cwd == "/" else cwd.rstrip("/") + "/" + path


def dirname(path):
    i = path.rfind("/")
    return "/" if i == 0 else path[:i] if i > 0 else "."


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def is_dir(path):
    try:
        return os.stat(path)[0] & 0x4000 != 0
    except OSError:
        return False


def make_dirs(path):
    parts = path.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        if prefix and not is_dir(prefix):
            os.mkdir(prefix)


# ------------------------------------------------------------------ arguments


class Options:
    def __init__(self):
        self.game = None
        self.frames = None
        self.keys = []
        self.keys_file = None
        self.out = None
        self.every = None
        self.size = (128, 128)
        self.stats = False


def positive(option, text):
    if not text.isdigit() or int(text) < 1:
        raise ArgError("%s needs a positive whole number, not %r" % (option, text))
    return int(text)


def parse_size(text):
    parts = text.lower().split("x")
    if len(parts) != 2 or not parts[0].isdigit() or not parts[1].isdigit():
        raise ArgError("--size needs WxH, e.g. 160x128, not %r" % text)
    w, h = int(parts[0]), int(parts[1])
    if not (1 <= w <= 4096 and 1 <= h <= 4096):
        raise ArgError("--size %s: width and height must be 1..4096" % text)
    return w, h


def parse_args(argv):
    opts = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--stats":
            opts.stats = True
        elif arg in ("--frames", "--keys", "--out", "--every", "--size"):
            if i + 1 >= len(argv):
                raise ArgError("%s needs a value" % arg)
            i += 1
            value = argv[i]
            if arg == "--frames":
                opts.frames = positive(arg, value)
            elif arg == "--every":
                opts.every = positive(arg, value)
            elif arg == "--size":
                opts.size = parse_size(value)
            elif arg == "--keys":
                opts.keys_file = value
            else:
                opts.out = value
        elif arg.startswith("-"):
            raise ArgError("unknown option %s" % arg)
        elif opts.game is None:
            opts.game = arg
        else:
            raise ArgError("one game directory only (got %s too)" % arg)
        i += 1
    if opts.game is None:
        raise ArgError("no game directory")
    if opts.every is not None and opts.out is None:
        raise ArgError("--every needs --out")
    if not is_dir(opts.game) and not (opts.game.endswith(".py") and exists(opts.game)):
        raise ArgError("%s is not a directory or a .py file" % opts.game)
    if opts.keys_file is not None:
        opts.keys = parse_keys(opts.keys_file)
    return opts


def parse_keys(path):
    """The key script of file `path` (_headless.parse_keys)."""
    import _headless
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise ArgError("cannot read the key file %s (%s)" % (path, e))
    try:
        return _headless.parse_keys(text, path)
    except ValueError as e:
        raise ArgError(str(e))


# ------------------------------------------------------------------ PNG


def _tables():
    five = bytes((v << 3 | v >> 2) for v in range(32))
    six = bytes((v << 2 | v >> 4) for v in range(64))
    return five, six


def png_bytes(panel):
    """The panel as a PNG: RGB, 8 bits, no filter, stored deflate blocks."""
    import struct
    from binascii import crc32
    w, h = panel.width, panel.height
    fb = panel.framebuffer
    five, six = _tables()
    line = w * 3 + 1
    raw = bytearray(line * h)
    j = 0
    i = 0
    for _ in range(h):
        raw[j] = 0
        j += 1
        for _ in range(w):
            hi = fb[i]
            lo = fb[i + 1]
            raw[j] = five[hi >> 3]
            raw[j + 1] = six[(hi & 7) << 3 | lo >> 5]
            raw[j + 2] = five[lo & 31]
            i += 2
            j += 3
    z = bytearray(b"\x78\x01")
    view = memoryview(raw)
    at = 0
    while True:
        n = min(65535, len(raw) - at)
        last = at + n >= len(raw)
        z.extend(struct.pack("<BHH", 1 if last else 0, n, n ^ 0xFFFF))
        z.extend(view[at:at + n])
        at += n
        if last:
            break
    z.extend(struct.pack(">I", adler32(raw)))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", crc32(body, crc32(kind)) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", bytes(z)) + chunk(b"IEND", b""))


def adler32(data):
    a = 1
    b = 0
    n = len(data)
    at = 0
    while at < n:
        end = min(n, at + 5552)
        for i in range(at, end):
            a += data[i]
            b += a
        a %= 65521
        b %= 65521
        at = end
    return b << 16 | a


# ------------------------------------------------------------------ the run


class Run:
    """The state of one run: frames, key script, images, statistics."""

    def __init__(self, opts, headless):
        self.opts = opts
        self.hl = headless
        self.limit = opts.frames or DEFAULT_FRAMES
        self.script = opts.keys
        self.next_key = 0
        self.early_keys = 0
        self.written = []
        self.frame_bytes = []
        self.mark_bytes = 0
        self.mark_windows = 0
        self.limited = False
        self.out_dir = absolute(opts.out).rstrip("/") if opts.out else None

    @property
    def panel(self):
        return self.hl.display().panel

    def apply_keys(self):
        """Holds the keys of the script lines of frames up to the current one."""
        while self.next_key < len(self.script) and self.script[self.next_key][0] <= self.hl.frame:
            self.hl.press(self.script[self.next_key][1])
            self.next_key += 1

    def keys_while_waiting(self):
        """Holds the keys of the next script line now, the game waiting for
        them without finishing frames; False when no line is left."""
        if self.next_key >= len(self.script):
            return False
        self.hl.press(self.script[self.next_key][1])
        self.next_key += 1
        self.early_keys += 1
        return True

    def end_frame(self):
        """Called at each tick before the wait: counts, writes, may stop."""
        self.hl.frame_done()
        k = self.hl.frame
        panel = self.panel
        self.frame_bytes.append(panel.bytes - self.mark_bytes)
        self.mark_bytes = panel.bytes
        self.mark_windows = panel.windows
        every = self.opts.every
        if self.out_dir and (k == self.limit or every and k % every == 0):
            try:
                self.write_png(k)
            except OSError as e:
                self.out_dir = None
                # a BaseException, so that the game cannot swallow it
                raise self.hl.StopRun("cannot write the image of frame %d (%s)" % (k, e), True)
        if k >= self.limit:
            self.limited = True
            raise self.hl.StopRun("frame limit (%d)" % self.limit)

    def finish_images(self):
        """The picture at the end of a game that stopped by itself."""
        if not self.out_dir:
            return
        k = self.hl.frame
        panel = self.panel
        if panel.bytes != self.mark_bytes or panel.windows != self.mark_windows:
            self.write_png(k + 1)
        elif not self.written or self.written[-1] != k:
            self.write_png(k)

    def write_png(self, k):
        make_dirs(self.out_dir)
        path = "%s/frame-%05d.png" % (self.out_dir, k)
        with open(path, "wb") as f:
            f.write(png_bytes(self.panel))
        self.written.append(k)

    def stats(self):
        sizes = self.frame_bytes
        panel = self.panel
        print("frames: %d" % len(sizes))
        print("render calls: %d" % panel.windows)
        if sizes:
            print("bytes per frame: mean %.1f, max %d" % (sum(sizes) / len(sizes), max(sizes)))
        else:
            print("bytes per frame: mean 0.0, max 0")
        after = panel.bytes - self.mark_bytes
        if after:
            print("bytes after the last frame: %d" % after)
        if self.early_keys:
            print("key lines given early (the game waited): %d" % self.early_keys)
        sounds = self.hl.audio.sounds
        print("sounds played: %d" % len(sounds))
        for s in sounds:
            print("  frame %d: %s%s%s" % (s.frame, s.name, " (loop)" if s.loop else "",
                                         " (muted)" if s.muted else ""))

    def summary(self, how):
        out = self.opts.out.rstrip("/") if self.opts.out else ""
        if not self.written:
            where = "no images written"
        elif len(self.written) == 1:
            where = "wrote %s/frame-%05d.png" % (out, self.written[0])
        else:
            where = "wrote %d images to %s/ (frame-%05d.png ... frame-%05d.png)" % (
                len(self.written), out, self.written[0], self.written[-1])
        print("run_game: %s: %d frames, %s; %s" % (self.opts.game, self.hl.frame, how, where))


def setup_paths(here, game):
    headless = here + "/headless"
    rest = [p for p in sys.path if p not in (here, headless, "", ".")]
    sys.path[:] = [here, headless, game, game + "/lib"] + rest


def install(run, headless):
    """Patches Stage.tick, open() (file names for the audio log), utime and
    random; returns the stage module."""
    import builtins
    import random
    import time
    import stage

    sys.modules["utime"] = time
    stage.dialect(os.getenv("STAGE_DIALECT") or "cp")
    original_tick = stage.Stage.tick

    def tick(self):
        run.end_frame()
        original_tick(self)
        run.apply_keys()

    stage.Stage.tick = tick
    if os.getenv("STAGE_SPRITES") == "each":
        stage.Stage.render_sprites = render_sprites_each
    original_open = builtins.open

    def open_and_remember(file, *args, **kwargs):
        f = original_open(file, *args, **kwargs)
        if isinstance(file, str):
            headless.remember_name(f, file)
        return f

    builtins.open = open_and_remember
    random.seed(SEED)
    return stage


def render_sprites_each(self, sprites):
    """Stage.render_sprites as the original stage did it (STAGE_SPRITES=each)."""
    vx = int(self.vx)
    vy = int(self.vy)
    w = self.width
    h = self.height
    for sprite in sprites:
        x = int(sprite.x) - vx
        y = int(sprite.y) - vy
        x0 = max(0, min(w - 1, min(sprite.px, x)))
        y0 = max(0, min(h - 1, min(sprite.py, y)))
        x1 = max(1, min(w, max(sprite.px, x) + 16))
        y1 = max(1, min(h, max(sprite.py, y) + 16))
        sprite.px = x
        sprite.py = y
        if x0 < x1 and y0 < y1:
            self._render(((x0, y0, x1, y1),))


def game_source(game):
    for name in ("main.py", "code.py"):
        if exists(game + "/" + name):
            return name
    return None


def run_game(run, game, name, headless):
    """Runs the game; returns (exit status, how the run ended)."""
    install(run, headless)
    with open(game + "/" + name) as f:
        source = f.read()
    os.chdir(game)
    run.apply_keys()
    try:
        exec(compile(source, name, "exec"), {"__name__": "__main__", "__file__": name})
    except headless.StopRun as stop:
        if stop.error:
            print("run_game: %s" % stop.reason, file=sys.stderr)
            return 1, "failed: " + stop.reason
        if "waiting for a key" in stop.reason:
            print("run_game: %s" % stop.reason, file=sys.stderr)
        return 0, "stopped: " + stop.reason
    except SystemExit as e:
        value = e.args[0] if e.args else None
        if value not in (None, 0):
            print("run_game: the game exited with status %r" % (value,), file=sys.stderr)
            return 1, "sys.exit(%r)" % (value,)
        return 0, "the game called sys.exit()"
    except Exception as e:
        sys.print_exception(e, sys.stderr)
        return 1, "the game raised %s" % type(e).__name__
    return 0, "the game ended"


def main(argv):
    here = dirname(absolute(sys.argv[0]))
    sys.path.insert(0, here + "/headless")
    try:
        opts = parse_args(argv)
    except ArgError as e:
        print("run_game: %s\n%s" % (e, USAGE), file=sys.stderr)
        return 2
    if (os.getenv("STAGE_DIALECT") or "cp") not in ("cp", "mp"):
        print("run_game: STAGE_DIALECT must be cp or mp\n%s" % USAGE, file=sys.stderr)
        return 2
    if (os.getenv("STAGE_SPRITES") or "merge") not in ("merge", "each"):
        print("run_game: STAGE_SPRITES must be merge or each\n%s" % USAGE, file=sys.stderr)
        return 2
    game = absolute(opts.game).rstrip("/") or "/"
    if is_dir(game):
        name = game_source(game)
        if name is None:
            print("run_game: %s has no main.py or code.py\n%s" % (opts.game, USAGE), file=sys.stderr)
            return 2
    else:
        name = game[game.rfind("/") + 1:]
        game = dirname(game)
    replaced = [d + n for d in ("", "lib/") for n in REPLACED if exists(game + "/" + d + n)]
    if replaced:
        print("run_game: not used (run_game.py's own come first): %s" % ", ".join(replaced),
              file=sys.stderr)
    setup_paths(here, game)
    import _headless
    _headless.configure(opts.size[0], opts.size[1])
    run = Run(opts, _headless)
    _headless.set_limits(POLL_LIMIT, HANG_SECONDS, WAIT_POLLS, WAIT_SECONDS, run.keys_while_waiting)
    try:
        status, how = run_game(run, game, name, _headless)
        panel = _headless.display().panel
        if panel.errors:
            print("run_game: the panel protocol was broken %d times; first: %s"
                  % (len(panel.errors), panel.errors[0]), file=sys.stderr)
            status = 1
        if not run.limited:
            try:
                run.finish_images()
            except OSError as e:
                print("run_game: cannot write the last image (%s)" % (e,), file=sys.stderr)
                status = 1
    except Exception as e:
        sys.print_exception(e, sys.stderr)
        return 1
    if opts.stats:
        run.stats()
    run.summary(how)
    return status


sys.exit(main(sys.argv[1:]))
