//! The fast renderer, in pull form: one chunk at a time.

use core::fmt;

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
/// tables; about 0.75 KiB with the `small` feature): keep it in a static or
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
    /// Where the next output pixel is: kept as logical coordinates and
    /// repeat counts, so that no step divides by the scale (small cores
    /// divide in software).
    at: Position,
    rows: Rows,
    band: Band,
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

/// A row of zero pixels.
const BLANK_ROW: [[u8; 2]; ROW_CACHE_PIXELS] = [[0; 2]; ROW_CACHE_PIXELS];

impl RowCache {
    fn holds(&self, y: u32, x: u32) -> bool {
        self.valid && self.y == y && x >= self.start && x < self.start + self.len
    }
}

impl ChunkRenderer {
    /// A renderer at the start of the rectangle.
    // Out of line with `small`: built straight into its destination, with no
    // temporary copy.
    #[cfg_attr(feature = "small", inline(never))]
    pub fn new(params: &RenderParams) -> Self {
        ChunkRenderer {
            params: *params,
            at: Position {
                y: 0,
                rep: 0,
                x: 0,
                phase: 0,
            },
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
        let rect = self.params.rect();
        rect.is_empty() || self.at.y >= u32::from(rect.height())
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

    /// Forgets the composed row kept between chunks. Call it when the layers
    /// (or the buffers they view) may have changed since the last chunk, so
    /// the next chunk shows the change; a new render needs no call.
    pub fn invalidate_cache(&mut self) {
        self.rows.cache.valid = false;
        self.band.valid = false;
        self.rows.scratch.clear();
    }

    /// The logical row, relative to the rectangle's top, that the next chunk
    /// starts in (the rectangle's height once it is done).
    ///
    /// ```
    /// use stage_core::{ChunkRenderer, Rect, RenderParams};
    /// let params = RenderParams::new(Rect::new(0, 0, 10, 4).unwrap());
    /// let mut renderer = ChunkRenderer::new(&params);
    /// renderer.next_chunk(&[], &mut [0; 50]).unwrap(); // 25 pixels: rows 0 to 2
    /// assert_eq!(renderer.row(), 2);
    /// ```
    pub fn row(&self) -> u32 {
        self.at.y
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
        if self.is_done() {
            return Ok(None);
        }
        let scale = self.params.scale_nonzero().get();
        let width = u32::from(self.params.rect().width());
        let height = u32::from(self.params.rect().height());
        let out_width = width * scale;

        // With `small`, no bands: every row tests every layer (less code; a caller that
        // cares culls the scene itself).
        if !cfg!(feature = "small") {
            // The logical rows this chunk reaches, found by stepping, not dividing.
            let first = self.at.y;
            let (mut last, mut rep) = (self.at.y, self.at.rep);
            let mut left = (self.at.x * scale + self.at.phase) as usize + pixels.len();
            while left > out_width as usize && last < height {
                left -= out_width as usize;
                rep += 1;
                if rep == scale {
                    (rep, last) = (0, last + 1);
                }
            }
            let last = last.min(height - 1);
            let band = &mut self.band;
            if !(band.valid && band.first <= first && last <= band.last) {
                let last = last.max(first + BAND_ROWS - 1).min(height - 1);
                *band = Band {
                    valid: true,
                    first,
                    last,
                    active: Active::find(layers, &self.params, first, last),
                };
            }
        }

        let mut count = 0;
        let mut rest = &mut pixels[..];
        while !rest.is_empty() && self.at.y < height {
            let col = self.at.x * scale + self.at.phase;
            let n = rest.len().min(out_width.saturating_sub(col) as usize);
            let (segment, tail) = rest.split_at_mut(n);
            let at = self.at;
            let active = &self.band.active;
            (self.at.x, self.at.phase) =
                self.rows
                    .emit_segment(&self.params, at, layers, active, segment);
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
        at: Position,
        layers: &[Layer<'_>],
        active: &Active,
        out: &mut [[u8; 2]],
    ) -> (u32, u32) {
        let scale = params.scale_nonzero().get();
        let width = u32::from(params.rect().width());
        let (y, mut x, mut phase) = (at.y, at.x, at.phase);
        if !cfg!(feature = "small") && scale == 1 && x == 0 && out.len() == width as usize {
            // A whole unscaled row: compose it in place, no copy. (With `small`, through
            // the row cache and a copy: less code.)
            compose(params, &mut self.scratch, layers, active, y, 0, out);
            return (width, 0);
        }
        let mut rest = out;
        while !rest.is_empty() {
            if !self.cache.holds(y, x) {
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
            // Output pixels the cache can serve from here on.
            let available = (cached.len() as u32 * scale).saturating_sub(phase);
            let n = rest.len().min(available as usize);
            if n == 0 {
                break;
            }
            let (dst, tail) = rest.split_at_mut(n);
            let (advanced, new_phase) = replicate(cached, phase, scale, dst);
            (x, phase) = (x + advanced, new_phase);
            rest = tail;
        }
        (x, phase)
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
    // front paint over it. (With `small`, the row is filled first and every
    // layer paints over it: less code, more work per pixel.)
    let mut mode = Mode::Base(fill);
    if cfg!(feature = "small") {
        row.fill(fill);
        mode = Mode::Over;
    }
    let paint = |layer| {
        if paint_layer(layer, viewport, screen_y, screen_x, row, scratch, mode) {
            mode = Mode::Over;
        }
    };
    if cfg!(feature = "small") {
        layers.iter().rev().for_each(paint);
    } else {
        active.back_to_front(layers, paint);
    }
    if let Mode::Base(_) = mode {
        row.fill(fill);
    }
}

/// Copies logical pixels to output pixels, each `scale` times; the first
/// one has already been sent `phase` times. Returns how many logical pixels
/// were finished and how many times the next one has been sent.
#[inline]
fn replicate(src: &[[u8; 2]], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32) {
    if cfg!(feature = "small") && scale != 1 {
        // Pixel by pixel: less code.
        let (mut done, mut phase) = (0, phase);
        let mut color = src.first().copied().unwrap_or_default();
        for px in dst {
            *px = color;
            phase += 1;
            if phase == scale {
                (done, phase) = (done + 1, 0);
                color = src.get(done).copied().unwrap_or_default();
            }
        }
        return (done as u32, phase);
    }
    if scale == 1 {
        if let Some(src) = src.get(..dst.len()) {
            dst.copy_from_slice(src);
        }
        return (dst.len() as u32, 0);
    }
    let left = (scale - phase) as usize;
    let Some((&px, src)) = src.split_first() else {
        return (0, phase);
    };
    if dst.len() < left {
        dst.fill(px);
        return (0, phase + dst.len() as u32);
    }
    let (head, body) = dst.split_at_mut(left);
    head.fill(px);
    let (runs, tail) = match scale {
        2 if !cfg!(feature = "small") => repeat::<2>(src, body),
        3 if !cfg!(feature = "small") => repeat::<3>(src, body),
        4 if !cfg!(feature = "small") => repeat::<4>(src, body),
        _ => {
            // Run by run, without dividing to size an iterator.
            let (mut runs, mut rest, mut src) = (0usize, body, src.iter());
            while let Some(&px) = src.next().filter(|_| !rest.is_empty()) {
                let (run, tail) = rest.split_at_mut(rest.len().min(scale as usize));
                run.fill(px);
                if run.len() < scale as usize {
                    return (1 + runs as u32, run.len() as u32);
                }
                runs += 1;
                rest = tail;
            }
            (runs, 0)
        }
    };
    (1 + runs as u32, tail as u32)
}

/// Writes each pixel of `src` `N` times into `dst`.
#[inline]
/// Returns the whole runs written and the length of the last, partial one.
fn repeat<const N: usize>(src: &[[u8; 2]], dst: &mut [[u8; 2]]) -> (usize, usize) {
    let (runs, tail) = dst.as_chunks_mut::<N>();
    for (run, &px) in runs.iter_mut().zip(src) {
        *run = [px; N];
    }
    if let Some(&px) = src.get(runs.len()) {
        tail.fill(px);
    }
    (runs.len(), tail.len())
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

    #[test]
    fn progress_is_counted_in_logical_pixels_and_phase() {
        let src = [[1, 0], [2, 0], [3, 0], [4, 0]];
        let mut dst = [[0, 0]; 16];
        assert_eq!(replicate(&src, 0, 1, &mut dst[..3]), (3, 0));
        assert_eq!(replicate(&src, 0, 2, &mut dst[..5]), (2, 1));
        assert_eq!(replicate(&src, 1, 2, &mut dst[..1]), (1, 0));
        assert_eq!(replicate(&src, 0, 3, &mut dst[..2]), (0, 2));
        assert_eq!(replicate(&src, 2, 3, &mut dst[..8]), (3, 1));
        assert_eq!(replicate(&src, 0, 5, &mut dst[..15]), (3, 0));
        assert_eq!(replicate(&src, 4, 7, &mut dst[..10]), (2, 0));
    }
}
