//! The small painter, for flash-tight builds (feature `small`, the 32-bit
//! MicroPython modules): little code, and still few instructions a pixel.
//!
//! - Pixels are 16-bit words: where the chunk is aligned for them a row is
//!   composed in place, each pixel one halfword store (else it goes through
//!   the row cache).
//! - The back-most layer crossing a row, when it covers the whole row,
//!   paints onto nothing: its transparent entries are the background, so the
//!   row is not filled first and its pixels are not tested.
//! - A pixel is a load from the palette read as sixteen words, in place
//!   where it is aligned for them (else copied); a transparent one is the
//!   transparency key, skipped by one comparison. The back-most layer's
//!   palette, with the background in its transparent entries, is made once
//!   and kept (known by its [`PaletteKey`](super::PaletteKey)).
//! - No culling by bands: every layer is tested against every row (a caller
//!   with many layers spread over the screen passes only those reaching the
//!   band of the next chunk, as the MicroPython module does).

use super::text::paint_text;
use super::{key_of, Pixel, Placement, RowPainter};
use crate::paint::placement::Span;
use crate::{Band, Bank, Layer, Palette, RenderParams, Rotation, WireColor};

/// The small painter.
pub(crate) struct Small;

/// The transparency key as a pixel word.
const KEY: u16 = u16::from_ne_bytes(WireColor::TRANSPARENT.bytes());

/// What the painter keeps between rows and chunks: the back-most layer's
/// palette as words, its transparent entries replaced by the background
/// (the same for the whole render), known by where the palette lives (0:
/// none yet; no palette lives at address 0); and room for a palette that
/// can't be read as words in place.
#[derive(Clone)]
pub(crate) struct Scratch {
    base_key: usize,
    base: [u16; 16],
    copy: [u16; 16],
}

impl Scratch {
    /// The entries of `palette` as pixel words: for the back-most layer
    /// (`base` is the background) the kept table, made again if it is of
    /// another palette; else the palette's own bytes where they are aligned
    /// for words, or a copy.
    fn colors<'t>(&'t mut self, palette: Palette<'t>, base: Option<[u8; 2]>) -> &'t [u16; 16] {
        let entries = palette.entries();
        let (key, _) = key_of(palette, None);
        let table = match base {
            Some(_) if self.base_key == key => return &self.base,
            Some(_) => {
                self.base_key = key;
                &mut self.base
            }
            None => match bytemuck::try_cast_ref(entries) {
                Ok(words) => return words,
                Err(_) => &mut self.copy,
            },
        };
        for (color, entry) in table.iter_mut().zip(entries) {
            *color = u16::from_wire(*entry);
            if let (KEY, Some(fill)) = (*color, base) {
                *color = u16::from_wire(fill);
            }
        }
        table
    }
}

impl RowPainter for Small {
    type Pixel = u16;
    type Scratch = Scratch;
    type Culling = ();

    const SCRATCH: Scratch = Scratch {
        base_key: 0,
        base: [0; 16],
        copy: [0; 16],
    };
    const NO_CULLING: () = ();
    const IN_PLACE_SEGMENTS: bool = true;

    fn clear(scratch: &mut Scratch) {
        scratch.base_key = 0;
    }

    fn cull(_: &[Layer<'_>], _: &RenderParams, _: Band) {}

    fn compose(
        params: &RenderParams,
        scratch: &mut Scratch,
        layers: &[Layer<'_>],
        _: &(),
        y: i32,
        x: i32,
        row: &mut [u16],
    ) {
        let viewport = params.viewport();
        let fill = params.fill().bytes();
        // The back-most layer crossing the row paints onto nothing when it
        // covers all of it; else the row starts as the background.
        let mut base = Some(fill);
        for layer in layers.iter().rev() {
            let Some(span) = Placement::of(&layer.footprint(), viewport).span(y, x, row.len())
            else {
                continue;
            };
            if base.is_some() && (span.begin, span.end) != (0, row.len()) {
                fill_row(row, fill);
                base = None;
            }
            paint_layer(layer, &span, row, scratch, base);
            base = None;
        }
        if base.is_some() {
            fill_row(row, fill);
        }
    }

    fn replicate(src: &[u16], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32) {
        if (scale, phase) == (2, 0) {
            if let Some(words) = u16::view(dst) {
                return double(src, words);
            }
        }
        // Pixel by pixel (other scales, and rows the chunk can't take as words).
        let (mut done, mut phase) = (0, phase);
        let mut color = src.first().copied().unwrap_or_default();
        for px in dst {
            *px = color.to_wire();
            phase += 1;
            if phase == scale {
                (done, phase) = (done + 1, 0);
                color = src.get(done).copied().unwrap_or_default();
            }
        }
        (done as u32, phase)
    }
}

/// Writes each pixel of `src` twice into `dst`: the commonest scale, two
/// halfword stores a pixel.
#[inline(never)]
fn double(src: &[u16], dst: &mut [u16]) -> (u32, u32) {
    let (pairs, tail) = dst.as_chunks_mut::<2>();
    let mut src = src.iter();
    for pair in pairs.iter_mut() {
        let color = src.next().copied().unwrap_or_default();
        *pair = [color, color];
    }
    let done = pairs.len() as u32;
    if let (Some(px), Some(&color)) = (tail.first_mut(), src.next()) {
        *px = color;
    }
    (done, tail.len() as u32)
}

/// Fills `row` with the background.
#[inline(never)]
fn fill_row(row: &mut [u16], fill: [u8; 2]) {
    row.fill(u16::from_wire(fill));
}

/// Paints `layer` over `row` where `span` says it covers it; as the
/// back-most layer if `base` (the background) is given.
fn paint_layer(
    layer: &Layer<'_>,
    span: &Span,
    row: &mut [u16],
    scratch: &mut Scratch,
    base: Option<[u8; 2]>,
) {
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
            let colors = scratch.colors(text.palette(), base);
            let mut transparent = 0;
            if base.is_none() {
                for (i, &color) in colors.iter().enumerate() {
                    transparent |= u16::from(color == KEY) << i;
                }
            }
            let base = base.map(u16::from_wire);
            paint_text(dst, span.lx, span.ly, text, colors, transparent, base);
            return;
        }
    };
    let colors = scratch.colors(palette, base);
    let cy = (span.ly & 15) as u8;
    paint_tiles(
        dst,
        span.lx,
        cy,
        bank,
        rotation,
        tiles,
        colors,
        base.is_none(),
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
/// pixel is the layer's column `lx`; `over` skips transparent pixels.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn paint_tiles(
    dst: &mut [u16],
    lx: u16,
    cy: u8,
    bank: Bank<'_>,
    rotation: Rotation,
    tiles: TileSource<'_>,
    colors: &[u16; 16],
    over: bool,
) {
    let mut tx = lx >> 4;
    let mut first = usize::from(lx & 15);
    let mut rest = dst;
    let mut turned;
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
        // The tile's row as drawn: two pixels a byte, the left one in the high
        // nibble; straight from the bank unless it is turned.
        let bytes = if rotation == Rotation::Identity {
            bank.row_bytes(tile, cy)
        } else {
            turned = bank.line(tile, rotation, cy).to_be_bytes();
            &turned
        };
        let n = rest.len().min(16 - first);
        let (head, tail) = rest.split_at_mut(n);
        if let Some(whole) = head.first_chunk_mut::<16>() {
            paint_whole(whole, bytes, colors, over);
        } else {
            paint_part(head, bytes, first, colors, over);
        }
        rest = tail;
        tx += 1;
        first = 0;
    }
}

/// Writes the colours of a whole tile row (`bytes`, two pixels a byte, the
/// left one in the high nibble) into `dst`; `over` skips transparent ones.
#[inline(never)]
fn paint_whole(dst: &mut [u16; 16], bytes: &[u8; 8], colors: &[u16; 16], over: bool) {
    let (pairs, _) = dst.as_chunks_mut::<2>();
    let mut i = 0;
    // Loops that test at the end: one branch a byte fewer.
    if over {
        while {
            let byte = bytes[i];
            let (left, right) = (
                colors[usize::from(byte >> 4)],
                colors[usize::from(byte & 15)],
            );
            if left != KEY {
                pairs[i][0] = left;
            }
            if right != KEY {
                pairs[i][1] = right;
            }
            i += 1;
            i != 8
        } {}
    } else {
        while {
            let byte = bytes[i];
            pairs[i] = [
                colors[usize::from(byte >> 4)],
                colors[usize::from(byte & 15)],
            ];
            i += 1;
            i != 8
        } {}
    }
}

/// Writes the colours of pixels `first..first + dst.len()` of a tile row
/// into `dst`; `over` skips transparent ones.
#[inline(never)]
fn paint_part(dst: &mut [u16], bytes: &[u8; 8], first: usize, colors: &[u16; 16], over: bool) {
    for (at, px) in (first..).zip(dst) {
        let byte = bytes[(at >> 1) & 7];
        let color = colors[usize::from(if at & 1 == 0 { byte >> 4 } else { byte & 15 })];
        if !over || color != KEY {
            *px = color;
        }
    }
}
