//! The async driver: the same steps as the blocking one, with rendering
//! overlapped with the bus (double-buffered).

use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;

use display_interface::{AsyncWriteOnlyDataCommand, DataFormat, DisplayError};
use embedded_hal::digital::{self, OutputPin};
use embedded_hal_async::delay::DelayNs;
use stage_core::{ChunkRenderer, Layer, Rect, RenderParams, WireColor};

use crate::steps::{init_steps, window_commands, Command, Fill, Step};
use crate::{Display, Error, Window};

/// Starts sending `data`, runs `work` while the transfer is in flight (a
/// DMA-driven bus returns `Pending` on the first poll once it has started),
/// then waits for the transfer to finish.
async fn send_while<DI, R>(
    interface: &mut DI,
    data: &[u8],
    work: impl FnOnce() -> R,
) -> (Result<(), DisplayError>, R)
where
    DI: AsyncWriteOnlyDataCommand,
{
    let mut transfer = pin!(interface.send_data(DataFormat::U8(data)));
    let started = poll_fn(|cx| Poll::Ready(transfer.as_mut().poll(cx))).await;
    let result = work();
    let sent = match started {
        Poll::Ready(sent) => sent,
        Poll::Pending => transfer.await,
    };
    (sent, result)
}

impl<DI, RST> Display<DI, RST>
where
    DI: AsyncWriteOnlyDataCommand,
    RST: OutputPin,
{
    /// [`Display::init`], async: the same stream, with async delays.
    pub async fn init_async(&mut self, delay: &mut impl DelayNs) -> Result<(), Error> {
        let panel = self.panel;
        for step in init_steps(&panel, self.reset.is_some()) {
            match step {
                Step::Reset(high) => {
                    if let Some(pin) = self.reset.as_mut() {
                        let level = if high { pin.set_high() } else { pin.set_low() };
                        level.map_err(|e| Error::Reset(digital::Error::kind(&e)))?;
                    }
                }
                Step::WaitUs(us) => delay.delay_us(us).await,
                Step::WaitMs(ms) => delay.delay_ms(ms).await,
                Step::Send(command) => self.send_async(command).await?,
            }
        }
        Ok(())
    }

    async fn write_command_async(&mut self, code: u8, params: &[u8]) -> Result<(), DisplayError> {
        self.interface
            .send_commands(DataFormat::U8(&[code]))
            .await?;
        match params {
            [] => Ok(()),
            _ => self.interface.send_data(DataFormat::U8(params)).await,
        }
    }

    async fn send_async(&mut self, command: Command) -> Result<(), Error> {
        self.write_command_async(command.code, command.params.as_slice())
            .await
            .map_err(|source| command.error(source))
    }

    /// [`Display::send_command`], async.
    pub async fn send_command_async(&mut self, command: u8, params: &[u8]) -> Result<(), Error> {
        self.write_command_async(command, params)
            .await
            .map_err(|source| Error::Command { command, source })
    }

    /// [`Display::set_window`], async.
    pub async fn set_window_async(&mut self, rect: Rect) -> Result<(), Error> {
        let window = self.checked(rect)?;
        self.open_window_async(window).await
    }

    async fn open_window_async(&mut self, window: Window) -> Result<(), Error> {
        for command in window_commands(&self.panel, window) {
            self.send_async(command).await?;
        }
        Ok(())
    }

    /// [`Display::write_pixels`], async.
    pub async fn write_pixels_async(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.interface
            .send_data(DataFormat::U8(bytes))
            .await
            .map_err(Error::PixelData)
    }

    /// [`Display::render`], async and double-buffered: while one buffer's
    /// chunk is on the bus, the next chunk is rendered into the other.
    /// The bytes sent are exactly those of [`Display::render`] (with chunk
    /// sizes alternating between the two buffers' if their lengths differ).
    ///
    /// ```
    /// # #[cfg(feature = "async")] {
    /// use display_interface_spi::SPIInterface;
    /// use stage_core::{Rect, RenderParams, WireColor};
    /// use stage_hal::testing::Recorder;
    /// use stage_hal::{panels, Display};
    ///
    /// let recorder = Recorder::new();
    /// let interface = SPIInterface::new(recorder.spi(), recorder.dc());
    /// let mut display = Display::new(interface, panels::UGAME10);
    /// let params = RenderParams::new(Rect::new(0, 0, 128, 128)?)
    ///     .with_background(Some(WireColor::from_rgb565(0x001F)));
    /// let (mut front, mut back) = ([0u8; 256], [0u8; 256]);
    /// embassy_futures::block_on(display.render_async(&[], &params, &mut front, &mut back))?;
    /// assert_eq!(recorder.pixel_data().len(), 128 * 128 * 2);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn render_async(
        &mut self,
        layers: &[Layer<'_>],
        params: &RenderParams,
        front: &mut [u8],
        back: &mut [u8],
    ) -> Result<(), Error> {
        let Some(window) = self.plan(params, &[&*front, &*back])? else {
            return Ok(());
        };
        self.open_window_async(window).await?;
        let mut renderer = ChunkRenderer::new(layers, params);
        let (mut ready, mut spare) = (front, back);
        let mut len = match renderer.next_chunk(ready)? {
            Some(chunk) => chunk.len(),
            None => return Ok(()),
        };
        loop {
            let (sent, next) = send_while(&mut self.interface, &ready[..len], || {
                renderer
                    .next_chunk(spare)
                    .map(|chunk| chunk.map(<[u8]>::len))
            })
            .await;
            sent.map_err(Error::PixelData)?;
            match next? {
                Some(next_len) => {
                    len = next_len;
                    core::mem::swap(&mut ready, &mut spare);
                }
                None => return Ok(()),
            }
        }
    }

    /// [`Display::fill`], async.
    pub async fn fill_async(&mut self, rect: Rect, color: WireColor) -> Result<(), Error> {
        let window = self.checked(rect)?;
        self.open_window_async(window).await?;
        let mut fill = Fill::new(window, color.bytes());
        while let Some(piece) = fill.next_piece() {
            self.write_pixels_async(piece).await?;
        }
        Ok(())
    }
}
