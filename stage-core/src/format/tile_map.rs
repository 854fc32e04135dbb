use super::FormatError;

/// Largest width or height of a grid or sprite layer, in 16-pixel cells:
/// the layer's pixel extent must fit in an `i16`.
pub const MAX_GRID_CELLS: u16 = 2047;

/// A grid's tile numbers, 4 bits per cell.
///
/// Cell (tx, ty) is in byte `(ty * width + tx) >> 1`: the high nibble when
/// `tx` is even, the low nibble when it is odd. With an even width this is
/// plain row-major packing. With an odd width rows alias exactly like the
/// original engine's (cell (0, 1) of a 3-wide map reads the nibble of
/// cell (2, 0)); stage.py avoids that by rounding the width up to even.
///
/// ```
/// use stage_core::TileMap;
/// let mut map = TileMap::new([0u8; 8], 4, 4).unwrap();
/// map.set_tile(1, 2, 7).unwrap();
/// assert_eq!(map.as_bytes()[4], 0x07);
/// assert_eq!(map.tile(1, 2), 7);
/// assert!(TileMap::new([0u8; 7], 4, 4).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TileMap<B> {
    data: B,
    width: u16,
    height: u16,
}

/// Bytes a tile map of this size needs: `ceil(width * height / 2)`.
pub(crate) const fn map_bytes(width: u16, height: u16) -> usize {
    (width as usize * height as usize).div_ceil(2)
}

impl<B: AsRef<[u8]>> TileMap<B> {
    /// Views `data` as a `width` x `height` map. Each side must be at most
    /// [`MAX_GRID_CELLS`], and `data` at least `ceil(width * height / 2)`
    /// bytes long (longer is fine).
    pub fn new(data: B, width: u16, height: u16) -> Result<Self, FormatError> {
        if width > MAX_GRID_CELLS || height > MAX_GRID_CELLS {
            return Err(FormatError::TooLarge {
                max: MAX_GRID_CELLS,
            });
        }
        let needed = map_bytes(width, height);
        let len = data.as_ref().len();
        if len < needed {
            return Err(FormatError::MapTooShort { needed, len });
        }
        Ok(TileMap {
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

    /// The tile number of cell (tx, ty). Cells outside the map follow the
    /// same byte arithmetic; bytes past the end of the buffer read as 0.
    #[inline]
    pub fn tile(&self, tx: u16, ty: u16) -> u8 {
        let index = (ty as usize * self.width as usize + tx as usize) >> 1;
        let byte = self.data.as_ref().get(index).copied().unwrap_or(0);
        if tx & 1 == 0 {
            byte >> 4
        } else {
            byte & 0x0F
        }
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_ref()
    }

    /// A borrowed view of the same map, without checking again.
    pub fn as_view(&self) -> TileMap<&[u8]> {
        TileMap {
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

impl<B: AsRef<[u8]> + AsMut<[u8]>> TileMap<B> {
    /// Sets cell (tx, ty), which must lie inside the map, to `tile` (0..=15).
    pub fn set_tile(&mut self, tx: u16, ty: u16, tile: u8) -> Result<(), FormatError> {
        if tile > 15 {
            return Err(FormatError::TileOutOfRange { tile });
        }
        if tx >= self.width || ty >= self.height {
            return Err(FormatError::CellOutOfBounds);
        }
        let index = (ty as usize * self.width as usize + tx as usize) >> 1;
        let byte = self
            .data
            .as_mut()
            .get_mut(index)
            .ok_or(FormatError::CellOutOfBounds)?;
        *byte = if tx & 1 == 0 {
            (*byte & 0x0F) | tile << 4
        } else {
            (*byte & 0xF0) | tile
        };
        Ok(())
    }
}
