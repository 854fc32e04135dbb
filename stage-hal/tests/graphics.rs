//! The embedded-graphics adapters: stage output into a `DrawTarget`, and
//! embedded-graphics drawing into banks and fonts.

mod common;

use common::{reference_stream, Assets};
use embedded_graphics::mock_display::MockDisplay;
use embedded_graphics::mono_font::{ascii::FONT_5X8, MonoTextStyle};
use embedded_graphics::pixelcolor::{BinaryColor, Rgb565};
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{Line, PrimitiveStyle, Rectangle};
use embedded_graphics::text::{Baseline, Text};
use embedded_graphics_simulator::SimulatorDisplay;
use stage_core::{Bank, Font, Rect, RenderParams, WireColor};
use stage_hal::graphics::{self, to_rgb565, BankCanvas, FontCanvas, PaletteIndex, Scene};

/// The simulator's pixels in the output rectangle of `params`, in stream
/// order, as wire colours.
fn pixels(display: &SimulatorDisplay<Rgb565>, params: &RenderParams) -> Vec<u8> {
    let (x0, y0, _, _) = params.rect().corners();
    let s = u32::from(params.scale());
    let mut bytes = Vec::new();
    for y in 0..params.output_height() {
        for x in 0..params.output_width() {
            let p = Point::new(
                (u32::from(x0) * s + x) as i32,
                (u32::from(y0) * s + y) as i32,
            );
            let c = display.get_pixel(p);
            let v = (u16::from(c.r()) << 11) | (u16::from(c.g()) << 5) | u16::from(c.b());
            bytes.extend_from_slice(&v.to_be_bytes());
        }
    }
    bytes
}

#[test]
fn draw_into_a_simulator_display_matches_the_reference_stream() {
    let assets = Assets::new();
    let layers = assets.layers();
    for (rect, scale, buffer) in [
        ((0, 0, 128, 128), 1, 512),
        ((5, 7, 50, 41), 1, 94), // chunks of partial rows
        ((3, 2, 40, 30), 2, 1000),
        ((0, 0, 128, 128), 1, 3),
    ] {
        let (x0, y0, x1, y1) = rect;
        let params = RenderParams::new(Rect::new(x0, y0, x1, y1).unwrap())
            .with_scale(scale)
            .unwrap()
            .with_viewport(7, -3);
        let mut display = SimulatorDisplay::<Rgb565>::new(Size::new(256, 256));
        graphics::draw(&mut display, &layers, &params, &mut vec![0u8; buffer]).unwrap();
        assert_eq!(
            pixels(&display, &params),
            reference_stream(&layers, &params),
            "{rect:?} at scale {scale}, buffer {buffer}"
        );
    }
}

#[test]
fn draw_touches_only_the_output_rectangle() {
    // MockDisplay refuses out-of-bounds and repeated drawing.
    let mut display = MockDisplay::<Rgb565>::new();
    let params = RenderParams::new(Rect::new(10, 20, 14, 23).unwrap())
        .with_background(Some(WireColor::from_rgb565(0xF800)));
    graphics::draw(&mut display, &[], &params, &mut [0u8; 10]).unwrap();
    let expected = Rectangle::new(Point::new(10, 20), Size::new(4, 3));
    assert_eq!(display.affected_area(), expected);
}

#[test]
fn draw_through_a_mipidsi_display_sends_the_reference_stream() {
    // A mipidsi ST7735s on the recording bus: stage output arrives as
    // windows of whole rows, each followed by the reference pixels.
    use mipidsi::interface::SpiInterface;
    use mipidsi::options::ColorOrder;
    use stage_hal::testing::{Event, Recorder};

    let assets = Assets::new();
    let layers = assets.layers();
    let params = RenderParams::new(Rect::new(0, 0, 128, 128).unwrap())
        .with_background(Some(WireColor::BLACK));
    let recorder = Recorder::new();
    let mut mipidsi_buffer = [0u8; 64];
    let interface = SpiInterface::new(recorder.spi(), recorder.dc(), &mut mipidsi_buffer);
    let mut display = mipidsi::Builder::new(mipidsi::models::ST7735s, interface)
        .display_size(128, 128)
        .display_offset(3, 2)
        .color_order(ColorOrder::Bgr)
        .init(&mut recorder.delay())
        .unwrap();
    recorder.clear();
    graphics::draw(&mut display, &layers, &params, &mut [0u8; 1024]).unwrap();

    assert_eq!(recorder.pixel_data(), reference_stream(&layers, &params));
    // The first window: columns 0..=127 and rows 0..=3 (a 1024-byte chunk
    // is four rows), plus the offsets.
    let events = recorder.events();
    assert_eq!(
        events[..5],
        [
            Event::Command(0x2A),
            Event::Data(vec![0, 3, 0, 130]),
            Event::Command(0x2B),
            Event::Data(vec![0, 2, 0, 5]),
            Event::Command(0x2C),
        ]
    );
}

#[test]
fn scene_drawable_equals_draw() {
    let assets = Assets::new();
    let layers = assets.layers();
    let params = RenderParams::new(Rect::new(0, 0, 128, 128).unwrap());
    let mut a = SimulatorDisplay::<Rgb565>::new(Size::new(128, 128));
    let mut b = SimulatorDisplay::<Rgb565>::new(Size::new(128, 128));
    Scene::new(&layers, params).draw(&mut a).unwrap();
    graphics::draw(&mut b, &layers, &params, &mut [0u8; 64]).unwrap();
    assert!(a == b);
}

#[test]
fn wire_colours_convert_exactly() {
    for v in [0x0000u16, 0xFFFF, 0xF800, 0x07E0, 0x001F, 0x1234, 0xF81F] {
        let c = to_rgb565(WireColor::from_rgb565(v));
        assert_eq!(c.into_storage(), v);
    }
}

#[test]
fn primitives_drawn_into_a_bank_land_in_the_right_nibbles() {
    let mut bytes = [0u8; 2048];
    let mut canvas = BankCanvas::from_array(&mut bytes);
    // A diagonal in tile 2, in palette index 7; a filled square in tile 15.
    Line::new(Point::new(0, 0), Point::new(15, 15))
        .into_styled(PrimitiveStyle::with_stroke(PaletteIndex::new(7), 1))
        .draw(&mut canvas.tile(2))
        .unwrap();
    Rectangle::new(Point::new(-4, 12), Size::new(40, 40))
        .into_styled(PrimitiveStyle::with_fill(PaletteIndex::new(0xA)))
        .draw(&mut canvas.tile(15))
        .unwrap();
    let bank = Bank::new(&bytes).unwrap();
    for y in 0..16 {
        for x in 0..16 {
            assert_eq!(bank.pixel(2, x, y), if x == y { 7 } else { 0 });
            assert_eq!(bank.pixel(15, x, y), if y >= 12 { 0xA } else { 0 });
            // Clipped: nothing spilled into the neighbours.
            assert_eq!(bank.pixel(1, x, y), 0);
            assert_eq!(bank.pixel(3, x, y), 0);
        }
    }
    // The format: tile 2, row 5, pixel 5 is the low nibble of byte 2*128 + 5*8 + 2.
    assert_eq!(bytes[2 * 128 + 5 * 8 + 2], 0x07);
}

#[test]
fn canvases_check_their_length() {
    assert!(BankCanvas::new(&mut [0u8; 2047]).is_err());
    assert!(FontCanvas::new(&mut [0u8; 2049]).is_err());
    assert!(BankCanvas::new(&mut [0u8; 2048]).is_ok());
}

#[test]
fn text_drawn_into_a_font_makes_stage_glyphs() {
    let mut bytes = [0u8; 2048];
    let mut canvas = FontCanvas::from_array(&mut bytes);
    let style = MonoTextStyle::new(&FONT_5X8, PaletteIndex::new(3));
    Text::with_baseline("T", FontCanvas::glyph_origin(b'A'), style, Baseline::Top)
        .draw(&mut canvas)
        .unwrap();
    let font = Font::new(&bytes).unwrap();
    // The same text drawn by embedded-graphics on its own display.
    let mut expected = SimulatorDisplay::<BinaryColor>::new(Size::new(8, 8));
    let on = MonoTextStyle::new(&FONT_5X8, BinaryColor::On);
    Text::with_baseline("T", Point::zero(), on, Baseline::Top)
        .draw(&mut expected)
        .unwrap();
    let mut lit = 0;
    for y in 0..8u8 {
        for x in 0..8u8 {
            let want = expected.get_pixel(Point::new(x.into(), y.into())).is_on();
            assert_eq!(
                font.pixel(b'A', x, y),
                if want { 3 } else { 0 },
                "({x}, {y})"
            );
            lit += usize::from(want);
        }
    }
    assert!(lit >= 5, "the glyph has pixels");
    // Other glyphs untouched.
    assert!(bytes[..65 * 16]
        .iter()
        .chain(&bytes[66 * 16..])
        .all(|&b| b == 0));
}
