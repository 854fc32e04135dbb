//! stage demo for a uGame 10 class board (ATSAMD21E18, ST7735R 128x128).
//!
//! A walled garden drawn from a tile grid, three bouncing balls, a player the d-pad
//! moves (X turns it, O mirrors it) and two lines of text, each frame rendered by stage
//! straight into 512-byte chunks on the SPI bus (the board's wiring: `src/board.rs`).
//!
//! On any other target this builds to a stub that says so (the library is tested on
//! the host; see `tests/host.rs`).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod firmware {
    use cortex_m_rt::entry;
    use embedded_hal::delay::DelayNs;
    use stage_core::WireColor;
    use ugame10_demo::assets::Assets;
    use ugame10_demo::board::{self, halt};
    use ugame10_demo::game::Game;

    /// Pause between frames, in milliseconds (a frame takes about 11 ms on the bus at
    /// 24 MHz, plus rendering).
    const FRAME_PAUSE_MS: u32 = 5;

    #[entry]
    fn main() -> ! {
        let Some((mut display, mut buttons, mut clock)) = board::take() else {
            halt()
        };
        // Drawn in place: one 4 KB copy on the stack.
        let mut assets = Assets::blank();
        assets.draw();
        let Ok(mut game) = Game::new() else { halt() };
        let Ok(params) = display.panel().screen_params() else {
            halt()
        };
        let params = params.with_background(Some(WireColor::BLACK));
        let mut buffer = [0u8; 512];

        loop {
            // The pins cannot fail on this chip; a failed read skips input.
            if buttons.update().is_ok() {
                game.update(buttons.held(), buttons.just_pressed());
            }
            let layers = game.layers(&assets);
            // A bus error loses this frame; the next one redraws everything.
            let _ = display.render(&layers, &params, &mut buffer);
            clock.delay_ms(FRAME_PAUSE_MS);
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("the firmware runs on thumbv6m-none-eabi: build it without --target");
}
