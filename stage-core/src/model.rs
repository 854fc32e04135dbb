//! The `_stage` object model: a layer as the MicroPython module's `Layer` and `Text`
//! objects hold it (what it is, its size in cells, position, frame, rotation, and three
//! buffers), and the stage-core [`Layer`] it becomes once its buffers are looked up and
//! checked, with the original module's limits.
//!
//! Independent of any runtime: the buffers are named by a handle type `B` (a Python
//! object in the MicroPython module, a place in linear memory in the WebAssembly build,
//! an index in tests) and read through a lookup function, so the same code validates a
//! layer when it is made and at every chunk of a render, wherever it runs.
//!
//! ```
//! use stage_core::model::{Failure, Kind, LayerState};
//! use stage_core::FormatError;
//! let buffers = [vec![0u8; 2048], vec![0u8; 31]];
//! let sprite = LayerState::new([0, 1, 0], Kind::Sprite, 1, 1);
//! let error = sprite.view(&mut |i: usize| Ok::<_, ()>(&buffers[i][..])).unwrap_err();
//! assert_eq!(error, Failure::Format(FormatError::PaletteLength { len: 31 }));
//! ```

use crate::format::{MAX_GRID_CELLS, MAX_TEXT_CELLS};
use crate::{
    Bank, Font, Footprint, FormatError, Grid, Layer, Palette, Rotation, Sprite, Text, TextChars,
    TileMap,
};

/// Largest width or height of a `Layer`, in 16-pixel cells.
pub const MAX_LAYER_SIZE: isize = MAX_GRID_CELLS as isize;
/// Largest width or height of a `Text`, in 8-pixel cells.
pub const MAX_TEXT_SIZE: isize = MAX_TEXT_CELLS as isize;

/// Why a layer can't be made or rendered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Failure<E> {
    /// A buffer has the wrong size (or a size or frame is out of range).
    Format(FormatError),
    /// The lookup failed (in the MicroPython module: not a buffer, or a buffer
    /// overlapping the output buffer).
    Lookup(E),
}

impl<E> From<FormatError> for Failure<E> {
    fn from(e: FormatError) -> Self {
        Failure::Format(e)
    }
}

/// What a `Layer` or `Text` object is, and so which buffers it holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A `Layer` without a map: `[graphic, palette, unused]`; every cell shows `frame`.
    Sprite,
    /// A `Layer` with a map: `[graphic, palette, map]`.
    Grid,
    /// A `Text`: `[font, palette, chars]`.
    Text,
}

impl Kind {
    /// Width and height of a cell, in pixels.
    pub const fn cell(self) -> u16 {
        match self {
            Kind::Text => 8,
            Kind::Sprite | Kind::Grid => 16,
        }
    }
}

/// The state of a `Layer` or `Text` object: references to its buffers (which keep them
/// alive), its kind, size, position, frame and rotation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LayerState<B> {
    /// The buffers, as [`Kind`] says.
    pub buffers: [B; 3],
    /// What the layer is.
    pub kind: Kind,
    /// Width in cells.
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
    pub fn new(buffers: [B; 3], kind: Kind, width: u16, height: u16) -> Self {
        LayerState {
            buffers,
            kind,
            width,
            height,
            x: 0,
            y: 0,
            frame: 0,
            rotation: 0,
        }
    }

    /// Where the layer lies, in pixels: what the culling rule ([`crate::reaches`])
    /// tests, without looking at the buffers.
    pub fn footprint(&self) -> Footprint {
        let cell = self.kind.cell();
        Footprint {
            x: self.x,
            y: self.y,
            width: self.width.saturating_mul(cell),
            height: self.height.saturating_mul(cell),
        }
    }

    /// The stage-core layer viewing the buffers `get` returns, after checking their
    /// sizes: exactly 2048 bytes for graphics and fonts, 32 for palettes,
    /// `ceil(w * h / 2)` or more for maps, `w * h` or more for chars. The buffers
    /// are looked up first, in order (a sprite's third is not), then the sizes
    /// are checked: the palette's, the map's or chars', the graphic's or font's.
    pub fn view<'a, E>(
        &self,
        get: &mut dyn FnMut(B) -> Result<&'a [u8], E>,
    ) -> Result<Layer<'a>, Failure<E>> {
        // A sprite has no third buffer; the others are looked up in order.
        let mut found: [&[u8]; 3] = [&[]; 3];
        let used = if self.kind == Kind::Sprite { 2 } else { 3 };
        for (slot, &buffer) in found.iter_mut().zip(&self.buffers).take(used) {
            *slot = get(buffer).map_err(Failure::Lookup)?;
        }
        let [first, palette, third] = found;
        let palette = Palette::new(palette)?;
        let (w, h) = (self.width, self.height);
        let rotation = Rotation::from_code(self.rotation);
        let mut layer = match self.kind {
            Kind::Text => {
                let chars = TextChars::new(third, w, h)?;
                Layer::Text(Text::new(Font::new(first)?, palette, chars))
            }
            Kind::Grid => {
                let map = TileMap::new(third, w, h)?;
                let mut grid = Grid::new(Bank::new(first)?, palette, map);
                grid.set_rotation(rotation);
                Layer::Grid(grid)
            }
            Kind::Sprite => {
                let mut sprite = Sprite::new(Bank::new(first)?, palette).with_cells(w, h)?;
                sprite.set_frame(self.frame)?;
                sprite.set_rotation(rotation);
                Layer::Sprite(sprite)
            }
        };
        layer.set_position(self.x, self.y);
        Ok(layer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{reaches, render, Rect, RenderParams, RenderState, Scene};

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

    /// The scene of docs/stage-format.md section 6, whose hashes are published there.
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
        let mut text = LayerState::new([0, 1, 2], Kind::Text, 3, 2);
        (text.x, text.y) = (6, 4);
        let mut sprite = LayerState::new([3, 4, 0], Kind::Sprite, 1, 1);
        (sprite.x, sprite.y, sprite.frame, sprite.rotation) = (5, -3, 5, 3);
        let mut grid = LayerState::new([3, 4, 5], Kind::Grid, 4, 2);
        (grid.x, grid.y) = (-7, 2);
        let layers: Vec<Layer<'_>> = [text, sprite, grid]
            .iter()
            .map(|s| buffers.view(s).unwrap())
            .collect();
        let rect = Rect::new(0, 0, 40, 24).unwrap();
        let mp = RenderParams::new(rect);
        let cp = mp.with_background(Some(crate::WireColor::BLACK));
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
        let sprite = |g, p| LayerState::new([g, p, 0], Kind::Sprite, 1, 1);
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
        let grid = |w, h| LayerState::new([0, 1, 2], Kind::Grid, w, h);
        assert!(buffers.view(&grid(5, 1)).is_ok());
        assert!(buffers.view(&grid(3, 2)).is_ok());
        assert_eq!(
            buffers.view(&grid(7, 1)).unwrap_err(),
            Failure::Format(FormatError::MapTooShort { needed: 4, len: 3 })
        );
        assert_eq!(
            buffers
                .view(&LayerState::new([0, 1, 5], Kind::Grid, 1, 1))
                .unwrap_err(),
            Failure::Lookup(5)
        );
        // Every buffer is looked up before any size is checked.
        assert_eq!(
            buffers
                .view(&LayerState::new([0, 4, 5], Kind::Grid, 1, 1))
                .unwrap_err(),
            Failure::Lookup(5)
        );
        // Text: font 2048, chars w * h.
        let text = |f, c, w, h| LayerState::new([f, 1, c], Kind::Text, w, h);
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
        let wide = LayerState::new([0, 1, 2], Kind::Sprite, 2047, 2047);
        assert!(buffers.view(&wide).is_ok());
        let too_wide = LayerState::new([0, 1, 2], Kind::Sprite, 2048, 1);
        assert_eq!(
            buffers.view(&too_wide).unwrap_err(),
            Failure::Format(FormatError::TooLarge { max: 2047 })
        );
        let empty_chars = LayerState::new([0, 1, 2], Kind::Text, 4095, 0);
        assert!(buffers.view(&empty_chars).is_ok());
    }

    #[test]
    fn grids_ignore_the_frame_and_rotate_every_tile() {
        let buffers = Buffers(vec![Some(bank()), Some(palette()), Some(vec![0x12])]);
        let mut grid = LayerState::new([0, 1, 2], Kind::Grid, 2, 1);
        grid.frame = 9;
        grid.rotation = 2;
        let Layer::Grid(g) = buffers.view(&grid).unwrap() else {
            panic!("not a grid")
        };
        assert_eq!(g.rotation(), Rotation::Rotate180);
        // Rotation codes 8..=255 act as 0; a sprite's frame must be 0..=15.
        let mut sprite = LayerState::new([0, 1, 2], Kind::Sprite, 1, 1);
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
                let kind = [Kind::Sprite, Kind::Grid, Kind::Text][kind];
                let mut s = LayerState::new([0, 1, 2 + (kind == Kind::Text) as usize], kind, w, h);
                (s.x, s.y, s.frame, s.rotation) = (x, y, frame, rotation);
                s
            })
            .collect()
    }

    /// The chunks of a render made the way the module makes them when `write()` is
    /// native: before each chunk the layers reaching the renderer's band are viewed,
    /// and the scene is declared unchanged.
    fn module_chunks(
        states: &[LayerState<usize>],
        buffers: &[Vec<u8>],
        params: &RenderParams,
        buffer_len: usize,
    ) -> Vec<Vec<u8>> {
        let mut state = RenderState::new(params);
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        loop {
            let band = state.next_band(buffer_len);
            let views: Vec<Layer<'_>> = states
                .iter()
                .filter(|s| band.is_some_and(|band| reaches(&s.footprint(), params, band)))
                .map(|s| {
                    s.view(&mut |i: usize| Ok::<_, ()>(&buffers[i][..]))
                        .unwrap()
                })
                .collect();
            match state
                .next_chunk(&views, Scene::Unchanged, &mut buffer)
                .unwrap()
            {
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
        let mut r = crate::ChunkRenderer::new(&views, params);
        let mut buffer = vec![0; buffer_len];
        let mut chunks = Vec::new();
        while let Some(c) = r.next_chunk(&mut buffer).unwrap() {
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
            let rect = crate::Rect::new(x0, y0, x0 + w, y0 + h).unwrap();
            let params = RenderParams::new(rect).with_scale(scale).unwrap().with_viewport(vx, vy);
            let expected = whole_chunks(&states, &buffers, &params, buffer_len);
            let got = module_chunks(&states, &buffers, &params, buffer_len);
            proptest::prop_assert_eq!(got, expected);
        }
    }

    /// The footprint the module culls by, without looking at the buffers, is the
    /// stage-core layer's.
    #[test]
    fn footprints_are_those_of_the_views() {
        let buffers = Buffers(vec![Some(bank()), Some(palette()), Some(vec![0; 64])]);
        for kind in [Kind::Sprite, Kind::Grid, Kind::Text] {
            // Buffer 0 is 2048 bytes: a bank, or a font.
            let mut state = LayerState::new([0, 1, 2], kind, 5, 3);
            (state.x, state.y) = (-7, 300);
            let view = buffers.view(&state).unwrap();
            assert_eq!(state.footprint(), view.footprint(), "{kind:?}");
            assert_eq!(state.footprint().width, 5 * kind.cell());
        }
    }

    #[test]
    fn a_sprite_never_looks_up_its_third_handle() {
        let buffers = Buffers(vec![Some(bank()), Some(palette())]);
        let sprite = LayerState::new([0, 1, 7], Kind::Sprite, 1, 1);
        assert!(buffers.view(&sprite).is_ok());
    }
}
