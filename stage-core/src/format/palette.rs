use super::FormatError;
use crate::WireColor;

/// Size of a palette in bytes: 16 RGB565 entries in wire order.
pub const PALETTE_LEN: usize = 32;

/// Sixteen colours, each two bytes in wire order (RGB565, high byte first).
///
/// An entry holding [`WireColor::TRANSPARENT`] (`F8 1F`) is see-through.
///
/// ```
/// use stage_core::{Palette, WireColor};
/// let mut bytes = [0u8; 32];
/// bytes[2..4].copy_from_slice(&[0xFC, 0xE0]);
/// let palette = Palette::new(&bytes).unwrap();
/// assert_eq!(palette.color(1), WireColor::from_rgb565(0xFCE0));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Palette<'a>(&'a [u8; PALETTE_LEN]);

impl<'a> Palette<'a> {
    /// Views `bytes` as a palette; they must be exactly [`PALETTE_LEN`] long.
    pub fn new(bytes: &'a [u8]) -> Result<Self, FormatError> {
        match bytes.try_into() {
            Ok(array) => Ok(Palette(array)),
            Err(_) => Err(FormatError::PaletteLength { len: bytes.len() }),
        }
    }

    /// Views an array of the right size; cannot fail.
    pub const fn from_array(bytes: &'a [u8; PALETTE_LEN]) -> Self {
        Palette(bytes)
    }

    /// The underlying bytes.
    pub const fn as_bytes(&self) -> &'a [u8; PALETTE_LEN] {
        self.0
    }

    /// Entry `index` (taken mod 16).
    #[inline]
    pub fn color(&self, index: u8) -> WireColor {
        let at = (index as usize & 15) << 1;
        WireColor([self.0[at], self.0[at | 1]])
    }
}
