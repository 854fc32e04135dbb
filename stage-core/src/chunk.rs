//! The fast renderer, in pull form: one chunk at a time.

use core::fmt;
use core::num::NonZeroU32;

use crate::paint::{paint_layer, Mode, Placement, Scratch};
use crate::{Layer, RenderParams};

/// Logical pixels of one row the renderer keeps between chunks, so that a
/// row repeated by the scale, or split between two chunks, is composed once.
pub const ROW_CACHE_PIXELS: usize = 256;

/// Layers a band of rows can single out as crossing it. A band crossed by
/// more layers than this is still rendered exactly, testing every layer per
/// row.
const ACTIVE_LAYERS: usize = 64;

/// Logical rows whose crossing layers are found in one pass over the scene.
const BAND_ROWS: u32 = 8;

/// The buffer given for a chunk holds less than one pixel (2 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BufferTooSmall;

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("buffer must hold at least 2 bytes")
    }
}

impl core::error::Error for BufferTooSmall {}

/// Renders a rectangle chunk by chunk into buffers the caller passes each
/// time: the pull form of [`crate::render`], giving the same bytes.
///
/// Each call fills `2 * floor(len / 2)` bytes of the buffer it is given (less
/// for the last chunk) and returns them, or `None` once the rectangle is done.
/// The renderer holds no borrow between calls, so a caller can alternate two
/// buffers while DMA sends the other one, or look its layers up afresh before
/// every chunk.
///
/// Between calls it keeps what it derived from the layers: the row being
/// sent, the layers crossing the current band of rows, colour tables of the
/// palettes (known by their address). So pass the same scene each time, or
/// call [`ChunkRenderer::invalidate_cache`] after changing the layers or the
/// bytes they view; the next chunk then shows the change. A new renderer
/// (and so every [`render`](crate::render) call) starts afresh.
///
/// The renderer is about 3 KiB (a row of 256 pixels and two 1 KiB colour
/// tables; about 0.6 KiB with the `small` feature): keep it in a static or
/// on a roomy stack on small microcontrollers.
///
/// ```
/// use stage_core::{ChunkRenderer, Layer, Rect, RenderParams};
/// let layers: [Layer; 0] = [];
/// let params = RenderParams::new(Rect::new(0, 0, 10, 3).unwrap());
/// let mut renderer = ChunkRenderer::new(&params);
/// let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
/// let mut sizes = Vec::new();
/// loop {
///     let buffer = if sizes.len() % 2 == 0 { &mut a } else { &mut b };
///     match renderer.next_chunk(&layers, buffer).unwrap() {
///         Some(chunk) => sizes.push(chunk.len()),
///         None => break,
///     }
/// }
/// assert_eq!(sizes, [16, 16, 16, 12]);
/// ```
#[derive(Clone)]
pub struct ChunkRenderer {
    params: RenderParams,
    /// Output row and column of the next pixel.
    row: u32,
    col: u32,
    /// Output pixels not produced yet.
    remaining: u64,
    rows: Rows,
    band: Band,
}

/// What composing rows keeps between chunks.
#[derive(Clone)]
struct Rows {
    cache: RowCache,
    scratch: Scratch,
}

/// The layers crossing a band of logical rows (relative to the rectangle's
/// top), found once for all the chunks within the band.
#[derive(Clone)]
struct Band {
    valid: bool,
    first: u32,
    last: u32,
    active: Active,
}

#[derive(Clone)]
struct RowCache {
    valid: bool,
    /// Logical row, relative to the rectangle's top.
    y: u32,
    /// Logical column of `pixels[0]`, relative to the rectangle's left.
    start: u32,
    len: u32,
    pixels: [[u8; 2]; ROW_CACHE_PIXELS],
}

impl RowCache {
    fn holds(&self, y: u32, x: u32) -> bool {
        self.valid && self.y == y && x >= self.start && x < self.start + self.len
    }
}

impl ChunkRenderer {
    /// A renderer at the start of the rectangle.
    pub fn new(params: &RenderParams) -> Self {
        ChunkRenderer {
            params: *params,
            row: 0,
            col: 0,
            remaining: u64::from(params.output_width()) * u64::from(params.output_height()),
            rows: Rows {
                cache: RowCache {
                    valid: false,
                    y: 0,
                    start: 0,
                    len: 0,
                    pixels: [[0; 2]; ROW_CACHE_PIXELS],
                },
                scratch: Scratch::new(),
            },
            band: Band {
                valid: false,
                first: 0,
                last: 0,
                active: Active::EMPTY,
            },
        }
    }

    /// The parameters being rendered.
    pub fn params(&self) -> &RenderParams {
        &self.params
    }

    /// Whether every chunk has been produced.
    pub fn is_done(&self) -> bool {
        self.remaining_len() == 0
    }

    /// Bytes of the stream not produced yet.
    pub fn remaining_len(&self) -> u64 {
        2 * self.remaining
    }

    /// Forgets the composed row kept between chunks. Call it when the layers
    /// (or the buffers they view) may have changed since the last chunk, so
    /// the next chunk shows the change; a new render needs no call.
    pub fn invalidate_cache(&mut self) {
        self.rows.cache.valid = false;
        self.band.valid = false;
        self.rows.scratch.clear();
    }

    /// Fills the next chunk into `buffer` and returns it, or `None` when the
    /// rectangle is done.
    pub fn next_chunk<'b>(
        &mut self,
        layers: &[Layer<'_>],
        buffer: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, BufferTooSmall> {
        let (pixels, _) = buffer.as_chunks_mut::<2>();
        if pixels.is_empty() {
            return Err(BufferTooSmall);
        }
        let remaining = self.remaining;
        if remaining == 0 {
            return Ok(None);
        }
        let Some(out_width) = NonZeroU32::new(self.params.output_width()) else {
            return Ok(None);
        };
        let count = pixels
            .len()
            .min(usize::try_from(remaining).unwrap_or(usize::MAX));
        let pixels = pixels.get_mut(..count).unwrap_or_default();

        let scale = self.params.scale_nonzero();
        // The chunk ends on output row `last_row`; no division, which small
        // cores do in software.
        let mut last_row = self.row;
        let mut left = u64::from(self.col) + count as u64;
        while left > u64::from(out_width.get()) {
            left -= u64::from(out_width.get());
            last_row += 1;
        }
        let (first, last) = (unscale(self.row, scale), unscale(last_row, scale));
        let band = &mut self.band;
        if !(band.valid && band.first <= first && last <= band.last) {
            let height = u32::from(self.params.rect().height());
            let last = last
                .max(first + BAND_ROWS - 1)
                .min(height.saturating_sub(1));
            *band = Band {
                valid: true,
                first,
                last,
                active: Active::find(layers, &self.params, first, last),
            };
        }
        self.remaining -= count as u64;

        let mut rest = pixels;
        while !rest.is_empty() {
            let n = rest
                .len()
                .min(out_width.get().saturating_sub(self.col) as usize);
            let (segment, tail) = rest.split_at_mut(n);
            let (row, col) = (self.row, self.col);
            let active = &self.band.active;
            self.rows
                .emit_segment(&self.params, row, col, layers, active, segment);
            rest = tail;
            self.col += n as u32;
            if self.col >= out_width.get() {
                self.col = 0;
                self.row += 1;
            }
        }
        let buffer: &'b [u8] = buffer;
        Ok(Some(buffer.get(..2 * count).unwrap_or_default()))
    }
}

impl Rows {
    /// Emits output pixels `col..col + out.len()` of output row `row`.
    fn emit_segment(
        &mut self,
        params: &RenderParams,
        row: u32,
        col: u32,
        layers: &[Layer<'_>],
        active: &Active,
        out: &mut [[u8; 2]],
    ) {
        let scale = params.scale_nonzero();
        let y = unscale(row, scale);
        if scale.get() == 1 && col == 0 && out.len() == usize::from(params.rect().width()) {
            // A whole unscaled row: compose it in place, no copy.
            compose(params, &mut self.scratch, layers, active, y, 0, out);
            return;
        }
        let mut col = col;
        let mut rest = out;
        while !rest.is_empty() {
            let x = unscale(col, scale);
            if !self.cache.holds(y, x) {
                let width = u32::from(params.rect().width());
                let len = width.saturating_sub(x).min(ROW_CACHE_PIXELS as u32);
                let cache = &mut self.cache;
                (cache.valid, cache.y, cache.start, cache.len) = (true, y, x, len);
                let row = cache.pixels.get_mut(..len as usize).unwrap_or_default();
                compose(params, &mut self.scratch, layers, active, y, x, row);
            }
            let cache = &self.cache;
            let cached = cache
                .pixels
                .get((x - cache.start) as usize..cache.len as usize)
                .unwrap_or_default();
            // Output columns the cache can serve from `col` on.
            let end = (cache.start + cache.len) * scale.get();
            let n = rest.len().min(end.saturating_sub(col) as usize);
            if n == 0 {
                break;
            }
            let (dst, tail) = rest.split_at_mut(n);
            replicate(cached, col - x * scale.get(), scale.get(), dst);
            rest = tail;
            col += n as u32;
        }
    }
}

/// Composes logical row `y` (relative to the rectangle's top) from logical
/// column `x` on into `row`.
fn compose(
    params: &RenderParams,
    scratch: &mut Scratch,
    layers: &[Layer<'_>],
    active: &Active,
    y: u32,
    x: u32,
    row: &mut [[u8; 2]],
) {
    let (x0, y0, _, _) = params.rect().corners();
    let fill = params.fill().bytes();
    let screen_y = i32::from(y0) + y as i32;
    let screen_x = i32::from(x0) + x as i32;
    let viewport = params.viewport();
    // The back-most layer crossing the row paints onto nothing; the ones in
    // front paint over it.
    let mut mode = Mode::Base(fill);
    active.back_to_front(layers, |layer| {
        if paint_layer(layer, viewport, screen_y, screen_x, row, scratch, mode) {
            mode = Mode::Over;
        }
    });
    if let Mode::Base(_) = mode {
        row.fill(fill);
    }
}

/// The logical row or column of output row or column `n`.
#[inline]
fn unscale(n: u32, scale: NonZeroU32) -> u32 {
    if scale.get() == 1 {
        n
    } else {
        n / scale
    }
}

/// Copies logical pixels to output pixels, each `scale` times; the first
/// one has already been sent `phase` times.
#[inline]
fn replicate(src: &[[u8; 2]], phase: u32, scale: u32, dst: &mut [[u8; 2]]) {
    if scale == 1 {
        if let Some(src) = src.get(..dst.len()) {
            dst.copy_from_slice(src);
        }
        return;
    }
    let scale = scale as usize;
    let first = (scale - phase as usize).min(dst.len());
    let (head, body) = dst.split_at_mut(first);
    let Some((&px, src)) = src.split_first() else {
        return;
    };
    head.fill(px);
    match scale {
        2 if !cfg!(feature = "small") => repeat::<2>(src, body),
        3 if !cfg!(feature = "small") => repeat::<3>(src, body),
        4 if !cfg!(feature = "small") => repeat::<4>(src, body),
        _ => {
            for (run, &px) in body.chunks_mut(scale).zip(src) {
                run.fill(px);
            }
        }
    }
}

/// Writes each pixel of `src` `N` times into `dst`.
#[inline]
fn repeat<const N: usize>(src: &[[u8; 2]], dst: &mut [[u8; 2]]) {
    let (runs, tail) = dst.as_chunks_mut::<N>();
    for (run, &px) in runs.iter_mut().zip(src) {
        *run = [px; N];
    }
    if let Some(&px) = src.get(runs.len()) {
        tail.fill(px);
    }
}

/// The layers that cross a band of rows, as indices into the scene.
#[derive(Clone)]
struct Active {
    indices: [u16; ACTIVE_LAYERS],
    len: usize,
    /// Too many to list: test every layer.
    all: bool,
}

impl Active {
    const EMPTY: Active = Active {
        indices: [0; ACTIVE_LAYERS],
        len: 0,
        all: false,
    };

    /// Finds the layers crossing logical rows `first..=last` (relative to the
    /// rectangle's top) anywhere within the rectangle's columns.
    fn find(layers: &[Layer<'_>], params: &RenderParams, first: u32, last: u32) -> Self {
        let mut active = Active {
            indices: [0; ACTIVE_LAYERS],
            len: 0,
            all: layers.len() > usize::from(u16::MAX),
        };
        if active.all {
            return active;
        }
        let (x0, y0, x1, _) = params.rect().corners();
        let (left, right) = (i32::from(x0), i32::from(x1));
        let top = i32::from(y0) + first as i32;
        let bottom = i32::from(y0) + last as i32;
        let viewport = params.viewport();
        for (index, layer) in layers.iter().enumerate() {
            if Placement::of(layer, viewport).meets(left, right, top, bottom) {
                let Some(slot) = active.indices.get_mut(active.len) else {
                    active.all = true;
                    break;
                };
                *slot = index as u16;
                active.len += 1;
            }
        }
        active
    }

    /// Calls `paint` on the active layers, back one first.
    #[inline]
    fn back_to_front<'l, 'a: 'l>(
        &self,
        layers: &'l [Layer<'a>],
        mut paint: impl FnMut(&'l Layer<'a>),
    ) {
        if self.all {
            layers.iter().rev().for_each(paint);
        } else {
            for &index in self
                .indices
                .get(..self.len)
                .unwrap_or_default()
                .iter()
                .rev()
            {
                if let Some(layer) = layers.get(usize::from(index)) {
                    paint(layer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replicate;

    fn run(src: &[u8], phase: u32, scale: u32, len: usize) -> Vec<u8> {
        let src: Vec<[u8; 2]> = src.iter().map(|&v| [v, 0]).collect();
        let mut dst = vec![[0xFF, 0xFF]; len];
        replicate(&src, phase, scale, &mut dst);
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
}
