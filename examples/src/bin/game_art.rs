//! Draws the art of the example game (`examples/game/assets/`): the cave tiles as an
//! indexed PNG, the sprites as a 16-colour BMP, the font as a 4-colour PNG and the
//! level as a PNG whose pixels are tile numbers.
//!
//! ```sh
//! cargo run -p stage-examples --bin game-art            # rewrite the files
//! cargo run -p stage-examples --bin game-art -- --check # fail if they differ
//! ```

use std::path::{Path, PathBuf};

use embedded_graphics::mono_font::{ascii::FONT_4X6, MonoTextStyle};
use embedded_graphics::prelude::*;
use embedded_graphics::text::{Baseline, Text};
use stage_core::{Font, WireColor};
use stage_hal::graphics::{FontCanvas, PaletteIndex};

/// The cave's colours (tile palette), as RGB.
const CAVE: [[u8; 3]; 16] = [
    [26, 20, 35],    // 0 floor
    [43, 36, 64],    // 1 floor speckle
    [74, 59, 42],    // 2 rock, dark
    [110, 90, 60],   // 3 rock
    [156, 130, 86],  // 4 rock, light
    [47, 143, 78],   // 5 moss
    [95, 211, 138],  // 6 moss, light
    [58, 167, 255],  // 7 gem
    [184, 240, 255], // 8 gem shine
    [20, 70, 160],   // 9 gem shade
    [138, 90, 43],   // 10 door
    [201, 163, 90],  // 11 door, light
    [0, 0, 0],       // 12 black
    [255, 216, 77],  // 13 gold
    [90, 30, 30],    // 14 dark red
    [255, 255, 255], // 15 white
];

/// The sprites' colours: entry 0 is magenta, stage's transparent colour.
const SPRITES: [[u8; 3]; 16] = [
    [255, 0, 255],   // 0 transparent
    [16, 12, 20],    // 1 outline
    [242, 199, 155], // 2 skin
    [58, 123, 213],  // 3 shirt
    [44, 62, 80],    // 4 trousers
    [123, 74, 42],   // 5 hair
    [107, 63, 160],  // 6 bat
    [167, 123, 214], // 7 wing
    [255, 51, 85],   // 8 eye
    [255, 255, 255], // 9 white
    [255, 225, 77],  // 10 spark
    [255, 140, 42],  // 11 orange
    [232, 40, 63],   // 12 heart
    [200, 200, 210], // 13 steel
    [0, 0, 0],       // 14
    [0, 0, 0],       // 15
];

/// Tile numbers of the cave bank; 14 and 15 only appear in the level, where they
/// mark a bat and the start on a floor cell.
mod tile {
    pub const FLOOR: u8 = 0;
    pub const WALL: u8 = 1;
    pub const GEM: u8 = 2;
    pub const DOOR: u8 = 3;
    pub const OPEN_DOOR: u8 = 4;
    pub const MOSS: u8 = 5;
    pub const BAT: u8 = 14;
    pub const START: u8 = 15;
}

/// The level, one character a cell: `#` rock, `.` floor, `,` moss, `*` gem, `D` the
/// door, `B` a bat, `S` the start.
const LEVEL: [&str; 20] = [
    "################################",
    "#S..,,.#....*.....#.....,,,..*.#",
    "#......#..........#..B.........#",
    "#..*...#...####...#.....####...#",
    "#......B...#..#...#.....#..#...#",
    "####.......#*.#.........#*.#...#",
    "#,,#...###.#..#....###..#..#.B.#",
    "#,*#...#.......B...#*.......####",
    "#,,....#...........#...........#",
    "######.#####...#####....###....#",
    "#.......,,#.....,,.....#...#...#",
    "#..*......#..B..,,.*...#.*.#...#",
    "#.........#............#...#...#",
    "#...####..#####....#####.B.....#",
    "#...#..*...........#...........#",
    "#.B.#......,,,.....#....,,,....#",
    "#...####...,*,..B..#....,*,....D",
    "#..........,,,.....#....,,,....D",
    "#*.................#.........*.#",
    "################################",
];

fn level() -> (u32, u32, Vec<u8>) {
    let mut cells = Vec::new();
    for row in LEVEL {
        for c in row.chars() {
            cells.push(match c {
                '#' => tile::WALL,
                '*' => tile::GEM,
                'D' => tile::DOOR,
                ',' => tile::MOSS,
                'B' => tile::BAT,
                'S' => tile::START,
                _ => tile::FLOOR,
            });
        }
    }
    (LEVEL[0].len() as u32, LEVEL.len() as u32, cells)
}

/// A cheap repeatable noise: 0..=255 for each (x, y, seed).
fn noise(x: u32, y: u32, seed: u32) -> u32 {
    let mut h = x.wrapping_mul(374_761_393)
        ^ y.wrapping_mul(668_265_263)
        ^ seed.wrapping_mul(2_246_822_519);
    h = (h ^ (h >> 13)).wrapping_mul(1_274_126_177);
    (h ^ (h >> 16)) & 255
}

/// The 16 cave tiles as a 16x256 image of palette indices.
fn cave() -> Vec<u8> {
    let mut image = vec![0u8; 16 * 256];
    let mut put =
        |t: u8, x: u32, y: u32, c: u8| image[((u32::from(t) * 16 + y) * 16 + x) as usize] = c;
    for y in 0..16 {
        for x in 0..16 {
            let n = noise(x, y, 1);
            let floor = if n < 30 { 1 } else { 0 };
            put(tile::FLOOR, x, y, floor);
            // Rock: lumps shaded light from the top-left.
            let lump = noise(x / 4, y / 4, 2);
            let edge = x % 4 == 3 || y % 4 == 3;
            let rock = if edge {
                2
            } else if (x % 4 + y % 4) < 2 && lump > 80 {
                4
            } else {
                3
            };
            put(tile::WALL, x, y, rock);
            // A gem on the floor: a diamond with a shine.
            let (dx, dy) = (x as i32 - 8, y as i32 - 8);
            let gem = if dx.abs() + dy.abs() <= 5 {
                if dx.abs() + dy.abs() <= 1 && dx <= 0 && dy <= 0 {
                    8
                } else if dx + dy > 1 {
                    9
                } else {
                    7
                }
            } else {
                floor
            };
            put(tile::GEM, x, y, gem);
            // The door: planks with a lock; open, a dark gap with the planks aside.
            let plank = if x == 0 || x == 15 || y == 0 {
                2
            } else if x % 5 == 0 {
                10
            } else {
                11
            };
            let lock = (7..9).contains(&x) && (7..10).contains(&y);
            put(tile::DOOR, x, y, if lock { 13 } else { plank });
            let open = if x < 3 {
                plank
            } else if y == 0 {
                2
            } else {
                12
            };
            put(tile::OPEN_DOOR, x, y, open);
            let moss = if noise(x, y, 3) < 90 { 6 } else { 5 };
            put(tile::MOSS, x, y, moss);
        }
    }
    image
}

/// The sprites: a 16x16 picture per frame, one character a pixel.
const PLAYER_DOWN: [&str; 16] = [
    "......1111......",
    ".....155551.....",
    "....15555551....",
    "....12222221....",
    "....12122121....",
    "....12222221....",
    ".....122221.....",
    "....13333331....",
    "...1333333331...",
    "...1233333321...",
    "...1213333121...",
    ".....144441.....",
    ".....144441.....",
    ".....14..41.....",
    "....111..111....",
    "................",
];

const PLAYER_SIDE: [&str; 16] = [
    "......1111......",
    ".....155551.....",
    "....155555521...",
    "....15522221....",
    "....15521221....",
    "....15222221....",
    ".....122221.....",
    ".....133331.....",
    "....13333331....",
    "....13332331....",
    "....13332231....",
    ".....144441.....",
    ".....144441.....",
    ".....14..41.....",
    ".....11..111....",
    "................",
];

const BAT_UP: [&str; 16] = [
    "................",
    "..1..........1..",
    ".171........171.",
    ".1771..11..1771.",
    "1777716661177771",
    "1777766666667771",
    ".17766866866771.",
    "..176666666671..",
    "...1116996111...",
    "......1661......",
    ".......11.......",
    "................",
    "................",
    "................",
    "................",
    "................",
];

const BAT_DOWN: [&str; 16] = [
    "................",
    "................",
    "................",
    "......1..1......",
    ".....166661.....",
    "....16866861....",
    "...1166666611...",
    "..177166996171..",
    ".17771166117771.",
    "1777711..1177771",
    "1771.......11771",
    ".11..........11.",
    "................",
    "................",
    "................",
    "................",
];

const HEART: [&str; 16] = [
    "................",
    "................",
    "...111....111...",
    "..1cc91..1cc91..",
    ".1cc9cc11ccccc1.",
    ".1ccccccccccccc1",
    ".1ccccccccccccc1",
    "..1ccccccccccc1.",
    "...1ccccccccc1..",
    "....1ccccccc1...",
    ".....1ccccc1....",
    "......1ccc1.....",
    ".......1c1......",
    "........1.......",
    "................",
    "................",
];

const SPARK: [&str; 16] = [
    "................",
    ".......a........",
    ".......a........",
    "...a...a...a....",
    "....a..a..a.....",
    ".....abbba......",
    "......b9b.......",
    ".aaaabb9bbaaaa..",
    "......b9b.......",
    ".....abbba......",
    "....a..a..a.....",
    "...a...a...a....",
    ".......a........",
    ".......a........",
    "................",
    "................",
];

/// Frame numbers of the sprite bank.
const SPRITE_FRAMES: [&[&str; 16]; 6] = [
    &PLAYER_DOWN,
    &PLAYER_SIDE,
    &BAT_UP,
    &BAT_DOWN,
    &HEART,
    &SPARK,
];

fn sprites() -> Vec<u8> {
    let mut image = vec![0u8; 16 * 256];
    for (f, rows) in SPRITE_FRAMES.iter().enumerate() {
        for (y, row) in rows.iter().enumerate() {
            for (x, c) in row.chars().enumerate() {
                let index = c.to_digit(16).unwrap_or(0) as u8;
                image[(f * 16 + y) * 16 + x] = index;
            }
        }
    }
    image
}

/// A 4-bit BMP with a 40-byte header and `palette`, rows bottom-up.
fn bmp4(width: u32, height: u32, palette: &[[u8; 3]; 16], indices: &[u8]) -> Vec<u8> {
    let row_len = (width / 2).div_ceil(4) * 4;
    let offset = 14 + 40 + 64;
    let mut out = Vec::new();
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(offset + row_len * height).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(width as i32).to_le_bytes());
    out.extend_from_slice(&(height as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(row_len * height).to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    for c in palette {
        out.extend_from_slice(&[c[2], c[1], c[0], 0]);
    }
    for y in (0..height).rev() {
        let mut row = vec![0u8; row_len as usize];
        for x in 0..width {
            let i = indices[(y * width + x) as usize] & 15;
            row[(x / 2) as usize] |= if x % 2 == 0 { i << 4 } else { i };
        }
        out.extend_from_slice(&row);
    }
    out
}

/// The font of the examples as an 8x1024 image of 2-bit values.
fn font() -> (Vec<u8>, Vec<[u8; 3]>) {
    let font = outlined_font();
    let font = Font::from_array(&font);
    let mut image = vec![0u8; 8 * 1024];
    for code in 0..128u8 {
        for y in 0..8u8 {
            for x in 0..8u8 {
                image[(usize::from(code) * 8 + usize::from(y)) * 8 + usize::from(x)] =
                    font.pixel(code, x, y);
            }
        }
    }
    let palette = text_palette();
    let colors = palette
        .chunks(2)
        .take(8)
        .map(|c| WireColor([c[0], c[1]]).to_rgb888())
        .collect();
    (image, colors)
}

/// A font in stage's format: ASCII glyphs from embedded-graphics' 4x6
/// font, value 3 (white) with a value 1 (black) outline and a value 2
/// (grey) shadow; everything else 0 (transparent with the text palette).
fn outlined_font() -> [u8; 2048] {
    // First the glyphs alone, in value 3.
    let mut glyphs = [0u8; 2048];
    let mut canvas = FontCanvas::from_array(&mut glyphs);
    let style = MonoTextStyle::new(&FONT_4X6, PaletteIndex::new(3));
    for code in 32u8..127 {
        let glyph = [code];
        let text = core::str::from_utf8(&glyph).unwrap_or(" ");
        let origin = FontCanvas::glyph_origin(code) + Point::new(1, 1);
        Text::with_baseline(text, origin, style, Baseline::Top)
            .draw(&mut canvas)
            .ok();
    }
    // Then each glyph with its outline and shadow.
    let glyphs = Font::from_array(&glyphs);
    let mut font = [0u8; 2048];
    let mut canvas = FontCanvas::from_array(&mut font);
    for code in 32u8..127 {
        let on = |x: i32, y: i32| {
            (0..8).contains(&x) && (0..8).contains(&y) && glyphs.pixel(code, x as u8, y as u8) != 0
        };
        for y in 0..8i32 {
            for x in 0..8i32 {
                let value = if on(x, y) {
                    3
                } else if (-1..=1).any(|dy| (-1..=1).any(|dx| on(x + dx, y + dy))) {
                    if on(x - 1, y - 1) && !on(x, y - 1) && !on(x - 1, y) {
                        2
                    } else {
                        1
                    }
                } else {
                    0
                };
                canvas.set_pixel(x, 8 * i32::from(code) + y, PaletteIndex::new(value));
            }
        }
    }
    font
}

/// The text palette: 0 transparent, 1 black, 2 grey, 3 white; highlighted
/// glyphs (4..=7) use yellow instead of white.
fn text_palette() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    let entries = [
        WireColor::TRANSPARENT,
        WireColor::BLACK,
        WireColor::from_rgb888(112, 112, 128),
        WireColor::from_rgb888(255, 255, 255),
        WireColor::TRANSPARENT,
        WireColor::from_rgb888(16, 40, 120),
        WireColor::from_rgb888(240, 136, 32),
        WireColor::from_rgb888(248, 216, 48),
    ];
    for (entry, color) in bytes.chunks_mut(2).zip(entries) {
        entry.copy_from_slice(&color.bytes());
    }
    bytes
}

fn png(width: u32, height: u32, palette: &[[u8; 3]], indices: &[u8]) -> Vec<u8> {
    stage_game::assets::indexed_png(width, height, palette, indices)
        .expect("encoding a PNG in memory")
}

fn files() -> Vec<(&'static str, Vec<u8>)> {
    let (lw, lh, cells) = level();
    let level_palette: Vec<[u8; 3]> = (0..16u8).map(|i| CAVE[usize::from(i)]).collect();
    let (font, font_colors) = font();
    vec![
        ("cave.png", png(16, 256, &CAVE, &cave())),
        ("sprites.bmp", bmp4(16, 256, &SPRITES, &sprites())),
        ("font.png", png(8, 1024, &font_colors, &font)),
        ("level.png", png(lw, lh, &level_palette, &cells)),
    ]
}

fn main() {
    let check = std::env::args().nth(1).as_deref() == Some("--check");
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("game/assets");
    let mut stale = Vec::new();
    for (name, bytes) in files() {
        let path = dir.join(name);
        if check {
            if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
                stale.push(path.display().to_string());
            }
        } else {
            std::fs::create_dir_all(&dir).expect("create the assets directory");
            std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "game-art: out of date (run `cargo run -p stage-examples --bin game-art`): {}",
            stale.join(", ")
        );
        std::process::exit(1);
    }
}
