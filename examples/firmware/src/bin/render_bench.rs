//! Render benchmark: renders the demo's frame on the target, with no
//! hardware, between calls of `bench_mark` that `tools/count_instructions.py`
//! watches in an emulator (counting the instructions executed between
//! them). Each section starts with `bench_mark(id)` and ends with
//! `bench_mark(0)`; `bench_done(ok)` ends the run (`ok` is 1 when the fast
//! and reference renderers produced the same stream).
//!
//! Sections:
//! 1. the demo frame, 128x128, fast renderer, 512-byte chunks to a sink
//!    that discards them;
//! 2. the same frame through `stage_hal::Display::render` to an SPI
//!    device and DC pin that discard everything (driver + bus layers
//!    without the wait for the wire);
//! 3. the tile grid alone (the background layer), fast renderer;
//! 4. the demo frame, reference (per-pixel) renderer;
//! 5. one `Game::update` and `Game::layers` (game logic).
//!
//! On any other target this builds to a stub that says so (the library is
//! tested on the host; see `tests/host.rs`).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod bench {
    use core::convert::Infallible;
    use core::hint::black_box;

    // The device crate provides the interrupt vectors the linker script needs.
    use atsamd_hal as _;
    use cortex_m_rt::entry;
    use display_interface_spi::SPIInterface;
    use stage_core::{Layer, RenderParams, WireColor};
    use stage_hal::buttons::Keys;
    use stage_hal::{panels, Display};
    use ugame10_demo::assets::Assets;
    use ugame10_demo::bench::{NullPin, NullSpi};
    use ugame10_demo::game::Game;

    /// Marks the start (`id` > 0) or the end (`id` == 0) of a section.
    #[no_mangle]
    #[inline(never)]
    pub extern "C" fn bench_mark(id: u32) {
        black_box(id);
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

    fn discard(chunk: &[u8]) -> Result<(), Infallible> {
        black_box(chunk);
        Ok(())
    }

    /// FNV-1a over a stream, to compare renderers (not measured).
    fn checksum(layers: &[Layer<'_>], params: &RenderParams, reference: bool) -> u32 {
        let mut hash = 0x811C_9DC5u32;
        let mut sink = |chunk: &[u8]| {
            for &byte in chunk {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
            Ok::<(), Infallible>(())
        };
        let mut buffer = [0u8; 512];
        let _ = if reference {
            stage_core::reference::render(layers, params, &mut buffer, &mut sink)
        } else {
            stage_core::render(layers, params, &mut buffer, &mut sink)
        };
        hash
    }

    #[entry]
    fn main() -> ! {
        let mut assets = Assets::blank();
        assets.draw();
        let Ok(mut game) = Game::new() else {
            bench_done(0)
        };
        // A few frames in, so the balls and the player are spread out.
        for _ in 0..10 {
            game.update(Keys::RIGHT | Keys::UP, Keys::NONE);
        }
        let Ok(params) = panels::UGAME10.screen_params() else {
            bench_done(0)
        };
        let params = params.with_background(Some(WireColor::BLACK));
        let mut buffer = [0u8; 512];
        let layers = game.layers(&assets);

        bench_mark(1);
        let _ = stage_core::render(black_box(&layers), &params, &mut buffer, discard);
        bench_mark(0);

        let mut display = Display::new(SPIInterface::new(NullSpi, NullPin), panels::UGAME10);
        bench_mark(2);
        let _ = display.render(black_box(&layers), &params, &mut buffer);
        bench_mark(0);

        let grid = &layers[layers.len() - 1..];
        bench_mark(3);
        let _ = stage_core::render(black_box(grid), &params, &mut buffer, discard);
        bench_mark(0);

        bench_mark(4);
        let _ = stage_core::reference::render(black_box(&layers), &params, &mut buffer, discard);
        bench_mark(0);

        bench_mark(5);
        game.update(black_box(Keys::LEFT), Keys::NONE);
        let layers = black_box(game.layers(&assets));
        bench_mark(0);

        let same = checksum(&layers, &params, false) == checksum(&layers, &params, true);
        bench_done(u32::from(same))
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("the render benchmark runs on thumbv6m-none-eabi: build it without --target");
}
