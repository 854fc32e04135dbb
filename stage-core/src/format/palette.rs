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
pub struct Palette<'a> {
    entries: &'a [[u8; 2]; 16],
    /// Whether the key counts as opaque ([`Palette::opaque`]).
    opaque: bool,
}

impl<'a> Palette<'a> {
    /// Views `bytes` as a palette; they must be exactly [`PALETTE_LEN`] long.
    pub fn new(bytes: &'a [u8]) -> Result<Self, FormatError> {
        let (entries, _) = bytes.as_chunks::<2>();
        match entries.try_into() {
            Ok(entries) if bytes.len() == PALETTE_LEN => Ok(Self::from_entries(entries)),
            _ => Err(FormatError::PaletteLength { len: bytes.len() }),
        }
    }

    /// Views sixteen entries; cannot fail.
    pub const fn from_entries(entries: &'a [[u8; 2]; 16]) -> Self {
        Palette {
            entries,
            opaque: false,
        }
    }

    /// Views sixteen entries that are all painted, the transparency key
    /// included: what a layer with nothing behind it shows (the renderer
    /// paints the back-most layer of a row this way, with the background
    /// in its transparent entries).
    ///
    /// ```
    /// use stage_core::Palette;
    /// let entries = [[0xF8, 0x1F]; 16];
    /// assert_eq!(Palette::from_entries(&entries).transparent_mask(), 0xFFFF);
    /// assert_eq!(Palette::opaque(&entries).transparent_mask(), 0);
    /// ```
    pub const fn opaque(entries: &'a [[u8; 2]; 16]) -> Self {
        Palette {
            entries,
            opaque: true,
        }
    }

    /// The sixteen entries, each two bytes in wire order.
    pub const fn entries(&self) -> &'a [[u8; 2]; 16] {
        self.entries
    }

    /// Entry `index` (taken mod 16).
    #[inline]
    pub fn color(&self, index: u8) -> WireColor {
        WireColor(self.entries[index as usize & 15])
    }

    /// A mask of the transparent entries: bit `i` is set when entry `i` is
    /// [`WireColor::TRANSPARENT`] (none for an [`opaque`](Palette::opaque)
    /// palette). Worked out on each call: renderers that need it per row
    /// keep it.
    pub fn transparent_mask(&self) -> u16 {
        let mut transparent = 0;
        if !self.opaque {
            for (i, entry) in self.entries.iter().enumerate() {
                if WireColor(*entry).is_transparent() {
                    transparent |= 1 << i;
                }
            }
        }
        transparent
    }
}
