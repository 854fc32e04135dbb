# Bounce: coloured balls bouncing around a brick room.
#
#   X       throw in one more ball (up to 8)
#   arrows  give every ball a push that way
#
# Shows the basics of stage: a Bank loaded from a BMP file, a Grid for the
# room, Sprites for the balls, Text on top, and the usual loop: move things,
# redraw only what moved with render_sprites(), then tick().

import random

import stage
import ugame

# Tiles of tiles.bmp (made by tools/make_assets.py).
FLOOR_DARK = 0
FLOOR_LIGHT = 1
BRICK = 2
BALLS = (3, 5, 7, 9)        # red, green, blue, yellow; the tile after each is
                            # the same ball squashed flat against the floor
MAX_BALLS = 8
MAX_SPEED = 4
SQUASH_FRAMES = 3           # how long a ball stays squashed after a bounce

game = stage.Stage(ugame.display, 30)   # at most 30 frames a second
bank = stage.Bank.from_bmp16("tiles.bmp")

# The room fills the screen: bricks all around, a checkerboard floor inside.
columns = game.width // 16
rows = game.height // 16
room = stage.Grid(bank, columns, rows)
for y in range(rows):
    for x in range(columns):
        if x == 0 or y == 0 or x == columns - 1 or y == rows - 1:
            room.tile(x, y, BRICK)
        elif (x + y) % 2:
            room.tile(x, y, FLOOR_DARK)
        else:
            room.tile(x, y, FLOOR_LIGHT)

# Where the top-left corner of a ball may go: inside the bricks.
LEFT = 16
TOP = 16
RIGHT = columns * 16 - 32
BOTTOM = rows * 16 - 32


def speed():
    """A random speed: 1 to 3 pixels a frame, either way."""
    step = 1 + random.getrandbits(8) % 3
    return step if random.getrandbits(1) else -step


class Ball(stage.Sprite):
    def __init__(self, color, x, y):
        super().__init__(bank, color, x, y)
        self.color = color
        self.dx = speed()
        self.dy = speed()
        self.squashed = 0

    def update(self):
        """Moves the ball one step, bouncing off the walls."""
        super().update()
        x = self.x + self.dx
        y = self.y + self.dy
        # The squashed tile lies on its bottom edge; the rotation turns it
        # so that the flat side touches the wall that was hit
        # (1: 90 degrees clockwise, 3: counter-clockwise, 6: upside down).
        rotation = None
        if x < LEFT:
            x = LEFT
            self.dx = -self.dx
            rotation = 1
        elif x > RIGHT:
            x = RIGHT
            self.dx = -self.dx
            rotation = 3
        if y < TOP:
            y = TOP
            self.dy = -self.dy
            rotation = 6
        elif y > BOTTOM:
            y = BOTTOM
            self.dy = -self.dy
            rotation = 0
        if rotation is not None:
            self.squashed = SQUASH_FRAMES
            self.set_frame(self.color + 1, rotation)
        elif self.squashed:
            self.squashed -= 1
            if not self.squashed:
                self.set_frame(self.color, 0)
        self.move(x, y)

    def push(self, dx, dy):
        """Speeds the ball up in the direction (dx, dy), within limits."""
        self.dx = max(-MAX_SPEED, min(MAX_SPEED, self.dx + dx))
        self.dy = max(-MAX_SPEED, min(MAX_SPEED, self.dy + dy))


# The title sits on the top wall, the ball count on the bottom one.
title = stage.Text(8, 1)
title.text("BOUNCE!")
title.move((game.width - 7 * 8) // 2, 4)
status = stage.Text(10, 1)
status.move(16, game.height - 12)

balls = []


def add_ball(x, y):
    """Throws a new ball in at (x, y)."""
    color = BALLS[len(balls) % len(BALLS)]
    balls.append(Ball(color, x, y))
    # Layers are drawn front first: text, then balls, then the room.
    game.layers = [title, status] + balls + [room]
    status.clear()
    status.cursor(0, 0)
    status.text("BALLS %d" % len(balls))


# Four balls to start with, anywhere in the room.
for i in range(4):
    add_ball(LEFT + random.getrandbits(8) % (RIGHT - LEFT),
             TOP + random.getrandbits(8) % (BOTTOM - TOP))
game.render_block()         # draw the whole screen once

held = 0
while True:
    keys = ugame.buttons.get_pressed()
    pressed = keys & ~held  # keys that went down just now
    held = keys

    if pressed & ugame.K_X and len(balls) < MAX_BALLS:
        add_ball(game.width // 2 - 8, game.height // 2 - 8)    # from the middle
        game.render_block(status.x, status.y, status.x + 80, status.y + 8)
    dx = dy = 0
    if pressed & ugame.K_LEFT:
        dx = -1
    if pressed & ugame.K_RIGHT:
        dx = 1
    if pressed & ugame.K_UP:
        dy = -1
    if pressed & ugame.K_DOWN:
        dy = 1

    for ball in balls:
        if dx or dy:
            ball.push(dx, dy)
        ball.update()
    game.render_sprites(balls)  # redraw where the balls were and are now
    game.tick()
