//! stage-core in WebAssembly: the renderer built for `wasm32-unknown-unknown` with a
//! small C ABI for JavaScript. No wasm-bindgen and no allocator: the module keeps one
//! static block of memory ([`MEMORY_LEN`] bytes) that JavaScript fills with layer
//! descriptors and the bytes they view, and every call names what it reads and writes
//! there by offset, which the module checks.
//!
//! ```text
//! cargo rustc --release --target wasm32-unknown-unknown -p stage-wasm --crate-type cdylib
//!     -> target/wasm32-unknown-unknown/release/stage_wasm.wasm
//! ```
//!
//! (`examples/web/build` runs that.) The crate is an ordinary library otherwise, so
//! that host builds (tests, docs, `--all-features`, where stage-core's `defmt`
//! symbols can't be linked into a host `cdylib`) make an rlib, as `_stage.mpy`'s crate
//! does for its static library.
//!
//! `examples/web/js/stage-wasm.js` is the JavaScript API over it (layers made from
//! byte arrays, moved, given frames, rendered into RGBA for a canvas); the browser's
//! `_stage` module uses the stream form. `docs/web.md` describes both.
//!
//! # The ABI
//!
//! Every export takes and returns `i32`/`u32` values. Offsets are byte offsets into the
//! block whose address `stage_memory()` returns (`stage_memory_len()` bytes long).
//!
//! * A **layer descriptor** is [`DESC_WORDS`] little-endian `i32` words
//!   ([`Desc`]): kind (0 sprite, 1 grid, 2 text), width and height in cells, x, y,
//!   frame, rotation, then three buffer references of three words each: the offset of
//!   the bytes in the block, their length (-1: "not a buffer", which is reported as
//!   the original module reports it), and the address the bytes came from (used to
//!   refuse a buffer overlapping the output, as `_stage` does). The buffers are the
//!   graphic (or font), the palette and the map (or chars; unused by sprites).
//!   A **table** is descriptors back to back, front layer first.
//! * `stage_check(desc)` checks a descriptor as a `Layer`/`Text` constructor does.
//! * `stage_render(...)` renders a rectangle of a table's scene as the RGB565 stream the
//!   original engine sends (high byte first), into the block; `stage_render_rgba(...)`
//!   renders it as RGBA pixels for a canvas.
//! * `stage_begin(...)`, `stage_next(...)`, `stage_end(slot)` render chunk by chunk,
//!   the scene being given afresh with every chunk (the MicroPython module's way, for a
//!   `write()` that may change anything between chunks); renders may nest.
//! * A negative result is an error: -1 `TypeError`, -2 `ValueError`, -3
//!   `RuntimeError` (a misuse of the ABI); `stage_error_message()` and
//!   `stage_error_len()` give its message, the same text `_stage.mpy` raises.
//!
//! The module never panics on any input (stage-core doesn't, and every offset and
//! length is checked here); a panic would trap.
#![no_std]
#![warn(missing_debug_implementations)]

// Host builds (tests, docs, clippy) link std for its panic runtime; the code itself
// uses only `core`. The WebAssembly build has the handler below.
#[cfg(not(target_arch = "wasm32"))]
extern crate std;

mod desc;
mod engine;
mod ffi;
mod shared;

pub use desc::{BufferRef, Desc, Descriptor, Kind, DESC_WORDS};
pub use engine::{
    check, next_chunk, params, render_rgba, render_stream, rgb565_to_rgba, Chunk, Error, ExcKind,
    Message, MAX_LAYERS,
};
pub use ffi::MEMORY_LEN;
pub use shared::Shared;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(test)]
mod tests;
