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
    /// Bit `i` is set when entry `i` is transparent: worked out when the
    /// palette is viewed, for the fast painter, which asks for it every row.
    #[cfg(not(feature = "small"))]
    transparent: u16,
    /// Whether the key counts as opaque ([`Palette::opaque`]). The small
    /// painter's builds (whose MicroPython module views the palette of every
    /// layer before every chunk, and rarely asks for the mask) work the mask
    /// out when asked.
    #[cfg(feature = "small")]
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
            #[cfg(not(feature = "small"))]
            transparent: mask_of(entries),
            #[cfg(feature = "small")]
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
            #[cfg(not(feature = "small"))]
            transparent: 0,
            #[cfg(feature = "small")]
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
    /// palette).
    #[inline]
    pub const fn transparent_mask(&self) -> u16 {
        #[cfg(not(feature = "small"))]
        return self.transparent;
        #[cfg(feature = "small")]
        if self.opaque {
            0
        } else {
            mask_of(self.entries)
        }
    }
}

/// Bit `i` set for each transparent entry `i`.
const fn mask_of(entries: &[[u8; 2]; 16]) -> u16 {
    let mut transparent = 0;
    let mut i = 0;
    while i < 16 {
        if WireColor(entries[i]).is_transparent() {
            transparent |= 1 << i;
        }
        i += 1;
    }
    transparent
}
