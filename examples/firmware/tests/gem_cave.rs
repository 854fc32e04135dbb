//! Gem Cave as the firmware runs it, on the host: what the panel shows after each frame
//! (only the dirty areas sent, through stage-hal's driver) is the whole scene.
//! `cargo test --target x86_64-unknown-linux-gnu --features host-tests`.

use display_interface_spi::SPIInterface;
use gem_cave::{Buffers, Effect, Game, Sound, State, SCREEN};
use stage_core::framebuffer::Framebuffer;
use stage_core::Rect;
use stage_game::{Input, Keys, OnDisplay};
use stage_hal::testing::Recorder;
use stage_hal::{panels, Display};

struct Mute;

impl Sound for Mute {
    fn play(&mut self, _: Effect) {}
}

#[test]
fn the_panel_shows_the_whole_scene_after_every_frame() {
    let assets = gem_cave::art::assets();
    let mut buffers = Buffers::new();
    let (mut scene, mut game) = Game::new(&assets, &mut buffers).unwrap();
    let recorder = Recorder::new();
    let mut display = Display::new(
        SPIInterface::new(recorder.spi(), recorder.dc()),
        panels::UGAME10,
    );
    let mut screen = OnDisplay::new(&mut display, [0u8; 512]);
    let mut panel = Framebuffer::new(SCREEN.0, SCREEN.1);
    let mut full = Framebuffer::new(SCREEN.0, SCREEN.1);
    let everything = Rect::new(0, 0, SCREEN.0, SCREEN.1).unwrap();
    let mut input = Input::new();
    let script = [
        (2, Keys::X),
        (40, Keys::RIGHT),
        (50, Keys::DOWN),
        (30, Keys::LEFT),
        (60, Keys::DOWN),
    ];
    let (mut frames, mut sent) = (0u32, 0u64);
    scene.render(&mut screen).unwrap();
    recorder
        .replay(&mut panel, panels::UGAME10.offsets())
        .unwrap();
    for (n, keys) in script {
        for _ in 0..n {
            input.update(keys);
            game.update(&mut scene, &input, &mut Mute);
            sent += u64::from(scene.render(&mut screen).unwrap().pixels);
            recorder
                .replay(&mut panel, panels::UGAME10.offsets())
                .unwrap();
            scene.draw(&mut full, everything).unwrap();
            frames += 1;
            assert!(
                panel == full,
                "frame {frames}: the panel differs from the scene"
            );
        }
    }
    assert_eq!(game.state(), State::Playing);
    assert_ne!(game.player(), (16, 16), "the player did not move");
    assert!(
        sent < u64::from(frames) * 128 * 128 / 2,
        "{sent} pixels in {frames} frames"
    );
}
