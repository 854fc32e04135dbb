//! Painting a row of a text layer: 8x8 glyphs at 2 bits per pixel.

use super::Pixel;
use crate::Text;

/// Paints row `ly` of `text` into `dst`, whose first pixel is the layer's
/// column `lx`, in the colours `colors` (the layer's palette as painted,
/// entries in [`Pixel`] form) of which those set in `transparent` are
/// see-through. For the back-most layer (`base` is the background) the
/// palette's transparent entries are already the background and
/// `transparent` is 0, and empty cells are filled with it.
#[inline]
pub(crate) fn paint_text<P: Pixel>(
    dst: &mut [P],
    mut lx: u16,
    ly: u16,
    text: &Text<'_>,
    colors: &[P; 16],
    transparent: u16,
    base: Option<P>,
) {
    let (font, chars) = (text.font(), text.chars());
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
        if code != 0 && !(blank && transparent >> highlight & 1 != 0) {
            for px in head {
                let index = usize::from(bits & 3) | highlight;
                // (An opaque palette skips the test where code size allows.)
                let opaque = !cfg!(feature = "small") && transparent == 0;
                if opaque || transparent >> index & 1 == 0 {
                    *px = colors[index];
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
