//! Gem Cave: collect every gem of a cave larger than the screen, dodge the bats, and
//! leave through the door. The game is written against `stage-game` alone, so this
//! same code plays in a window or a terminal on a PC (`cargo run --release`) and as
//! uGame 10 firmware (`examples/firmware`).
//!
//! The art is compiled in ([`art::assets`]); the host front end loads it from the
//! image files instead, to show assets loaded at run time. The caller owns the assets
//! and the buffers the scene borrows, builds the scene with
//! [`Game::new`], and then, once a frame, gives the game the buttons held
//! ([`Game::update`]) and renders the scene (`Stage::render`, which sends only what
//! changed).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod art;

use stage_core::{Bank, Font, Palette, Rotation, TextChars, TileMap};
use stage_game::{Hitbox, Input, Keys, SceneFull, SpriteId, Stage, TextId};

/// The screen, in pixels.
pub const SCREEN: (u16, u16) = (128, 128);
/// Frames a second.
pub const FPS: u32 = 30;
/// The level's size in cells.
pub const LEVEL: (u16, u16) = (32, 20);
/// Bytes of the level's map (two cells a byte).
pub const MAP_BYTES: usize = (LEVEL.0 as usize) * (LEVEL.1 as usize) / 2;
/// Bats a level may hold.
pub const MAX_BATS: usize = 12;
/// Layers of the scene: banner, HUD, spark, player, the bats, the cave.
pub const LAYERS: usize = 5 + MAX_BATS;
/// The scene the game plays in.
pub type Scene<'a> = Stage<'a, LAYERS, 16>;

/// Tile numbers of the cave bank (and the level image).
pub mod tile {
    /// Floor.
    pub const FLOOR: u8 = 0;
    /// Rock: blocks.
    pub const WALL: u8 = 1;
    /// A gem on the floor.
    pub const GEM: u8 = 2;
    /// The door, closed while gems are left: blocks.
    pub const DOOR: u8 = 3;
    /// The door, open.
    pub const OPEN_DOOR: u8 = 4;
    /// Moss: floor.
    pub const MOSS: u8 = 5;
    /// In the level image only: a bat starts here (floor).
    pub const BAT: u8 = 14;
    /// In the level image only: the player starts here (floor).
    pub const START: u8 = 15;
}

/// Frames of the sprite bank.
pub mod frame {
    /// The player, facing the screen.
    pub const PLAYER: u8 = 0;
    /// The player, facing right (mirrored: left).
    pub const PLAYER_SIDE: u8 = 1;
    /// A bat, wings up.
    pub const BAT_UP: u8 = 2;
    /// A bat, wings down.
    pub const BAT_DOWN: u8 = 3;
    /// A heart.
    pub const HEART: u8 = 4;
    /// A spark (the player is hit).
    pub const SPARK: u8 = 5;
}

/// The art the game needs, as stage's formats.
#[derive(Clone, Copy, Debug)]
pub struct Assets<'a> {
    /// The cave tiles.
    pub tiles: Bank<'a>,
    /// Their palette.
    pub tile_palette: Palette<'a>,
    /// The sprites.
    pub sprites: Bank<'a>,
    /// Their palette.
    pub sprite_palette: Palette<'a>,
    /// The font.
    pub font: Font<'a>,
    /// The text palette.
    pub text_palette: Palette<'a>,
    /// The level: `LEVEL` cells, two a byte (the map image's cells).
    pub level: &'a [u8; MAP_BYTES],
}

/// What the scene borrows: the cave's map and the text cells.
#[derive(Clone, Debug)]
pub struct Buffers {
    map: [u8; MAP_BYTES],
    hud: [u8; 16],
    banner: [u8; 16 * 3],
}

impl Buffers {
    /// Empty buffers.
    pub const fn new() -> Self {
        Buffers {
            map: [0; MAP_BYTES],
            hud: [0; 16],
            banner: [0; 16 * 3],
        }
    }
}

impl Default for Buffers {
    fn default() -> Self {
        Self::new()
    }
}

/// A sound the game asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effect {
    /// A game starts.
    Start,
    /// A gem is picked up.
    Gem,
    /// The last gem opens the door.
    DoorOpens,
    /// A bat bites.
    Hit,
    /// Out through the door.
    Win,
    /// No lives left.
    Lose,
}

/// Whatever plays the game's sounds (a speaker, a log, nothing).
pub trait Sound {
    /// Plays `effect`.
    fn play(&mut self, effect: Effect);
}

/// Where the game is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    /// The title screen: X starts.
    Title,
    /// Playing.
    Playing,
    /// Out with every gem: X goes back to the title.
    Won,
    /// No lives left: X goes back to the title.
    Lost,
}

#[derive(Clone, Copy, Debug)]
struct Bat {
    id: SpriteId,
    x: i16,
    y: i16,
    dx: i16,
    dy: i16,
}

/// Lives at the start.
const LIVES: u8 = 3;
/// Frames the player can't be hurt after a bite.
const SAFE_FRAMES: u16 = 60;
/// The camera keeps the player this far from the screen's edges.
const MARGIN: i16 = 28;

/// The game's state; the scene it draws in lives beside it.
#[derive(Debug)]
pub struct Game<'a> {
    level: &'a [u8; MAP_BYTES],
    state: State,
    frame: u32,
    player: SpriteId,
    spark: SpriteId,
    hud: TextId,
    banner: TextId,
    cave: stage_game::GridId,
    bats: heapless::Vec<Bat, MAX_BATS>,
    start: (i16, i16),
    x: i16,
    y: i16,
    facing: Facing,
    gems_left: u8,
    gems_total: u8,
    lives: u8,
    safe: u16,
    spark_left: u8,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Facing {
    Left,
    Right,
    Down,
}

/// The tile of cell (x, y) of a level image's packed cells.
fn cell(level: &[u8; MAP_BYTES], x: u16, y: u16) -> u8 {
    let i = usize::from(y) * usize::from(LEVEL.0) + usize::from(x);
    let byte = level[i / 2];
    if x.is_multiple_of(2) {
        byte >> 4
    } else {
        byte & 15
    }
}

impl<'a> Game<'a> {
    /// Builds the scene (in `buffers`) and the game, on its title screen.
    pub fn new(
        assets: &Assets<'a>,
        buffers: &'a mut Buffers,
    ) -> Result<(Scene<'a>, Self), SceneFull> {
        let Buffers { map, hud, banner } = buffers;
        let mut scene = Scene::new(SCREEN.0, SCREEN.1).map_err(|_| SceneFull)?;
        let chars = |b: &'a mut [u8], w, h| TextChars::new(b, w, h).map_err(|_| SceneFull);
        let banner = scene.add_text(
            assets.font,
            assets.text_palette,
            chars(&mut banner[..], 16, 3)?,
        )?;
        let hud = scene.add_text(
            assets.font,
            assets.text_palette,
            chars(&mut hud[..], 16, 1)?,
        )?;
        let spark = scene.add_sprite(assets.sprites, assets.sprite_palette, frame::SPARK)?;
        let player = scene.add_sprite(assets.sprites, assets.sprite_palette, frame::PLAYER)?;
        let mut bats = heapless::Vec::new();
        let mut start = (16, 16);
        for y in 0..LEVEL.1 {
            for x in 0..LEVEL.0 {
                let (px, py) = ((x * 16) as i16, (y * 16) as i16);
                match cell(assets.level, x, y) {
                    tile::START => start = (px, py),
                    tile::BAT if !bats.is_full() => {
                        let id = scene.add_sprite(
                            assets.sprites,
                            assets.sprite_palette,
                            frame::BAT_UP,
                        )?;
                        let across = bats.len() % 2 == 0;
                        let bat = Bat {
                            id,
                            x: px,
                            y: py,
                            dx: if across { 1 } else { 0 },
                            dy: if across { 0 } else { 1 },
                        };
                        let _ = bats.push(bat);
                    }
                    _ => {}
                }
            }
        }
        let map = TileMap::new(&mut map[..], LEVEL.0, LEVEL.1).map_err(|_| SceneFull)?;
        let cave = scene.add_grid(assets.tiles, assets.tile_palette, map)?;
        let mut game = Game {
            level: assets.level,
            state: State::Title,
            frame: 0,
            player,
            spark,
            hud,
            banner,
            cave,
            bats,
            start,
            x: start.0,
            y: start.1,
            facing: Facing::Down,
            gems_left: 0,
            gems_total: 0,
            lives: LIVES,
            safe: 0,
            spark_left: 0,
        };
        game.reset(&mut scene);
        game.title(&mut scene);
        Ok((scene, game))
    }

    /// Where the game is.
    pub fn state(&self) -> State {
        self.state
    }

    /// Lives left.
    pub fn lives(&self) -> u8 {
        self.lives
    }

    /// Gems picked up, and how many there are.
    pub fn gems(&self) -> (u8, u8) {
        (self.gems_total - self.gems_left, self.gems_total)
    }

    /// The player's top-left corner, in world pixels.
    pub fn player(&self) -> (i16, i16) {
        (self.x, self.y)
    }

    /// The tile of the cave at cell (`tx`, `ty`) now (gems taken are floor, the door
    /// opens).
    pub fn tile(&self, scene: &Scene<'a>, tx: u16, ty: u16) -> u8 {
        scene.tile(self.cave, tx, ty)
    }

    /// The bats' top-left corners, in world pixels.
    pub fn bats(&self) -> impl Iterator<Item = (i16, i16)> + '_ {
        self.bats.iter().map(|b| (b.x, b.y))
    }

    /// Puts the level, the player and the bats back as they start.
    fn reset(&mut self, scene: &mut Scene<'a>) {
        let (mut gems, mut bat) = (0, 0);
        for y in 0..LEVEL.1 {
            for x in 0..LEVEL.0 {
                let t = match cell(self.level, x, y) {
                    tile::START => tile::FLOOR,
                    tile::BAT => {
                        if let Some(b) = self.bats.get_mut(bat) {
                            (b.x, b.y) = ((x * 16) as i16, (y * 16) as i16);
                        }
                        bat += 1;
                        tile::FLOOR
                    }
                    tile::GEM => {
                        gems += 1;
                        tile::GEM
                    }
                    t => t,
                };
                let _ = scene.set_tile(self.cave, x, y, t);
            }
        }
        (self.gems_left, self.gems_total) = (gems, gems);
        (self.x, self.y) = self.start;
        self.lives = LIVES;
        self.safe = 0;
        self.facing = Facing::Down;
        for b in &self.bats {
            scene.move_sprite(b.id, b.x, b.y);
        }
        scene.set_visible(self.spark, false);
    }

    fn title(&mut self, scene: &mut Scene<'a>) {
        self.state = State::Title;
        scene.set_visible(self.player, false);
        scene.clear_text(self.hud);
        self.banner(scene, ["    GEM CAVE", "", " PRESS X TO PLAY"]);
        // The title shows the cave's middle.
        self.look_at(scene, 240, 150);
    }

    fn banner(&mut self, scene: &mut Scene<'a>, lines: [&str; 3]) {
        scene.clear_text(self.banner);
        for (row, line) in lines.iter().enumerate() {
            scene.write(self.banner, 0, row as u16, line, row == 0);
        }
    }

    /// Moves the camera so that world point (x, y) is as near the screen's centre as
    /// the level allows, and keeps the text on the screen.
    fn look_at(&mut self, scene: &mut Scene<'a>, x: i16, y: i16) {
        let max = |level: u16, screen: u16| ((level * 16).saturating_sub(screen)) as i16;
        let vx = (x - SCREEN.0 as i16 / 2).clamp(0, max(LEVEL.0, SCREEN.0));
        let vy = (y - SCREEN.1 as i16 / 2).clamp(0, max(LEVEL.1, SCREEN.1));
        self.scroll(scene, vx, vy);
    }

    fn scroll(&mut self, scene: &mut Scene<'a>, vx: i16, vy: i16) {
        scene.scroll_to(vx, vy);
        scene.move_text(self.hud, vx, vy);
        scene.move_text(self.banner, vx, vy + 48);
    }

    fn start(&mut self, scene: &mut Scene<'a>, sound: &mut impl Sound) {
        self.reset(scene);
        self.state = State::Playing;
        scene.clear_text(self.banner);
        scene.set_visible(self.player, true);
        let _ = scene.set_frame(self.player, frame::PLAYER);
        scene.set_rotation(self.player, Rotation::Identity);
        scene.move_sprite(self.player, self.x, self.y);
        sound.play(Effect::Start);
        let (x, y) = (self.x, self.y);
        self.look_at(scene, x + 8, y + 8);
    }

    /// One frame: the buttons held now in `input`, sounds to `sound`.
    pub fn update(&mut self, scene: &mut Scene<'a>, input: &Input, sound: &mut impl Sound) {
        self.frame = self.frame.wrapping_add(1);
        self.move_bats(scene);
        match self.state {
            State::Title | State::Won | State::Lost => {
                if input.just_pressed().contains(Keys::X) {
                    if self.state == State::Title {
                        self.start(scene, sound);
                    } else {
                        self.title(scene);
                    }
                }
            }
            State::Playing => self.play(scene, input, sound),
        }
    }

    fn blocked(&self, scene: &Scene<'a>, x: i16, y: i16) -> bool {
        let body = Hitbox::new(i32::from(x) + 3, i32::from(y) + 2, 10, 13);
        let outside = body.x < 0
            || body.y < 0
            || body.x + body.width > i32::from(LEVEL.0) * 16
            || body.y + body.height > i32::from(LEVEL.1) * 16;
        outside
            || body
                .cells(0, 0, 16, LEVEL)
                .any(|(tx, ty)| matches!(scene.tile(self.cave, tx, ty), tile::WALL | tile::DOOR))
    }

    fn play(&mut self, scene: &mut Scene<'a>, input: &Input, sound: &mut impl Sound) {
        const SPEED: i16 = 2;
        let held = input.held();
        let dx =
            SPEED * (i16::from(held.contains(Keys::RIGHT)) - i16::from(held.contains(Keys::LEFT)));
        let dy =
            SPEED * (i16::from(held.contains(Keys::DOWN)) - i16::from(held.contains(Keys::UP)));
        if dx != 0 && !self.blocked(scene, self.x + dx, self.y) {
            self.x += dx;
        }
        if dy != 0 && !self.blocked(scene, self.x, self.y + dy) {
            self.y += dy;
        }
        self.facing = match (dx.signum(), dy) {
            (1, _) => Facing::Right,
            (-1, _) => Facing::Left,
            (_, 0) => self.facing,
            _ => Facing::Down,
        };
        let walking = (dx, dy) != (0, 0) && (self.frame / 6).is_multiple_of(2);
        let (f, r) = match self.facing {
            Facing::Right => (frame::PLAYER_SIDE, Rotation::Identity),
            Facing::Left => (frame::PLAYER_SIDE, Rotation::FlipX),
            Facing::Down if walking => (frame::PLAYER, Rotation::FlipX),
            Facing::Down => (frame::PLAYER, Rotation::Identity),
        };
        let _ = scene.set_frame(self.player, f);
        scene.set_rotation(self.player, r);
        scene.move_sprite(self.player, self.x, self.y);
        self.follow(scene);
        self.pick_up(scene, sound);
        self.bites(scene, sound);
        self.hud(scene);
        if self.state == State::Playing && self.at_open_door(scene) {
            self.state = State::Won;
            sound.play(Effect::Win);
            self.banner(scene, ["    YOU WIN!", "", "  PRESS X"]);
        }
    }

    /// Scrolls when the player comes near an edge of the screen, a step at a time.
    fn follow(&mut self, scene: &mut Scene<'a>) {
        let (vx, vy) = scene.viewport();
        let step = |v: i16, p: i16, screen: u16, level: u16| {
            let max = ((level * 16).saturating_sub(screen)) as i16;
            let target = if p - v < MARGIN {
                p - MARGIN
            } else if p + 16 - v > screen as i16 - MARGIN {
                p + 16 - (screen as i16 - MARGIN)
            } else {
                v
            };
            (v + (target - v).clamp(-3, 3)).clamp(0, max)
        };
        let (nx, ny) = (
            step(vx, self.x, SCREEN.0, LEVEL.0),
            step(vy, self.y, SCREEN.1, LEVEL.1),
        );
        if (nx, ny) != (vx, vy) {
            self.scroll(scene, nx, ny);
        }
    }

    fn pick_up(&mut self, scene: &mut Scene<'a>, sound: &mut impl Sound) {
        let body = Hitbox::new(i32::from(self.x) + 3, i32::from(self.y) + 2, 10, 13);
        let mut cells = [(0u16, 0u16); 4];
        let mut n = 0;
        for c in body.cells(0, 0, 16, LEVEL) {
            if let Some(slot) = cells.get_mut(n) {
                *slot = c;
                n += 1;
            }
        }
        for &(tx, ty) in &cells[..n] {
            if scene.tile(self.cave, tx, ty) == tile::GEM {
                let _ = scene.set_tile(self.cave, tx, ty, tile::FLOOR);
                self.gems_left -= 1;
                sound.play(Effect::Gem);
                if self.gems_left == 0 {
                    self.open_doors(scene);
                    sound.play(Effect::DoorOpens);
                }
            }
        }
    }

    fn open_doors(&mut self, scene: &mut Scene<'a>) {
        for y in 0..LEVEL.1 {
            for x in 0..LEVEL.0 {
                if scene.tile(self.cave, x, y) == tile::DOOR {
                    let _ = scene.set_tile(self.cave, x, y, tile::OPEN_DOOR);
                }
            }
        }
    }

    fn at_open_door(&self, scene: &Scene<'a>) -> bool {
        Hitbox::new(i32::from(self.x), i32::from(self.y), 16, 16)
            .cells(0, 0, 16, LEVEL)
            .any(|(tx, ty)| scene.tile(self.cave, tx, ty) == tile::OPEN_DOOR)
    }

    fn move_bats(&mut self, scene: &mut Scene<'a>) {
        let flap = if (self.frame / 6).is_multiple_of(2) {
            frame::BAT_UP
        } else {
            frame::BAT_DOWN
        };
        for i in 0..self.bats.len() {
            let b = self.bats[i];
            let (nx, ny) = (b.x + b.dx, b.y + b.dy);
            let body = Hitbox::new(i32::from(nx) + 1, i32::from(ny) + 1, 14, 10);
            let wall = body.cells(0, 0, 16, LEVEL).any(|(tx, ty)| {
                matches!(
                    scene.tile(self.cave, tx, ty),
                    tile::WALL | tile::DOOR | tile::OPEN_DOOR
                )
            });
            let bat = &mut self.bats[i];
            if wall {
                (bat.dx, bat.dy) = (-bat.dx, -bat.dy);
            } else {
                (bat.x, bat.y) = (nx, ny);
            }
            scene.move_sprite(bat.id, bat.x, bat.y);
            let _ = scene.set_frame(bat.id, flap);
        }
    }

    fn bites(&mut self, scene: &mut Scene<'a>, sound: &mut impl Sound) {
        if self.spark_left > 0 {
            self.spark_left -= 1;
            if self.spark_left == 0 {
                scene.set_visible(self.spark, false);
            }
        }
        if self.safe > 0 {
            self.safe -= 1;
            scene.set_visible(self.player, (self.safe / 4).is_multiple_of(2));
            return;
        }
        let me = Hitbox::new(i32::from(self.x), i32::from(self.y), 16, 16).shrunk(3);
        let bitten = self.bats.iter().any(|b| {
            Hitbox::new(i32::from(b.x), i32::from(b.y), 16, 12)
                .shrunk(2)
                .overlaps(&me)
        });
        if !bitten {
            return;
        }
        self.lives = self.lives.saturating_sub(1);
        self.safe = SAFE_FRAMES;
        self.spark_left = 10;
        scene.move_sprite(self.spark, self.x, self.y - 8);
        scene.set_visible(self.spark, true);
        if self.lives == 0 {
            self.state = State::Lost;
            sound.play(Effect::Lose);
            scene.set_visible(self.player, true);
            self.banner(scene, ["   GAME OVER", "", "  PRESS X"]);
        } else {
            sound.play(Effect::Hit);
        }
    }

    /// "GEMS 03/12  *3": gems picked up of all, and lives.
    fn hud(&mut self, scene: &mut Scene<'a>) {
        let (got, all) = self.gems();
        let mut line = *b"GEMS 00/00  LV 0";
        let digits = |n: u8| [b'0' + n / 10 % 10, b'0' + n % 10];
        line[5..7].copy_from_slice(&digits(got));
        line[8..10].copy_from_slice(&digits(all));
        line[15] = b'0' + self.lives % 10;
        for (col, &c) in line.iter().enumerate() {
            let _ = scene.set_char(self.hud, col as u16, 0, c);
        }
    }
}
