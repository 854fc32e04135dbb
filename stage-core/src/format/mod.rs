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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WireColor;

    #[test]
    fn lengths_are_checked() {
        assert_eq!(
            Bank::new(&[0; 2047]).unwrap_err(),
            FormatError::BankLength { len: 2047 }
        );
        assert_eq!(
            Palette::new(&[0; 33]).unwrap_err(),
            FormatError::PaletteLength { len: 33 }
        );
        assert_eq!(
            Font::new(&[0; 0]).unwrap_err(),
            FormatError::FontLength { len: 0 }
        );
        assert_eq!(
            TileMap::new([0u8; 4], 3, 3).unwrap_err(),
            FormatError::MapTooShort { needed: 5, len: 4 }
        );
        assert!(TileMap::new([0u8; 5], 3, 3).is_ok());
        assert_eq!(
            TextChars::new([0u8; 5], 3, 2).unwrap_err(),
            FormatError::CharsTooShort { needed: 6, len: 5 }
        );
        assert_eq!(
            TileMap::new(&[][..], 2048, 0).unwrap_err(),
            FormatError::TooLarge {
                max: MAX_GRID_CELLS
            }
        );
        assert_eq!(
            TextChars::new(&[][..], 0, 4096).unwrap_err(),
            FormatError::TooLarge {
                max: MAX_TEXT_CELLS
            }
        );
    }

    #[test]
    fn odd_map_widths_alias_like_the_original() {
        // Width 3: cell (0, 1) is cell number 3, byte 1, but the nibble is
        // chosen by the parity of tx (0: high), so it reads the same nibble
        // as cell (2, 0) (byte 1, high nibble).
        let map = TileMap::new([0x12u8, 0x34, 0x56], 3, 2).unwrap();
        assert_eq!(map.tile(2, 0), 3);
        assert_eq!(map.tile(0, 1), 3);
        assert_eq!(map.tile(1, 1), 6);
        assert_eq!(map.tile(2, 1), 5);
    }

    #[test]
    fn nibbles_and_bits_are_in_the_right_order() {
        let mut bytes = [0u8; 2048];
        bytes[3 * 128 + 5 * 8 + 2] = 0xAB; // tile 3, row 5, pixels 4 and 5
        let bank = Bank::new(&bytes).unwrap();
        assert_eq!((bank.pixel(3, 4, 5), bank.pixel(3, 5, 5)), (0xA, 0xB));
        assert_eq!(bank.row(3, 5), 0x0000_AB00_0000_0000);
        assert_eq!(bank.column(3, 4) >> (60 - 4 * 5) & 15, 0xA);
        assert_eq!(bank.column(3, 5) >> (60 - 4 * 5) & 15, 0xB);

        let mut font = [0u8; 2048];
        font[7 * 16 + 2 * 2] = 0b00_01_10_11; // glyph 7, row 2: pixels 3, 2, 1, 0
        let font = Font::new(&font).unwrap();
        let row: Vec<u8> = (0..4).map(|x| font.pixel(7, x, 2)).collect();
        assert_eq!(row, [3, 2, 1, 0]);
    }

    #[test]
    fn palette_entries_are_copied_verbatim_and_the_key_is_transparent() {
        let mut bytes = [0u8; 32];
        bytes[4..6].copy_from_slice(&[0xF8, 0x1F]);
        bytes[6..8].copy_from_slice(&[0x1F, 0xF8]); // byte-swapped magenta is opaque
        let palette = Palette::new(&bytes).unwrap();
        assert_eq!(palette.transparent_mask(), 0b100);
        assert_eq!(palette.color(3), WireColor([0x1F, 0xF8]));
        assert!(palette.color(2).is_transparent());
    }

    #[test]
    fn cells_are_set_within_bounds_only() {
        let mut map = TileMap::new([0u8; 2], 2, 2).unwrap();
        assert_eq!(map.set_tile(2, 0, 1), Err(FormatError::CellOutOfBounds));
        assert_eq!(
            map.set_tile(0, 0, 16),
            Err(FormatError::TileOutOfRange { tile: 16 })
        );
        map.set_tile(1, 1, 9).unwrap();
        assert_eq!(map.as_bytes(), [0x00, 0x09]);
        let mut chars = TextChars::new([0u8; 4], 2, 2).unwrap();
        assert_eq!(
            chars.set_char(0, 2, b'A'),
            Err(FormatError::CellOutOfBounds)
        );
    }
}
