use super::FormatError;
use crate::Rotation;

/// Size of a bank in bytes: 16 tiles of 16x16 pixels at 4 bits per pixel.
pub const BANK_LEN: usize = 2048;
/// Width and height of a tile in pixels.
pub const TILE_SIZE: u16 = 16;

/// Sixteen 16x16 tiles at 4 bits per pixel ("graphic" in the Python API).
///
/// Tile `f` starts at byte `f * 128`; each row is 8 bytes; the left (even x)
/// pixel of a byte is its high nibble. A nibble is a palette index.
///
/// ```
/// use stage_core::Bank;
/// let mut bytes = [0u8; 2048];
/// bytes[128 + 8 + 1] = 0xA5; // tile 1, row 1, pixels 2 and 3
/// let bank = Bank::new(&bytes).unwrap();
/// assert_eq!(bank.pixel(1, 2, 1), 0xA);
/// assert_eq!(bank.pixel(1, 3, 1), 0x5);
/// assert!(Bank::new(&bytes[..100]).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Bank<'a>(&'a [u8; BANK_LEN]);

impl<'a> Bank<'a> {
    /// Views `bytes` as a bank; they must be exactly [`BANK_LEN`] long.
    pub fn new(bytes: &'a [u8]) -> Result<Self, FormatError> {
        match bytes.try_into() {
            Ok(array) => Ok(Bank(array)),
            Err(_) => Err(FormatError::BankLength { len: bytes.len() }),
        }
    }

    /// Views an array of the right size; cannot fail.
    pub const fn from_array(bytes: &'a [u8; BANK_LEN]) -> Self {
        Bank(bytes)
    }

    /// The underlying bytes.
    pub const fn as_bytes(&self) -> &'a [u8; BANK_LEN] {
        self.0
    }

    /// The palette index of pixel (x, y) of tile `frame` (all taken mod 16).
    #[inline]
    pub fn pixel(&self, frame: u8, x: u8, y: u8) -> u8 {
        let byte = self.0[Self::offset(frame, y) | ((x as usize & 15) >> 1)];
        if x & 1 == 0 {
            byte >> 4
        } else {
            byte & 0x0F
        }
    }

    /// The 16 pixels of row `y` of tile `frame` as nibbles, leftmost pixel in
    /// the top nibble: pixel `x` is `(row >> (60 - 4 * x)) & 15`.
    #[inline]
    pub fn row(&self, frame: u8, y: u8) -> u64 {
        u64::from_be_bytes(*self.row_bytes(frame, y))
    }

    /// The 8 bytes of row `y` of tile `frame`, two pixels a byte, left one
    /// in the high nibble.
    #[inline]
    pub fn row_bytes(&self, frame: u8, y: u8) -> &'a [u8; 8] {
        let bank: &'a [u8; BANK_LEN] = self.0;
        // The offset is at most 15 * 128 + 15 * 8, so 8 bytes always follow.
        bank[Self::offset(frame, y)..]
            .first_chunk()
            .unwrap_or(&[0; 8])
    }

    /// The 16 pixels of column `x` of tile `frame`, top pixel in the top
    /// nibble: pixel `y` is `(column >> (60 - 4 * y)) & 15`.
    #[inline]
    pub fn column(&self, frame: u8, x: u8) -> u64 {
        let base = (frame as usize & 15) << 7 | (x as usize & 15) >> 1;
        let shift = if x & 1 == 0 { 4 } else { 0 };
        let mut column = 0u64;
        for y in 0..16 {
            let nibble = (self.0[base | y << 3] >> shift) & 0x0F;
            column = column << 4 | nibble as u64;
        }
        column
    }

    /// The 16 palette indices of row `y` of tile `frame` turned by
    /// `rotation`, in drawing order: destination pixel `x` is
    /// `(line >> (60 - 4 * x)) & 15`.
    ///
    /// ```
    /// use stage_core::{Bank, Rotation};
    /// let mut bytes = [0u8; 2048];
    /// bytes[0] = 0x12; // tile 0, row 0: pixels 1, 2, then 0s
    /// let bank = Bank::new(&bytes).unwrap();
    /// assert_eq!(bank.line(0, Rotation::Identity, 0), 0x1200_0000_0000_0000);
    /// assert_eq!(bank.line(0, Rotation::FlipX, 0), 0x0000_0000_0000_0021);
    /// assert_eq!(bank.line(0, Rotation::Transpose, 1), 0x2000_0000_0000_0000);
    /// ```
    #[inline]
    pub fn line(&self, frame: u8, rotation: Rotation, y: u8) -> u64 {
        // From the bits of the rotation code: bit 0 reads a column instead
        // of a row, bit 1 counts it from the other edge, and the parity of
        // the three bits reverses the pixels.
        let code = rotation.code();
        let at = if code & 2 != 0 { 15 - (y & 15) } else { y };
        let line = if code & 1 != 0 {
            self.column(frame, at)
        } else {
            self.row(frame, at)
        };
        if (code ^ code >> 1 ^ code >> 2) & 1 != 0 {
            reverse_nibbles(line)
        } else {
            line
        }
    }

    #[inline]
    fn offset(frame: u8, y: u8) -> usize {
        (frame as usize & 15) << 7 | (y as usize & 15) << 3
    }
}

/// The sixteen nibbles of `v` in reverse order.
#[inline]
fn reverse_nibbles(v: u64) -> u64 {
    let v = v.swap_bytes();
    ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_the_rotation_table() {
        let bytes: [u8; BANK_LEN] = core::array::from_fn(|i| (i as u32 * 37 + 11) as u8);
        let bank = Bank::new(&bytes).unwrap();
        for code in 0..8 {
            let rotation = Rotation::from_code(code);
            for frame in [0, 5, 15] {
                for y in 0..16 {
                    let line = bank.line(frame, rotation, y);
                    for x in 0..16u8 {
                        let (sx, sy) = rotation.source(x, y);
                        let got = (line >> (60 - 4 * u32::from(x))) as u8 & 15;
                        assert_eq!(
                            got,
                            bank.pixel(frame, sx, sy),
                            "rotation {code} frame {frame} ({x}, {y})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn nibbles_reverse() {
        assert_eq!(
            reverse_nibbles(0x0123_4567_89AB_CDEF),
            0xFEDC_BA98_7654_3210
        );
    }
}
