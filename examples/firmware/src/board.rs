//! The uGame 10's hardware, set up once for every firmware here: the display on its SPI
//! bus, the buttons, and a clock (SysTick) that counts microseconds and waits.
//!
//! Wiring (docs/hardware.md, "uGame 10 display"): display on SERCOM0, MOSI PA06 (pad 2),
//! SCK PA07 (pad 3), CS PA08, DC PA09, no reset line, 24 MHz; buttons active low on
//! PA00 (X), PA01 (O), PA03 (up), PA04 (left), PA05 (right), PA22 (down); PA23 enables
//! the speaker amplifier (kept off).

use atsamd_hal as hal;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;
use display_interface::WriteOnlyDataCommand;
use display_interface_spi::SPIInterface;
use embedded_hal::delay::DelayNs;
use embedded_hal_bus::spi::ExclusiveDevice;
use hal::clock::GenericClockController;
use hal::fugit::RateExtU32;
use hal::gpio::Pins;
use hal::pac::{CorePeripherals, Peripherals};
use hal::sercom::{spi, Sercom0};
use stage_hal::buttons::{Buttons, ReadKeys, Ugame10Pins};
use stage_hal::{panels, Display};

/// The core clock after [`take`]: 48 MHz from the DFLL.
const CORE_HZ: u32 = 48_000_000;

/// Microseconds since start-up and waiting, on SysTick counting the core clock. SysTick
/// is 24 bits (it wraps every 0.35 s at 48 MHz), so [`Clock::now_us`] must be called at
/// least that often; the frame loops and waits here do.
pub struct Clock {
    syst: SYST,
    last: u32,
    ticks: u64,
}

impl Clock {
    fn new(mut syst: SYST) -> Self {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(0x00FF_FFFF);
        syst.clear_current();
        syst.enable_counter();
        Clock {
            syst,
            last: SYST::get_current(),
            ticks: 0,
        }
    }

    /// Microseconds since the clock started.
    pub fn now_us(&mut self) -> u64 {
        let now = SYST::get_current();
        // SysTick counts down.
        self.ticks += u64::from(self.last.wrapping_sub(now) & 0x00FF_FFFF);
        self.last = now;
        self.ticks / u64::from(CORE_HZ / 1_000_000)
    }

    /// The SysTick peripheral back.
    pub fn free(self) -> SYST {
        self.syst
    }
}

impl DelayNs for Clock {
    fn delay_ns(&mut self, ns: u32) {
        let until = self.now_us() + u64::from(ns.div_ceil(1000));
        while self.now_us() < until {}
    }
}

/// Stops here if start-up fails (there is nothing to report it on).
pub fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}

/// Sets up the clocks, the display (initialised), the buttons and the clock; `None` if
/// the peripherals were taken already or the display did not initialise.
pub fn take() -> Option<(
    Display<impl WriteOnlyDataCommand>,
    Buttons<impl ReadKeys>,
    Clock,
)> {
    let mut peripherals = Peripherals::take()?;
    let core = CorePeripherals::take()?;
    let mut clocks = GenericClockController::with_internal_32kosc(
        peripherals.gclk,
        &mut peripherals.pm,
        &mut peripherals.sysctrl,
        &mut peripherals.nvmctrl,
    );
    let pins = Pins::new(peripherals.port);
    let mut clock = Clock::new(core.SYST);

    // The speaker amplifier stays off.
    let mut mute = pins.pa23.into_push_pull_output();
    let _ = embedded_hal::digital::OutputPin::set_low(&mut mute);

    // The display: SPI on SERCOM0 at the panel's clock (48 MHz / 2).
    let gclk0 = clocks.gclk0();
    let sercom_clock = clocks.sercom0_core(&gclk0)?;
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
    display.init(&mut clock).ok()?;

    let buttons = Buttons::new(
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
    Some((display, buttons, clock))
}
