//! Buttons: pin maps, debouncing, edges.

use std::cell::Cell;
use std::rc::Rc;

use embedded_hal::digital::{ErrorKind, ErrorType, InputPin};
use stage_hal::buttons::{Buttons, Debouncer, KeyPins, Keys, ReadKeys, Ugame10Pins};

/// An input wired to a shared level (true = high).
#[derive(Clone, Default)]
struct Wire(Rc<Cell<bool>>);

impl ErrorType for Wire {
    type Error = core::convert::Infallible;
}

impl InputPin for Wire {
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        Ok(self.0.get())
    }
    fn is_low(&mut self) -> Result<bool, Self::Error> {
        Ok(!self.0.get())
    }
}

/// An input that fails.
struct Broken;

#[derive(Debug)]
struct PinFault;

impl embedded_hal::digital::Error for PinFault {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Other
    }
}

impl ErrorType for Broken {
    type Error = PinFault;
}

impl InputPin for Broken {
    fn is_high(&mut self) -> Result<bool, PinFault> {
        Err(PinFault)
    }
    fn is_low(&mut self) -> Result<bool, PinFault> {
        Err(PinFault)
    }
}

fn released() -> Wire {
    Wire(Rc::new(Cell::new(true))) // pulled up
}

#[test]
fn ugame10_pins_map_to_the_ugame_bits() {
    let wires: Vec<Wire> = (0..6).map(|_| released()).collect();
    let mut pins = Ugame10Pins {
        x: wires[0].clone(),
        o: wires[1].clone(),
        up: wires[2].clone(),
        left: wires[3].clone(),
        right: wires[4].clone(),
        down: wires[5].clone(),
    };
    assert_eq!(pins.read_keys().unwrap(), Keys::NONE);
    let expected = [0x01, 0x20, 0x10, 0x04, 0x08, 0x02];
    for (wire, bits) in wires.iter().zip(expected) {
        wire.0.set(false); // active low
        assert_eq!(pins.read_keys().unwrap().bits(), bits);
        wire.0.set(true);
    }
    for wire in &wires {
        wire.0.set(false);
    }
    assert_eq!(pins.read_keys().unwrap().bits(), 0x3F);
}

#[test]
fn pin_errors_are_reported() {
    let mut pins = Ugame10Pins {
        x: released(),
        o: released(),
        up: released(),
        left: Broken,
        right: released(),
        down: released(),
    };
    assert_eq!(pins.read_keys(), Err(ErrorKind::Other));
}

#[test]
fn generic_pins_active_high_or_low() {
    let a = released();
    let b = released();
    let mut low = KeyPins::new([(a.clone(), Keys::X), (b.clone(), Keys::START)], true);
    b.0.set(false);
    assert_eq!(low.read_keys().unwrap(), Keys::START);
    let mut high = KeyPins::new([(a, Keys::X), (b, Keys::START)], false);
    assert_eq!(high.read_keys().unwrap(), Keys::X);
}

#[test]
fn debouncer_needs_consecutive_samples_both_ways() {
    let mut d = Debouncer::new(3);
    let seq = [
        (Keys::UP, Keys::NONE),
        (Keys::UP, Keys::NONE),
        (Keys::NONE, Keys::NONE), // bounce: count starts over
        (Keys::UP, Keys::NONE),
        (Keys::UP, Keys::NONE),
        (Keys::UP, Keys::UP),
        (Keys::NONE, Keys::UP),
        (Keys::NONE, Keys::UP),
        (Keys::NONE, Keys::NONE),
    ];
    for (i, (raw, held)) in seq.into_iter().enumerate() {
        d.update(raw);
        assert_eq!(d.held(), held, "sample {i}");
    }
}

#[test]
fn edges_last_one_update() {
    let mut d = Debouncer::new(1);
    d.update(Keys::X | Keys::LEFT);
    assert_eq!(d.just_pressed(), Keys::X | Keys::LEFT);
    assert!(d.just_released().is_empty());
    d.update(Keys::X | Keys::RIGHT);
    assert_eq!(d.held(), Keys::X | Keys::RIGHT);
    assert_eq!(d.just_pressed(), Keys::RIGHT);
    assert_eq!(d.just_released(), Keys::LEFT);
    d.update(Keys::X | Keys::RIGHT);
    assert!(d.just_pressed().is_empty());
    assert!(d.just_released().is_empty());
}

#[test]
fn keys_are_debounced_independently() {
    let mut d = Debouncer::new(2);
    d.update(Keys::O);
    d.update(Keys::O | Keys::DOWN);
    assert_eq!(d.held(), Keys::O);
    d.update(Keys::O | Keys::DOWN);
    assert_eq!(d.held(), Keys::O | Keys::DOWN);
    assert_eq!(d.just_pressed(), Keys::DOWN);
}

#[test]
fn buttons_read_debounce_and_report() {
    let wires: Vec<Wire> = (0..6).map(|_| released()).collect();
    let pins = Ugame10Pins {
        x: wires[0].clone(),
        o: wires[1].clone(),
        up: wires[2].clone(),
        left: wires[3].clone(),
        right: wires[4].clone(),
        down: wires[5].clone(),
    };
    let mut buttons = Buttons::new(pins, 2);
    wires[5].0.set(false);
    buttons.update().unwrap();
    assert!(buttons.held().is_empty());
    buttons.update().unwrap();
    assert_eq!(buttons.held(), Keys::DOWN);
    assert_eq!(buttons.just_pressed(), Keys::DOWN);
    wires[5].0.set(true);
    buttons.update().unwrap();
    buttons.update().unwrap();
    assert_eq!(buttons.just_released(), Keys::DOWN);
    assert!(buttons.held().is_empty());
}
