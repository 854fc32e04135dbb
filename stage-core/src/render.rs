//! The fast renderer, in push form.

use core::fmt;

use crate::{BufferTooSmall, ChunkRenderer, Layer, RenderParams};

/// Why a render stopped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RenderError<E> {
    /// The chunk buffer holds less than one pixel (2 bytes).
    BufferTooSmall(BufferTooSmall),
    /// The sink refused a chunk; nothing more was sent.
    Sink(E),
}

impl<E: fmt::Display> fmt::Display for RenderError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::BufferTooSmall(error) => error.fmt(f),
            RenderError::Sink(error) => write!(f, "sink failed: {error}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> core::error::Error for RenderError<E> {}

impl<E> From<BufferTooSmall> for RenderError<E> {
    fn from(error: BufferTooSmall) -> Self {
        RenderError::BufferTooSmall(error)
    }
}

/// Renders `params`' rectangle of the scene `layers` (front first) and hands
/// the RGB565 byte stream to `sink` in chunks of `2 * floor(len / 2)` bytes
/// of `buffer` (the last chunk may be shorter).
///
/// The stream is exactly the original engine's: row by row, each logical
/// row sent `scale` times and each logical pixel `scale` times, each pixel
/// the colour of the front-most opaque layer or else the background. The
/// first error of the sink stops the render and is returned.
///
/// ```
/// use stage_core::{render, Bank, Layer, Palette, Rect, RenderParams, Sprite};
/// let mut bank = [0u8; 2048];
/// bank[..128].fill(0x11); // tile 0: every pixel is palette entry 1
/// let mut palette = [0xF8, 0x1F].repeat(16); // all transparent...
/// palette[2..4].copy_from_slice(&[0x12, 0x34]); // ...but entry 1
/// let sprite = Sprite::new(Bank::new(&bank)?, Palette::new(&palette)?);
/// let layers = [Layer::from(sprite)];
///
/// let params = RenderParams::new(Rect::new(14, 0, 18, 1)?);
/// let mut stream = Vec::new();
/// let mut buffer = [0u8; 4];
/// render(&layers, &params, &mut buffer, |chunk| {
///     stream.extend_from_slice(chunk);
///     Ok::<(), ()>(())
/// })
/// .unwrap();
/// // Two sprite pixels, then two uncovered ones (the key F8 1F):
/// assert_eq!(stream, [0x12, 0x34, 0x12, 0x34, 0xF8, 0x1F, 0xF8, 0x1F]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
// Not inlined: the renderer's state (about 3 KiB) then lives only while a
// render runs, instead of once per call site in the caller's frame.
#[inline(never)]
pub fn render<E>(
    layers: &[Layer<'_>],
    params: &RenderParams,
    buffer: &mut [u8],
    mut sink: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), RenderError<E>> {
    let mut renderer = ChunkRenderer::new(layers, params);
    while let Some(chunk) = renderer.next_chunk(buffer)? {
        sink(chunk).map_err(RenderError::Sink)?;
    }
    Ok(())
}
