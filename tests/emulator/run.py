#!/usr/bin/env python3
"""Loads the 32-bit native modules (armv6m, armv7m, armv7emsp, armv7emdp, rv32imc) into a
CPU emulator the way MicroPython's loader does and checks them.

Suites:
  self     the harness itself: .mpy reader, relocations, heap, hand-assembled modules
  fixture  stage-mpy/mpy-build/tests/fixtures/hello-natmod, built here with mpy-build
  abi      the mpy-abi example module (examples/abi_demo.rs), built here
  stage    target/mpy/<arch>/_stage.mpy: registration, conformance cases byte for byte,
           error paths

Exit status 0 when every check passes, 1 otherwise (2: usage error).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

try:
    import unicorn
except ImportError:
    sys.exit("run.py needs the `unicorn` package (pip install -r tests/requirements.txt)")

import abi_demo_tests  # noqa: E402
import selftest  # noqa: E402
import stage_tests  # noqa: E402
from checks import Runner  # noqa: E402
from natmod_emu import ARCHS  # noqa: E402

SUITES = ("self", "fixture", "abi", "stage")


class Context:
    pass


def cargo_target_dir():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=REPO, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"cargo metadata failed:\n{out.stderr}")
    return Path(json.loads(out.stdout)["target_directory"])


def run_cmd(cmd, log, env=None, cwd=REPO):
    """Run a build command, appending its output to `log`; True on success."""
    with open(log, "a") as f:
        f.write(f"$ {' '.join(str(c) for c in cmd)}\n")
        f.flush()
        r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT)
    return r.returncode == 0


def log_tail(log, n=25):
    try:
        lines = Path(log).read_text().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def clean_env():
    env = dict(os.environ)
    for var in ("RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS",
                "CARGO_BUILD_TARGET", "CARGO_BUILD_TARGET_DIR"):
        env.pop(var, None)
    return env


def build_tools(ctx):
    """mpy-build and mpy-link (host tools of the workspace)."""
    ok = run_cmd(["cargo", "build", "--release", "--locked", "-q", "-p", "mpy-build", "-p", "mpy-link"],
                 ctx.log, env=clean_env())
    exe = ".exe" if os.name == "nt" else ""
    ctx.mpy_build = ctx.target_dir / "release" / f"mpy-build{exe}"
    ctx.mpy_link = ctx.target_dir / "release" / f"mpy-link{exe}"
    return ok and ctx.mpy_build.exists() and ctx.mpy_link.exists()


def build_fixture(ctx):
    out = ctx.build_dir / "fixture"
    if out.exists():
        shutil.rmtree(out)
    manifest = REPO / "stage-mpy/mpy-build/tests/fixtures/hello-natmod/Cargo.toml"
    return run_cmd([ctx.mpy_build, "--manifest-path", manifest, "-p", "hello-natmod", "--name", "hello",
                    "--arch", ",".join(list(ctx.archs) + ["x64"]), "--out-dir", out,
                    "--target-dir", ctx.build_dir / "fixture-target"], ctx.log, env=clean_env())


def build_abi_demo(ctx, arch):
    """abi_demo.mpy for `arch`, built by `cargo mpy` (mpy-build) like any module."""
    return run_cmd([ctx.mpy_build, "-p", "mpy-abi", "--example", "abi_demo", "--arch", arch,
                    "--out-dir", ctx.build_dir / "abi", "--target-dir", ctx.build_dir / "abi-target"],
                   ctx.log, env=clean_env())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mpy-dir", default=str(REPO / "target" / "mpy"),
                   help="directory with <arch>/_stage.mpy (default: target/mpy)")
    p.add_argument("--arch", default=",".join(ARCHS), help="comma-separated architectures")
    p.add_argument("--suite", default=",".join(SUITES), help=f"suites to run ({', '.join(SUITES)})")
    p.add_argument("--all", action="store_true", help="every case of tests/conformance/public.json")
    p.add_argument("--cases", help="comma-separated conformance case ids (instead of the default subset)")
    p.add_argument("--bench", action="store_true",
                   help="also render the benchmark scenes of tests/conformance/bench.json")
    p.add_argument("--no-build", action="store_true",
                   help="use the fixture and abi_demo modules already in --build-dir")
    p.add_argument("--build-dir", help="where fixture modules are built (default: <cargo target>/emulator)")
    p.add_argument("--budget", type=int, default=2_000_000_000,
                   help="instruction limit per call (default: 2e9)")
    p.add_argument("--count", dest="count", action="store_true", default=None,
                   help="count executed instructions (default, except with --all)")
    p.add_argument("--no-count", dest="count", action="store_false",
                   help="do not count instructions (faster)")
    p.add_argument("-v", "--verbose", action="store_true", help="show timings of passing checks")
    args = p.parse_args(argv)

    archs = [a.strip() for a in args.arch.split(",") if a.strip()]
    for a in archs:
        if a not in ARCHS:
            p.error(f"unknown architecture {a!r} (choose from {', '.join(ARCHS)})")
    suites = [s.strip() for s in args.suite.split(",") if s.strip()]
    for s in suites:
        if s not in SUITES:
            p.error(f"unknown suite {s!r} (choose from {', '.join(SUITES)})")

    ctx = Context()
    ctx.archs = archs
    ctx.budget = args.budget
    ctx.count = (not args.all) if args.count is None else args.count
    ctx.perf = {}
    mpy_dir = Path(args.mpy_dir)
    if not mpy_dir.is_absolute():
        mpy_dir = (Path.cwd() / mpy_dir)
    t_start = time.perf_counter()
    print(f"natmod emulator checks: unicorn {unicorn.__version__}, Python {sys.version.split()[0]}, "
          f"archs {', '.join(archs)}")

    runner = Runner(verbose=args.verbose)

    # ------------------------------------------------------------- builds
    need_build = not args.no_build and ("fixture" in suites or "abi" in suites)
    if args.build_dir:
        ctx.build_dir = Path(args.build_dir).resolve()
    else:
        try:
            ctx.build_dir = cargo_target_dir() / "emulator"
        except (RuntimeError, OSError) as e:
            if need_build:
                print(f"cannot locate the cargo target directory: {e}")
                return 1
            ctx.build_dir = REPO / "target" / "emulator"
    ctx.build_dir.mkdir(parents=True, exist_ok=True)
    ctx.log = ctx.build_dir / "build.log"
    built = {"fixture": True, "abi": {a: True for a in archs}}
    if need_build:
        ctx.log.write_text("")
        ctx.target_dir = cargo_target_dir()
        print(f"building test modules in {ctx.build_dir} (log: {ctx.log}) ...", flush=True)
        t0 = time.perf_counter()
        tools = build_tools(ctx)
        if "fixture" in suites:
            built["fixture"] = tools and build_fixture(ctx)
        if "abi" in suites:
            for a in archs:
                built["abi"][a] = tools and build_abi_demo(ctx, a)
        print(f"  built in {time.perf_counter() - t0:.1f}s", flush=True)

    def build_failure(what):
        def fail():
            raise AssertionError(f"building {what} failed; end of {ctx.log}:\n{log_tail(ctx.log)}")
        return fail

    # ------------------------------------------------------------- suites
    if "self" in suites:
        for name, fn in selftest.reader_checks():
            runner.run("self", "-", name, fn)
        for arch in archs:
            for name, fn in selftest.crafted_checks(ctx, arch):
                runner.run("self", arch, name, fn)

    if "fixture" in suites:
        ctx.fixture_paths = {a: ctx.build_dir / "fixture" / a / "hello.mpy" for a in list(archs) + ["x64"]}
        for arch in archs:
            if not built["fixture"]:
                runner.run("fixture", arch, "build hello-natmod", build_failure("the hello-natmod fixture"))
                continue
            for name, fn in selftest.fixture_checks(ctx, arch, ctx.fixture_paths[arch]):
                runner.run("fixture", arch, name, fn)

    if "abi" in suites:
        for arch in archs:
            if not built["abi"][arch]:
                runner.run("abi", arch, "build abi_demo", build_failure(f"abi_demo for {arch}"))
                continue
            path = ctx.build_dir / "abi" / arch / "abi_demo.mpy"
            for name, fn in abi_demo_tests.abi_demo_checks(ctx, arch, path):
                runner.run("abi", arch, name, fn)

    if "stage" in suites:
        conf = REPO / "tests" / "conformance"
        ctx.assets, ctx.all_cases = stage_tests.load_conformance(conf / "public.json")
        if args.cases:
            ids = {c.strip() for c in args.cases.split(",")}
            ctx.stage_cases = [c for c in ctx.all_cases if c["id"] in ids]
            missing = ids - {c["id"] for c in ctx.stage_cases}
            if missing:
                p.error(f"no such case(s): {', '.join(sorted(missing))}")
        elif args.all:
            ctx.stage_cases = list(ctx.all_cases)
        else:
            ctx.stage_cases = stage_tests.select_cases(ctx.all_cases)
        bench_assets, bench_cases = stage_tests.load_conformance(conf / "bench.json")
        if not args.bench:
            # the 128x128 ball scene, a realistic full frame, unless cases were named
            bench_cases = [] if args.cases else [c for c in bench_cases if c["id"] == "S1_ball"]
        for c in bench_cases:
            c["_assets"] = bench_assets
        ctx.stage_cases = ctx.stage_cases + bench_cases
        for arch in archs:
            path = mpy_dir / arch / "_stage.mpy"
            for name, fn in stage_tests.stage_checks(ctx, arch, path):
                runner.run("stage", arch, name, fn)

    # ------------------------------------------------------------- report
    text, n_fail = runner.summary()
    print(text)
    if ctx.perf and ctx.count:
        print("\n_stage render cost: instructions executed in module code per output pixel "
              "(runtime calls not included)")
        for arch in archs:
            rows = ctx.perf.get(arch)
            if not rows:
                continue
            total_i = sum(r["instructions"] for r in rows)
            total_p = sum(r["pixels"] for r in rows)
            stack = max(r["stack"] for r in rows)
            avg = f"{total_i / total_p:.1f}" if total_p else "-"
            print(f"  {arch:9}  {avg} over {len(rows)} renders ({total_p} px); deepest stack {stack} B")
        big = [(arch, r) for arch in archs for r in ctx.perf.get(arch, []) if r["pixels"] >= 10000]
        if big:
            print("\nbenchmark scenes, per output pixel (cycles: the Cortex-M0+ model, armv6m only; "
                  "runtime calls: per render)")
            print(f"  {'arch':9}  {'scene':10} {'instr/px':>9} {'cycles/px':>10} {'runtime calls':>14}")
            for arch, r in big:
                cycles = f"{r['cycles'] / r['pixels']:.1f}" if arch == "armv6m" else "-"
                print(f"  {arch:9}  {r['id']:10} {r['instructions'] / r['pixels']:>9.1f} {cycles:>10} "
                      f"{r['runtime_calls']:>14}")
    print(f"\n{time.perf_counter() - t_start:.1f}s")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
