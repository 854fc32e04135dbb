# Platformer: run and jump through a level bigger than the screen, pick up
# the coins and reach the flag.
#
#   LEFT, RIGHT   run
#   X (or UP)     jump; hold it longer to jump higher
#
# The level is a picture, level.bmp: 48x16 pixels of 16 colours, and the
# colour number of each pixel is the tile of that cell (see
# tools/make_assets.py). A 4-bit BMP stores its pixels the way a Grid stores
# its tiles, two a byte, so stage.BMP16 reads it straight into the Grid.
#
# The ground is drawn by a WallGrid laid over the level: it puts one of 16
# corner pieces of walls.bmp wherever four cells meet, chosen by which of
# them are ground, which gives the ground round edges and grass on top.
#
# The screen is a window on the level: game.vx, game.vy are the level
# coordinates of its top-left corner, and every layer stays at its place in
# the level. To scroll, change vx, vy and redraw everything (render_block()).

import stage
import ugame

# Tiles of tiles.bmp: the cells of the level...
SKY = 0
GROUND = 1
COIN = 2
SPIKES = 3
POLE = 7
FLAG = 8
CRATE = 9
# ...and the hero.
STAND = 11
STEP = 12
PASS = 13
JUMP = 14

SOLID = (GROUND, CRATE)     # cells the hero can't go through

# The hero's feet start on the ground at column 1, row 13 of the level.
START_X = 1 * 16
START_Y = 13 * 16

# Movement. Heights are counted in quarter pixels, so that gravity can be
# gentler than one pixel per frame per frame.
RUN = 3                     # pixels a frame
GRAVITY = 1                 # quarter pixels a frame, added every frame
JUMP_SPEED = 21             # quarter pixels a frame, upwards: 57 px high
SHORT_JUMP = 6              # the speed left when X is let go early
MAX_FALL = 20               # quarter pixels a frame (5 px: less than a tile)

# The part of the 16x16 sprite that collides: x 3..12, y 2..15.
BOX_LEFT = 3
BOX_RIGHT = 12
BOX_TOP = 2
BOX_BOTTOM = 15

game = stage.Stage(ugame.display, 30)
tiles = stage.Bank.from_bmp16("tiles.bmp")
walls = stage.Bank.from_bmp16("walls.bmp")

picture = stage.BMP16("level.bmp")
picture.read_header()       # reads the size
level = stage.Grid(tiles, picture.width, picture.height, buffer=picture.read_data())
ground = stage.WallGrid(level, (GROUND,), walls)
LEVEL_WIDTH = level.width * 16
LEVEL_HEIGHT = level.height * 16

hud = stage.Text(16, 1)         # the coin counter, top-left of the screen
message = stage.Text(12, 2)     # "YOU WIN!", near the top of the screen


def solid(x, y):
    """Whether the level point (x, y) is inside a wall. The sides of the
    level are walls too; above and below it there is only sky."""
    if x < 0 or x >= LEVEL_WIDTH:
        return True
    return level.tile(x // 16, y // 16) in SOLID


def count_coins():
    total = 0
    for y in range(level.height):
        for x in range(level.width):
            if level.tile(x, y) == COIN:
                total += 1
    return total


class Hero(stage.Sprite):
    def __init__(self):
        super().__init__(tiles, STAND, START_X, START_Y)
        self.restart()

    def restart(self):
        self.move(START_X, START_Y)
        self.y4 = START_Y * 4       # the height in quarter pixels
        self.speed = 0              # vertical, in quarter pixels a frame
        self.on_ground = True
        self.facing = 0             # the rotation: 0 right, 4 mirrored (left)
        self.walked = 0             # frames spent walking, for the animation

    def run(self, dx):
        """Moves dx pixels sideways, stopping against walls."""
        x = self.x + dx
        edge = x + (BOX_RIGHT if dx > 0 else BOX_LEFT)
        if solid(edge, self.y + BOX_TOP) or solid(edge, self.y + BOX_BOTTOM):
            # Stop right next to the wall's cell.
            if dx > 0:
                x = edge // 16 * 16 - BOX_RIGHT - 1
            else:
                x = (edge // 16 + 1) * 16 - BOX_LEFT
        self.move(x, self.y)

    def fall(self):
        """Moves up or down by the current speed, landing on floors and
        bumping into ceilings."""
        if self.on_ground and self.speed >= 0:
            self.speed = 0
        else:
            self.speed = min(self.speed + GRAVITY, MAX_FALL)
        self.y4 += self.speed
        y = self.y4 // 4
        left = self.x + BOX_LEFT
        right = self.x + BOX_RIGHT
        if self.speed > 0:
            feet = y + BOX_BOTTOM
            if solid(left, feet) or solid(right, feet):
                y = feet // 16 * 16 - BOX_BOTTOM - 1    # stand on that cell
                self.speed = 0
                self.y4 = y * 4
        elif self.speed < 0:
            head = y + BOX_TOP
            if solid(left, head) or solid(right, head):
                y = (head // 16 + 1) * 16 - BOX_TOP     # just under that cell
                self.speed = 0
                self.y4 = y * 4
        self.on_ground = solid(left, y + BOX_BOTTOM + 1) or solid(right, y + BOX_BOTTOM + 1)
        self.move(self.x, y)

    def animate(self, moving):
        if not self.on_ground:
            frame = JUMP
        elif moving:
            self.walked += 1
            frame = (STEP, STAND, PASS, STAND)[self.walked // 3 % 4]
        else:
            self.walked = 0
            frame = STAND
        self.set_frame(frame, self.facing)

    def touches(self, tile):
        """The level cell of `tile` that the middle of the hero is in, or None."""
        x = self.x + 8
        for y in (self.y + 4, self.y + 12):
            if level.tile(x // 16, y // 16) == tile:
                return x // 16, y // 16
        return None


def follow(hero):
    """Scrolls so that the hero stays in the middle part of the screen.
    Returns True when the view moved (then everything must be redrawn)."""
    vx = min(max(game.vx, hero.x - (game.width - 64)), hero.x - 48)
    vy = min(max(game.vy, hero.y - (game.height - 48)), hero.y - 16)
    vx = max(0, min(vx, LEVEL_WIDTH - game.width))
    vy = max(0, min(vy, LEVEL_HEIGHT - game.height))
    if vx == game.vx and vy == game.vy:
        return False
    game.vx = vx
    game.vy = vy
    place_texts()
    return True


def place_texts():
    """The texts stay on the screen: they move with the view."""
    hud.move(game.vx, game.vy)
    message.move(game.vx + (game.width - 12 * 8) // 2, game.vy + 20)


def show_coins():
    hud.clear()                 # "COINS 9/14" is shorter than "COINS 10/14"
    hud.cursor(0, 0)
    hud.text("COINS %d/%d" % (coins, total))
    game.render_block(game.vx, game.vy, game.vx + 16 * 8, game.vy + 8)


def play_sound(name):
    ugame.audio.play(open(name, "rb"))


ugame.audio.mute(False)         # CircuitPython boards start with the sound off
hero = Hero()
game.layers = [hud, message, hero, ground, level]
total = count_coins()

while True:
    # A new game: the level as in the picture (the coins come back), the
    # hero at the start, the view at the bottom-left of the level.
    picture.read_data(level.buffer)
    coins = 0
    hero.restart()
    message.clear()
    game.vx = 0
    game.vy = LEVEL_HEIGHT - game.height
    follow(hero)
    place_texts()
    game.render_block()
    show_coins()
    held = 0
    won = False

    while True:
        keys = ugame.buttons.get_pressed()
        pressed = keys & ~held      # the keys that went down just now
        held = keys

        dx = 0
        if won:
            if pressed & ugame.K_X:
                break               # play again
        else:
            if keys & ugame.K_LEFT:
                dx = -RUN
                hero.facing = 4
            elif keys & ugame.K_RIGHT:
                dx = RUN
                hero.facing = 0
            if dx:
                hero.run(dx)
            if pressed & (ugame.K_X | ugame.K_UP) and hero.on_ground:
                hero.speed = -JUMP_SPEED
                hero.on_ground = False
                play_sound("jump.wav")
            elif not keys & (ugame.K_X | ugame.K_UP) and hero.speed < -SHORT_JUMP:
                hero.speed = -SHORT_JUMP    # let go early: a lower jump
        hero.fall()
        hero.animate(dx != 0)

        cell = hero.touches(COIN)
        if cell:
            x, y = cell
            level.tile(x, y, SKY)
            game.render_block(x * 16, y * 16, x * 16 + 16, y * 16 + 16)
            coins += 1
            show_coins()
            play_sound("coin.wav")

        if hero.touches(SPIKES) or hero.y > LEVEL_HEIGHT:
            play_sound("ouch.wav")
            hero.restart()          # back to the start, the coins stay taken

        if not won and (hero.touches(POLE) or hero.touches(FLAG)):
            won = True              # the hero stops running and lands
            message.cursor(0, 0)
            message.text("  YOU WIN!\n")
            message.text("  PRESS X", True)   # True: highlighted
            game.render_block(message.x, message.y, message.x + 12 * 8, message.y + 16)
            play_sound("win.wav")

        if follow(hero):
            # The view moved: redraw the whole screen. render_sprites()
            # remembers where it drew each sprite, to erase it there next
            # time; calling it now makes that the hero's new place.
            game.render_block()
        game.render_sprites([hero])
        game.tick()
