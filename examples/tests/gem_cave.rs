//! Gem Cave played from the outside: the autopilot wins, every frame that sent only
//! what changed shows what a full redraw shows, and the screen shows what it should.

use gem_cave::{Buffers, State, SCREEN};
use stage_core::framebuffer::{Framebuffer, Legend};
use stage_core::Rect;
use stage_examples::pilot::Pilot;
use stage_examples::play::{default_assets, Art, Session};
use stage_game::Keys;

fn full_screen() -> Rect {
    Rect::new(0, 0, SCREEN.0, SCREEN.1).unwrap()
}

#[test]
fn the_autopilot_wins_and_every_frame_matches_a_full_redraw() {
    let art = Art::load(&default_assets()).unwrap();
    let assets = art.assets();
    let mut buffers = Buffers::new();
    let mut session = Session::new(&assets, &mut buffers);
    let mut pilot = Pilot::new();
    let mut full = Framebuffer::new(SCREEN.0, SCREEN.1);
    let mut states = vec![session.game.state()];
    while session.game.state() != State::Won {
        assert!(
            session.stats.frames < 3600,
            "no win in 3600 frames: {:?}",
            session.game.gems()
        );
        let keys = pilot.keys(&session.game, &session.scene);
        session.step(keys);
        session.scene.draw(&mut full, full_screen()).unwrap();
        assert!(
            session.screen == full,
            "frame {}: the dirty areas left a different picture than a full redraw",
            session.stats.frames
        );
        if states.last() != Some(&session.game.state()) {
            states.push(session.game.state());
        }
    }
    assert_eq!(states, [State::Title, State::Playing, State::Won]);
    let (got, all) = session.game.gems();
    assert_eq!((got, all), (15, 15));
    // Dirty tracking at work: well under the whole screen a frame on average.
    let screen = u64::from(SCREEN.0) * u64::from(SCREEN.1);
    let mean = session.stats.pixels / session.stats.frames;
    assert!(mean < screen * 2 / 3, "{mean} pixels a frame of {screen}");
    let sounds: Vec<_> = session.sounds.played.iter().map(|&(_, e)| e).collect();
    assert_eq!(
        sounds
            .iter()
            .filter(|&&e| e == gem_cave::Effect::Gem)
            .count(),
        15
    );
    assert_eq!(sounds.first(), Some(&gem_cave::Effect::Start));
    assert_eq!(
        &sounds[sounds.len() - 3..],
        [
            gem_cave::Effect::Gem,
            gem_cave::Effect::DoorOpens,
            gem_cave::Effect::Win
        ]
    );
}

/// The player, just after X: standing at the start, facing the screen, over the floor,
/// written in palette indices (sprite colours in capitals, cave colours in digits and
/// lower case).
#[test]
fn the_player_stands_at_the_start() {
    let art = Art::load(&default_assets()).unwrap();
    let assets = art.assets();
    let mut buffers = Buffers::new();
    let mut session = Session::new(&assets, &mut buffers);
    session.step(Keys::X);
    assert_eq!(session.game.state(), State::Playing);
    assert_eq!(session.game.player(), (16, 16));
    assert_eq!(session.scene.viewport(), (0, 0));
    let legend = Legend::from_palette(&assets.sprite_palette, "-ABCDEFGHIJKLMNO").with(
        &Legend::from_palette(&assets.tile_palette, "0abcdefghijklmno"),
    );
    let player = Rect::new(16, 16, 32, 32).unwrap();
    // Outline A, hair E, face B (eyes A), shirt C, trousers D; floor 0 and a.
    session.screen.assert_picture(
        player,
        &legend,
        "
        0000a0AAAA000000
        00000AEEEEA0000a
        0000AEEEEEEA0000
        000aABBBBBBA000a
        0000ABABBABA0a00
        0000ABBBBBBA0000
        0000aABBBBA00000
        0000ACCCCCCA0000
        000ACCCCCCCCA000
        000ABCCCCCCBAa00
        000ABACCCCABA000
        00000ADDDDA00000
        00000ADDDDA0a000
        00000AD0aDA00000
        0000AAA00AAA0000
        0000000000000000
    ",
    );
}
