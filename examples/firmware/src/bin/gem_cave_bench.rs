//! Gem Cave's frame cost: the game of `src/bin/gem_cave.rs` played on the target with
//! no hardware (the display on an SPI bus that discards everything) by a fixed list of
//! buttons, between calls of `bench_mark` that `tools/count_instructions.py` watches in
//! an emulator. `bench_value` reports the pixels each frame sent.
//!
//! Sections (`bench_mark(id)` ... `bench_mark(0)`):
//! 3. the first frame: the title screen, the whole screen;
//! 1. each later frame's `Game::update` (the game logic);
//! 2. each later frame's `Stage::render` (the dirty areas, through `stage_hal::Display`).
//!
//! `bench_done(ok)`: `ok` is 1 when the game is being played and the player has moved.
//!
//! On any other target this builds to a stub that says so.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod bench {
    use core::hint::black_box;

    // The device crate provides the interrupt vectors the linker script needs, the
    // firmware's library the panic handler.
    use atsamd_hal as _;
    use cortex_m_rt::entry;
    use display_interface_spi::SPIInterface;
    use gem_cave::{Buffers, Effect, Game, Sound, State};
    use stage_game::{Input, Keys, OnDisplay};
    use stage_hal::{panels, Display};
    use ugame10_demo::bench::{NullPin, NullSpi};

    /// Marks the start (`id` > 0) or the end (`id` == 0) of a section.
    #[no_mangle]
    #[inline(never)]
    pub extern "C" fn bench_mark(id: u32) {
        black_box(id);
    }

    /// Reports a figure (here: pixels a frame sent). The emulator reads it on entry;
    /// the body differs from `bench_mark`'s so that the linker cannot merge the two.
    #[no_mangle]
    #[inline(never)]
    pub extern "C" fn bench_value(value: u32) {
        black_box(!value);
    }

    /// Ends the run; the emulator stops here.
    #[no_mangle]
    #[inline(never)]
    pub extern "C" fn bench_done(ok: u32) -> ! {
        black_box(ok);
        loop {
            cortex_m::asm::nop();
        }
    }

    struct Mute;

    impl Sound for Mute {
        fn play(&mut self, _: Effect) {}
    }

    /// The buttons, as (frames, keys held): start, then walk the first corridors, which
    /// scrolls the view, with the bats flying all along.
    const SCRIPT: &[(u16, Keys)] = &[
        (4, Keys::NONE),
        (2, Keys::X),
        (4, Keys::NONE),
        (40, Keys::RIGHT),
        (50, Keys::DOWN),
        (30, Keys::LEFT),
        (60, Keys::DOWN),
        (40, Keys::RIGHT),
        (20, Keys::NONE),
    ];

    #[entry]
    fn main() -> ! {
        let assets = gem_cave::art::assets();
        let mut buffers = Buffers::new();
        let Ok((mut scene, mut game)) = Game::new(&assets, &mut buffers) else {
            bench_done(0)
        };
        let mut display = Display::new(SPIInterface::new(NullSpi, NullPin), panels::UGAME10);
        let mut screen = OnDisplay::new(&mut display, [0u8; 512]);
        let mut input = Input::new();
        let start = game.player();

        bench_mark(3);
        let sent = scene.render(&mut screen);
        bench_mark(0);
        bench_value(sent.map_or(0, |s| s.pixels));

        for &(frames, keys) in SCRIPT {
            for _ in 0..frames {
                bench_mark(1);
                input.update(black_box(keys));
                game.update(&mut scene, &input, &mut Mute);
                bench_mark(0);
                bench_mark(2);
                let sent = scene.render(&mut screen);
                bench_mark(0);
                bench_value(sent.map_or(0, |s| s.pixels));
            }
        }
        let ok = game.state() == State::Playing && game.player() != start;
        bench_done(u32::from(ok))
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("the benchmark runs on thumbv6m-none-eabi: build it without --target");
}
