//! Gem Cave on a uGame 10 class board: the game of `examples/game`, the same code the
//! host plays in a window or a terminal, here on the panel at a fixed 30 frames a
//! second, its art in flash (compiled into the gem-cave crate), each frame sending only what
//! changed.
//!
//! On any other target this builds to a stub that says so.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod firmware {
    use cortex_m_rt::entry;
    use gem_cave::{Buffers, Effect, Game, Sound, FPS};
    use stage_game::{FrameClock, Input, OnDisplay, Tick};
    use ugame10_demo::board::{self, halt};

    /// The speaker stays muted: sounds are asked for and not played.
    struct Mute;

    impl Sound for Mute {
        fn play(&mut self, _: Effect) {}
    }

    #[entry]
    fn main() -> ! {
        let Some((mut display, mut buttons, mut clock)) = board::take() else {
            halt()
        };
        let assets = gem_cave::art::assets();
        let mut buffers = Buffers::new();
        let Ok((mut scene, mut game)) = Game::new(&assets, &mut buffers) else {
            halt()
        };
        let mut screen = OnDisplay::new(&mut display, [0u8; 512]);
        let mut frames = FrameClock::new(FPS);
        let mut input = Input::new();
        loop {
            if let Tick::Wait(_) = frames.tick(clock.now_us()) {
                continue;
            }
            // The pins cannot fail on this chip; a failed read keeps the last buttons.
            let held = if buttons.update().is_ok() {
                buttons.held()
            } else {
                input.held()
            };
            input.update(held);
            game.update(&mut scene, &input, &mut Mute);
            // A bus error loses this frame's changes; redraw everything next time.
            if scene.render(&mut screen).is_err() {
                scene.invalidate();
            }
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("the firmware runs on thumbv6m-none-eabi: build it without --target");
}
