# The MicroPython side of tests/python_games/fuzz_assets.py: feeds image files
# to every loader of stage and prints what each one did.
#     micropython fuzz_loaders.py LIST [DIALECT]
#
# LIST names one file a line. For each file every operation below runs, and one
# line is printed when the file is done (so that the runner knows which file a
# hang or a crash happened in):
#
#     INDEX MS OP=OUTCOME OP=OUTCOME ...
#
# MS is the time the file took; OUTCOME is "ok:" and a digest of the result, or
# the exception's type, ":" and its message without the file name ("!" before
# the type when a ValueError's message does not start with the file's name).
# Tabs separate the fields, as messages hold spaces. The last line is
#
#     END FILES HEAP_AFTER_FIRST HEAP_AFTER_LAST HEAP_MAX
#
# (bytes allocated after gc.collect(), to see that nothing accumulates).
#
# Operations: B, P, G: BMP16, PNG16, GIF16(path).read_header(), read_palette(),
# read_data(); I: Bank.from_image; M: Bank.from_bmp16; F: Bank.from_gif16;
# D: the class of the file's suffix reading into the buffer of a 16x16 Grid.
import array
import binascii
import gc
import hashlib
import struct
import sys
import time

import stage

LIST = sys.argv[1]
stage.dialect(sys.argv[2] if len(sys.argv) > 2 else "cp")
BANK = stage.Bank(bytearray(2048), array.array("H", bytes(32)))
CLASSES = {"bmp": stage.BMP16, "png": stage.PNG16, "gif": stage.GIF16}


def digest(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return binascii.hexlify(h.digest()[:8]).decode()


def load(cls, path):
    image = cls(path)
    image.read_header()
    palette = image.read_palette()
    data = image.read_data()
    return digest(struct.pack("<III", image.width, image.height, image.colors), bytes(palette), bytes(data))


def bank(make, path):
    b = make(path)
    return digest(bytes(b.palette), bytes(b.buffer))


def into_grid(path):
    grid = stage.Grid(BANK, 16, 16)
    image = CLASSES.get(path[-3:].lower(), stage.BMP16)(path)
    image.read_header()
    if image.read_data(grid.buffer) is not grid.buffer:
        raise AssertionError("read_data(buffer) returned another buffer")
    return digest(bytes(grid.buffer))


OPS = (
    ("B", lambda p: load(stage.BMP16, p)),
    ("P", lambda p: load(stage.PNG16, p)),
    ("G", lambda p: load(stage.GIF16, p)),
    ("I", lambda p: bank(stage.Bank.from_image, p)),
    ("M", lambda p: bank(stage.Bank.from_bmp16, p)),
    ("F", lambda p: bank(stage.Bank.from_gif16, p)),
    ("D", into_grid),
)


def outcome(fn, path):
    try:
        return "ok:" + fn(path)
    except Exception as e:  # noqa: B902 -- every exception is reported, the runner judges
        message = str(e)
        mark = ""
        if message.startswith(path + ": "):
            message = message[len(path) + 2:]
        elif isinstance(e, ValueError):
            mark = "!"
        message = message.replace("\t", " ").replace("\n", " ")[:120]
        return "%s%s:%s" % (mark, type(e).__name__, message)


def main():
    with open(LIST) as f:
        paths = [line.strip() for line in f if line.strip()]
    stage.PNG16  # noqa: B018 -- imports stage_images before the first measure
    gc.collect()
    first = last = top = 0
    write = sys.stdout.write
    for n, path in enumerate(paths):
        start = time.ticks_ms()
        results = [op + "=" + outcome(fn, path) for op, fn in OPS]
        ms = time.ticks_diff(time.ticks_ms(), start)
        gc.collect()
        last = gc.mem_alloc()
        if not n:
            first = last
        top = max(top, last)
        write("%d\t%d\t%s\n" % (n, ms, "\t".join(results)))
    write("END\t%d\t%d\t%d\t%d\n" % (len(paths), first, last, top))


main()
