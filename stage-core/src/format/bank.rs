use super::FormatError;

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

    #[inline]
    fn offset(frame: u8, y: u8) -> usize {
        (frame as usize & 15) << 7 | (y as usize & 15) << 3
    }
}
