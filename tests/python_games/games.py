#!/usr/bin/env python3
"""Plays the example games of examples/python/ headless and compares chosen
frames with golden images (CPython 3, standard library only).

    python3 tests/python_games/games.py [--update-goldens] [--mpy FILE] [-k WORD]

For every folder of examples/python/ with a main.py (so not tools/):

1. runs `micropython run_game.py GAME --frames 300 --keys GAME/test-keys.txt
   --stats --out DIR --every K` in an install laid out by install.py, K being
   the greatest common divisor of the golden frames, so that each is written;
2. requires exit status 0, "frames: 300" in the statistics and every golden
   frame written;
3. compares each frame named on the key file's "# golden frames: N N ..."
   line, byte for byte, with goldens/GAME/frame-NNNNN.png (next to this
   script), and requires goldens/GAME/ to hold no other frame.

On a mismatch it says which frame, how many pixels differ and where, and
leaves the frame the game drew and a diff picture (the differing pixels red,
the rest of the golden dimmed) in a directory it names. It also checks that
examples/python/tools/make_assets.py --check passes.

--update-goldens writes the goldens from this run instead of comparing (for a
change whose frames you have looked at). run.py runs the same checks with its
own install. MICROPYTHON names the micropython command (default
.venv/bin/micropython). Exit status 1 if anything fails.
"""

import argparse
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "examples", "python")
GOLDENS = os.path.join(HERE, "goldens")
FRAMES = 300
KEYS = "test-keys.txt"
GOLDEN_LINE = re.compile(r"^#\s*golden frames:\s*(.*)$", re.M)
FRAME_FILE = re.compile(r"^frame-(\d{5})\.png$")

sys.path.insert(0, HERE)

import images  # noqa: E402
import install  # noqa: E402


class Failure(AssertionError):
    pass


def micropython():
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    if not (os.path.isfile(mp) and os.access(mp, os.X_OK)):
        sys.exit("games.py: no micropython at %s (set MICROPYTHON, or run tests/run to create .venv)" % mp)
    return mp


def find_games(root=EXAMPLES):
    """[(name, directory)] of the folders of `root` holding a main.py."""
    return [(name, os.path.join(root, name)) for name in sorted(os.listdir(root))
            if os.path.isfile(os.path.join(root, name, "main.py"))]


def golden_frames(keys_file):
    """The frame numbers of the key file's "# golden frames:" line."""
    try:
        with open(keys_file, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise Failure("cannot read %s (%s): every game needs a key script" % (keys_file, e))
    found = GOLDEN_LINE.findall(text)
    if len(found) != 1:
        raise Failure("%s: needs one line \"# golden frames: N N ...\" (frames 1..%d)" % (keys_file, FRAMES))
    words = found[0].split()
    if not words or not all(w.isdigit() and 1 <= int(w) <= FRAMES for w in words):
        raise Failure("%s: golden frames must be numbers 1..%d, got %r" % (keys_file, FRAMES, found[0]))
    return sorted(set(int(w) for w in words))


def parse_stats(out):
    """frames, render calls, bytes per frame (mean, max) from --stats output."""
    stats = {}
    for line in out.splitlines():
        m = re.match(r"^frames: (\d+)$", line)
        if m:
            stats["frames"] = int(m.group(1))
        m = re.match(r"^render calls: (\d+)$", line)
        if m:
            stats["render calls"] = int(m.group(1))
        m = re.match(r"^bytes per frame: mean ([\d.]+), max (\d+)$", line)
        if m:
            stats["mean"] = float(m.group(1))
            stats["max"] = int(m.group(2))
        m = re.match(r"^sounds played: (\d+)$", line)
        if m:
            stats["sounds"] = int(m.group(1))
    return stats


def png_rgb(width, height, rows):
    """An 8-bit RGB PNG of rows of (r, g, b)."""
    raw = b"".join(b"\0" + bytes(c for p in row for c in p) for row in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def describe_difference(actual, golden, keep_dir, name, frame):
    """Counts the differing pixels, writes the actual frame and a diff picture
    to keep_dir/name/; returns a sentence saying what differs."""
    out_dir = os.path.join(keep_dir, name)
    os.makedirs(out_dir, exist_ok=True)
    base = "frame-%05d" % frame
    shutil.copy(actual, os.path.join(out_dir, base + ".actual.png"))
    shutil.copy(golden, os.path.join(out_dir, base + ".golden.png"))
    try:
        aw, ah, arows = images.read_png_rgb(actual)
        gw, gh, grows = images.read_png_rgb(golden)
    except (AssertionError, zlib.error, struct.error) as e:
        return "cannot decode the images to compare them (%s)" % e
    if (aw, ah) != (gw, gh):
        return "size %dx%d, the golden is %dx%d" % (aw, ah, gw, gh)
    count = 0
    x0, y0, x1, y1 = aw, ah, -1, -1
    diff = []
    for y in range(ah):
        row = []
        for x in range(aw):
            if arows[y][x] != grows[y][x]:
                count += 1
                x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
                row.append((255, 0, 0))
            else:
                row.append(tuple(c // 3 for c in grows[y][x]))
        diff.append(row)
    with open(os.path.join(out_dir, base + ".diff.png"), "wb") as f:
        f.write(png_rgb(aw, ah, diff))
    if not count:
        return "the bytes differ but not the pixels (a different PNG encoding)"
    return "%d of %d pixels differ, in x %d..%d, y %d..%d" % (count, aw * ah, x0, x1, y0, y1)


def run_game(mp, inst, game_dir, keys, out_dir, every):
    """Runs the game through the installed run_game.py; returns (status, stdout, stderr)."""
    cmd = [mp, os.path.join(inst, "run_game.py"), game_dir, "--frames", str(FRAMES), "--keys", keys,
           "--stats", "--out", out_dir, "--every", str(every)]
    env = dict(os.environ, MICROPYPATH=":")
    p = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def check_game(mp, inst, name, game_dir, work, update=False, keep=None):
    """Plays one game and checks (or, with update, writes) its goldens.
    Returns the statistics; raises Failure. `keep` makes the directory for
    the pictures of mismatches (called once, when needed)."""
    keys = os.path.join(game_dir, KEYS)
    frames = golden_frames(keys)
    every = 0
    for f in frames:
        every = math.gcd(every, f)
    out_dir = os.path.join(work, name)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    status, out, err = run_game(mp, inst, game_dir, keys, out_dir, every)
    if status != 0:
        raise Failure("run_game.py exited with status %d\n--- stdout\n%s--- stderr\n%s"
                      % (status, out[-2000:], err[-3000:]))
    stats = parse_stats(out)
    if stats.get("frames") != FRAMES:
        raise Failure("the game played %s frames, not %d (it ended early?)\n%s"
                      % (stats.get("frames"), FRAMES, out[-2000:]))
    missing = [f for f in frames if not os.path.isfile(os.path.join(out_dir, "frame-%05d.png" % f))]
    if missing:
        raise Failure("frames not written: %s\n%s" % (" ".join(map(str, missing)), out[-2000:]))
    golden_dir = os.path.join(GOLDENS, name)
    wanted = set("frame-%05d.png" % f for f in frames)
    if update:
        os.makedirs(golden_dir, exist_ok=True)
        for old in os.listdir(golden_dir):
            if FRAME_FILE.match(old) and old not in wanted:
                os.remove(os.path.join(golden_dir, old))
        for f in sorted(wanted):
            shutil.copy(os.path.join(out_dir, f), os.path.join(golden_dir, f))
        return stats
    problems = []
    present = set(os.listdir(golden_dir)) if os.path.isdir(golden_dir) else set()
    extra = sorted(present - wanted)
    if extra:
        problems.append("goldens not named on the \"# golden frames:\" line of %s: %s"
                        % (os.path.relpath(keys, ROOT), " ".join(extra)))
    for f in frames:
        base = "frame-%05d.png" % f
        actual = os.path.join(out_dir, base)
        golden = os.path.join(golden_dir, base)
        if not os.path.isfile(golden):
            problems.append("frame %d: no golden %s (make it with --update-goldens)"
                            % (f, os.path.relpath(golden, ROOT)))
            continue
        with open(actual, "rb") as a, open(golden, "rb") as g:
            if a.read() == g.read():
                continue
        where = keep()
        problems.append("frame %d differs from %s: %s; see %s"
                        % (f, os.path.relpath(golden, ROOT), describe_difference(actual, golden, where, name, f),
                           os.path.join(where, name, "frame-%05d.{actual,golden,diff}.png" % f)))
    if problems:
        raise Failure("\n".join(problems))
    return stats


def check_assets():
    """make_assets.py --check must pass: the committed assets are what the script makes."""
    script = os.path.join(EXAMPLES, "tools", "make_assets.py")
    p = subprocess.run([sys.executable, script, "--check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise Failure(p.stdout.decode(errors="replace"))


def stats_line(stats):
    return "%d frames, %d render calls, bytes per frame mean %.1f, max %d" % (
        stats["frames"], stats["render calls"], stats["mean"], stats["max"])


class Keeper:
    """Makes, once, the directory that keeps the pictures of mismatches."""

    def __init__(self):
        self.path = None

    def __call__(self):
        if self.path is None:
            self.path = tempfile.mkdtemp(prefix="stage-goldens-")
        return self.path


def checks(mp, inst, work, update=False):
    """[(name, function)] of every check, for run.py's suite. Each game's
    function returns its statistics line."""
    keep = Keeper()
    out = [("example assets: make_assets.py --check", check_assets)]
    for name, game_dir in find_games():
        def one(name=name, game_dir=game_dir):
            return stats_line(check_game(mp, inst, name, game_dir, work, update, keep))
        out.append(("example game: %s" % name, one))
    stray = [d for d in (sorted(os.listdir(GOLDENS)) if os.path.isdir(GOLDENS) else [])
             if d not in [name for name, _ in find_games()]]

    def no_stray_goldens():
        if stray:
            raise Failure("goldens of games that examples/python/ lacks: %s" % " ".join(stray))

    out.append(("example goldens: every one has its game", no_stray_goldens))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update-goldens", action="store_true",
                    help="write the golden frames from this run instead of comparing")
    ap.add_argument("--mpy", help="the _stage.mpy to use (default target/mpy/x64/_stage.mpy)")
    ap.add_argument("-k", dest="only", help="run only the checks whose name contains this")
    args = ap.parse_args()
    mp = micropython()
    stage_mpy = args.mpy or os.path.join(ROOT, "target", "mpy", "x64", "_stage.mpy")
    if not os.path.isfile(stage_mpy):
        sys.exit("games.py: %s not found (build it with `cargo mpy --arch x64`)" % stage_mpy)
    started = time.time()
    failed = []
    count = 0
    with tempfile.TemporaryDirectory(prefix="stage-games-") as tmp:
        inst = os.path.join(tmp, "x64")
        install.install(inst, stage_mpy=stage_mpy)
        print("== example games: %s, %d frames each%s"
              % (os.path.relpath(EXAMPLES, ROOT), FRAMES, ", updating the goldens" if args.update_goldens else ""))
        for name, fn in checks(mp, inst, os.path.join(tmp, "out"), args.update_goldens):
            if args.only and args.only not in name:
                continue
            count += 1
            t = time.time()
            try:
                result = fn()
                print("  ok    %-40s (%.1f s)%s" % (name, time.time() - t, "\n        " + result if result else ""))
            except (Failure, subprocess.TimeoutExpired, OSError) as e:
                failed.append(name)
                print("  FAIL  %s\n        %s" % (name, str(e).replace("\n", "\n        ")))
    elapsed = time.time() - started
    if failed:
        print("\nFAILED %d of %d: %s (%.1f s)" % (len(failed), count, ", ".join(failed), elapsed))
        return 1
    print("\nall %d checks passed (%.1f s)" % (count, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
