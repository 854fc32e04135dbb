//! The fast renderer, in pull form: one chunk at a time.

use core::fmt;

use crate::paint::{Painter, Pixel, RowPainter};
use crate::{Band, Layer, RenderParams};

/// Logical pixels of one row the renderer keeps between chunks, so that a
/// row repeated by the scale, or split between two chunks, is composed once.
pub const ROW_CACHE_PIXELS: usize = 256;

/// The buffer given for a chunk holds less than one pixel (2 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BufferTooSmall;

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("buffer must hold at least 2 bytes")
    }
}

impl core::error::Error for BufferTooSmall {}

/// Renders a rectangle of a scene chunk by chunk into buffers the caller
/// passes each time: the pull form of [`crate::render`], giving the same
/// bytes.
///
/// Each call fills `2 * floor(len / 2)` bytes of the buffer it is given
/// (less for the last chunk) and returns them, or `None` once the
/// rectangle is done, so a caller can alternate two buffers while DMA sends
/// the other one.
///
/// The renderer borrows the scene for as long as it lives: what it derives
/// from the layers and keeps between chunks (the row being sent, the layers
/// crossing the current rows, colour tables) can't go stale, because
/// neither the layers nor the bytes they view can change meanwhile. A
/// caller that must look its layers up afresh before every chunk uses
/// [`RenderState`] instead.
///
/// The renderer is about 3 KiB (a row of 256 pixels and two 1 KiB colour
/// tables; about 0.6 KiB with the `small` feature): keep it in a static or
/// on a roomy stack on small microcontrollers.
///
/// ```
/// use stage_core::{ChunkRenderer, Layer, Rect, RenderParams};
/// let layers: [Layer; 0] = [];
/// let params = RenderParams::new(Rect::new(0, 0, 10, 3).unwrap());
/// let mut renderer = ChunkRenderer::new(&layers, &params);
/// let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
/// let mut sizes = Vec::new();
/// loop {
///     let buffer = if sizes.len() % 2 == 0 { &mut a } else { &mut b };
///     match renderer.next_chunk(buffer).unwrap() {
///         Some(chunk) => sizes.push(chunk.len()),
///         None => break,
///     }
/// }
/// assert_eq!(sizes, [16, 16, 16, 12]);
/// ```
///
/// The borrow is what keeps the renderer's tables right:
///
/// ```compile_fail
/// use stage_core::{Bank, ChunkRenderer, Layer, Palette, Rect, RenderParams, Sprite};
/// let bank = [0u8; 2048];
/// let mut palette = [0u8; 32];
/// let sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
/// let layers = [Layer::from(sprite)];
/// let params = RenderParams::new(Rect::new(0, 0, 16, 16).unwrap());
/// let mut renderer = ChunkRenderer::new(&layers, &params);
/// renderer.next_chunk(&mut [0; 64]).unwrap();
/// palette[2] = 0xFF; // error: `palette` is borrowed by the scene being rendered
/// renderer.next_chunk(&mut [0; 64]).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct ChunkRenderer<'s, 'a> {
    layers: &'s [Layer<'a>],
    state: RenderState,
}

impl<'s, 'a> ChunkRenderer<'s, 'a> {
    /// A renderer of `params`' rectangle of the scene `layers` (front
    /// first), at its start.
    pub fn new(layers: &'s [Layer<'a>], params: &RenderParams) -> Self {
        ChunkRenderer {
            layers,
            state: RenderState::new(params),
        }
    }

    /// The parameters being rendered.
    pub fn params(&self) -> &RenderParams {
        self.state.params()
    }

    /// Whether every chunk has been produced.
    pub fn is_done(&self) -> bool {
        self.state.is_done()
    }

    /// Bytes of the stream not produced yet.
    pub fn remaining_len(&self) -> u64 {
        self.state.remaining_len()
    }

    /// Fills the next chunk into `buffer` and returns it, or `None` when the
    /// rectangle is done.
    #[inline]
    pub fn next_chunk<'b>(
        &mut self,
        buffer: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, BufferTooSmall> {
        self.state.next_chunk(self.layers, Scene::Unchanged, buffer)
    }
}

/// What a caller of [`RenderState::next_chunk`] vouches for about the scene
/// it passes, compared with the previous chunk's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Scene {
    /// The same layers in the same order, viewing the same bytes, none of
    /// them changed: what the renderer derived from them stays valid.
    Unchanged,
    /// Anything may have changed (a layer, its position, the bytes of a
    /// palette, a map or a graphic): the chunk is made afresh and shows the
    /// scene as it is now.
    Changed,
}

/// The state of a render between chunks, for callers that look their
/// layers up afresh before each chunk (as the MicroPython module must:
/// Python code runs between chunks and may change anything).
///
/// The same stream as [`ChunkRenderer`], which wraps this; the caller
/// passes the scene with every chunk and says whether it is the previous
/// chunk's ([`Scene`]). A scene declared [`Scene::Changed`] shows from that
/// chunk on, exactly as a new render would show it from there. A layer
/// that doesn't reach the rows of [`RenderState::next_band`] may be left
/// out of the scene for the next chunk without changing a byte.
///
/// ```
/// use stage_core::{reaches, Bank, Layer, Palette, Rect, RenderParams, RenderState, Scene, Sprite};
/// let bank = [0x11u8; 2048]; // every pixel shows palette entry 1
/// let mut palette = [0u8; 32];
/// let params = RenderParams::new(Rect::new(0, 0, 16, 4).unwrap());
/// let mut state = RenderState::new(&params);
/// let (mut stream, mut buffer) = (Vec::new(), [0u8; 32]);
/// for colour in [0x11, 0x22, 0x33, 0x44] {
///     palette[2] = colour; // changed between chunks...
///     let sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
///     let layers = [Layer::from(sprite)];
///     let band = state.next_band(32).unwrap();
///     assert!(reaches(&layers[0].footprint(), &params, band));
///     // ...so the scene is declared changed: each chunk shows its colour.
///     let chunk = state.next_chunk(&layers, Scene::Changed, &mut buffer).unwrap().unwrap();
///     stream.push(chunk[0]);
/// }
/// assert_eq!(stream, [0x11, 0x22, 0x33, 0x44]);
/// assert!(state.is_done());
/// ```
#[derive(Clone)]
pub struct RenderState {
    params: RenderParams,
    /// The rectangle's size and the scale, worked out once.
    size: Size,
    /// Where the next output pixel is: kept as logical coordinates and
    /// repeat counts, so that no step divides by the scale (small cores
    /// divide in software).
    at: Position,
    /// The band of rows the culling and the row cache belong to.
    band: Option<Band>,
    culling: <Painter as RowPainter>::Culling,
    rows: Rows,
}

/// The rectangle's width and height in logical pixels (height 0 if it is
/// empty), the scale, and the width of an output row.
#[derive(Clone, Copy, Debug)]
struct Size {
    width: u32,
    height: u32,
    scale: u32,
    out_width: u32,
}

impl Size {
    fn of(params: &RenderParams) -> Self {
        let rect = params.rect();
        let height = if rect.is_empty() { 0 } else { rect.height() };
        Size {
            width: u32::from(rect.width()),
            height: u32::from(height),
            scale: params.scale_nonzero().get(),
            out_width: params.output_width(),
        }
    }
}

/// An output pixel: logical row `y` (relative to the rectangle's top),
/// sent for the `rep`-th time, and logical column `x` (relative to its
/// left), sent `phase` times already.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Position {
    y: u32,
    rep: u32,
    x: u32,
    phase: u32,
}

/// What composing rows keeps between chunks.
#[derive(Clone)]
struct Rows {
    cache: RowCache,
    scratch: <Painter as RowPainter>::Scratch,
}

#[derive(Clone)]
struct RowCache {
    valid: bool,
    /// Logical row, relative to the rectangle's top.
    y: u32,
    /// Logical column of `pixels[0]`, relative to the rectangle's left.
    start: u32,
    len: u32,
    pixels: [CachePixel; ROW_CACHE_PIXELS],
}

/// A pixel as the painter writes it.
type CachePixel = <Painter as RowPainter>::Pixel;

/// A row of zero pixels.
const BLANK_ROW: [CachePixel; ROW_CACHE_PIXELS] = [CachePixel::ZERO; ROW_CACHE_PIXELS];

impl fmt::Debug for RenderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What it derived from the scene (a row of pixels, colour tables) is left out.
        f.debug_struct("RenderState")
            .field("params", &self.params)
            .field("row", &self.at.y)
            .field("band", &self.band)
            .field("remaining_len", &self.remaining_len())
            .finish_non_exhaustive()
    }
}

impl RowCache {
    fn holds(&self, y: u32, x: u32) -> bool {
        self.valid && self.y == y && x >= self.start && x < self.start + self.len
    }
}

impl RenderState {
    /// A render of `params`' rectangle at its start.
    pub fn new(params: &RenderParams) -> Self {
        RenderState {
            params: *params,
            size: Size::of(params),
            at: Position {
                y: 0,
                rep: 0,
                x: 0,
                phase: 0,
            },
            band: None,
            culling: Painter::NO_CULLING,
            rows: Rows {
                cache: RowCache {
                    valid: false,
                    y: 0,
                    start: 0,
                    len: 0,
                    // A constant: zeroed in place (a repeat expression of arrays
                    // can be built in a temporary and copied).
                    pixels: BLANK_ROW,
                },
                scratch: Painter::SCRATCH,
            },
        }
    }

    /// The parameters being rendered.
    pub fn params(&self) -> &RenderParams {
        &self.params
    }

    /// Whether every chunk has been produced.
    pub fn is_done(&self) -> bool {
        self.at.y >= self.size.height
    }

    /// Bytes of the stream not produced yet.
    pub fn remaining_len(&self) -> u64 {
        if self.is_done() {
            return 0;
        }
        let scale = u64::from(self.params.scale());
        let width = u64::from(self.params.output_width());
        let rows_left = (u64::from(self.params.rect().height()) - u64::from(self.at.y)) * scale
            - u64::from(self.at.rep);
        let sent = u64::from(self.at.x) * scale + u64::from(self.at.phase);
        2 * (rows_left * width - sent)
    }

    /// The logical row, relative to the rectangle's top, that the next chunk
    /// starts in (the rectangle's height once it is done).
    ///
    /// ```
    /// use stage_core::{Rect, RenderParams, RenderState, Scene};
    /// let params = RenderParams::new(Rect::new(0, 0, 10, 4).unwrap());
    /// let mut state = RenderState::new(&params);
    /// state.next_chunk(&[], Scene::Unchanged, &mut [0; 50]).unwrap(); // 25 pixels: rows 0 to 2
    /// assert_eq!(state.row(), 2);
    /// ```
    pub fn row(&self) -> u32 {
        self.at.y
    }

    /// The band of logical rows the next chunk into a buffer of
    /// `buffer_len` bytes falls in (`None` when the rectangle is done or the
    /// buffer holds no pixel): a layer that doesn't [`reaches`](crate::reaches)
    /// it may be left out of that chunk's scene. The band stays the same
    /// from chunk to chunk while the chunks fall in it.
    pub fn next_band(&self, buffer_len: usize) -> Option<Band> {
        let pixels = buffer_len / 2;
        if pixels == 0 || self.is_done() {
            return None;
        }
        Some(self.band_for(pixels))
    }

    /// The band a chunk of `pixels` output pixels from here falls in: the
    /// current one if it holds the chunk, else a new one.
    fn band_for(&self, pixels: usize) -> Band {
        let (first, last) = self.rows_reached(pixels);
        match self.band {
            Some(band) if band.holds(first, last) => band,
            _ => Band::around(first, last),
        }
    }

    /// The logical rows a chunk of `pixels` output pixels from here reaches
    /// (the rectangle is not done): found by stepping, not dividing.
    fn rows_reached(&self, pixels: usize) -> (u32, u32) {
        let Size {
            height,
            scale,
            out_width,
            ..
        } = self.size;
        let out_width = out_width as usize;
        let first = self.at.y;
        let (mut last, mut rep) = (self.at.y, self.at.rep);
        let mut left = (self.at.x * scale + self.at.phase) as usize + pixels;
        while left > out_width && last < height {
            left -= out_width;
            rep += 1;
            if rep == scale {
                (rep, last) = (0, last + 1);
            }
        }
        (first, last.min(height - 1))
    }

    /// Fills the next chunk of the scene `layers` (front first) into
    /// `buffer` and returns it, or `None` when the rectangle is done.
    /// `scene` says whether `layers` is the previous chunk's scene,
    /// unchanged.
    pub fn next_chunk<'b>(
        &mut self,
        layers: &[Layer<'_>],
        scene: Scene,
        buffer: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, BufferTooSmall> {
        let (pixels, _) = buffer.as_chunks_mut::<2>();
        if pixels.is_empty() {
            return Err(BufferTooSmall);
        }
        if self.is_done() {
            return Ok(None);
        }
        if scene == Scene::Changed {
            self.rows.cache.valid = false;
            Painter::clear(&mut self.rows.scratch);
        }
        let band = self.band_for(pixels.len());
        if scene == Scene::Changed || self.band != Some(band) {
            self.band = Some(band);
            self.culling = Painter::cull(layers, &self.params, band);
        }

        let Size {
            width,
            height,
            scale,
            out_width,
        } = self.size;
        let mut count = 0;
        let mut rest = &mut pixels[..];
        while !rest.is_empty() && self.at.y < height {
            let col = self.at.x * scale + self.at.phase;
            let n = rest.len().min(out_width.saturating_sub(col) as usize);
            let (segment, tail) = rest.split_at_mut(n);
            (self.at.x, self.at.phase) = self.rows.emit_segment(
                &self.params,
                self.size,
                self.at,
                layers,
                &self.culling,
                segment,
            );
            rest = tail;
            count += n;
            if self.at.x >= width {
                (self.at.x, self.at.phase) = (0, 0);
                self.at.rep += 1;
                if self.at.rep == scale {
                    (self.at.rep, self.at.y) = (0, self.at.y + 1);
                }
            }
        }
        let buffer: &'b [u8] = buffer;
        Ok(Some(buffer.get(..2 * count).unwrap_or_default()))
    }
}

impl Rows {
    /// Emits `out.len()` output pixels of a row from position `at` on and
    /// returns the logical column and phase reached.
    fn emit_segment(
        &mut self,
        params: &RenderParams,
        size: Size,
        at: Position,
        layers: &[Layer<'_>],
        culling: &<Painter as RowPainter>::Culling,
        out: &mut [[u8; 2]],
    ) -> (u32, u32) {
        let Size { width, scale, .. } = size;
        let (x0, y0, _, _) = params.rect().corners();
        let (y, mut x, mut phase) = (at.y, at.x, at.phase);
        let screen_y = i32::from(y0) + y as i32;
        let screen_x = |x: u32| i32::from(x0) + x as i32;
        let whole_row = x == 0 && out.len() == width as usize;
        if scale == 1 && (Painter::IN_PLACE_SEGMENTS || whole_row) {
            if let Some(pixels) = CachePixel::view(out) {
                // Unscaled: composed in place, no copy.
                let scratch = &mut self.scratch;
                Painter::compose(
                    params,
                    scratch,
                    layers,
                    culling,
                    screen_y,
                    screen_x(x),
                    pixels,
                );
                return (x + pixels.len() as u32, 0);
            }
        }
        let mut rest = out;
        while !rest.is_empty() {
            if !self.cache.holds(y, x) {
                let len = width.saturating_sub(x).min(ROW_CACHE_PIXELS as u32);
                let cache = &mut self.cache;
                (cache.valid, cache.y, cache.start, cache.len) = (true, y, x, len);
                let row = cache.pixels.get_mut(..len as usize).unwrap_or_default();
                let scratch = &mut self.scratch;
                Painter::compose(params, scratch, layers, culling, screen_y, screen_x(x), row);
            }
            let cache = &self.cache;
            let cached = cache
                .pixels
                .get((x - cache.start) as usize..cache.len as usize)
                .unwrap_or_default();
            // Output pixels the cache can serve from here on.
            let available = (cached.len() as u32 * scale).saturating_sub(phase);
            let n = rest.len().min(available as usize);
            if n == 0 {
                break;
            }
            let (dst, tail) = rest.split_at_mut(n);
            let (advanced, new_phase) = Painter::replicate(cached, phase, scale, dst);
            (x, phase) = (x + advanced, new_phase);
            rest = tail;
        }
        (x, phase)
    }
}

#[cfg(test)]
mod tests {
    use super::{CachePixel, Painter, Pixel, RowPainter};

    fn px(v: u8) -> CachePixel {
        CachePixel::from_wire([v, 0])
    }

    fn run(src: &[u8], phase: u32, scale: u32, len: usize) -> Vec<u8> {
        let src: Vec<CachePixel> = src.iter().map(|&v| px(v)).collect();
        let mut dst = vec![[0xFF, 0xFF]; len];
        Painter::replicate(&src, phase, scale, &mut dst);
        dst.iter().map(|px| px[0]).collect()
    }

    #[test]
    fn pixels_are_repeated_scale_times_from_the_phase_on() {
        assert_eq!(run(&[1, 2, 3], 0, 1, 3), [1, 2, 3]);
        assert_eq!(run(&[1, 2, 3], 0, 2, 6), [1, 1, 2, 2, 3, 3]);
        assert_eq!(run(&[1, 2, 3], 1, 2, 4), [1, 2, 2, 3]);
        assert_eq!(run(&[1, 2], 2, 3, 4), [1, 2, 2, 2]);
        assert_eq!(run(&[1, 2, 3], 0, 5, 11), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
        assert_eq!(run(&[7, 8], 3, 4, 3), [7, 8, 8]);
    }

    #[test]
    fn progress_is_counted_in_logical_pixels_and_phase() {
        let src = [px(1), px(2), px(3), px(4)];
        let mut dst = [[0, 0]; 16];
        let mut replicate =
            |phase, scale, len| Painter::replicate(&src, phase, scale, &mut dst[..len]);
        assert_eq!(replicate(0, 1, 3), (3, 0));
        assert_eq!(replicate(0, 2, 5), (2, 1));
        assert_eq!(replicate(1, 2, 1), (1, 0));
        assert_eq!(replicate(0, 3, 2), (0, 2));
        assert_eq!(replicate(2, 3, 8), (3, 1));
        assert_eq!(replicate(0, 5, 15), (3, 0));
        assert_eq!(replicate(4, 7, 10), (2, 0));
    }

    #[test]
    fn a_misaligned_output_is_written_byte_by_byte() {
        // One byte in: the output can't be viewed as words.
        let src = [px(1), px(2)];
        let mut bytes = [0u8; 9];
        let (pairs, _) = bytes[1..].as_chunks_mut::<2>();
        assert_eq!(Painter::replicate(&src, 0, 2, pairs), (2, 0));
        assert_eq!(bytes, [0, 1, 0, 1, 0, 2, 0, 2, 0]);
    }
}
