# Runs conformance vectors (format stage-conformance-1) through `_stage` in MicroPython,
# each case mapped to `_stage` calls exactly as tests/conformance/README.md shows:
#
#   Layer(width, height, graphic, palette[, map]); .move(x, y); .frame(frame, rotation)
#   Text(width, height, font, palette, chars); .move(x, y)
#   mp: render(x0, y0, x1, y1, layers, bytearray(buffer_len), out, scale)
#   cp: render(x0, y0, x1, y1, layers, bytearray(buffer_len), out, scale, vx, vy, 0)
#
# and checks the stream's SHA-256, its length and every chunk size.
#
#   micropython conformance.py [FILE.json ...]     (default tests/conformance/public.json)
#
# Prints one line per failure and `N passed, M failed`; exits with 1 if M > 0.
# `_stage.mpy` must be on sys.path (tests/micropython/run.py arranges that).
import sys
import json
import hashlib

import _stage


class Output:
    """`output` for render(): hashes every chunk during the write() call (the chunk is
    only valid during the call) and records its size."""

    def __init__(self):
        self.hash = hashlib.sha256()
        self.sizes = []

    def write(self, chunk):
        self.hash.update(chunk)
        self.sizes.append(len(chunk))


def build(case, assets):
    layers = []
    for spec in case["layers"]:
        if spec["type"] == "Layer":
            args = [spec["width"], spec["height"], assets[spec["graphic"]], assets[spec["palette"]]]
            if spec["map"] is not None:
                args.append(bytes.fromhex(spec["map"]))
            layer = _stage.Layer(*args)
            layer.move(spec["x"], spec["y"])
            layer.frame(spec["frame"], spec["rotation"])
        elif spec["type"] == "Text":
            layer = _stage.Text(spec["width"], spec["height"], assets[spec["font"]],
                                assets[spec["palette"]], bytes.fromhex(spec["chars"]))
            layer.move(spec["x"], spec["y"])
        else:
            raise ValueError("unknown layer type " + repr(spec["type"]))
        layers.append(layer)
    return layers


def run_case(case, assets):
    """None if the case passes, else what differs."""
    layers = build(case, assets)
    r = case["render"]
    out = Output()
    args = [r["x0"], r["y0"], r["x1"], r["y1"], layers, bytearray(r["buffer_len"]), out, r["scale"]]
    if case["variant"] == "cp":
        args += [r["vx"], r["vy"], 0]
    elif case["variant"] != "mp":
        return "unknown variant " + repr(case["variant"])
    result = _stage.render(*args)
    expect = case["expect"]
    total = sum(out.sizes)
    digest = "".join("%02x" % b for b in out.hash.digest())
    if result is not None:
        return "render returned %r" % (result,)
    if total != expect["bytes"]:
        return "%d bytes, expected %d" % (total, expect["bytes"])
    if out.sizes != expect["chunks"]:
        return "chunk sizes differ (%d chunks, expected %d)" % (len(out.sizes), len(expect["chunks"]))
    if digest != expect["sha256"]:
        return "SHA-256 %s, expected %s" % (digest, expect["sha256"])
    return None


def run_file(path):
    with open(path) as f:
        data = json.load(f)
    if data.get("format") != "stage-conformance-1":
        raise ValueError(path + ": not a stage-conformance-1 file")
    assets = {}
    for name, value in data["assets"].items():
        assets[name] = bytes.fromhex(value)
    passed = failed = 0
    for case in data["cases"]:
        try:
            problem = run_case(case, assets)
        except Exception as e:
            problem = "raised %s: %s" % (type(e).__name__, e)
        if problem is None:
            passed += 1
        else:
            failed += 1
            print("FAIL %s (%s): %s" % (case["id"], case["variant"], problem))
    return passed, failed


def main():
    paths = sys.argv[1:] or ["tests/conformance/public.json"]
    passed = failed = 0
    for path in paths:
        p, f = run_file(path)
        passed += p
        failed += f
    print("%d passed, %d failed" % (passed, failed))
    if failed:
        sys.exit(1)


main()
