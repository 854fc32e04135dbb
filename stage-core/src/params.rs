//! What to render: the rectangle, scale, viewport and background.

use core::fmt;
use core::num::NonZeroU8;

use crate::WireColor;

/// Why render parameters were refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ParamError {
    /// Rectangle coordinates must be `0..=32767` ([`Rect::MAX_COORD`]).
    CoordinateOutOfRange {
        /// The value given.
        value: i32,
    },
    /// The scale must be `1..=255`.
    ScaleOutOfRange {
        /// The value given.
        value: i32,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParamError::CoordinateOutOfRange { value } => {
                write!(f, "render coordinates must be 0..=32767 (got {value})")
            }
            ParamError::ScaleOutOfRange { value } => {
                write!(f, "scale must be 1..=255 (got {value})")
            }
        }
    }
}

impl core::error::Error for ParamError {}

/// The rectangle `[x0, x1) x [y0, y1)` to render, in logical screen pixels.
///
/// A rectangle with `x1 <= x0` or `y1 <= y0` is empty and renders nothing.
///
/// ```
/// use stage_core::Rect;
/// let r = Rect::new(0, 0, 128, 128).unwrap();
/// assert_eq!((r.width(), r.height()), (128, 128));
/// assert!(Rect::new(0, 0, 40000, 1).is_err());
/// assert!(Rect::new(5, 0, 2, 1).unwrap().is_empty());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rect {
    x0: u16,
    y0: u16,
    x1: u16,
    y1: u16,
}

impl Rect {
    /// The largest coordinate accepted.
    pub const MAX_COORD: u16 = 32767;

    /// The rectangle `[x0, x1) x [y0, y1)`; each coordinate must be at most
    /// [`Rect::MAX_COORD`].
    pub fn new(x0: u16, y0: u16, x1: u16, y1: u16) -> Result<Self, ParamError> {
        for value in [x0, y0, x1, y1] {
            if value > Self::MAX_COORD {
                return Err(ParamError::CoordinateOutOfRange {
                    value: value.into(),
                });
            }
        }
        Ok(Rect { x0, y0, x1, y1 })
    }

    /// The corners `(x0, y0, x1, y1)`; `x1` and `y1` are exclusive.
    pub fn corners(&self) -> (u16, u16, u16, u16) {
        (self.x0, self.y0, self.x1, self.y1)
    }

    /// Width in logical pixels (0 if empty).
    pub fn width(&self) -> u16 {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in logical pixels (0 if empty).
    pub fn height(&self) -> u16 {
        self.y1.saturating_sub(self.y0)
    }

    /// Whether the rectangle holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.width() == 0 || self.height() == 0
    }
}

/// Everything about a render except the layers and the buffer.
///
/// Defaults: scale 1, viewport (0, 0), no background (uncovered pixels carry
/// the transparency key `F8 1F`, as in the MicroPython engine). The
/// CircuitPython engine's stream is `with_background(Some(WireColor::BLACK))`
/// plus its viewport.
///
/// ```
/// use stage_core::{Rect, RenderParams, WireColor};
/// let params = RenderParams::new(Rect::new(0, 0, 160, 120).unwrap())
///     .with_scale(2)
///     .unwrap()
///     .with_viewport(16, 0)
///     .with_background(Some(WireColor::BLACK));
/// assert_eq!(params.stream_len(), 320 * 240 * 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RenderParams {
    rect: Rect,
    scale: NonZeroU8,
    viewport: (i16, i16),
    background: Option<WireColor>,
}

impl RenderParams {
    /// Renders `rect` at scale 1 with no viewport and no background.
    pub fn new(rect: Rect) -> Self {
        RenderParams {
            rect,
            scale: NonZeroU8::MIN,
            viewport: (0, 0),
            background: None,
        }
    }

    /// Sets the scale, `1..=255`: each logical pixel becomes a
    /// `scale` x `scale` block.
    pub fn with_scale(mut self, scale: u8) -> Result<Self, ParamError> {
        self.scale = NonZeroU8::new(scale).ok_or(ParamError::ScaleOutOfRange {
            value: i32::from(scale),
        })?;
        Ok(self)
    }

    /// Shifts world coordinates: screen pixel (x, y) shows world pixel
    /// (x + vx, y + vy), wrapping as `i16`.
    pub fn with_viewport(mut self, vx: i16, vy: i16) -> Self {
        self.viewport = (vx, vy);
        self
    }

    /// The colour of pixels no layer covers; `None` sends the transparency
    /// key `F8 1F`.
    pub fn with_background(mut self, background: Option<WireColor>) -> Self {
        self.background = background;
        self
    }

    /// The rectangle.
    pub fn rect(&self) -> Rect {
        self.rect
    }

    /// The scale.
    pub fn scale(&self) -> u8 {
        self.scale.get()
    }

    /// The scale, for divisions that cannot fail.
    pub(crate) fn scale_nonzero(&self) -> core::num::NonZeroU32 {
        self.scale.into()
    }

    /// The viewport.
    pub fn viewport(&self) -> (i16, i16) {
        self.viewport
    }

    /// The background.
    pub fn background(&self) -> Option<WireColor> {
        self.background
    }

    /// The colour sent for pixels no layer covers.
    pub fn fill(&self) -> WireColor {
        self.background.unwrap_or(WireColor::TRANSPARENT)
    }

    /// Width of one output row in pixels: the rectangle's width times the
    /// scale.
    pub fn output_width(&self) -> u32 {
        u32::from(self.rect.width()) * u32::from(self.scale.get())
    }

    /// Number of output rows: the rectangle's height times the scale.
    pub fn output_height(&self) -> u32 {
        u32::from(self.rect.height()) * u32::from(self.scale.get())
    }

    /// Total bytes of the stream: `2 * width * height * scale^2`.
    pub fn stream_len(&self) -> u64 {
        2 * u64::from(self.output_width()) * u64::from(self.output_height())
    }
}

/// The chunk size a buffer of `buffer_len` bytes gives: `2 * floor(len / 2)`.
pub const fn chunk_len(buffer_len: usize) -> usize {
    buffer_len & !1
}
