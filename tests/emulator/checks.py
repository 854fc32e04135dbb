"""A minimal check runner: named checks grouped by architecture and suite, each PASS,
FAIL (assertion, MicroPython exception, emulator error) or SKIP, with a summary."""

import time
import traceback

from natmod_emu import EmulatorError, MpException


class Skip(Exception):
    """Raised by a check that cannot run here (missing input)."""


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def expect_equal(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")


def expect_raises(type_name, fn, *args, message=None, **kwargs):
    """Call fn; it must raise the MicroPython exception `type_name` (and `message`)."""
    try:
        r = fn(*args, **kwargs)
    except MpException as e:
        if e.type_name != type_name:
            raise AssertionError(f"raised {e.type_name}({e.message!r}), expected {type_name}") from None
        if message is not None and e.message != message:
            raise AssertionError(f"{type_name} message {e.message!r}, expected {message!r}") from None
        return e
    raise AssertionError(f"returned {r!r} instead of raising {type_name}")


def expect_emulator_error(fn, *fragments):
    """Call fn; it must fail with an EmulatorError mentioning every fragment."""
    try:
        fn()
    except EmulatorError as e:
        text = str(e)
        for f in fragments:
            if f not in text:
                raise AssertionError(f"error does not mention {f!r}: {text}") from None
        return e
    raise AssertionError("no EmulatorError")


class Result:
    def __init__(self, suite, arch, name, status, detail, seconds, notes):
        self.suite, self.arch, self.name = suite, arch, name
        self.status, self.detail, self.seconds, self.notes = status, detail, seconds, notes


class Runner:
    def __init__(self, verbose=False, out=print):
        self.results = []
        self.verbose = verbose
        self.out = out
        self._last_skip = None

    def run(self, suite, arch, name, fn):
        """Run check `fn()`; it may return a short note (e.g. a measurement)."""
        t0 = time.perf_counter()
        note = None
        try:
            note = fn()
            status, detail = "PASS", ""
        except Skip as e:
            status, detail = "SKIP", str(e)
        except AssertionError as e:
            status, detail = "FAIL", str(e) or "assertion failed"
        except (MpException, EmulatorError) as e:
            status, detail = "FAIL", f"{type(e).__name__}: {e}"
        except Exception as e:  # noqa: BLE001 - a harness bug; show where
            status = "FAIL"
            detail = f"{type(e).__name__}: {e}\n" + "".join(traceback.format_tb(e.__traceback__)[-4:])
        dt = time.perf_counter() - t0
        r = Result(suite, arch, name, status, detail, dt, note)
        self.results.append(r)
        line = f"{status:4}  {arch:9}  {suite:8}  {name}"
        if note:
            line += f"  [{note}]"
        if status != "PASS" or self.verbose:
            line += f"  ({dt:.2f}s)"
        self.out(line)
        if detail and status == "FAIL":
            for d in detail.rstrip().splitlines():
                self.out(f"        {d}")
        elif detail and status == "SKIP" and detail != self._last_skip:
            self.out(f"        {detail}")
        self._last_skip = detail if status == "SKIP" else None
        return r

    def summary(self):
        order = ["armv6m", "armv7m", "armv7emsp", "armv7emdp", "rv32imc"]
        archs = sorted({r.arch for r in self.results},
                       key=lambda a: (a == "-", order.index(a) if a in order else 99, a))
        suites = []
        for r in self.results:
            if r.suite not in suites:
                suites.append(r.suite)
        lines = ["", "summary (passed/run, [failed], (skipped)):",
                 "  " + f"{'':9}" + "".join(f"{s:>18}" for s in suites)]
        for a in archs:
            cells = []
            for s in suites:
                rs = [r for r in self.results if r.arch == a and r.suite == s]
                if not rs:
                    cells.append(f"{'':>18}")
                    continue
                p = sum(r.status == "PASS" for r in rs)
                f = sum(r.status == "FAIL" for r in rs)
                sk = sum(r.status == "SKIP" for r in rs)
                cell = f"{p}/{len(rs) - sk}" + (f" [{f}F]" if f else "") + (f" ({sk}S)" if sk else "")
                cells.append(f"{cell:>18}")
            lines.append(f"  {a:9}" + "".join(cells))
        n_fail = sum(r.status == "FAIL" for r in self.results)
        n_pass = sum(r.status == "PASS" for r in self.results)
        n_skip = sum(r.status == "SKIP" for r in self.results)
        lines.append("")
        lines.append(f"{n_pass} passed, {n_fail} failed, {n_skip} skipped")
        return "\n".join(lines), n_fail
