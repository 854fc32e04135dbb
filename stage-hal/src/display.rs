//! The blocking driver: init, windows and streaming of stage's chunks.

use core::convert::Infallible;
use core::fmt;

use display_interface::{DataFormat, DisplayError, WriteOnlyDataCommand};
use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, OutputPin};
use stage_core::{chunk_len, BufferTooSmall, Layer, Rect, RenderError, RenderParams, WireColor};

use crate::panel::Panel;
use crate::steps::{init_steps, window_commands, Command, Fill, Step};
use crate::{OutOfBounds, Window};

/// Why a display operation failed, and at which step.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// Driving the reset pin failed.
    Reset(digital::ErrorKind),
    /// An init command (or its parameters) could not be sent.
    Init {
        /// The command being sent.
        command: u8,
        /// The interface's error.
        source: DisplayError,
    },
    /// A command sent with [`Display::send_command`] failed.
    Command {
        /// The command being sent.
        command: u8,
        /// The interface's error.
        source: DisplayError,
    },
    /// Setting the window (CASET, RASET, RAMWR) failed.
    Window(DisplayError),
    /// Sending pixel data failed.
    PixelData(DisplayError),
    /// The window does not fit the panel.
    OutOfBounds(OutOfBounds),
    /// A chunk buffer holds less than one pixel (2 bytes).
    BufferTooSmall(BufferTooSmall),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Reset(kind) => write!(f, "reset pin failed: {kind}"),
            Error::Init { command, source } => {
                write!(f, "init failed at command {command:#04x}: {source:?}")
            }
            Error::Command { command, source } => {
                write!(f, "command {command:#04x} failed: {source:?}")
            }
            Error::Window(source) => write!(f, "setting the window failed: {source:?}"),
            Error::PixelData(source) => write!(f, "sending pixel data failed: {source:?}"),
            Error::OutOfBounds(error) => error.fmt(f),
            Error::BufferTooSmall(error) => error.fmt(f),
        }
    }
}

impl core::error::Error for Error {}

impl From<OutOfBounds> for Error {
    fn from(error: OutOfBounds) -> Self {
        Error::OutOfBounds(error)
    }
}

impl From<BufferTooSmall> for Error {
    fn from(error: BufferTooSmall) -> Self {
        Error::BufferTooSmall(error)
    }
}

/// Stands for "no reset pin": the panel is reset by its init list
/// (SWRESET) alone. Never driven.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct NoResetPin;

impl digital::ErrorType for NoResetPin {
    type Error = Infallible;
}

impl OutputPin for NoResetPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A panel behind a `display-interface` bus (for example
/// `display_interface_spi::SPIInterface` over an embedded-hal 1.0
/// `SpiDevice` and a DC pin), with an optional reset pin.
///
/// The same type drives the bus blocking (this impl) or async (the
/// `*_async` methods, with the `async` feature).
///
/// ```
/// use display_interface_spi::SPIInterface;
/// use stage_core::{Rect, RenderParams};
/// use stage_hal::testing::{Event, Recorder};
/// use stage_hal::{panels, Display};
///
/// let recorder = Recorder::new(); // stands in for an SPI bus and a DC pin
/// let interface = SPIInterface::new(recorder.spi(), recorder.dc());
/// let mut display = Display::new(interface, panels::UGAME10);
/// display.init(&mut recorder.delay())?;
///
/// let layers = []; // no layer: every pixel is the background
/// let params = RenderParams::new(Rect::new(0, 0, 2, 1)?)
///     .with_background(Some(stage_core::WireColor::BLACK));
/// recorder.clear();
/// display.render(&layers, &params, &mut [0u8; 64])?;
/// assert_eq!(
///     recorder.events(),
///     [
///         Event::Command(0x2A),
///         Event::Data(vec![0x00, 0x03, 0x00, 0x04]), // columns 0..=1, +3
///         Event::Command(0x2B),
///         Event::Data(vec![0x00, 0x02, 0x00, 0x02]), // row 0, +2
///         Event::Command(0x2C),
///         Event::Data(vec![0; 4]),
///     ]
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Display<DI, RST = NoResetPin> {
    pub(crate) interface: DI,
    pub(crate) panel: Panel,
    pub(crate) reset: Option<RST>,
}

impl<DI> Display<DI, NoResetPin> {
    /// A driver for `panel` on `interface`, without a reset pin.
    pub fn new(interface: DI, panel: Panel) -> Self {
        Display {
            interface,
            panel,
            reset: None,
        }
    }
}

impl<DI, RST> Display<DI, RST> {
    /// Uses `pin` as the panel's reset line: [`Display::init`] pulses it
    /// low before the init list.
    pub fn with_reset_pin<P: OutputPin>(self, pin: P) -> Display<DI, P> {
        Display {
            interface: self.interface,
            panel: self.panel,
            reset: Some(pin),
        }
    }

    /// The panel.
    pub fn panel(&self) -> &Panel {
        &self.panel
    }

    /// The interface, for anything the driver does not cover.
    pub fn interface_mut(&mut self) -> &mut DI {
        &mut self.interface
    }

    /// Gives the interface and the reset pin back.
    pub fn release(self) -> (DI, Option<RST>) {
        (self.interface, self.reset)
    }

    /// Checks a render's parameters and buffers before anything is sent:
    /// the output window, or `None` if there is nothing to draw.
    pub(crate) fn plan(
        &self,
        params: &RenderParams,
        buffers: &[&[u8]],
    ) -> Result<Option<Window>, Error> {
        if buffers.iter().any(|b| chunk_len(b.len()) == 0) {
            return Err(BufferTooSmall.into());
        }
        Ok(self.panel.output_window(params)?)
    }

    /// Checks a window given by the caller (panel pixels).
    pub(crate) fn checked(&self, rect: Rect) -> Result<Window, Error> {
        let window = Window::from(rect);
        self.panel.check_window(window)?;
        Ok(window)
    }
}

impl<DI, RST> Display<DI, RST>
where
    DI: WriteOnlyDataCommand,
    RST: OutputPin,
{
    /// Resets the panel (a pulse on the reset pin, if there is one) and
    /// sends its init stream, waiting where it says.
    pub fn init(&mut self, delay: &mut impl DelayNs) -> Result<(), Error> {
        let panel = self.panel;
        for step in init_steps(&panel, self.reset.is_some()) {
            match step {
                Step::Reset(high) => self.drive_reset(high)?,
                Step::WaitUs(us) => delay.delay_us(us),
                Step::WaitMs(ms) => delay.delay_ms(ms),
                Step::Send(command) => self.send(command)?,
            }
        }
        Ok(())
    }

    fn drive_reset(&mut self, high: bool) -> Result<(), Error> {
        let Some(pin) = self.reset.as_mut() else {
            return Ok(());
        };
        let level = if high { pin.set_high() } else { pin.set_low() };
        level.map_err(|e| Error::Reset(digital::Error::kind(&e)))
    }

    /// Sends a command byte (DC low), then its parameters (DC high) if any.
    fn write_command(&mut self, code: u8, params: &[u8]) -> Result<(), DisplayError> {
        self.interface.send_commands(DataFormat::U8(&[code]))?;
        match params {
            [] => Ok(()),
            _ => self.interface.send_data(DataFormat::U8(params)),
        }
    }

    fn send(&mut self, command: Command) -> Result<(), Error> {
        self.write_command(command.code, command.params.as_slice())
            .map_err(|source| command.error(source))
    }

    /// Sends any command with its parameters (for example INVON, sleep, or
    /// a controller-specific setting).
    pub fn send_command(&mut self, command: u8, params: &[u8]) -> Result<(), Error> {
        self.write_command(command, params)
            .map_err(|source| Error::Command { command, source })
    }

    /// Opens the window `rect` (panel pixels, exclusive ends) for pixel data:
    /// CASET and RASET with the panel's offsets, then RAMWR. The data that
    /// follows fills it row by row.
    pub fn set_window(&mut self, rect: Rect) -> Result<(), Error> {
        let window = self.checked(rect)?;
        self.open_window(window)
    }

    fn open_window(&mut self, window: Window) -> Result<(), Error> {
        for command in window_commands(&self.panel, window) {
            self.send(command)?;
        }
        Ok(())
    }

    /// Sends pixel data (RGB565, high byte first) into the open window,
    /// as it is: no copy.
    pub fn write_pixels(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.interface
            .send_data(DataFormat::U8(bytes))
            .map_err(Error::PixelData)
    }

    /// Renders `params`' rectangle of the scene `layers` (front first) into
    /// its window on the panel: the window is the rectangle times the
    /// scale, and each chunk of `buffer` goes to the bus as it is rendered.
    ///
    /// Nothing is sent if the window does not fit or the buffer is too
    /// small; an empty rectangle sends nothing and succeeds.
    pub fn render(
        &mut self,
        layers: &[Layer<'_>],
        params: &RenderParams,
        buffer: &mut [u8],
    ) -> Result<(), Error> {
        let Some(window) = self.plan(params, &[&*buffer])? else {
            return Ok(());
        };
        self.open_window(window)?;
        let interface = &mut self.interface;
        stage_core::render(layers, params, buffer, |chunk| {
            interface.send_data(DataFormat::U8(chunk))
        })
        .map_err(|e| match e {
            RenderError::Sink(source) => Error::PixelData(source),
            RenderError::BufferTooSmall(e) => e.into(),
            _ => BufferTooSmall.into(),
        })
    }

    /// Fills `rect` (panel pixels, exclusive ends) with one colour.
    pub fn fill(&mut self, rect: Rect, color: WireColor) -> Result<(), Error> {
        let window = self.checked(rect)?;
        self.open_window(window)?;
        let mut fill = Fill::new(window, color.bytes());
        while let Some(piece) = fill.next_piece() {
            self.write_pixels(piece)?;
        }
        Ok(())
    }
}
