//! Gem Cave on a PC: its art loaded from the image files at run time, the frame loop
//! every front end shares, sounds written down, and statistics.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gem_cave::{Assets, Buffers, Effect, Game, Scene, Sound, MAP_BYTES, SCREEN};
use stage_core::framebuffer::Framebuffer;
use stage_core::{Bank, Font, Palette};
use stage_game::assets::{self, AssetError, BankImage, FontImage, MapImage};
use stage_game::{Input, Keys};

/// The art, as loaded from `examples/game/assets` (or another directory).
pub struct Art {
    tiles: BankImage,
    sprites: BankImage,
    font: FontImage,
    level: [u8; MAP_BYTES],
}

/// Where the art is unless `--assets` says otherwise.
pub fn default_assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("game/assets")
}

impl Art {
    /// Loads `cave.png`, `sprites.bmp`, `font.png` and `level.png` from `dir`.
    pub fn load(dir: &Path) -> Result<Art, AssetError> {
        let level: MapImage = assets::load_map(&dir.join("level.png"))?;
        let expected = gem_cave::LEVEL;
        if (level.width, level.height) != expected {
            return Err(AssetError {
                file: dir.join("level.png").display().to_string(),
                kind: assets::AssetErrorKind::Size {
                    what: "the level must be 32x20 cells",
                    width: level.width.into(),
                    height: level.height.into(),
                },
            });
        }
        let mut cells = [0u8; MAP_BYTES];
        cells.copy_from_slice(&level.cells);
        Ok(Art {
            tiles: assets::load_bank(&dir.join("cave.png"))?,
            sprites: assets::load_bank(&dir.join("sprites.bmp"))?,
            font: assets::load_font(&dir.join("font.png"))?,
            level: cells,
        })
    }

    /// The art as the game takes it.
    pub fn assets(&self) -> Assets<'_> {
        Assets {
            tiles: Bank::from_array(&self.tiles.bank),
            tile_palette: palette(&self.tiles.palette),
            sprites: Bank::from_array(&self.sprites.bank),
            sprite_palette: palette(&self.sprites.palette),
            font: Font::from_array(&self.font.font),
            text_palette: palette(&self.font.palette),
            level: &self.level,
        }
    }
}

fn palette(bytes: &[u8; 32]) -> Palette<'_> {
    let (entries, _) = bytes.as_chunks::<2>();
    Palette::from_entries(entries.try_into().expect("32 bytes are 16 entries"))
}

/// The sounds asked for, in order, with the frame.
#[derive(Default)]
pub struct SoundLog {
    /// `(frame, effect)`.
    pub played: Vec<(u64, Effect)>,
    /// The frame now.
    pub frame: u64,
    /// Ring the terminal's bell for each sound.
    pub bell: bool,
}

impl Sound for SoundLog {
    fn play(&mut self, effect: Effect) {
        self.played.push((self.frame, effect));
        if self.bell {
            print!("\x07");
        }
    }
}

/// What a run sent and how long rendering took.
#[derive(Default)]
pub struct Stats {
    /// Frames run.
    pub frames: u64,
    /// Logical pixels sent, in all.
    pub pixels: u64,
    /// Frames that sent the whole screen.
    pub full_frames: u64,
    /// Time spent in `Stage::render`.
    pub render_time: Duration,
}

impl Stats {
    /// Counts one frame.
    pub fn frame(&mut self, pixels: u32, render_time: Duration) {
        self.frames += 1;
        self.pixels += u64::from(pixels);
        if pixels == u32::from(SCREEN.0) * u32::from(SCREEN.1) {
            self.full_frames += 1;
        }
        self.render_time += render_time;
    }

    /// The report every mode prints at the end.
    pub fn report(&self, sounds: &SoundLog) -> String {
        let screen = f64::from(SCREEN.0) * f64::from(SCREEN.1);
        let frames = self.frames.max(1) as f64;
        let mean = self.pixels as f64 / frames;
        // The frames that did not scroll (or start a screen): what a sprite moving, a
        // tile or a text cell changing costs.
        let partial_frames = self.frames - self.full_frames;
        let partial =
            (self.pixels as f64 - self.full_frames as f64 * screen) / partial_frames.max(1) as f64;
        format!(
            "frames: {}\npixels sent per frame: {:.0} of {} ({:.1}% of the screen, mean)\n  {} frames sent the whole screen (the view scrolled, or a new screen); the other {} sent {:.0} ({:.1}%)\nrender time per frame: {:.3} ms (mean, stage-core into a framebuffer)\nsounds: {}",
            self.frames,
            mean,
            screen,
            100.0 * mean / screen,
            self.full_frames,
            partial_frames,
            partial,
            100.0 * partial / screen,
            self.render_time.as_secs_f64() * 1000.0 / frames,
            sounds.played.len(),
        )
    }
}

/// The game, its scene and the framebuffer it is drawn into, frame by frame.
pub struct Session<'a> {
    /// The scene.
    pub scene: Scene<'a>,
    /// The game.
    pub game: Game<'a>,
    /// The picture.
    pub screen: Framebuffer,
    /// The buttons, frame by frame.
    pub input: Input,
    /// Sounds.
    pub sounds: SoundLog,
    /// Statistics.
    pub stats: Stats,
}

impl<'a> Session<'a> {
    /// A new game on its title screen, drawn once.
    pub fn new(assets: &Assets<'a>, buffers: &'a mut Buffers) -> Self {
        let (scene, game) = Game::new(assets, buffers).expect("the scene holds the game's layers");
        let mut session = Session {
            scene,
            game,
            screen: Framebuffer::new(SCREEN.0, SCREEN.1),
            input: Input::new(),
            sounds: SoundLog::default(),
            stats: Stats::default(),
        };
        session.render();
        session
    }

    fn render(&mut self) {
        let start = Instant::now();
        let sent = self
            .scene
            .render(&mut self.screen)
            .expect("the framebuffer is the screen's size");
        self.stats.frame(sent.pixels, start.elapsed());
    }

    /// One frame with `keys` held.
    pub fn step(&mut self, keys: Keys) {
        self.sounds.frame = self.stats.frames;
        self.input.update(keys);
        self.game
            .update(&mut self.scene, &self.input, &mut self.sounds);
        self.render();
    }
}
