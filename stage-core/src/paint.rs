//! Painting one row of one layer into a row of pixels.
//!
//! The fast renderer composes a row back to front: it fills the row with the
//! background, then lets every layer that crosses it, from the back one to
//! the front one, overwrite the pixels where it is opaque. The result is the
//! original's "first opaque layer, front to back" for every pixel, computed a
//! tile row (16 pixels) or glyph row (8 pixels) at a time instead of a pixel
//! at a time.

use crate::{Bank, Layer, Palette, Rotation, Text};

/// Where a layer lies on the screen: the screen pixel its top-left corner
/// is drawn at, and its size. Screen pixel (x, y) shows layer pixel
/// (x - left, y - top), which is exactly the original's `i16` wrap-around
/// arithmetic for screen coordinates in `0..=32767`.
#[derive(Clone, Copy)]
pub(crate) struct Placement {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
}

impl Placement {
    #[inline]
    pub fn of(layer: &Layer<'_>, viewport: (i16, i16)) -> Self {
        let (x, y) = layer.position();
        let (width, height) = layer.size();
        Placement {
            left: x.wrapping_sub(viewport.0).into(),
            top: y.wrapping_sub(viewport.1).into(),
            width: width.into(),
            height: height.into(),
        }
    }

    /// Whether the layer covers any pixel of rows `top..=bottom` within
    /// columns `left..right`.
    #[inline]
    pub fn meets(&self, left: i32, right: i32, top: i32, bottom: i32) -> bool {
        self.top <= bottom
            && self.top + self.height > top
            && self.left < right
            && self.left + self.width > left
    }
}

/// Paints `layer` into `row`, which holds screen row `y` from screen column
/// `x` on.
#[inline]
pub(crate) fn paint_layer(
    layer: &Layer<'_>,
    viewport: (i16, i16),
    y: i32,
    x: i32,
    row: &mut [[u8; 2]],
) {
    let at = Placement::of(layer, viewport);
    let ly = y - at.top;
    if ly < 0 || ly >= at.height {
        return;
    }
    let begin = x.max(at.left);
    let end = (x + row.len() as i32).min(at.left + at.width);
    if begin >= end {
        return;
    }
    let Some(dst) = row.get_mut((begin - x) as usize..(end - x) as usize) else {
        return;
    };
    let lx = (begin - at.left) as u16;
    let ly = ly as u16;
    match layer {
        Layer::Grid(grid) => {
            let map = grid.map();
            let ty = ly >> 4;
            paint_tiles(
                dst,
                lx,
                ly,
                |tx| map.tile(tx, ty),
                grid.bank(),
                grid.palette(),
                grid.rotation(),
            )
        }
        Layer::Sprite(sprite) => paint_tiles(
            dst,
            lx,
            ly,
            |_| sprite.frame(),
            sprite.bank(),
            sprite.palette(),
            sprite.rotation(),
        ),
        Layer::Text(text) => paint_text(dst, lx, ly, text),
    }
}

/// Paints the row `ly` of a tile layer into `dst`, whose first pixel is the
/// layer's column `lx`.
#[inline]
fn paint_tiles(
    dst: &mut [[u8; 2]],
    mut lx: u16,
    ly: u16,
    tile_at: impl Fn(u16) -> u8,
    bank: Bank<'_>,
    palette: Palette<'_>,
    rotation: Rotation,
) {
    let cy = (ly & 15) as u8;
    let mut rest = dst;
    while !rest.is_empty() {
        let cx = lx & 15;
        let n = rest.len().min(usize::from(16 - cx));
        let (head, tail) = rest.split_at_mut(n);
        let line = tile_line(bank, tile_at(lx >> 4), rotation, cy);
        paint_nibbles(head, line << (4 * cx), palette);
        rest = tail;
        lx += n as u16;
    }
}

/// The 16 palette indices of row `cy` of a turned tile, in drawing order:
/// destination pixel `dx` is `(line >> (60 - 4 * dx)) & 15`.
#[inline]
fn tile_line(bank: Bank<'_>, frame: u8, rotation: Rotation, cy: u8) -> u64 {
    let flip = 15 - cy;
    match rotation {
        Rotation::Identity => bank.row(frame, cy),
        Rotation::FlipX => reverse_nibbles(bank.row(frame, cy)),
        Rotation::Rotate180 => reverse_nibbles(bank.row(frame, flip)),
        Rotation::FlipY => bank.row(frame, flip),
        Rotation::Rotate90 => reverse_nibbles(bank.column(frame, cy)),
        Rotation::Rotate270 => bank.column(frame, flip),
        Rotation::Transpose => bank.column(frame, cy),
        Rotation::AntiTranspose => reverse_nibbles(bank.column(frame, flip)),
    }
}

#[inline]
fn reverse_nibbles(v: u64) -> u64 {
    let v = v.swap_bytes();
    ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
}

/// Writes the opaque colours of the nibbles of `line` (first pixel in the
/// top nibble) into `dst`.
#[inline]
fn paint_nibbles(dst: &mut [[u8; 2]], mut line: u64, palette: Palette<'_>) {
    for px in dst {
        let color = palette.color((line >> 60) as u8);
        if !color.is_transparent() {
            *px = color.bytes();
        }
        line <<= 4;
    }
}

/// Paints the row `ly` of a text layer into `dst`, whose first pixel is the
/// layer's column `lx`.
#[inline]
fn paint_text(dst: &mut [[u8; 2]], mut lx: u16, ly: u16, text: &Text<'_>) {
    let (font, palette, chars) = (text.font(), text.palette(), text.chars());
    let (ty, cy) = (ly >> 3, (ly & 7) as u8);
    let mut rest = dst;
    while !rest.is_empty() {
        let cx = lx & 7;
        let n = rest.len().min(usize::from(8 - cx));
        let (head, tail) = rest.split_at_mut(n);
        let cell = chars.char(lx >> 3, ty);
        let code = cell & 0x7F;
        if code != 0 {
            let highlight = (cell >> 5) & 4;
            let mut bits = font.row(code, cy) >> (2 * cx);
            for px in head {
                let color = palette.color((bits & 3) as u8 | highlight);
                if !color.is_transparent() {
                    *px = color.bytes();
                }
                bits >>= 2;
            }
        }
        rest = tail;
        lx += n as u16;
    }
}
