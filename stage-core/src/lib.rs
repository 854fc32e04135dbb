//! A tile-and-sprite renderer for small SPI panels, byte-exact with
//! deshipu's `stage` engine, with no framebuffer and no allocation.
//!
//! A scene is a slice of [`Layer`]s, front first: tile [`Grid`]s, [`Sprite`]s
//! and [`Text`]. Their graphics are typed views over borrowed bytes
//! ([`Bank`], [`Palette`], [`TileMap`], [`Font`], [`TextChars`]) in the
//! original formats, checked once when made. [`render`] composes any
//! rectangle of the scene straight into RGB565 bytes in wire order, in
//! chunks of a small buffer handed to a sink (an SPI bus, a file, a test);
//! [`ChunkRenderer`] does the same one chunk at a time, for double-buffered
//! DMA. The [`reference`](mod@reference) renderer is the original per-pixel algorithm,
//! kept as the oracle the fast one is tested against.
//!
//! ```
//! use stage_core::{render, Bank, Grid, Layer, Palette, Rect, RenderParams, TileMap};
//!
//! let bank = [0x12u8; 2048]; // every tile: stripes of palette entries 1 and 2
//! let mut palette = [0u8; 32];
//! palette[2..6].copy_from_slice(&[0xFF, 0xFF, 0x00, 0x1F]); // white, blue
//! let map = [0u8; 32]; // 8x8 cells, all tile 0
//! let grid = Grid::new(
//!     Bank::new(&bank)?,
//!     Palette::new(&palette)?,
//!     TileMap::new(&map[..], 8, 8)?,
//! );
//! let layers = [Layer::from(grid)];
//!
//! let params = RenderParams::new(Rect::new(0, 0, 128, 128)?);
//! let mut buffer = [0u8; 512];
//! let mut sent = 0;
//! render(&layers, &params, &mut buffer, |chunk| {
//!     sent += chunk.len(); // an SPI write would go here
//!     Ok::<(), ()>(())
//! })
//! .unwrap();
//! assert_eq!(sent, 128 * 128 * 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

mod chunk;
mod color;
mod cull;
pub mod format;
#[cfg(feature = "framebuffer")]
pub mod framebuffer;
mod layer;
pub mod model;
mod paint;
mod params;
pub mod reference;
mod render;
mod rotation;

#[cfg(feature = "framebuffer")]
extern crate alloc;

pub use chunk::{BufferTooSmall, ChunkRenderer, RenderState, Scene, ROW_CACHE_PIXELS};
pub use color::WireColor;
pub use cull::{reaches, Band};
pub use format::{Bank, Font, FormatError, Palette, TextChars, TileMap};
pub use layer::{Footprint, Grid, Layer, Sprite, Text};
pub use params::{chunk_len, ParamError, Rect, RenderParams};
pub use render::{render, RenderError};
pub use rotation::Rotation;
