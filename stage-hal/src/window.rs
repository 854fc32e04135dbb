//! Windows: the rectangle of panel pixels that pixel data fills.

use core::fmt;

use stage_core::{Rect, RenderParams};

use crate::panel::Panel;

/// A rectangle of panel pixels `[x0, x1) x [y0, y1)` (visible coordinates,
/// before the panel's offsets): where pixel data goes after CASET, RASET
/// and RAMWR, row by row.
///
/// ```
/// use stage_hal::{panels, Window};
/// let window = Window::new(0, 0, 2, 1);
/// assert_eq!((window.width(), window.height()), (2, 1));
/// // The uGame 10's panel adds its offsets (3, 2) to the CASET and RASET
/// // parameters, whose ends are inclusive:
/// assert_eq!(
///     panels::UGAME10.window_params(window),
///     ([0, 3, 0, 4], [0, 2, 0, 2])
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Window {
    /// Left column.
    pub x0: u16,
    /// Top row.
    pub y0: u16,
    /// Column after the right one.
    pub x1: u16,
    /// Row after the bottom one.
    pub y1: u16,
}

impl Window {
    /// The window `[x0, x1) x [y0, y1)`.
    pub const fn new(x0: u16, y0: u16, x1: u16, y1: u16) -> Self {
        Window { x0, y0, x1, y1 }
    }

    /// Width in pixels (0 if empty).
    pub const fn width(&self) -> u16 {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in pixels (0 if empty).
    pub const fn height(&self) -> u16 {
        self.y1.saturating_sub(self.y0)
    }

    /// Bytes of RGB565 pixel data that fill it.
    pub const fn data_len(&self) -> u32 {
        2 * self.width() as u32 * self.height() as u32
    }
}

impl From<Rect> for Window {
    fn from(rect: Rect) -> Self {
        let (x0, y0, x1, y1) = rect.corners();
        Window { x0, y0, x1, y1 }
    }
}

/// A window that does not fit the panel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct OutOfBounds;

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("window does not fit the panel")
    }
}

impl core::error::Error for OutOfBounds {}

impl Panel {
    /// The window covering the output of `params` (its rectangle times its
    /// scale); `None` when the output is empty.
    ///
    /// ```
    /// use stage_core::{Rect, RenderParams};
    /// use stage_hal::{panels, Window};
    /// let params = RenderParams::new(Rect::new(10, 20, 30, 25)?).with_scale(2)?;
    /// assert_eq!(
    ///     panels::UGAME22.output_window(&params),
    ///     Ok(Some(Window::new(20, 40, 60, 50)))
    /// );
    /// # Ok::<(), stage_core::ParamError>(())
    /// ```
    pub fn output_window(&self, params: &RenderParams) -> Result<Option<Window>, OutOfBounds> {
        if params.rect().is_empty() {
            return Ok(None);
        }
        let (x0, y0, _, _) = params.rect().corners();
        let scale = u32::from(params.scale());
        let x0 = u32::from(x0) * scale;
        let y0 = u32::from(y0) * scale;
        let x1 = x0 + params.output_width();
        let y1 = y0 + params.output_height();
        let fit = |v: u32| u16::try_from(v).map_err(|_| OutOfBounds);
        let window = Window::new(fit(x0)?, fit(y0)?, fit(x1)?, fit(y1)?);
        self.check_window(window)?;
        Ok(Some(window))
    }

    /// Checks that `window` is non-empty and inside the visible area.
    pub fn check_window(&self, window: Window) -> Result<(), OutOfBounds> {
        let (width, height) = self.size();
        if window.x0 < window.x1
            && window.y0 < window.y1
            && window.x1 <= width
            && window.y1 <= height
        {
            Ok(())
        } else {
            Err(OutOfBounds)
        }
    }

    /// The CASET and RASET parameters for `window` (already checked):
    /// inclusive start and end plus the offsets, big-endian.
    pub fn window_params(&self, window: Window) -> ([u8; 4], [u8; 4]) {
        let (column, row) = self.offsets();
        let pair = |start: u16, end: u16, offset: u16| {
            let [a, b] = start.wrapping_add(offset).to_be_bytes();
            let [c, d] = end.wrapping_sub(1).wrapping_add(offset).to_be_bytes();
            [a, b, c, d]
        };
        (
            pair(window.x0, window.x1, column),
            pair(window.y0, window.y1, row),
        )
    }
}
