//! What scenes look like, checked as text pictures: rotations of a sprite, a grid
//! under a sprite and a text layer, the background, the viewport and the scale.

use stage_core::framebuffer::{Framebuffer, Legend};
use stage_core::{
    Bank, Font, Grid, Layer, Palette, Rect, RenderParams, Rotation, Sprite, Text, TextChars,
    TileMap, WireColor,
};

const WHITE: WireColor = WireColor::from_rgb565(0xFFFF);
const RED: WireColor = WireColor::from_rgb565(0xF800);
const BLUE: WireColor = WireColor::from_rgb565(0x001F);

fn legend() -> Legend {
    Legend::new(&[
        ('.', WireColor::BLACK),
        ('#', WHITE),
        ('r', RED),
        ('b', BLUE),
    ])
}

/// Palette: 0 transparent, 1 white, 2 red, 3 blue.
fn palette() -> Vec<u8> {
    let mut p = [0xF8, 0x1F].repeat(16);
    p[2..4].copy_from_slice(&WHITE.bytes());
    p[4..6].copy_from_slice(&RED.bytes());
    p[6..8].copy_from_slice(&BLUE.bytes());
    p
}

/// Tile 0: an "F" in its top-left corner (white), 1: solid blue.
fn bank() -> Vec<u8> {
    let mut bank = vec![0u8; 2048];
    let f = ["###.", "#...", "##..", "#..."];
    for (y, row) in f.iter().enumerate() {
        for (x, c) in row.chars().enumerate() {
            if c == '#' {
                let byte = &mut bank[y * 8 + x / 2];
                *byte |= if x % 2 == 0 { 0x10 } else { 0x01 };
            }
        }
    }
    bank[128..256].fill(0x33);
    bank
}

fn render(layers: &[Layer<'_>], params: &RenderParams, size: (u16, u16)) -> Framebuffer {
    let mut fb = Framebuffer::new(size.0, size.1);
    fb.render(layers, params).unwrap();
    fb
}

#[test]
fn a_sprite_turns_about_its_centre() {
    let (bank, palette) = (bank(), palette());
    let mut sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
    let params =
        RenderParams::new(Rect::new(0, 0, 16, 16).unwrap()).with_background(Some(WireColor::BLACK));
    let corner = |fb: &Framebuffer, x0, y0| {
        fb.picture(Rect::new(x0, y0, x0 + 4, y0 + 4).unwrap(), &legend())
    };
    sprite.set_rotation(Rotation::Identity);
    let fb = render(&[sprite.into()], &params, (16, 16));
    assert_eq!(corner(&fb, 0, 0), "###.\n#...\n##..\n#...\n");
    // 90 degrees clockwise: the top-left corner goes to the top-right.
    sprite.set_rotation(Rotation::Rotate90);
    let fb = render(&[sprite.into()], &params, (16, 16));
    fb.assert_picture(
        Rect::new(12, 0, 16, 4).unwrap(),
        &legend(),
        "
        ####
        .#.#
        ...#
        ....
        ",
    );
    // Mirrored: top-right, reversed.
    sprite.set_rotation(Rotation::FlipX);
    let fb = render(&[sprite.into()], &params, (16, 16));
    assert_eq!(corner(&fb, 12, 0), ".###\n...#\n..##\n...#\n");
    // The transpose keeps the corner and swaps rows and columns.
    sprite.set_rotation(Rotation::Transpose);
    let fb = render(&[sprite.into()], &params, (16, 16));
    fb.assert_picture(
        Rect::new(0, 0, 4, 4).unwrap(),
        &legend(),
        "
        ####
        #.#.
        #...
        ....
        ",
    );
}

#[test]
fn the_front_layer_wins_and_the_background_fills_the_rest() {
    let (bank, palette) = (bank(), palette());
    let (bank, pal) = (Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
    let map = [0x01u8]; // cells (0, 0) = tile 0, (1, 0) = tile 1 (blue)
    let mut grid = Grid::new(bank, pal, TileMap::new(&map[..], 2, 1).unwrap());
    grid.set_position(-14, 0); // only the last two columns of tile 0 and all of tile 1 show
    let mut sprite = Sprite::new(bank, pal);
    sprite.set_position(3, 1);
    let layers = [Layer::from(sprite), Layer::from(grid)];
    let params = RenderParams::new(Rect::new(0, 0, 8, 5).unwrap()).with_background(Some(RED));
    let fb = render(&layers, &params, (8, 5));
    fb.assert_picture(
        Rect::new(0, 0, 8, 5).unwrap(),
        &legend(),
        "
        rrbbbbbb
        rrb###bb
        rrb#bbbb
        rrb##bbb
        rrb#bbbb
        ",
    );
}

#[test]
fn text_highlight_viewport_and_scale() {
    let palette = {
        // Text palette: 0 transparent, 1 white, 2/3 unused; highlight 4 transparent, 5 red.
        let mut p = [0u8; 32];
        p[0..2].copy_from_slice(&[0xF8, 0x1F]);
        p[2..4].copy_from_slice(&WHITE.bytes());
        p[8..10].copy_from_slice(&[0xF8, 0x1F]);
        p[10..12].copy_from_slice(&RED.bytes());
        p
    };
    // Glyph 1: a 2x2 block of value 1 at the top-left, the rest 0.
    let mut font = [0u8; 2048];
    font[16] = 0b0101;
    font[18] = 0b0101;
    let chars = [0x01u8, 0x81]; // glyph 1, then glyph 1 highlighted
    let mut text = Text::new(
        Font::new(&font).unwrap(),
        Palette::new(&palette).unwrap(),
        TextChars::new(&chars[..], 2, 1).unwrap(),
    );
    text.set_position(10, 20);
    // The viewport puts world (10, 20) at screen (0, 0); scale 2 doubles every pixel.
    let params = RenderParams::new(Rect::new(0, 0, 12, 2).unwrap())
        .with_viewport(10, 20)
        .with_scale(2)
        .unwrap()
        .with_background(Some(WireColor::BLACK));
    let fb = render(&[text.into()], &params, (24, 4));
    fb.assert_picture(
        Rect::new(0, 0, 24, 4).unwrap(),
        &legend(),
        "
        ####............rrrr....
        ####............rrrr....
        ####............rrrr....
        ####............rrrr....
        ",
    );
}
