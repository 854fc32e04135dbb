//! Whole frames on the bus: window commands with offsets, then pixel bytes
//! that are checked against hand-computed values or the reference
//! (per-pixel) renderer, never against the fast renderer itself.

mod common;

use common::{reference_stream, Assets};
use display_interface_spi::SPIInterface;
use stage_core::{Bank, Layer, Palette, Rect, RenderParams, Sprite, WireColor};
use stage_hal::testing::{Event, Recorder, RecordingDc, RecordingSpi};
use stage_hal::{panels, Display, Error, Panel};

type TestDisplay = Display<SPIInterface<RecordingSpi, RecordingDc>>;

fn new_display(panel: Panel) -> (Recorder, TestDisplay) {
    let recorder = Recorder::new();
    let display = Display::new(SPIInterface::new(recorder.spi(), recorder.dc()), panel);
    (recorder, display)
}

fn cmd(code: u8) -> Event {
    Event::Command(code)
}

fn data(bytes: &[u8]) -> Event {
    Event::Data(bytes.to_vec())
}

/// CASET, RASET, RAMWR for columns `c0..=c1` and rows `r0..=r1` of
/// controller RAM, then `pixels`.
fn window_then(c0: u16, c1: u16, r0: u16, r1: u16, pixels: Vec<u8>) -> Vec<Event> {
    let pair = |a: u16, b: u16| [a.to_be_bytes(), b.to_be_bytes()].concat();
    vec![
        cmd(0x2A),
        data(&pair(c0, c1)),
        cmd(0x2B),
        data(&pair(r0, r1)),
        cmd(0x2C),
        Event::Data(pixels),
    ]
}

/// A bank whose tile 0 is all palette entry 1, and a palette where only
/// entry 1 (`12 34`) is opaque.
fn one_colour_sprite_assets() -> ([u8; 2048], [u8; 32]) {
    let mut bank = [0u8; 2048];
    bank[..128].fill(0x11);
    let mut palette = [0u8; 32];
    for entry in palette.chunks_exact_mut(2) {
        entry.copy_from_slice(&[0xF8, 0x1F]);
    }
    palette[2..4].copy_from_slice(&[0x12, 0x34]);
    (bank, palette)
}

#[test]
fn tiny_scene_hand_computed() {
    let (bank, palette) = one_colour_sprite_assets();
    let mut sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
    sprite.set_position(2, 2);
    let layers = [Layer::from(sprite)];
    // Logical pixels (1, 2), (2, 2), (3, 2): background, then the sprite.
    let params =
        RenderParams::new(Rect::new(1, 2, 4, 3).unwrap()).with_background(Some(WireColor::BLACK));
    let (recorder, mut display) = new_display(panels::UGAME10);
    display.render(&layers, &params, &mut [0u8; 4]).unwrap();
    assert_eq!(
        recorder.events(),
        [
            cmd(0x2A),
            data(&[0x00, 0x04, 0x00, 0x06]), // columns 1..=3, +3
            cmd(0x2B),
            data(&[0x00, 0x04, 0x00, 0x04]), // row 2, +2
            cmd(0x2C),
            data(&[0x00, 0x00, 0x12, 0x34, 0x12, 0x34]),
        ]
    );
}

#[test]
fn tiny_scene_at_scale_two_on_the_ugame22() {
    let (bank, palette) = one_colour_sprite_assets();
    let mut sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
    sprite.set_position(2, 1);
    let layers = [Layer::from(sprite)];
    // Logical (1, 1) and (2, 1), each drawn as a 2x2 block at (2..6, 2..4).
    let params = RenderParams::new(Rect::new(1, 1, 3, 2).unwrap())
        .with_scale(2)
        .unwrap()
        .with_background(Some(WireColor::from_rgb565(0xABCD)));
    let (recorder, mut display) = new_display(panels::UGAME22);
    display.render(&layers, &params, &mut [0u8; 6]).unwrap();
    let row = [0xAB, 0xCD, 0xAB, 0xCD, 0x12, 0x34, 0x12, 0x34];
    assert_eq!(
        recorder.events(),
        window_then(2, 5, 2, 3, [row, row].concat())
    );
}

#[test]
fn uncovered_pixels_carry_the_transparency_key_without_background() {
    let (recorder, mut display) = new_display(panels::UGAME10);
    let params = RenderParams::new(Rect::new(0, 0, 2, 1).unwrap());
    display.render(&[], &params, &mut [0u8; 8]).unwrap();
    assert_eq!(
        recorder.events(),
        window_then(3, 4, 2, 2, vec![0xF8, 0x1F, 0xF8, 0x1F])
    );
}

#[test]
fn whole_ugame10_frame_matches_the_reference_renderer() {
    let assets = Assets::new();
    let layers = assets.layers();
    let params = panels::UGAME10
        .screen_params()
        .unwrap()
        .with_background(Some(WireColor::from_rgb565(0x0010)));
    let expected = window_then(3, 130, 2, 129, reference_stream(&layers, &params));
    assert_eq!(
        expected.last().map(|e| match e {
            Event::Data(d) => d.len(),
            _ => 0,
        }),
        Some(128 * 128 * 2)
    );

    let (recorder, mut display) = new_display(panels::UGAME10);
    display.render(&layers, &params, &mut [0u8; 512]).unwrap();
    assert_eq!(recorder.events(), expected);
    // One SPI transaction per 512-byte chunk (plus 5 for the window).
    assert_eq!(recorder.transactions(), 5 + 128 * 128 * 2 / 512);
}

#[test]
fn a_partial_window_gets_the_offsets() {
    let assets = Assets::new();
    let layers = assets.layers();
    let params = RenderParams::new(Rect::new(16, 8, 32, 24).unwrap()).with_viewport(-3, 5);
    let (recorder, mut display) = new_display(panels::UGAME10);
    display.render(&layers, &params, &mut [0u8; 100]).unwrap();
    // Columns 16..=31 + 3, rows 8..=23 + 2.
    assert_eq!(
        recorder.events(),
        window_then(19, 34, 10, 25, reference_stream(&layers, &params))
    );
}

#[test]
fn the_stream_does_not_depend_on_the_buffer_size() {
    let assets = Assets::new();
    let layers = assets.layers();
    let params = RenderParams::new(Rect::new(0, 60, 128, 128).unwrap());
    let expected = window_then(3, 130, 62, 129, reference_stream(&layers, &params));
    for size in [2, 3, 64, 250, 512, 4096, 20000] {
        let (recorder, mut display) = new_display(panels::UGAME10);
        display
            .render(&layers, &params, &mut vec![0u8; size])
            .unwrap();
        assert_eq!(recorder.events(), expected, "buffer of {size} bytes");
    }
}

#[test]
fn an_empty_rectangle_sends_nothing() {
    let (recorder, mut display) = new_display(panels::UGAME10);
    let params = RenderParams::new(Rect::new(5, 5, 5, 9).unwrap());
    display.render(&[], &params, &mut [0u8; 8]).unwrap();
    assert_eq!(recorder.events(), []);
}

#[test]
fn a_window_outside_the_panel_is_refused_before_anything_is_sent() {
    let (recorder, mut display) = new_display(panels::UGAME10);
    let params = RenderParams::new(Rect::new(0, 0, 129, 1).unwrap());
    assert!(matches!(
        display.render(&[], &params, &mut [0u8; 8]),
        Err(Error::OutOfBounds(_))
    ));
    // At scale 2, logical 64..65 is panel 128..130: outside too.
    let params = RenderParams::new(Rect::new(64, 0, 65, 1).unwrap())
        .with_scale(2)
        .unwrap();
    assert!(matches!(
        display.render(&[], &params, &mut [0u8; 8]),
        Err(Error::OutOfBounds(_))
    ));
    assert!(matches!(
        display.set_window(Rect::new(0, 100, 10, 130).unwrap()),
        Err(Error::OutOfBounds(_))
    ));
    assert_eq!(recorder.events(), []);
}

#[test]
fn a_buffer_without_room_for_a_pixel_is_refused_before_anything_is_sent() {
    let (recorder, mut display) = new_display(panels::UGAME10);
    let params = RenderParams::new(Rect::new(0, 0, 4, 4).unwrap());
    assert!(matches!(
        display.render(&[], &params, &mut [0u8; 1]),
        Err(Error::BufferTooSmall(_))
    ));
    assert_eq!(recorder.events(), []);
}

#[test]
fn bus_errors_say_whether_the_window_or_the_pixel_data_failed() {
    let params = RenderParams::new(Rect::new(0, 0, 16, 16).unwrap());

    let (recorder, mut display) = new_display(panels::UGAME10);
    recorder.fail_writes_after(Some(2)); // CASET and its data, then RASET fails
    assert!(matches!(
        display.render(&[], &params, &mut [0u8; 64]),
        Err(Error::Window(_))
    ));

    let (recorder, mut display) = new_display(panels::UGAME10);
    recorder.fail_writes_after(Some(5 + 3)); // the window, 3 chunks
    match display.render(&[], &params, &mut [0u8; 64]) {
        Err(Error::PixelData(_)) => {}
        other => panic!("expected a pixel data error, got {other:?}"),
    }
    assert_eq!(recorder.pixel_data().len(), 3 * 64);
}

#[test]
fn fill_sends_one_colour() {
    let (recorder, mut display) = new_display(panels::UGAME10);
    let color = WireColor::from_rgb565(0x1357);
    display
        .fill(Rect::new(120, 126, 128, 128).unwrap(), color)
        .unwrap();
    assert_eq!(
        recorder.events(),
        window_then(123, 130, 128, 129, [0x13, 0x57].repeat(16))
    );
}

#[test]
fn write_pixels_streams_without_a_copy_into_the_open_window() {
    let (recorder, mut display) = new_display(panels::MEOWBIT);
    display
        .set_window(Rect::new(0, 0, 160, 128).unwrap())
        .unwrap();
    display.write_pixels(&[1, 2, 3, 4]).unwrap();
    assert_eq!(
        recorder.events(),
        window_then(0, 159, 0, 127, vec![1, 2, 3, 4])
    );
    assert_eq!(recorder.writes(), 6);
}

#[cfg(feature = "async")]
mod asynchronous {
    use super::*;
    use embassy_futures::block_on;

    fn render_both_ways(
        layers: &[Layer<'_>],
        params: &RenderParams,
        latency: u8,
        (front, back): (usize, usize),
    ) -> (Vec<Event>, Vec<Event>, Recorder) {
        let (blocking, mut display_a) = new_display(panels::UGAME10);
        display_a.render(layers, params, &mut [0u8; 512]).unwrap();

        let (recorder, mut display_b) = new_display(panels::UGAME10);
        recorder.set_transfer_latency(latency);
        let (mut a, mut b) = (vec![0u8; front], vec![0u8; back]);
        block_on(display_b.render_async(layers, params, &mut a, &mut b)).unwrap();
        (blocking.events(), recorder.events(), recorder)
    }

    #[test]
    fn async_frame_is_byte_identical_to_the_blocking_one() {
        let assets = Assets::new();
        let layers = assets.layers();
        let params = panels::UGAME10
            .screen_params()
            .unwrap()
            .with_background(Some(WireColor::from_rgb565(0x0010)));
        let expected = window_then(3, 130, 2, 129, reference_stream(&layers, &params));
        for latency in [0, 1, 3] {
            for sizes in [(512, 512), (256, 100), (2, 3)] {
                let (blocking, asynchronous, _) =
                    render_both_ways(&layers, &params, latency, sizes);
                assert_eq!(blocking, expected);
                assert_eq!(
                    asynchronous, expected,
                    "latency {latency}, buffers {sizes:?}"
                );
            }
        }
    }

    #[test]
    fn async_tiny_scene_hand_computed() {
        let (bank, palette) = one_colour_sprite_assets();
        let mut sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&palette).unwrap());
        sprite.set_position(2, 2);
        let layers = [Layer::from(sprite)];
        let params = RenderParams::new(Rect::new(1, 2, 4, 3).unwrap())
            .with_background(Some(WireColor::BLACK));
        let (_, events, _) = render_both_ways(&layers, &params, 1, (2, 4));
        assert_eq!(
            events,
            window_then(4, 6, 4, 4, vec![0x00, 0x00, 0x12, 0x34, 0x12, 0x34])
        );
    }

    /// Runs a future to completion, counting how often it had to be polled
    /// (each extra poll means it returned `Pending`: it was waiting).
    fn run_counting_polls<F: std::future::Future>(future: F) -> (F::Output, usize) {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut polls = 0;
        loop {
            polls += 1;
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return (output, polls);
            }
        }
    }

    #[test]
    fn the_next_chunk_is_rendered_while_the_previous_one_is_on_the_bus() {
        // Every transfer stays pending for one poll, as a DMA transfer
        // that takes about as long as rendering a chunk. The driver starts
        // a chunk's transfer, renders the next chunk, and only then waits:
        // by then the transfer is done, so it never has to wait for one of
        // the 64 pixel transfers. Only the 5 window writes make it wait (a
        // driver that waited for each transfer before rendering the next
        // chunk would wait 5 + 64 times).
        let assets = Assets::new();
        let layers = assets.layers();
        let params = panels::UGAME10.screen_params().unwrap();
        let (recorder, mut display) = new_display(panels::UGAME10);
        recorder.set_transfer_latency(1);
        let (mut a, mut b) = ([0u8; 512], [0u8; 512]);
        let (result, polls) =
            run_counting_polls(display.render_async(&layers, &params, &mut a, &mut b));
        result.unwrap();
        assert_eq!(recorder.pending_polls(), 5 + 64); // every transfer was in flight
        assert_eq!(polls, 1 + 5);
        assert_eq!(
            recorder.events(),
            window_then(3, 130, 2, 129, reference_stream(&layers, &params))
        );
    }

    #[test]
    fn async_errors_say_which_step_failed() {
        let params = RenderParams::new(Rect::new(0, 0, 16, 16).unwrap());
        let (recorder, mut display) = new_display(panels::UGAME10);
        recorder.fail_writes_after(Some(5 + 2));
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        assert!(matches!(
            block_on(display.render_async(&[], &params, &mut a, &mut b)),
            Err(Error::PixelData(_))
        ));
        let (recorder, mut display) = new_display(panels::UGAME10);
        recorder.fail_writes_after(Some(0));
        assert!(matches!(
            block_on(display.render_async(&[], &params, &mut a, &mut b)),
            Err(Error::Window(_))
        ));
        assert!(matches!(
            block_on(display.render_async(&[], &params, &mut a, &mut [0u8; 1])),
            Err(Error::BufferTooSmall(_))
        ));
    }

    #[test]
    fn async_fill_matches_blocking_fill() {
        let color = WireColor::from_rgb565(0xBEEF);
        let rect = Rect::new(0, 0, 128, 3).unwrap();
        let (blocking, mut a) = new_display(panels::UGAME10);
        a.fill(rect, color).unwrap();
        let (asynchronous, mut b) = new_display(panels::UGAME10);
        asynchronous.set_transfer_latency(1);
        block_on(b.fill_async(rect, color)).unwrap();
        assert_eq!(blocking.events(), asynchronous.events());
    }
}
