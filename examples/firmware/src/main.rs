//! stage demo for a uGame 10 class board (ATSAMD21E18, ST7735R 128x128).
//!
//! A walled garden drawn from a tile grid, three bouncing balls, a player
//! the d-pad moves (X turns it, O mirrors it) and two lines of text, each
//! frame rendered by stage straight into 512-byte chunks on the SPI bus.
//!
//! Wiring (docs/hardware.md, "uGame 10 display"): display on SERCOM0, MOSI PA06
//! (pad 2), SCK PA07 (pad 3), CS PA08, DC PA09, no reset line, 24 MHz;
//! buttons active low on PA00 (X), PA01 (O), PA03 (up), PA04 (left), PA05
//! (right), PA22 (down); PA23 enables the speaker amplifier (kept off).
//!
//! On any other target this builds to a stub that says so (the library is
//! tested on the host; see `tests/host.rs`).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod board {
    use atsamd_hal as hal;
    use cortex_m_rt::entry;
    use display_interface_spi::SPIInterface;
    use embedded_hal::delay::DelayNs;
    use embedded_hal_bus::spi::ExclusiveDevice;
    use hal::clock::GenericClockController;
    use hal::delay::Delay;
    use hal::fugit::RateExtU32;
    use hal::gpio::Pins;
    use hal::pac::{CorePeripherals, Peripherals};
    use hal::sercom::{spi, Sercom0};
    use stage_core::WireColor;
    use stage_hal::buttons::{Buttons, Ugame10Pins};
    use stage_hal::{panels, Display};
    use ugame10_demo::assets::Assets;
    use ugame10_demo::game::Game;

    /// Pause between frames, in milliseconds (a frame takes about 11 ms on the
    /// bus at 24 MHz, plus rendering).
    const FRAME_PAUSE_MS: u32 = 5;

    /// Stops here if start-up fails (there is nothing to report it on).
    fn halt() -> ! {
        loop {
            cortex_m::asm::wfi();
        }
    }

    #[entry]
    fn main() -> ! {
        let (Some(mut peripherals), Some(core)) = (Peripherals::take(), CorePeripherals::take())
        else {
            halt()
        };
        let mut clocks = GenericClockController::with_internal_32kosc(
            peripherals.gclk,
            &mut peripherals.pm,
            &mut peripherals.sysctrl,
            &mut peripherals.nvmctrl,
        );
        let pins = Pins::new(peripherals.port);
        let mut delay = Delay::new(core.SYST, &mut clocks);

        // The speaker amplifier stays off.
        let mut mute = pins.pa23.into_push_pull_output();
        let _ = embedded_hal::digital::OutputPin::set_low(&mut mute);

        // The display: SPI on SERCOM0 at the panel's clock (48 MHz / 2).
        let gclk0 = clocks.gclk0();
        let Some(sercom_clock) = clocks.sercom0_core(&gclk0) else {
            halt()
        };
        let pads = spi::Pads::<Sercom0>::default()
            .data_out(pins.pa06)
            .sclk(pins.pa07);
        let bus = spi::Config::new(
            &peripherals.pm,
            peripherals.sercom0,
            pads,
            sercom_clock.freq(),
        )
        .baud(panels::UGAME10.spi_hz().Hz())
        .spi_mode(spi::MODE_0)
        .enable()
        .into_panic_on_read(); // write-only: nothing here reads
                               // Taking the CS pin high cannot fail on this chip.
        let Ok(device) = ExclusiveDevice::new_no_delay(bus, pins.pa08.into_push_pull_output());
        let interface = SPIInterface::new(device, pins.pa09.into_push_pull_output());
        let mut display = Display::new(interface, panels::UGAME10);
        if display.init(&mut delay).is_err() {
            halt()
        }

        let mut buttons = Buttons::new(
            Ugame10Pins {
                x: pins.pa00.into_pull_up_input(),
                o: pins.pa01.into_pull_up_input(),
                up: pins.pa03.into_pull_up_input(),
                left: pins.pa04.into_pull_up_input(),
                right: pins.pa05.into_pull_up_input(),
                down: pins.pa22.into_pull_up_input(),
            },
            2,
        );

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
            delay.delay_ms(FRAME_PAUSE_MS);
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("the firmware runs on thumbv6m-none-eabi: build it without --target");
}
