//! The one culling rule, [`reaches`], is exact: a layer reaches a band of
//! rows if and only if it shows a pixel in one of them, within the
//! rectangle's columns, with every wrap-around of positions and viewports.

use proptest::prelude::*;
use stage_core::reference::layer_pixel;
use stage_core::{
    reaches, Band, Bank, Font, Grid, Layer, Palette, Rect, RenderParams, Sprite, Text, TextChars,
    TileMap,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn layers_reach_exactly_the_rows_they_show_a_pixel_in(
        x0 in prop_oneof![0u16..40, 32700u16..32767],
        width in 1u16..40,
        y0 in prop_oneof![0u16..40, 32700u16..=32767, 0u16..=32767],
        first in 0u32..40,
        len in 0u32..40,
        x in prop_oneof![-40i16..80, any::<i16>(), 32700i16..=32767, -32768i16..-32700],
        y in prop_oneof![-40i16..80, any::<i16>(), 32700i16..=32767, -32768i16..-32700],
        vx in prop_oneof![Just(0i16), -40i16..40, any::<i16>()],
        vy in prop_oneof![Just(0i16), -40i16..40, any::<i16>()],
        w in 1u16..4,
        h in 1u16..4,
        kind in 0usize..3,
    ) {
        // Every pixel of every kind of layer is opaque, so "shows a pixel"
        // is "covers it".
        let bank = [0x11u8; 2048];
        let font = [0x55u8; 2048];
        let palette: Vec<u8> = (0..32).collect();
        let (map, chars) = ([0u8; 8], [1u8; 16]);
        let palette = Palette::new(&palette).unwrap();
        let mut layer = match kind {
            0 => Layer::from(Sprite::new(Bank::new(&bank).unwrap(), palette).with_cells(w, h).unwrap()),
            1 => Layer::from(Grid::new(Bank::new(&bank).unwrap(), palette, TileMap::new(&map[..], w, h).unwrap())),
            _ => Layer::from(Text::new(Font::new(&font).unwrap(), palette, TextChars::new(&chars[..], w, h).unwrap())),
        };
        layer.set_position(x, y);
        // A rectangle of at least one column (see `reaches` for none).
        let x1 = (x0 + width).min(32767);
        let params = RenderParams::new(Rect::new(x0, y0, x1, 32767).unwrap()).with_viewport(vx, vy);
        let band = Band::new(first, first + len);
        let shows = (u32::from(y0) + first..=u32::from(y0) + first + len)
            .filter(|&row| row <= 32767)
            .any(|row| {
                (x0..x1).any(|col| {
                    let wx = (col as i16).wrapping_add(vx);
                    let wy = (row as i16).wrapping_add(vy);
                    layer_pixel(&layer, wx, wy).is_some()
                })
            });
        if u32::from(y0) + first + len <= 32767 {
            prop_assert_eq!(reaches(&layer.footprint(), &params, band), shows);
        } else {
            // Rows past the last screen row (a band's tail may reach there):
            // nothing that shows is left out.
            prop_assert!(reaches(&layer.footprint(), &params, band) || !shows);
        }
    }
}

#[test]
fn bands_start_on_a_multiple_of_four_and_hold_their_chunk() {
    assert_eq!(Band::around(0, 1), Band::new(0, 7));
    assert_eq!(Band::around(6, 7), Band::new(4, 11));
    assert_eq!(Band::around(5, 30), Band::new(4, 30));
    for first in 0..40 {
        for last in first..60 {
            let band = Band::around(first, last);
            assert!(band.holds(first, last));
            assert_eq!(band.first() % Band::ROWS, 0);
        }
    }
}
