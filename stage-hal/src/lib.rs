//! Drivers that stream [stage](stage_core) output to ST7735-class panels
//! (ST7735R/S, ST7789, ILI9341) over embedded-hal 1.0, blocking or async.
//!
//! * [`panel`]: a [`Panel`] is data (controller, size, offsets,
//!   orientation, colour order, inversion, SPI clock, init list); the MADCTL
//!   and INVON/INVOFF bytes of its init stream are produced from its
//!   settings. [`panels`] has the uGame-family presets ([`panels::UGAME10`],
//!   [`panels::PYBADGE`], [`panels::PEWPEW_M4`], [`panels::MEOWBIT`],
//!   [`panels::PICOSYSTEM`], [`panels::UGAME22`]).
//! * [`Display`]: a driver on a `display-interface` 0.5 bus (usually
//!   `display_interface_spi::SPIInterface` over an `SpiDevice` and a DC
//!   pin), with an optional reset pin: [`Display::init`],
//!   [`Display::set_window`] (CASET/RASET/RAMWR with offsets) and
//!   [`Display::render`], which hands each of stage's chunks to the bus as
//!   it is (palettes are already in wire order, so there is no copy and no
//!   conversion). Errors ([`Error`]) say which step failed and carry the
//!   interface's error.
//! * With the `async` feature, the same on the async traits:
//!   `Display::init_async`, and `Display::render_async`, which renders
//!   the next chunk into one buffer while the previous one is on the bus.
//! * [`graphics`]: stage output into any embedded-graphics
//!   `DrawTarget<Color = Rgb565>`, and embedded-graphics drawing into a
//!   bank or a font (tiles and glyphs made in code).
//! * [`boards`]: each uGame-family board's panel, pins and buttons.
//! * [`buttons`]: the uGame 10 pin map, debouncing, held / just pressed /
//!   just released, on embedded-hal `InputPin`s.
//! * `testing` (feature `testing`): a recording SPI + DC double that turns
//!   everything sent into one ordered stream of commands, data and delays.
//!
//! # Example
//!
//! A uGame 10 panel: init, then one frame of a 128x128 tile grid. On a
//! board, `spi` is the HAL's `SpiDevice` (for example an
//! `embedded_hal_bus::spi::ExclusiveDevice` with the CS pin), `dc` its DC
//! pin and `delay` its `DelayNs`; here the recording double stands in.
//!
//! ```
//! use display_interface_spi::SPIInterface;
//! use stage_core::{Bank, Grid, Layer, Palette, TileMap, WireColor};
//! use stage_hal::testing::{Event, Recorder};
//! use stage_hal::{panels, Display};
//!
//! # let recorder = Recorder::new();
//! # let (spi, dc, mut delay) = (recorder.spi(), recorder.dc(), recorder.delay());
//! let mut display = Display::new(SPIInterface::new(spi, dc), panels::UGAME10);
//! display.init(&mut delay)?;
//!
//! let bank = [0x01u8; 2048]; // every tile: columns of entries 0 and 1
//! let mut palette = [0u8; 32];
//! palette[2..4].copy_from_slice(&WireColor::from_rgb565(0xFFFF).bytes());
//! let map = [0u8; 32]; // 8x8 cells of tile 0
//! let grid = Grid::new(Bank::new(&bank)?, Palette::new(&palette)?, TileMap::new(&map[..], 8, 8)?);
//! let layers = [Layer::from(grid)];
//!
//! let params = display.panel().screen_params()?;
//! let mut buffer = [0u8; 512];
//! display.render(&layers, &params, &mut buffer)?;
//! # let events = recorder.events();
//! # assert_eq!(events[events.len() - 6..events.len() - 1], [
//! #     Event::Command(0x2A), Event::Data(vec![0, 3, 0, 130]),
//! #     Event::Command(0x2B), Event::Data(vec![0, 2, 0, 129]),
//! #     Event::Command(0x2C),
//! # ]);
//! # assert_eq!(recorder.pixel_data().len(), 128 * 128 * 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

#[cfg(feature = "testing")]
extern crate alloc;

#[cfg(feature = "async")]
mod asynch;
pub mod boards;
pub mod buttons;
mod display;
pub mod graphics;
pub mod panel;
pub mod panels;
mod steps;
#[cfg(feature = "testing")]
pub mod testing;
mod window;

pub use display::{Display, Error, NoResetPin};
pub use panel::Panel;
pub use window::{OutOfBounds, Window};
