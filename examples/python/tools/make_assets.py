#!/usr/bin/env python3
"""Makes every picture and sound of the example games (CPython 3, standard
library only) from the text art and the small synthesizer below.

    python3 examples/python/tools/make_assets.py            write the files
    python3 examples/python/tools/make_assets.py --check    compare them with the
                                                            files on disk (exit 1
                                                            if any differs)
    python3 examples/python/tools/make_assets.py --preview DIR
                                                            also write enlarged
                                                            RGB pictures of every
                                                            bank to look at

Banks are 16x256 pictures, 16 tiles of 16x16 pixels one under the other, 4
bits a pixel: BMP (uncompressed, bottom-up rows) or PNG (indexed colour, bit
depth 4, compressed by the deflate encoder below, so that the bytes don't
depend on the zlib version). In the text art every character is a pixel and
names a colour of the bank's palette; magenta, (255, 0, 255), is transparent
wherever it is. Sounds are 8-bit mono WAV files at 8000 samples a second,
made with integer arithmetic only. Everything is made the same way on every
machine: the files are committed and --check proves they are up to date.
"""

import argparse
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)

TRANSPARENT = (255, 0, 255)

# ====================================================================== bounce

BOUNCE_PALETTE = [
    (".", TRANSPARENT),
    ("K", (20, 16, 36)),      # outline
    ("w", (255, 255, 255)),   # shine
    ("f", (34, 38, 70)),      # floor
    ("F", (46, 52, 92)),      # floor, lighter
    ("o", (186, 94, 56)),     # brick
    ("O", (104, 50, 38)),     # mortar
    ("q", (232, 146, 98)),    # brick, lit edge
    ("r", (232, 52, 60)), ("R", (140, 22, 42)),      # red ball
    ("g", (72, 212, 92)), ("G", (22, 120, 62)),      # green ball
    ("b", (72, 132, 250)), ("B", (32, 52, 160)),     # blue ball
    ("y", (255, 222, 64)), ("Y", (190, 120, 22)),    # yellow ball
]

FLOOR_DARK = [
    "Ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "fffffffFffffffff",
    "ffffffFfFfffffff",
    "fffffffFffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
    "ffffffffffffffff",
]

FLOOR_LIGHT = [
    "fFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFfFFFFFFFF",
    "FFFFFFfFfFFFFFFF",
    "FFFFFFFfFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFF",
]

BRICK = [
    "qqqqqqqOqqqqqqqO",
    "oooooooOoooooooO",
    "oooooooOoooooooO",
    "OOOOOOOOOOOOOOOO",
    "qqqOqqqqqqqOqqqq",
    "oooOoooooooOoooo",
    "oooOoooooooOoooo",
    "OOOOOOOOOOOOOOOO",
    "qqqqqqqOqqqqqqqO",
    "oooooooOoooooooO",
    "oooooooOoooooooO",
    "OOOOOOOOOOOOOOOO",
    "qqqOqqqqqqqOqqqq",
    "oooOoooooooOoooo",
    "oooOoooooooOoooo",
    "OOOOOOOOOOOOOOOO",
]

# A ball: x is its colour, d the shaded side, w the shine.
BALL = [
    "................",
    ".....KKKKKK.....",
    "...KKxxxxxxKK...",
    "..KxxwwxxxxxxK..",
    "..KxwwwxxxxxxK..",
    ".KxxwwxxxxxxxdK.",
    ".KxxxxxxxxxxxdK.",
    ".KxxxxxxxxxxxdK.",
    ".KxxxxxxxxxxxdK.",
    ".KxxxxxxxxxxddK.",
    ".KxxxxxxxxxxddK.",
    "..KxxxxxxxxddK..",
    "..KdxxxxxxdddK..",
    "...KKddddddKK...",
    ".....KKKKKK.....",
    "................",
]

# The same ball squashed against the floor (the game turns it for the walls
# and the ceiling).
BALL_SQUASHED = [
    "................",
    "................",
    "................",
    "................",
    "................",
    "................",
    "................",
    "....KKKKKKKK....",
    "..KKxxwwxxxxKK..",
    ".KxxwwwxxxxxxxK.",
    "KxxxwwxxxxxxxxdK",
    "KxxxxxxxxxxxxxdK",
    "KxxxxxxxxxxxxddK",
    ".KdxxxxxxxxxddK.",
    "..KKddddddddKK..",
    "....KKKKKKKK....",
]

EMPTY = ["." * 16] * 16


def colored(art, base, dark):
    """The art with x and d replaced by a ball's colours."""
    return [row.replace("x", base).replace("d", dark) for row in art]


def bounce_tiles():
    tiles = [FLOOR_DARK, FLOOR_LIGHT, BRICK]
    for base, dark in ("rR", "gG", "bB", "yY"):
        tiles.append(colored(BALL, base, dark))
        tiles.append(colored(BALL_SQUASHED, base, dark))
    return tiles + [EMPTY] * (16 - len(tiles))


# ================================================================== platformer

PLATFORMER_PALETTE = [
    (".", TRANSPARENT),
    ("s", (124, 192, 255)),   # sky
    ("w", (255, 255, 255)),
    ("c", (200, 224, 250)),   # cloud shade
    ("K", (30, 24, 40)),      # outline
    ("y", (255, 214, 48)),    # gold
    ("Y", (196, 128, 24)),    # gold, dark
    ("d", (156, 100, 56)),    # dirt
    ("D", (104, 64, 40)),     # dirt, dark
    ("g", (80, 196, 72)),     # grass
    ("G", (32, 120, 56)),     # grass, dark
    ("l", (160, 232, 120)),   # grass, light
    ("r", (224, 56, 56)),     # red
    ("n", (255, 204, 156)),   # skin
    ("b", (56, 88, 208)),     # blue
    ("S", (168, 168, 184)),   # steel
]

SKY = ["s" * 16] * 16

# The ground's texture, in the coordinates of a ground cell (the walls bank
# uses it too, shifted by half a tile).
DIRT = [
    "dddddddddddddddd",
    "ddDdddddddddDddd",
    "dDDddddddddddddd",
    "ddddddddDddddddd",
    "dddddddDDDdddddd",
    "dddddddddddddDdd",
    "ddddDdddddddDDdd",
    "dddDDddddddddddd",
    "dddddddddDdddddd",
    "dDdddddddDDddddd",
    "dddddddddddddddD",
    "ddddddDdddddddDD",
    "dddddDDddddddddd",
    "dddddddddddDdddd",
    "ddDdddddddDDdddd",
    "dddddddddddddddd",
]

COIN = [
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssKKKKssssss",
    "ssssKKyyyyKKssss",
    "sssKyywwyyyyKsss",
    "sssKywwyYYyyKsss",
    "ssKyywyyYyyyyKss",
    "ssKyywyyYyyyyKss",
    "ssKyyyyyYyyyyKss",
    "ssKyyyyyYyyyYKss",
    "sssKyyyYYyyYKsss",
    "sssKyyyyyyYYKsss",
    "ssssKKYYYYKKssss",
    "ssssssKKKKssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
]

SPIKE = [  # half a tile wide, the lower half of a tile high
    "sssKKsss",
    "sssKKsss",
    "ssKwSKss",
    "ssKwSKss",
    "sKwwSSKs",
    "sKwSSSKs",
    "KwwSSSSK",
    "KKKKKKKK",
]
SPIKES = ["s" * 16] * 8 + [row + row for row in SPIKE]

CLOUD_LEFT = [
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "sssssssssswwwwss",
    "ssssssssswwwwwws",
    "sssssswwwwwwwwww",
    "sssswwwwwwwwwwww",
    "ssswwwwwwwwwwwww",
    "sswwwwwwwwwwwwww",
    "sswwwwwwwwwwwwww",
    "swwwwwwwwwwwwwww",
    "swwwwwwwwwwwwwww",
    "sccwwwwwwwwwwwww",
    "ssccccccccccccwc",
    "ssssssssssssssss",
    "ssssssssssssssss",
]

CLOUD_RIGHT = [
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "sswwwwssssssssss",
    "swwwwwwwssssssss",
    "wwwwwwwwwwssssss",
    "wwwwwwwwwwwsssss",
    "wwwwwwwwwwwwssss",
    "wwwwwwwwwwwwwsss",
    "wwwwwwwwwwwwwsss",
    "wwwwwwwwwwwwwwss",
    "wwwwwwwwwwwwwccs",
    "wwwwwwwwwwwwccss",
    "cccwcccccccccsss",
    "ssssssssssssssss",
    "ssssssssssssssss",
]

BUSH = [
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssGGGGssssss",
    "ssssGGllggGGssss",
    "sssGglllgggggGss",
    "ssGgllggggggggGs",
    "sGggggggggggggGs",
    "sGgggggggggggggG",
    "GggggggggggggggG",
    "GgggGgggggGggggG",
    "GGGGGGGGGGGGGGGG",
]

POLE = ["ssssssKwSKssssss"] * 16

FLAG = [
    "ssssssKKKKssssss",
    "sssssKyyyyKsssss",
    "sssssKyyyYKsssss",
    "ssssssKKKKssssss",
    "ssssssKwSKKKKsss",
    "ssssssKwSKrrrKKs",
    "ssssssKwSKrrrrrK",
    "ssssssKwSKrrrrrK",
    "ssssssKwSKrrrKKs",
    "ssssssKwSKKKKsss",
    "ssssssKwSKssssss",
    "ssssssKwSKssssss",
    "ssssssKwSKssssss",
    "ssssssKwSKssssss",
    "ssssssKwSKssssss",
    "ssssssKwSKssssss",
]

CRATE = [
    "KKKKKKKKKKKKKKKK",
    "KddddddddddddddK",
    "KdDDDDDDDDDDDDdK",
    "KdDddDDDDDDddDdK",
    "KdDDddDDDDddDDdK",
    "KdDDDddDDddDDDdK",
    "KdDDDDddddDDDDdK",
    "KdDDDDDddDDDDDdK",
    "KdDDDDDddDDDDDdK",
    "KdDDDDddddDDDDdK",
    "KdDDDddDDddDDDdK",
    "KdDDddDDDDddDDdK",
    "KdDddDDDDDDddDdK",
    "KdDDDDDDDDDDDDdK",
    "KddddddddddddddK",
    "KKKKKKKKKKKKKKKK",
]

FLOWERS = [
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssssssssssssssss",
    "ssrsssssssswssss",
    "srYrsssssswYwsss",
    "ssrsssssssswssss",
    "ssGsssGssssGssss",
    "sGGssGsGsssGGsss",
    "GGgGGgGGgGGGgGGG",
]

# The hero, facing right (the game mirrors it to walk left).
HERO_STAND = [
    "................",
    ".....KKKKK......",
    "....KrrrrrKK....",
    "....KrrrrrrrK...",
    "....KnnnKnK.....",
    "....KnnnnnnK....",
    ".....KnnnnK.....",
    "....KKrrrrKK....",
    "...KnKrrrrKnK...",
    "...KnKrrrrKnK...",
    "....KKbbbbKK....",
    ".....KbbbbK.....",
    ".....KbKKbK.....",
    ".....KbKKbK.....",
    "....KDDKKDDK....",
    "....KKKKKKKK....",
]

HERO_STEP = HERO_STAND[:12] + [
    "....KbKKKKbK....",
    "...KbK....KbK...",
    "..KDDK....KDDK..",
    "..KKKK....KKKK..",
]

HERO_PASS = HERO_STAND[:7] + [
    "....KKrrrrKK....",
    "....KnrrrrnK....",
    "....KnKrrKnK....",
    "....KKbbbbKK....",
    ".....KbbbbK.....",
    "......KbbK......",
    "......KbbK......",
    ".....KDDDDK.....",
    ".....KKKKKK.....",
]

HERO_JUMP = [
    "................",
    ".....KKKKK......",
    "....KrrrrrKK....",
    "....KrrrrrrrK...",
    "..K.KnnnKnK.K...",
    ".KnKKnnnnnnKnK..",
    "..KnKKnnnnKKnK..",
    "...KKrrrrrrKK...",
    ".....KrrrrK.....",
    ".....KrrrrK.....",
    "....KKbbbbKK....",
    "....KbbbbbbK....",
    "...KbbK..KbbK...",
    "..KDDK....KDDK..",
    "..KKK......KKK..",
    "................",
]


def platformer_tiles():
    tiles = [SKY, DIRT, COIN, SPIKES, CLOUD_LEFT, CLOUD_RIGHT, BUSH, POLE, FLAG,
             CRATE, FLOWERS, HERO_STAND, HERO_STEP, HERO_PASS, HERO_JUMP]
    return tiles + [EMPTY] * (16 - len(tiles))


WALLS_PALETTE = [
    (".", TRANSPARENT),
    ("d", (156, 100, 56)),
    ("D", (104, 64, 40)),
    ("K", (30, 24, 40)),
    ("g", (80, 196, 72)),
    ("G", (32, 120, 56)),
    ("l", (160, 232, 120)),
]


def wall_piece(mask):
    """The walls bank's tile `mask`, a corner where four cells meet: bit 0
    the cell up-left, 1 up-right, 2 down-left, 3 down-right is ground. Each
    quarter of the tile is a quarter of one of those cells: dirt, grass on
    top where the cell above is open, a dark rim where a side is open, and
    rounded outer corners."""
    rows = []
    for y in range(16):
        row = ""
        for x in range(16):
            q = (y >= 8) * 2 + (x >= 8)
            if not mask >> q & 1:
                row += "."
                continue
            side = 99     # how far the nearest open side is (pixels)
            if x < 8 and not mask >> (q + 1) & 1:
                side = 7 - x
            elif x >= 8 and not mask >> (q - 1) & 1:
                side = x - 8
            top = y - 8 if y >= 8 and not mask >> (q - 2) & 1 else 99
            bottom = 7 - y if y < 8 and not mask >> (q + 2) & 1 else 99
            edge = min(top, bottom)
            cx = (x + 8) % 16
            if side + edge < 2:
                row += "."                          # the rounded-off corner
            elif side + edge == 2 or side == 0 or edge == 0:
                row += "G" if top <= 3 else "K"     # the rim
            elif top == 1:
                row += "l"
            elif top == 2:
                row += "g"
            elif top == 3:
                row += "gG"[cx & 1]
            elif top == 4 and cx % 4 == 1:
                row += "G"
            elif side == 1 or bottom == 1:
                row += "D"
            else:
                row += DIRT[(y + 8) % 16][cx]
        rows.append(row)
    return rows


def walls_tiles():
    return [wall_piece(mask) for mask in range(16)]


# The level: one character a cell, each a tile of tiles.bmp. The level picture
# stores the tile numbers as its pixels' colour indices; its palette only
# helps to see and edit it in a paint program.
LEVEL_TILES = {
    " ": (0, (124, 192, 255)),   # sky
    "#": (1, (156, 100, 56)),    # ground (drawn by the walls layer)
    "o": (2, (255, 214, 48)),    # coin
    "^": (3, (168, 168, 184)),   # spikes
    "(": (4, (255, 255, 255)),   # cloud, left half
    ")": (5, (220, 232, 250)),   # cloud, right half
    "*": (6, (32, 120, 56)),     # bush
    "|": (7, (90, 90, 100)),     # flag pole
    "F": (8, (224, 56, 56)),     # flag
    "B": (9, (104, 64, 40)),     # crate (solid)
    ",": (10, (255, 150, 200)),  # flowers
}

LEVEL = [
    #          1         2         3         4       (column)
    #012345678901234567890123456789012345678901234567
    "                                                ",  # 0
    "    ()                  ()              ()      ",  # 1
    "              ()                                ",  # 2
    "                                             F  ",  # 3
    "                                     ,oo ^^  | *",  # 4
    "                                    ############",  # 5
    "                                o o ############",  # 6
    "                                BBB ############",  # 7
    "                            o o     ############",  # 8
    "         oo                 BBB     ############",  # 9
    "     ooo               o ,          ############",  # 10
    "     BBB       oo     #####         ############",  # 11
    "                    #######         ############",  # 12
    "  *         *  ^^, ########    *  , ############",  # 13
    "#########  #####################################",  # 14
    "#########  #####################################",  # 15
]


def level_picture():
    rows = [[LEVEL_TILES[c][0] for c in line] for line in LEVEL]
    palette = [None] * 16
    for number, color in LEVEL_TILES.values():
        palette[number] = color
    used = max(n for n, _ in LEVEL_TILES.values()) + 1
    return rows, palette[:used]


# ===================================================================== shooter

SPRITES_PALETTE = [
    (".", TRANSPARENT),
    ("K", (16, 16, 32)),
    ("w", (255, 255, 255)),
    ("S", (170, 180, 204)),   # hull
    ("D", (90, 100, 132)),    # hull, dark
    ("b", (60, 120, 255)),
    ("c", (120, 230, 255)),
    ("r", (240, 60, 60)),
    ("R", (150, 30, 40)),
    ("o", (255, 150, 40)),
    ("y", (255, 236, 80)),
    ("g", (90, 230, 90)),
    ("G", (30, 140, 70)),
    ("p", (200, 100, 255)),
    ("P", (110, 50, 170)),
    ("m", (255, 120, 200)),
]

SHIP = [
    ".......ww.......",
    ".......ww.......",
    "......wccw......",
    "......wccw......",
    ".....wSbbSw.....",
    ".....SSbbSS.....",
    "..r..SSSSSS..r..",
    "..S.SSSDDSSS.S..",
    ".SS.SSDbbDSS.SS.",
    ".SSSSSDbbDSSSSS.",
    "SSSSSSSDDSSSSSSS",
    "SDDSSSSSSSSSSDDS",
    "D...DSSSSSSD...D",
    ".....DooooD.....",
    "......oyyo......",
    ".......yy.......",
]

LASER = [
    "................",
    "................",
    ".......ww.......",
    ".......ww.......",
    ".......yy.......",
    ".......yy.......",
    ".......yy.......",
    ".......yy.......",
    ".......yy.......",
    ".......oo.......",
    ".......oo.......",
    "................",
    "................",
    "................",
    "................",
    "................",
]

BOMB = [
    "................",
    "................",
    "................",
    "................",
    "................",
    ".......rr.......",
    "......rmmr......",
    "......rmwr......",
    "......rmmr......",
    "......RrrR......",
    ".......RR.......",
    "................",
    "................",
    "................",
    "................",
    "................",
]

BUG_A = [
    "................",
    "................",
    "....G......G....",
    ".....G....G.....",
    "....GggggggG....",
    "...GggwggwggG...",
    "...GggKggKggG...",
    "..GggggggggggG..",
    "..GgGggggggGgG..",
    "..Gg.GggggG.gG..",
    "..G..G.GG.G..G..",
    ".....G....G.....",
    "................",
    "................",
    "................",
    "................",
]

BUG_B = [
    "................",
    "................",
    "...G........G...",
    "....G......G....",
    "....GggggggG....",
    "...GggwggwggG...",
    "...GggKggKggG...",
    "..GggggggggggG..",
    "..GgGggggggGgG..",
    "..Gg.GggggG.gG..",
    "...G.G....G.G...",
    "..G..........G..",
    "................",
    "................",
    "................",
    "................",
]

CRAB_A = [
    "................",
    "................",
    "................",
    "......PPPP......",
    "....PPppppPP....",
    "...PppppppppP...",
    "..PppwKppwKppP..",
    "..PppppppppppP..",
    "...PPpPPPPpPP...",
    "..P..P....P..P..",
    ".P..P......P..P.",
    "................",
    "................",
    "................",
    "................",
    "................",
]

CRAB_B = CRAB_A[:9] + [
    "...P.P....P.P...",
    "...PP......PP...",
] + CRAB_A[11:]

SAUCER_A = [
    "................",
    "................",
    "................",
    "......cccc......",
    ".....cwcccc.....",
    "....RRRRRRRR....",
    "..RrrrrrrrrrrR..",
    ".RryrryrryrryrR.",
    "..RRrrrrrrrrRR..",
    "....RR....RR....",
    "....o......o....",
    "................",
    "................",
    "................",
    "................",
    "................",
]

SAUCER_B = SAUCER_A[:7] + [
    ".RrrryrryrryrrR.",
    "..RRrrrrrrrrRR..",
    "....RR....RR....",
    "...o........o...",
] + SAUCER_A[11:]


def explosion(step):
    """Frame `step` (0..2) of a burst: a hot core, then a growing ring of
    sparks. Made from the distance to the tile's centre."""
    rows = []
    for y in range(16):
        row = ""
        for x in range(16):
            d = (2 * x - 15) ** 2 + (2 * y - 15) ** 2    # 4 x distance squared
            spark = (x * 3 + y * 5) % 7 == 0
            if step == 0:
                c = "w" if d < 20 else "y" if d < 52 else "o" if d < 90 and spark else "."
            elif step == 1:
                c = "y" if d < 30 else "o" if d < 110 else "r" if d < 180 and spark else "."
            else:
                c = ("r" if (x + y) % 2 else "o") if 120 < d < 230 and spark else \
                    "R" if 60 < d < 120 and (x + 2 * y) % 5 == 0 else "."
            row += c
        rows.append(row)
    return rows


def sprites_tiles():
    tiles = [SHIP, EMPTY, LASER, BOMB, BUG_A, BUG_B, CRAB_A, CRAB_B,
             SAUCER_A, SAUCER_B, explosion(0), explosion(1), explosion(2)]
    return tiles + [EMPTY] * (16 - len(tiles))


SPACE_PALETTE = [
    ("k", (4, 4, 20)),        # space
    ("w", (255, 255, 255)),
    ("S", (150, 160, 196)),   # star, grey
    ("D", (70, 80, 124)),     # star, dim
    ("y", (255, 240, 150)),   # star, warm
    ("c", (140, 200, 255)),   # planet, lit
    ("b", (60, 92, 204)),     # planet
    ("B", (28, 40, 112)),     # planet, shadow
    ("o", (232, 164, 92)),    # ring
    ("O", (150, 92, 52)),     # ring, dark
]

SPACE = ["k" * 16] * 16

STAR_SMALL = [
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkSkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
]

STARS_DIM = [
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkDkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkDkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkSkkkkkk",
    "kkkkkkkkkkkkkkkk",
]

STAR_BRIGHT = [
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkDkkkkkkkk",
    "kkkkkkkSkkkkkkkk",
    "kkkkkkkwkkkkkkkk",
    "kkkkDSwwwSDkkkkk",
    "kkkkkkkwkkkkkkkk",
    "kkkkkkkSkkkkkkkk",
    "kkkkkkkDkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
]

STAR_WARM = [
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkykkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkDkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkk",
]


def planet():
    """A ringed planet, 32x32: four tiles (up-left, up-right, down-left,
    down-right). The tilted ring passes behind the planet above its middle
    and in front of it below."""
    rows = []
    for y in range(32):
        row = ""
        for x in range(32):
            dx = 2 * x - 31                     # twice the distance to the centre
            dy = 2 * y - 31
            body = dx * dx + dy * dy < 19 * 19
            tilt = 3 * dy + dx                  # the ring's plane leans to the right
            ring = dx * dx + tilt * tilt
            in_ring = 23 * 23 <= ring <= 30 * 30 and not (body and tilt < 0)
            if in_ring:
                row += "O" if ring > 28 * 28 or ring < 24 * 24 else "o"
            elif body:
                light = dx + dy                 # lit from up-left
                row += "c" if light < -16 else "b" if light < 10 else "B"
            else:
                row += "k"
        rows.append(row)
    return [[r[x:x + 16] for r in rows[y:y + 16]] for y in (0, 16) for x in (0, 16)]


def space_tiles():
    tiles = [SPACE, STAR_SMALL, STARS_DIM, STAR_BRIGHT, STAR_WARM] + planet()
    return tiles + [SPACE] * (16 - len(tiles))


# ====================================================================== sounds

RATE = 8000


def tone(start_hz, end_hz, ms, volume, duty=50):
    """A square wave sliding from start_hz to end_hz, fading out linearly;
    8-bit unsigned samples (128 is silence)."""
    n = RATE * ms // 1000
    out = bytearray()
    phase = 0
    for i in range(n):
        hz = start_hz + (end_hz - start_hz) * i // n
        phase = (phase + hz * 65536 // RATE) & 0xFFFF
        amp = volume * (n - i) // n
        out.append(128 + (amp if phase < duty * 65536 // 100 else -amp))
    return out


def noise(ms, volume, hold=1):
    """White noise from a 15-bit shift register, each value held `hold`
    samples (a lower rumble when larger), fading out."""
    n = RATE * ms // 1000
    out = bytearray()
    lfsr = 0x4A5D
    value = 0
    for i in range(n):
        if i % hold == 0:
            bit = (lfsr ^ (lfsr >> 1)) & 1
            lfsr = (lfsr >> 1) | (bit << 14)
            value = (lfsr & 0xFF) - 128
        amp = volume * (n - i) // n
        out.append(128 + value * amp // 128)
    return out


def notes(*parts):
    """Tones one after the other: (hz, ms) pairs at one volume."""
    out = bytearray()
    for hz, ms in parts:
        out += tone(hz, hz, ms, 44, 25)
    return out


SOUNDS = {
    "platformer/jump.wav": lambda: tone(260, 820, 140, 40),
    "platformer/coin.wav": lambda: notes((988, 60), (1319, 160)),
    "platformer/ouch.wav": lambda: tone(420, 90, 360, 50),
    "platformer/win.wav": lambda: notes((523, 110), (659, 110), (784, 110), (1047, 300)),
    "shooter/shot.wav": lambda: tone(1500, 400, 110, 36),
    "shooter/boom.wav": lambda: noise(320, 80, 3),
    "shooter/hurt.wav": lambda: tone(320, 70, 420, 56),
    "shooter/win.wav": lambda: notes((523, 100), (659, 100), (784, 100), (1047, 100), (784, 100),
                                     (1047, 320)),
    "shooter/lose.wav": lambda: notes((392, 160), (330, 160), (262, 160), (196, 420)),
}


# ===================================================================== writers


def palette_of(table):
    """The (r, g, b) list and the character -> index map of a palette table."""
    if len(table) > 16:
        raise ValueError("a palette has at most 16 colours")
    return [rgb for _, rgb in table], {c: i for i, (c, _) in enumerate(table)}


def bank_rows(name, tiles, table):
    """The 256 rows of colour indices of a 16-tile bank, the art checked."""
    colors, index = palette_of(table)
    if len(tiles) != 16:
        raise ValueError("%s: %d tiles, not 16" % (name, len(tiles)))
    rows = []
    for t, tile in enumerate(tiles):
        if len(tile) != 16:
            raise ValueError("%s: tile %d has %d rows, not 16" % (name, t, len(tile)))
        for y, line in enumerate(tile):
            if len(line) != 16:
                raise ValueError("%s: tile %d row %d is %d wide, not 16: %r" % (name, t, y, len(line), line))
            for c in line:
                if c not in index:
                    raise ValueError("%s: tile %d row %d: %r is not in the palette" % (name, t, y, c))
            rows.append([index[c] for c in line])
    return rows, colors


def packed_row(row):
    """4-bit pixels, two a byte, the left one in the high nibble."""
    row = list(row) + [0] * (len(row) & 1)
    return bytes(row[i] << 4 | row[i + 1] for i in range(0, len(row), 2))


def bmp_file(rows, colors):
    """A 4-bit BMP: 40-byte header, `colors` palette entries, bottom-up rows
    padded to 4 bytes."""
    width, height = len(rows[0]), len(rows)
    stride = (width + 7) // 8 * 4
    pixels = b"".join(packed_row(r).ljust(stride, b"\0") for r in reversed(rows))
    offset = 14 + 40 + 4 * len(colors)
    return (b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
            + struct.pack("<IiiHHIIiiII", 40, width, height, 1, 4, 0, len(pixels), 2835, 2835,
                          len(colors), len(colors))
            + b"".join(struct.pack("<BBBB", b, g, r, 0) for r, g, b in colors)
            + pixels)


class Bits:
    """Bits written least significant first, as deflate wants them."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, count):
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 255)
            self.acc >>= 8
            self.n -= 8

    def code(self, value, count):
        """A Huffman code: its most significant bit goes first."""
        for i in range(count - 1, -1, -1):
            self.put(value >> i & 1, 1)

    def done(self):
        if self.n:
            self.out.append(self.acc & 255)
        return bytes(self.out)


LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
               99, 115, 131, 163, 195, 227, 258]
LENGTH_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
             1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0] + [n for n in range(1, 14) for _ in (0, 1)]


def symbol(bits, value):
    """A literal/length symbol in the fixed Huffman code."""
    if value < 144:
        bits.code(0x30 + value, 8)
    elif value < 256:
        bits.code(0x190 + value - 144, 9)
    elif value < 280:
        bits.code(value - 256, 7)
    else:
        bits.code(0xC0 + value - 280, 8)


def slot(bases, value):
    """The index of the last base not above value."""
    i = 0
    while i + 1 < len(bases) and bases[i + 1] <= value:
        i += 1
    return i


def deflate(data):
    """A zlib stream of `data`: one block in the fixed Huffman code, with
    greedy LZ77 matches (the longest of the 64 latest candidates)."""
    bits = Bits()
    bits.put(1, 1)          # the last block
    bits.put(1, 2)          # fixed Huffman codes
    seen = {}
    n = len(data)

    def remember(at):
        if at + 3 <= n:
            seen.setdefault(data[at:at + 3], []).append(at)

    i = 0
    while i < n:
        best = dist = 0
        for j in reversed(seen.get(data[i:i + 3], [])[-64:]):
            if i - j > 32768:
                break
            k = 0
            while k < 258 and i + k < n and data[j + k] == data[i + k]:
                k += 1
            if k > best:
                best, dist = k, i - j
        if best >= 3:
            s = slot(LENGTH_BASE, best)
            symbol(bits, 257 + s)
            bits.put(best - LENGTH_BASE[s], LENGTH_EXTRA[s])
            s = slot(DIST_BASE, dist)
            bits.code(s, 5)
            bits.put(dist - DIST_BASE[s], DIST_EXTRA[s])
            for k in range(best):
                remember(i + k)
            i += best
        else:
            symbol(bits, data[i])
            remember(i)
            i += 1
    symbol(bits, 256)       # end of block
    stream = b"\x78\x01" + bits.done() + struct.pack(">I", zlib.adler32(data))
    if zlib.decompress(stream) != data:
        raise AssertionError("the deflate encoder is broken")
    return stream


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_file(rows, colors):
    """An indexed-colour PNG, bit depth 4, no filtering (the usual choice for
    palette pictures)."""
    width, height = len(rows[0]), len(rows)
    raw = b"".join(b"\0" + packed_row(r) for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 4, 3, 0, 0, 0))
            + png_chunk(b"PLTE", b"".join(bytes(c) for c in colors))
            + png_chunk(b"IDAT", deflate(raw))
            + png_chunk(b"IEND", b""))


def wav_file(samples):
    """8-bit mono PCM WAV at RATE samples a second."""
    return (b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE, 1, 8)
            + b"data" + struct.pack("<I", len(samples)) + bytes(samples))


# ===================================================================== the files

BANKS = {
    "bounce/tiles.bmp": (bounce_tiles, BOUNCE_PALETTE),
    "platformer/tiles.bmp": (platformer_tiles, PLATFORMER_PALETTE),
    "platformer/walls.bmp": (walls_tiles, WALLS_PALETTE),
    "shooter/sprites.png": (sprites_tiles, SPRITES_PALETTE),
    "shooter/space.bmp": (space_tiles, SPACE_PALETTE),
}


def picture_file(path, rows, colors):
    return png_file(rows, colors) if path.endswith(".png") else bmp_file(rows, colors)


def pictures():
    """{path: (rows, colors)} of every picture."""
    out = {}
    for path, (tiles, table) in BANKS.items():
        out[path] = bank_rows(path, tiles(), table)
    for line in LEVEL:
        if len(line) != len(LEVEL[0]):
            raise ValueError("level rows must all be %d wide: %r" % (len(LEVEL[0]), line))
    out["platformer/level.bmp"] = level_picture()
    return out


def all_files():
    """{path relative to examples/python: bytes} of every asset."""
    files = {path: picture_file(path, rows, colors) for path, (rows, colors) in pictures().items()}
    for path, make in SOUNDS.items():
        files[path] = wav_file(make())
    return files


def preview(directory, scale=6):
    """Writes each picture enlarged, as an RGB PNG, to look at: a bank as 4x4
    tiles (numbered left to right, top to bottom) with grey lines between
    them, transparent pixels as a dark checkerboard."""
    os.makedirs(directory, exist_ok=True)
    for path, (rows, colors) in pictures().items():
        if len(rows[0]) == 16 and len(rows) == 256:
            gap = 1
            size = 4 * 16 + 5 * gap
            grid = [[None] * size for _ in range(size)]
            for t in range(16):
                ox = gap + (t % 4) * (16 + gap)
                oy = gap + (t // 4) * (16 + gap)
                for y in range(16):
                    for x in range(16):
                        grid[oy + y][ox + x] = colors[rows[t * 16 + y][x]]
        else:
            grid = [[colors[i] for i in row] for row in rows]
        raw = bytearray()
        for y, row in enumerate(grid):
            line = bytearray([0])
            for x, rgb in enumerate(row):
                if rgb is None:
                    rgb = (128, 128, 128)
                elif rgb == TRANSPARENT:
                    rgb = (40, 40, 40) if (x // 2 + y // 2) % 2 else (70, 70, 70)
                line += bytes(rgb) * scale
            raw += bytes(line) * scale
        w, h = len(grid[0]) * scale, len(grid) * scale
        data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(bytes(raw))) + png_chunk(b"IEND", b""))
        name = os.path.join(directory, path.replace("/", "-").rsplit(".", 1)[0] + ".png")
        with open(name, "wb") as f:
            f.write(data)
        print("wrote", name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    ap.add_argument("--preview", metavar="DIR", help="also write enlarged pictures of the banks to DIR")
    args = ap.parse_args()
    files = all_files()
    if args.check:
        bad = []
        for path, data in sorted(files.items()):
            full = os.path.join(EXAMPLES, path)
            try:
                with open(full, "rb") as f:
                    if f.read() != data:
                        bad.append(path + " differs")
            except OSError:
                bad.append(path + " is missing")
        for line in bad:
            print("make_assets.py --check: " + line)
        if bad:
            print("run examples/python/tools/make_assets.py to rewrite them")
            return 1
        print("make_assets.py --check: %d files up to date" % len(files))
        return 0
    for path, data in sorted(files.items()):
        full = os.path.join(EXAMPLES, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        print("wrote %s (%d bytes)" % (os.path.relpath(full), len(data)))
    if args.preview:
        preview(args.preview)
    return 0


if __name__ == "__main__":
    sys.exit(main())
