//! The renders, over a block of memory holding descriptor tables and the bytes they
//! view: safe functions on slices, which the exports call on the static block.

use core::fmt::{self, Write as _};
use core::ops::Range;

use stage_core::{
    reaches, BufferTooSmall, ChunkRenderer, FormatError, Layer, ParamError, Rect, RenderParams,
    RenderState, Scene, WireColor,
};

use crate::desc::{Desc, Descriptor, DESC_WORDS};

/// Most layers one render (or one band of rows of a chunked render) can hold.
pub const MAX_LAYERS: usize = 1024;

/// The layers of a render, on the stack.
type Layers<'m> = heapless::Vec<Layer<'m>, MAX_LAYERS>;

/// Why a call failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error {
    /// A buffer has the wrong size (or a size or frame is out of range).
    Format(FormatError),
    /// A render parameter is out of range.
    Param(ParamError),
    /// The object given for a buffer was not one.
    NotABuffer,
    /// A layer's buffer overlaps the output buffer.
    Overlap,
    /// The output buffer holds no pixel.
    BufferTooSmall,
    /// The caller broke the ABI (an offset outside the block, an unknown slot...).
    Internal(&'static str),
}

/// The Python exception an [`Error`] is raised as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExcKind {
    /// `TypeError` (code -1).
    TypeError,
    /// `ValueError` (code -2).
    ValueError,
    /// `RuntimeError` (code -3).
    RuntimeError,
}

impl ExcKind {
    /// The negative code the exports return.
    pub const fn code(self) -> i32 {
        match self {
            ExcKind::TypeError => -1,
            ExcKind::ValueError => -2,
            ExcKind::RuntimeError => -3,
        }
    }
}

impl Error {
    /// The exception raised for it.
    pub const fn kind(&self) -> ExcKind {
        match self {
            Error::NotABuffer => ExcKind::TypeError,
            Error::Format(_) | Error::Param(_) | Error::Overlap | Error::BufferTooSmall => {
                ExcKind::ValueError
            }
            Error::Internal(_) => ExcKind::RuntimeError,
        }
    }
}

impl fmt::Display for Error {
    /// The messages of `_stage.mpy` for the same errors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Format(e) => e.fmt(f),
            Error::Param(e) => e.fmt(f),
            Error::NotABuffer => f.write_str("object with buffer protocol required"),
            Error::Overlap => f.write_str("buffer overlaps the output buffer"),
            Error::BufferTooSmall => f.write_str("buffer must hold at least 2 bytes"),
            Error::Internal(what) => write!(f, "stage-wasm: {what}"),
        }
    }
}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Self {
        Error::Param(e)
    }
}

impl From<BufferTooSmall> for Error {
    fn from(_: BufferTooSmall) -> Self {
        Error::BufferTooSmall
    }
}

/// An error's message as bytes, in a fixed buffer (longer messages are cut).
#[derive(Clone, Debug)]
pub struct Message {
    bytes: [u8; 160],
    len: usize,
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Message {
            bytes: [0; 160],
            len: 0,
        }
    }

    /// `error`'s message.
    pub fn of(error: &Error) -> Self {
        let mut m = Message::new();
        let _ = write!(m, "{error}");
        m
    }

    /// The text, UTF-8.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Write for Message {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
        Ok(())
    }
}

/// The render parameters: the rectangle `[x0, x1) x [y0, y1)` (each 0..=32767), the
/// scale 1..=255, the viewport, and the background (`None`: the transparency key
/// `F8 1F`, as the MicroPython engine sends; else an RGB565 colour).
#[allow(clippy::too_many_arguments)]
pub fn params(
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    scale: u32,
    vx: i16,
    vy: i16,
    background: Option<u16>,
) -> Result<RenderParams, Error> {
    let coord = |v: u32| {
        u16::try_from(v).map_err(|_| {
            Error::Param(ParamError::CoordinateOutOfRange {
                value: i32::try_from(v).unwrap_or(i32::MAX),
            })
        })
    };
    let rect = Rect::new(coord(x0)?, coord(y0)?, coord(x1)?, coord(y1)?)?;
    let scale = u8::try_from(scale).map_err(|_| {
        Error::Param(ParamError::ScaleOutOfRange {
            value: i32::try_from(scale).unwrap_or(i32::MAX),
        })
    })?;
    Ok(RenderParams::new(rect)
        .with_scale(scale)?
        .with_viewport(vx, vy)
        .with_background(background.map(WireColor::from_rgb565)))
}

/// Checks the descriptor at `desc` as the `Layer` and `Text` constructors do.
pub fn check(memory: &[u8], desc: usize) -> Result<(), Error> {
    Desc::read(memory, desc)?.view_in(memory, None).map(|_| ())
}

/// The descriptors of a table: `count` of them from offset `table`.
fn descs(
    memory: &[u8],
    table: usize,
    count: usize,
) -> impl Iterator<Item = Result<Desc, Error>> + '_ {
    (0..count).map(move |i| {
        let offset = i
            .checked_mul(4 * DESC_WORDS)
            .and_then(|o| o.checked_add(table))
            .ok_or(Error::Internal("table outside the memory block"))?;
        Desc::read(memory, offset)
    })
}

/// What [`next_chunk`] made.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Chunk {
    /// Bytes of the chunk written to the output (0 if none was made).
    pub len: usize,
    /// Whether a chunk was made (none when the rectangle was done already, or when
    /// only checking).
    pub made: bool,
    /// Whether the rectangle is done after it.
    pub done: bool,
}

/// One chunk of a chunked render, the MicroPython module's way: the output buffer is
/// `output` (its length decides the chunk size; `source` is where the caller's buffer
/// lies, for the overlap test), the scene is the table's layers as they are now. The
/// layers reaching the band of rows of the chunk are checked, in order, and only
/// those; then, unless `check_only`, the chunk is rendered (`scene` says whether the
/// scene is the one of the previous chunk, unchanged).
#[allow(clippy::too_many_arguments)]
pub fn next_chunk(
    state: &mut RenderState,
    inputs: &[u8],
    table: usize,
    count: usize,
    scene: Scene,
    check_only: bool,
    output: &mut [u8],
    source: Range<usize>,
) -> Result<Chunk, Error> {
    let params = *state.params();
    // No band when the rectangle is done or the buffer too small: no layer is checked.
    let band = state.next_band(output.len());
    let mut layers = Layers::new();
    for desc in descs(inputs, table, count) {
        let desc = desc?;
        if !band.is_some_and(|band| reaches(&desc.footprint(), &params, band)) {
            continue;
        }
        let layer = desc.view_in(inputs, Some(source.clone()))?;
        layers
            .push(layer)
            .map_err(|_| Error::Internal("too many layers in one band of rows"))?;
    }
    if check_only {
        return Ok(Chunk {
            len: 0,
            made: false,
            done: state.is_done(),
        });
    }
    let made = state.next_chunk(&layers, scene, output)?;
    let len = made.map_or(0, <[u8]>::len);
    Ok(Chunk {
        len,
        made: made.is_some(),
        done: state.is_done(),
    })
}

/// The whole stream of `params`' rectangle of a table's scene into `output`, made in
/// chunks of `chunk_len` bytes exactly as `_stage.render` makes them for an output
/// whose `write()` runs no Python code (the layers reaching each chunk's band are
/// checked then). `output` must hold the stream plus one chunk. `check_only` checks
/// the first chunk's layers and renders nothing. Returns the stream's length, or the
/// error and the bytes written before it.
#[allow(clippy::too_many_arguments)]
pub fn render_stream(
    inputs: &[u8],
    table: usize,
    count: usize,
    params: &RenderParams,
    chunk_len: usize,
    check_only: bool,
    output: &mut [u8],
    source: Range<usize>,
) -> Result<usize, (Error, usize)> {
    let total = usize::try_from(params.stream_len()).unwrap_or(usize::MAX);
    // A chunk never holds more than the rest of the stream, so a buffer longer than
    // the stream makes the same chunks (and bands) as one of the stream's length.
    let chunk_len = chunk_len.min(total.saturating_add(2));
    if total.saturating_add(chunk_len) > output.len() {
        return Err((Error::Internal("output area too small for the stream"), 0));
    }
    let mut state = RenderState::new(params);
    let mut at = 0;
    let mut scene = Scene::Changed;
    loop {
        let room = output.get_mut(at..at + chunk_len).unwrap_or_default();
        let chunk = next_chunk(
            &mut state,
            inputs,
            table,
            count,
            scene,
            check_only,
            room,
            source.clone(),
        )
        .map_err(|e| (e, at))?;
        scene = Scene::Unchanged;
        at += chunk.len;
        if check_only || chunk.done || !chunk.made {
            return Ok(at);
        }
    }
}

/// RGBA (8 bits a channel, alpha 255) of an RGB565 pixel sent high byte first: each
/// channel widened by repeating its top bits, as the headless runner's pictures do.
pub const fn rgb565_to_rgba(hi: u8, lo: u8) -> [u8; 4] {
    let [r, g, b] = WireColor::from_rgb565(u16::from_be_bytes([hi, lo])).to_rgb888();
    [r, g, b, 255]
}

/// `params`' rectangle of a table's scene as RGBA pixels, row by row (the rectangle
/// times the scale), into `output`; every layer is checked first. Returns the bytes
/// written.
pub fn render_rgba(
    inputs: &[u8],
    table: usize,
    count: usize,
    params: &RenderParams,
    output: &mut [u8],
) -> Result<usize, Error> {
    let mut layers = Layers::new();
    for desc in descs(inputs, table, count) {
        let layer = desc?.view_in(inputs, None)?;
        layers
            .push(layer)
            .map_err(|_| Error::Internal("too many layers"))?;
    }
    let pixels = u64::from(params.output_width()) * u64::from(params.output_height());
    if params.rect().is_empty() {
        return Ok(0);
    }
    let needed = usize::try_from(pixels * 4).unwrap_or(usize::MAX);
    if needed > output.len() {
        return Err(Error::Internal("output area too small for the picture"));
    }
    let mut renderer = ChunkRenderer::new(&layers, params);
    let mut buffer = [0u8; 1024];
    let mut at = 0;
    while let Some(chunk) = renderer.next_chunk(&mut buffer)? {
        let (pairs, _) = chunk.as_chunks::<2>();
        let room = output.get_mut(at..at + 4 * pairs.len()).unwrap_or_default();
        let (quads, _) = room.as_chunks_mut::<4>();
        for (rgba, &[hi, lo]) in quads.iter_mut().zip(pairs) {
            *rgba = rgb565_to_rgba(hi, lo);
        }
        at += 4 * pairs.len();
    }
    Ok(at)
}
