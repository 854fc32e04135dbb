//! Painting a row of a text layer: 8x8 glyphs at 2 bits per pixel.

use crate::{Palette, Text, WireColor};

/// Paints row `ly` of `text` into `dst`, whose first pixel is the layer's
/// column `lx`. `palette` is the layer's palette as painted: for the
/// back-most layer (`base` is the background) its transparent entries are
/// already the background, and empty cells are filled with it.
#[inline]
pub(crate) fn paint_text(
    dst: &mut [[u8; 2]],
    mut lx: u16,
    ly: u16,
    text: &Text<'_>,
    palette: Palette<'_>,
    base: Option<[u8; 2]>,
) {
    let (font, chars) = (text.font(), text.chars());
    let (entries, mask) = (palette.entries(), palette.transparent_mask());
    let opaque = mask == 0;
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
        // A glyph row whose pixels are all 0 shows entry 0 (or 4) only:
        // nothing to paint if that entry is transparent.
        let blank = bits & ((1u32 << (2 * n)) - 1) as u16 == 0;
        if code != 0 && !(blank && mask >> highlight & 1 != 0) {
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
