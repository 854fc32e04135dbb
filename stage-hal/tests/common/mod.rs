//! A small scene shared by the tests: a tile grid, sprites and text, with
//! graphics made from arithmetic.
#![allow(dead_code)]

use stage_core::{
    Bank, Font, Grid, Layer, Palette, Rotation, Sprite, Text, TextChars, TileMap, WireColor,
};

/// Bytes the scene's layers view.
pub struct Assets {
    pub bank: [u8; 2048],
    pub grid_palette: [u8; 32],
    pub sprite_palette: [u8; 32],
    pub font: [u8; 2048],
    pub text_palette: [u8; 32],
    pub map: [u8; 32],
    pub chars: [u8; 16],
}

impl Assets {
    pub fn new() -> Self {
        let mut bank = [0u8; 2048];
        for (i, byte) in bank.iter_mut().enumerate() {
            let tile = i / 128;
            let (y, x) = ((i % 128) / 8, (i % 8) * 2);
            let px = |x: usize| ((x + y + tile) % 16) as u8 ^ ((x * y) % 5) as u8;
            *byte = ((px(x) & 15) << 4) | (px(x + 1) & 15);
        }
        let mut grid_palette = [0u8; 32];
        let mut sprite_palette = [0u8; 32];
        let mut text_palette = [0u8; 32];
        for i in 0..16u16 {
            let grid = WireColor::from_rgb565(i.wrapping_mul(0x1083) ^ 0x0841);
            grid_palette[2 * i as usize..][..2].copy_from_slice(&grid.bytes());
            // Sprites: entries 0 and 7 are see-through.
            let sprite = if i == 0 || i == 7 {
                WireColor::TRANSPARENT
            } else {
                WireColor::from_rgb565(0xF000 | (i * 0x21))
            };
            sprite_palette[2 * i as usize..][..2].copy_from_slice(&sprite.bytes());
            let text = if i == 0 {
                WireColor::TRANSPARENT
            } else {
                WireColor::from_rgb565(0xFFFF - i * 0x1111)
            };
            text_palette[2 * i as usize..][..2].copy_from_slice(&text.bytes());
        }
        let mut font = [0u8; 2048];
        for (i, byte) in font.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) ^ 0x5A;
        }
        let mut map = [0u8; 32];
        for (i, byte) in map.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(0x35);
        }
        let mut chars = *b"STAGE hal  12345";
        chars[6] |= 0x80; // highlighted
        Assets {
            bank,
            grid_palette,
            sprite_palette,
            font,
            text_palette,
            map,
            chars,
        }
    }

    /// Text on top, then two sprites (one turned), then an 8x8 grid.
    pub fn layers(&self) -> [Layer<'_>; 4] {
        let bank = Bank::new(&self.bank).unwrap();
        let text = {
            let chars = TextChars::new(&self.chars[..], 16, 1).unwrap();
            let mut text = Text::new(
                Font::new(&self.font).unwrap(),
                Palette::new(&self.text_palette).unwrap(),
                chars,
            );
            text.set_position(3, 100);
            text
        };
        let mut ball = Sprite::new(bank, Palette::new(&self.sprite_palette).unwrap());
        ball.set_frame(3).unwrap();
        ball.set_position(40, 21);
        let mut player = Sprite::new(bank, Palette::new(&self.sprite_palette).unwrap());
        player.set_frame(9).unwrap();
        player.set_rotation(Rotation::Rotate90);
        player.set_position(-5, 120);
        let mut grid = Grid::new(
            bank,
            Palette::new(&self.grid_palette).unwrap(),
            TileMap::new(&self.map[..], 8, 8).unwrap(),
        );
        grid.set_position(0, -4);
        [
            Layer::from(text),
            Layer::from(ball),
            Layer::from(player),
            Layer::from(grid),
        ]
    }
}

/// The reference (per-pixel) renderer's stream: the oracle.
pub fn reference_stream(layers: &[Layer<'_>], params: &stage_core::RenderParams) -> Vec<u8> {
    let mut stream = Vec::new();
    let mut buffer = [0u8; 2];
    stage_core::reference::render(layers, params, &mut buffer, |chunk| {
        stream.extend_from_slice(chunk);
        Ok::<(), ()>(())
    })
    .unwrap();
    stream
}
