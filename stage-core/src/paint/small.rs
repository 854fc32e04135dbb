//! The small painter, for flash-tight builds (feature `small`): one loop
//! for every kind of tile row, a bit test per pixel, the row filled with
//! the background before the layers paint over it, every layer tested
//! against every row (no culling by bands; a caller with many layers spread
//! over the screen passes only those reaching the band of the next chunk,
//! as the MicroPython module does), and no tables kept between rows.

use super::text::paint_text;
use super::{Placement, RowPainter};
use crate::{Band, Bank, Layer, Palette, RenderParams, Rotation};

/// The small painter.
pub(crate) struct Small;

impl RowPainter for Small {
    type Scratch = ();
    type Culling = ();

    const SCRATCH: () = ();
    const NO_CULLING: () = ();
    const IN_PLACE_ROWS: bool = false;

    fn clear(_: &mut ()) {}

    fn cull(_: &[Layer<'_>], _: &RenderParams, _: Band) {}

    fn compose(
        params: &RenderParams,
        _: &mut (),
        layers: &[Layer<'_>],
        _: &(),
        y: i32,
        x: i32,
        row: &mut [[u8; 2]],
    ) {
        row.fill(params.fill().bytes());
        let viewport = params.viewport();
        for layer in layers.iter().rev() {
            paint_layer(layer, viewport, y, x, row);
        }
    }

    fn replicate(src: &[[u8; 2]], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32) {
        if scale == 1 {
            if let Some(src) = src.get(..dst.len()) {
                dst.copy_from_slice(src);
            }
            return (dst.len() as u32, 0);
        }
        // Scaled: pixel by pixel, less code.
        let (mut done, mut phase) = (0, phase);
        let mut color = src.first().copied().unwrap_or_default();
        for px in dst {
            *px = color;
            phase += 1;
            if phase == scale {
                (done, phase) = (done + 1, 0);
                color = src.get(done).copied().unwrap_or_default();
            }
        }
        (done as u32, phase)
    }
}

/// Paints `layer` over `row`, which holds screen row `y` from screen column
/// `x` on.
fn paint_layer(layer: &Layer<'_>, viewport: (i16, i16), y: i32, x: i32, row: &mut [[u8; 2]]) {
    let Some(span) = Placement::of(&layer.footprint(), viewport).span(y, x, row.len()) else {
        return;
    };
    let Some(dst) = row.get_mut(span.begin..span.end) else {
        return;
    };
    let map;
    let (bank, palette, rotation, tiles) = match layer {
        Layer::Grid(grid) => {
            map = grid.map();
            let first = usize::from(span.ly >> 4) * usize::from(map.width());
            let tiles = TileSource::Map(map.as_bytes(), first);
            (grid.bank(), grid.palette(), grid.rotation(), tiles)
        }
        Layer::Sprite(sprite) => {
            let tiles = TileSource::Frame(sprite.frame());
            (sprite.bank(), sprite.palette(), sprite.rotation(), tiles)
        }
        Layer::Text(text) => {
            paint_text(dst, span.lx, span.ly, text, text.palette(), None);
            return;
        }
    };
    paint_tiles(
        dst,
        span.lx,
        (span.ly & 15) as u8,
        bank,
        palette,
        rotation,
        tiles,
    );
}

/// Where the tiles of a grid or sprite row come from.
#[derive(Clone, Copy)]
enum TileSource<'a> {
    /// A grid: the map's cells, and the index of the row's first cell.
    Map(&'a [u8], usize),
    /// A sprite: every cell shows this frame.
    Frame(u8),
}

/// Paints row `cy` of the tiles of a grid or sprite into `dst`, whose first
/// pixel is the layer's column `lx`.
#[inline(never)]
fn paint_tiles(
    dst: &mut [[u8; 2]],
    lx: u16,
    cy: u8,
    bank: Bank<'_>,
    palette: Palette<'_>,
    rotation: Rotation,
    tiles: TileSource<'_>,
) {
    let mut tx = lx >> 4;
    let mut first = lx & 15;
    let mut rest = dst;
    while !rest.is_empty() {
        let tile = match tiles {
            // Cell (tx, ty) is nibble `tx & 1` of byte `(ty * width + tx) / 2`.
            TileSource::Map(cells, row) => {
                let byte = cells
                    .get((row + usize::from(tx)) >> 1)
                    .copied()
                    .unwrap_or(0);
                (byte >> ((!tx & 1) * 4)) & 15
            }
            TileSource::Frame(frame) => frame,
        };
        let n = rest.len().min(usize::from(16 - first));
        let (head, tail) = rest.split_at_mut(n);
        let mut line = bank.line(tile, rotation, cy);
        // A variable 64-bit shift is a library call on 32-bit cores.
        for _ in 0..first {
            line <<= 4;
        }
        // Eight pixels from each half of the line: 32-bit shifts only.
        let (left, right) = head.split_at_mut(head.len().min(8));
        paint_nibbles(left, (line >> 32) as u32, palette);
        paint_nibbles(right, line as u32, palette);
        rest = tail;
        tx += 1;
        first = 0;
    }
}

/// Writes the opaque colours of the first `dst.len()` (at most 8) nibbles
/// of `nibbles` (first pixel in the top nibble) into `dst`.
#[inline(never)]
fn paint_nibbles(dst: &mut [[u8; 2]], mut nibbles: u32, palette: Palette<'_>) {
    let (entries, mask) = (palette.entries(), palette.transparent_mask());
    for px in dst {
        let index = (nibbles >> 28) as usize;
        if mask >> index & 1 == 0 {
            *px = entries[index];
        }
        nibbles <<= 4;
    }
}
