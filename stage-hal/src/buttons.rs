//! Buttons: reading pins into a key mask, debouncing, and held /
//! just-pressed / just-released.
//!
//! ```
//! use embedded_hal::digital::{ErrorType, InputPin};
//! use stage_hal::buttons::{Buttons, Keys, Ugame10Pins};
//!
//! // A stand-in for a GPIO input with a pull-up: `pressed` pulls it low.
//! #[derive(Default)]
//! struct Pin { pressed: bool }
//! impl ErrorType for Pin { type Error = core::convert::Infallible; }
//! impl InputPin for Pin {
//!     fn is_high(&mut self) -> Result<bool, Self::Error> { Ok(!self.pressed) }
//!     fn is_low(&mut self) -> Result<bool, Self::Error> { Ok(self.pressed) }
//! }
//!
//! let pins = Ugame10Pins {
//!     x: Pin::default(), o: Pin::default(), up: Pin::default(),
//!     left: Pin::default(), right: Pin::default(), down: Pin::default(),
//! };
//! let mut buttons = Buttons::new(pins, 2); // a change must be seen twice
//! buttons.source_mut().left.pressed = true;
//! buttons.update()?;
//! assert!(buttons.held().is_empty()); // seen once: could be a bounce
//! buttons.update()?;
//! assert_eq!(buttons.held(), Keys::LEFT);
//! assert_eq!(buttons.just_pressed(), Keys::LEFT);
//! buttons.update()?;
//! assert!(buttons.just_pressed().is_empty()); // still held, not new
//! # Ok::<(), embedded_hal::digital::ErrorKind>(())
//! ```

use core::ops::{BitAnd, BitOr, BitOrAssign, Not};

use embedded_hal::digital::{self, InputPin};

/// A set of keys as a bitmask, with the bit values of the uGame 10 (the
/// `ugame` module's `K_*` constants on uGame 10, uGame 22 and PewPew M4).
///
/// ```
/// use stage_hal::buttons::Keys;
/// let keys = Keys::UP | Keys::X;
/// assert_eq!(keys.bits(), 0x11);
/// assert!(keys.contains(Keys::X));
/// assert!(!keys.contains(Keys::X | Keys::O));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Keys(u8);

impl Keys {
    /// No key.
    pub const NONE: Keys = Keys(0);
    /// X, `0x01`.
    pub const X: Keys = Keys(0x01);
    /// Down, `0x02`.
    pub const DOWN: Keys = Keys(0x02);
    /// Left, `0x04`.
    pub const LEFT: Keys = Keys(0x04);
    /// Right, `0x08`.
    pub const RIGHT: Keys = Keys(0x08);
    /// Up, `0x10`.
    pub const UP: Keys = Keys(0x10);
    /// O, `0x20`.
    pub const O: Keys = Keys(0x20);
    /// Start (Z on some boards), `0x40`.
    pub const START: Keys = Keys(0x40);
    /// Select, `0x80`.
    pub const SELECT: Keys = Keys(0x80);

    /// The keys of a bitmask.
    pub const fn from_bits(bits: u8) -> Self {
        Keys(bits)
    }

    /// The bitmask.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether no key is in the set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every key of `other` is in the set.
    pub const fn contains(self, other: Keys) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any key of `other` is in the set.
    pub const fn intersects(self, other: Keys) -> bool {
        self.0 & other.0 != 0
    }
}

impl BitOr for Keys {
    type Output = Keys;
    fn bitor(self, rhs: Keys) -> Keys {
        Keys(self.0 | rhs.0)
    }
}

impl BitOrAssign for Keys {
    fn bitor_assign(&mut self, rhs: Keys) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for Keys {
    type Output = Keys;
    fn bitand(self, rhs: Keys) -> Keys {
        Keys(self.0 & rhs.0)
    }
}

impl Not for Keys {
    type Output = Keys;
    fn not(self) -> Keys {
        Keys(!self.0)
    }
}

/// Something that reads which keys are down right now (no debouncing).
pub trait ReadKeys {
    /// Why reading failed.
    type Error;

    /// The keys that are down.
    fn read_keys(&mut self) -> Result<Keys, Self::Error>;
}

fn is_down<P: InputPin>(pin: &mut P, active_low: bool) -> Result<bool, digital::ErrorKind> {
    let low = pin.is_low().map_err(|e| digital::Error::kind(&e))?;
    Ok(low == active_low)
}

/// The uGame 10's six buttons, each on its own pin, active low (enable the
/// pins' pull-ups):
///
/// | key | pin | bit |
/// |---|---|---|
/// | X | PA00 | `0x01` |
/// | O | PA01 | `0x20` |
/// | UP | PA03 | `0x10` |
/// | LEFT | PA04 | `0x04` |
/// | RIGHT | PA05 | `0x08` |
/// | DOWN | PA22 | `0x02` |
///
/// Each field may be a different pin type, as HALs with typed pins give
/// them.
#[derive(Debug)]
pub struct Ugame10Pins<X, O, Up, Left, Right, Down> {
    /// X, on PA00.
    pub x: X,
    /// O, on PA01.
    pub o: O,
    /// Up, on PA03.
    pub up: Up,
    /// Left, on PA04.
    pub left: Left,
    /// Right, on PA05.
    pub right: Right,
    /// Down, on PA22.
    pub down: Down,
}

impl<X, O, Up, Left, Right, Down> ReadKeys for Ugame10Pins<X, O, Up, Left, Right, Down>
where
    X: InputPin,
    O: InputPin,
    Up: InputPin,
    Left: InputPin,
    Right: InputPin,
    Down: InputPin,
{
    type Error = digital::ErrorKind;

    fn read_keys(&mut self) -> Result<Keys, digital::ErrorKind> {
        let mut keys = Keys::NONE;
        let mut add = |down: bool, key: Keys| {
            if down {
                keys |= key;
            }
        };
        add(is_down(&mut self.x, true)?, Keys::X);
        add(is_down(&mut self.o, true)?, Keys::O);
        add(is_down(&mut self.up, true)?, Keys::UP);
        add(is_down(&mut self.left, true)?, Keys::LEFT);
        add(is_down(&mut self.right, true)?, Keys::RIGHT);
        add(is_down(&mut self.down, true)?, Keys::DOWN);
        Ok(keys)
    }
}

/// Any number of buttons on pins of one type (for example type-erased
/// pins), each mapped to its key.
///
/// ```
/// use stage_hal::buttons::{KeyPins, Keys};
/// # use embedded_hal::digital::{ErrorType, InputPin};
/// # struct Pin(bool);
/// # impl ErrorType for Pin { type Error = core::convert::Infallible; }
/// # impl InputPin for Pin {
/// #     fn is_high(&mut self) -> Result<bool, Self::Error> { Ok(self.0) }
/// #     fn is_low(&mut self) -> Result<bool, Self::Error> { Ok(!self.0) }
/// # }
/// use stage_hal::buttons::ReadKeys;
/// // Active high, as on a board with pull-downs.
/// let mut pins = KeyPins::new([(Pin(true), Keys::START), (Pin(false), Keys::SELECT)], false);
/// assert_eq!(pins.read_keys()?, Keys::START);
/// # Ok::<(), embedded_hal::digital::ErrorKind>(())
/// ```
#[derive(Debug)]
pub struct KeyPins<P, const N: usize> {
    pins: [(P, Keys); N],
    active_low: bool,
}

impl<P: InputPin, const N: usize> KeyPins<P, N> {
    /// Buttons on `pins`; `active_low` when a pressed button reads low.
    pub fn new(pins: [(P, Keys); N], active_low: bool) -> Self {
        KeyPins { pins, active_low }
    }

    /// Gives the pins back.
    pub fn release(self) -> [(P, Keys); N] {
        self.pins
    }
}

impl<P: InputPin, const N: usize> ReadKeys for KeyPins<P, N> {
    type Error = digital::ErrorKind;

    fn read_keys(&mut self) -> Result<Keys, digital::ErrorKind> {
        let mut keys = Keys::NONE;
        for (pin, key) in &mut self.pins {
            if is_down(pin, self.active_low)? {
                keys |= *key;
            }
        }
        Ok(keys)
    }
}

/// Debounces raw key samples: a key changes state only once it has read
/// the new state in `samples` consecutive samples; and tells what changed.
///
/// ```
/// use stage_hal::buttons::{Debouncer, Keys};
/// let mut keys = Debouncer::new(3);
/// for raw in [Keys::O, Keys::NONE, Keys::O, Keys::O] {
///     keys.update(raw); // the bounce resets the count
/// }
/// assert!(keys.held().is_empty());
/// keys.update(Keys::O);
/// assert_eq!(keys.just_pressed(), Keys::O);
/// ```
#[derive(Clone, Debug)]
pub struct Debouncer {
    samples: u8,
    counts: [u8; 8],
    held: Keys,
    pressed: Keys,
    released: Keys,
}

impl Debouncer {
    /// A debouncer that needs `samples` consecutive equal samples to accept
    /// a change (1 or 0: accept at once).
    pub const fn new(samples: u8) -> Self {
        Debouncer {
            samples: if samples == 0 { 1 } else { samples },
            counts: [0; 8],
            held: Keys::NONE,
            pressed: Keys::NONE,
            released: Keys::NONE,
        }
    }

    /// Takes one raw sample.
    pub fn update(&mut self, raw: Keys) {
        let before = self.held;
        let mut after = before;
        for (bit, count) in self.counts.iter_mut().enumerate() {
            let key = Keys(1 << bit);
            if raw.contains(key) == before.contains(key) {
                *count = 0;
                continue;
            }
            *count = count.saturating_add(1);
            if *count >= self.samples {
                *count = 0;
                after = Keys(after.0 ^ key.0);
            }
        }
        self.held = after;
        self.pressed = after & !before;
        self.released = before & !after;
    }

    /// The keys down (debounced).
    pub fn held(&self) -> Keys {
        self.held
    }

    /// The keys that went down at the last sample.
    pub fn just_pressed(&self) -> Keys {
        self.pressed
    }

    /// The keys that went up at the last sample.
    pub fn just_released(&self) -> Keys {
        self.released
    }
}

/// Buttons read from a [`ReadKeys`] source and debounced: call
/// [`Buttons::update`] once a frame (or from a timer), then ask.
#[derive(Debug)]
pub struct Buttons<S> {
    source: S,
    keys: Debouncer,
}

impl<S: ReadKeys> Buttons<S> {
    /// Buttons on `source`, debounced over `samples` samples (see
    /// [`Debouncer::new`]).
    pub fn new(source: S, samples: u8) -> Self {
        Buttons {
            source,
            keys: Debouncer::new(samples),
        }
    }

    /// Reads the buttons once.
    pub fn update(&mut self) -> Result<(), S::Error> {
        let raw = self.source.read_keys()?;
        self.keys.update(raw);
        Ok(())
    }

    /// The keys held down.
    pub fn held(&self) -> Keys {
        self.keys.held()
    }

    /// The keys pressed at the last update.
    pub fn just_pressed(&self) -> Keys {
        self.keys.just_pressed()
    }

    /// The keys released at the last update.
    pub fn just_released(&self) -> Keys {
        self.keys.just_released()
    }

    /// The source.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// Gives the source back.
    pub fn release(self) -> S {
        self.source
    }
}
