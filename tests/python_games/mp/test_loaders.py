# The image loaders of stage (BMP16, PNG16, GIF16, Bank.from_*) against the
# files made by images.py: every good file gives the expected palette and
# pixels, in both dialects; every bad file raises ValueError naming the file
# and what is wrong.
#     micropython test_loaders.py ASSETS_DIR [TEST...]
import json
import sys

import stage
from mptest import check, eq, raises, run_all, test

ASSETS = sys.argv[1]
with open(ASSETS + "/manifest.json") as f:
    MANIFEST = json.load(f)
LOADERS = {"bmp": "BMP16", "png": "PNG16", "gif": "GIF16"}


def path(name):
    return ASSETS + "/" + name


def loader(name):
    return getattr(stage, LOADERS[name[-3:]])(path(name))


@test
def good_files_load():
    for item in MANIFEST["good"]:
        name = item["name"]
        image = loader(name)
        image.read_header()
        eq((image.width, image.height), (item["width"], item["height"]), name + " size")
        palette = image.read_palette()
        eq(len(palette), 16, name + " palette entries")
        eq(bytes(palette), bytes.fromhex(item["palette"]), name + " palette")
        eq(bytes(image.read_data()), bytes.fromhex(item["pixels"]), name + " pixels")
    check(len(MANIFEST["good"]) > 40, "too few good files")


@test
def good_files_in_the_mp_dialect_swap_red_and_blue():
    try:
        eq(stage.dialect("mp"), "mp")
        for item in MANIFEST["good"]:
            name = item["name"]
            palette = loader(name).read_palette()
            eq(bytes(palette), bytes.fromhex(item["palette_mp"]), name + " MP palette")
            check(item["palette"] != item["palette_mp"], name + ": the test palette is R/B symmetric")
    finally:
        stage.dialect("cp")


@test
def banks_from_every_format():
    banks = 0
    for item in MANIFEST["good"]:
        if (item["width"], item["height"]) != (16, 256):
            continue
        name = item["name"]
        for make in (stage.Bank.from_image, stage.Bank.from_bmp16):
            bank = make(path(name))
            eq(bytes(bank.buffer), bytes.fromhex(item["pixels"]), name + " bank")
            eq(bytes(bank.palette), bytes.fromhex(item["palette"]), name + " bank palette")
            eq(len(bank.buffer), 2048, name + " bank size")
        if name.endswith(".gif"):
            bank = stage.Bank.from_gif16(path(name))
            eq(bytes(bank.buffer), bytes.fromhex(item["pixels"]), name + " from_gif16")
        banks += 1
    check(banks >= 30, "too few banks")


@test
def bank_suffix_is_case_insensitive():
    import os
    item = MANIFEST["good"][0]
    upper = path("UPPER.BMP")
    with open(path(item["name"]), "rb") as f, open(upper, "wb") as g:
        g.write(f.read())
    try:
        eq(bytes(stage.Bank.from_image(upper).buffer), bytes.fromhex(item["pixels"]))
    finally:
        os.remove(upper)


@test
def bad_files_raise_value_error_naming_the_file():
    for item in MANIFEST["bad"]:
        name = path(item["name"])
        e = raises(ValueError, stage.Bank.from_image, name)
        message = str(e)
        check(message.startswith(name + ": "), "%s: message %r does not name the file" % (item["name"], message))
        check(item["words"] in message, "%s: message %r lacks %r" % (item["name"], message, item["words"]))
    check(len(MANIFEST["bad"]) > 40, "too few bad files")


@test
def bad_files_fail_with_the_loader_classes_too():
    for item in MANIFEST["bad"]:
        name = item["name"]
        if name[-3:] not in LOADERS or "16x256" in item["words"]:
            continue
        image = loader(name)

        def load():
            image.read_header()
            image.read_palette()
            image.read_data()
        e = raises(ValueError, load)
        check(item["words"] in str(e), "%s: %r lacks %r" % (name, str(e), item["words"]))


@test
def missing_file_is_os_error():
    raises(OSError, stage.Bank.from_image, path("no-such-file.png"))
    raises(OSError, stage.BMP16(path("no-such-file.bmp")).read_header)


@test
def read_data_into_a_given_buffer():
    item = [i for i in MANIFEST["good"] if i["name"] == "map-5x3.png"][0]
    image = stage.PNG16(path(item["name"]))
    image.read_header()
    buffer = bytearray(9)
    eq(image.read_data(buffer) is buffer, True, "same buffer")
    eq(bytes(buffer), bytes.fromhex(item["pixels"]))
    e = raises(ValueError, image.read_data, bytearray(8))
    check("buffer too small" in str(e), str(e))


@test
def read_palette_into_a_given_array():
    import array
    item = MANIFEST["good"][0]
    palette = array.array("H", [0x1234] * 16)
    out = loader(item["name"]).read_palette(palette)
    check(out is palette, "same array")
    eq(bytes(palette), bytes.fromhex(item["palette"]))


@test
def grid_from_a_bmp_map():
    # jumper-wire style: an 8x8 level map loaded as a Grid's buffer
    item = [i for i in MANIFEST["good"] if i["name"] == "map-8x8.bmp"][0]
    bmp = stage.BMP16(path(item["name"]))
    bmp.read_header()
    bank = stage.Bank.from_image(path("bank-16c.bmp"))
    grid = stage.Grid(bank, 8, 8, buffer=bmp.read_data())
    pixels = bytes.fromhex(item["pixels"])
    for y in range(8):
        for x in range(8):
            b = pixels[y * 4 + x // 2]
            eq(grid.tile(x, y), b & 15 if x & 1 else b >> 4, "tile %d,%d" % (x, y))


@test
def image_size_limit_comes_before_allocation():
    import gc
    gc.collect()
    before = gc.mem_alloc()
    for name in ("huge.png", "huge.bmp"):
        e = raises(ValueError, loader(name).read_header)
        check("too large" in str(e), str(e))
    gc.collect()
    check(gc.mem_alloc() - before < 4096, "memory kept")
    check(stage.MAX_IMAGE_PIXELS == 65536, "limit")


@test
def gif_helpers_of_micropython_stage():
    item = [i for i in MANIFEST["good"] if i["name"] == "bank-clears.gif"][0]
    gif = stage.GIF16(path(item["name"]))
    gif.read_header()
    with open(path(item["name"]), "rb") as f:
        f.seek(gif._data_at)
        out = b"".join(stage.lzw_decode(stage.read_blockstream(f), gif._code_size))
    pixels = bytes.fromhex(item["pixels"])
    expected = bytes(v for b in pixels for v in (b >> 4, b & 15))
    eq(out, expected, "lzw_decode")
    table = stage.LZWDict(2)
    eq(table.decode(4), b"", "clear")
    eq(table.decode(1), b"\x01")
    eq(table.decode(6), b"\x01\x01", "KwKwK")
    raises(stage.EndOfData, table.decode, 5)
    check(issubclass(stage.EndOfData, Exception), "EndOfData")


@test
def unsupported_suffix():
    e = raises(ValueError, stage.Bank.from_image, "tiles.jpeg")
    check("tiles.jpeg" in str(e) and "unsupported format" in str(e), str(e))


@test
def mutated_files_raise_only_value_error():
    # byte flips, cuts and splices of good files: a load succeeds or raises
    # ValueError, nothing else
    import os
    import random
    random.seed(5)
    names = ["bank-16c.bmp", "bank-5c-v4.bmp", "bank-16c-d4.png", "bank-5c-d8.png",
             "filter-mixed-d8.png", "bank-16c.gif", "bank-clears.gif", "map-13x7.gif",
             "map-5x3.png", "bank-local.gif"]
    target = path("fuzz.tmp")
    tries = errors = 0
    try:
        for name in names:
            with open(path(name), "rb") as f:
                good = f.read()
            for i in range(60):
                data = bytearray(good)
                kind = i % 4
                if kind == 0:
                    for _ in range(random.randint(1, 4)):
                        data[random.randrange(len(data))] = random.getrandbits(8)
                elif kind == 1:
                    data = data[:random.randrange(len(data))]
                elif kind == 2:
                    at = random.randrange(min(len(data), 80))
                    data[at] = random.getrandbits(8)
                else:
                    a = random.randrange(len(data))
                    data = data[:a] + data[a + random.randint(1, 40):]
                with open(target, "wb") as f:
                    f.write(data)
                tries += 1
                try:
                    image = getattr(stage, LOADERS[name[-3:]])(target)
                    image.read_header()
                    image.read_palette()
                    image.read_data()
                except ValueError as e:
                    errors += 1
                    check(str(e).startswith(target + ": "), "message %r" % str(e))
                except Exception as e:
                    raise AssertionError("%s mutation %d: %s: %s" % (name, i, type(e).__name__, e))
    finally:
        os.remove(target)
    check(errors > tries // 3, "only %d of %d mutations refused" % (errors, tries))


run_all()
