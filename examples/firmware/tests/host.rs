//! The demo's game logic and graphics, tested on the host:
//! `cargo test --target x86_64-unknown-linux-gnu --features host-tests`.
//! Also writes the first frame to `target/demo-frame.png` (4x zoom) to look
//! at.

use display_interface_spi::SPIInterface;
use embedded_graphics::pixelcolor::Rgb565;
use embedded_graphics::prelude::*;
use embedded_graphics_simulator::{OutputSettingsBuilder, SimulatorDisplay};
use stage_core::{Layer, RenderParams, WireColor};
use stage_hal::buttons::Keys;
use stage_hal::testing::Recorder;
use stage_hal::{graphics, panels, Display};
use ugame10_demo::assets::{tile, Assets};
use ugame10_demo::game::{Game, BALLS};

fn params() -> RenderParams {
    panels::UGAME10
        .screen_params()
        .unwrap()
        .with_background(Some(WireColor::BLACK))
}

fn player(layers: &[Layer<'_>]) -> (i16, i16) {
    layers[2].position()
}

#[test]
fn the_frame_on_the_panel_is_the_reference_frame() {
    let assets = Assets::new();
    let game = Game::new().unwrap();
    let layers = game.layers(&assets);
    let recorder = Recorder::new();
    let mut display = Display::new(
        SPIInterface::new(recorder.spi(), recorder.dc()),
        panels::UGAME10,
    );
    display.render(&layers, &params(), &mut [0u8; 512]).unwrap();
    let mut expected = Vec::new();
    stage_core::reference::render(&layers, &params(), &mut [0u8; 64], |chunk| {
        expected.extend_from_slice(chunk);
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(recorder.pixel_data(), expected);
}

#[test]
fn first_frame_looks_like_a_garden() {
    let assets = Assets::new();
    let game = Game::new().unwrap();
    let layers = game.layers(&assets);
    let mut screen = SimulatorDisplay::<Rgb565>::new(Size::new(128, 128));
    graphics::draw(&mut screen, &layers, &params(), &mut [0u8; 512]).unwrap();

    let settings = OutputSettingsBuilder::new().scale(4).build();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/demo-frame.png");
    screen
        .to_rgb_output_image(&settings)
        .save_png(&out)
        .unwrap();

    let color = |x, y| screen.get_pixel(Point::new(x, y));
    let wire = |rgb: u16| graphics::to_rgb565(WireColor::from_rgb565(rgb));
    let tile_color = |index: usize| {
        let [hi, lo] = ugame10_demo::assets::TILE_PALETTE[index];
        wire(u16::from_be_bytes([hi, lo]))
    };
    // Brick or mortar at the wall, water in the pond.
    let wall = color(20, 125);
    assert!(wall == tile_color(3) || wall == tile_color(4), "{wall:?}");
    let pond = color(60, 60);
    assert!(pond == tile_color(5) || pond == tile_color(6), "{pond:?}");
    // Nothing is left uncovered: no background, no transparency key.
    for y in 0..128 {
        for x in 0..128 {
            let c = color(x, y);
            assert_ne!(c, Rgb565::BLACK, "({x}, {y})");
            assert_ne!(c, wire(0xF81F), "({x}, {y})");
        }
    }
}

#[test]
fn the_dpad_moves_the_player_within_the_walls() {
    let assets = Assets::new();
    let mut game = Game::new().unwrap();
    let start = player(&game.layers(&assets));
    game.update(Keys::RIGHT | Keys::UP, Keys::NONE);
    assert_eq!(player(&game.layers(&assets)), (start.0 + 2, start.1 - 2));
    for _ in 0..200 {
        game.update(Keys::LEFT | Keys::DOWN, Keys::NONE);
    }
    assert_eq!(player(&game.layers(&assets)), (16, 96));
}

#[test]
fn x_turns_and_o_mirrors_the_player() {
    let assets = Assets::new();
    let mut game = Game::new().unwrap();
    let rotation = |game: &Game| match game.layers(&assets)[2] {
        Layer::Sprite(s) => (s.frame(), s.rotation().code()),
        _ => panic!("layer 2 is the player"),
    };
    assert_eq!(rotation(&game), (tile::PLAYER, 0));
    game.update(Keys::X, Keys::X);
    assert_eq!(rotation(&game), (tile::PLAYER, 1));
    game.update(Keys::X, Keys::NONE); // held, not pressed again
    assert_eq!(rotation(&game), (tile::PLAYER, 1));
    game.update(Keys::O, Keys::O);
    assert_eq!(rotation(&game), (tile::PLAYER, 5));
}

#[test]
fn balls_keep_bouncing_inside_the_walls_and_hits_are_counted() {
    let assets = Assets::new();
    let mut game = Game::new().unwrap();
    let mut seen_moves = 0;
    let mut last = game.layers(&assets)[3].position();
    for frame in 0..2000 {
        // Walk the player around to get hit now and then.
        let keys = if frame % 400 < 200 {
            Keys::RIGHT
        } else {
            Keys::LEFT
        };
        game.update(keys | Keys::UP, Keys::NONE);
        let layers = game.layers(&assets);
        for ball in &layers[3..3 + BALLS] {
            let (x, y) = ball.position();
            assert!((16..=96).contains(&x) && (16..=96).contains(&y), "{x}, {y}");
        }
        if layers[3].position() != last {
            seen_moves += 1;
        }
        last = layers[3].position();
    }
    assert!(seen_moves > 1900);
    assert!(game.hits() > 0);
    // The status line shows the count.
    let layers = game.layers(&assets);
    let Layer::Text(status) = layers[1] else {
        panic!("layer 1 is the status line")
    };
    let text: Vec<u8> = (0..16).map(|x| status.chars().char(x, 0)).collect();
    let shown = format!("{:05}", game.hits());
    assert_eq!(&text[6..11], shown.as_bytes());
}

#[test]
fn sprites_are_see_through_around_their_shapes() {
    let assets = Assets::new();
    let bank = assets.bank();
    let palette = assets.tile_palette();
    for frame in [tile::BALL, tile::PLAYER] {
        assert!(palette.color(bank.pixel(frame, 0, 15)).is_transparent());
        assert!(!palette.color(bank.pixel(frame, 8, 8)).is_transparent());
    }
    // The font has the printable ASCII glyphs.
    let font = assets.font();
    let cells = || (0..8).flat_map(|y| (0..8).map(move |x| (x, y)));
    assert!(cells().any(|(x, y)| font.pixel(b'A', x, y) == 1));
    assert!(cells().all(|(x, y)| font.pixel(b' ', x, y) == 0));
}
