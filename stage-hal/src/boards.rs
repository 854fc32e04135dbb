//! The boards of the uGame family: each one's panel, and the pins and buttons a
//! driver must know about (`docs/hardware.md`, sections 5 and 6).
//!
//! Pins are named as the board's port names them: `"PA09"` on SAMD, `"PB13"` on STM32,
//! `"GP6"` on RP2040. The MicroPython board modules (`stage-mpy/python/boards/`) carry
//! the same facts, and a test (`tests/run boards`) keeps the two in agreement.
//!
//! ```
//! use stage_hal::boards::{self, Input, Key};
//! let board = boards::UGAME10;
//! assert_eq!(board.panel.offsets(), (3, 2));
//! assert_eq!(board.pins.dc, "PA09");
//! let x = board.button(Key::X).unwrap();
//! assert_eq!((x.bit, x.input), (0x01, Input::Pin("PA00")));
//! ```

use crate::panels;
use crate::Panel;

/// A board: its panel, pins and buttons.
#[derive(Clone, Copy, Debug)]
pub struct Board {
    /// Short name, as the MicroPython board module's folder is named.
    pub name: &'static str,
    /// The panel, as the board wires it.
    pub panel: Panel,
    /// The pins a display driver must drive.
    pub pins: Pins,
    /// The buttons, with the bit each sets in `ugame.buttons.get_pressed()`.
    pub buttons: &'static [Button],
}

impl Board {
    /// The button for `key`, if the board has it.
    pub fn button(&self, key: Key) -> Option<&'static Button> {
        self.buttons.iter().find(|b| b.key == key)
    }
}

/// The pins of a board's display, and others a driver needs.
#[derive(Clone, Copy, Debug)]
pub struct Pins {
    /// SPI clock.
    pub sck: &'static str,
    /// SPI data out.
    pub mosi: &'static str,
    /// Data/command select.
    pub dc: &'static str,
    /// The panel's chip select.
    pub cs: &'static str,
    /// The panel's reset line, if the MCU drives it.
    pub reset: Option<&'static str>,
    /// The backlight, if the MCU switches it (driven high: on).
    pub backlight: Option<&'static str>,
    /// Others, by name: the shift register of buttons (`latch`, `clock`, `data`), a
    /// flash chip on the same bus (`flash_cs`, held high).
    pub other: &'static [(&'static str, &'static str)],
}

/// A button, by what games call it (`ugame.K_*`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    /// `K_UP`.
    Up,
    /// `K_DOWN`.
    Down,
    /// `K_LEFT`.
    Left,
    /// `K_RIGHT`.
    Right,
    /// `K_X`.
    X,
    /// `K_O`.
    O,
    /// `K_START`.
    Start,
    /// `K_SELECT`.
    Select,
    /// `K_Z`.
    Z,
}

impl Key {
    /// The name games use, without `K_`.
    pub const fn name(self) -> &'static str {
        match self {
            Key::Up => "UP",
            Key::Down => "DOWN",
            Key::Left => "LEFT",
            Key::Right => "RIGHT",
            Key::X => "X",
            Key::O => "O",
            Key::Start => "START",
            Key::Select => "SELECT",
            Key::Z => "Z",
        }
    }
}

/// Where a button is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Input {
    /// A pin, active low with the internal pull-up.
    Pin(&'static str),
    /// Bit `n` shifted out of the board's 74HC165 shift register (active high).
    Shift(u8),
    /// Not wired: the bit exists on the board but is never set.
    None,
}

/// A button: its key, the bit it sets, where it is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Button {
    /// What games call it.
    pub key: Key,
    /// Its bit in `ugame.buttons.get_pressed()`.
    pub bit: u16,
    /// Where it is read.
    pub input: Input,
}

const fn pin(key: Key, bit: u16, name: &'static str) -> Button {
    Button {
        key,
        bit,
        input: Input::Pin(name),
    }
}

const fn shift(key: Key, bit: u16, n: u8) -> Button {
    Button {
        key,
        bit,
        input: Input::Shift(n),
    }
}

const fn unwired(key: Key, bit: u16) -> Button {
    Button {
        key,
        bit,
        input: Input::None,
    }
}

/// uGame 10 (SAMD21): no reset line (tied to the MCU's), no backlight switch.
pub const UGAME10: Board = Board {
    name: "ugame10",
    panel: panels::UGAME10,
    pins: Pins {
        sck: "PA07",
        mosi: "PA06",
        dc: "PA09",
        cs: "PA08",
        reset: None,
        backlight: None,
        other: &[],
    },
    buttons: &[
        pin(Key::X, 0x01, "PA00"),
        pin(Key::Down, 0x02, "PA22"),
        pin(Key::Left, 0x04, "PA04"),
        pin(Key::Right, 0x08, "PA05"),
        pin(Key::Up, 0x10, "PA03"),
        pin(Key::O, 0x20, "PA01"),
    ],
};

/// PewPew M4 (SAMD51): Z doubles as START.
pub const PEWPEW_M4: Board = Board {
    name: "pewpew_m4",
    panel: panels::PEWPEW_M4,
    pins: Pins {
        sck: "PA13",
        mosi: "PA15",
        dc: "PA16",
        cs: "PA11",
        reset: Some("PA17"),
        backlight: None,
        other: &[],
    },
    buttons: &[
        pin(Key::X, 0x01, "PA09"),
        pin(Key::Down, 0x02, "PA27"),
        pin(Key::Left, 0x04, "PB23"),
        pin(Key::Right, 0x08, "PB22"),
        pin(Key::Up, 0x10, "PA23"),
        pin(Key::O, 0x20, "PA10"),
        pin(Key::Z, 0x40, "PA22"),
    ],
};

/// PyBadge (SAMD51): the buttons come through a 74HC165 shift register.
pub const PYBADGE: Board = Board {
    name: "pybadge",
    panel: panels::PYBADGE,
    pins: Pins {
        sck: "PB13",
        mosi: "PB15",
        dc: "PB05",
        cs: "PB07",
        reset: Some("PA00"),
        backlight: Some("PA01"),
        other: &[("latch", "PB00"), ("clock", "PB31"), ("data", "PB30")],
    },
    buttons: &[
        shift(Key::O, 0x01, 0),
        shift(Key::X, 0x02, 1),
        shift(Key::Start, 0x04, 2),
        shift(Key::Select, 0x08, 3),
        shift(Key::Right, 0x10, 4),
        shift(Key::Down, 0x20, 5),
        shift(Key::Up, 0x40, 6),
        shift(Key::Left, 0x80, 7),
    ],
};

/// Meowbit (STM32F401): the panel shares SPI2 with the flash, whose select must stay
/// high; the MENU button is not read.
pub const MEOWBIT: Board = Board {
    name: "meowbit",
    panel: panels::MEOWBIT,
    pins: Pins {
        sck: "PB13",
        mosi: "PB15",
        dc: "PA08",
        cs: "PB12",
        reset: Some("PB10"),
        backlight: Some("PB03"),
        other: &[("flash_cs", "PB01")],
    },
    buttons: &[
        pin(Key::X, 0x01, "PB09"),
        pin(Key::O, 0x02, "PC03"),
        pin(Key::Down, 0x04, "PA05"),
        pin(Key::Left, 0x08, "PA07"),
        pin(Key::Right, 0x10, "PB02"),
        pin(Key::Up, 0x20, "PA06"),
        unwired(Key::Z, 0x40),
    ],
};

/// PicoSystem (RP2040): A, B, X, Y are O, X, SELECT, START.
pub const PICOSYSTEM: Board = Board {
    name: "picosystem",
    panel: panels::PICOSYSTEM,
    pins: Pins {
        sck: "GP6",
        mosi: "GP7",
        dc: "GP9",
        cs: "GP5",
        reset: Some("GP4"),
        backlight: Some("GP12"),
        other: &[],
    },
    buttons: &[
        pin(Key::O, 0x01, "GP18"),
        pin(Key::X, 0x02, "GP19"),
        pin(Key::Select, 0x04, "GP17"),
        pin(Key::Start, 0x08, "GP16"),
        pin(Key::Down, 0x10, "GP20"),
        pin(Key::Left, 0x20, "GP22"),
        pin(Key::Right, 0x40, "GP21"),
        pin(Key::Up, 0x80, "GP23"),
    ],
};

/// uGame 22 (RP2040): stage scale 2; SELECT has a bit but no button.
pub const UGAME22: Board = Board {
    name: "ugame22",
    panel: panels::UGAME22,
    pins: Pins {
        sck: "GP2",
        mosi: "GP3",
        dc: "GP4",
        cs: "GP5",
        reset: Some("GP1"),
        backlight: None,
        other: &[],
    },
    buttons: &[
        pin(Key::X, 0x01, "GP6"),
        pin(Key::Down, 0x02, "GP7"),
        pin(Key::Left, 0x04, "GP11"),
        pin(Key::Right, 0x08, "GP9"),
        pin(Key::Up, 0x10, "GP10"),
        pin(Key::O, 0x20, "GP8"),
        pin(Key::Z, 0x40, "GP0"),
        unwired(Key::Select, 0x80),
    ],
};

/// Every board.
pub const ALL: [Board; 6] = [UGAME10, PEWPEW_M4, PYBADGE, MEOWBIT, PICOSYSTEM, UGAME22];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_distinct_single_bits_and_names_are_unique() {
        for board in ALL {
            let mut seen = 0u16;
            for b in board.buttons {
                assert!(b.bit.is_power_of_two(), "{}: {:?}", board.name, b.key);
                assert_eq!(seen & b.bit, 0, "{}: bit {:#x} twice", board.name, b.bit);
                seen |= b.bit;
                assert_eq!(
                    board.button(b.key),
                    Some(b),
                    "{}: {:?} twice",
                    board.name,
                    b.key
                );
            }
        }
        let names: Vec<&str> = ALL.iter().map(|b| b.name).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n));
        }
    }
}
