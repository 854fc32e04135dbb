#!/usr/bin/env python3
"""Bytes sent per frame with the original render_sprites and with stage.py's
(CPython 3 drives a real MicroPython).

    python3 tests/python_games/sprite_stats.py [--mpy FILE] [--frames N] [--size WxH]
                                               GAME[,keys=FILE][,size=WxH][,frames=N] ...

Each GAME (a game directory or a game's .py file, as run_game.py takes it)
runs twice with the same keys, with --stats: once with STAGE_SPRITES=each
(one render per sprite over the union of its old and new 16x16 boxes, as the
original stage did) and once with STAGE_SPRITES=merge (stage.py's
render_sprites: boxes merged, off-screen ones dropped). The table gives, for
both, the render calls and the bytes sent per frame (mean and max), and
whether both runs end with the same picture. --frames (default 300) and
--size (default 128x128) apply to every game without its own.

_stage.mpy comes from target/mpy/x64/ unless --mpy says otherwise; the Python
files are installed from stage-mpy/python as tests/python_games/install.py
does. MICROPYTHON names the micropython command (default .venv/bin/micropython).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import install  # noqa: E402


def parse_spec(text, frames, size):
    parts = text.split(",")
    spec = {"game": parts[0], "keys": None, "size": size, "frames": frames}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key not in ("keys", "size", "frames") or not value:
            raise SystemExit("sprite_stats.py: bad option %r in %r (keys=, size=, frames=)" % (part, text))
        spec[key] = int(value) if key == "frames" else value
    return spec


def run(mp, inst, spec, mode, out_dir):
    args = [mp, os.path.join(inst, "run_game.py"), spec["game"], "--stats",
            "--frames", str(spec["frames"]), "--size", spec["size"], "--out", out_dir]
    if spec["keys"]:
        args += ["--keys", spec["keys"]]
    env = dict(os.environ, MICROPYPATH=":", STAGE_SPRITES=mode)
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    out = p.stdout.decode(errors="replace")
    stats = {"status": p.returncode, "stderr": p.stderr.decode(errors="replace")}
    for name, pattern in (("frames", r"^frames: (\d+)$"), ("calls", r"^render calls: (\d+)$"),
                          ("mean", r"^bytes per frame: mean ([\d.]+), max \d+$"),
                          ("max", r"^bytes per frame: mean [\d.]+, max (\d+)$")):
        m = re.search(pattern, out, re.M)
        stats[name] = float(m.group(1)) if m else None
    m = re.search(r"^run_game: .*?: \d+ frames, (.*?); ", out, re.M)
    stats["end"] = m.group(1) if m else "?"
    pictures = sorted(f for f in os.listdir(out_dir) if f.endswith(".png")) if os.path.isdir(out_dir) else []
    stats["picture"] = None
    if pictures:
        with open(os.path.join(out_dir, pictures[-1]), "rb") as f:
            stats["picture"] = (pictures[-1], f.read())
    return stats


def number(v, digits=0):
    return "-" if v is None else "%.*f" % (digits, v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("games", nargs="+", metavar="GAME[,keys=FILE][,size=WxH][,frames=N]")
    ap.add_argument("--mpy", help="the _stage.mpy to use (default target/mpy/x64/_stage.mpy)")
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--size", default="128x128")
    args = ap.parse_args()
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    specs = [parse_spec(g, args.frames, args.size) for g in args.games]
    rows = []
    with tempfile.TemporaryDirectory(prefix="sprite-stats-") as tmp:
        inst = os.path.join(tmp, "x64")
        install.install(inst, stage_mpy=args.mpy)
        for i, spec in enumerate(specs):
            result = {}
            for mode in ("each", "merge"):
                result[mode] = run(mp, inst, spec, mode, os.path.join(tmp, "out-%d-%s" % (i, mode)))
            rows.append((spec, result))
            each, merge = result["each"], result["merge"]
            for mode in ("each", "merge"):
                if result[mode]["status"] != 0:
                    print("sprite_stats.py: %s (%s) exited %d:\n%s" % (
                        spec["game"], mode, result[mode]["status"], result[mode]["stderr"][-1500:]),
                        file=sys.stderr)
    print("| game | size | frames | render calls each / merge | bytes/frame mean each / merge"
          " | bytes/frame max each / merge | mean saved | same last picture | run ended |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec, result in rows:
        each, merge = result["each"], result["merge"]
        saved = "-"
        if each["mean"] and merge["mean"] is not None:
            saved = "%.0f%%" % (100 * (1 - merge["mean"] / each["mean"]))
        same = "-"
        if each["picture"] and merge["picture"]:
            same = "yes" if each["picture"] == merge["picture"] else "NO"
        frames = number(merge["frames"]) if each["frames"] == merge["frames"] else "%s / %s" % (
            number(each["frames"]), number(merge["frames"]))
        print("| %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s | %s |" % (
            os.path.basename(spec["game"].rstrip("/")) or spec["game"], spec["size"], frames,
            number(each["calls"]), number(merge["calls"]), number(each["mean"], 1),
            number(merge["mean"], 1), number(each["max"]), number(merge["max"]), saved, same,
            merge["end"]))
    return 1 if any(r[m]["status"] != 0 for _, r in rows for m in r) else 0


if __name__ == "__main__":
    sys.exit(main())
