//! Typed views over stage's byte formats, validated once.
//!
//! Each view checks its buffer's length when it is made and returns a
//! [`FormatError`] if it is wrong; after that, reading a pixel cannot fail.
//! Banks, palettes and fonts have fixed sizes and borrow fixed-size arrays, so
//! the renderer's per-pixel reads carry no bounds checks. Tile maps and text
//! cells are sized by their layer and are generic over their storage, so a
//! game can own and change them.

mod bank;
mod error;
mod font;
mod palette;
mod text_chars;
mod tile_map;

pub use bank::{Bank, BANK_LEN, TILE_SIZE};
pub use error::FormatError;
pub use font::{Font, FONT_LEN, GLYPH_SIZE};
pub use palette::{Palette, PALETTE_LEN};
pub use text_chars::{TextChars, MAX_TEXT_CELLS};
pub use tile_map::{TileMap, MAX_GRID_CELLS};
