//! The exports: the C ABI JavaScript calls (see the crate documentation). Each one
//! takes the statics through [`Shared::with`] and calls the safe functions of
//! `engine` on them.

use core::ops::Range;

use stage_core::format::{MAX_GRID_CELLS, MAX_TEXT_CELLS};
use stage_core::{Rect, RenderState, Scene};

use crate::engine::{self, Error, Message, MAX_LAYERS};
use crate::shared::Shared;
use crate::DESC_WORDS;

/// Bytes of the block JavaScript writes descriptors and buffers into.
pub const MEMORY_LEN: usize = 4 << 20;

/// Chunked renders that may be open at once (they nest when `write()` renders).
const SLOTS: usize = 16;

static MEMORY: Shared<[u8; MEMORY_LEN]> = Shared::new([0; MEMORY_LEN]);

/// What the exports keep between calls.
struct State {
    slots: [Option<RenderState>; SLOTS],
    message: Message,
    kind: i32,
    written: usize,
}

static STATE: Shared<State> = Shared::new(State {
    slots: [const { None }; SLOTS],
    message: Message::new(),
    kind: 0,
    written: 0,
});

/// Runs `f` on the block and the state; an error is recorded (message, kind, bytes
/// written before it) and returned as its negative code.
fn call(f: impl FnOnce(&mut [u8], &mut State) -> Result<i32, (Error, usize)>) -> i32 {
    MEMORY
        .with(|memory| {
            STATE.with(|state| {
                let result = f(memory, state);
                record(result, state)
            })
        })
        .flatten()
        .unwrap_or(crate::ExcKind::RuntimeError.code())
}

fn record(result: Result<i32, (Error, usize)>, state: &mut State) -> i32 {
    match result {
        Ok(v) => v,
        Err((e, written)) => {
            state.message = Message::of(&e);
            state.kind = e.kind().code();
            state.written = written;
            state.kind
        }
    }
}

/// The block's inputs and output area.
type Parts<'m> = (&'m [u8], &'m mut [u8]);

/// The block's two parts: what is read (`..split`) and what is written (`split..`).
fn split(memory: &mut [u8], split: u32) -> Result<Parts<'_>, (Error, usize)> {
    let split = split as usize;
    if split > memory.len() {
        return Err((Error::Internal("output outside the memory block"), 0));
    }
    let (inputs, rest) = memory.split_at_mut(split);
    Ok((inputs, rest))
}

fn area(rest: &mut [u8], len: u32) -> Result<&mut [u8], (Error, usize)> {
    rest.get_mut(..len as usize)
        .ok_or((Error::Internal("output outside the memory block"), 0))
}

fn background(bg: i32) -> Option<u16> {
    u16::try_from(bg).ok()
}

/// The address of the block.
#[unsafe(no_mangle)]
pub extern "C" fn stage_memory() -> *mut u8 {
    MEMORY.as_ptr().cast()
}

/// The length of the block.
#[unsafe(no_mangle)]
pub extern "C" fn stage_memory_len() -> u32 {
    MEMORY_LEN as u32
}

/// Words in a layer descriptor.
#[unsafe(no_mangle)]
pub extern "C" fn stage_desc_words() -> u32 {
    DESC_WORDS as u32
}

/// The largest width or height of a `Layer`, in cells.
#[unsafe(no_mangle)]
pub extern "C" fn stage_max_layer_cells() -> u32 {
    u32::from(MAX_GRID_CELLS)
}

/// The largest width or height of a `Text`, in cells.
#[unsafe(no_mangle)]
pub extern "C" fn stage_max_text_cells() -> u32 {
    u32::from(MAX_TEXT_CELLS)
}

/// The largest render coordinate.
#[unsafe(no_mangle)]
pub extern "C" fn stage_max_coord() -> u32 {
    u32::from(Rect::MAX_COORD)
}

/// The most layers a render (or a band of rows of a chunked one) may hold.
#[unsafe(no_mangle)]
pub extern "C" fn stage_max_layers() -> u32 {
    MAX_LAYERS as u32
}

/// Checks the descriptor at `desc` as a `Layer`/`Text` constructor: 0, or an error.
#[unsafe(no_mangle)]
pub extern "C" fn stage_check(desc: u32) -> i32 {
    call(|memory, _| {
        engine::check(memory, desc as usize)
            .map(|()| 0)
            .map_err(|e| (e, 0))
    })
}

/// Starts a chunked render of the rectangle `[x0, x1) x [y0, y1)` at `scale`, viewport
/// (`vx`, `vy`), background `bg` (-1: none, else RGB565): the slot to pass to
/// [`stage_next`], or an error.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub extern "C" fn stage_begin(
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    scale: u32,
    vx: i32,
    vy: i32,
    bg: i32,
) -> i32 {
    call(|_, state| {
        let params = engine::params(x0, y0, x1, y1, scale, vx as i16, vy as i16, background(bg))
            .map_err(|e| (e, 0))?;
        let slot = state
            .slots
            .iter()
            .position(Option::is_none)
            .ok_or((Error::Internal("too many renders at once"), 0))?;
        state.slots[slot] = Some(RenderState::new(&params));
        Ok(slot as i32)
    })
}

/// Flag of [`stage_next`]: check the layers, render nothing.
pub const CHECK_ONLY: u32 = 1;
/// Flag of [`stage_next`]: the scene is the previous chunk's, unchanged (nothing ran
/// between the two chunks that could change it).
pub const UNCHANGED: u32 = 2;

/// The next chunk of the render in `slot`: the scene is the `count` descriptors at
/// `table`; the chunk goes to `out .. out + out_len` (`out_len` sets the chunk size:
/// the caller's buffer length); the caller's buffer lies at `source .. source +
/// source_len`. `flags`: [`CHECK_ONLY`], [`UNCHANGED`]. Returns `4 * len + 2 * made +
/// done`, or an error.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub extern "C" fn stage_next(
    slot: u32,
    table: u32,
    count: u32,
    flags: u32,
    out: u32,
    out_len: u32,
    source: u32,
    source_len: u32,
) -> i32 {
    call(|memory, state| {
        let (inputs, rest) = split(memory, out)?;
        let output = area(rest, out_len)?;
        let renderer = state
            .slots
            .get_mut(slot as usize)
            .and_then(Option::as_mut)
            .ok_or((Error::Internal("no render in that slot"), 0))?;
        let scene = if flags & UNCHANGED != 0 {
            Scene::Unchanged
        } else {
            Scene::Changed
        };
        let chunk = engine::next_chunk(
            renderer,
            inputs,
            table as usize,
            count as usize,
            scene,
            flags & CHECK_ONLY != 0,
            output,
            source_range(source, source_len),
        )
        .map_err(|e| (e, 0))?;
        Ok(4 * chunk.len as i32 + 2 * i32::from(chunk.made) + i32::from(chunk.done))
    })
}

/// Ends the render in `slot`, freeing it.
#[unsafe(no_mangle)]
pub extern "C" fn stage_end(slot: u32) {
    call(|_, state| {
        if let Some(s) = state.slots.get_mut(slot as usize) {
            *s = None;
        }
        Ok(0)
    });
}

/// The whole stream of a rectangle (parameters as [`stage_begin`]) of the scene of
/// `count` descriptors at `table`, in chunks of `chunk_len` bytes, into `out ..
/// out + out_len` (the stream plus one chunk must fit), the caller's buffer lying at
/// `out_source`; with `check_only` nonzero only the first chunk's layers are checked.
/// Returns the stream's length, or an error (`stage_error_written` then says how
/// many bytes were written before it).
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub extern "C" fn stage_render(
    table: u32,
    count: u32,
    check_only: u32,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    scale: u32,
    vx: i32,
    vy: i32,
    bg: i32,
    chunk_len: u32,
    out: u32,
    out_len: u32,
    out_source: u32,
) -> i32 {
    call(|memory, _| {
        let params = engine::params(x0, y0, x1, y1, scale, vx as i16, vy as i16, background(bg))
            .map_err(|e| (e, 0))?;
        let (inputs, rest) = split(memory, out)?;
        let output = area(rest, out_len)?;
        let source = source_range(out_source, chunk_len);
        let len = engine::render_stream(
            inputs,
            table as usize,
            count as usize,
            &params,
            chunk_len as usize,
            check_only != 0,
            output,
            source,
        )?;
        Ok(len as i32)
    })
}

/// A rectangle (parameters as [`stage_begin`]) of the scene of `count` descriptors
/// at `table`, as RGBA pixels into `out .. out + out_len`: the bytes written, or an
/// error.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub extern "C" fn stage_render_rgba(
    table: u32,
    count: u32,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    scale: u32,
    vx: i32,
    vy: i32,
    bg: i32,
    out: u32,
    out_len: u32,
) -> i32 {
    call(|memory, _| {
        let params = engine::params(x0, y0, x1, y1, scale, vx as i16, vy as i16, background(bg))
            .map_err(|e| (e, 0))?;
        let (inputs, rest) = split(memory, out)?;
        let output = area(rest, out_len)?;
        let len = engine::render_rgba(inputs, table as usize, count as usize, &params, output)
            .map_err(|e| (e, 0))?;
        Ok(len as i32)
    })
}

/// The code of the last error (-1 `TypeError`, -2 `ValueError`, -3 `RuntimeError`).
#[unsafe(no_mangle)]
pub extern "C" fn stage_error_kind() -> i32 {
    STATE.with(|s| s.kind).unwrap_or(0)
}

/// The address of the last error's message (UTF-8, `stage_error_len()` bytes).
#[unsafe(no_mangle)]
pub extern "C" fn stage_error_message() -> *const u8 {
    STATE
        .with(|s| s.message.as_bytes().as_ptr())
        .unwrap_or(core::ptr::null())
}

/// The length of the last error's message.
#[unsafe(no_mangle)]
pub extern "C" fn stage_error_len() -> u32 {
    STATE
        .with(|s| s.message.as_bytes().len() as u32)
        .unwrap_or(0)
}

/// Bytes of the stream `stage_render` wrote before its last error.
#[unsafe(no_mangle)]
pub extern "C" fn stage_error_written() -> u32 {
    STATE.with(|s| s.written as u32).unwrap_or(0)
}

fn source_range(start: u32, len: u32) -> Range<usize> {
    let start = start as usize;
    start..start.saturating_add(len as usize)
}
