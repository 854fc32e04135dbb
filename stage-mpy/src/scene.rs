//! What a `Layer` or `Text` object holds, how it becomes a stage-core layer, and what
//! the module keeps between the chunks of a render.
//!
//! Independent of the runtime: the buffers are named by a handle type `B` (a Python
//! object in the module, an index in the unit tests) and read through a lookup function,
//! so the same code validates at construction and at every chunk.

use stage_core::format::{MAX_GRID_CELLS, MAX_TEXT_CELLS};
use stage_core::{
    Bank, Font, FormatError, Grid, Layer, Palette, RenderParams, Rotation, Sprite, Text, TextChars,
    TileMap,
};

/// Largest width or height of a `Layer`, in 16-pixel cells.
pub const MAX_LAYER_SIZE: isize = MAX_GRID_CELLS as isize;
/// Largest width or height of a `Text`, in 8-pixel cells.
pub const MAX_TEXT_SIZE: isize = MAX_TEXT_CELLS as isize;

/// Logical rows between two bands (see [`band`]): the layers that reach a band are
/// looked up for each of its chunks, the others skipped.
pub const BAND_ROWS: u32 = 4;

/// Words a layer adds to a [`Fingerprint`], at most: its [`LayerState::key`] and the
/// addresses of its three buffers.
pub const KEY_WORDS: usize = 6;

/// Why a layer can't be made or rendered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Failure<E> {
    /// A buffer has the wrong size (or a size or frame is out of range).
    Format(FormatError),
    /// The lookup failed (in the module: not a buffer, or a buffer overlapping the
    /// output buffer).
    Lookup(E),
}

impl<E> From<FormatError> for Failure<E> {
    fn from(e: FormatError) -> Self {
        Failure::Format(e)
    }
}

/// The state of a `Layer` or `Text` object: references to its buffers (which keep them
/// alive), its size, position, frame and rotation.
///
/// A grid or sprite (`Layer`) has `buffers = [graphic, palette, map]` with
/// `has_map = false` for a sprite (the third handle is then unused); a `Text` has
/// `buffers = [font, palette, chars]`.
#[derive(Clone, Copy, Debug)]
pub struct LayerState<B> {
    /// The buffers, see above.
    pub buffers: [B; 3],
    /// Whether this is a `Text` (else a `Layer`).
    pub is_text: bool,
    /// Whether a `Layer` has a map (a grid) or not (a sprite).
    pub has_map: bool,
    /// Width in cells (16 or 8 pixels).
    pub width: u16,
    /// Height in cells.
    pub height: u16,
    /// Position of the top-left corner.
    pub x: i16,
    /// Position of the top-left corner.
    pub y: i16,
    /// Tile shown by a sprite, 0..=15 (ignored by grids).
    pub frame: u8,
    /// Rotation code 0..=255 (8 and up act as 0).
    pub rotation: u8,
}

impl<B: Copy> LayerState<B> {
    /// A layer at (0, 0), frame 0, not rotated.
    pub fn new(buffers: [B; 3], is_text: bool, has_map: bool, width: u16, height: u16) -> Self {
        LayerState {
            buffers,
            is_text,
            has_map,
            width,
            height,
            x: 0,
            y: 0,
            frame: 0,
            rotation: 0,
        }
    }

    /// Whether the layer covers any of the logical rows `first..=last` (relative to the
    /// top of the rectangle `params` renders), whatever the columns. Exact, wrap-around
    /// included, for a layer that isn't empty: screen coordinates are `0..=32767` and a
    /// layer's extent at most 32767 pixels, so the 16-bit offsets of stage-format.md
    /// section 2.6 are plain differences here, as in stage-core's own band test. A layer
    /// that doesn't meet the rows can be left out of the scene for them without
    /// changing a byte. (Columns are not tested: layers are seldom beside the screen.)
    pub fn meets(&self, params: &RenderParams, first: u32, last: u32) -> bool {
        let (_, y0, _, _) = params.rect().corners();
        let (_, vy) = params.viewport();
        let cell = if self.is_text { 8 } else { 16 };
        let top = i32::from(self.y.wrapping_sub(vy));
        let y0 = i32::from(y0);
        top <= y0 + last as i32 && top + i32::from(self.height) * cell > y0 + first as i32
    }

    /// The stage-core layer viewing the buffers `get` returns, after checking their
    /// sizes: exactly 2048 bytes for graphics and fonts, 32 for palettes,
    /// `ceil(w * h / 2)` or more for maps, `w * h` or more for chars.
    pub fn view<'a, E>(
        &self,
        get: &mut dyn FnMut(B) -> Result<&'a [u8], E>,
    ) -> Result<Layer<'a>, Failure<E>> {
        let mut get = |i: usize| get(self.buffers[i]).map_err(Failure::Lookup);
        let (first, palette) = (get(0)?, get(1)?);
        let palette = Palette::new(palette)?;
        let (w, h) = (self.width, self.height);
        let mut layer = if self.is_text {
            let chars = TextChars::new(get(2)?, w, h)?;
            Layer::Text(Text::new(Font::new(first)?, palette, chars))
        } else {
            let bank = Bank::new(first)?;
            let rotation = Rotation::from_code(self.rotation);
            if self.has_map {
                let mut grid = Grid::new(bank, palette, TileMap::new(get(2)?, w, h)?);
                grid.set_rotation(rotation);
                Layer::Grid(grid)
            } else {
                let mut sprite = Sprite::new(bank, palette).with_cells(w, h)?;
                sprite.set_frame(self.frame)?;
                sprite.set_rotation(rotation);
                Layer::Sprite(sprite)
            }
        };
        layer.set_position(self.x, self.y);
        Ok(layer)
    }

    /// What the view depends on besides its buffers' addresses: position, size, frame,
    /// rotation and kind, in three words.
    pub fn key(&self) -> [usize; 3] {
        let word = |lo: u16, hi: u16| usize::from(lo) | usize::from(hi) << 16;
        let kind = u16::from(self.is_text) | u16::from(self.has_map) << 1;
        [
            word(self.x as u16, self.y as u16),
            word(self.width, self.height),
            word(u16::from(self.frame) | u16::from(self.rotation) << 8, kind),
        ]
    }
}

/// Compares what the views of a chunk depend on with the previous chunk's, word by word,
/// replacing the old words as it goes: for each layer in the scene, in order, its
/// [`LayerState::key`] (whose kind says how many buffers follow), then the addresses of
/// the buffers it views. So the same words mean the same scene. Lengths are not
/// compared: they are checked at every chunk, and a buffer of the right size views the
/// same bytes whatever its length.
pub struct Fingerprint<'k> {
    words: &'k mut [usize],
    len: usize,
    changed: bool,
}

impl<'k> Fingerprint<'k> {
    /// Starts a comparison with the words kept in `words`.
    pub fn new(words: &'k mut [usize]) -> Self {
        Fingerprint {
            words,
            len: 0,
            changed: false,
        }
    }

    /// The next word.
    pub fn push(&mut self, word: usize) {
        match self.words.get_mut(self.len) {
            Some(w) if *w == word => {}
            Some(w) => {
                *w = word;
                self.changed = true;
            }
            None => self.changed = true,
        }
        self.len += 1;
    }

    /// Whether anything differed from the `previous` words (how many were pushed last
    /// time, which becomes how many were pushed this time).
    pub fn finish(self, previous: &mut usize) -> bool {
        let changed = self.changed || self.len != *previous;
        *previous = self.len;
        changed
    }
}

/// The band of logical rows the scene of a chunk is culled against: the chunk starts in
/// logical row `row` and holds `pixels` output pixels, of which a row holds `out_width`.
/// The band starts at `row` rounded down to a multiple of [`BAND_ROWS`] and is twice
/// that long, so it holds the chunk (which then reaches at most `BAND_ROWS + 1` rows) and
/// stays the same from chunk to chunk for `BAND_ROWS` rows: so do the scene, and the
/// renderer's caches. A bigger chunk gets every row from there on.
pub fn band(row: u32, pixels: usize, out_width: u32) -> (u32, u32) {
    let first = row & !(BAND_ROWS - 1);
    let small = pixels <= (BAND_ROWS * out_width) as usize;
    (
        first,
        if small {
            first + 2 * BAND_ROWS - 1
        } else {
            0xFFFF
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use stage_core::{render, Rect, RenderParams};

    /// Buffers by index; `None` stands for an object without the buffer protocol.
    struct Buffers(Vec<Option<Vec<u8>>>);

    impl Buffers {
        fn view(&self, state: &LayerState<usize>) -> Result<Layer<'_>, Failure<usize>> {
            state.view(&mut |i| self.0[i].as_deref().ok_or(i))
        }
    }

    fn bank() -> Vec<u8> {
        (0..2048).map(|i| (i * 37 + 11) as u8).collect()
    }

    fn palette() -> Vec<u8> {
        let mut p: Vec<u8> = (0..16).flat_map(|i| [0x10 + i, 0x20 + i]).collect();
        p[..2].copy_from_slice(&[0xF8, 0x1F]);
        p
    }

    fn stream(layers: &[Layer<'_>], params: &RenderParams, buffer_len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buffer = vec![0; buffer_len];
        render(layers, params, &mut buffer, |c| {
            out.extend_from_slice(c);
            Ok::<(), ()>(())
        })
        .unwrap();
        out
    }

    /// The scene of stage-format.md section 6, whose hashes are published there.
    #[test]
    fn the_self_contained_scene_matches_its_published_hashes() {
        use sha2::{Digest, Sha256};
        let font: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
        let mut text_palette: Vec<u8> = (0..16).flat_map(|i| [0x80 + i, 0x40 + i]).collect();
        for entry in [0, 4] {
            text_palette[2 * entry..2 * entry + 2].copy_from_slice(&[0xF8, 0x1F]);
        }
        text_palette[16..].fill(0);
        let buffers = Buffers(vec![
            Some(font),
            Some(text_palette),
            Some(vec![0x41, 0x00, 0xC2, 0x7F, 0x80, 0x05]),
            Some(bank()),
            Some(palette()),
            Some(vec![0x01, 0x23, 0x45, 0x67]),
        ]);
        let mut text = LayerState::new([0, 1, 2], true, false, 3, 2);
        (text.x, text.y) = (6, 4);
        let mut sprite = LayerState::new([3, 4, 0], false, false, 1, 1);
        (sprite.x, sprite.y, sprite.frame, sprite.rotation) = (5, -3, 5, 3);
        let mut grid = LayerState::new([3, 4, 5], false, true, 4, 2);
        (grid.x, grid.y) = (-7, 2);
        let layers: Vec<Layer<'_>> = [text, sprite, grid]
            .iter()
            .map(|s| buffers.view(s).unwrap())
            .collect();
        let rect = Rect::new(0, 0, 40, 24).unwrap();
        let mp = RenderParams::new(rect);
        let cp = mp.with_background(Some(stage_core::WireColor::BLACK));
        let cases = [
            (
                mp,
                512,
                "a2db9593966b7ba3539795425cbbaa59c9edf92e602c307ac4e77b949c06e487",
            ),
            (
                mp.with_scale(2).unwrap(),
                100,
                "e42143167eb1b64be75fa6c274bb11186fcc895e9b759a38bc9e14eda5d052bd",
            ),
            (
                cp,
                512,
                "9667b6d94cf3bd0868fde47b6b47759813668c8cbe4919ead1fc164c52641b76",
            ),
            (
                cp.with_viewport(3, -2),
                64,
                "e1da24744d97735aca83370dbf3d582551f9af17cfdc2239fce3bff27b59ceb1",
            ),
        ];
        for (params, buffer_len, hash) in cases {
            let bytes = stream(&layers, &params, buffer_len);
            assert_eq!(format!("{:x}", Sha256::digest(&bytes)), hash);
        }
    }

    #[test]
    fn sizes_are_checked_with_the_original_messages() {
        let buffers = Buffers(vec![
            Some(bank()),
            Some(palette()),
            Some(vec![0; 3]),
            Some(vec![0; 2047]),
            Some(vec![0; 33]),
            None,
        ]);
        let sprite = |g, p| LayerState::new([g, p, 0], false, false, 1, 1);
        assert!(buffers.view(&sprite(0, 1)).is_ok());
        assert_eq!(
            buffers.view(&sprite(3, 1)).unwrap_err(),
            Failure::Format(FormatError::BankLength { len: 2047 })
        );
        assert_eq!(
            buffers.view(&sprite(0, 4)).unwrap_err(),
            Failure::Format(FormatError::PaletteLength { len: 33 })
        );
        assert_eq!(buffers.view(&sprite(5, 1)).unwrap_err(), Failure::Lookup(5));
        assert_eq!(buffers.view(&sprite(0, 5)).unwrap_err(), Failure::Lookup(5));
        // A map needs ceil(w * h / 2) bytes: 3 bytes hold 5 or 6 cells, not 7.
        let grid = |w, h| LayerState::new([0, 1, 2], false, true, w, h);
        assert!(buffers.view(&grid(5, 1)).is_ok());
        assert!(buffers.view(&grid(3, 2)).is_ok());
        assert_eq!(
            buffers.view(&grid(7, 1)).unwrap_err(),
            Failure::Format(FormatError::MapTooShort { needed: 4, len: 3 })
        );
        assert_eq!(
            buffers
                .view(&LayerState::new([0, 1, 5], false, true, 1, 1))
                .unwrap_err(),
            Failure::Lookup(5)
        );
        // Text: font 2048, chars w * h.
        let text = |f, c, w, h| LayerState::new([f, 1, c], true, false, w, h);
        assert!(buffers.view(&text(0, 2, 3, 1)).is_ok());
        assert_eq!(
            buffers.view(&text(0, 2, 2, 2)).unwrap_err(),
            Failure::Format(FormatError::CharsTooShort { needed: 4, len: 3 })
        );
        assert_eq!(
            buffers.view(&text(3, 2, 1, 1)).unwrap_err(),
            Failure::Format(FormatError::FontLength { len: 2047 })
        );
        assert_eq!(
            buffers.view(&text(0, 5, 1, 1)).unwrap_err(),
            Failure::Lookup(5)
        );
        assert_eq!(
            buffers.view(&text(5, 2, 1, 1)).unwrap_err(),
            Failure::Lookup(5)
        );
        // Extents: grids and sprites up to 2047 cells, text up to 4095.
        let wide = LayerState::new([0, 1, 2], false, false, 2047, 2047);
        assert!(buffers.view(&wide).is_ok());
        let too_wide = LayerState::new([0, 1, 2], false, false, 2048, 1);
        assert_eq!(
            buffers.view(&too_wide).unwrap_err(),
            Failure::Format(FormatError::TooLarge { max: 2047 })
        );
        let empty_chars = LayerState::new([0, 1, 2], true, false, 4095, 0);
        assert!(buffers.view(&empty_chars).is_ok());
    }

    #[test]
    fn grids_ignore_the_frame_and_rotate_every_tile() {
        let buffers = Buffers(vec![Some(bank()), Some(palette()), Some(vec![0x12])]);
        let mut grid = LayerState::new([0, 1, 2], false, true, 2, 1);
        grid.frame = 9;
        grid.rotation = 2;
        let Layer::Grid(g) = buffers.view(&grid).unwrap() else {
            panic!("not a grid")
        };
        assert_eq!(g.rotation(), Rotation::Rotate180);
        // Rotation codes 8..=255 act as 0; a sprite's frame must be 0..=15.
        let mut sprite = LayerState::new([0, 1, 2], false, false, 1, 1);
        (sprite.frame, sprite.rotation) = (15, 200);
        let Layer::Sprite(s) = buffers.view(&sprite).unwrap() else {
            panic!("not a sprite")
        };
        assert_eq!((s.frame(), s.rotation()), (15, Rotation::Identity));
        sprite.frame = 16;
        assert_eq!(
            buffers.view(&sprite).unwrap_err(),
            Failure::Format(FormatError::FrameOutOfRange { frame: 16 })
        );
    }

    /// `meets` is exactly "the layer shows a pixel in one of the rows" (any column), with
    /// every wrap-around: checked against the reference renderer's pixel test.
    #[test]
    fn layers_meet_exactly_the_rows_they_show_a_pixel_in() {
        use proptest::prelude::*;
        use stage_core::reference::layer_pixel;
        let bank = vec![0x11u8; 2048]; // every pixel is palette entry 1: opaque
        let palette: Vec<u8> = (0..32).collect();
        let buffers = Buffers(vec![
            Some(bank),
            Some(palette),
            Some(vec![0; 64]),
            Some(vec![1; 64]),
        ]);
        let coords = prop_oneof![0u16..40, 32700u16..=32767, 0u16..=32767];
        let pos = prop_oneof![
            -40i16..40,
            any::<i16>(),
            32700i16..=32767,
            -32768i16..-32700
        ];
        let view = prop_oneof![Just(0i16), -40i16..40, any::<i16>()];
        let config = ProptestConfig::with_cases(4000);
        proptest!(config, |(y0 in coords.clone(), y1 in coords, first in 0u32..40, len in 0u32..40,
                            x in pos.clone(), y in pos, vx in view.clone(), vy in view,
                            w in 1u16..4, h in 1u16..4, kind in 0usize..3)| {
            let y1 = y1.max(y0).min(y0.saturating_add(40)).min(32767);
            let rect = stage_core::Rect::new(0, y0, 1, y1).unwrap();
            let params = RenderParams::new(rect).with_viewport(vx, vy);
            let mut state = LayerState::new([0, 1, 2 + (kind == 2) as usize], kind == 2, kind == 1, w, h);
            (state.x, state.y) = (x, y);
            let layer = buffers.view(&state).unwrap();
            let last = first + len;
            // Rows beyond the rectangle count too (a band may reach past it).
            let rows = (u32::from(y0) + first..=u32::from(y0) + last).filter(|&r| r <= 32767);
            let shows = rows.into_iter().any(|sy| {
                let wy = (sy as i16).wrapping_add(vy);
                // The layer's own left column, in world coordinates.
                layer_pixel(&layer, x, wy).is_some()
            });
            let _ = vx;
            if u32::from(y0) + last <= 32767 {
                prop_assert_eq!(state.meets(&params, first, last), shows);
            } else {
                // Past the last screen row (only a band's tail reaches there): no row is
                // left out, though the layer may be kept for nothing.
                prop_assert!(state.meets(&params, first, last) || !shows);
            }
        });
    }

    /// Buffers for the chunk-loop tests: a bank, a palette, a map, chars.
    fn scene_buffers() -> Vec<Vec<u8>> {
        let bank: Vec<u8> = (0..2048).map(|i| (i * 37 + 11) as u8).collect();
        let mut palette: Vec<u8> = (0..32).collect();
        palette[..2].copy_from_slice(&[0xF8, 0x1F]);
        let map: Vec<u8> = (0..8).map(|i| i * 0x23).collect();
        let chars: Vec<u8> = b"A\x00\xc2\x7fB\x80CD\x05EF\x01".to_vec();
        vec![bank, palette, map, chars]
    }

    fn states_of(layers: &[(i16, i16, u16, u16, usize, u8, u8)]) -> Vec<LayerState<usize>> {
        layers
            .iter()
            .map(|&(x, y, w, h, kind, frame, rotation)| {
                let mut s =
                    LayerState::new([0, 1, 2 + (kind == 2) as usize], kind == 2, kind == 1, w, h);
                (s.x, s.y, s.frame, s.rotation) = (x, y, frame, rotation);
                s
            })
            .collect()
    }

    /// The chunks of a render made the way the module makes them: before each chunk the
    /// layers meeting the band are viewed, their fingerprint compared with the previous
    /// one, and the caches dropped if it differs; `change(i, states)` runs before chunk
    /// `i` (as `write()` could).
    fn module_chunks(
        states: &[LayerState<usize>],
        buffers: &[Vec<u8>],
        params: &RenderParams,
        buffer_len: usize,
        mut change: impl FnMut(usize, &mut Vec<LayerState<usize>>),
    ) -> Vec<Vec<u8>> {
        let mut states = states.to_vec();
        let mut renderer = stage_core::ChunkRenderer::new(params);
        let mut words = vec![0usize; KEY_WORDS * states.len().max(1) * 2];
        let mut len = 0;
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        loop {
            change(chunks.len(), &mut states);
            let pixels = buffer_len / 2;
            let band = (pixels != 0 && !renderer.is_done())
                .then(|| band(renderer.row(), pixels, params.output_width()));
            let mut keys = Fingerprint::new(&mut words);
            let mut views = Vec::new();
            for s in &states {
                if !band.is_some_and(|(first, last)| s.meets(params, first, last)) {
                    continue;
                }
                for word in s.key() {
                    keys.push(word);
                }
                let view = s.view(&mut |i: usize| {
                    keys.push(buffers[i].as_ptr() as usize);
                    Ok::<_, ()>(&buffers[i][..])
                });
                views.push(view.unwrap());
            }
            if keys.finish(&mut len) {
                renderer.invalidate_cache();
            }
            match renderer.next_chunk(&views, &mut buffer).unwrap() {
                Some(c) => chunks.push(c.to_vec()),
                None => break,
            }
        }
        chunks
    }

    fn whole_chunks(
        states: &[LayerState<usize>],
        buffers: &[Vec<u8>],
        params: &RenderParams,
        buffer_len: usize,
    ) -> Vec<Vec<u8>> {
        let views: Vec<Layer<'_>> = states
            .iter()
            .map(|s| {
                s.view(&mut |i: usize| Ok::<_, ()>(&buffers[i][..]))
                    .unwrap()
            })
            .collect();
        let mut r = stage_core::ChunkRenderer::new(params);
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        while let Some(c) = r.next_chunk(&views, &mut buffer).unwrap() {
            chunks.push(c.to_vec());
        }
        chunks
    }

    fn layer_strategy(
    ) -> impl proptest::strategy::Strategy<Value = (i16, i16, u16, u16, usize, u8, u8)> {
        use proptest::prelude::*;
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(600))]
        /// Culling by bands and keeping the caches while the scene is the same changes no
        /// byte and no chunk, for any buffer size, scale and viewport.
        #[test]
        fn the_chunk_loop_sends_the_stream_of_the_whole_scene(
            layers in proptest::collection::vec(layer_strategy(), 0..12),
            x0 in 0u16..30, y0 in 0u16..30, w in 0u16..40, h in 0u16..60,
            scale in 1u8..4, vx in -20i16..20, vy in -20i16..20,
            buffer_len in proptest::prop_oneof![2usize..9, 9usize..200, proptest::strategy::Just(512)],
            rows_per_chunk in 0usize..4, nudge in 0usize..5, boundary in proptest::prelude::any::<bool>(),
        ) {
            // Often a whole number of output rows, give or take a pixel or two: chunks
            // then end just before, on, or just after a row boundary.
            let row_bytes = 2 * usize::from(w) * usize::from(scale);
            let buffer_len = if boundary && row_bytes > 0 {
                (row_bytes * rows_per_chunk + 2 * nudge).saturating_sub(4).max(2)
            } else {
                buffer_len
            };
            let buffers = scene_buffers();
            let states = states_of(&layers);
            let rect = stage_core::Rect::new(x0, y0, x0 + w, y0 + h).unwrap();
            let params = RenderParams::new(rect).with_scale(scale).unwrap().with_viewport(vx, vy);
            let expected = whole_chunks(&states, &buffers, &params, buffer_len);
            let got = module_chunks(&states, &buffers, &params, buffer_len, |_, _| {});
            proptest::prop_assert_eq!(got, expected);
        }

        /// A layer moved, turned or given another frame between two chunks: every chunk
        /// from then on is the new scene's, exactly (the fingerprint changed, so the
        /// caches were dropped).
        #[test]
        fn changes_between_chunks_show_from_the_next_chunk(
            layers in proptest::collection::vec(layer_strategy(), 1..8),
            which in 0usize..8, at in 0usize..12,
            dx in -20i16..20, dy in -20i16..20, frame in 0u8..16, rotation in 0u8..10,
            scale in 1u8..3, buffer_len in proptest::prop_oneof![2usize..9, 9usize..200],
        ) {
            let buffers = scene_buffers();
            let states = states_of(&layers);
            let which = which % states.len();
            let params = RenderParams::new(stage_core::Rect::new(0, 0, 40, 40).unwrap())
                .with_scale(scale)
                .unwrap();
            let mut after = states.clone();
            {
                let s = &mut after[which];
                (s.x, s.y) = (s.x.wrapping_add(dx), s.y.wrapping_add(dy));
                (s.frame, s.rotation) = (frame, rotation);
            }
            let got = module_chunks(&states, &buffers, &params, buffer_len, |i, s| {
                if i == at {
                    *s = after.clone();
                }
            });
            let before = whole_chunks(&states, &buffers, &params, buffer_len);
            let expected = whole_chunks(&after, &buffers, &params, buffer_len);
            proptest::prop_assert_eq!(got.len(), expected.len());
            let at = at.min(got.len());
            proptest::prop_assert_eq!(&got[..at], &before[..at]);
            proptest::prop_assert_eq!(&got[at..], &expected[at..]);
        }
    }

    /// The band holds every row the chunk reaches, for every small size, scale and
    /// buffer length.
    #[test]
    fn bands_hold_their_chunks() {
        for w in 1..6u16 {
            for h in 1..30u16 {
                for scale in 1..4u8 {
                    let params =
                        RenderParams::new(stage_core::Rect::new(3, 2, 3 + w, 2 + h).unwrap())
                            .with_scale(scale)
                            .unwrap();
                    let out_width = params.output_width() as usize;
                    let total = 2 * params.stream_len() as usize;
                    for buffer_len in (2..total + 4).step_by(3) {
                        let mut r = stage_core::ChunkRenderer::new(&params);
                        let mut buffer = vec![0; buffer_len];
                        let mut done = 0;
                        loop {
                            let (first, last) =
                                band(r.row(), buffer_len / 2, params.output_width());
                            let Some(c) = r.next_chunk(&[], &mut buffer).unwrap() else {
                                break;
                            };
                            let n = c.len() / 2;
                            let rows = (done / out_width / usize::from(scale)) as u32
                                ..=((done + n - 1) / out_width / usize::from(scale)) as u32;
                            assert!(
                                first <= *rows.start() && *rows.end() <= last,
                                "{params:?}, buffer {buffer_len}: rows {rows:?}, band {first}..={last}"
                            );
                            done += n;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn fingerprints_compare_every_word_and_the_count() {
        let mut words = vec![0; 8];
        let mut len = 0;
        let run = |words: &mut Vec<usize>, len: &mut usize, seq: &[usize]| {
            let mut f = Fingerprint::new(words);
            for &w in seq {
                f.push(w);
            }
            f.finish(len)
        };
        assert!(run(&mut words, &mut len, &[1, 2, 3]));
        assert!(!run(&mut words, &mut len, &[1, 2, 3]));
        assert!(run(&mut words, &mut len, &[1, 2, 4]));
        assert!(run(&mut words, &mut len, &[1, 2]));
        assert!(!run(&mut words, &mut len, &[1, 2]));
        assert!(run(&mut words, &mut len, &[1, 2, 0]));
        assert!(run(&mut words, &mut len, &[]));
        assert!(!run(&mut words, &mut len, &[]));
        // More words than room: always a change.
        assert!(run(&mut words, &mut len, &[7; 9]));
        assert!(run(&mut words, &mut len, &[7; 9]));
    }

    #[test]
    fn a_sprite_never_looks_up_its_third_handle() {
        let buffers = Buffers(vec![Some(bank()), Some(palette())]);
        let sprite = LayerState::new([0, 1, 7], false, false, 1, 1);
        assert!(buffers.view(&sprite).is_ok());
    }
}
