//! Presets for the panels of the uGame-family boards, with their exact
//! settings, and the init lists they use.
//!
//! | preset | controller | size | offsets | MADCTL | inversion | SPI |
//! |---|---|---|---|---|---|---|
//! | [`UGAME10`] | ST7735R | 128x128 | 3, 2 | `0xA8` (MY, MV, BGR) | off | 24 MHz |
//! | [`PYBADGE`] | ST7735R | 160x128 | 0, 0 | `0xA0` (MY, MV) | off | 60 MHz |
//! | [`PEWPEW_M4`] | ST7735R | 160x128 | 1, 2 (per unit, see below) | `0xA0` | off | 60 MHz |
//! | [`MEOWBIT`] | ST7735R | 160x128 | 0, 0 | `0x60` (MX, MV) | off | 24 MHz |
//! | [`PICOSYSTEM`] | ST7789 | 240x240 | 0, 0 | `0x04` (MH) | on | 60 MHz |
//! | [`UGAME22`] | ILI9341 | 320x240, stage scale 2 | 0, 0 | `0x38` (MV, ML, BGR) | off | 80 MHz |
//!
//! The PewPew M4 keeps its panel's offsets in its bootloader's
//! configuration because units vary; the preset has the stock configuration's
//! (1, 2); read a unit's there and apply them with [`Panel::with_offsets`].
//!
//! The boards these panels sit on, with their pins and buttons, are in
//! [`crate::boards`].
//!
//! The ST7735R list is the one CircuitPython's uGame 10 board sends, with
//! its two slips corrected: the parameter-less `0x2A` labelled INVOFF is the
//! [`InitStep::Inversion`] placeholder (INVOFF, `0x20`), and the three-byte
//! CASET/RASET pair is left out, since every frame sets its own window.
//!
//! ```
//! use stage_hal::panels;
//! assert_eq!(panels::UGAME10.madctl(), 0xA8);
//! assert_eq!(panels::UGAME10.offsets(), (3, 2));
//! assert_eq!(panels::UGAME10.spi_hz(), 24_000_000);
//! assert_eq!(panels::UGAME22.logical_size(), (160, 120));
//! ```

use crate::panel::dcs::*;
use crate::panel::{ColorOrder, Controller, InitStep, Orientation, Panel};

/// The ST7735R init list of the uGame 10, PyBadge, PewPew M4 and Meowbit.
pub const ST7735R_INIT: &[InitStep] = &[
    InitStep::command(SWRESET, &[]).wait_ms(150),
    InitStep::command(SLPOUT, &[]).wait_ms(500),
    InitStep::command(0xB1, &[0x01, 0x2C, 0x2D]), // FRMCTR1
    InitStep::command(0xB2, &[0x01, 0x2C, 0x2D]), // FRMCTR2
    InitStep::command(0xB3, &[0x01, 0x2C, 0x2D, 0x01, 0x2C, 0x2D]), // FRMCTR3
    InitStep::command(0xB4, &[0x07]),             // INVCTR
    InitStep::command(0xC0, &[0xA2, 0x02, 0x84]), // PWCTR1
    InitStep::command(0xC1, &[0xC5]),             // PWCTR2
    InitStep::command(0xC2, &[0x0A, 0x00]),       // PWCTR3
    InitStep::command(0xC3, &[0x8A, 0x2A]),       // PWCTR4
    InitStep::command(0xC4, &[0x8A, 0xEE]),       // PWCTR5
    InitStep::command(0xC5, &[0x0E]),             // VMCTR1
    InitStep::Inversion,
    InitStep::MemoryAccess,
    InitStep::command(COLMOD, &[0x05]), // 16 bits per pixel
    InitStep::command(
        0xE0, // GMCTRP1
        &[
            0x02, 0x1C, 0x07, 0x12, 0x37, 0x32, 0x29, 0x2D, 0x29, 0x25, 0x2B, 0x39, 0x00, 0x01,
            0x03, 0x10,
        ],
    ),
    InitStep::command(
        0xE1, // GMCTRN1
        &[
            0x03, 0x1D, 0x07, 0x06, 0x2E, 0x2C, 0x29, 0x2D, 0x2E, 0x2E, 0x37, 0x3F, 0x00, 0x00,
            0x02, 0x10,
        ],
    ),
    InitStep::command(NORON, &[]).wait_ms(10),
    InitStep::command(DISPON, &[]).wait_ms(100),
];

/// The ST7789 init list of the PicoSystem (its trailing full-screen
/// window is left out: every frame sets its own).
pub const ST7789_INIT: &[InitStep] = &[
    InitStep::command(SWRESET, &[]).wait_ms(150),
    InitStep::MemoryAccess,
    InitStep::command(TEON, &[0x00]),
    InitStep::command(0xB2, &[0x0C, 0x0C, 0x00, 0x33, 0x33]), // PORCTRL
    InitStep::command(COLMOD, &[0x05]),
    InitStep::command(0xB7, &[0x14]),       // GCTRL
    InitStep::command(0xBB, &[0x37]),       // VCOMS
    InitStep::command(0xC0, &[0x2C]),       // LCMCTRL
    InitStep::command(0xC2, &[0x01]),       // VDVVRHEN
    InitStep::command(0xC3, &[0x12]),       // VRHS
    InitStep::command(0xC4, &[0x20]),       // VDVS
    InitStep::command(0xD0, &[0xA4, 0xA1]), // PWCTRL1
    InitStep::command(0xC6, &[0x0F]),       // FRCTRL2
    InitStep::command(
        0xE0, // PVGAMCTRL
        &[
            0xD0, 0x04, 0x0D, 0x11, 0x13, 0x2B, 0x3F, 0x54, 0x4C, 0x18, 0x0D, 0x0B, 0x1F, 0x23,
        ],
    ),
    InitStep::command(
        0xE1, // NVGAMCTRL
        &[
            0xD0, 0x04, 0x0C, 0x11, 0x13, 0x2C, 0x3F, 0x44, 0x51, 0x2F, 0x1F, 0x1F, 0x20, 0x23,
        ],
    ),
    InitStep::Inversion,
    InitStep::command(SLPOUT, &[]).wait_ms(500),
    InitStep::command(DISPON, &[]).wait_ms(100),
];

/// The ILI9341 init list of the uGame 22.
pub const ILI9341_INIT: &[InitStep] = &[
    InitStep::command(SWRESET, &[]).wait_ms(128),
    InitStep::command(0xEF, &[0x03, 0x80, 0x02]),
    InitStep::command(0xCF, &[0x00, 0xC1, 0x30]),
    InitStep::command(0xED, &[0x64, 0x03, 0x12, 0x81]),
    InitStep::command(0xE8, &[0x85, 0x00, 0x78]),
    InitStep::command(0xCB, &[0x39, 0x2C, 0x00, 0x34, 0x02]),
    InitStep::command(0xF7, &[0x20]),
    InitStep::command(0xEA, &[0x00, 0x00]),
    InitStep::command(0xC0, &[0x23]),       // PWCTR1
    InitStep::command(0xC1, &[0x10]),       // PWCTR2
    InitStep::command(0xC5, &[0x3E, 0x28]), // VMCTR1
    InitStep::command(0xC7, &[0x86]),       // VMCTR2
    InitStep::MemoryAccess,
    InitStep::command(VSCRSADD, &[0x00]),
    InitStep::command(COLMOD, &[0x55]),
    InitStep::command(0xB1, &[0x00, 0x18]),       // FRMCTR1
    InitStep::command(0xB6, &[0x08, 0x82, 0x27]), // DFUNCTR
    InitStep::command(0xF2, &[0x00]),             // 3-gamma off
    InitStep::command(0x26, &[0x01]),             // GAMMASET
    InitStep::command(
        0xE0, // GMCTRP1
        &[
            0x0F, 0x31, 0x2B, 0x0C, 0x0E, 0x08, 0x4E, 0xF1, 0x37, 0x07, 0x10, 0x03, 0x0E, 0x09,
            0x00,
        ],
    ),
    InitStep::command(
        0xE1, // GMCTRN1
        &[
            0x00, 0x0E, 0x14, 0x03, 0x11, 0x07, 0x31, 0xC1, 0x48, 0x08, 0x0F, 0x0C, 0x31, 0x36,
            0x0F,
        ],
    ),
    InitStep::Inversion,
    InitStep::command(SLPOUT, &[]).wait_ms(120),
    InitStep::command(DISPON, &[]).wait_ms(120),
];

/// uGame 10: ST7735R 1.44" 128x128 in a 132x162 RAM, column offset 3, row
/// offset 2, MADCTL `0xA8` (MY, MV, BGR), inversion off, 24 MHz.
pub const UGAME10: Panel = Panel::new(Controller::St7735r, 128, 128, ST7735R_INIT)
    .with_offsets(3, 2)
    .with_orientation(Orientation::new().mirror_y(true).swap_xy(true))
    .with_color_order(ColorOrder::Bgr)
    .with_spi_hz(24_000_000);

/// PyBadge / PyGamer / EdgeBadge: ST7735R 1.8" 160x128, MADCTL `0xA0`
/// (MY, MV), 60 MHz requested.
pub const PYBADGE: Panel = Panel::new(Controller::St7735r, 160, 128, ST7735R_INIT)
    .with_orientation(Orientation::new().mirror_y(true).swap_xy(true))
    .with_spi_hz(60_000_000);

/// PewPew M4: ST7735R 160x128, MADCTL `0xA0` (MY, MV), 60 MHz requested,
/// column offset 1, row offset 2: the stock configuration of its bootloader, which
/// holds the offsets because panels vary (a unit with other ones can read them there
/// and apply them with [`Panel::with_offsets`]).
pub const PEWPEW_M4: Panel = PYBADGE.with_offsets(1, 2);

/// Meowbit: ST7735R 160x128, MADCTL `0x60` (MX, MV), 24 MHz.
pub const MEOWBIT: Panel = Panel::new(Controller::St7735r, 160, 128, ST7735R_INIT)
    .with_orientation(Orientation::new().mirror_x(true).swap_xy(true))
    .with_spi_hz(24_000_000);

/// PicoSystem: ST7789 240x240 IPS, MADCTL `0x04` (MH), inversion on,
/// 60 MHz; stage scale 1.
pub const PICOSYSTEM: Panel = Panel::new(Controller::St7789, 240, 240, ST7789_INIT)
    .with_orientation(Orientation::new().refresh_right_to_left(true))
    .with_inversion(true)
    .with_spi_hz(60_000_000);

/// uGame 22: ILI9341 320x240, MADCTL `0x38` (MV, ML, BGR), 80 MHz, stage
/// scale 2 (a 160x120 logical screen).
pub const UGAME22: Panel = Panel::new(Controller::Ili9341, 320, 240, ILI9341_INIT)
    .with_orientation(Orientation::new().swap_xy(true).refresh_bottom_to_top(true))
    .with_color_order(ColorOrder::Bgr)
    .with_spi_hz(80_000_000)
    .with_scale(2);
