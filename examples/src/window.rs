//! Gem Cave in a window (minifb): the panel scaled up, the keyboard as the buttons, a
//! fixed frame rate.

use std::time::{Duration, Instant};

use minifb::{Key, Scale, Window, WindowOptions};
use stage_game::{FrameClock, Keys, Tick};

use crate::play::Session;

/// Keyboard keys and the buttons they press.
pub const KEYMAP: &[(Key, Keys)] = &[
    (Key::Up, Keys::UP),
    (Key::W, Keys::UP),
    (Key::Down, Keys::DOWN),
    (Key::S, Keys::DOWN),
    (Key::Left, Keys::LEFT),
    (Key::A, Keys::LEFT),
    (Key::Right, Keys::RIGHT),
    (Key::D, Keys::RIGHT),
    (Key::X, Keys::X),
    (Key::Space, Keys::X),
    (Key::Enter, Keys::X),
    (Key::Z, Keys::O),
    (Key::O, Keys::O),
];

/// Plays in a window until it is closed or Escape is pressed, or for `frames` frames.
pub fn play(session: &mut Session<'_>, fps: u32, frames: Option<u64>) -> Result<(), String> {
    let (width, height) = session.screen.size();
    let (width, height) = (usize::from(width), usize::from(height));
    let options = WindowOptions {
        scale: Scale::X4,
        ..WindowOptions::default()
    };
    let mut window = Window::new(
        "Gem Cave (arrows/WASD move, X/space, Esc quits)",
        width,
        height,
        options,
    )
    .map_err(|e| format!("cannot open a window: {e}"))?;
    let mut pixels = vec![0u32; width * height];
    let mut clock = FrameClock::new(fps);
    let start = Instant::now();
    while window.is_open() && !window.is_key_down(Key::Escape) {
        if frames.is_some_and(|n| session.stats.frames >= n) {
            break;
        }
        match clock.tick(start.elapsed().as_micros() as u64) {
            Tick::Wait(us) => {
                // Keep the window responsive while waiting.
                std::thread::sleep(Duration::from_micros(u64::from(us.min(5_000))));
                window.update();
                continue;
            }
            Tick::Frame => {}
        }
        let keys = window
            .get_keys()
            .iter()
            .filter_map(|k| KEYMAP.iter().find(|(key, _)| key == k).map(|&(_, b)| b))
            .fold(Keys::NONE, |a, b| a | b);
        session.step(keys);
        for (out, px) in pixels.iter_mut().zip(session.screen.pixels()) {
            let [r, g, b] = px.to_rgb888();
            *out = u32::from_be_bytes([0, r, g, b]);
        }
        window
            .update_with_buffer(&pixels, width, height)
            .map_err(|e| format!("cannot draw in the window: {e}"))?;
    }
    Ok(())
}
