#!/usr/bin/env python3
"""Plays Gem Cave's host binary the way a newcomer does, in its three front ends.

* scripted run: no display, stdout a pipe (as in CI): the autopilot wins, the GIF and
  PNG are written and valid, the statistics are printed and dirty tracking sends less
  than the whole screen;
* terminal: under tmux, X starts the game and the right arrow walks the player right;
  the panes before and after are saved as pictures and must differ;
* window: under Xvfb, the same keys through xdotool; screenshots saved.

    tests/game/check_frontends.py --bin target/release/gem-cave --out target/gem-cave-check

Needs tmux, Xvfb, xdotool and ImageMagick's `import` (tests/run installs them).
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib

SCREEN = 128 * 128


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def report(output):
    """The figures the binary prints at the end."""
    game = re.search(r"game: (\w+), gems (\d+)/(\d+), lives (\d+), player at \((-?\d+), (-?\d+)\)", output)
    sent = re.search(r"pixels sent per frame: (\d+) of (\d+)", output)
    frames = re.search(r"^frames: (\d+)$", output, re.M)
    render = re.search(r"render time per frame: ([\d.]+) ms", output)
    if not (game and sent and frames and render):
        fail(f"the statistics are missing from the output:\n{output}")
    return {
        "state": game.group(1),
        "gems": (int(game.group(2)), int(game.group(3))),
        "lives": int(game.group(4)),
        "player": (int(game.group(5)), int(game.group(6))),
        "sent": int(sent.group(1)),
        "screen": int(sent.group(2)),
        "frames": int(frames.group(1)),
    }


def gif_frames(path):
    """Checks a GIF's structure block by block; returns (width, height, image count)."""
    data = open(path, "rb").read()
    if data[:6] != b"GIF89a":
        fail(f"{path} is not a GIF89a file")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    images = 0

    def skip_sub_blocks(p):
        while data[p] != 0:
            p += data[p] + 1
        return p + 1

    while True:
        block = data[pos]
        if block == 0x3B:
            break
        if block == 0x21:  # extension
            pos = skip_sub_blocks(pos + 2)
        elif block == 0x2C:  # image
            left, top, w, h, f = struct.unpack("<HHHHB", data[pos + 1 : pos + 10])
            if left + w > width or top + h > height:
                fail(f"{path}: image {images} lies outside the screen")
            pos += 10 + (3 * 2 ** ((f & 7) + 1) if f & 0x80 else 0)
            pos = skip_sub_blocks(pos + 1)
            images += 1
        else:
            fail(f"{path}: unexpected block 0x{block:02x} at {pos}")
    return width, height, images


def check_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG file")
    return struct.unpack(">II", data[16:24])


def scripted(binary, out):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [binary, "--out", out], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600
    )
    print(run.stdout)
    if run.returncode != 0:
        fail(f"the scripted run failed ({run.returncode}): {run.stderr}")
    if "scripted run (no display and no terminal)" not in run.stdout:
        fail("with no display and no terminal the binary did not choose the scripted run")
    r = report(run.stdout)
    gif = os.path.join(out, "gem-cave.gif")
    if f"wrote {gif} (" not in run.stdout:
        fail(f"the output does not say it wrote {gif}")
    width, height, images = gif_frames(gif)
    if (width, height) != (256, 256) or images < 100:
        fail(f"{gif}: {width}x{height}, {images} images")
    if check_png(os.path.join(out, "gem-cave.png")) != (256, 256):
        fail("gem-cave.png is not 256x256")
    if r["state"] != "Won" or r["gems"][0] != r["gems"][1]:
        fail(f"the autopilot did not win: {r}")
    if r["screen"] != SCREEN or not 0 < r["sent"] < SCREEN:
        fail(f"pixels sent per frame {r['sent']} of {r['screen']}: dirty tracking sent the whole screen")
    print(f"scripted run: won in {r['frames']} frames; {images} GIF images; {r['sent']} of {SCREEN} pixels a frame")


def ansi_to_png(text, path):
    """A captured tmux pane (with escapes) as the picture it shows: each upper half block
    is two pixels, its foreground above its background."""
    rows = text.split("\n")[:64]
    width, height = 128, 128
    img = [[(0, 0, 0)] * width for _ in range(height)]
    fg, bg = (255, 255, 255), (0, 0, 0)
    for row, line in enumerate(rows):
        col = 0
        for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", line):
            if m.group(1) is not None:
                p = [int(x) for x in m.group(1).split(";") if x]
                i = 0
                while i < len(p):
                    if p[i] in (38, 48) and i + 4 < len(p) and p[i + 1] == 2:
                        color = tuple(p[i + 2 : i + 5])
                        fg, bg = (color, bg) if p[i] == 38 else (fg, color)
                        i += 5
                    else:
                        i += 1
            else:
                if col < width and m.group(2) == "\u2580":
                    img[2 * row][col], img[2 * row + 1][col] = fg, bg
                col += 1
    raw = b"".join(b"\0" + bytes(c for px in r for c in px) for r in img)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return img


def tmux(*args):
    return subprocess.run(["tmux", "-L", "gem-cave-check", *args], capture_output=True, text=True, check=True).stdout


def terminal(binary, out):
    # The report goes to the pane, and the pane's text after quitting to terminal.log.
    log = os.path.join(out, "terminal.log")
    command = f"{binary} --terminal --out {out}/terminal; echo EXIT=$?; sleep 60"
    subprocess.run(["tmux", "-L", "gem-cave-check", "kill-server"], capture_output=True)
    tmux("new-session", "-d", "-s", "game", "-x", "140", "-y", "70", command)
    try:
        time.sleep(1.5)
        before = tmux("capture-pane", "-t", "game", "-p", "-e")
        tmux("send-keys", "-t", "game", "x")
        time.sleep(0.5)
        for _ in range(6):
            tmux("send-keys", "-t", "game", "Right")
            time.sleep(0.1)
        time.sleep(0.5)
        after = tmux("capture-pane", "-t", "game", "-p", "-e")
        tmux("send-keys", "-t", "game", "q")
        for _ in range(50):
            time.sleep(0.2)
            text = tmux("capture-pane", "-t", "game", "-p")
            if "EXIT=" in text:
                break
    finally:
        subprocess.run(["tmux", "-L", "gem-cave-check", "kill-server"], capture_output=True)
    first = ansi_to_png(before, os.path.join(out, "terminal-title.png"))
    second = ansi_to_png(after, os.path.join(out, "terminal-playing.png"))
    open(log, "w").write(text)
    if "EXIT=0" not in text:
        fail(f"the terminal mode did not exit cleanly:\n{text}")
    colours = {px for row in first for px in row}
    if len(colours) < 8:
        fail(f"the terminal showed {len(colours)} colours on the title screen: nothing drawn?")
    if first == second:
        fail("the terminal's picture did not change after X and the right arrow")
    r = report(text)
    if r["state"] != "Playing" or r["player"][0] <= 16:
        fail(f"in the terminal, X did not start the game or the right arrow did not walk right: {r}")
    print(f"terminal: the player walked from x=16 to x={r['player'][0]}; panes in {out}/terminal-*.png")


def window(binary, out):
    display = ":77"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x640x24"], stderr=subprocess.DEVNULL)
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    game = None
    try:
        time.sleep(1)
        game = subprocess.Popen(
            [binary, "--frames", "150", "--out", f"{out}/window"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        win = ""
        for _ in range(50):
            time.sleep(0.2)
            found = subprocess.run(["xdotool", "search", "--name", "Gem Cave"], env=env, capture_output=True, text=True)
            win = found.stdout.split()[0] if found.stdout.split() else ""
            if win:
                break
        if not win:
            fail("no Gem Cave window appeared under Xvfb")
        subprocess.run(["xdotool", "windowfocus", win], env=env, check=True)
        time.sleep(0.3)
        subprocess.run(["import", "-window", "root", f"{out}/window-title.png"], env=env, check=True)

        def hold(key, seconds):
            subprocess.run(["xdotool", "keydown", key], env=env, check=True)
            time.sleep(seconds)
            subprocess.run(["xdotool", "keyup", key], env=env, check=True)

        hold("x", 0.2)
        time.sleep(0.2)
        hold("Right", 0.8)
        subprocess.run(["import", "-window", "root", f"{out}/window-playing.png"], env=env, check=True)
        output, _ = game.communicate(timeout=60)
    finally:
        if game and game.poll() is None:
            game.kill()
        xvfb.kill()
    print(output)
    if game.returncode != 0:
        fail(f"the window mode failed ({game.returncode})")
    if "Gem Cave: window (a display is set" not in output:
        fail("with DISPLAY set the binary did not open a window")
    r = report(output)
    if r["frames"] != 150:
        fail(f"--frames 150 ran {r['frames']} frames")
    if r["state"] != "Playing" or r["player"][0] <= 16:
        fail(f"in the window, X did not start the game or Right did not walk right: {r}")
    print(f"window: the player walked from x=16 to x={r['player'][0]}; screenshots in {out}/window-*.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the gem-cave binary")
    parser.add_argument("--out", required=True, help="where the pictures, GIF and logs go")
    parser.add_argument("--only", choices=["scripted", "terminal", "window"], action="append")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for tool in ("tmux", "Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            fail(f"{tool} not found (Debian: apt-get install tmux xvfb xdotool imagemagick)")
    for name in args.only or ["scripted", "terminal", "window"]:
        print(f"--- {name}")
        {"scripted": scripted, "terminal": terminal, "window": window}[name](binary, out)
    print("all front ends play")


if __name__ == "__main__":
    main()
