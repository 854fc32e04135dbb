//! Colours as they travel on the wire.

/// An RGB565 colour in the panel's wire order: the high byte first.
///
/// Palettes store their entries in this order already, so the renderer copies
/// them to the output verbatim.
///
/// ```
/// use stage_core::WireColor;
/// let orange = WireColor::from_rgb565(0xFCE0);
/// assert_eq!(orange.bytes(), [0xFC, 0xE0]);
/// assert_eq!(WireColor::from_rgb888(255, 0, 255), WireColor::TRANSPARENT);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[repr(transparent)]
pub struct WireColor(pub [u8; 2]);

impl WireColor {
    /// The transparency key, magenta `F8 1F`: a palette entry holding it is
    /// see-through, and it is what the stream carries where no layer is
    /// opaque and no background is set.
    pub const TRANSPARENT: WireColor = WireColor([0xF8, 0x1F]);
    /// Black, `00 00`.
    pub const BLACK: WireColor = WireColor([0x00, 0x00]);

    /// Makes a wire colour from an RGB565 value (`rrrrrggg gggbbbbb`).
    #[inline]
    pub const fn from_rgb565(value: u16) -> Self {
        WireColor(value.to_be_bytes())
    }

    /// Quantises a 24-bit colour the way stage's `color565` does: the top
    /// 5, 6 and 5 bits of red, green and blue.
    #[inline]
    pub const fn from_rgb888(r: u8, g: u8, b: u8) -> Self {
        Self::from_rgb565(((r as u16 & 0xF8) << 8) | ((g as u16 & 0xFC) << 3) | (b as u16 >> 3))
    }

    /// The RGB565 value of this colour.
    #[inline]
    pub const fn rgb565(self) -> u16 {
        u16::from_be_bytes(self.0)
    }

    /// The two bytes in wire order.
    #[inline]
    pub const fn bytes(self) -> [u8; 2] {
        self.0
    }

    /// Whether this is the transparency key.
    #[inline]
    pub const fn is_transparent(self) -> bool {
        u16::from_ne_bytes(self.0) == u16::from_ne_bytes(Self::TRANSPARENT.0)
    }

    /// Expands to 8-bit red, green and blue (low bits filled by repeating the
    /// high bits), for previews on a PC.
    pub const fn to_rgb888(self) -> [u8; 3] {
        let v = self.rgb565();
        let r = ((v >> 11) & 0x1F) as u8;
        let g = ((v >> 5) & 0x3F) as u8;
        let b = (v & 0x1F) as u8;
        [
            (r << 3) | (r >> 2),
            (g << 2) | (g >> 4),
            (b << 3) | (b >> 2),
        ]
    }
}
