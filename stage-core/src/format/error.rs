use core::fmt;

/// Why a buffer or a size was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FormatError {
    /// A bank must be exactly [`BANK_LEN`](super::BANK_LEN) (2048) bytes.
    BankLength {
        /// The length given.
        len: usize,
    },
    /// A palette must be exactly [`PALETTE_LEN`](super::PALETTE_LEN) (32) bytes.
    PaletteLength {
        /// The length given.
        len: usize,
    },
    /// A font must be exactly [`FONT_LEN`](super::FONT_LEN) (2048) bytes.
    FontLength {
        /// The length given.
        len: usize,
    },
    /// A tile map needs `ceil(width * height / 2)` bytes.
    MapTooShort {
        /// Bytes needed for the map's size.
        needed: usize,
        /// The length given.
        len: usize,
    },
    /// Text cells need `width * height` bytes.
    CharsTooShort {
        /// Bytes needed for the text's size.
        needed: usize,
        /// The length given.
        len: usize,
    },
    /// A layer's width or height is too large for its pixel extent to fit
    /// in an `i16`.
    TooLarge {
        /// The largest accepted width or height, in cells.
        max: u16,
    },
    /// A sprite frame must be a tile of the bank, `0..=15`.
    FrameOutOfRange {
        /// The frame given.
        frame: u8,
    },
    /// A tile map cell holds a tile number `0..=15`.
    TileOutOfRange {
        /// The tile given.
        tile: u8,
    },
    /// A cell position lies outside the map or text.
    CellOutOfBounds,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FormatError::BankLength { len } => {
                write!(f, "graphic must be 2048 bytes long (got {len})")
            }
            FormatError::PaletteLength { len } => {
                write!(f, "palette must be 32 bytes long (got {len})")
            }
            FormatError::FontLength { len } => {
                write!(f, "font must be 2048 bytes long (got {len})")
            }
            FormatError::MapTooShort { needed, len } => {
                write!(f, "map buffer too small ({len} bytes, needs {needed})")
            }
            FormatError::CharsTooShort { needed, len } => {
                write!(f, "chars buffer too small ({len} bytes, needs {needed})")
            }
            FormatError::TooLarge { max } => write!(f, "width and height must be at most {max}"),
            FormatError::FrameOutOfRange { frame } => {
                write!(f, "frame must be 0..=15 (got {frame})")
            }
            FormatError::TileOutOfRange { tile } => write!(f, "tile must be 0..=15 (got {tile})"),
            FormatError::CellOutOfBounds => f.write_str("cell position out of bounds"),
        }
    }
}

impl core::error::Error for FormatError {}
