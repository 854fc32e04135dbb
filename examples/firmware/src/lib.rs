//! What the firmware binaries share, apart from their `main`s: the demo's graphics and
//! logic (`assets`, `game`), and on the microcontroller the board set-up (`board`).
//! Gem Cave comes whole from its crate, art included (`gem_cave::art`). The render benchmarks
//! (`src/bin/*_bench.rs`, with the hooks of `bench`) run the same code in an emulator, and the host tests
//! (`tests/host.rs`) on the PC.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assets;
#[cfg(target_os = "none")]
pub mod bench;
#[cfg(target_os = "none")]
pub mod board;
pub mod game;

/// Halts on a panic (the firmware has no output to report one on).
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
