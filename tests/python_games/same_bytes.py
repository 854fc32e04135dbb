#!/usr/bin/env python3
"""Checks that a scene drawn through stage.py and _stage.mpy gives the same
bytes as the same scene drawn by the Rust renderer, stage-core (CPython 3,
standard library only).

    python3 tests/python_games/same_bytes.py [--mpy FILE] [--install DIR]
                                             [--keep FILE.json] [--self-test]

1. writes the banks the scenes load (images.py): a BMP, 4- and 8-bit PNGs and
   a GIF, colour 0 magenta (transparent);
2. runs mp/same_bytes_scenes.py in MicroPython over stage.py and _stage.mpy
   (installed as install.py does): four scenes built the way games build
   them (Bank.from_image, Grid with tiles, WallGrid, Sprites with frames and
   rotations, Text with highlighted characters, both dialects, scale 1 and
   2, a viewport in the CircuitPython dialect), every render call stage.py
   makes written as a case of a stage-conformance-1 file, with the stream
   _stage.mpy sent (SHA-256, length, chunk sizes) as the expectation;
3. runs stage-core's conformance runner on that file, with --renderer fast
   and --renderer reference, and prints what it says: every case must pass.

With --self-test the file is then broken on purpose (one digit of a case's
SHA-256, one chunk size of another, the grid of a third moved by a pixel)
and the runner must fail exactly those three cases.

The runner is target/release/examples/conformance when it exists, else
`cargo run --release -p stage-core --example conformance --`. Exits 1 on any
failure; --keep writes the conformance file there.
"""

import argparse
import copy
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import images  # noqa: E402
import install  # noqa: E402

SCENES = os.path.join(HERE, "mp", "same_bytes_scenes.py")
RUNNER = os.path.join(ROOT, "target", "release", "examples", "conformance")
MAGENTA = (255, 0, 255)  # RGB565 F8 1F: transparent


def tiles(seed, colors=16):
    """A 16x256 bank picture: each tile a different lopsided shape on colour 0
    (transparent), so that frames and rotations all look different."""
    rng = random.Random(seed)
    rows = []
    for t in range(16):
        a, b = rng.randrange(1, colors), rng.randrange(1, colors)
        for y in range(16):
            row = []
            for x in range(16):
                if x + 2 * y < 6 + t or (x > 12 and y < 4):
                    v = 0
                elif (x * (t + 1) + y * y) % 7 < 3:
                    v = a
                elif y > x:
                    v = b
                else:
                    v = (x + y + t) % (colors - 1) + 1
                row.append(v)
            rows.append(row)
    return rows


def palette(seed, colors=16):
    return [MAGENTA] + [c for c in images.palette_rgb(colors + 4, seed) if c != MAGENTA][:colors - 1]


def write_assets(folder):
    os.makedirs(folder, exist_ok=True)
    files = {
        "tiles.bmp": images.bmp(tiles(1), palette(11)),
        "tiles-d8.png": images.png(tiles(2), palette(12), depth=8, filters=(0, 1, 2, 3, 4)),
        "tiles-d4.png": images.png(tiles(3), palette(13), depth=4, filters=(4,)),
        "walls.bmp": images.bmp(tiles(4, 8), palette(14, 8), top_down=True),
        "walls-d4.png": images.png(tiles(5, 8), palette(15, 8), depth=4, filters=(1, 2)),
        "sprites.gif": images.gif(tiles(6), palette(16)),
    }
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def runner_command():
    if os.path.isfile(RUNNER) and os.access(RUNNER, os.X_OK):
        return [RUNNER]
    return ["cargo", "run", "--release", "--quiet", "-p", "stage-core", "--example", "conformance", "--"]


def run_runner(path, renderer):
    """(exit status, command, output) of the conformance runner on `path`."""
    cmd = runner_command() + [path, "--renderer", renderer]
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    return p.returncode, cmd, p.stdout.decode(errors="replace")


def show(cmd, out):
    shown = " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)
    print("$ " + shown)
    for line in out.rstrip("\n").splitlines():
        print("  " + line)


def self_test(data, folder):
    """Breaks three cases of `data`; the runner must fail exactly those.
    Returns (what went wrong, the ids of the broken cases)."""
    broken = copy.deepcopy(data)
    cases = broken["cases"]
    first = cases[0]
    digest = first["expect"]["sha256"]
    first["expect"]["sha256"] = ("0" if digest[0] != "0" else "1") + digest[1:]
    second = cases[1]
    second["expect"]["chunks"][0] -= 2  # the same bytes in other chunks
    second["expect"]["chunks"].append(2)
    # the whole-screen render of a scene whose back layer is a grid: move the grid
    third = next(c for c in cases if c not in (first, second) and c["layers"][-1]["map"] is not None
                 and (c["render"]["x0"], c["render"]["y0"]) == (0, 0) and c["render"]["x1"] >= 128)
    third["layers"][-1]["x"] += 1
    expected = {first["id"], second["id"], third["id"]}
    path = os.path.join(folder, "broken.json")
    with open(path, "w") as f:
        json.dump(broken, f)
    problems = []
    status, cmd, out = run_runner(path, "fast")
    show(cmd, out)
    failed = set(re.findall(r"^FAIL (\S+):", out, re.M))
    if status == 0:
        problems.append("the runner passed a file with three broken cases")
    if failed != expected:
        problems.append("the runner failed %s, expected %s" % (sorted(failed), sorted(expected)))
    if "%d passed, 3 failed" % (len(cases) - 3) not in out:
        problems.append("the runner's count is not '%d passed, 3 failed'" % (len(cases) - 3))
    return problems, sorted(expected)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mpy", help="the _stage.mpy to test (default target/mpy/x64/_stage.mpy)")
    ap.add_argument("--install", help="an install made by install.py (default: one made here)")
    ap.add_argument("--keep", help="write the conformance file here too")
    ap.add_argument("--self-test", action="store_true", help="check that broken cases make the runner fail")
    args = ap.parse_args(argv)
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    if not (os.path.isfile(mp) and os.access(mp, os.X_OK)):
        sys.exit("same_bytes.py: no micropython at %s (set MICROPYTHON)" % mp)
    started = time.time()
    problems = []
    with tempfile.TemporaryDirectory(prefix="stage-same-") as tmp:
        inst = args.install
        if not inst:
            inst = os.path.join(tmp, "x64")
            install.install(inst, stage_mpy=args.mpy)
        assets = os.path.join(tmp, "assets")
        write_assets(assets)
        path = os.path.join(tmp, "stage-py-scenes.json")
        p = subprocess.run([mp, "-X", "heapsize=8M", SCENES, assets, path], env=dict(os.environ, MICROPYPATH=inst),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        out = p.stdout.decode(errors="replace")
        print("$ micropython tests/python_games/mp/same_bytes_scenes.py ASSETS FILE.json")
        for line in out.rstrip("\n").splitlines():
            print("  " + line)
        if p.returncode != 0:
            print("FAILED: the scenes did not run under MicroPython (exit %d)" % p.returncode)
            return 1
        with open(path) as f:
            data = json.load(f)
        if args.keep:
            with open(args.keep, "w") as f:
                json.dump(data, f)
        cases = data["cases"]
        variants = {v: sum(1 for c in cases if c["variant"] == v) for v in ("cp", "mp")}
        scales = sorted(set(c["render"]["scale"] for c in cases))
        print("%d cases (cp %d, mp %d; scales %s), %d bytes of stream in all"
              % (len(cases), variants["cp"], variants["mp"], scales, sum(c["expect"]["bytes"] for c in cases)))
        if not cases or not all(variants.values()) or scales != [1, 2]:
            problems.append("the scenes should render both variants at scales 1 and 2")
        for renderer in ("fast", "reference"):
            status, cmd, out = run_runner(path, renderer)
            show(cmd, out)
            if status != 0 or "%d passed, 0 failed" % len(cases) not in out:
                problems.append("stage-core (%s) does not draw what stage.py and _stage.mpy drew" % renderer)
        if args.self_test and not problems:
            found, broken = self_test(data, tmp)
            problems += found
            if not found:
                print("self-test: the runner failed exactly the broken cases (%s)" % ", ".join(broken))
    elapsed = time.time() - started
    if problems:
        print("FAILED (%.1f s): %s" % (elapsed, "; ".join(problems)))
        return 1
    print("same bytes: %d cases, both renderers (%.1f s)" % (len(cases), elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
