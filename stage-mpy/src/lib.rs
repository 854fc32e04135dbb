//! `_stage`: the stage tile-and-sprite renderer as a MicroPython native module,
//! API-compatible with the original `_stage` (so existing `stage.py` games run), built
//! from [`stage_core`] into `_stage.mpy` for x64, armv6m, armv7m, armv7emsp, armv7emdp
//! and rv32imc by `cargo mpy` (see the crate README).
//!
//! ```python
//! import _stage
//! grid = _stage.Layer(10, 8, graphic, palette, tile_map)  # 10x8 tiles of 16x16 pixels
//! ball = _stage.Layer(1, 1, graphic, palette)             # a sprite: one tile
//! score = _stage.Text(16, 1, font, text_palette, chars)   # 16x1 cells of 8x8 pixels
//! ball.move(40, 20)
//! ball.frame(3, 0)                                        # tile 3, not rotated
//! # front first; write() gets the stream in chunks of len(buffer) bytes
//! _stage.render(0, 0, 128, 128, [score, ball, grid], bytearray(512), spi)
//! ```
//!
//! The byte formats (graphics, palettes, maps, fonts) and the rendering are those of
//! `docs/stage-format.md`; this page is about the Python side.
//!
//! # `Layer(width, height, graphic, palette[, map])`
//!
//! A grid of `width` x `height` tiles of 16x16 pixels when `map` is given (4 bits per
//! tile, two tiles a byte: cell (x, y) is byte `(y * width + x) >> 1`, high nibble for
//! even x), else a sprite: every cell shows tile `frame` of `graphic`. `map=None` is the
//! same as no map. It starts at (0, 0), frame 0, not rotated.
//!
//! * `move(x, y)`: the position of the top-left corner, wrapped to 16 bits like the
//!   original (`move(65539, 0)` is `move(3, 0)`; big ints too).
//! * `frame(frame, rotation)`: `frame` is the tile a sprite shows, 0..=15 (a grid
//!   ignores it); `rotation` 0..=7 turns every tile in place (1: 90 degrees clockwise,
//!   2: 180, 3: 270, 4..=7: the same, then mirrored), 8..=255 act as 0, as in the
//!   original.
//!
//! # `Text(width, height, font, palette, chars)`
//!
//! `width` x `height` cells of 8x8 pixels, one byte each in `chars` (row-major): bits
//! 0..=6 the glyph, 0 an empty cell, bit 7 highlights (palette entries 4..=7 instead
//! of 0..=3). `move(x, y)` as for `Layer`; there is no `frame`.
//!
//! # `render(x0, y0, x1, y1, layers, buffer, output[, scale[, vx, vy[, background]]])`
//!
//! Sends the rectangle `[x0, x1) x [y0, y1)` of the scene, each pixel repeated `scale`
//! times across and down (default 1), as RGB565 bytes high byte first:
//!
//! * `layers`: a list or tuple of `Layer` and `Text` objects, front first; the first
//!   opaque pixel wins (palette entries `F8 1F` are transparent).
//! * `buffer`: any writable buffer. Each chunk fills `2 * floor(len(buffer) / 2)` bytes
//!   of it (the last one may be shorter).
//! * `output`: any object with a `write(b)` method (`machine.SPI` has one), called once
//!   per chunk with a bytes-like object holding exactly that chunk, valid only during
//!   the call: the buffer itself when the chunk fills a `bytearray`, else a fresh
//!   `bytearray` copy. An exception raised by `write` propagates unchanged.
//! * With 7 or 8 arguments the stream is the original MicroPython core's: pixels no
//!   layer covers carry the transparency key `F8 1F`.
//! * `vx, vy` shift world coordinates like the CircuitPython core: screen pixel
//!   (x, y) shows world pixel (x + vx, y + vy), wrapped to 16 bits.
//! * `background` (default `None` in every form, the key `F8 1F`) is an RGB565 colour
//!   0..=0xFFFF for uncovered pixels, sent high byte first: `background=0` gives the
//!   CircuitPython stream.
//!
//! An empty rectangle (`x1 <= x0` or `y1 <= y0`) sends nothing: `write` isn't called.
//!
//! # Bad arguments
//!
//! Everything is checked; nothing a Python program passes can crash the VM or make
//! the module read or write out of bounds. Ints may be `int`, `bool` or any object
//! MicroPython converts to an int; anything else (a float, a str) is a `TypeError`.
//!
//! | argument | accepted | otherwise |
//! |---|---|---|
//! | `width`, `height` | 0..=2047 (`Text`: 0..=4095), i.e. the layer's extent fits an i16 | `ValueError` |
//! | `graphic`, `font` | a buffer of exactly 2048 bytes | `ValueError` (`TypeError` if not a buffer) |
//! | `palette` | a buffer of exactly 32 bytes | same |
//! | `map` | a buffer of at least `ceil(w * h / 2)` bytes (the original checked `floor` and read one byte past it) | same |
//! | `chars` | a buffer of at least `w * h` bytes | same |
//! | `frame` | 0..=15 (the original read past the graphic) | `ValueError` at `frame()` |
//! | `rotation` | 0..=255 | `ValueError` |
//! | `x`, `y`, `vx`, `vy` | any int, wrapped to 16 bits | |
//! | `x0`, `y0`, `x1`, `y1` | 0..=32767 | `ValueError` |
//! | `scale` | 1..=255 | `ValueError` |
//! | `background` | `None` or 0..=0xFFFF | `ValueError` (`TypeError` if not an int) |
//! | argument count | `Layer` 4 or 5, `Text` 5, `render` 7, 8, 10 or 11; no keywords | `TypeError` |
//! | `layers` | a `list` or `tuple` | `TypeError` |
//! | `layers[i]` | a `Layer` or `Text` (exact type: instances of Python subclasses are refused, as the original skipped them) | `TypeError` naming `i` |
//! | `buffer` | a writable buffer of at least 2 bytes | `TypeError` / `ValueError` |
//! | `output` | has a `write` attribute | `TypeError` |
//!
//! Ints too big for a machine word raise `OverflowError` where a range applies. Messages
//! say what is wrong and, where it helps, what was given, e.g. `ValueError: palette
//! must be 32 bytes long (got 31)`, `TypeError: layers[2] is not a Layer or Text`.
//!
//! # Buffers are referenced, looked up again for every chunk, and read at render time
//!
//! A layer keeps a reference to each buffer it reads, so the garbage collector can't
//! free them, and reads them when it renders: changing a palette, a map or a graphic
//! shows at the next render. As `write()` may run any Python code, `render` looks
//! everything up again before each chunk: the `layers` sequence, each layer's state and
//! buffers (checked again: one that shrank or grew to a wrong size raises `ValueError`
//! then) and the output buffer (whose length may have changed: the next chunk uses the
//! new one; below 2 bytes is a `ValueError`). A layer buffer that overlaps the output
//! buffer is refused (`ValueError`). `write()` may even call `render` again.
//!
//! A layer that covers none of the rows of the band around the next chunk is skipped
//! for that chunk without looking at its buffers (which leaves the stream unchanged, and
//! saves most of the work when a scene's sprites are spread over the screen): the band
//! and the rule are stage-core's ([`stage_core::RenderState::next_band`],
//! [`stage_core::reaches`]).
//!
//! What the renderer derived from the scene (the row being sent, which may be repeated
//! by the scale or split between chunks) is kept from one chunk to the next when
//! `write()` is a native function (`machine.SPI.write`, any function written in C or in
//! a native module): it runs no Python code, so the scene can't change. When `write()`
//! is Python code, which may change anything (move a layer, change a palette's bytes in
//! place, replace a buffer), every chunk is made afresh from the scene as it is then:
//! every change shows from the next chunk on. Whatever `write()` does, only the pixels
//! of the stream can be affected: nothing is read out of bounds.
//!
//! # Memory
//!
//! The renderer's state lives on the GC heap, not the C stack: while `write()` runs,
//! `render` holds a few hundred bytes of stack, and at its deepest (making a chunk)
//! about 1 KB (measured on the 32-bit targets with stage-core's `small` feature; the
//! default renderer, used on x64, needs several KB). Each render allocates on the GC
//! heap the renderer's state (about 0.75 KB with `small`, 2.9 KB without) and, per layer
//! reaching a band, the size of its view, and frees them
//! when it returns, raise or not. A chunk that doesn't fill a `bytearray` buffer
//! (usually only the last one) is handed to `write()` as a copy.
//!
//! # Builds
//!
//! Features: `natmod` (the final module build only: mpy-abi's panic handler and `mem*`
//! functions, which would clash with std in host builds) and `small` (stage-core's
//! size-optimised renderer: same bytes, less code and RAM). `cargo mpy` builds the
//! 32-bit targets with `small` (the armv6m module must fit in 8 KB) and x64 without:
//! see `package.metadata.mpy` in Cargo.toml.
//!
//! The crate has no `unsafe` code (`#![forbid(unsafe_code)]`): everything goes through
//! mpy-abi's safe API, including the GC-heap memory a render works in
//! ([`mpy_abi::GcBox`], [`mpy_abi::GcScratch`]).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

mod args;
mod layers;
mod render;

use layers::{layer_new, text_new, FRAME, LAYER, MOVE, TEXT};
use mpy_abi::{module, qstr, ClassDef, Module, Py, PyResult};
use render::RENDER;

module!(init);

/// Defines the classes and fills in the module's globals.
fn init(py: &mut Py, m: &mut Module) -> PyResult<()> {
    let layer_methods = [(qstr!("move"), MOVE.obj()), (qstr!("frame"), FRAME.obj())];
    let layer = ClassDef::new(qstr!("Layer"))
        .make_new(layer_new, 4, 5)
        .locals(&layer_methods);
    LAYER.define_in(py, m, &layer)?;
    let text_methods = [(qstr!("move"), MOVE.obj())];
    let text = ClassDef::new(qstr!("Text"))
        .make_new(text_new, 5, 5)
        .locals(&text_methods);
    TEXT.define_in(py, m, &text)?;
    m.set(py, qstr!("render"), RENDER.obj())
}
