#!/usr/bin/env python3
"""Runs the MicroPython tests of `_stage.mpy` with a real MicroPython (the unix port).

    python3 tests/micropython/run.py [--mpy FILE]... [--fuzz N] [--seed S]
                                     [--conformance FILE.json]...

For each module (default: target/mpy/x64/_stage.mpy, built by `cargo mpy`) it copies the
file into a fresh directory as `_stage.mpy`, puts that directory and this one on the
micropython's path (MICROPYPATH) and runs, each as its own micropython process:

  conformance.py   every case of the conformance files (default: tests/conformance/
                   public.json and bench.json), byte for byte and chunk for chunk
  test_api.py      the API, every class of bad argument, live views, write() callbacks
  test_gc.py       GC stress: thousands of layers whose buffers only they reference
  fuzz.py N        hostile-input fuzzer, N calls (default 10000)

A test fails if the process exits non-zero or is killed by a signal (a VM crash).
MICROPYTHON names the micropython command (default: .venv/bin/micropython).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def micropython():
    mp = os.environ.get("MICROPYTHON") or os.path.join(ROOT, ".venv", "bin", "micropython")
    if not (os.path.isfile(mp) and os.access(mp, os.X_OK)):
        sys.exit("run.py: no micropython at %s (set MICROPYTHON, or run tests/run to create .venv)" % mp)
    return mp


def run(mp, args, path, heap=None, timeout=1800):
    """Runs micropython with MICROPYPATH=path; returns (ok, output, seconds)."""
    env = dict(os.environ, MICROPYPATH=path)
    cmd = [mp] + (["-X", "heapsize=" + heap] if heap else []) + args
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return False, out + "\nTIMEOUT after %d s" % timeout, time.time() - start
    out = p.stdout.decode(errors="replace")
    if p.returncode < 0:
        out += "\nmicropython killed by signal %s (a crash)" % signal.Signals(-p.returncode).name
    elif p.returncode:
        out += "\nmicropython exited with status %d" % p.returncode
    return p.returncode == 0, out, time.time() - start


def check_no_builtin(mp):
    """A built-in `_stage` would shadow the file under test."""
    ok, out, _ = run(mp, ["-c", "import _stage"], tempfile.gettempdir())
    if ok:
        sys.exit("run.py: this micropython has a built-in _stage module, which would shadow the .mpy file")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mpy", action="append", help="a _stage.mpy to test (repeatable)")
    ap.add_argument("--fuzz", type=int, default=10000, help="fuzzer calls (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="fuzzer seed (default 1)")
    ap.add_argument("--conformance", action="append", help="conformance JSON file (repeatable)")
    ap.add_argument("--gc-layers", type=int, default=3000, help="layers in the GC stress test")
    args = ap.parse_args()

    mp = micropython()
    check_no_builtin(mp)
    modules = args.mpy or [os.path.join(ROOT, "target", "mpy", "x64", "_stage.mpy")]
    conformance = args.conformance or [os.path.join(ROOT, "tests", "conformance", f)
                                       for f in ("public.json", "bench.json")]
    failures = []
    for module in modules:
        if not os.path.isfile(module):
            sys.exit("run.py: %s not found (build it with `cargo mpy --arch x64`)" % module)
        with tempfile.TemporaryDirectory(prefix="stage-mpy-") as tmp:
            shutil.copy(module, os.path.join(tmp, "_stage.mpy"))
            path = tmp + os.pathsep + HERE
            print("== %s (%d bytes)" % (os.path.relpath(module, ROOT), os.path.getsize(module)))
            ok, out, _ = run(mp, ["-c", "import _stage; print(_stage.__file__)"], path)
            if not ok or not out.strip().startswith(tmp):
                failures.append((module, "import"))
                print("  import _stage: did not load the file under test:\n" + out)
                continue
            tests = [
                ("conformance", [os.path.join(HERE, "conformance.py")] + conformance, None),
                ("API and error paths", [os.path.join(HERE, "test_api.py")], None),
                ("GC stress", [os.path.join(HERE, "test_gc.py"), str(args.gc_layers)], "8M"),
                ("fuzz", [os.path.join(HERE, "fuzz.py"), str(args.fuzz), str(args.seed)], "8M"),
            ]
            for name, argv, heap in tests:
                ok, out, secs = run(mp, argv, path, heap)
                lines = [l for l in out.strip().splitlines() if l.strip()]
                summary = lines[-1] if lines else "(no output)"
                print("  %-20s %s  (%.1f s)" % (name, summary if ok else "FAILED", secs))
                if name == "fuzz" or not ok:
                    body = lines if not ok else lines[:-1]
                    for line in body[-60:]:
                        print("      " + line)
                if not ok:
                    failures.append((module, name))
    if failures:
        print("\nFAILED: " + ", ".join("%s (%s)" % (name, os.path.relpath(m, ROOT)) for m, name in failures))
        sys.exit(1)
    print("\nall MicroPython tests passed")


if __name__ == "__main__":
    main()
