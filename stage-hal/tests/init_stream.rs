//! The exact init streams the driver sends, written out by hand from
//! docs/hardware.md ("uGame 10 display") and the board files.

use display_interface_spi::SPIInterface;
use stage_hal::panel::{ColorOrder, InitOp, Orientation};
use stage_hal::testing::{Event, Recorder};
use stage_hal::{panels, Display, Error};

fn cmd(code: u8) -> Event {
    Event::Command(code)
}

fn data(bytes: &[u8]) -> Event {
    Event::Data(bytes.to_vec())
}

/// The uGame 10 init stream as the CircuitPython board sends it, with slip
/// 1 (a parameter-less 0x2A labelled INVOFF) replaced by INVOFF 0x20 and
/// slip 2 (three-byte CASET/RASET) left out: every frame sets its window.
fn ugame10_init() -> Vec<Event> {
    vec![
        cmd(0x01), // SWRESET
        Event::delay_ms(150),
        cmd(0x11), // SLPOUT
        Event::delay_ms(500),
        cmd(0xB1), // FRMCTR1
        data(&[0x01, 0x2C, 0x2D]),
        cmd(0xB2), // FRMCTR2
        data(&[0x01, 0x2C, 0x2D]),
        cmd(0xB3), // FRMCTR3
        data(&[0x01, 0x2C, 0x2D, 0x01, 0x2C, 0x2D]),
        cmd(0xB4), // INVCTR
        data(&[0x07]),
        cmd(0xC0), // PWCTR1
        data(&[0xA2, 0x02, 0x84]),
        cmd(0xC1), // PWCTR2
        data(&[0xC5]),
        cmd(0xC2), // PWCTR3
        data(&[0x0A, 0x00]),
        cmd(0xC3), // PWCTR4
        data(&[0x8A, 0x2A]),
        cmd(0xC4), // PWCTR5
        data(&[0x8A, 0xEE]),
        cmd(0xC5), // VMCTR1
        data(&[0x0E]),
        cmd(0x20), // INVOFF (slip 1 corrected)
        cmd(0x36), // MADCTL: MY | MV | BGR
        data(&[0xA8]),
        cmd(0x3A), // COLMOD: 16 bits
        data(&[0x05]),
        cmd(0xE0), // GMCTRP1
        data(&[
            0x02, 0x1C, 0x07, 0x12, 0x37, 0x32, 0x29, 0x2D, 0x29, 0x25, 0x2B, 0x39, 0x00, 0x01,
            0x03, 0x10,
        ]),
        cmd(0xE1), // GMCTRN1
        data(&[
            0x03, 0x1D, 0x07, 0x06, 0x2E, 0x2C, 0x29, 0x2D, 0x2E, 0x2E, 0x37, 0x3F, 0x00, 0x00,
            0x02, 0x10,
        ]),
        // (slip 2: no three-byte CASET/RASET)
        cmd(0x13), // NORON
        Event::delay_ms(10),
        cmd(0x29), // DISPON
        Event::delay_ms(100),
    ]
}

#[test]
fn ugame10_init_stream_is_exact() {
    let recorder = Recorder::new();
    let mut display = Display::new(
        SPIInterface::new(recorder.spi(), recorder.dc()),
        panels::UGAME10,
    );
    display.init(&mut recorder.delay()).unwrap();
    assert_eq!(recorder.events(), ugame10_init());
}

#[test]
fn ugame10_init_sequence_lists_the_same_stream() {
    // The effective init stream, as data, says the same as the bus.
    let mut events = Vec::new();
    for op in panels::UGAME10.init_sequence() {
        match op {
            InitOp::Command { code, params } => {
                events.push(cmd(code));
                if !params.as_slice().is_empty() {
                    events.push(data(params.as_slice()));
                }
            }
            InitOp::Delay(ms) => events.push(Event::delay_ms(ms.into())),
        }
    }
    assert_eq!(events, ugame10_init());
}

#[test]
fn reset_pin_is_pulsed_before_the_init_list() {
    let recorder = Recorder::new();
    let mut display = Display::new(
        SPIInterface::new(recorder.spi(), recorder.dc()),
        panels::UGAME10,
    )
    .with_reset_pin(recorder.reset_pin());
    display.init(&mut recorder.delay()).unwrap();
    let mut expected = vec![
        Event::Reset(false),
        Event::delay_us(20),
        Event::Reset(true),
        Event::delay_ms(120),
    ];
    expected.extend(ugame10_init());
    assert_eq!(recorder.events(), expected);
}

/// MADCTL and INVON/INVOFF as sent for each preset.
fn settings_bytes(panel: stage_hal::Panel) -> (u8, u8) {
    let recorder = Recorder::new();
    let mut display = Display::new(SPIInterface::new(recorder.spi(), recorder.dc()), panel);
    display.init(&mut recorder.delay()).unwrap();
    let events = recorder.events();
    let madctl = events
        .windows(2)
        .find_map(|w| match w {
            [Event::Command(0x36), Event::Data(d)] => Some(d[0]),
            _ => None,
        })
        .expect("MADCTL sent");
    let inversion = events
        .iter()
        .find_map(|e| match e {
            Event::Command(c @ (0x20 | 0x21)) => Some(*c),
            _ => None,
        })
        .expect("INVON or INVOFF sent");
    (madctl, inversion)
}

#[test]
fn presets_send_their_boards_madctl_and_inversion() {
    assert_eq!(settings_bytes(panels::UGAME10), (0xA8, 0x20));
    assert_eq!(settings_bytes(panels::PYBADGE), (0xA0, 0x20));
    assert_eq!(settings_bytes(panels::PEWPEW_M4), (0xA0, 0x20));
    assert_eq!(settings_bytes(panels::MEOWBIT), (0x60, 0x20));
    assert_eq!(settings_bytes(panels::PICOSYSTEM), (0x04, 0x21));
    assert_eq!(settings_bytes(panels::UGAME22), (0x38, 0x20));
}

#[test]
fn presets_have_their_boards_sizes_offsets_and_clocks() {
    let facts = |p: stage_hal::Panel| (p.size(), p.offsets(), p.spi_hz(), p.scale());
    assert_eq!(facts(panels::UGAME10), ((128, 128), (3, 2), 24_000_000, 1));
    assert_eq!(facts(panels::PYBADGE), ((160, 128), (0, 0), 60_000_000, 1));
    // The stock bootloader configuration of the PewPew M4 (0x20180): column 1, row 2.
    assert_eq!(
        facts(panels::PEWPEW_M4),
        ((160, 128), (1, 2), 60_000_000, 1)
    );
    assert_eq!(facts(panels::MEOWBIT), ((160, 128), (0, 0), 24_000_000, 1));
    assert_eq!(
        facts(panels::PICOSYSTEM),
        ((240, 240), (0, 0), 60_000_000, 1)
    );
    assert_eq!(facts(panels::UGAME22), ((320, 240), (0, 0), 80_000_000, 2));
}

#[test]
fn settings_not_list_edits_change_the_stream() {
    let panel = panels::UGAME10
        .with_orientation(Orientation::new().mirror_x(true))
        .with_color_order(ColorOrder::Rgb)
        .with_inversion(true);
    assert_eq!(settings_bytes(panel), (0x40, 0x21));
    // Everything else is the same list.
    assert_eq!(panel.init(), panels::UGAME10.init());
}

#[test]
fn a_failing_bus_says_which_init_command_failed() {
    let recorder = Recorder::new();
    let mut display = Display::new(
        SPIInterface::new(recorder.spi(), recorder.dc()),
        panels::UGAME10,
    );
    // SWRESET, SLPOUT, FRMCTR1 + data go through; FRMCTR2 fails.
    recorder.fail_writes_after(Some(4));
    match display.init(&mut recorder.delay()) {
        Err(Error::Init { command: 0xB2, .. }) => {}
        other => panic!("expected an init error at 0xB2, got {other:?}"),
    }
}

#[cfg(feature = "async")]
mod asynchronous {
    use super::*;

    #[test]
    fn async_init_stream_is_the_same() {
        let recorder = Recorder::new();
        recorder.set_transfer_latency(2);
        let mut display = Display::new(
            SPIInterface::new(recorder.spi(), recorder.dc()),
            panels::UGAME10,
        )
        .with_reset_pin(recorder.reset_pin());
        embassy_futures::block_on(display.init_async(&mut recorder.delay())).unwrap();
        let mut expected = vec![
            Event::Reset(false),
            Event::delay_us(20),
            Event::Reset(true),
            Event::delay_ms(120),
        ];
        expected.extend(ugame10_init());
        assert_eq!(recorder.events(), expected);
        assert!(recorder.pending_polls() > 0);
    }
}
