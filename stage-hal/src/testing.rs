//! A recording SPI bus + DC pin (+ reset pin + delay) test double.
//!
//! Everything the parts of one [`Recorder`] see goes into one ordered
//! stream of [`Event`]s: every byte written with DC low is a
//! [`Event::Command`]; bytes written with DC high are gathered into one
//! [`Event::Data`] until the next command, whatever the size of the writes;
//! consecutive delays add up into one [`Event::Delay`]. So a stream can be
//! asserted exactly, independent of how a driver splits its writes.
//!
//! The SPI device and the delay implement both the blocking (embedded-hal)
//! and, with the `async` feature, the async (embedded-hal-async) traits. An
//! async transfer can be made to stay pending for a few polls, as a DMA
//! transfer does ([`Recorder::set_transfer_latency`]). Failures can be
//! injected ([`Recorder::fail_writes_after`]).
//!
//! Available with the `testing` feature (it needs `alloc`).
//!
//! ```
//! use display_interface::{DataFormat, WriteOnlyDataCommand};
//! use display_interface_spi::SPIInterface;
//! use stage_hal::testing::{Event, Recorder};
//!
//! let recorder = Recorder::new();
//! let mut bus = SPIInterface::new(recorder.spi(), recorder.dc());
//! bus.send_commands(DataFormat::U8(&[0x2C]))?;
//! bus.send_data(DataFormat::U8(&[1, 2]))?;
//! bus.send_data(DataFormat::U8(&[3]))?; // a second write, same data run
//! assert_eq!(recorder.events(), [Event::Command(0x2C), Event::Data(vec![1, 2, 3])]);
//! # Ok::<(), display_interface::DisplayError>(())
//! ```

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, OutputPin};
use embedded_hal::spi::{self, Operation, SpiDevice};
use stage_core::framebuffer::{Framebuffer, WriteError};
use stage_core::Rect;

/// One thing seen on the bus, in order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// A byte written with DC low.
    Command(u8),
    /// Bytes written with DC high, since the last other event.
    Data(Vec<u8>),
    /// A pause, in nanoseconds (consecutive pauses added up).
    Delay(u64),
    /// The reset pin was driven (`true`: high).
    Reset(bool),
}

impl Event {
    /// A pause of `ms` milliseconds.
    pub const fn delay_ms(ms: u64) -> Event {
        Event::Delay(ms * 1_000_000)
    }

    /// A pause of `us` microseconds.
    pub const fn delay_us(us: u64) -> Event {
        Event::Delay(us * 1_000)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Command(code) => write!(f, "Command({code:#04x})"),
            Event::Data(bytes) if bytes.len() > 24 => {
                write!(f, "Data({:02x?}.. {} bytes)", &bytes[..24], bytes.len())
            }
            Event::Data(bytes) => write!(f, "Data({bytes:02x?})"),
            Event::Delay(ns) if ns % 1_000_000 == 0 => write!(f, "Delay({} ms)", ns / 1_000_000),
            Event::Delay(ns) => write!(f, "Delay({ns} ns)"),
            Event::Reset(high) => write!(f, "Reset({})", if *high { "high" } else { "low" }),
        }
    }
}

/// The error the double returns once failures are injected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct InjectedFailure;

impl fmt::Display for InjectedFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("injected bus failure")
    }
}

impl core::error::Error for InjectedFailure {}

impl spi::Error for InjectedFailure {
    fn kind(&self) -> spi::ErrorKind {
        spi::ErrorKind::Other
    }
}

impl digital::Error for InjectedFailure {
    fn kind(&self) -> digital::ErrorKind {
        digital::ErrorKind::Other
    }
}

#[derive(Default)]
struct State {
    dc_high: bool,
    events: Vec<Event>,
    writes: usize,
    transactions: usize,
    fail_after: Option<usize>,
    latency: u8,
    pending_polls: usize,
}

impl State {
    fn write(&mut self, bytes: &[u8]) -> Result<(), InjectedFailure> {
        if self.fail_after.is_some_and(|n| self.writes >= n) {
            return Err(InjectedFailure);
        }
        self.writes += 1;
        if bytes.is_empty() {
            return Ok(());
        }
        if !self.dc_high {
            self.events.extend(bytes.iter().map(|&b| Event::Command(b)));
        } else if let Some(Event::Data(data)) = self.events.last_mut() {
            data.extend_from_slice(bytes);
        } else {
            self.events.push(Event::Data(bytes.to_vec()));
        }
        Ok(())
    }

    fn delay(&mut self, ns: u64) {
        if let Some(Event::Delay(total)) = self.events.last_mut() {
            *total += ns;
        } else {
            self.events.push(Event::Delay(ns));
        }
    }

    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), InjectedFailure> {
        self.transactions += 1;
        for op in operations {
            match op {
                Operation::Write(bytes) => self.write(bytes)?,
                Operation::Transfer(read, write) => {
                    read.fill(0);
                    self.write(write)?;
                }
                Operation::TransferInPlace(bytes) => {
                    self.write(bytes)?;
                    bytes.fill(0);
                }
                Operation::Read(bytes) => bytes.fill(0),
                Operation::DelayNs(ns) => self.delay(u64::from(*ns)),
            }
        }
        Ok(())
    }
}

/// The shared recorder: hands out the parts and reads the stream.
#[derive(Clone, Default)]
pub struct Recorder {
    state: Rc<RefCell<State>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("events", &self.state.borrow().events)
            .finish()
    }
}

impl Recorder {
    /// An empty recorder, DC low.
    pub fn new() -> Self {
        Self::default()
    }

    /// An SPI device recording into this recorder.
    pub fn spi(&self) -> RecordingSpi {
        RecordingSpi {
            state: self.state.clone(),
        }
    }

    /// The DC pin.
    pub fn dc(&self) -> RecordingDc {
        RecordingDc {
            state: self.state.clone(),
        }
    }

    /// A reset pin, recorded as [`Event::Reset`].
    pub fn reset_pin(&self) -> RecordingResetPin {
        RecordingResetPin {
            state: self.state.clone(),
        }
    }

    /// A delay, recorded as [`Event::Delay`] (it does not wait).
    pub fn delay(&self) -> RecordingDelay {
        RecordingDelay {
            state: self.state.clone(),
        }
    }

    /// The stream so far.
    pub fn events(&self) -> Vec<Event> {
        self.state.borrow().events.clone()
    }

    /// The stream so far, emptying it.
    pub fn take_events(&self) -> Vec<Event> {
        core::mem::take(&mut self.state.borrow_mut().events)
    }

    /// Forgets the stream so far.
    pub fn clear(&self) {
        self.state.borrow_mut().events.clear();
    }

    /// The pixel data of the stream: the data that follows each RAMWR
    /// (`0x2C`) command, concatenated.
    pub fn pixel_data(&self) -> Vec<u8> {
        let state = self.state.borrow();
        let mut bytes = Vec::new();
        for pair in state.events.windows(2) {
            if let [Event::Command(0x2C), Event::Data(data)] = pair {
                bytes.extend_from_slice(data);
            }
        }
        bytes
    }

    /// SPI writes seen so far (each write of a transaction counts).
    pub fn writes(&self) -> usize {
        self.state.borrow().writes
    }

    /// SPI transactions seen so far (a chip-select cycle each).
    pub fn transactions(&self) -> usize {
        self.state.borrow().transactions
    }

    /// Makes every SPI write after the first `n` (from now on: counted
    /// with [`Recorder::writes`]) fail with [`InjectedFailure`]; `None`
    /// stops failing.
    pub fn fail_writes_after(&self, n: Option<usize>) {
        let mut state = self.state.borrow_mut();
        state.fail_after = n.map(|n| state.writes + n);
    }

    /// Makes each async SPI transaction stay pending for `polls` polls
    /// before it completes (and records), as a DMA transfer would.
    pub fn set_transfer_latency(&self, polls: u8) {
        self.state.borrow_mut().latency = polls;
    }

    /// How many times async transactions were polled while pending.
    pub fn pending_polls(&self) -> usize {
        self.state.borrow().pending_polls
    }

    /// Plays the stream so far into `screen` as a panel's memory takes it, and forgets
    /// it: CASET (`0x2A`) and RASET (`0x2B`) set the window (in the controller's
    /// addresses: `offsets`, the panel's column and row offsets, are subtracted), the
    /// data after RAMWR (`0x2C`) fills it row by row. Other commands are ignored. So a
    /// test can check what the panel shows after each frame (the screen keeps what
    /// earlier frames left), not only the bytes sent.
    ///
    /// ```
    /// use display_interface_spi::SPIInterface;
    /// use stage_core::framebuffer::Framebuffer;
    /// use stage_core::{Rect, RenderParams, WireColor};
    /// use stage_hal::testing::Recorder;
    /// use stage_hal::{panels, Display};
    ///
    /// let recorder = Recorder::new();
    /// let mut display = Display::new(SPIInterface::new(recorder.spi(), recorder.dc()), panels::UGAME10);
    /// let red = WireColor::from_rgb565(0xF800);
    /// let params = RenderParams::new(Rect::new(2, 3, 4, 5)?).with_background(Some(red));
    /// display.render(&[], &params, &mut [0u8; 64])?;
    /// let mut screen = Framebuffer::new(128, 128);
    /// assert_eq!(recorder.replay(&mut screen, panels::UGAME10.offsets())?, 1);
    /// assert_eq!(screen.pixel(2, 3), Some(red));
    /// assert_eq!(screen.pixel(4, 5), Some(WireColor::BLACK));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replay(
        &self,
        screen: &mut Framebuffer,
        offsets: (u16, u16),
    ) -> Result<usize, ReplayError> {
        let events = self.take_events();
        let mut columns = None;
        let mut rows = None;
        let mut windows = 0;
        let range = |data: Option<&Event>, offset: u16| match data {
            Some(Event::Data(d)) if d.len() == 4 => {
                let start = u16::from_be_bytes([d[0], d[1]]);
                let end = u16::from_be_bytes([d[2], d[3]]);
                match (start.checked_sub(offset), end.checked_sub(offset)) {
                    (Some(s), Some(e)) if s <= e => Ok((s, e + 1)),
                    _ => Err(ReplayError::BadAddress),
                }
            }
            _ => Err(ReplayError::BadAddress),
        };
        for (i, event) in events.iter().enumerate() {
            match event {
                Event::Command(0x2A) => columns = Some(range(events.get(i + 1), offsets.0)?),
                Event::Command(0x2B) => rows = Some(range(events.get(i + 1), offsets.1)?),
                Event::Command(0x2C) => {
                    let (Some((x0, x1)), Some((y0, y1))) = (columns, rows) else {
                        return Err(ReplayError::NoWindow);
                    };
                    let window = Rect::new(x0, y0, x1, y1).map_err(|_| ReplayError::BadAddress)?;
                    let data = match events.get(i + 1) {
                        Some(Event::Data(d)) => d.as_slice(),
                        _ => &[],
                    };
                    screen
                        .write_window(window, data)
                        .map_err(ReplayError::Write)?;
                    windows += 1;
                }
                _ => {}
            }
        }
        Ok(windows)
    }
}

/// Why a recorded stream could not be played into a framebuffer
/// ([`Recorder::replay`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ReplayError {
    /// RAMWR came before a column and a row range were set.
    NoWindow,
    /// A CASET or RASET without its four bytes, with an end before its start, or below
    /// the panel's offsets.
    BadAddress,
    /// The window or its data do not fit the framebuffer.
    Write(WriteError),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::NoWindow => f.write_str("RAMWR before CASET and RASET"),
            ReplayError::BadAddress => f.write_str("a CASET or RASET the panel would not take"),
            ReplayError::Write(e) => write!(f, "pixel data: {e}"),
        }
    }
}

impl core::error::Error for ReplayError {}

/// The SPI device of a [`Recorder`].
#[derive(Clone)]
pub struct RecordingSpi {
    state: Rc<RefCell<State>>,
}

impl fmt::Debug for RecordingSpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingSpi")
    }
}

impl spi::ErrorType for RecordingSpi {
    type Error = InjectedFailure;
}

impl SpiDevice for RecordingSpi {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), InjectedFailure> {
        self.state.borrow_mut().transaction(operations)
    }
}

#[cfg(feature = "async")]
impl embedded_hal_async::spi::SpiDevice for RecordingSpi {
    async fn transaction(
        &mut self,
        operations: &mut [Operation<'_, u8>],
    ) -> Result<(), InjectedFailure> {
        let latency = self.state.borrow().latency;
        for _ in 0..latency {
            Pending::new(&self.state).await;
        }
        self.state.borrow_mut().transaction(operations)
    }
}

/// A future that is pending once (waking itself), counting the poll.
#[cfg(feature = "async")]
struct Pending<'s> {
    state: &'s RefCell<State>,
    polled: bool,
}

#[cfg(feature = "async")]
impl<'s> Pending<'s> {
    fn new(state: &'s Rc<RefCell<State>>) -> Self {
        Pending {
            state,
            polled: false,
        }
    }
}

#[cfg(feature = "async")]
impl core::future::Future for Pending<'_> {
    type Output = ();

    fn poll(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<()> {
        if self.polled {
            return core::task::Poll::Ready(());
        }
        self.polled = true;
        self.state.borrow_mut().pending_polls += 1;
        cx.waker().wake_by_ref();
        core::task::Poll::Pending
    }
}

/// The DC pin of a [`Recorder`]: low for commands, high for data.
#[derive(Clone)]
pub struct RecordingDc {
    state: Rc<RefCell<State>>,
}

impl fmt::Debug for RecordingDc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingDc")
    }
}

impl digital::ErrorType for RecordingDc {
    type Error = InjectedFailure;
}

impl OutputPin for RecordingDc {
    fn set_low(&mut self) -> Result<(), InjectedFailure> {
        self.state.borrow_mut().dc_high = false;
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), InjectedFailure> {
        self.state.borrow_mut().dc_high = true;
        Ok(())
    }
}

/// The reset pin of a [`Recorder`].
#[derive(Clone)]
pub struct RecordingResetPin {
    state: Rc<RefCell<State>>,
}

impl fmt::Debug for RecordingResetPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingResetPin")
    }
}

impl digital::ErrorType for RecordingResetPin {
    type Error = InjectedFailure;
}

impl OutputPin for RecordingResetPin {
    fn set_low(&mut self) -> Result<(), InjectedFailure> {
        self.state.borrow_mut().events.push(Event::Reset(false));
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), InjectedFailure> {
        self.state.borrow_mut().events.push(Event::Reset(true));
        Ok(())
    }
}

/// The delay of a [`Recorder`]: records, does not wait.
#[derive(Clone)]
pub struct RecordingDelay {
    state: Rc<RefCell<State>>,
}

impl fmt::Debug for RecordingDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingDelay")
    }
}

impl DelayNs for RecordingDelay {
    fn delay_ns(&mut self, ns: u32) {
        self.state.borrow_mut().delay(u64::from(ns));
    }

    fn delay_us(&mut self, us: u32) {
        self.state.borrow_mut().delay(u64::from(us) * 1_000);
    }

    fn delay_ms(&mut self, ms: u32) {
        self.state.borrow_mut().delay(u64::from(ms) * 1_000_000);
    }
}

#[cfg(feature = "async")]
impl embedded_hal_async::delay::DelayNs for RecordingDelay {
    async fn delay_ns(&mut self, ns: u32) {
        DelayNs::delay_ns(self, ns);
    }

    async fn delay_us(&mut self, us: u32) {
        DelayNs::delay_us(self, us);
    }

    async fn delay_ms(&mut self, ms: u32) {
        DelayNs::delay_ms(self, ms);
    }
}
