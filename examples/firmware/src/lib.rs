//! The demo's graphics and game logic, apart from the hardware: the
//! firmware (`src/main.rs`) runs it on a uGame 10, the render benchmark
//! (`src/bin/render_bench.rs`) renders the same frames in an emulator.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assets;
pub mod game;

/// Halts on a panic (the demo has no output to report one on).
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
