//! Panels as data: size, offsets, orientation, colour order, inversion, SPI
//! clock and the init list.
//!
//! A [`Panel`] describes one display module as a board wires it up. The
//! MADCTL (memory access control) byte and the INVON/INVOFF command of its
//! init stream are not written into the init list: the list holds the
//! placeholders [`InitStep::MemoryAccess`] and [`InitStep::Inversion`], and
//! the bytes sent for them are produced from the panel's [`Orientation`],
//! [`ColorOrder`] and inversion setting. Changing one setting therefore
//! changes the stream consistently.
//!
//! ```
//! use stage_hal::panel::{ColorOrder, InitOp, Orientation};
//! use stage_hal::panels;
//!
//! // A 1.44" module like the uGame 10's, but with RGB glass and mounted
//! // upside down: a variant of a preset, no fork needed.
//! let panel = panels::UGAME10
//!     .with_color_order(ColorOrder::Rgb)
//!     .with_orientation(Orientation::from_madctl(0x60))
//!     .with_offsets(1, 2);
//! assert_eq!(panel.madctl(), 0x60);
//! let madctl = panel
//!     .init_sequence()
//!     .find(|op| matches!(op, InitOp::Command { code: 0x36, .. }));
//! assert_eq!(madctl.map(|op| op.params().to_vec()), Some(vec![0x60]));
//! ```

use stage_core::{ParamError, Rect, RenderParams};

/// MIPI DCS command codes shared by the ST7735, ST7789 and ILI9341.
pub mod dcs {
    /// Software reset.
    pub const SWRESET: u8 = 0x01;
    /// Sleep out.
    pub const SLPOUT: u8 = 0x11;
    /// Normal display mode on.
    pub const NORON: u8 = 0x13;
    /// Display inversion off.
    pub const INVOFF: u8 = 0x20;
    /// Display inversion on.
    pub const INVON: u8 = 0x21;
    /// Display on.
    pub const DISPON: u8 = 0x29;
    /// Column address set: start and end column, 16 bits each, big-endian.
    pub const CASET: u8 = 0x2A;
    /// Row address set: start and end row, 16 bits each, big-endian.
    pub const RASET: u8 = 0x2B;
    /// Memory write: pixel data follows.
    pub const RAMWR: u8 = 0x2C;
    /// Tearing effect line on.
    pub const TEON: u8 = 0x35;
    /// Memory access control (orientation and colour order).
    pub const MADCTL: u8 = 0x36;
    /// Vertical scrolling start address.
    pub const VSCRSADD: u8 = 0x37;
    /// Interface pixel format.
    pub const COLMOD: u8 = 0x3A;
}

/// The controller family of a panel. Informational: every supported
/// controller uses the same MIPI DCS commands for windows and pixel data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Controller {
    /// Sitronix ST7735R / ST7735S (132x162 RAM).
    St7735r,
    /// Sitronix ST7789 (240x320 RAM).
    St7789,
    /// Ilitek ILI9341 (240x320 RAM).
    Ili9341,
    /// Anything else that speaks MIPI DCS.
    Other,
}

/// The order of the colour filters on the glass. The MADCTL BGR bit
/// (`0x08`) is set for [`ColorOrder::Bgr`], so that stage's palettes stay
/// true RGB565 in wire order on every panel.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum ColorOrder {
    /// Red first: the BGR bit is clear.
    #[default]
    Rgb,
    /// Blue first: the BGR bit is set.
    Bgr,
}

/// How the controller maps its RAM to the glass: the MADCTL bits other than
/// BGR.
///
/// Offsets ([`Panel::with_offsets`]) are given in the coordinates of the
/// chosen orientation, as board files give them: changing the orientation of
/// a preset may need other offsets.
///
/// ```
/// use stage_hal::panel::Orientation;
/// let o = Orientation::new().mirror_y(true).swap_xy(true);
/// assert_eq!(o.bits(), 0xA0);
/// assert_eq!(Orientation::from_madctl(0xA8), o); // BGR is not orientation
/// assert!(o.swaps_xy());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Orientation(u8);

impl Orientation {
    const MY: u8 = 0x80;
    const MX: u8 = 0x40;
    const MV: u8 = 0x20;
    const ML: u8 = 0x10;
    const MH: u8 = 0x04;
    const MASK: u8 = Self::MY | Self::MX | Self::MV | Self::ML | Self::MH;

    /// The controller's natural orientation: all bits clear.
    pub const fn new() -> Self {
        Orientation(0)
    }

    /// The orientation bits of a MADCTL value (BGR and the unused low bits
    /// are dropped).
    pub const fn from_madctl(madctl: u8) -> Self {
        Orientation(madctl & Self::MASK)
    }

    /// The MADCTL bits of this orientation, without BGR.
    pub const fn bits(self) -> u8 {
        self.0
    }

    const fn with(self, bit: u8, on: bool) -> Self {
        if on {
            Orientation(self.0 | bit)
        } else {
            Orientation(self.0 & !bit)
        }
    }

    /// Sets MY (`0x80`): rows are written bottom to top.
    pub const fn mirror_y(self, on: bool) -> Self {
        self.with(Self::MY, on)
    }

    /// Sets MX (`0x40`): columns are written right to left.
    pub const fn mirror_x(self, on: bool) -> Self {
        self.with(Self::MX, on)
    }

    /// Sets MV (`0x20`): rows and columns are exchanged (landscape on a
    /// portrait controller).
    pub const fn swap_xy(self, on: bool) -> Self {
        self.with(Self::MV, on)
    }

    /// Sets ML (`0x10`): the panel refreshes bottom to top.
    pub const fn refresh_bottom_to_top(self, on: bool) -> Self {
        self.with(Self::ML, on)
    }

    /// Sets MH (`0x04`): the panel latches data right to left.
    pub const fn refresh_right_to_left(self, on: bool) -> Self {
        self.with(Self::MH, on)
    }

    /// Whether MV is set.
    pub const fn swaps_xy(self) -> bool {
        self.0 & Self::MV != 0
    }
}

/// One entry of a panel's init list.
///
/// ```
/// use stage_hal::panel::{dcs, InitStep};
/// const LIST: &[InitStep] = &[
///     InitStep::command(dcs::SWRESET, &[]).wait_ms(150),
///     InitStep::command(dcs::COLMOD, &[0x05]),
///     InitStep::MemoryAccess,
///     InitStep::Inversion,
///     InitStep::command(dcs::DISPON, &[]).wait_ms(100),
/// ];
/// assert_eq!(LIST.len(), 5);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum InitStep {
    /// A command byte and its parameters, then a pause.
    Command {
        /// The command byte (sent with DC low).
        code: u8,
        /// Its parameters (sent with DC high); may be empty.
        params: &'static [u8],
        /// Milliseconds to wait afterwards (0 for none).
        delay_ms: u16,
    },
    /// MADCTL with the panel's orientation and colour order.
    MemoryAccess,
    /// INVON or INVOFF, from the panel's inversion setting.
    Inversion,
    /// A pause of this many milliseconds.
    Delay(u16),
}

impl InitStep {
    /// A command with parameters and no pause.
    pub const fn command(code: u8, params: &'static [u8]) -> Self {
        InitStep::Command {
            code,
            params,
            delay_ms: 0,
        }
    }

    /// The same step followed by a pause of `ms` milliseconds (only for
    /// [`InitStep::Command`]; other steps are returned unchanged).
    pub const fn wait_ms(self, ms: u16) -> Self {
        match self {
            InitStep::Command { code, params, .. } => InitStep::Command {
                code,
                params,
                delay_ms: ms,
            },
            other => other,
        }
    }
}

/// The parameter bytes of a command a driver sends.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Params(ParamBytes);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum ParamBytes {
    Listed(&'static [u8]),
    One([u8; 1]),
    Four([u8; 4]),
}

impl Params {
    /// No parameter.
    pub const NONE: Params = Params(ParamBytes::Listed(&[]));

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            ParamBytes::Listed(bytes) => bytes,
            ParamBytes::One(byte) => byte,
            ParamBytes::Four(bytes) => bytes,
        }
    }

    /// Four bytes (a window's start and end).
    pub(crate) const fn four(bytes: [u8; 4]) -> Self {
        Params(ParamBytes::Four(bytes))
    }
}

/// One operation of a panel's effective init stream: what a driver does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum InitOp {
    /// Send command `code` (DC low), then its parameters (DC high) if any.
    Command {
        /// The command byte.
        code: u8,
        /// The parameter bytes.
        params: Params,
    },
    /// Wait this many milliseconds.
    Delay(u16),
}

impl InitOp {
    /// The parameters of a command (empty for a delay).
    pub fn params(&self) -> &[u8] {
        match self {
            InitOp::Command { params, .. } => params.as_slice(),
            InitOp::Delay(_) => &[],
        }
    }
}

/// The effective init stream of a panel: its init list with the
/// placeholders filled in and each command's pause split off.
#[derive(Clone, Debug)]
pub struct InitSequence<'p> {
    panel: &'p Panel,
    next: usize,
    pending_delay: u16,
}

impl Iterator for InitSequence<'_> {
    type Item = InitOp;

    fn next(&mut self) -> Option<InitOp> {
        if self.pending_delay > 0 {
            let ms = self.pending_delay;
            self.pending_delay = 0;
            return Some(InitOp::Delay(ms));
        }
        let step = *self.panel.init.get(self.next)?;
        self.next += 1;
        Some(match step {
            InitStep::Command {
                code,
                params,
                delay_ms,
            } => {
                self.pending_delay = delay_ms;
                InitOp::Command {
                    code,
                    params: Params(ParamBytes::Listed(params)),
                }
            }
            InitStep::MemoryAccess => InitOp::Command {
                code: dcs::MADCTL,
                params: Params(ParamBytes::One([self.panel.madctl()])),
            },
            InitStep::Inversion => InitOp::Command {
                code: if self.panel.inverted {
                    dcs::INVON
                } else {
                    dcs::INVOFF
                },
                params: Params::NONE,
            },
            InitStep::Delay(ms) => InitOp::Delay(ms),
        })
    }
}

/// One display module as a board wires it: everything a driver needs.
///
/// Presets for the uGame-family boards are in [`crate::panels`]; a board
/// with another module starts from [`Panel::new`] (or from a preset) and
/// sets what differs, in `const` context if it likes:
///
/// ```
/// use stage_hal::panel::{dcs, ColorOrder, Controller, InitStep, Orientation, Panel};
///
/// const MY_INIT: &[InitStep] = &[
///     InitStep::command(dcs::SWRESET, &[]).wait_ms(150),
///     InitStep::command(dcs::SLPOUT, &[]).wait_ms(120),
///     InitStep::command(dcs::COLMOD, &[0x05]),
///     InitStep::MemoryAccess,
///     InitStep::Inversion,
///     InitStep::command(dcs::DISPON, &[]).wait_ms(20),
/// ];
/// const MY_PANEL: Panel = Panel::new(Controller::St7735r, 160, 80, MY_INIT)
///     .with_offsets(0, 24)
///     .with_orientation(Orientation::new().mirror_x(true).swap_xy(true))
///     .with_color_order(ColorOrder::Bgr)
///     .with_spi_hz(24_000_000);
/// assert_eq!(MY_PANEL.madctl(), 0x68);
/// assert_eq!(MY_PANEL.size(), (160, 80));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Panel {
    controller: Controller,
    width: u16,
    height: u16,
    column_offset: u16,
    row_offset: u16,
    orientation: Orientation,
    color_order: ColorOrder,
    inverted: bool,
    spi_hz: u32,
    scale: u8,
    init: &'static [InitStep],
}

impl Panel {
    /// A `width` x `height` panel (visible pixels, in the orientation it
    /// is used in) initialised by `init`; no offsets, natural orientation,
    /// RGB, not inverted, 10 MHz SPI, stage scale 1.
    pub const fn new(
        controller: Controller,
        width: u16,
        height: u16,
        init: &'static [InitStep],
    ) -> Self {
        Panel {
            controller,
            width,
            height,
            column_offset: 0,
            row_offset: 0,
            orientation: Orientation::new(),
            color_order: ColorOrder::Rgb,
            inverted: false,
            spi_hz: 10_000_000,
            scale: 1,
            init,
        }
    }

    /// Sets where the visible area starts in controller RAM: added to
    /// every window's columns and rows.
    pub const fn with_offsets(mut self, column: u16, row: u16) -> Self {
        self.column_offset = column;
        self.row_offset = row;
        self
    }

    /// Sets the orientation (MADCTL bits except BGR).
    pub const fn with_orientation(mut self, orientation: Orientation) -> Self {
        self.orientation = orientation;
        self
    }

    /// Sets the colour order of the glass (the MADCTL BGR bit).
    pub const fn with_color_order(mut self, order: ColorOrder) -> Self {
        self.color_order = order;
        self
    }

    /// Sets display inversion (INVON instead of INVOFF); IPS panels
    /// usually need it.
    pub const fn with_inversion(mut self, inverted: bool) -> Self {
        self.inverted = inverted;
        self
    }

    /// Sets the SPI clock the board uses, in Hz (the driver does not set
    /// the clock; board code reads it from here).
    pub const fn with_spi_hz(mut self, hz: u32) -> Self {
        self.spi_hz = hz;
        self
    }

    /// Sets the stage scale: each logical pixel is drawn as a
    /// `scale` x `scale` block (2 on 320x240 panels). 0 is taken as 1.
    pub const fn with_scale(mut self, scale: u8) -> Self {
        self.scale = if scale == 0 { 1 } else { scale };
        self
    }

    /// Replaces the init list.
    pub const fn with_init(mut self, init: &'static [InitStep]) -> Self {
        self.init = init;
        self
    }

    /// The controller family.
    pub const fn controller(&self) -> Controller {
        self.controller
    }

    /// Visible width and height in pixels.
    pub const fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// Column and row offsets.
    pub const fn offsets(&self) -> (u16, u16) {
        (self.column_offset, self.row_offset)
    }

    /// The orientation.
    pub const fn orientation(&self) -> Orientation {
        self.orientation
    }

    /// The colour order.
    pub const fn color_order(&self) -> ColorOrder {
        self.color_order
    }

    /// Whether display inversion is on.
    pub const fn inverted(&self) -> bool {
        self.inverted
    }

    /// The SPI clock in Hz.
    pub const fn spi_hz(&self) -> u32 {
        self.spi_hz
    }

    /// The stage scale.
    pub const fn scale(&self) -> u8 {
        self.scale
    }

    /// The init list, with placeholders.
    pub const fn init(&self) -> &'static [InitStep] {
        self.init
    }

    /// The MADCTL byte: the orientation bits plus BGR.
    pub const fn madctl(&self) -> u8 {
        let bgr = match self.color_order {
            ColorOrder::Rgb => 0,
            ColorOrder::Bgr => 0x08,
        };
        self.orientation.bits() | bgr
    }

    /// The effective init stream.
    pub fn init_sequence(&self) -> InitSequence<'_> {
        InitSequence {
            panel: self,
            next: 0,
            pending_delay: 0,
        }
    }

    /// Logical screen size at the panel's scale: what a game sees.
    pub const fn logical_size(&self) -> (u16, u16) {
        (
            self.width / self.scale as u16,
            self.height / self.scale as u16,
        )
    }

    /// Render parameters for the whole logical screen at the panel's scale
    /// (no viewport, no background: add them with
    /// [`RenderParams::with_viewport`] and
    /// [`RenderParams::with_background`]).
    ///
    /// ```
    /// use stage_hal::panels;
    /// let params = panels::UGAME22.screen_params()?;
    /// assert_eq!(params.rect().corners(), (0, 0, 160, 120));
    /// assert_eq!((params.output_width(), params.output_height()), (320, 240));
    /// # Ok::<(), stage_core::ParamError>(())
    /// ```
    pub fn screen_params(&self) -> Result<RenderParams, ParamError> {
        let (width, height) = self.logical_size();
        RenderParams::new(Rect::new(0, 0, width, height)?).with_scale(self.scale)
    }
}
