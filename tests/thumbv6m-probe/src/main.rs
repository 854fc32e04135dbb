//! Renders a 128x128 scene (a tile grid, four sprites, a line of text)
//! forever into a sink that discards the bytes, as a Cortex-M0+ would stream
//! them to its panel.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use stage_core::{
    render, Bank, Font, Grid, Layer, Palette, Rect, RenderParams, Rotation, Sprite, Text,
    TextChars, TileMap,
};

const fn pattern<const N: usize>(mul: u32, add: u32) -> [u8; N] {
    let mut bytes = [0; N];
    let mut i = 0;
    while i < N {
        bytes[i] = (i as u32 * mul + add) as u8;
        i += 1;
    }
    bytes
}

static BANK: [u8; 2048] = pattern(37, 11);
static FONT: [u8; 2048] = pattern(1, 0);
static PALETTE: [[u8; 2]; 16] = {
    let mut entries = [[0xF8, 0x1F]; 16];
    let mut i = 1;
    while i < 16 {
        entries[i] = [0x10 + i as u8, 0x20 + i as u8];
        i += 1;
    }
    entries
};
static MAP: [u8; 32] = pattern(7, 3);
static CHARS: [u8; 16] = *b"SCORE 0000 LIVES";

/// Draws one frame; kept out of line so its size can be read.
#[inline(never)]
fn draw_frame(layers: &[Layer<'_>], buffer: &mut [u8; 512]) -> bool {
    let Ok(rect) = Rect::new(0, 0, 128, 128) else {
        return false;
    };
    let params = RenderParams::new(rect);
    render(layers, &params, buffer, |chunk| {
        black_box(chunk);
        Ok::<(), ()>(())
    })
    .is_ok()
}

#[entry]
fn main() -> ! {
    let bank = Bank::from_array(&BANK);
    let palette = Palette::from_entries(&PALETTE);
    let font = Font::from_array(&FONT);
    let (Ok(map), Ok(chars)) = (
        TileMap::new(&MAP[..], 8, 8),
        TextChars::new(&CHARS[..], 16, 1),
    ) else {
        loop {}
    };
    let text = Text::new(font, palette, chars);
    let grid = Grid::new(bank, palette, map);
    let mut layers = [
        Layer::Text(text),
        Layer::Sprite(Sprite::new(bank, palette)),
        Layer::Sprite(Sprite::new(bank, palette)),
        Layer::Sprite(Sprite::new(bank, palette)),
        Layer::Sprite(Sprite::new(bank, palette)),
        Layer::Grid(grid),
    ];
    let mut buffer = [0u8; 512];
    let mut t: i16 = 0;
    loop {
        for (i, layer) in layers[1..5].iter_mut().enumerate() {
            let i = i as i16;
            layer.set_position((t + 30 * i) & 127, (t * (i + 1)) & 127);
            if let Layer::Sprite(sprite) = layer {
                sprite.set_rotation(Rotation::from_code((t as u8).wrapping_add(i as u8)));
            }
        }
        black_box(draw_frame(black_box(&layers), &mut buffer));
        t = t.wrapping_add(1);
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
