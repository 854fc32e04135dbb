//! The self-contained test vectors of the rendering contract
//! (docs/stage-format.md, section 6): assets made by formula, streams hashed by
//! the original engine.

use stage_core::{
    Bank, Font, Grid, Layer, Palette, Rect, RenderParams, Rotation, Sprite, Text, TextChars,
    TileMap, WireColor,
};
use stage_tests::conformance::{render_stream, Renderer};

struct Assets {
    bank: Vec<u8>,
    palette: Vec<u8>,
    font: Vec<u8>,
    text_palette: Vec<u8>,
}

fn assets() -> Assets {
    let bank = (0..2048u32).map(|i| ((i * 37 + 11) & 0xFF) as u8).collect();
    let mut palette = Vec::new();
    for i in 0..16u8 {
        palette.extend_from_slice(&if i == 0 {
            [0xF8, 0x1F]
        } else {
            [0x10 + i, 0x20 + i]
        });
    }
    let font = (0..=255u8).cycle().take(2048).collect();
    let mut text_palette = Vec::new();
    for i in 0..16u8 {
        text_palette.extend_from_slice(&match i {
            0 | 4 => [0xF8, 0x1F],
            8.. => [0, 0],
            _ => [0x80 + i, 0x40 + i],
        });
    }
    Assets {
        bank,
        palette,
        font,
        text_palette,
    }
}

const CHARS: [u8; 6] = [0x41, 0x00, 0xC2, 0x7F, 0x80, 0x05];
const MAP: [u8; 4] = [0x01, 0x23, 0x45, 0x67];

fn scene(a: &Assets) -> Vec<Layer<'_>> {
    let mut text = Text::new(
        Font::new(&a.font).unwrap(),
        Palette::new(&a.text_palette).unwrap(),
        TextChars::new(&CHARS[..], 3, 2).unwrap(),
    );
    text.set_position(6, 4);
    let bank = Bank::new(&a.bank).unwrap();
    let palette = Palette::new(&a.palette).unwrap();
    let mut sprite = Sprite::new(bank, palette);
    sprite.set_position(5, -3);
    sprite.set_frame(5).unwrap();
    sprite.set_rotation(Rotation::from_code(3));
    let mut grid = Grid::new(bank, palette, TileMap::new(&MAP[..], 4, 2).unwrap());
    grid.set_position(-7, 2);
    vec![text.into(), sprite.into(), grid.into()]
}

fn params(scale: u8, viewport: Option<(i16, i16)>) -> RenderParams {
    let params = RenderParams::new(Rect::new(0, 0, 40, 24).unwrap())
        .with_scale(scale)
        .unwrap();
    match viewport {
        None => params,
        Some((vx, vy)) => params
            .with_viewport(vx, vy)
            .with_background(Some(WireColor::BLACK)),
    }
}

#[test]
fn section_six_streams() {
    let a = assets();
    let layers = scene(&a);
    type Vector = (u8, Option<(i16, i16)>, usize, u64, &'static str);
    let cases: [Vector; 5] = [
        (
            1,
            None,
            512,
            1920,
            "a2db9593966b7ba3539795425cbbaa59c9edf92e602c307ac4e77b949c06e487",
        ),
        (
            2,
            None,
            100,
            7680,
            "e42143167eb1b64be75fa6c274bb11186fcc895e9b759a38bc9e14eda5d052bd",
        ),
        (
            1,
            Some((0, 0)),
            512,
            1920,
            "9667b6d94cf3bd0868fde47b6b47759813668c8cbe4919ead1fc164c52641b76",
        ),
        (
            2,
            Some((0, 0)),
            100,
            7680,
            "ba4560682d4d097e6d09093b4dd30d2a6d39a47b0221f5968d060e26b2a38df0",
        ),
        (
            1,
            Some((3, -2)),
            64,
            1920,
            "e1da24744d97735aca83370dbf3d582551f9af17cfdc2239fce3bff27b59ceb1",
        ),
    ];
    for renderer in [Renderer::Fast, Renderer::Reference] {
        for (scale, viewport, buffer_len, bytes, sha256) in cases {
            let mut buffer = vec![0; buffer_len];
            let stream =
                render_stream(renderer, &layers, &params(scale, viewport), &mut buffer).unwrap();
            assert_eq!(
                stream.bytes, bytes,
                "{renderer:?} scale {scale} {viewport:?}"
            );
            assert_eq!(
                stream.sha256, sha256,
                "{renderer:?} scale {scale} {viewport:?}"
            );
            let chunk = buffer_len as u64;
            let mut expected = vec![chunk as usize; (bytes / chunk) as usize];
            if bytes % chunk != 0 {
                expected.push((bytes % chunk) as usize);
            }
            assert_eq!(stream.chunks, expected);
        }
    }
}

fn row(layers: &[Layer<'_>], y: u16, x0: u16, x1: u16) -> Vec<u16> {
    let params = RenderParams::new(Rect::new(x0, y, x1, y + 1).unwrap());
    let mut out = Vec::new();
    stage_core::render(layers, &params, &mut [0; 64], |chunk| {
        out.extend(chunk.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])));
        Ok::<(), ()>(())
    })
    .unwrap();
    out
}

#[test]
fn section_six_spot_values() {
    let a = assets();
    let layers = scene(&a);
    assert_eq!(
        row(&layers, 0, 0, 8),
        [0xF81F, 0xF81F, 0xF81F, 0xF81F, 0xF81F, 0x1626, 0x1929, 0x1B2B]
    );
    assert_eq!(
        row(&layers, 4, 6, 14),
        [0x1424, 0x1626, 0x8141, 0x1B2B, 0x8141, 0xF81F, 0x8141, 0x1525]
    );
    // The worked example: pixel (5, 0) is the sprite's local (0, 3); rotation
    // 3 reads source (12, 0): byte 646 = 0x69, high nibble 6, bytes 16 26.
    assert_eq!(a.bank[646], 0x69);
    assert_eq!(Rotation::Rotate270.source(0, 3), (12, 0));
    assert_eq!(row(&layers, 0, 5, 6), [0x1626]);
}
