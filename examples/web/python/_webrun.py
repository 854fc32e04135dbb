"""Runs a stage game in the browser, as run_game.py runs one headless.

The page's worker writes the game's files into /game, the project's stage.py,
stage_images.py and this console into /web, then calls `main(config)` with a
JSON object:

  main      the game file ("main.py" or "code.py")
  mode      "play" (real time, the page's keys and sound) or "script"
  frames    stop at the end of this frame (script mode; 0: no limit)
  keys      the key script, in run_game.py's format ("FRAME KEY+KEY" lines)
  width, height   the display's size
  argv      sys.argv[1:] for the game (optional)

Frames are counted as run_game.py counts them: frame k ends with the k-th call
of stage.Stage.tick(), where the page is shown the display; in script mode
the keys of a script line are held from just after that frame's tick, the
random module is seeded with 1 and time is virtual, so that frame k is the
frame run_game.py writes for the same game, keys and k.
"""

import io
import json
import os
import sys

import _browser
import _browser_js as _js
import _headless

SEED = 1
POLL_LIMIT = 1000000
HANG_SECONDS = 3600
WAIT_POLLS = 1000
WAIT_SECONDS = 10


class Run:
    def __init__(self, config):
        self.limit = config.get("frames") or 0
        self.script = _headless.parse_keys(config.get("keys") or "", "keys")
        self.next_key = 0
        self.display = _headless.display()
        self.started = _js.perf_ms()

    def apply_keys(self):
        if _browser.mode != "script":
            return
        while self.next_key < len(self.script) and self.script[self.next_key][0] <= _headless.frame:
            _headless.press(self.script[self.next_key][1])
            self.next_key += 1

    def keys_while_waiting(self):
        if self.next_key >= len(self.script):
            return False
        _headless.press(self.script[self.next_key][1])
        self.next_key += 1
        return True

    def end_frame(self):
        """At each tick, before the wait: shows the frame, may stop."""
        _headless.frame_done()
        k = _headless.frame
        now = _js.perf_ms()
        _js.present(self.display._id, k, now - self.started)
        if self.limit and k >= self.limit:
            raise _headless.StopRun("frame limit (%d)" % self.limit)

    def after_tick(self):
        self.started = _js.perf_ms()
        self.apply_keys()


def install(run):
    """Patches Stage.tick (frames), open() (names a missing file), utime and
    random."""
    import builtins
    import errno
    import random
    import time
    import stage

    sys.modules["utime"] = time
    stage.dialect("cp")
    original_tick = stage.Stage.tick

    def tick(self):
        run.end_frame()
        original_tick(self)
        run.after_tick()

    stage.Stage.tick = tick
    original_open = builtins.open

    def open_naming_missing_files(file, *args, **kwargs):
        try:
            return original_open(file, *args, **kwargs)
        except OSError:
            # The port's own errno numbers differ from the errno module's: look.
            if isinstance(file, str) and not exists(file):
                raise OSError(errno.ENOENT, "no such file: %r (missing from the game's files)" % file)
            raise

    builtins.open = open_naming_missing_files
    random.seed(SEED)


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def traceback_text(e):
    """The traceback, without this runner's own frame."""
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = buf.getvalue().split("\n")
    return "\n".join(line for line in lines if '"/web/_webrun.py"' not in line)


def main(config_json):
    config = json.loads(config_json)
    _browser.configure(config.get("mode", "play"), config.get("width", 128), config.get("height", 128))
    game = "/game"
    name = config.get("main", "main.py")
    sys.path[:] = ["/web", game, game + "/lib"] + [p for p in sys.path if p not in ("", ".", "/web")]
    sys.argv[:] = [name] + [str(a) for a in config.get("argv") or []]
    try:
        run = Run(config)
    except ValueError as e:
        return _js.finish("error", "bad key script: %s" % e, 0)
    if _browser.mode == "script":
        _headless.set_limits(POLL_LIMIT, HANG_SECONDS, WAIT_POLLS, WAIT_SECONDS, run.keys_while_waiting)
    try:
        with open(game + "/" + name) as f:
            source = f.read()
    except OSError as e:
        return _js.finish("error", "cannot read %s (%s)" % (name, e), 0)
    os.chdir(game)
    try:
        install(run)
        run.apply_keys()
        exec(compile(source, name, "exec"), {"__name__": "__main__", "__file__": name})
    except _headless.StopRun as stop:
        return _js.finish("stopped", stop.reason, _headless.frame)
    except SystemExit as e:
        value = e.args[0] if e.args else None
        how = "exited" if value in (None, 0) else "error"
        text = "the game called sys.exit(%r)" % (value,)
        _js.present(run.display._id, _headless.frame + 1, 0)
        return _js.finish(how, text, _headless.frame)
    except BaseException as e:  # noqa: B036  (KeyboardInterrupt too: a traceback)
        _js.present(run.display._id, _headless.frame + 1, 0)
        return _js.finish("error", traceback_text(e), _headless.frame)
    _js.present(run.display._id, _headless.frame + 1, 0)
    return _js.finish("ended", "the game ended", _headless.frame)
