//! What the drivers send, as data. The blocking driver and the async one
//! carry out the same steps, so their streams are the same by construction;
//! only waiting and the bus calls differ.

use display_interface::DisplayError;

use crate::panel::{dcs, InitOp, Panel, Params};
use crate::{Error, Window};

/// Time the reset pin is held low, in microseconds.
const RESET_PULSE_US: u32 = 20;
/// Time to wait after releasing the reset pin, in milliseconds.
const RESET_RECOVERY_MS: u32 = 120;

/// A command byte with its parameters, and what it is for (which says how a
/// failure is reported).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Command {
    pub code: u8,
    pub params: Params,
    pub purpose: Purpose,
}

/// What a command is sent for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Purpose {
    /// Part of the init stream.
    Init,
    /// Opening a window.
    Window,
}

impl Command {
    /// The driver error for this command failing on the bus.
    pub fn error(&self, source: DisplayError) -> Error {
        match self.purpose {
            Purpose::Init => Error::Init {
                command: self.code,
                source,
            },
            Purpose::Window => Error::Window(source),
        }
    }
}

/// One step of bringing a panel up.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Step {
    /// Drive the reset pin low (`false`) or high.
    Reset(bool),
    /// Wait this many microseconds.
    WaitUs(u32),
    /// Wait this many milliseconds.
    WaitMs(u32),
    /// Send a command.
    Send(Command),
}

/// The steps of [`Display::init`](crate::Display::init): a pulse on the
/// reset pin if there is one, then the panel's init stream.
pub(crate) fn init_steps(panel: &Panel, reset_pin: bool) -> impl Iterator<Item = Step> + '_ {
    let pulse = [
        Step::Reset(false),
        Step::WaitUs(RESET_PULSE_US),
        Step::Reset(true),
        Step::WaitMs(RESET_RECOVERY_MS),
    ];
    let pulse = pulse.into_iter().filter(move |_| reset_pin);
    pulse.chain(panel.init_sequence().map(|op| match op {
        InitOp::Command { code, params } => Step::Send(Command {
            code,
            params,
            purpose: Purpose::Init,
        }),
        InitOp::Delay(ms) => Step::WaitMs(ms.into()),
    }))
}

/// The commands opening `window` (checked) for pixel data: CASET and RASET
/// with the panel's offsets, then RAMWR.
pub(crate) fn window_commands(panel: &Panel, window: Window) -> [Command; 3] {
    let (columns, rows) = panel.window_params(window);
    let command = |code, params| Command {
        code,
        params,
        purpose: Purpose::Window,
    };
    [
        command(dcs::CASET, Params::four(columns)),
        command(dcs::RASET, Params::four(rows)),
        command(dcs::RAMWR, Params::NONE),
    ]
}

/// Pixels of one colour for filling a window, and the lengths to send them
/// in.
pub(crate) struct Fill {
    block: [u8; 64],
    left: u32,
}

impl Fill {
    /// Filling `window` with `color` (wire order).
    pub fn new(window: Window, color: [u8; 2]) -> Self {
        let mut block = [0u8; 64];
        for pixel in block.chunks_exact_mut(2) {
            pixel.copy_from_slice(&color);
        }
        Fill {
            block,
            left: window.data_len(),
        }
    }

    /// The next piece of pixel data, or `None` when the window is full.
    pub fn next_piece(&mut self) -> Option<&[u8]> {
        if self.left == 0 {
            return None;
        }
        let n = self.left.min(self.block.len() as u32);
        self.left -= n;
        self.block.get(..n as usize)
    }
}
