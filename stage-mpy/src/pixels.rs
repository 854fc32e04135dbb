//! A compact renderer for flash-tight builds (feature `compact`): the original
//! engine's per-pixel algorithm, built from stage-core's reference functions
//! ([`stage_core::reference::layer_pixel`]), with the API of
//! [`stage_core::ChunkRenderer`] and the same output, byte for byte and chunk for
//! chunk. About 3.9 KB less code than the fast renderer with `small` on armv6m; it
//! walks the layers it is given for every logical pixel (each pixel is computed once
//! and repeated `scale` times across, the row recomputed `scale` times down), so it is
//! a few times slower. The module gives it only the layers that reach the rows of the
//! chunk.

use stage_core::reference::layer_pixel;
use stage_core::{BufferTooSmall, Layer, RenderParams};

/// Renders a rectangle chunk by chunk, like [`stage_core::ChunkRenderer`].
#[derive(Clone, Debug)]
pub struct PixelRenderer {
    params: RenderParams,
    /// Logical pixel of the next output pixel, relative to the rectangle.
    x: u16,
    y: u16,
    /// Copies of that pixel (across) and of its row (down) already sent.
    copy_x: u8,
    copy_y: u8,
}

impl PixelRenderer {
    /// A renderer at the start of the rectangle.
    pub fn new(params: &RenderParams) -> Self {
        PixelRenderer {
            params: *params,
            x: 0,
            y: 0,
            copy_x: 0,
            copy_y: 0,
        }
    }

    /// Whether every chunk has been produced.
    pub fn is_done(&self) -> bool {
        let rect = self.params.rect();
        rect.width() == 0 || self.y >= rect.height()
    }

    /// Where the renderer is, as a [`Cursor`](crate::band::Cursor).
    pub fn cursor(&self) -> crate::band::Cursor {
        let scale = u32::from(self.params.scale());
        crate::band::Cursor {
            y: self.y,
            copy_y: self.copy_y,
            col: u32::from(self.x) * scale + u32::from(self.copy_x),
        }
    }

    /// Nothing is kept between chunks: a no-op, for the same API.
    pub fn invalidate_cache(&mut self) {}

    /// Fills the next chunk into `buffer` and returns it, or `None` when the
    /// rectangle is done.
    pub fn next_chunk<'b>(
        &mut self,
        layers: &[Layer<'_>],
        buffer: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, BufferTooSmall> {
        let (pixels, _) = buffer.as_chunks_mut::<2>();
        if pixels.is_empty() {
            return Err(BufferTooSmall);
        }
        if self.is_done() {
            return Ok(None);
        }
        let rect = self.params.rect();
        let (x0, y0, _, _) = rect.corners();
        let (width, height) = (rect.width(), rect.height());
        let (vx, vy) = self.params.viewport();
        let scale = self.params.scale();
        let fill = self.params.fill();
        let mut count = 0;
        let mut color = fill;
        for px in pixels.iter_mut() {
            if self.y >= height {
                break;
            }
            // A new logical pixel, or the first of this chunk (the layers may have
            // changed since the previous one).
            if self.copy_x == 0 || count == 0 {
                let wx = ((x0 + self.x) as i16).wrapping_add(vx);
                let wy = ((y0 + self.y) as i16).wrapping_add(vy);
                color = layers
                    .iter()
                    .find_map(|l| layer_pixel(l, wx, wy))
                    .unwrap_or(fill);
            }
            *px = color.bytes();
            count += 1;
            self.copy_x += 1;
            if self.copy_x == scale {
                self.copy_x = 0;
                self.x += 1;
                if self.x == width {
                    self.x = 0;
                    self.copy_y += 1;
                    if self.copy_y == scale {
                        self.copy_y = 0;
                        self.y += 1;
                    }
                }
            }
        }
        let buffer: &'b [u8] = buffer;
        Ok(Some(buffer.get(..2 * count).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stage_core::{Bank, ChunkRenderer, Palette, Rect, Sprite, WireColor};

    fn chunks_of(
        mut next: impl FnMut(&mut [u8]) -> Option<Vec<u8>>,
        buffer_len: usize,
    ) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buffer = vec![0; buffer_len];
        while let Some(c) = next(&mut buffer) {
            out.push(c);
        }
        out
    }

    /// Same chunks as the fast renderer, for every scale, buffer size and viewport.
    #[test]
    fn matches_the_fast_renderer() {
        let bank: Vec<u8> = (0..2048).map(|i| (i * 37 + 11) as u8).collect();
        let mut palette: Vec<u8> = (0..16).flat_map(|i| [0x10 + i, 0x20 + i]).collect();
        palette[..2].copy_from_slice(&[0xF8, 0x1F]);
        let (bank, palette) = (Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
        let mut a = Sprite::new(bank, palette).with_cells(2, 1).unwrap();
        a.set_position(3, -5);
        a.set_frame(4).unwrap();
        let mut b = Sprite::new(bank, palette);
        b.set_position(-7, 6);
        let layers = [Layer::from(a), Layer::from(b)];
        for scale in 1..=3 {
            for buffer_len in [2, 3, 7, 64, 100] {
                for (vx, vy) in [(0, 0), (5, -3)] {
                    for background in [None, Some(WireColor::BLACK)] {
                        let params = RenderParams::new(Rect::new(1, 2, 30, 19).unwrap())
                            .with_scale(scale)
                            .unwrap()
                            .with_viewport(vx, vy)
                            .with_background(background);
                        let mut fast = ChunkRenderer::new(&params);
                        let mut compact = PixelRenderer::new(&params);
                        let expected = chunks_of(
                            |buf| fast.next_chunk(&layers, buf).unwrap().map(<[u8]>::to_vec),
                            buffer_len,
                        );
                        let got = chunks_of(
                            |buf| {
                                compact
                                    .next_chunk(&layers, buf)
                                    .unwrap()
                                    .map(<[u8]>::to_vec)
                            },
                            buffer_len,
                        );
                        assert_eq!(got, expected, "scale {scale}, buffer {buffer_len}");
                        assert!(compact.is_done());
                    }
                }
            }
        }
    }

    #[test]
    fn empty_rectangles_and_tiny_buffers() {
        let params = RenderParams::new(Rect::new(5, 5, 5, 9).unwrap());
        let mut r = PixelRenderer::new(&params);
        assert!(r.is_done());
        assert_eq!(r.next_chunk(&[], &mut [0; 4]), Ok(None));
        assert_eq!(r.next_chunk(&[], &mut [0; 1]), Err(BufferTooSmall));
    }
}
