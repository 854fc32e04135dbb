//! The rows the next chunk covers, so that a render only looks at the layers that can
//! show a pixel in them: a chunk of a 512-byte buffer is one or two rows of a
//! 128-pixel-wide screen, while a scene's sprites are spread over all of it.

use stage_core::RenderParams;

/// Logical rows `first..=last`, counted from the rectangle's top.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rows {
    /// The first row.
    pub first: u16,
    /// The last row (inclusive).
    pub last: u16,
}

/// Where a render is in its stream: the logical row of the next output pixel, the
/// copies of that row already sent (when the scale repeats rows), and the output
/// column. Kept without dividing (armv6m has no divide instruction).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Cursor {
    /// The logical row.
    pub y: u16,
    /// Copies of the row already sent.
    pub copy_y: u8,
    /// The output column.
    pub col: u32,
}

impl Cursor {
    /// The rows the next `pixels` output pixels cover (at the end of the rectangle, or
    /// for an empty one, rows that may lie past it).
    pub fn rows(self, params: &RenderParams, pixels: usize) -> Rows {
        let rect = params.rect();
        let (height, scale) = (rect.height(), params.scale());
        let width = u32::from(rect.width()) * u32::from(scale);
        let (mut last, mut copy_y) = (self.y, self.copy_y);
        // Output pixels from the start of the current output row to the chunk's end.
        let mut end = self
            .col
            .saturating_add(pixels.min(u32::MAX as usize) as u32);
        while width != 0 && end > width && last + 1 < height {
            end -= width;
            copy_y += 1;
            if copy_y == scale {
                copy_y = 0;
                last += 1;
            }
        }
        Rows {
            first: self.y,
            last,
        }
    }

    /// Moves the cursor on by `pixels` output pixels (the compact renderer keeps its own
    /// position).
    #[cfg_attr(feature = "compact", allow(dead_code))]
    pub fn advance(&mut self, params: &RenderParams, pixels: usize) {
        let width = u32::from(params.rect().width()) * u32::from(params.scale());
        let mut end = self.col as usize + pixels;
        while width != 0 && end >= width as usize {
            end -= width as usize;
            self.copy_y += 1;
            if self.copy_y == params.scale() {
                self.copy_y = 0;
                self.y += 1;
            }
        }
        self.col = end as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::PixelRenderer;
    use crate::scene::LayerState;
    use proptest::prelude::*;
    use stage_core::{ChunkRenderer, Layer, Rect};

    /// Renders chunk by chunk like the module: before each chunk, only the layers that
    /// reach the chunk's rows; after it, `invalidate_cache`.
    fn banded<R>(
        mut renderer: R,
        next: impl Fn(&mut R, &[Layer<'_>], &mut [u8]) -> Option<Vec<u8>>,
        invalidate: impl Fn(&mut R),
        states: &[LayerState<usize>],
        views: &[Layer<'_>],
        params: &RenderParams,
        buffer_len: usize,
    ) -> Vec<Vec<u8>> {
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        let mut cursor = Cursor::default();
        loop {
            let rows = cursor.rows(params, buffer_len / 2);
            cursor.advance(params, buffer_len / 2);
            let scene: Vec<Layer<'_>> = states
                .iter()
                .zip(views)
                .filter(|(s, _)| s.reaches(params, rows))
                .map(|(_, v)| *v)
                .collect();
            match next(&mut renderer, &scene, &mut buffer) {
                Some(c) => chunks.push(c),
                None => break,
            }
            invalidate(&mut renderer);
        }
        chunks
    }

    fn whole(params: &RenderParams, views: &[Layer<'_>], buffer_len: usize) -> Vec<Vec<u8>> {
        let mut r = ChunkRenderer::new(params);
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        while let Some(c) = r.next_chunk(views, &mut buffer).unwrap() {
            chunks.push(c.to_vec());
        }
        chunks
    }

    fn layer_strategy() -> impl Strategy<Value = (i16, i16, u16, u16, usize, u8, u8)> {
        let pos = prop_oneof![-40i16..80, any::<i16>()];
        (
            pos.clone(),
            pos,
            0u16..4,
            0u16..3,
            0usize..3,
            0u8..16,
            0u8..10,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// Leaving out the layers that miss a chunk's rows changes no byte and no chunk,
        /// for both renderers, any buffer size, scale and viewport.
        #[test]
        fn culling_by_chunk_rows_changes_nothing(
            layers in proptest::collection::vec(layer_strategy(), 0..12),
            x0 in 0u16..30, y0 in 0u16..30, w in 0u16..40, h in 0u16..40,
            scale in 1u8..4, vx in -20i16..20, vy in -20i16..20,
            buffer_len in prop_oneof![2usize..9, 9usize..200, Just(512)],
            rows_per_chunk in 0usize..4, nudge in 0usize..5, boundary in any::<bool>(),
        ) {
            // Often a whole number of output rows, give or take a pixel or two: chunks
            // then end just before, on, or just after a row boundary.
            let row_bytes = 2 * usize::from(w) * usize::from(scale);
            let buffer_len = if boundary && row_bytes > 0 {
                (row_bytes * rows_per_chunk + 2 * nudge).saturating_sub(4).max(2)
            } else {
                buffer_len
            };
            let bank: Vec<u8> = (0..2048).map(|i| (i * 37 + 11) as u8).collect();
            let mut palette: Vec<u8> = (0..32).collect();
            palette[..2].copy_from_slice(&[0xF8, 0x1F]);
            let map: Vec<u8> = (0..8).map(|i| i * 0x23).collect();
            let chars: Vec<u8> = b"A\x00\xc2\x7fB\x80CD\x05EF\x01".to_vec();
            let buffers = [bank, palette, map, chars];
            let states: Vec<LayerState<usize>> = layers
                .iter()
                .map(|&(x, y, cw, ch, kind, frame, rotation)| {
                    let mut s = LayerState::new([0, 1, 2 + (kind == 2) as usize], kind == 2, kind == 1, cw, ch);
                    (s.x, s.y, s.frame, s.rotation) = (x, y, frame, rotation);
                    s
                })
                .collect();
            let views: Vec<Layer<'_>> = states
                .iter()
                .map(|s| s.view(&mut |i| Ok::<_, ()>(&buffers[i][..])).unwrap())
                .collect();
            let rect = Rect::new(x0, y0, x0 + w, y0 + h).unwrap();
            let params = RenderParams::new(rect)
                .with_scale(scale)
                .unwrap()
                .with_viewport(vx, vy);
            let expected = whole(&params, &views, buffer_len);
            let fast = banded(
                ChunkRenderer::new(&params),
                |r, l, b| r.next_chunk(l, b).unwrap().map(<[u8]>::to_vec),
                ChunkRenderer::invalidate_cache,
                &states, &views, &params, buffer_len,
            );
            prop_assert_eq!(&fast, &expected);
            let compact = banded(
                PixelRenderer::new(&params),
                |r, l, b| r.next_chunk(l, b).unwrap().map(<[u8]>::to_vec),
                PixelRenderer::invalidate_cache,
                &states, &views, &params, buffer_len,
            );
            prop_assert_eq!(&compact, &expected);
        }
    }

    /// At every chunk, the rows predicted are exactly those the chunk fills: for every
    /// small size, scale and buffer length, both renderers.
    #[test]
    fn predicted_rows_are_the_rows_each_chunk_fills() {
        fn check<R>(
            mut r: R,
            mut next: impl FnMut(&mut R, &mut [u8]) -> Option<usize>,
            params: &RenderParams,
            buffer_len: usize,
        ) {
            let out_width = params.output_width() as usize;
            let scale = usize::from(params.scale());
            let mut buffer = vec![0; buffer_len];
            let mut done = 0;
            let mut cursor = Cursor::default();
            loop {
                let predicted = cursor.rows(params, buffer_len / 2);
                let Some(bytes) = next(&mut r, &mut buffer) else {
                    break;
                };
                cursor.advance(params, bytes / 2);
                let n = bytes / 2;
                let first = done / out_width / scale;
                let last = (done + n - 1) / out_width / scale;
                let actual = Rows {
                    first: first as u16,
                    last: last as u16,
                };
                assert_eq!(
                    predicted, actual,
                    "{params:?}, buffer {buffer_len}, at pixel {done}"
                );
                done += n;
            }
        }
        for w in 1..6 {
            for h in 1..5 {
                for scale in 1..4u8 {
                    let params = RenderParams::new(Rect::new(3, 2, 3 + w, 2 + h).unwrap())
                        .with_scale(scale)
                        .unwrap();
                    let total = 2 * params.stream_len() as usize;
                    for buffer_len in 2..total + 4 {
                        check(
                            ChunkRenderer::new(&params),
                            |r, b| r.next_chunk(&[], b).unwrap().map(<[u8]>::len),
                            &params,
                            buffer_len,
                        );
                        check(
                            PixelRenderer::new(&params),
                            |r, b| r.next_chunk(&[], b).unwrap().map(<[u8]>::len),
                            &params,
                            buffer_len,
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn rows_of_the_next_chunk() {
        let params = RenderParams::new(Rect::new(0, 0, 10, 6).unwrap())
            .with_scale(2)
            .unwrap();
        // 20 output pixels a row, 12 output rows, 2 output rows a logical row.
        let start = Cursor::default();
        let rows = |pixels| start.rows(&params, pixels);
        assert_eq!(rows(20), Rows { first: 0, last: 0 });
        assert_eq!(rows(40), Rows { first: 0, last: 0 });
        assert_eq!(rows(41), Rows { first: 0, last: 1 });
        assert_eq!(rows(1000), Rows { first: 0, last: 5 });
        let mut after = start;
        after.advance(&params, 41);
        assert_eq!(
            after,
            Cursor {
                y: 1,
                copy_y: 0,
                col: 1
            }
        );
        assert_eq!(after.rows(&params, 39), Rows { first: 1, last: 1 });
        assert_eq!(after.rows(&params, 40), Rows { first: 1, last: 2 });
        let empty = RenderParams::new(Rect::new(3, 3, 3, 9).unwrap());
        assert_eq!(start.rows(&empty, 8), Rows { first: 0, last: 0 });
    }
}
