//! Graphics made in code: palettes as constants, the tile bank drawn with
//! embedded-graphics primitives, the font drawn from an embedded-graphics
//! mono font.

use embedded_graphics::mono_font::{ascii::FONT_5X8, MonoTextStyle};
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Circle, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, RoundedRectangle, Triangle,
};
use embedded_graphics::text::{Baseline, Text};
use stage_core::format::{BANK_LEN, FONT_LEN};
use stage_core::{Bank, Font, Palette, WireColor};
use stage_hal::graphics::{BankCanvas, FontCanvas, PaletteIndex};

/// Tile numbers of the bank.
pub mod tile {
    /// Grass.
    pub const GRASS: u8 = 0;
    /// A brick wall.
    pub const WALL: u8 = 1;
    /// Water.
    pub const WATER: u8 = 2;
    /// Grass with a flower.
    pub const FLOWER: u8 = 3;
    /// The bouncing ball sprite.
    pub const BALL: u8 = 8;
    /// The player sprite.
    pub const PLAYER: u8 = 9;
}

/// Palette entries, by name.
mod ink {
    pub const GRASS: u8 = 1;
    pub const TUFT: u8 = 2;
    pub const BRICK: u8 = 3;
    pub const MORTAR: u8 = 4;
    pub const WATER: u8 = 5;
    pub const WAVE: u8 = 6;
    pub const PETAL: u8 = 7;
    pub const HEART: u8 = 8;
    pub const BALL: u8 = 9;
    pub const WHITE: u8 = 10;
    pub const DARK: u8 = 11;
    pub const BODY: u8 = 12;
}

const fn palette(colors: [u16; 16]) -> [[u8; 2]; 16] {
    let mut entries = [[0u8; 2]; 16];
    let mut i = 0;
    while i < 16 {
        entries[i] = WireColor::from_rgb565(colors[i]).bytes();
        i += 1;
    }
    entries
}

const fn rgb(r: u8, g: u8, b: u8) -> u16 {
    WireColor::from_rgb888(r, g, b).rgb565()
}

const KEY: u16 = WireColor::TRANSPARENT.rgb565();

/// The palette of the tiles and sprites (entry 0 is see-through).
pub static TILE_PALETTE: [[u8; 2]; 16] = palette([
    KEY,
    rgb(40, 120, 40),   // grass
    rgb(90, 180, 70),   // tuft
    rgb(170, 60, 40),   // brick
    rgb(150, 150, 140), // mortar
    rgb(30, 70, 170),   // water
    rgb(110, 160, 240), // wave
    rgb(250, 220, 60),  // petal
    rgb(230, 120, 20),  // heart
    rgb(240, 140, 20),  // ball
    rgb(255, 255, 255), // white
    rgb(20, 20, 30),    // dark
    rgb(60, 210, 220),  // body
    KEY,
    KEY,
    KEY,
]);

/// The text palette: entry 1 white, highlighted (entries 4..=7) yellow.
pub static TEXT_PALETTE: [[u8; 2]; 16] = palette([
    KEY,
    rgb(255, 255, 255),
    KEY,
    KEY,
    KEY,
    rgb(255, 230, 60),
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
    KEY,
]);

/// The bank and the font, drawn at start-up (4 KB of RAM).
pub struct Assets {
    bank: [u8; BANK_LEN],
    font: [u8; FONT_LEN],
}

impl Default for Assets {
    fn default() -> Self {
        Self::new()
    }
}

impl Assets {
    /// Blank graphics: call [`Assets::draw`] before use.
    pub const fn blank() -> Self {
        Assets {
            bank: [0; BANK_LEN],
            font: [0; FONT_LEN],
        }
    }

    /// Draws the tiles and the font, in place.
    pub fn draw(&mut self) {
        draw_tiles(&mut BankCanvas::from_array(&mut self.bank));
        draw_font(&mut FontCanvas::from_array(&mut self.font));
    }

    /// Blank graphics, then drawn (for the host; the firmware draws in
    /// place to keep one copy on its stack).
    pub fn new() -> Self {
        let mut assets = Self::blank();
        assets.draw();
        assets
    }

    /// The tile bank.
    pub fn bank(&self) -> Bank<'_> {
        Bank::from_array(&self.bank)
    }

    /// The font.
    pub fn font(&self) -> Font<'_> {
        Font::from_array(&self.font)
    }

    /// The palette of tiles and sprites.
    pub fn tile_palette(&self) -> Palette<'static> {
        Palette::from_entries(&TILE_PALETTE)
    }

    /// The text palette.
    pub fn text_palette(&self) -> Palette<'static> {
        Palette::from_entries(&TEXT_PALETTE)
    }
}

fn fill(index: u8) -> PrimitiveStyle<PaletteIndex> {
    PrimitiveStyle::with_fill(PaletteIndex::new(index))
}

fn stroke(index: u8) -> PrimitiveStyle<PaletteIndex> {
    PrimitiveStyle::with_stroke(PaletteIndex::new(index), 1)
}

/// A few tufts of grass at fixed spots.
fn grass<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    tile.clear(PaletteIndex::new(ink::GRASS))?;
    for (x, y) in [(2, 3), (9, 1), (13, 7), (5, 10), (11, 13), (1, 14)] {
        Line::new(Point::new(x, y), Point::new(x + 1, y - 1))
            .into_styled(stroke(ink::TUFT))
            .draw(tile)?;
    }
    Ok(())
}

fn wall<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    tile.clear(PaletteIndex::new(ink::BRICK))?;
    for y in [0, 8] {
        Line::new(Point::new(0, y), Point::new(15, y))
            .into_styled(stroke(ink::MORTAR))
            .draw(tile)?;
    }
    for (x, y) in [(4, 1), (12, 1), (0, 9), (8, 9)] {
        Line::new(Point::new(x, y), Point::new(x, y + 6))
            .into_styled(stroke(ink::MORTAR))
            .draw(tile)?;
    }
    Ok(())
}

fn water<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    tile.clear(PaletteIndex::new(ink::WATER))?;
    for (x, y) in [(1, 3), (8, 7), (2, 12)] {
        Line::new(Point::new(x, y + 1), Point::new(x + 2, y))
            .into_styled(stroke(ink::WAVE))
            .draw(tile)?;
        Line::new(Point::new(x + 3, y), Point::new(x + 5, y + 1))
            .into_styled(stroke(ink::WAVE))
            .draw(tile)?;
    }
    Ok(())
}

fn flower<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    grass(tile)?;
    Circle::new(Point::new(5, 4), 7)
        .into_styled(fill(ink::PETAL))
        .draw(tile)?;
    Circle::new(Point::new(7, 6), 3)
        .into_styled(fill(ink::HEART))
        .draw(tile)
}

fn ball<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    let style = PrimitiveStyleBuilder::new()
        .fill_color(PaletteIndex::new(ink::BALL))
        .stroke_color(PaletteIndex::new(ink::DARK))
        .stroke_width(1)
        .build();
    Circle::new(Point::new(1, 1), 14)
        .into_styled(style)
        .draw(tile)?;
    Circle::new(Point::new(4, 4), 4)
        .into_styled(fill(ink::WHITE))
        .draw(tile)
}

fn player<D: DrawTarget<Color = PaletteIndex>>(tile: &mut D) -> Result<(), D::Error> {
    RoundedRectangle::with_equal_corners(
        Rectangle::new(Point::new(2, 3), Size::new(12, 12)),
        Size::new(4, 4),
    )
    .into_styled(fill(ink::BODY))
    .draw(tile)?;
    Triangle::new(Point::new(6, 3), Point::new(9, 3), Point::new(8, 0))
        .into_styled(fill(ink::BODY))
        .draw(tile)?;
    for x in [4, 9] {
        Rectangle::new(Point::new(x, 6), Size::new(3, 3))
            .into_styled(fill(ink::WHITE))
            .draw(tile)?;
        Rectangle::new(Point::new(x + 1, 7), Size::new(1, 1))
            .into_styled(fill(ink::DARK))
            .draw(tile)?;
    }
    Line::new(Point::new(5, 12), Point::new(10, 12))
        .into_styled(stroke(ink::DARK))
        .draw(tile)
}

fn draw_tiles(bank: &mut BankCanvas<'_>) {
    // The canvas cannot fail: every result is `Result<(), Infallible>`.
    let Ok(()) = grass(&mut bank.tile(tile::GRASS));
    let Ok(()) = wall(&mut bank.tile(tile::WALL));
    let Ok(()) = water(&mut bank.tile(tile::WATER));
    let Ok(()) = flower(&mut bank.tile(tile::FLOWER));
    let Ok(()) = ball(&mut bank.tile(tile::BALL));
    let Ok(()) = player(&mut bank.tile(tile::PLAYER));
    // The other tiles stay see-through (entry 0).
}

fn draw_font(font: &mut FontCanvas<'_>) {
    let style = MonoTextStyle::new(&FONT_5X8, PaletteIndex::new(1));
    for code in 32u8..127 {
        let glyph = [code];
        let Ok(text) = core::str::from_utf8(&glyph) else {
            continue;
        };
        let at = FontCanvas::glyph_origin(code) + Point::new(1, 0);
        let Ok(_) = Text::with_baseline(text, at, style, Baseline::Top).draw(font);
    }
}
