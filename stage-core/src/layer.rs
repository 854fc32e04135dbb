//! The three kinds of layer: tile grids, sprites and text.

use crate::format::{
    Bank, Font, FormatError, Palette, TextChars, TileMap, GLYPH_SIZE, MAX_GRID_CELLS, TILE_SIZE,
};
use crate::Rotation;

/// Where a layer lies in the world: the top-left corner and the size, in
/// pixels. Every layer kind starts with it, at the same offset, so the
/// renderer reads it without looking at the kind.
///
/// ```
/// use stage_core::{Bank, Palette, Sprite, Layer};
/// let (bank, palette) = ([0u8; 2048], [0u8; 32]);
/// let mut ball = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
/// ball.set_position(40, -3);
/// let area = Layer::from(ball).footprint();
/// assert_eq!((area.x, area.y, area.width, area.height), (40, -3, 16, 16));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Footprint {
    /// Left edge, in world pixels.
    pub x: i16,
    /// Top edge, in world pixels.
    pub y: i16,
    /// Width in pixels (at most 32767).
    pub width: u16,
    /// Height in pixels (at most 32767).
    pub height: u16,
}

impl Footprint {
    const fn sized(width: u16, height: u16) -> Self {
        Footprint {
            x: 0,
            y: 0,
            width,
            height,
        }
    }
}

/// A grid of tiles: every 16x16 cell shows the bank tile its map names.
///
/// ```
/// use stage_core::{Bank, Grid, Palette, Rotation, TileMap};
/// let (bank, palette, map) = ([0u8; 2048], [0u8; 32], [0x01u8; 32]);
/// let map = TileMap::new(&map[..], 8, 8).unwrap();
/// let mut grid = Grid::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap(), map);
/// grid.set_position(-8, 4);
/// grid.set_rotation(Rotation::FlipX); // mirrors every tile in place
/// assert_eq!(grid.position(), (-8, 4));
/// ```
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Grid<'a> {
    area: Footprint,
    bank: Bank<'a>,
    palette: Palette<'a>,
    map: TileMap<&'a [u8]>,
    rotation: Rotation,
}

impl<'a> Grid<'a> {
    /// A grid at (0, 0), not rotated.
    pub fn new(bank: Bank<'a>, palette: Palette<'a>, map: TileMap<&'a [u8]>) -> Self {
        Grid {
            area: Footprint::sized(map.width() * TILE_SIZE, map.height() * TILE_SIZE),
            bank,
            palette,
            map,
            rotation: Rotation::Identity,
        }
    }

    /// The bank the tiles come from.
    pub fn bank(&self) -> Bank<'a> {
        self.bank
    }

    /// The tile map.
    pub fn map(&self) -> TileMap<&'a [u8]> {
        self.map
    }

    /// The rotation applied to every tile in place.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// Sets the rotation applied to every tile in place.
    pub fn set_rotation(&mut self, rotation: Rotation) {
        self.rotation = rotation;
    }
}

/// A sprite: every 16x16 cell of its area shows the same tile (`frame`).
///
/// Usually one cell, positioned to the pixel. A bigger sprite repeats the
/// tile, as the original engine's map-less layers do.
///
/// ```
/// use stage_core::{Bank, Palette, Rotation, Sprite};
/// let (bank, palette) = ([0u8; 2048], [0u8; 32]);
/// let mut ball = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
/// ball.set_frame(3).unwrap();
/// ball.set_rotation(Rotation::Rotate90);
/// ball.set_position(40, 20);
/// assert!(ball.set_frame(16).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Sprite<'a> {
    area: Footprint,
    bank: Bank<'a>,
    palette: Palette<'a>,
    frame: u8,
    rotation: Rotation,
}

impl<'a> Sprite<'a> {
    /// A one-cell sprite showing tile 0 at (0, 0), not rotated.
    pub fn new(bank: Bank<'a>, palette: Palette<'a>) -> Self {
        Sprite {
            area: Footprint::sized(TILE_SIZE, TILE_SIZE),
            bank,
            palette,
            frame: 0,
            rotation: Rotation::Identity,
        }
    }

    /// Makes the sprite `width` x `height` cells (each at most
    /// [`MAX_GRID_CELLS`]), every one showing the frame.
    pub fn with_cells(mut self, width: u16, height: u16) -> Result<Self, FormatError> {
        if width > MAX_GRID_CELLS || height > MAX_GRID_CELLS {
            return Err(FormatError::TooLarge {
                max: MAX_GRID_CELLS,
            });
        }
        (self.area.width, self.area.height) = (width * TILE_SIZE, height * TILE_SIZE);
        Ok(self)
    }

    /// Width and height in cells.
    pub fn cells(&self) -> (u16, u16) {
        (self.area.width / TILE_SIZE, self.area.height / TILE_SIZE)
    }

    /// The bank the frame comes from.
    pub fn bank(&self) -> Bank<'a> {
        self.bank
    }

    /// The tile shown, 0..=15.
    pub fn frame(&self) -> u8 {
        self.frame
    }

    /// Shows tile `frame` of the bank; it must be 0..=15.
    pub fn set_frame(&mut self, frame: u8) -> Result<(), FormatError> {
        if frame > 15 {
            return Err(FormatError::FrameOutOfRange { frame });
        }
        self.frame = frame;
        Ok(())
    }

    /// The rotation.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// Sets the rotation.
    pub fn set_rotation(&mut self, rotation: Rotation) {
        self.rotation = rotation;
    }
}

/// A text layer: 8x8 glyphs of a font, one per cell.
///
/// ```
/// use stage_core::{Font, Palette, Text, TextChars};
/// let (font, palette, chars) = ([0u8; 2048], [0u8; 32], *b"HI");
/// let chars = TextChars::new(&chars[..], 2, 1).unwrap();
/// let mut text = Text::new(Font::new(&font).unwrap(), Palette::new(&palette).unwrap(), chars);
/// text.set_position(4, 4);
/// ```
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Text<'a> {
    area: Footprint,
    font: Font<'a>,
    palette: Palette<'a>,
    chars: TextChars<&'a [u8]>,
}

impl<'a> Text<'a> {
    /// A text layer at (0, 0).
    pub fn new(font: Font<'a>, palette: Palette<'a>, chars: TextChars<&'a [u8]>) -> Self {
        Text {
            area: Footprint::sized(chars.width() * GLYPH_SIZE, chars.height() * GLYPH_SIZE),
            font,
            palette,
            chars,
        }
    }

    /// The font.
    pub fn font(&self) -> Font<'a> {
        self.font
    }

    /// The cells.
    pub fn chars(&self) -> TextChars<&'a [u8]> {
        self.chars
    }
}

/// The accessors every layer kind has: position and palette.
macro_rules! common_accessors {
    ($($kind:ident),*) => {$(
        impl<'a> $kind<'a> {
            /// The position of the top-left corner, in world pixels.
            pub fn position(&self) -> (i16, i16) {
                (self.area.x, self.area.y)
            }

            /// Moves the top-left corner to (x, y).
            pub fn set_position(&mut self, x: i16, y: i16) {
                (self.area.x, self.area.y) = (x, y);
            }

            /// The palette (a text layer uses entries 0..=3 for normal
            /// glyphs, 4..=7 for highlighted ones).
            pub fn palette(&self) -> Palette<'a> {
                self.palette
            }

            /// Replaces the palette.
            pub fn set_palette(&mut self, palette: Palette<'a>) {
                self.palette = palette;
            }
        }
    )*};
}

common_accessors!(Grid, Sprite, Text);

/// One layer of a scene. A scene is a slice of layers, front first.
#[derive(Clone, Copy, Debug)]
#[repr(C, u8)]
pub enum Layer<'a> {
    /// A tile grid.
    Grid(Grid<'a>),
    /// A sprite.
    Sprite(Sprite<'a>),
    /// A text layer.
    Text(Text<'a>),
}

impl<'a> From<Grid<'a>> for Layer<'a> {
    fn from(grid: Grid<'a>) -> Self {
        Layer::Grid(grid)
    }
}

impl<'a> From<Sprite<'a>> for Layer<'a> {
    fn from(sprite: Sprite<'a>) -> Self {
        Layer::Sprite(sprite)
    }
}

impl<'a> From<Text<'a>> for Layer<'a> {
    fn from(text: Text<'a>) -> Self {
        Layer::Text(text)
    }
}

impl Layer<'_> {
    /// Where the layer lies and how big it is, in pixels.
    #[inline]
    pub fn footprint(&self) -> Footprint {
        // Every kind starts with its footprint at the same offset, so the
        // arms compile to one load.
        match self {
            Layer::Grid(grid) => grid.area,
            Layer::Sprite(sprite) => sprite.area,
            Layer::Text(text) => text.area,
        }
    }

    /// The position of the top-left corner, in world pixels.
    pub fn position(&self) -> (i16, i16) {
        let area = self.footprint();
        (area.x, area.y)
    }

    /// Moves the top-left corner to (x, y).
    pub fn set_position(&mut self, x: i16, y: i16) {
        match self {
            Layer::Grid(grid) => grid.set_position(x, y),
            Layer::Sprite(sprite) => sprite.set_position(x, y),
            Layer::Text(text) => text.set_position(x, y),
        }
    }

    /// Width and height of the area the layer covers, in pixels (each at
    /// most 32767). Outside it the layer is transparent.
    pub fn size(&self) -> (u16, u16) {
        let area = self.footprint();
        (area.width, area.height)
    }
}
