//! Colours derived from palettes and kept between rows: the back-most
//! layer's palette with the background in its transparent entries, and pair
//! tables, which map a byte of a tile row (two pixels) to the two colours it
//! shows and halve the work per pixel of opaque tile rows of large grids.
//!
//! A derived table is known by its palette's key
//! ([`PaletteKey`](crate::paint::PaletteKey)).

use crate::paint::PaletteKey;
use crate::Palette;

pub(super) use crate::paint::key_of;

/// Sixteen zero entries (a constant: zeroed in place, not built in a temporary).
const BLANK_PALETTE: [[u8; 2]; 16] = [[0; 2]; 16];

/// The back-most layer's palette with its transparent entries replaced by
/// the background: that layer paints onto nothing, so every pixel it covers
/// is written.
#[derive(Clone)]
pub(super) struct BaseColors {
    key: Option<PaletteKey>,
    colors: [[u8; 2]; 16],
}

impl BaseColors {
    pub const NEW: BaseColors = BaseColors {
        key: None,
        colors: BLANK_PALETTE,
    };

    /// `palette` with its transparent entries replaced by `fill`; every
    /// entry of the result is painted.
    pub fn palette(&mut self, palette: Palette<'_>, fill: [u8; 2]) -> Palette<'_> {
        let key = key_of(palette, Some(fill));
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

    /// `palette` as painted: over the background `base` for the back-most
    /// layer, else as it is.
    #[inline(always)]
    pub fn for_base<'p>(&'p mut self, palette: Palette<'p>, base: Option<[u8; 2]>) -> Palette<'p> {
        match base {
            Some(fill) => self.palette(palette, fill),
            None => palette,
        }
    }

    /// Forgets the palette.
    pub fn clear(&mut self) {
        self.key = None;
    }
}

/// The colours of the two pixels of every byte value.
pub(super) type Pairs = [[[u8; 2]; 2]; 256];

/// Grid rows shorter than this don't use a pair table: building one costs
/// more than it saves.
pub(super) const PAIR_TABLE_MIN_PIXELS: usize = 64;

#[derive(Clone)]
struct PairTable {
    /// The entries the table was built from.
    palette: Option<[[u8; 2]; 16]>,
    /// Where those entries were last found (see the module docs);
    /// the contents are compared only when it differs.
    seen_at: Option<PaletteKey>,
    pairs: Pairs,
}

/// Pair tables for the first two large grid palettes of a render, kept
/// while the palettes stay the same.
#[derive(Clone)]
pub(super) struct PairTables {
    tables: [PairTable; 2],
}

impl PairTables {
    pub const NEW: PairTables = {
        const EMPTY: PairTable = PairTable {
            palette: None,
            seen_at: None,
            pairs: [[[0; 2]; 2]; 256],
        };
        PairTables {
            tables: [EMPTY, EMPTY],
        }
    };

    /// Forgets the palettes, so the next large grids build the tables anew.
    pub fn clear(&mut self) {
        for table in &mut self.tables {
            table.palette = None;
            table.seen_at = None;
        }
    }

    /// The pairs of `palette` (found as `key`), if a table holds it or one
    /// is still free.
    pub fn pairs(&mut self, palette: Palette<'_>, key: PaletteKey) -> Option<&Pairs> {
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
}
