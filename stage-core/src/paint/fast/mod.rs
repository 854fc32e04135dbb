//! The fast painter: the layers crossing a band of rows are found once per
//! band, the back-most layer of a row paints onto nothing (no background
//! fill, no transparency test), whole tile rows are coloured sixteen pixels
//! at a time with their transparent pixels found bit-parallel, and opaque
//! tile rows of large grids go through a pair table.

mod colors;
mod transparency;

use colors::{key_of, BaseColors, PairTables, Pairs, PAIR_TABLE_MIN_PIXELS};
use transparency::{Transparency, NIBBLE_HIGH_BIT};

use super::text::paint_text;
use super::{Placement, RowPainter};
use crate::cull::Region;
use crate::{Band, Bank, Layer, Palette, RenderParams, Rotation, WireColor};

/// Layers a band of rows can single out as crossing it. A band crossed by
/// more layers than this is still rendered exactly, testing every layer per
/// row.
const ACTIVE_LAYERS: usize = 64;

/// The fast painter.
pub(crate) struct Fast;

/// What the fast painter keeps between rows and chunks.
#[derive(Clone)]
pub(crate) struct Scratch {
    pairs: PairTables,
    base: BaseColors,
}

impl RowPainter for Fast {
    type Pixel = [u8; 2];
    type Scratch = Scratch;
    type Culling = Active;

    const SCRATCH: Scratch = Scratch {
        pairs: PairTables::NEW,
        base: BaseColors::NEW,
    };
    const NO_CULLING: Active = Active::EMPTY;
    const IN_PLACE_SEGMENTS: bool = false;

    fn clear(scratch: &mut Scratch) {
        scratch.pairs.clear();
        scratch.base.clear();
    }

    fn cull(layers: &[Layer<'_>], params: &RenderParams, band: Band) -> Active {
        Active::find(layers, params, band)
    }

    fn compose(
        params: &RenderParams,
        scratch: &mut Scratch,
        layers: &[Layer<'_>],
        active: &Active,
        y: i32,
        x: i32,
        row: &mut [[u8; 2]],
    ) {
        let viewport = params.viewport();
        let fill = params.fill().bytes();
        // The back-most layer crossing the row paints onto nothing; the ones
        // in front paint over it.
        let mut mode = Mode::Base(fill);
        active.back_to_front(layers, |layer| {
            if paint_layer(layer, viewport, y, x, row, scratch, mode) {
                mode = Mode::Over;
            }
        });
        if let Mode::Base(_) = mode {
            row.fill(fill);
        }
    }

    #[inline]
    fn replicate(src: &[[u8; 2]], phase: u32, scale: u32, dst: &mut [[u8; 2]]) -> (u32, u32) {
        if scale == 1 {
            if let Some(src) = src.get(..dst.len()) {
                dst.copy_from_slice(src);
            }
            return (dst.len() as u32, 0);
        }
        let left = (scale - phase) as usize;
        let Some((&px, src)) = src.split_first() else {
            return (0, phase);
        };
        if dst.len() < left {
            dst.fill(px);
            return (0, phase + dst.len() as u32);
        }
        let (head, body) = dst.split_at_mut(left);
        head.fill(px);
        let (runs, tail) = match scale {
            2 => repeat::<2>(src, body),
            3 => repeat::<3>(src, body),
            4 => repeat::<4>(src, body),
            _ => {
                // Run by run, without dividing to size an iterator.
                let (mut runs, mut rest, mut src) = (0usize, body, src.iter());
                while let Some(&px) = src.next().filter(|_| !rest.is_empty()) {
                    let (run, tail) = rest.split_at_mut(rest.len().min(scale as usize));
                    run.fill(px);
                    if run.len() < scale as usize {
                        return (1 + runs as u32, run.len() as u32);
                    }
                    runs += 1;
                    rest = tail;
                }
                (runs, 0)
            }
        };
        (1 + runs as u32, tail as u32)
    }
}

/// Writes each pixel of `src` `N` times into `dst`. Returns the whole runs
/// written and the length of the last, partial one.
#[inline]
fn repeat<const N: usize>(src: &[[u8; 2]], dst: &mut [[u8; 2]]) -> (usize, usize) {
    let (runs, tail) = dst.as_chunks_mut::<N>();
    for (run, &px) in runs.iter_mut().zip(src) {
        *run = [px; N];
    }
    if let Some(&px) = src.get(runs.len()) {
        tail.fill(px);
    }
    (runs.len(), tail.len())
}

/// The layers that cross a band of rows, as indices into the scene.
#[derive(Clone)]
pub(crate) struct Active {
    indices: [u16; ACTIVE_LAYERS],
    len: usize,
    /// Too many to list: test every layer.
    all: bool,
}

impl Active {
    const EMPTY: Active = Active {
        indices: [0; ACTIVE_LAYERS],
        len: 0,
        all: false,
    };

    /// Finds the layers that reach `band` within the rectangle's columns.
    fn find(layers: &[Layer<'_>], params: &RenderParams, band: Band) -> Self {
        let mut active = Active {
            all: layers.len() > usize::from(u16::MAX),
            ..Active::EMPTY
        };
        if active.all {
            return active;
        }
        let region = Region::of(params, band);
        for (index, layer) in layers.iter().enumerate() {
            if region.reached_by(&layer.footprint()) {
                let Some(slot) = active.indices.get_mut(active.len) else {
                    active.all = true;
                    break;
                };
                *slot = index as u16;
                active.len += 1;
            }
        }
        active
    }

    /// Calls `paint` on the active layers, back one first.
    #[inline]
    fn back_to_front<'l, 'a: 'l>(
        &self,
        layers: &'l [Layer<'a>],
        mut paint: impl FnMut(&'l Layer<'a>),
    ) {
        if self.all {
            layers.iter().rev().for_each(paint);
        } else {
            for &index in self
                .indices
                .get(..self.len)
                .unwrap_or_default()
                .iter()
                .rev()
            {
                if let Some(layer) = layers.get(usize::from(index)) {
                    paint(layer);
                }
            }
        }
    }
}

/// How a layer is painted into a row.
#[derive(Clone, Copy)]
enum Mode {
    /// Over what the row already holds: transparent pixels keep it.
    Over,
    /// As the back-most layer of the row, onto nothing: the row is not
    /// filled yet. Every pixel is written: transparent ones (and the parts
    /// of the row the layer doesn't cover) with the background.
    Base([u8; 2]),
}

impl Mode {
    /// Gets `row` ready for a layer covering `begin..end` of it: as the
    /// base layer, the rest of the row gets the background, which is
    /// returned.
    #[inline(always)]
    fn prepare(self, row: &mut [[u8; 2]], begin: usize, end: usize) -> Option<[u8; 2]> {
        let Mode::Base(fill) = self else {
            return None;
        };
        if let Some(before) = row.get_mut(..begin) {
            before.fill(fill);
        }
        if let Some(after) = row.get_mut(end..) {
            after.fill(fill);
        }
        Some(fill)
    }
}

/// Paints `layer` into `row`, which holds screen row `y` from screen column
/// `x` on. Returns whether the layer crosses the row; in [`Mode::Base`]
/// nothing is written when it doesn't.
#[inline]
fn paint_layer(
    layer: &Layer<'_>,
    viewport: (i16, i16),
    y: i32,
    x: i32,
    row: &mut [[u8; 2]],
    scratch: &mut Scratch,
    mode: Mode,
) -> bool {
    let Some(span) = Placement::of(&layer.footprint(), viewport).span(y, x, row.len()) else {
        return false;
    };
    let base = mode.prepare(row, span.begin, span.end);
    let Some(dst) = row.get_mut(span.begin..span.end) else {
        return true;
    };
    let Scratch {
        pairs,
        base: colors,
    } = scratch;
    let cy = (span.ly & 15) as u8;
    match layer {
        Layer::Grid(grid) => {
            let map = grid.map();
            let palette = colors.for_base(grid.palette(), base);
            let pairs = if dst.len() >= PAIR_TABLE_MIN_PIXELS {
                pairs.pairs(palette, key_of(grid.palette(), base))
            } else {
                None
            };
            let tiles = Tiles::new(grid.bank(), palette, pairs, grid.rotation(), cy);
            // Cell (tx, ty) is nibble `tx & 1` of byte `(ty * width + tx) / 2`.
            let (cells, first) = (
                map.as_bytes(),
                usize::from(span.ly >> 4) * usize::from(map.width()),
            );
            tiles.paint(dst, span.lx, |tx| {
                let byte = cells
                    .get((first + usize::from(tx)) >> 1)
                    .copied()
                    .unwrap_or(0);
                (byte >> ((!tx & 1) * 4)) & 15
            });
        }
        Layer::Sprite(sprite) => {
            let palette = colors.for_base(sprite.palette(), base);
            let tiles = Tiles::new(sprite.bank(), palette, None, sprite.rotation(), cy);
            let frame = sprite.frame();
            tiles.paint(dst, span.lx, |_| frame);
        }
        Layer::Text(text) => {
            let palette = colors.for_base(text.palette(), base);
            let transparent = palette.transparent_mask();
            paint_text(
                dst,
                span.lx,
                span.ly,
                text,
                palette.entries(),
                transparent,
                base,
            );
        }
    }
    true
}

/// One row (`cy`) of turned tiles, and how to colour it.
struct Tiles<'p> {
    bank: Bank<'p>,
    palette: Palette<'p>,
    transparency: Transparency,
    pairs: Option<&'p Pairs>,
    rotation: Rotation,
    cy: u8,
}

impl<'p> Tiles<'p> {
    #[inline(always)]
    fn new(
        bank: Bank<'p>,
        palette: Palette<'p>,
        pairs: Option<&'p Pairs>,
        rotation: Rotation,
        cy: u8,
    ) -> Self {
        Tiles {
            bank,
            palette,
            transparency: Transparency::of(palette.transparent_mask()),
            pairs,
            rotation,
            cy,
        }
    }

    /// Paints into `dst`, whose first pixel is the layer's column `lx`;
    /// `tile_at(tx)` is the tile of column `tx`.
    #[inline(always)]
    fn paint(&self, dst: &mut [[u8; 2]], lx: u16, tile_at: impl Fn(u16) -> u8) {
        let (bank, cy, rotation) = (self.bank, self.cy, self.rotation);
        // The two codes sprites use most, each with its own loop.
        match rotation {
            Rotation::Identity => self.paint_lines(dst, lx, |tx| bank.row(tile_at(tx), cy)),
            Rotation::FlipX => {
                let flip = Rotation::FlipX;
                self.paint_lines(dst, lx, |tx| bank.line(tile_at(tx), flip, cy));
            }
            _ => self.paint_lines(dst, lx, |tx| bank.line(tile_at(tx), rotation, cy)),
        }
    }

    /// A partial tile, whole tiles, a partial tile; `line(tx)` gives the
    /// nibbles of column `tx` in drawing order.
    #[inline(always)]
    fn paint_lines(&self, dst: &mut [[u8; 2]], lx: u16, line: impl Fn(u16) -> u64) {
        let mut tx = lx >> 4;
        let mut rest = dst;
        let cx = lx & 15;
        if cx != 0 {
            let n = rest.len().min(usize::from(16 - cx));
            let (head, tail) = rest.split_at_mut(n);
            paint_part(head, line(tx), cx, self.palette);
            rest = tail;
            tx += 1;
        }
        let (whole, tail) = rest.as_chunks_mut::<16>();
        for dst in whole {
            self.paint_whole(dst, line(tx));
            tx += 1;
        }
        if !tail.is_empty() {
            paint_part(tail, line(tx), 0, self.palette);
        }
    }

    /// Writes the opaque colours of the 16 nibbles of `line` (first pixel
    /// in the top nibble) into `dst`.
    #[inline(always)]
    fn paint_whole(&self, dst: &mut [[u8; 2]; 16], line: u64) {
        let entries = self.palette.entries();
        let hidden = self.transparency.hidden(line);
        let (pairs, _) = dst.as_chunks_mut::<2>();
        let bytes = line.to_be_bytes();
        if hidden == 0 {
            // No transparent pixel: no test per pixel.
            if let Some(table) = self.pairs {
                for (pair, byte) in pairs.iter_mut().zip(bytes) {
                    *pair = table[usize::from(byte)];
                }
            } else {
                for (pair, byte) in pairs.iter_mut().zip(bytes) {
                    *pair = [
                        entries[usize::from(byte >> 4)],
                        entries[usize::from(byte & 15)],
                    ];
                }
            }
        } else if hidden != NIBBLE_HIGH_BIT {
            if let Some(table) = self.pairs {
                // Two pixels a byte: both shown, one shown, or none.
                let masks = hidden.to_be_bytes();
                for ((pair, byte), mask) in pairs.iter_mut().zip(bytes).zip(masks) {
                    let colors = &table[usize::from(byte)];
                    match mask & 0x88 {
                        0 => *pair = *colors,
                        0x08 => pair[0] = colors[0],
                        0x80 => pair[1] = colors[1],
                        _ => {}
                    }
                }
            } else {
                paint_masked(pairs, bytes, hidden, entries);
            }
        }
    }
}

/// Writes the pixels of `bytes` (two a byte, left one in the high nibble)
/// whose bit in `hidden` (the high bit of each nibble) is clear. Byte by
/// byte on 32-bit cores: no variable 64-bit shifts, which they do in a
/// library routine.
#[inline]
fn paint_masked(pairs: &mut [[[u8; 2]; 2]], bytes: [u8; 8], hidden: u64, entries: &[[u8; 2]; 16]) {
    if cfg!(target_pointer_width = "64") {
        // 64-bit shifts are single instructions here.
        let line = u64::from_be_bytes(bytes);
        for (i, px) in pairs.as_flattened_mut().iter_mut().enumerate() {
            if hidden & (1 << (63 - 4 * i)) == 0 {
                *px = entries[(line >> (60 - 4 * i)) as usize & 15];
            }
        }
        return;
    }
    for ((pair, byte), mask) in pairs.iter_mut().zip(bytes).zip(hidden.to_be_bytes()) {
        if mask & 0x80 == 0 {
            pair[0] = entries[usize::from(byte >> 4)];
        }
        if mask & 0x08 == 0 {
            pair[1] = entries[usize::from(byte & 15)];
        }
    }
}

/// Writes the opaque colours of nibbles `first..first + dst.len()` (at
/// most 16) of `line` into `dst`.
#[inline(never)]
fn paint_part(dst: &mut [[u8; 2]], mut line: u64, first: u16, palette: Palette<'_>) {
    let entries = palette.entries();
    let opaque = palette.transparent_mask() == 0;
    if cfg!(target_pointer_width = "64") {
        line <<= 4 * (first & 15);
    } else {
        // A variable 64-bit shift is a library call on 32-bit cores.
        for _ in 0..first {
            line <<= 4;
        }
    }
    for px in dst {
        let color = entries[(line >> 60) as usize];
        if opaque || !WireColor(color).is_transparent() {
            *px = color;
        }
        line <<= 4;
    }
}
