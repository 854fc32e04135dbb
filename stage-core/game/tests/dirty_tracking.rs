//! Dirty tracking is exact: after any changes, sending only the dirty areas leaves the
//! screen as a full redraw does, and no pixel is sent twice in one frame.

use proptest::prelude::*;
use stage_core::framebuffer::Framebuffer;
use stage_core::{Bank, Font, Layer, Palette, Rect, RenderParams, Rotation, TextChars, TileMap};
use stage_game::{Screen, SpriteId, Stage};

/// A screen that keeps the picture and counts how often each pixel is sent in a frame.
struct Counting {
    picture: Framebuffer,
    counts: Vec<u8>,
    width: u16,
}

impl Counting {
    fn new(width: u16, height: u16) -> Self {
        Counting {
            picture: Framebuffer::new(width, height),
            counts: vec![0; usize::from(width) * usize::from(height)],
            width,
        }
    }

    fn new_frame(&mut self) {
        self.counts.fill(0);
    }
}

impl Screen for Counting {
    type Error = stage_core::framebuffer::WriteError;

    fn draw(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> Result<(), Self::Error> {
        let (x0, y0, x1, y1) = params.rect().corners();
        let s = u16::from(params.scale());
        for y in y0 * s..y1 * s {
            for x in x0 * s..x1 * s {
                self.counts[usize::from(y) * usize::from(self.width) + usize::from(x)] += 1;
            }
        }
        self.picture.render(layers, params)
    }
}

#[derive(Clone, Debug)]
enum Change {
    MoveSprite(usize, i16, i16),
    Frame(usize, u8),
    Rotate(usize, u8),
    Show(usize, bool),
    Tile(u16, u16, u8),
    Char(u16, u16, u8),
    MoveGrid(i16, i16),
    MoveText(i16, i16),
    Scroll(i16, i16),
}

fn change() -> impl Strategy<Value = Change> {
    let pos = -40i16..180;
    prop_oneof![
        4 => (0usize..6, pos.clone(), pos.clone()).prop_map(|(i, x, y)| Change::MoveSprite(i, x, y)),
        2 => (0usize..6, 0u8..16).prop_map(|(i, f)| Change::Frame(i, f)),
        1 => (0usize..6, 0u8..8).prop_map(|(i, r)| Change::Rotate(i, r)),
        1 => (0usize..6, any::<bool>()).prop_map(|(i, v)| Change::Show(i, v)),
        3 => (0u16..12, 0u16..10, 0u8..16).prop_map(|(x, y, t)| Change::Tile(x, y, t)),
        2 => (0u16..10, 0u16..2, any::<u8>()).prop_map(|(x, y, c)| Change::Char(x, y, c)),
        1 => (-20i16..20, -20i16..20).prop_map(|(x, y)| Change::MoveGrid(x, y)),
        1 => (pos.clone(), pos).prop_map(|(x, y)| Change::MoveText(x, y)),
        1 => (-30i16..60, -30i16..60).prop_map(|(x, y)| Change::Scroll(x, y)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn dirty_areas_leave_the_picture_of_a_full_redraw(
        bank in prop::collection::vec(any::<u8>(), 2048),
        colors in prop::collection::vec(prop_oneof![1 => Just([0xF8u8, 0x1F]), 3 => any::<[u8; 2]>()], 16),
        frames in prop::collection::vec(prop::collection::vec(change(), 0..8), 1..8),
        scale in 1u8..3,
    ) {
        let palette: Vec<u8> = colors.concat();
        let font: Vec<u8> = (0..2048u32).map(|i| (i * 7 + 3) as u8).collect();
        let (bank, palette, font) = (
            Bank::new(&bank).unwrap(),
            Palette::new(&palette).unwrap(),
            Font::new(&font).unwrap(),
        );
        let mut map = [0x12u8; 60]; // 12x10 cells
        let mut chars = *b"SCORE 0042LIVES 3   ";
        let (w, h) = (96u16, 80u16);
        let mut stage = Stage::<10, 6>::new(w, h).unwrap().with_scale(scale).unwrap();
        let text = stage
            .add_text(font, palette, TextChars::new(&mut chars[..], 10, 2).unwrap())
            .unwrap();
        let sprites: Vec<SpriteId> = (0..6)
            .map(|i| stage.add_sprite(bank, palette, i).unwrap())
            .collect();
        let grid = stage
            .add_grid(bank, palette, TileMap::new(&mut map[..], 12, 10).unwrap())
            .unwrap();
        let (sw, sh) = (w * u16::from(scale), h * u16::from(scale));
        let mut screen = Counting::new(sw, sh);
        for changes in frames {
            for c in changes {
                match c {
                    Change::MoveSprite(i, x, y) => stage.move_sprite(sprites[i], x, y),
                    Change::Frame(i, f) => stage.set_frame(sprites[i], f).unwrap(),
                    Change::Rotate(i, r) => stage.set_rotation(sprites[i], Rotation::from_code(r)),
                    Change::Show(i, v) => stage.set_visible(sprites[i], v),
                    Change::Tile(x, y, t) => stage.set_tile(grid, x, y, t).unwrap(),
                    Change::Char(x, y, c) => stage.set_char(text, x, y, c).unwrap(),
                    Change::MoveGrid(x, y) => stage.move_grid(grid, x, y),
                    Change::MoveText(x, y) => stage.move_text(text, x, y),
                    Change::Scroll(x, y) => stage.scroll_to(x, y),
                }
            }
            screen.new_frame();
            let stats = stage.render(&mut screen).unwrap();
            prop_assert!(screen.counts.iter().all(|&c| c <= 1), "a pixel was sent twice in one frame");
            let sent = screen.counts.iter().filter(|&&c| c == 1).count() as u32;
            prop_assert_eq!(sent, stats.pixels * u32::from(scale) * u32::from(scale));
            let mut full = Framebuffer::new(sw, sh);
            stage.draw(&mut full, Rect::new(0, 0, w, h).unwrap()).unwrap();
            prop_assert!(screen.picture == full, "the picture differs from a full redraw");
            prop_assert!(stage.dirty().is_empty());
        }
    }
}

#[test]
fn unchanged_frames_send_nothing_and_small_changes_send_little() {
    let bank = [0x11u8; 2048];
    let palette = [0x55u8; 32];
    let (bank, palette) = (Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
    let mut map = [0u8; 32];
    let mut stage = Stage::<4>::new(128, 128).unwrap();
    let ball = stage.add_sprite(bank, palette, 0).unwrap();
    let grid = stage
        .add_grid(bank, palette, TileMap::new(&mut map[..], 8, 8).unwrap())
        .unwrap();
    let mut screen = Framebuffer::new(128, 128);
    assert_eq!(stage.render(&mut screen).unwrap().pixels, 128 * 128);
    assert_eq!(stage.render(&mut screen).unwrap().pixels, 0);
    stage.move_sprite(ball, 0, 0); // no change: nothing to send
    stage.set_tile(grid, 2, 3, 0).unwrap(); // the same tile: nothing
    assert_eq!(stage.render(&mut screen).unwrap().pixels, 0);
    stage.set_tile(grid, 2, 3, 5).unwrap();
    stage.move_sprite(ball, 100, 100);
    let stats = stage.render(&mut screen).unwrap();
    // The tile's cell, where the ball was, where it is: three 16x16 squares.
    assert_eq!((stats.rects, stats.pixels), (3, 3 * 256));
    stage.scroll_to(8, 0);
    assert_eq!(stage.render(&mut screen).unwrap().pixels, 128 * 128);
}
