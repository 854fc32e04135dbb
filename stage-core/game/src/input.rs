//! Input: the buttons held now, and what changed since the last frame.

pub use stage_hal::buttons::Keys;

/// The buttons, frame by frame: feed it what is held each frame ([`Input::update`]),
/// read what is held, and what was pressed or released since the frame before.
///
/// ```
/// use stage_game::{Input, Keys};
/// let mut input = Input::new();
/// input.update(Keys::X);
/// assert!(input.just_pressed().contains(Keys::X));
/// input.update(Keys::X | Keys::UP);
/// assert!(input.held().contains(Keys::X) && !input.just_pressed().contains(Keys::X));
/// input.update(Keys::UP);
/// assert_eq!(input.just_released(), Keys::X);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Input {
    held: Keys,
    before: Keys,
}

impl Input {
    /// No button held.
    pub const fn new() -> Self {
        Input {
            held: Keys::NONE,
            before: Keys::NONE,
        }
    }

    /// The buttons held this frame (debounced, e.g. by `stage_hal::buttons::Buttons`,
    /// or from a keyboard).
    pub fn update(&mut self, held: Keys) {
        self.before = self.held;
        self.held = held;
    }

    /// Held now.
    pub fn held(&self) -> Keys {
        self.held
    }

    /// Held now, not in the frame before.
    pub fn just_pressed(&self) -> Keys {
        Keys::from_bits(self.held.bits() & !self.before.bits())
    }

    /// Held in the frame before, not now.
    pub fn just_released(&self) -> Keys {
        Keys::from_bits(self.before.bits() & !self.held.bits())
    }
}
