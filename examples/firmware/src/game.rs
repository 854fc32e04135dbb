//! The demo: a walled garden with a pond, balls bouncing around it, a
//! player the d-pad moves (X turns it, O mirrors it), and two lines of
//! text counting the times a ball hit the player.

use stage_core::{FormatError, Grid, Layer, Rotation, Sprite, Text, TextChars, TileMap};
use stage_hal::buttons::Keys;

use crate::assets::{tile, Assets};

/// Screen size in pixels.
pub const SCREEN: i16 = 128;
/// Map size in 16x16 cells.
const MAP_CELLS: u16 = 8;
/// The playing field: inside the wall.
const FIELD_MIN: i16 = 16;
const FIELD_MAX: i16 = SCREEN - 16 - 16;
/// Characters per text line.
pub const LINE: usize = 16;
/// Number of balls.
pub const BALLS: usize = 3;

/// A bouncing ball.
#[derive(Clone, Copy, Debug)]
struct Ball {
    x: i16,
    y: i16,
    dx: i16,
    dy: i16,
}

impl Ball {
    fn step(&mut self) {
        self.x += self.dx;
        self.y += self.dy;
        if self.x <= FIELD_MIN || self.x >= FIELD_MAX {
            self.dx = -self.dx;
            self.x = self.x.clamp(FIELD_MIN, FIELD_MAX);
        }
        if self.y <= FIELD_MIN || self.y >= FIELD_MAX {
            self.dy = -self.dy;
            self.y = self.y.clamp(FIELD_MIN, FIELD_MAX);
        }
    }
}

/// The state of the demo.
#[derive(Clone, Debug)]
pub struct Game {
    map: TileMap<[u8; 32]>,
    player: (i16, i16),
    rotation: u8,
    mirrored: bool,
    balls: [Ball; BALLS],
    hits: u16,
    title: TextChars<[u8; LINE]>,
    status: TextChars<[u8; LINE]>,
}

impl Game {
    /// The first frame. (Fails only if the constant sizes were wrong.)
    pub fn new() -> Result<Self, FormatError> {
        let mut map = TileMap::new([0u8; 32], MAP_CELLS, MAP_CELLS)?;
        for y in 0..MAP_CELLS {
            for x in 0..MAP_CELLS {
                let edge = x == 0 || y == 0 || x == MAP_CELLS - 1 || y == MAP_CELLS - 1;
                let cell = if edge {
                    tile::WALL
                } else if (3..=4).contains(&x) && (3..=4).contains(&y) {
                    tile::WATER
                } else if (x * 5 + y * 3) % 7 == 0 {
                    tile::FLOWER
                } else {
                    tile::GRASS
                };
                map.set_tile(x, y, cell)?;
            }
        }
        let mut title = *b" stage on uGame ";
        title[7] |= 0x80; // highlight the "o" of "on"
        let mut game = Game {
            map,
            player: (24, 88),
            rotation: 0,
            mirrored: false,
            balls: [
                Ball {
                    x: 30,
                    y: 20,
                    dx: 2,
                    dy: 1,
                },
                Ball {
                    x: 80,
                    y: 40,
                    dx: -1,
                    dy: 2,
                },
                Ball {
                    x: 50,
                    y: 90,
                    dx: 1,
                    dy: -1,
                },
            ],
            hits: 0,
            title: TextChars::new(title, LINE as u16, 1)?,
            status: TextChars::new([b' '; LINE], LINE as u16, 1)?,
        };
        game.write_status();
        Ok(game)
    }

    /// One frame: moves the player by the keys held, turns it on the keys
    /// just pressed, bounces the balls and counts hits.
    pub fn update(&mut self, held: Keys, pressed: Keys) {
        let (mut x, mut y) = self.player;
        if held.contains(Keys::LEFT) {
            x -= 2;
        }
        if held.contains(Keys::RIGHT) {
            x += 2;
        }
        if held.contains(Keys::UP) {
            y -= 2;
        }
        if held.contains(Keys::DOWN) {
            y += 2;
        }
        self.player = (x.clamp(FIELD_MIN, FIELD_MAX), y.clamp(FIELD_MIN, FIELD_MAX));
        if pressed.contains(Keys::X) {
            self.rotation = (self.rotation + 1) % 4;
        }
        if pressed.contains(Keys::O) {
            self.mirrored = !self.mirrored;
        }
        for ball in &mut self.balls {
            ball.step();
            let (px, py) = self.player;
            if (ball.x - px).abs() < 12 && (ball.y - py).abs() < 12 {
                ball.dx = if ball.x < px {
                    -ball.dx.abs()
                } else {
                    ball.dx.abs()
                };
                ball.dy = if ball.y < py {
                    -ball.dy.abs()
                } else {
                    ball.dy.abs()
                };
                self.hits = self.hits.wrapping_add(1);
            }
        }
        self.write_status();
    }

    /// Hits so far.
    pub fn hits(&self) -> u16 {
        self.hits
    }

    fn write_status(&mut self) {
        let mut line = *b" hits 00000     ";
        let mut n = self.hits;
        for digit in line[6..11].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
        for (x, &c) in (0..).zip(line.iter()) {
            // Inside the line by construction.
            let _ = self.status.set_char(x, 0, c);
        }
    }

    /// The scene, front first: two text lines, the player, the balls, the
    /// garden.
    pub fn layers<'a>(&'a self, assets: &'a Assets) -> [Layer<'a>; 3 + BALLS + 1] {
        let bank = assets.bank();
        let palette = assets.tile_palette();
        let text = |chars: &'a TextChars<[u8; LINE]>, y: i16| {
            let mut text = Text::new(assets.font(), assets.text_palette(), chars.as_view());
            text.set_position(0, y);
            Layer::from(text)
        };
        let mut player = Sprite::new(bank, palette);
        let _ = player.set_frame(tile::PLAYER);
        player.set_rotation(Rotation::from_code(
            self.rotation + 4 * u8::from(self.mirrored),
        ));
        player.set_position(self.player.0, self.player.1);
        let ball = |b: &Ball| {
            let mut sprite = Sprite::new(bank, palette);
            let _ = sprite.set_frame(tile::BALL);
            sprite.set_position(b.x, b.y);
            Layer::from(sprite)
        };
        [
            text(&self.title, 4),
            text(&self.status, SCREEN - 12),
            Layer::from(player),
            ball(&self.balls[0]),
            ball(&self.balls[1]),
            ball(&self.balls[2]),
            Layer::from(Grid::new(bank, palette, self.map.as_view())),
        ]
    }
}
