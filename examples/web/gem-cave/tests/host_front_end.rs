//! Gem Cave built for the web (art converted at build time, drawn into RGBA) against
//! the host front end (art loaded from the image files at run time, drawn into
//! stage-core's framebuffer): the same frames, pixel for pixel, for a scripted game.

use gem_cave::Buffers;
use gem_cave_web::{rgba, WebSession, HEIGHT, WIDTH};
use stage_examples::play::{default_assets, Art, Session};
use stage_game::Keys;

/// The keys held in frame `f` of the script: start, then walk a loop through the cave.
fn keys(f: u32) -> u8 {
    match f {
        5 => Keys::X.bits(),
        10..=40 => Keys::RIGHT.bits(),
        41..=70 => Keys::DOWN.bits(),
        71..=110 => Keys::LEFT.bits(),
        111..=150 => Keys::UP.bits(),
        151..=200 => (Keys::RIGHT | Keys::DOWN).bits(),
        _ => 0,
    }
}

#[test]
fn every_frame_equals_the_host_front_end() {
    let art = Art::load(&default_assets()).expect("examples/game/assets load");
    let host_assets = art.assets();
    let mut host_buffers = Buffers::new();
    let mut host = Session::new(&host_assets, &mut host_buffers);
    let mut web_buffers = Buffers::new();
    let mut web = WebSession::new(&gem_cave::art::assets(), &mut web_buffers);
    let mut changed = 0;
    for f in 0..=220 {
        if f > 0 {
            host.step(Keys::from_bits(keys(f)));
            if web.step(keys(f)) > 0 {
                changed += 1;
            }
        }
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                let px = host
                    .screen
                    .pixel(x as u16, y as u16)
                    .expect("inside the screen");
                let [hi, lo] = px.bytes();
                let o = 4 * (y * WIDTH + x);
                assert_eq!(
                    web.screen.pixels[o..o + 4],
                    rgba(hi, lo),
                    "frame {f}, pixel ({x}, {y})"
                );
            }
        }
    }
    assert!(changed > 150, "the game moved in {changed} frames only");
    assert_eq!(web.game().state(), host.game.state());
}

#[test]
fn the_sounds_of_a_frame_are_reported() {
    let mut buffers = Buffers::new();
    let mut web = WebSession::new(&gem_cave::art::assets(), &mut buffers);
    web.step(0);
    assert_eq!(web.sounds.0, 0);
    web.step(Keys::X.bits()); // starts the game
    assert_eq!(web.sounds.0, 1, "Effect::Start is bit 0");
    web.step(0);
    assert_eq!(web.sounds.0, 0, "sounds are per frame");
}
