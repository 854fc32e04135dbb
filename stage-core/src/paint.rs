//! Painting one row of one layer into a row of pixels.
//!
//! The fast renderer composes a row back to front: it fills the row with the
//! background, then lets every layer that crosses it, from the back one to
//! the front one, overwrite the pixels where it is opaque. The result is the
//! original's "first opaque layer, front to back" for every pixel, computed a
//! tile row (16 pixels) or glyph row (8 pixels) at a time instead of a pixel
//! at a time.

use crate::{Bank, Layer, Palette, Rotation, Text, WireColor};

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
        let area = layer.area();
        Placement {
            left: area.x.wrapping_sub(viewport.0).into(),
            top: area.y.wrapping_sub(viewport.1).into(),
            width: area.width.into(),
            height: area.height.into(),
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

/// A byte of a tile row (two pixels) to the two colours it shows, for one
/// palette: halves the work per pixel of opaque tile rows.
#[cfg(not(feature = "small"))]
#[derive(Clone)]
struct PairTable {
    palette: Option<[[u8; 2]; 16]>,
    /// Where the palette was last found. Like the row cache, the tables
    /// take the layers (and the buffers they view) to be unchanged between
    /// chunks until [`PairTables::clear`], so the address stands for the
    /// contents, which are compared only when it differs.
    seen_at: Option<PaletteKey>,
    pairs: Pairs,
}

#[cfg_attr(feature = "small", allow(dead_code))]
type Pairs = [[[u8; 2]; 2]; 256];

/// Where a layer's palette lives, and the background its transparent
/// entries were replaced with (for the base layer): between chunks, until
/// the tables are cleared, this stands for the colours painted.
type PaletteKey = (usize, Option<[u8; 2]>);

/// Pair tables for the first two large grid palettes of a render, kept
/// while the palettes' contents stay the same. With the `small` feature
/// there are none: 2 KiB less RAM and less code, more work per pixel.
#[derive(Clone)]
pub(crate) struct PairTables {
    #[cfg(not(feature = "small"))]
    tables: [PairTable; 2],
}

impl PairTables {
    pub const fn new() -> Self {
        #[cfg(not(feature = "small"))]
        const EMPTY: PairTable = PairTable {
            palette: None,
            seen_at: None,
            pairs: [[[0; 2]; 2]; 256],
        };
        PairTables {
            #[cfg(not(feature = "small"))]
            tables: [EMPTY, EMPTY],
        }
    }

    /// Forgets the palettes, so the next large grids build the tables anew.
    pub fn clear(&mut self) {
        #[cfg(not(feature = "small"))]
        for table in &mut self.tables {
            table.palette = None;
            table.seen_at = None;
        }
    }

    /// The pairs of `palette` (found as `key`), if a table holds it or one
    /// is still free.
    #[cfg(not(feature = "small"))]
    fn pairs(&mut self, palette: Palette<'_>, key: PaletteKey) -> Option<&Pairs> {
        let entries = palette.entries();
        let index = self.tables.iter().position(|table| {
            table.seen_at == Some(key) || table.palette.as_ref().is_none_or(|held| held == entries)
        })?;
        let table = self.tables.get_mut(index)?;
        if table.palette.is_none() {
            for (byte, pair) in table.pairs.iter_mut().enumerate() {
                *pair = [entries[byte >> 4], entries[byte & 15]];
            }
            table.palette = Some(*entries);
        }
        table.seen_at = Some(key);
        Some(&table.pairs)
    }

    #[cfg(feature = "small")]
    #[allow(dead_code)]
    fn pairs(&mut self, _: Palette<'_>, _: PaletteKey) -> Option<&Pairs> {
        None
    }
}

/// The base layer's palette with its transparent entries replaced by the
/// background, kept between rows like the pair tables.
#[derive(Clone)]
struct BaseColors {
    key: Option<PaletteKey>,
    colors: [[u8; 2]; 16],
}

impl BaseColors {
    /// `palette` with its transparent entries replaced by `fill`; every
    /// entry of the result is painted.
    fn palette(&mut self, palette: Palette<'_>, fill: [u8; 2]) -> Palette<'_> {
        let key = (palette.entries() as *const _ as usize, Some(fill));
        if self.key != Some(key) {
            self.colors = *palette.entries();
            let mut mask = palette.transparent_mask();
            while mask != 0 {
                self.colors[mask.trailing_zeros() as usize & 15] = fill;
                mask &= mask - 1;
            }
            self.key = Some(key);
        }
        Palette::opaque(&self.colors)
    }
}

/// Sixteen zero entries (a constant: zeroed in place, not built in a temporary).
const BLANK_PALETTE: [[u8; 2]; 16] = [[0; 2]; 16];

/// What painting keeps between rows and chunks of one render.
#[derive(Clone)]
pub(crate) struct Scratch {
    pairs: PairTables,
    base: BaseColors,
}

impl Scratch {
    pub const fn new() -> Self {
        Scratch {
            pairs: PairTables::new(),
            base: BaseColors {
                key: None,
                colors: BLANK_PALETTE,
            },
        }
    }

    /// Forgets everything derived from the layers' buffers.
    pub fn clear(&mut self) {
        self.pairs.clear();
        self.base.key = None;
    }
}

/// Grid rows shorter than this don't use a pair table.
#[cfg_attr(feature = "small", allow(dead_code))]
const PAIR_TABLE_MIN_PIXELS: usize = 64;

/// How a layer is painted into a row.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    /// Over what the row already holds: transparent pixels keep it.
    Over,
    /// As the back-most layer of the row, onto nothing: the row is not
    /// filled yet. Every pixel is written: transparent ones (and the parts
    /// of the row the layer doesn't cover) with the background.
    Base([u8; 2]),
}

/// Paints `layer` into `row`, which holds screen row `y` from screen column
/// `x` on. Returns whether the layer crosses the row; in [`Mode::Base`]
/// nothing is written when it doesn't.
#[inline]
pub(crate) fn paint_layer(
    layer: &Layer<'_>,
    viewport: (i16, i16),
    y: i32,
    x: i32,
    row: &mut [[u8; 2]],
    scratch: &mut Scratch,
    mode: Mode,
) -> bool {
    let at = Placement::of(layer, viewport);
    let ly = y - at.top;
    if ly < 0 || ly >= at.height {
        return false;
    }
    let begin = x.max(at.left);
    let end = (x + row.len() as i32).min(at.left + at.width);
    if begin >= end {
        return false;
    }
    let (begin, end) = ((begin - x) as usize, (end - x) as usize);
    let mut base = None;
    if let Mode::Base(fill) = mode {
        if let Some(before) = row.get_mut(..begin) {
            before.fill(fill);
        }
        if let Some(after) = row.get_mut(end..) {
            after.fill(fill);
        }
        base = Some(fill);
    }
    let Some(dst) = row.get_mut(begin..end) else {
        return true;
    };
    let lx = (begin as i32 + x - at.left) as u16;
    let ly = ly as u16;
    let Scratch {
        pairs: table,
        base: base_colors,
    } = scratch;
    #[cfg(feature = "small")]
    {
        // One loop for grids and sprites, tile by tile.
        let _ = table;
        let map;
        let (bank, palette, rotation, tiles) = match layer {
            Layer::Grid(grid) => {
                map = grid.map();
                let row = usize::from(ly >> 4) * usize::from(map.width());
                let tiles = TileSource::Map(map.as_bytes(), row);
                (grid.bank(), grid.palette(), grid.rotation(), tiles)
            }
            Layer::Sprite(sprite) => {
                let tiles = TileSource::Frame(sprite.frame());
                (sprite.bank(), sprite.palette(), sprite.rotation(), tiles)
            }
            Layer::Text(text) => {
                let palette = match base {
                    Some(fill) => base_colors.palette(text.palette(), fill),
                    None => text.palette(),
                };
                paint_text(dst, lx, ly, text, palette, base);
                return true;
            }
        };
        let palette = match base {
            Some(fill) => base_colors.palette(palette, fill),
            None => palette,
        };
        paint_tiles(dst, lx, (ly & 15) as u8, bank, palette, rotation, tiles);
        true
    }
    #[cfg(not(feature = "small"))]
    match layer {
        Layer::Grid(grid) => {
            let map = grid.map();
            let ty = ly >> 4;
            let palette = match base {
                Some(fill) => base_colors.palette(grid.palette(), fill),
                None => grid.palette(),
            };
            let key = (grid.palette().entries() as *const _ as usize, base);
            let pairs = if dst.len() >= PAIR_TABLE_MIN_PIXELS {
                table.pairs(palette, key)
            } else {
                None
            };
            let tiles = Tiles {
                bank: grid.bank(),
                palette,
                transparency: Transparency::of(palette),
                pairs,
                rotation: grid.rotation(),
                cy: (ly & 15) as u8,
            };
            // Cell (tx, ty) is nibble `tx & 1` of byte `(ty * width + tx) / 2`.
            let (cells, row) = (map.as_bytes(), usize::from(ty) * usize::from(map.width()));
            tiles.paint(dst, lx, |tx| {
                let byte = cells
                    .get((row + usize::from(tx)) >> 1)
                    .copied()
                    .unwrap_or(0);
                (byte >> ((!tx & 1) * 4)) & 15
            })
        }
        Layer::Sprite(sprite) => {
            let palette = match base {
                Some(fill) => base_colors.palette(sprite.palette(), fill),
                None => sprite.palette(),
            };
            let tiles = Tiles {
                bank: sprite.bank(),
                palette,
                transparency: Transparency::of(palette),
                pairs: None,
                rotation: sprite.rotation(),
                cy: (ly & 15) as u8,
            };
            let frame = sprite.frame();
            tiles.paint(dst, lx, |_| frame)
        }
        Layer::Text(text) => {
            let palette = match base {
                Some(fill) => base_colors.palette(text.palette(), fill),
                None => text.palette(),
            };
            paint_text(dst, lx, ly, text, palette, base)
        }
    }
    #[cfg(not(feature = "small"))]
    true
}

/// Where the tiles of a grid or sprite row come from (feature `small`).
#[cfg(feature = "small")]
#[derive(Clone, Copy)]
enum TileSource<'a> {
    /// A grid: the map's cells, and the index of the row's first cell.
    Map(&'a [u8], usize),
    /// A sprite: every cell shows this frame.
    Frame(u8),
}

/// Paints row `cy` of the tiles of a grid or sprite into `dst`, whose first pixel is
/// the layer's column `lx` (feature `small`: one loop for every case).
#[cfg(feature = "small")]
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
        paint_part(head, tile_line(bank, tile, rotation, cy), first, palette);
        rest = tail;
        tx += 1;
        first = 0;
    }
}

/// One row (`cy`) of turned tiles, and how to colour it.
#[cfg_attr(feature = "small", allow(dead_code))]
struct Tiles<'p> {
    bank: Bank<'p>,
    palette: Palette<'p>,
    transparency: Transparency,
    pairs: Option<&'p Pairs>,
    rotation: Rotation,
    cy: u8,
}

#[cfg_attr(feature = "small", allow(dead_code))]
impl Tiles<'_> {
    /// Paints into `dst`, whose first pixel is the layer's column `lx`;
    /// `tile_at(tx)` is the tile of column `tx`.
    #[inline(always)]
    fn paint(&self, dst: &mut [[u8; 2]], lx: u16, tile_at: impl Fn(u16) -> u8) {
        let (bank, cy, rotation) = (self.bank, self.cy, self.rotation);
        if !cfg!(feature = "small") && rotation == Rotation::Identity {
            self.paint_lines(dst, lx, |tx| bank.row(tile_at(tx), cy));
        } else {
            self.paint_lines(dst, lx, |tx| tile_line(bank, tile_at(tx), rotation, cy));
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
    #[cfg_attr(not(feature = "small"), inline(always))]
    #[cfg_attr(feature = "small", inline(never))]
    fn paint_whole(&self, dst: &mut [[u8; 2]; 16], line: u64) {
        let entries = self.palette.entries();
        let hidden = self.transparency.hidden(line);
        let (pairs, _) = dst.as_chunks_mut::<2>();
        let bytes = line.to_be_bytes();
        if cfg!(feature = "small") {
            // One loop for every case: less code, a test per pixel.
            paint_masked(pairs, bytes, hidden, entries);
        } else if hidden == 0 {
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
/// byte: no variable 64-bit shifts, which 32-bit cores do in a library
/// routine.
#[cfg_attr(feature = "small", allow(dead_code))]
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

/// The 16 palette indices of row `cy` of a turned tile, in drawing order:
/// destination pixel `dx` is `(line >> (60 - 4 * dx)) & 15`.
///
/// With the feature `small`, from the bits of the rotation code: bit 0 reads a column
/// instead of a row, bit 1 counts it from the other edge, and the parity of the three
/// bits reverses the pixels.
#[cfg(feature = "small")]
fn tile_line(bank: Bank<'_>, frame: u8, rotation: Rotation, cy: u8) -> u64 {
    let code = rotation.code();
    let at = if code & 2 != 0 { 15 - cy } else { cy };
    let line = if code & 1 != 0 {
        bank.column(frame, at)
    } else {
        bank.row(frame, at)
    };
    if (code ^ code >> 1 ^ code >> 2) & 1 != 0 {
        reverse_nibbles(line)
    } else {
        line
    }
}

/// The 16 palette indices of row `cy` of a turned tile, in drawing order:
/// destination pixel `dx` is `(line >> (60 - 4 * dx)) & 15`.
#[cfg(not(feature = "small"))]
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

#[cfg_attr(feature = "small", allow(dead_code))]
const NIBBLE_LOW_BITS: u64 = 0x7777_7777_7777_7777;
#[cfg_attr(feature = "small", allow(dead_code))]
const NIBBLE_HIGH_BIT: u64 = 0x8888_8888_8888_8888;

/// Finds the pixels of a tile line whose palette entry is transparent.
#[cfg_attr(feature = "small", allow(dead_code))]
#[derive(Clone, Copy)]
enum Transparency {
    /// No entry is transparent.
    None,
    /// One entry is: the line with that index in every nibble.
    One(u64),
    /// Several are: bit `i` is set when entry `i` is.
    Many(u16),
}

#[cfg_attr(feature = "small", allow(dead_code))]
impl Transparency {
    #[inline]
    fn of(palette: Palette<'_>) -> Self {
        match palette.transparent_mask() {
            0 => Transparency::None,
            mask if mask.is_power_of_two() => {
                Transparency::One(repeat_nibble(mask.trailing_zeros()))
            }
            mask => Transparency::Many(mask),
        }
    }

    /// The nibbles of `line` whose palette entry is transparent, as the
    /// high bit of each such nibble.
    #[inline(always)]
    fn hidden(self, line: u64) -> u64 {
        match self {
            Transparency::None => 0,
            Transparency::One(pattern) => zero_nibbles(line ^ pattern),
            Transparency::Many(mut mask) => {
                let mut hidden = 0;
                while mask != 0 {
                    hidden |= zero_nibbles(line ^ repeat_nibble(mask.trailing_zeros()));
                    mask &= mask - 1;
                }
                hidden
            }
        }
    }
}

/// `index` (0..=15) in every nibble; shifts, not a 64-bit multiply, which
/// 32-bit cores without one would call a library routine for.
#[cfg_attr(feature = "small", allow(dead_code))]
#[inline(always)]
fn repeat_nibble(index: u32) -> u64 {
    // A table: LLVM turns any arithmetic for this into a 64-bit multiply,
    // a library call on 32-bit cores.
    const PATTERNS: [u64; 16] = {
        let mut patterns = [0; 16];
        let mut i = 0;
        while i < 16 {
            patterns[i] = i as u64 * 0x1111_1111_1111_1111;
            i += 1;
        }
        patterns
    };
    PATTERNS[index as usize & 15]
}

/// The zero nibbles of `x`, as the high bit of each.
#[cfg_attr(feature = "small", allow(dead_code))]
#[inline(always)]
fn zero_nibbles(x: u64) -> u64 {
    !(((x & NIBBLE_LOW_BITS) + NIBBLE_LOW_BITS) | x) & NIBBLE_HIGH_BIT
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
    if cfg!(feature = "small") {
        // Eight pixels from each half of the line: 32-bit shifts only.
        let (head, tail) = dst.split_at_mut(dst.len().min(8));
        paint_nibbles(head, (line >> 32) as u32, palette);
        paint_nibbles(tail, line as u32, palette);
        return;
    }
    for px in dst {
        let color = entries[(line >> 60) as usize];
        if opaque || !WireColor(color).is_transparent() {
            *px = color;
        }
        line <<= 4;
    }
}

/// Writes the opaque colours of the first `dst.len()` (at most 8) nibbles of `nibbles`
/// (first pixel in the top nibble) into `dst` (feature `small`): a bit test per pixel.
#[inline(never)]
#[cfg_attr(not(feature = "small"), allow(dead_code))]
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

/// Paints the row `ly` of a text layer into `dst`, whose first pixel is the
/// layer's column `lx`; as the base layer, transparent pixels get `base`.
#[inline]
fn paint_text(
    dst: &mut [[u8; 2]],
    mut lx: u16,
    ly: u16,
    text: &Text<'_>,
    palette: Palette<'_>,
    base: Option<[u8; 2]>,
) {
    let (font, chars) = (text.font(), text.chars());
    let entries = palette.entries();
    let opaque = base.is_some();
    let (ty, cy) = (ly >> 3, (ly & 7) as u8);
    let mut rest = dst;
    while !rest.is_empty() {
        let cx = lx & 7;
        let n = rest.len().min(usize::from(8 - cx));
        let (head, tail) = rest.split_at_mut(n);
        let cell = chars.char(lx >> 3, ty);
        let code = cell & 0x7F;
        let highlight = usize::from((cell >> 5) & 4);
        let mut bits = font.row(code, cy) >> (2 * cx);
        if cfg!(feature = "small") {
            // A bit test per pixel (as the base layer, the palette has no
            // transparent entry).
            let mask = palette.transparent_mask();
            if code != 0 {
                for px in head {
                    let index = usize::from(bits & 3) | highlight;
                    if mask >> index & 1 == 0 {
                        *px = entries[index];
                    }
                    bits >>= 2;
                }
            } else if let Some(fill) = base {
                head.fill(fill);
            }
            rest = tail;
            lx += n as u16;
            continue;
        }
        // A glyph row whose pixels are all 0 shows entry 0 (or 4) only.
        let blank = bits & ((1u32 << (2 * n)) - 1) as u16 == 0;
        if code != 0 && !(blank && !opaque && palette.transparent_mask() >> highlight & 1 != 0) {
            for px in head {
                let color = entries[usize::from(bits & 3) | highlight];
                if opaque || !WireColor(color).is_transparent() {
                    *px = color;
                }
                bits >>= 2;
            }
        } else if let Some(fill) = base {
            head.fill(fill);
        }
        rest = tail;
        lx += n as u16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> [u8; 2048] {
        core::array::from_fn(|i| (i as u32 * 37 + 11) as u8)
    }

    #[test]
    fn tile_lines_match_the_rotation_table() {
        let bytes = bank();
        let bank = Bank::new(&bytes).unwrap();
        for code in 0..8 {
            let rotation = Rotation::from_code(code);
            for frame in [0, 5, 15] {
                for cy in 0..16 {
                    let line = tile_line(bank, frame, rotation, cy);
                    for dx in 0..16u8 {
                        let (sx, sy) = rotation.source(dx, cy);
                        let expected = bank.pixel(frame, sx, sy);
                        let got = (line >> (60 - 4 * u32::from(dx))) as u8 & 15;
                        assert_eq!(got, expected, "rotation {code} frame {frame} ({dx}, {cy})");
                    }
                }
            }
        }
    }

    #[test]
    fn transparent_nibbles_are_found() {
        let line = 0x0123_4567_89AB_CDEF_u64;
        for index in 0..16u64 {
            let mask = 1u16 << index;
            let hidden = Transparency::Many(mask).hidden(line);
            // Nibble `index` holds value `index`: only its high bit is set.
            assert_eq!(hidden, 0x8 << (60 - 4 * index));
            assert_eq!(
                Transparency::One(repeat_nibble(index as u32)).hidden(line),
                hidden
            );
        }
        assert_eq!(Transparency::Many(0xFFFF).hidden(line), NIBBLE_HIGH_BIT);
        assert_eq!(Transparency::None.hidden(line), 0);
    }

    #[test]
    fn nibbles_reverse() {
        assert_eq!(
            reverse_nibbles(0x0123_4567_89AB_CDEF),
            0xFEDC_BA98_7654_3210
        );
    }
}
