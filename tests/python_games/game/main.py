# A tiny stage game for the runner tests: a sprite on a walled field, moved by
# the arrow keys; X plays a sound; O ends the game. The title row shows the
# frame count. No assets besides beep.wav: the bank is made here.
import array

import stage
import ugame

# palette: 0 dark blue, 1 green, 2 red, 3 yellow, 15 transparent
COLORS = {0: (0, 0, 128), 1: (0, 200, 0), 2: (255, 0, 0), 3: (255, 255, 0), 15: (255, 0, 255)}


def make_bank():
    palette = array.array("H", [0] * 16)
    for i, (r, g, b) in COLORS.items():
        c = stage.color565(r, g, b)
        palette[i] = ((c << 8) | (c >> 8)) & 0xFFFF
    graphic = bytearray(2048)
    for tile, color in ((0, 0), (1, 1)):
        for i in range(128):
            graphic[tile * 128 + i] = color << 4 | color
    # tile 2: a red 8x8 square in the middle of a transparent 16x16 tile
    for y in range(16):
        for x in range(0, 16, 2):
            a = 2 if 4 <= x < 12 and 4 <= y < 12 else 15
            b = 2 if 4 <= x + 1 < 12 and 4 <= y < 12 else 15
            graphic[256 + y * 8 + x // 2] = a << 4 | b
    return stage.Bank(graphic, palette)


bank = make_bank()
game = stage.Stage(ugame.display, 12)
grid = stage.Grid(bank, game.width // 16, game.height // 16)
for x in range(grid.width):
    grid.tile(x, 0, 1)
    grid.tile(x, grid.height - 1, 1)
for y in range(grid.height):
    grid.tile(0, y, 1)
    grid.tile(grid.width - 1, y, 1)
sprite = stage.Sprite(bank, 2, 56, 56)
title = stage.Text(12, 1)
title.move(16, 16)
game.layers = [title, sprite, grid]
ugame.audio.mute(False)

frame = 0
held = 0
while True:
    title.cursor(0, 0)
    title.text("FRAME %d" % frame)
    if frame == 0:
        game.render_block()
    else:
        game.render_block(16, 16, 16 + 12 * 8, 24)
    keys = ugame.buttons.get_pressed()
    if keys & ugame.K_O:
        break
    if keys & ugame.K_X and not held & ugame.K_X:
        ugame.audio.play(open("beep.wav", "rb"))
    held = keys
    x, y = sprite.x, sprite.y
    if keys & ugame.K_LEFT:
        x -= 2
    if keys & ugame.K_RIGHT:
        x += 2
    if keys & ugame.K_UP:
        y -= 2
    if keys & ugame.K_DOWN:
        y += 2
    sprite.move(x, y)
    game.render_sprites([sprite])
    game.tick()
    frame += 1
