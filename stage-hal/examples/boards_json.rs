//! Prints the board presets (`stage_hal::boards`) as JSON, for the check that the
//! MicroPython board modules agree with them (`tests/boards/check_boards.py`):
//!
//! ```sh
//! cargo run -p stage-hal --example boards_json > boards.json
//! ```
//!
//! One object per board: name, width, height, colstart, rowstart, madctl, spi_hz,
//! scale, pins (sck, mosi, dc, cs, reset, backlight and the others), buttons (name ->
//! bit and pin, or bit and shift register position) and the init stream as
//! `[command, [parameters], delay_ms]` (a delay folded into the command before it).

use stage_hal::boards::{Board, Input, ALL};
use stage_hal::panel::InitOp;

fn string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn optional(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), string)
}

fn board(b: &Board) -> String {
    let p = &b.panel;
    let (width, height) = p.size();
    let (colstart, rowstart) = p.offsets();
    let mut pins = vec![
        format!("\"sck\": {}", string(b.pins.sck)),
        format!("\"mosi\": {}", string(b.pins.mosi)),
        format!("\"dc\": {}", string(b.pins.dc)),
        format!("\"cs\": {}", string(b.pins.cs)),
        format!("\"reset\": {}", optional(b.pins.reset)),
        format!("\"backlight\": {}", optional(b.pins.backlight)),
    ];
    pins.extend(
        b.pins
            .other
            .iter()
            .map(|(name, pin)| format!("{}: {}", string(name), string(pin))),
    );
    let buttons: Vec<String> = b
        .buttons
        .iter()
        .map(|button| {
            let input = match button.input {
                Input::Pin(pin) => format!("\"pin\": {}", string(pin)),
                Input::Shift(n) => format!("\"pin\": null, \"shift\": {n}"),
                Input::None => "\"pin\": null".to_string(),
            };
            format!(
                "{}: {{\"bit\": {}, {input}}}",
                string(button.key.name()),
                button.bit
            )
        })
        .collect();
    let mut init: Vec<(u8, Vec<u8>, u32)> = Vec::new();
    for op in p.init_sequence() {
        match op {
            InitOp::Command { code, params } => init.push((code, params.as_slice().to_vec(), 0)),
            InitOp::Delay(ms) => {
                if let Some(last) = init.last_mut() {
                    last.2 += u32::from(ms);
                }
            }
        }
    }
    let init: Vec<String> = init
        .iter()
        .map(|(code, params, delay)| format!("[{code}, {params:?}, {delay}]"))
        .collect();
    format!(
        "{{\"name\": {}, \"width\": {width}, \"height\": {height}, \"colstart\": {colstart}, \
         \"rowstart\": {rowstart}, \"madctl\": {}, \"spi_hz\": {}, \"scale\": {},\n  \
         \"pins\": {{{}}},\n  \"buttons\": {{{}}},\n  \"init\": [{}]}}",
        string(b.name),
        p.madctl(),
        p.spi_hz(),
        p.scale(),
        pins.join(", "),
        buttons.join(", "),
        init.join(", ")
    )
}

fn main() {
    let boards: Vec<String> = ALL.iter().map(board).collect();
    println!("{{\"boards\": [\n {}\n]}}", boards.join(",\n "));
}
