use super::FormatError;

/// Largest width or height of a text layer, in 8-pixel cells: the layer's
/// pixel extent must fit in an `i16`.
pub const MAX_TEXT_CELLS: u16 = 4095;

/// A text layer's cells: one byte each, row-major.
///
/// Bits 0..=6 are the glyph code; code 0 is an empty, transparent cell.
/// Bit 7 highlights the glyph: its pixel values index palette entries 4..=7
/// instead of 0..=3.
///
/// ```
/// use stage_core::TextChars;
/// let mut chars = TextChars::new([0u8; 6], 3, 2).unwrap();
/// chars.set_char(2, 1, b'A' | 0x80).unwrap();
/// assert_eq!(chars.char(2, 1), 0xC1);
/// assert!(TextChars::new([0u8; 5], 3, 2).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TextChars<B> {
    data: B,
    width: u16,
    height: u16,
}

impl<B: AsRef<[u8]>> TextChars<B> {
    /// Views `data` as `width` x `height` cells. Each side must be at most
    /// [`MAX_TEXT_CELLS`] and `data` at least `width * height` bytes long.
    pub fn new(data: B, width: u16, height: u16) -> Result<Self, FormatError> {
        if width > MAX_TEXT_CELLS || height > MAX_TEXT_CELLS {
            return Err(FormatError::TooLarge {
                max: MAX_TEXT_CELLS,
            });
        }
        let needed = width as usize * height as usize;
        let len = data.as_ref().len();
        if len < needed {
            return Err(FormatError::CharsTooShort { needed, len });
        }
        Ok(TextChars {
            data,
            width,
            height,
        })
    }

    /// Width in cells.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Height in cells.
    pub fn height(&self) -> u16 {
        self.height
    }

    /// The byte of cell (tx, ty); bytes past the end of the buffer read as 0.
    #[inline]
    pub fn char(&self, tx: u16, ty: u16) -> u8 {
        let index = ty as usize * self.width as usize + tx as usize;
        self.data.as_ref().get(index).copied().unwrap_or(0)
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_ref()
    }

    /// A borrowed view of the same cells, without checking again.
    pub fn as_view(&self) -> TextChars<&[u8]> {
        TextChars {
            data: self.data.as_ref(),
            width: self.width,
            height: self.height,
        }
    }

    /// Gives the storage back.
    pub fn into_inner(self) -> B {
        self.data
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> TextChars<B> {
    /// Sets cell (tx, ty), which must lie inside the text, to `byte`.
    pub fn set_char(&mut self, tx: u16, ty: u16, byte: u8) -> Result<(), FormatError> {
        if tx >= self.width || ty >= self.height {
            return Err(FormatError::CellOutOfBounds);
        }
        let index = ty as usize * self.width as usize + tx as usize;
        let cell = self
            .data
            .as_mut()
            .get_mut(index)
            .ok_or(FormatError::CellOutOfBounds)?;
        *cell = byte;
        Ok(())
    }
}
