//! Composing rows: every layer that crosses a row paints its part of it,
//! from the back one to the front one, each overwriting the pixels where it
//! is opaque. The result is the original's "first opaque layer, front to
//! back" for every pixel, computed a tile row (16 pixels) or glyph row
//! (8 pixels) at a time instead of a pixel at a time.
//!
//! Two painters implement [`RowPainter`]: the fast one and, with the
//! feature `small`, one with less code and RAM. This module is the one
//! place that chooses between them; the rest of the renderer uses
//! [`Painter`].

mod placement;
mod text;

#[cfg(not(feature = "small"))]
mod fast;
#[cfg(feature = "small")]
mod small;

#[cfg(not(feature = "small"))]
pub(crate) use fast::Fast as Painter;
#[cfg(feature = "small")]
pub(crate) use small::Small as Painter;

pub(crate) use placement::Placement;

use crate::{Band, Layer, RenderParams};

/// What a painter gives the chunk renderer.
pub(crate) trait RowPainter {
    /// What the painter keeps between rows and chunks of one render.
    type Scratch: Clone;
    /// The layers found to cross a band of rows.
    type Culling: Clone;

    /// Empty scratch.
    const SCRATCH: Self::Scratch;
    /// Culling before any band is known.
    const NO_CULLING: Self::Culling;
    /// Whether a whole unscaled row is composed straight into the chunk
    /// (else every row goes through the row cache).
    const IN_PLACE_ROWS: bool;

    /// Forgets everything derived from the layers' buffers.
    fn clear(scratch: &mut Self::Scratch);

    /// Finds the layers of `layers` that cross `band`.
    fn cull(layers: &[Layer<'_>], params: &RenderParams, band: Band) -> Self::Culling;

    /// Composes screen row `y` from screen column `x` on into `row`, from
    /// the layers `culling` found.
    fn compose(
        params: &RenderParams,
        scratch: &mut Self::Scratch,
        layers: &[Layer<'_>],
        culling: &Self::Culling,
        y: i32,
        x: i32,
        row: &mut [[u8; 2]],
    );

    /// Copies logical pixels to output pixels, each `scale` times; the
    /// first one has already been sent `phase` times. Returns how many
    /// logical pixels were finished and how many times the next one has
    /// been sent.
    fn replicate(src: &[[u8; 2]], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32);
}
