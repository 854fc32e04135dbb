//! `render(x0, y0, x1, y1, layers, buffer, output[, scale[, vx, vy[, background]]])`.

use crate::args::{int_in, layer_error, wrap16};
use crate::layers::downcast;
use mpy_abi::{exc, function, qstr, template, Exception, GcBox, GcScratch, Obj, Py, PyResult};
use stage_core::model::Failure;
use stage_core::{reaches, Layer, Rect, RenderParams, RenderState, Scene, WireColor};

/// What one pass over the scene found, before anything is handed to Python.
enum Step {
    /// A chunk of this many bytes is in the buffer; `whole` if it fills it.
    Chunk { len: usize, whole: bool },
    /// The rectangle is done.
    Done,
    /// More layers reach the band than there are slots: this many.
    Grow(usize),
    /// More layers reach the band than the list of them has room for.
    GrowWords,
    /// `layers[i]` is not a `Layer` or `Text`.
    NotALayer(usize),
    /// A layer's buffers are wrong, or the output buffer is.
    Failed(Failure<Exception>),
}

/// What is kept from chunk to chunk besides the renderer.
struct Memo {
    /// Room for the views of the scene's layers, after the words of a [`Reached`]
    /// list.
    scratch: GcScratch,
    /// How many words the scratch keeps.
    words: usize,
    /// Whether `write()` is Python code, which may change anything (the layers, their
    /// positions, the bytes they view) before the next chunk: then every chunk is made
    /// afresh. A native `write()` (`machine.SPI.write`) runs no Python code, so what
    /// the renderer derived from one chunk's scene holds for the next.
    write_is_python: bool,
}

fn render(py: &mut Py, args: &[Obj]) -> PyResult {
    // 7 to 11 arguments (the runtime checks the arity), but not 9.
    let &[_, _, _, _, layers, buffer, output, ..] = args else {
        return Err(exc!(TypeError, "render() takes 7, 8, 10 or 11 arguments"));
    };
    if args.len() == 9 {
        return Err(exc!(TypeError, "render() takes 7, 8, 10 or 11 arguments"));
    }
    let mut corners = [0u16; 4];
    for (c, &arg) in corners.iter_mut().zip(args) {
        *c = int_in(py, arg, 0, 32767, template!("x0, y0, x1, y1"))? as u16;
    }
    let scale = match args.get(7) {
        Some(&s) => int_in(py, s, 1, 255, template!("scale"))?,
        None => 1,
    };
    let (vx, vy) = match args.get(8..10) {
        Some(&[x, y]) => (wrap16(py, x)?, wrap16(py, y)?),
        _ => (0, 0),
    };
    let background = match args.get(10) {
        Some(&b) if !b.is_none() => {
            Some(WireColor::from_rgb565(
                int_in(py, b, 0, 0xFFFF, template!("background"))? as u16,
            ))
        }
        _ => None,
    };
    if layers.items(py).is_none() {
        return Err(exc!(TypeError, "layers must be a list or tuple"));
    }
    let write = output
        .method(py, qstr!("write"))?
        .ok_or(exc!(TypeError, "output must have a write() method"))?;
    // In range (checked above), so neither `else` is ever taken.
    let [x0, y0, x1, y1] = corners;
    let Ok(rect) = Rect::new(x0, y0, x1, y1) else {
        return Ok(Obj::none());
    };
    let Ok(params) = RenderParams::new(rect).with_scale(scale as u8) else {
        return Ok(Obj::none());
    };
    let params = params.with_viewport(vx, vy).with_background(background);

    let mut renderer = GcBox::new(py, || RenderState::new(&params))?;
    let mut memo = Memo {
        scratch: GcScratch::new(),
        words: 0,
        write_is_python: !write.is_native(),
    };

    loop {
        // Everything is looked up again for each chunk: the previous `write()` may have
        // changed the list, the layers or the buffers.
        let (len, whole) = match chunk(py, &mut renderer, &mut memo, layers, buffer) {
            Step::Chunk { len, whole } => (len, whole),
            Step::Done => break,
            Step::Grow(n) => {
                memo.scratch.reserve::<Layer<'static>>(py, n, memo.words)?;
                continue;
            }
            Step::GrowWords => {
                let n = layers.items(py).map_or(0, <[Obj]>::len);
                memo.words = n.saturating_add(Reached::HEAD);
                memo.scratch.reserve::<Layer<'static>>(py, 0, memo.words)?;
                continue;
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
        if renderer.is_done() {
            break;
        }
    }
    Ok(Obj::none())
}
function!(
    /// `_stage.render`.
    pub static RENDER = render, 7..=11
);

/// The layers found to reach the band of the chunks being made, remembered in the
/// words of the scratch from the first chunk of a band to the next ones: the band's
/// first row plus one, the number of layers in the sequence, the number listed, then
/// their indices. Kept only while `write()` is native: no Python code runs between
/// chunks, so no layer moves and the sequence keeps its items (a native method that
/// changes a list changes its length, which is checked). The listed layers are still
/// looked up in full for every chunk; only the others are skipped without being
/// looked at, and only numbers are kept.
struct Reached;

impl Reached {
    /// Words before the indices.
    const HEAD: usize = 3;
}

/// Looks up the output buffer, the layers and the buffers of those that reach the band
/// of rows of the next chunk, and renders that chunk into the buffer: with what the
/// renderer derived from the previous chunk's scene if that is the same scene, else
/// afresh. Not inlined: its locals live only while a chunk is made, not during
/// `write()`.
#[inline(never)]
fn chunk(
    py: &mut Py,
    renderer: &mut RenderState,
    memo: &mut Memo,
    layers: Obj,
    buffer: Obj,
) -> Step {
    let (out, view) = match buffer.buffer_mut(py) {
        Ok(found) => found,
        Err(e) => return Step::Failed(Failure::Lookup(e)),
    };
    let items = view.items(layers).unwrap_or_default();
    let params = *renderer.params();
    // No band when the rectangle is done or the buffer too small: no layer is looked up.
    let band = renderer.next_band(out.len());
    let (words, mut views) = memo.scratch.split();
    let (head, list) = words.split_at_mut(words.len().min(Reached::HEAD));
    // The layers that reach the band: listed by the first chunk of the band and kept
    // for the next ones ([`Reached`]), else listed afresh.
    let key = [band.map_or(0, |b| b.first() as usize + 1), items.len()];
    let [first_row, len, count] = head else {
        return Step::GrowWords;
    };
    if memo.write_is_python || [*first_row, *len] != key {
        *count = 0;
        for (i, &item) in items.iter().enumerate() {
            let Some(layer) = downcast(item) else {
                return Step::NotALayer(i);
            };
            if band.is_some_and(|band| reaches(&layer.get().footprint(), &params, band)) {
                let Some(slot) = list.get_mut(*count) else {
                    *first_row = 0;
                    return Step::GrowWords;
                };
                *slot = i;
                *count += 1;
            }
        }
        [*first_row, *len] = key;
    }
    for &i in list.get(..*count).unwrap_or_default() {
        let Some(layer) = items.get(i).copied().and_then(downcast) else {
            return Step::NotALayer(i);
        };
        // A layer buffer overlapping the output buffer is refused (ValueError): the
        // chunk is written there while the layers are read.
        match layer.get().view(&mut |o| view.buffer(o)) {
            Ok(layer) => views.push(layer),
            Err(f) => return Step::Failed(f),
        }
    }
    let scene = match views.finish() {
        Ok(scene) => scene,
        Err(needed) => return Step::Grow(needed),
    };
    let since = if memo.write_is_python {
        Scene::Changed
    } else {
        Scene::Unchanged
    };
    let out_len = out.len();
    match renderer.next_chunk(scene, since, out) {
        Ok(Some(c)) => Step::Chunk {
            len: c.len(),
            whole: c.len() == out_len,
        },
        Ok(None) => Step::Done,
        Err(_) => Step::Failed(Failure::Lookup(exc!(
            ValueError,
            "buffer must hold at least 2 bytes"
        ))),
    }
}
