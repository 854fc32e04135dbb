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

use crate::{Band, Layer, Palette, RenderParams};

/// What a table derived from a palette is known by: where the palette lives,
/// and the background its transparent entries were replaced with (for the
/// back-most layer of a row). That stands for the palette's contents for as
/// long as the renderer may assume the scene unchanged: while a
/// [`ChunkRenderer`](crate::ChunkRenderer) borrows its layers, or between
/// chunks a caller of [`RenderState`](crate::RenderState) declares
/// [`Scene::Unchanged`](crate::Scene::Unchanged); anything else clears the
/// tables first ([`RowPainter::clear`]).
pub(crate) type PaletteKey = (usize, Option<[u8; 2]>);

/// The key of `palette`'s entries as painted over `base`.
#[inline]
pub(crate) fn key_of(palette: Palette<'_>, base: Option<[u8; 2]>) -> PaletteKey {
    (palette.entries() as *const _ as usize, base)
}

/// A pixel as a painter writes it: its two wire bytes, either as bytes or as
/// one 16-bit word holding them in memory order (stored with one halfword
/// store where the output is aligned for it).
pub(crate) trait Pixel: Copy {
    /// Wire bytes `00 00`.
    const ZERO: Self;
    /// The pixel of two wire bytes (the fast painter writes bytes and
    /// needs no conversion).
    #[cfg_attr(not(feature = "small"), allow(dead_code))]
    fn from_wire(bytes: [u8; 2]) -> Self;
    /// Its two wire bytes.
    #[cfg_attr(not(feature = "small"), allow(dead_code))]
    fn to_wire(self) -> [u8; 2];
    /// The output's pixels as this type, when they can be viewed so (a word
    /// needs two-byte alignment).
    fn view(out: &mut [[u8; 2]]) -> Option<&mut [Self]>;
}

impl Pixel for [u8; 2] {
    const ZERO: Self = [0; 2];

    #[inline(always)]
    fn from_wire(bytes: [u8; 2]) -> Self {
        bytes
    }

    #[inline(always)]
    fn to_wire(self) -> [u8; 2] {
        self
    }

    #[inline(always)]
    fn view(out: &mut [[u8; 2]]) -> Option<&mut [Self]> {
        Some(out)
    }
}

impl Pixel for u16 {
    const ZERO: Self = 0;

    #[inline(always)]
    fn from_wire(bytes: [u8; 2]) -> Self {
        u16::from_ne_bytes(bytes)
    }

    #[inline(always)]
    fn to_wire(self) -> [u8; 2] {
        self.to_ne_bytes()
    }

    #[inline(always)]
    fn view(out: &mut [[u8; 2]]) -> Option<&mut [Self]> {
        bytemuck::try_cast_slice_mut(out).ok()
    }
}

/// What a painter gives the chunk renderer.
pub(crate) trait RowPainter {
    /// How it writes pixels.
    type Pixel: Pixel;
    /// What the painter keeps between rows and chunks of one render.
    type Scratch: Clone;
    /// The layers found to cross a band of rows.
    type Culling: Clone;

    /// Empty scratch.
    const SCRATCH: Self::Scratch;
    /// Culling before any band is known.
    const NO_CULLING: Self::Culling;
    /// Whether an unscaled row is composed straight into the chunk wherever
    /// the chunk can be viewed as [`Self::Pixel`]s: any part of a row, or
    /// (`false`) only a whole row. Everything else goes through the row
    /// cache.
    const IN_PLACE_SEGMENTS: bool;

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
        row: &mut [Self::Pixel],
    );

    /// Copies logical pixels to output pixels, each `scale` times; the
    /// first one has already been sent `phase` times. Returns how many
    /// logical pixels were finished and how many times the next one has
    /// been sent.
    fn replicate(src: &[Self::Pixel], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32);
}
