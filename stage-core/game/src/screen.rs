//! Where a scene's frames go.

use stage_core::{Layer, RenderParams};

/// Something a frame can be drawn on: a panel, a framebuffer, a test double.
pub trait Screen {
    /// Why drawing failed.
    type Error;

    /// Draws `params`' rectangle of the scene `layers` (front first): the rectangle
    /// times the scale, at the rectangle's top-left corner times the scale.
    fn draw(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> Result<(), Self::Error>;
}

/// A stage-hal display with the chunk buffer its renders stream through.
///
/// ```
/// use display_interface_spi::SPIInterface;
/// use stage_hal::testing::Recorder;
/// use stage_hal::{panels, Display};
/// use stage_game::{OnDisplay, Stage};
///
/// let recorder = Recorder::new();
/// let mut display = Display::new(SPIInterface::new(recorder.spi(), recorder.dc()), panels::UGAME10);
/// let mut stage = Stage::<4>::new(128, 128)?;
/// let mut screen = OnDisplay::new(&mut display, [0u8; 512]);
/// stage.render(&mut screen)?;
/// assert_eq!(recorder.pixel_data().len(), 128 * 128 * 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OnDisplay<'d, DI, RST, const B: usize> {
    display: &'d mut stage_hal::Display<DI, RST>,
    buffer: [u8; B],
}

impl<'d, DI, RST, const B: usize> OnDisplay<'d, DI, RST, B> {
    /// Draws on `display` through `buffer`.
    pub fn new(display: &'d mut stage_hal::Display<DI, RST>, buffer: [u8; B]) -> Self {
        OnDisplay { display, buffer }
    }
}

impl<DI, RST, const B: usize> Screen for OnDisplay<'_, DI, RST, B>
where
    DI: display_interface::WriteOnlyDataCommand,
    RST: embedded_hal::digital::OutputPin,
{
    type Error = stage_hal::Error;

    fn draw(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> Result<(), Self::Error> {
        self.display.render(layers, params, &mut self.buffer)
    }
}

#[cfg(feature = "framebuffer")]
impl Screen for stage_core::framebuffer::Framebuffer {
    type Error = stage_core::framebuffer::WriteError;

    fn draw(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> Result<(), Self::Error> {
        self.render(layers, params)
    }
}
