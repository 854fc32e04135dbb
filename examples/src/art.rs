//! Graphics made in code: a tile bank, a palette and a font with outlined
//! glyphs, in stage's formats.

use embedded_graphics::mono_font::{ascii::FONT_4X6, MonoTextStyle};
use embedded_graphics::prelude::*;
use embedded_graphics::text::{Baseline, Text};
use stage_core::{Font, WireColor};
use stage_hal::graphics::{BankCanvas, FontCanvas, PaletteIndex};

/// Palette entries of [`palette`].
pub mod color {
    /// The transparency key.
    pub const CLEAR: u8 = 0;
    /// Black.
    pub const BLACK: u8 = 1;
    /// Dark green.
    pub const DARK_GREEN: u8 = 2;
    /// Green.
    pub const GREEN: u8 = 3;
    /// Light green.
    pub const LIGHT_GREEN: u8 = 4;
    /// Dark blue.
    pub const DARK_BLUE: u8 = 5;
    /// Blue.
    pub const BLUE: u8 = 6;
    /// Light blue.
    pub const LIGHT_BLUE: u8 = 7;
    /// Brown.
    pub const BROWN: u8 = 8;
    /// Sand.
    pub const SAND: u8 = 9;
    /// Grey.
    pub const GREY: u8 = 10;
    /// Light grey.
    pub const LIGHT_GREY: u8 = 11;
    /// White.
    pub const WHITE: u8 = 12;
    /// Red.
    pub const RED: u8 = 13;
    /// Yellow.
    pub const YELLOW: u8 = 14;
    /// Orange.
    pub const ORANGE: u8 = 15;
}

/// Tiles of [`bank`].
pub mod tile {
    /// Plain grass.
    pub const GRASS: u8 = 0;
    /// Grass with flowers.
    pub const FLOWERS: u8 = 1;
    /// Water.
    pub const WATER: u8 = 2;
    /// A sandy path.
    pub const PATH: u8 = 3;
    /// A brick wall.
    pub const BRICK: u8 = 4;
    /// A ball (on a transparent background).
    pub const BALL: u8 = 8;
    /// A star (on a transparent background).
    pub const STAR: u8 = 9;
    /// An arrow pointing right (on a transparent background).
    pub const ARROW: u8 = 10;
}

/// The 16 colours, RGB565 in wire order; entry 0 is transparent.
pub fn palette() -> [u8; 32] {
    const RGB: [(u8, u8, u8); 16] = [
        (255, 0, 255),
        (0, 0, 0),
        (24, 96, 40),
        (56, 152, 64),
        (120, 200, 96),
        (16, 40, 120),
        (40, 96, 200),
        (120, 176, 248),
        (120, 72, 32),
        (216, 184, 120),
        (112, 112, 128),
        (184, 184, 200),
        (255, 255, 255),
        (216, 40, 40),
        (248, 216, 48),
        (240, 136, 32),
    ];
    let mut bytes = [0; 32];
    for (entry, (r, g, b)) in bytes.chunks_mut(2).zip(RGB) {
        entry.copy_from_slice(&WireColor::from_rgb888(r, g, b).bytes());
    }
    bytes
}

/// A tiny deterministic hash for textures.
fn noise(x: i32, y: i32, seed: i32) -> u32 {
    let mut h = (x as u32).wrapping_mul(0x9E37_79B1) ^ (y as u32).wrapping_mul(0x85EB_CA77);
    h ^= (seed as u32).wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^ (h >> 12)
}

/// Sixteen tiles: terrain (0..=4) and sprites (8..=10); the rest blank.
pub fn bank() -> [u8; 2048] {
    use color::*;
    let mut bank = [0u8; 2048];
    let mut canvas = BankCanvas::from_array(&mut bank);
    // Tiles are stacked vertically on the canvas: tile t starts at row 16 t.
    let mut put = |tile: u8, x: i32, y: i32, c: u8| {
        canvas.set_pixel(x, 16 * i32::from(tile) + y, PaletteIndex::new(c));
    };
    for y in 0..16 {
        for x in 0..16 {
            let n = noise(x, y, 1) % 8;
            put(
                tile::GRASS,
                x,
                y,
                [
                    GREEN,
                    GREEN,
                    GREEN,
                    DARK_GREEN,
                    GREEN,
                    LIGHT_GREEN,
                    GREEN,
                    GREEN,
                ][n as usize],
            );
            let flower = (x % 8 == 3 && y % 8 == 2) || (x % 8 == 7 && y % 8 == 6);
            put(
                tile::FLOWERS,
                x,
                y,
                if flower {
                    [RED, YELLOW][(x / 8) as usize % 2]
                } else if n == 3 {
                    DARK_GREEN
                } else {
                    GREEN
                },
            );
            let wave = (x + 2 * (y / 4)) % 8 == 0 && y % 4 == 1;
            put(
                tile::WATER,
                x,
                y,
                if wave {
                    LIGHT_BLUE
                } else if (x * 3 + y) % 11 == 0 {
                    DARK_BLUE
                } else {
                    BLUE
                },
            );
            put(
                tile::PATH,
                x,
                y,
                if noise(x, y, 7).is_multiple_of(9) {
                    BROWN
                } else {
                    SAND
                },
            );
            let row = y / 4;
            let mortar = y % 4 == 3 || (x + if row % 2 == 0 { 0 } else { 4 }) % 8 == 7;
            put(
                tile::BRICK,
                x,
                y,
                if mortar {
                    LIGHT_GREY
                } else if noise(x, y, 3).is_multiple_of(5) {
                    ORANGE
                } else {
                    RED
                },
            );
            // Sprites: magenta (entry 0) is transparent.
            let (dx, dy) = (2 * x - 15, 2 * y - 15);
            let d2 = dx * dx + dy * dy;
            let ball = if d2 > 225 {
                CLEAR
            } else if d2 > 169 {
                BLACK
            } else if (dx + 6) * (dx + 6) + (dy + 6) * (dy + 6) < 30 {
                WHITE
            } else if dx + dy > 8 {
                ORANGE
            } else {
                YELLOW
            };
            put(tile::BALL, x, y, ball);
            let (ax, ay) = (dx.abs(), dy.abs());
            let star = if ax + ay < 8 || (ax < 2 && ay < 15) || (ay < 2 && ax < 15) {
                YELLOW
            } else {
                CLEAR
            };
            put(tile::STAR, x, y, star);
            let arrow = if (4..10).contains(&x) && (6..10).contains(&y)
                || (10..15).contains(&x) && (y - 8).abs() <= 14 - x
            {
                WHITE
            } else {
                CLEAR
            };
            put(tile::ARROW, x, y, arrow);
        }
    }
    bank
}

/// A font in stage's format: ASCII glyphs from embedded-graphics' 4x6
/// font, value 3 (white) with a value 1 (black) outline and a value 2
/// (grey) shadow; everything else 0 (transparent with the text palette).
pub fn font() -> [u8; 2048] {
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
pub fn text_palette() -> [u8; 32] {
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
