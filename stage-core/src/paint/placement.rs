//! Where a layer lies on the screen, and which part of a row it covers.

use crate::Footprint;

/// Where a layer lies on the screen: the screen pixel its top-left corner
/// is drawn at, and its size. Screen pixel (x, y) shows layer pixel
/// (x - left, y - top), which is exactly the original's `i16` wrap-around
/// arithmetic for screen coordinates in `0..=32767`.
#[derive(Clone, Copy)]
pub(crate) struct Placement {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
}

impl Placement {
    /// The placement of a layer at `footprint` (world pixels) seen through
    /// `viewport`.
    #[inline]
    pub fn of(footprint: &Footprint, viewport: (i16, i16)) -> Self {
        Placement {
            left: footprint.x.wrapping_sub(viewport.0).into(),
            top: footprint.y.wrapping_sub(viewport.1).into(),
            width: footprint.width.into(),
            height: footprint.height.into(),
        }
    }

    /// Whether the layer covers any pixel of rows `top..=bottom` within
    /// columns `left..right`.
    #[inline]
    pub fn meets(&self, left: i32, right: i32, top: i32, bottom: i32) -> bool {
        self.top <= bottom
            && self.top + self.height > top
            && self.left < right
            && self.left + self.width > left
    }

    /// The part of screen row `y` the layer covers within a row of `len`
    /// pixels starting at screen column `x`: the layer's row and column
    /// of its first covered pixel, and the covered range of the row.
    /// `None` if it covers none of it.
    #[inline(always)]
    pub fn span(&self, y: i32, x: i32, len: usize) -> Option<Span> {
        let ly = y - self.top;
        if ly < 0 || ly >= self.height {
            return None;
        }
        let begin = x.max(self.left);
        let end = (x + len as i32).min(self.left + self.width);
        if begin >= end {
            return None;
        }
        Some(Span {
            lx: (begin - self.left) as u16,
            ly: ly as u16,
            begin: (begin - x) as usize,
            end: (end - x) as usize,
        })
    }
}

/// The part of a row a layer covers (see [`Placement::span`]).
#[derive(Clone, Copy)]
pub(crate) struct Span {
    /// The layer's column at the first covered pixel.
    pub lx: u16,
    /// The layer's row.
    pub ly: u16,
    /// The covered pixels of the row: `begin..end`.
    pub begin: usize,
    pub end: usize,
}
