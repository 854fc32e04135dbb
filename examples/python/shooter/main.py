# Star Patrol: twelve aliens sweep across the sky, dropping bombs. Shoot
# them all before they come down to your ship.
#
#   LEFT, RIGHT   move the ship
#   X             fire (hold it to keep firing)
#
# Shows: a bank loaded from a PNG picture (sprites.png) and one from a BMP
# (space.bmp), many sprites redrawn each frame by one render_sprites() call,
# collisions with stage.collide(), sounds, a score, a title screen, winning
# and losing.

import random

import stage
import ugame

# Tiles of sprites.png.
SHIP = 0
NOTHING = 1         # an empty tile: the ship blinks with it after a hit
LASER = 2
BOMB = 3
ALIENS = (8, 6, 4)  # saucers, crabs and bugs, one kind a row from the top;
                    # the tile after each is its second animation frame
BOOM = 10           # 10, 11, 12: an explosion, one tile after the other

# Tiles of space.bmp.
STARS = (1, 2, 3, 4)
PLANET = 5          # 5, 6, 7, 8: a planet of 2x2 tiles

ROWS = 3
COLUMNS = 4
POINTS = (30, 20, 10)   # for an alien of each row
LIVES = 3
OFF = -32               # sprites not in use wait above the screen
LASER_SPEED = 5
BOMB_SPEED = 2
RELOAD = 8              # frames between two shots
SAFE = 45               # frames the ship can't be hit after a hit

game = stage.Stage(ugame.display, 30)
sprites = stage.Bank.from_image("sprites.png")
space = stage.Bank.from_bmp16("space.bmp")

# The sky: a few stars at random and a planet.
sky = stage.Grid(space, game.width // 16, game.height // 16)
for y in range(sky.height):
    for x in range(sky.width):
        n = random.getrandbits(3)
        sky.tile(x, y, STARS[n] if n < len(STARS) else 0)
planet_x = sky.width - 3
sky.tile(planet_x, 2, PLANET)
sky.tile(planet_x + 1, 2, PLANET + 1)
sky.tile(planet_x, 3, PLANET + 2)
sky.tile(planet_x + 1, 3, PLANET + 3)

hud = stage.Text(game.width // 8, 1)    # score and lives, on the top line
message = stage.Text(16, 5)             # the title and the end of a game
message.move((game.width - 16 * 8) // 2, 48)


class Alien(stage.Sprite):
    def __init__(self, row, column):
        super().__init__(sprites, ALIENS[row], 0, OFF)
        self.row = row
        self.column = column
        self.alive = False
        self.boom = 0           # frames of explosion left

    def place(self, x, y, flap):
        """Puts the alien at its place in the formation whose top-left
        corner is (x, y); `flap` picks the animation frame."""
        if self.alive:
            self.set_frame(ALIENS[self.row] + flap)
            self.move(x + self.column * 24, y + self.row * 18)
        elif self.boom:
            self.boom -= 1
            if self.boom:
                self.set_frame(BOOM + 2 - self.boom // 4)
            else:
                self.move(self.x, OFF)      # the explosion is over

    def hit(self):
        self.alive = False
        self.boom = 12
        self.set_frame(BOOM)


ship = stage.Sprite(sprites, SHIP, 0, 0)
lasers = [stage.Sprite(sprites, LASER, 0, OFF) for i in range(2)]
bombs = [stage.Sprite(sprites, BOMB, 0, OFF) for i in range(3)]
aliens = [Alien(row, column) for row in range(ROWS) for column in range(COLUMNS)]
movers = [ship] + lasers + bombs + aliens   # what render_sprites redraws
game.layers = [hud, message] + movers + [sky]


def play_sound(name):
    ugame.audio.play(open(name, "rb"))


def show_hud(score, lives):
    # The score on the left, the lives on the right, spaces between.
    # (cursor() can't put the lives there: like the original stage's, it
    # keeps the column below the text's height, which is 1 here.)
    hud.cursor(0, 0)
    hud.text("%04d" % score + " " * (hud.width - 11) + "LIVES %d" % lives)
    game.render_block(0, 0, game.width, 8)


def show_message(lines):
    """Writes up to 5 lines in the middle of the screen, each centred."""
    message.clear()
    for row, line in enumerate(lines):
        message.cursor(0, row)
        # The second argument highlights the text: only the first line.
        message.text(" " * ((16 - len(line)) // 2) + line, row == 0)
    game.render_block(message.x, message.y, message.x + 16 * 8, message.y + 5 * 8)


def wait_for_x():
    """Waits until X is pressed (and was not held before)."""
    held = True
    while True:
        keys = ugame.buttons.get_pressed()
        if keys & ugame.K_X and not held:
            return
        held = keys & ugame.K_X
        game.tick()


def lowest_alien(column):
    """The living alien nearest the ground in a column, or None."""
    for alien in reversed(aliens):
        if alien.alive and alien.column == column:
            return alien
    return None


def play():
    """One game. Returns (won, score): won is True when the aliens are all
    gone, False when they land or the ship is hit once too often."""
    score = 0
    lives = LIVES
    left = len(aliens)
    fx = (game.width - (COLUMNS * 24 - 8)) // 2   # the formation's corner
    fy = 16
    step = 1                                      # its direction
    reload = 0
    safe = 0
    for alien in aliens:
        alien.alive = True
        alien.boom = 0
    for sprite in lasers + bombs:
        sprite.move(0, OFF)
    ship.move((game.width - 16) // 2, game.height - 20)
    ship.set_frame(SHIP)
    show_message(())
    show_hud(score, lives)
    frame = 0

    while True:
        frame += 1
        keys = ugame.buttons.get_pressed()

        # The ship.
        x = ship.x
        if keys & ugame.K_LEFT:
            x = max(0, x - 2)
        if keys & ugame.K_RIGHT:
            x = min(game.width - 16, x + 2)
        ship.move(x, ship.y)
        if safe:
            safe -= 1
            ship.set_frame(NOTHING if safe % 8 < 4 else SHIP)  # blink

        # Firing: a laser that is not flying goes off from the ship's nose.
        if reload:
            reload -= 1
        if keys & ugame.K_X and not reload:
            for laser in lasers:
                if laser.y == OFF:
                    laser.move(ship.x, ship.y - 10)
                    reload = RELOAD
                    play_sound("shot.wav")
                    break

        # The formation: slow while it is full, faster as it thins out. At
        # each side it turns and comes down a little.
        if frame % (1 + left // 6) == 0:
            fx += step
            edge = [alien.x for alien in aliens if alien.alive]
            if edge and (min(edge) + step < 2 or max(edge) + step > game.width - 18):
                step = -step
                fy += 4
        flap = frame // 10 % 2
        for alien in aliens:
            alien.place(fx, fy, flap)

        # Lasers fly up and hit aliens.
        for laser in lasers:
            if laser.y == OFF:
                continue
            laser.move(laser.x, laser.y - LASER_SPEED)
            if laser.y < -16:
                laser.move(laser.x, OFF)
                continue
            for alien in aliens:
                if alien.alive and stage.collide(laser.x + 7, laser.y + 2, laser.x + 8, laser.y + 10,
                                                 alien.x + 2, alien.y + 2, alien.x + 13, alien.y + 11):
                    alien.hit()
                    laser.move(laser.x, OFF)
                    left -= 1
                    score += POINTS[alien.row]
                    show_hud(score, lives)
                    play_sound("boom.wav")
                    break

        # Now and then the lowest alien of a column drops a bomb.
        if left and not random.getrandbits(4):
            alien = lowest_alien(random.getrandbits(8) % COLUMNS)
            if alien:
                for bomb in bombs:
                    if bomb.y == OFF:
                        bomb.move(alien.x, alien.y + 8)
                        break

        # Bombs fall and hit the ship.
        for bomb in bombs:
            if bomb.y == OFF:
                continue
            bomb.move(bomb.x, bomb.y + BOMB_SPEED)
            if bomb.y > game.height:
                bomb.move(bomb.x, OFF)
            elif not safe and stage.collide(bomb.x + 6, bomb.y + 5, bomb.x + 9, bomb.y + 10,
                                            ship.x + 2, ship.y + 4, ship.x + 13, ship.y + 14):
                bomb.move(bomb.x, OFF)
                lives -= 1
                safe = SAFE
                show_hud(score, lives)
                play_sound("hurt.wav")

        game.render_sprites(movers)
        game.tick()

        won = not left and not any(alien.boom for alien in aliens)
        landed = any(alien.alive and alien.y + 12 >= ship.y for alien in aliens)
        if won or landed or lives == 0:
            # Clear the sky of lasers and bombs, show the ship.
            for sprite in lasers + bombs:
                sprite.move(sprite.x, OFF)
            ship.set_frame(SHIP)
            game.render_sprites(movers)
            return won, score


ugame.audio.mute(False)         # CircuitPython boards start with the sound off
ship.move((game.width - 16) // 2, game.height - 20)
game.render_block()
show_message(("STAR PATROL", "", "SHOOT THEM ALL", "", "PRESS X TO PLAY"))
while True:
    wait_for_x()
    won, score = play()
    if won:
        play_sound("win.wav")
        show_message(("YOU WIN!", "", "SCORE %d" % score, "", "PRESS X"))
    else:
        play_sound("lose.wav")
        show_message(("GAME OVER", "", "SCORE %d" % score, "", "PRESS X"))
