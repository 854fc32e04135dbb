//! `render(x0, y0, x1, y1, layers, buffer, output[, scale[, vx, vy[, background]]])`.

use crate::args::{int_in, layer_error, wrap16};
use crate::band::Cursor;
use crate::layers::downcast;
use crate::scene::Failure;
use crate::scratch::Scratch;
use mpy_abi::{exc, function, qstr, Exception, Obj, Py, PyResult};
use stage_core::{Rect, RenderParams, WireColor};

/// What one pass over the scene found, before anything is handed to Python.
enum Step {
    /// A chunk of this many bytes is in the buffer; `whole` if it fills it.
    Chunk { len: usize, whole: bool },
    /// The rectangle is done.
    Done,
    /// More layers reach the rectangle than there are slots: this many.
    Grow(usize),
    /// The buffer holds fewer than 2 bytes.
    SmallBuffer,
    /// `layers[i]` is not a `Layer` or `Text`.
    NotALayer(usize),
    /// A layer's buffers are wrong, or the buffer isn't a writable buffer.
    Failed(Failure<Exception>),
}

fn render(py: &mut Py, args: &[Obj]) -> PyResult {
    if args.len() == 9 {
        return Err(exc!(TypeError, "render() takes 7, 8, 10 or 11 arguments"));
    }
    let n = args.len();
    let mut corners = [0u16; 4];
    for (c, &arg) in corners.iter_mut().zip(args) {
        *c = int_in(py, arg, 0, 32767, "x0, y0, x1, y1 must be 0..={}, not {}")? as u16;
    }
    let scale = match n {
        7 => 1,
        _ => int_in(py, args[7], 1, 255, "scale must be 1..={}, not {}")?,
    };
    let (vx, vy) = match n {
        10 | 11 => (wrap16(py, args[8])?, wrap16(py, args[9])?),
        _ => (0, 0),
    };
    let background = match args.get(10) {
        Some(&b) if !b.is_none() => {
            let template = "background must be None or 0..={}, not {}";
            Some(WireColor::from_rgb565(
                int_in(py, b, 0, 0xFFFF, template)? as u16
            ))
        }
        _ => None,
    };
    let (layers, buffer, output) = (args[4], args[5], args[6]);
    if layers.items(py).is_none() {
        return Err(exc!(TypeError, "layers must be a list or tuple"));
    }
    let write = output
        .method(py, qstr!("write"))?
        .ok_or(exc!(TypeError, "output must have a write() method"))?;
    // Both are in range (checked above), so neither `else` is ever taken.
    let [x0, y0, x1, y1] = corners;
    let Ok(rect) = Rect::new(x0, y0, x1, y1) else {
        return Ok(Obj::none());
    };
    let Ok(params) = RenderParams::new(rect).with_scale(scale as u8) else {
        return Ok(Obj::none());
    };
    let params = params.with_viewport(vx, vy).with_background(background);

    let mut scratch = Scratch::new(py, &params)?;
    let mut cursor = Cursor::default();
    loop {
        // Everything is looked up again for each chunk: the previous `write()` may have
        // changed the list, the layers' buffers or the output buffer.
        let (len, whole) = match chunk(py, &mut scratch, &mut cursor, &params, layers, buffer) {
            Step::Chunk { len, whole } => (len, whole),
            Step::Done => break,
            Step::Grow(n) => {
                scratch.reserve(py, n)?;
                continue;
            }
            Step::SmallBuffer => {
                return Err(exc!(ValueError, "buffer must hold at least 2 bytes"));
            }
            Step::NotALayer(i) => {
                return Err(exc!(py, TypeError, "layers[{}] is not a Layer or Text", i));
            }
            Step::Failed(f) => return Err(layer_error(py, f)),
        };
        // The chunk handed to `write()`: the buffer itself when the chunk fills a
        // bytearray (it is the caller's object, so whatever `write()` does with it is
        // safe: it is looked up again afterwards), else a fresh copy.
        let data = if whole && buffer.type_of().name() == qstr!("bytearray") {
            buffer
        } else {
            py.bytearray_from(buffer, 0, len)?
        };
        write.call(py, &[data])?;
        let renderer = scratch.renderer();
        if renderer.is_done() {
            break;
        }
        renderer.invalidate_cache();
    }
    Ok(Obj::none())
}
function!(
    /// `_stage.render`.
    pub static RENDER = render, 7..=11
);

/// Looks up the output buffer, the layers and the buffers of those that reach the rows
/// of the next chunk, and renders that chunk into the buffer.
fn chunk(
    py: &mut Py,
    scratch: &mut Scratch,
    cursor: &mut Cursor,
    params: &RenderParams,
    layers: Obj,
    buffer: Obj,
) -> Step {
    let (out, view) = match buffer.buffer_mut(py) {
        Ok(found) => found,
        Err(e) => return Step::Failed(Failure::Lookup(e)),
    };
    let out_len = out.len();
    let items = view.items(layers).unwrap_or_default();
    // Only the layers that show a pixel in the rows of this chunk. (The compact
    // renderer knows where it is; the fast one is followed with the cursor.)
    #[cfg(feature = "compact")]
    let at = scratch.renderer().cursor();
    #[cfg(not(feature = "compact"))]
    let at = *cursor;
    let rows = at.rows(params, out_len / 2);
    // A layer's buffer overlapping the output buffer is refused (ValueError): the chunk
    // is written there while the layers are read.
    let mut lookup = |o: Obj| view.buffer(o);
    let filled = scratch.fill(items.len(), |i| {
        let state = downcast(items[i]).ok_or(Step::NotALayer(i))?.get();
        if !state.reaches(params, rows) {
            return Ok(None);
        }
        state.view(&mut lookup).map(Some).map_err(Step::Failed)
    });
    let (renderer, scene) = match filled {
        Ok(Ok(found)) => found,
        Ok(Err(needed)) => return Step::Grow(needed),
        Err(step) => return step,
    };
    match renderer.next_chunk(scene, out) {
        Ok(Some(c)) => {
            #[cfg(not(feature = "compact"))]
            cursor.advance(params, c.len() / 2);
            #[cfg(feature = "compact")]
            let _ = cursor;
            Step::Chunk {
                len: c.len(),
                whole: c.len() == out_len,
            }
        }
        Ok(None) => Step::Done,
        // Both renderers check the buffer before anything else.
        Err(_) => Step::SmallBuffer,
    }
}
