//! What a `Layer` or `Text` object holds, and how it becomes a stage-core layer.
//!
//! Independent of the runtime: the buffers are named by a handle type `B` (a Python
//! object in the module, an index in the unit tests) and read through a lookup function,
//! so the same code validates at construction and at every render.

use crate::band::Rows;
use stage_core::format::{MAX_GRID_CELLS, MAX_TEXT_CELLS};
use stage_core::{
    Bank, Font, FormatError, Grid, Layer, Palette, RenderParams, Rotation, Sprite, Text, TextChars,
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

    /// Whether the layer shows any pixel in `rows` of the rectangle `params` renders.
    /// A layer that doesn't can be left out of the scene for those rows without
    /// changing a byte of the stream: world pixel `(x, y)` is inside the layer when
    /// `x - self.x` and `y - self.y`, wrapped to 16 bits, are `0..width` and
    /// `0..height` pixels (stage-format.md section 2.6), so each axis is a test on an
    /// interval of 16-bit values.
    pub fn reaches(&self, params: &RenderParams, rows: Rows) -> bool {
        let (x0, y0, x1, _) = params.rect().corners();
        let (vx, vy) = params.viewport();
        let cell = if self.is_text { 8 } else { 16 };
        let (top, bottom) = (y0 + rows.first, y0 + rows.last + 1);
        spans(x0, x1, vx, self.x, self.width * cell)
            && spans(top, bottom, vy, self.y, self.height * cell)
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
        let (w, h) = (self.width, self.height);
        let mut layer = if self.is_text {
            let font = Font::new(first)?;
            let palette = Palette::new(palette)?;
            Layer::Text(Text::new(font, palette, TextChars::new(get(2)?, w, h)?))
        } else {
            let bank = Bank::new(first)?;
            let palette = Palette::new(palette)?;
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
}

/// Whether screen coordinates `a0..a1` (shifted by the viewport `v`) meet a layer
/// at `pos` that is `size` pixels long: the offsets into the layer are `len` consecutive
/// 16-bit values from `start`; they meet `0..size` if the first one does, or if they
/// wrap around through 0.
fn spans(a0: u16, a1: u16, v: i16, pos: i16, size: u16) -> bool {
    let len = u32::from(a1.saturating_sub(a0));
    let start = u32::from((a0 as i16).wrapping_add(v).wrapping_sub(pos) as u16);
    len != 0 && size != 0 && (start < u32::from(size) || start + len > 0x1_0000)
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

    /// `reaches` is exactly "the layer shows a pixel of the rectangle", with every
    /// wrap-around: checked against the reference renderer's pixel test.
    #[test]
    fn layers_that_reach_the_rectangle_are_exactly_those_with_a_pixel_in_it() {
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
        proptest!(config, |(x0 in coords.clone(), x1 in coords.clone(), y0 in coords.clone(),
                            y1 in coords, x in pos.clone(), y in pos, vx in view.clone(),
                            vy in view, w in 0u16..4, h in 0u16..4, kind in 0usize..3)| {
            let cap = |a: u16, b: u16| b.max(a).min(a.saturating_add(40)).min(32767);
            let rect = stage_core::Rect::new(x0, y0, cap(x0, x1), cap(y0, y1)).unwrap();
            let params = RenderParams::new(rect).with_viewport(vx, vy);
            let mut state = LayerState::new([0, 1, 2 + (kind == 2) as usize], kind == 2, kind == 1, w, h);
            (state.x, state.y) = (x, y);
            let layer = buffers.view(&state).unwrap();
            let (rx0, ry0, rx1, ry1) = rect.corners();
            let shows = (ry0..ry1).any(|sy| (rx0..rx1).any(|sx| {
                let (wx, wy) = ((sx as i16).wrapping_add(vx), (sy as i16).wrapping_add(vy));
                layer_pixel(&layer, wx, wy).is_some()
            }));
            let rows = Rows { first: 0, last: rect.height().saturating_sub(1) };
            prop_assert_eq!(state.reaches(&params, rows) && !rect.is_empty(), shows);
        });
    }

    #[test]
    fn a_sprite_never_looks_up_its_third_handle() {
        let buffers = Buffers(vec![Some(bank()), Some(palette())]);
        let sprite = LayerState::new([0, 1, 7], false, false, 1, 1);
        assert!(buffers.view(&sprite).is_ok());
    }
}
