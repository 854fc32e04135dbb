use super::FormatError;

/// Size of a font in bytes: 128 glyphs of 8x8 pixels at 2 bits per pixel.
pub const FONT_LEN: usize = 2048;
/// Width and height of a glyph in pixels.
pub const GLYPH_SIZE: u16 = 8;

/// 128 glyphs of 8x8 pixels at 2 bits per pixel.
///
/// Glyph `c` starts at byte `c * 16`; each row is 2 bytes; within a byte the
/// leftmost pixel is in the lowest two bits (the opposite of a bank).
///
/// ```
/// use stage_core::Font;
/// let mut bytes = [0u8; 2048];
/// bytes[65 * 16 + 2 * 3] = 0b11_10_01_00; // glyph 'A', row 3, pixels 0..4
/// let font = Font::new(&bytes).unwrap();
/// assert_eq!(font.pixel(b'A', 1, 3), 1);
/// assert_eq!(font.pixel(b'A', 3, 3), 3);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Font<'a>(&'a [u8; FONT_LEN]);

impl<'a> Font<'a> {
    /// Views `bytes` as a font; they must be exactly [`FONT_LEN`] long.
    pub fn new(bytes: &'a [u8]) -> Result<Self, FormatError> {
        match bytes.try_into() {
            Ok(array) => Ok(Font(array)),
            Err(_) => Err(FormatError::FontLength { len: bytes.len() }),
        }
    }

    /// Views an array of the right size; cannot fail.
    pub const fn from_array(bytes: &'a [u8; FONT_LEN]) -> Self {
        Font(bytes)
    }

    /// The underlying bytes.
    pub const fn as_bytes(&self) -> &'a [u8; FONT_LEN] {
        self.0
    }

    /// Row `y` (mod 8) of glyph `code` (mod 128) as a 16-bit value, pixel `x`
    /// in bits `2x..2x+2`.
    #[inline]
    pub fn row(&self, code: u8, y: u8) -> u16 {
        let at = (code as usize & 0x7F) << 4 | (y as usize & 7) << 1;
        u16::from_le_bytes([self.0[at], self.0[at | 1]])
    }

    /// The 2-bit value of pixel (x, y) of glyph `code`.
    #[inline]
    pub fn pixel(&self, code: u8, x: u8, y: u8) -> u8 {
        ((self.row(code, y) >> ((x & 7) * 2)) & 3) as u8
    }
}
