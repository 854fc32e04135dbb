//! Culling: which layers can reach which rows of a render.
//!
//! A render is made chunk by chunk, and a chunk covers a few consecutive
//! logical rows. The renderer works out, once per [`Band`] of rows, which
//! layers [`reaches`] those rows and paints only those; a caller that looks
//! its layers up itself (the MicroPython module, which must look every
//! buffer up again before each chunk) asks the renderer for the band of the
//! next chunk ([`RenderState::next_band`](crate::RenderState::next_band))
//! and leaves out the layers that don't reach it. Both use the one rule
//! here, so leaving a layer out never changes a byte.

use crate::paint::Placement;
use crate::{Footprint, RenderParams};

/// Logical rows `first..=last` of a render's rectangle, counted from its
/// top: the rows one or more chunks fall in.
///
/// ```
/// use stage_core::Band;
/// let band = Band::new(4, 11);
/// assert!(band.holds(6, 9));
/// assert!(!band.holds(10, 12));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Band {
    first: u32,
    last: u32,
}

impl Band {
    /// Rows a band starts on a multiple of, and half the length of a
    /// band made for a small chunk.
    pub const ROWS: u32 = 4;

    /// Rows `first..=last` (`last` is raised to `first` if below it).
    pub const fn new(first: u32, last: u32) -> Self {
        Band {
            first,
            last: if last < first { first } else { last },
        }
    }

    /// The band for a chunk reaching rows `first..=last`: from `first`
    /// rounded down to a multiple of [`Band::ROWS`], at least
    /// `2 * Band::ROWS` rows long, so that it holds the chunks that follow
    /// for a few rows too.
    pub const fn around(first: u32, last: u32) -> Self {
        let start = first & !(Self::ROWS - 1);
        let min_last = start + 2 * Self::ROWS - 1;
        Band::new(start, if last > min_last { last } else { min_last })
    }

    /// The first row.
    pub const fn first(&self) -> u32 {
        self.first
    }

    /// The last row (inclusive).
    pub const fn last(&self) -> u32 {
        self.last
    }

    /// Whether rows `first..=last` all lie in the band.
    pub const fn holds(&self, first: u32, last: u32) -> bool {
        self.first <= first && last <= self.last
    }
}

/// Whether a layer lying at `footprint` can show a pixel in the rows `band`
/// of the rectangle `params` renders, within its columns.
///
/// Exact, wrap-around included: screen coordinates are at most 32767 and a
/// layer's extent at most 32767 pixels, so the original's 16-bit offsets
/// are plain differences here. A layer for which this is false can be left
/// out of the scene for those rows without changing a byte of the stream.
/// (A rectangle without columns renders nothing; for one, a layer that
/// spans its edge counts as reaching it.)
///
/// ```
/// use stage_core::{reaches, Band, Footprint, Rect, RenderParams};
/// let params = RenderParams::new(Rect::new(0, 0, 128, 128).unwrap());
/// let ball = Footprint { x: 40, y: 20, width: 16, height: 16 };
/// assert!(reaches(&ball, &params, Band::new(16, 23)));
/// assert!(!reaches(&ball, &params, Band::new(36, 43)));
/// // Scrolled by the viewport: world row 20 is screen row 0.
/// assert!(reaches(&ball, &params.with_viewport(0, 20), Band::new(0, 3)));
/// ```
#[inline]
pub fn reaches(footprint: &Footprint, params: &RenderParams, band: Band) -> bool {
    Region::of(params, band).reached_by(footprint)
}

/// The screen pixels of a band of rows within a render's columns, and the
/// viewport they show the world through: what [`reaches`] tests layers
/// against, worked out once for a whole scene.
#[derive(Clone, Copy)]
pub(crate) struct Region {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    viewport: (i16, i16),
}

impl Region {
    /// The rows `band` of the rectangle `params` renders.
    #[inline]
    pub fn of(params: &RenderParams, band: Band) -> Self {
        let (x0, y0, x1, _) = params.rect().corners();
        Region {
            left: i32::from(x0),
            right: i32::from(x1),
            top: i32::from(y0) + band.first() as i32,
            bottom: i32::from(y0) + band.last() as i32,
            viewport: params.viewport(),
        }
    }

    /// Whether a layer lying at `footprint` shows a pixel in the region.
    #[inline]
    pub fn reached_by(&self, footprint: &Footprint) -> bool {
        Placement::of(footprint, self.viewport).meets(self.left, self.right, self.top, self.bottom)
    }
}
