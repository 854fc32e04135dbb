//! Gem Cave in a terminal (crossterm): 24-bit colour, two pixels a character cell (the
//! upper half block in the top pixel's colour on the bottom pixel's), only the cells
//! that changed redrawn each frame.
//!
//! Terminals report key presses, and most never report releases, so a key counts as held
//! for a moment after each press and for as long as it repeats; terminals that speak the
//! kitty keyboard protocol report releases, and then a key is held exactly while it is
//! down.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::event::{
    self, Event, KeyCode, KeyEventKind, KeyModifiers, KeyboardEnhancementFlags,
    PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::style::{Color, Print, ResetColor, SetBackgroundColor, SetForegroundColor};
use crossterm::terminal::{self, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{execute, queue};
use stage_core::framebuffer::Framebuffer;
use stage_game::{FrameClock, Keys, Tick};

use crate::play::Session;

/// How long a key counts as held after its first press, and after each repeat.
const FIRST_HOLD: Duration = Duration::from_millis(350);
const REPEAT_HOLD: Duration = Duration::from_millis(150);

/// Whether this process can play in its terminal (stdin and stdout are terminals).
pub fn available() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Puts the terminal back however the game ends.
struct Restore {
    enhanced: bool,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let mut out = io::stdout();
        if self.enhanced {
            let _ = execute!(out, PopKeyboardEnhancementFlags);
        }
        let _ = execute!(out, ResetColor, Show, LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
    }
}

fn key_to_button(code: KeyCode) -> Option<Keys> {
    Some(match code {
        KeyCode::Up | KeyCode::Char('w') => Keys::UP,
        KeyCode::Down | KeyCode::Char('s') => Keys::DOWN,
        KeyCode::Left | KeyCode::Char('a') => Keys::LEFT,
        KeyCode::Right | KeyCode::Char('d') => Keys::RIGHT,
        KeyCode::Char('x' | ' ') | KeyCode::Enter => Keys::X,
        KeyCode::Char('z' | 'o') => Keys::O,
        _ => return None,
    })
}

/// The buttons held, from key events.
struct Held {
    /// Per button bit: held until (`None`: not held; far future: until released).
    until: [Option<Instant>; 8],
    releases: bool,
}

impl Held {
    fn press(&mut self, button: Keys, now: Instant) {
        for bit in 0..8 {
            if button.bits() & (1 << bit) == 0 {
                continue;
            }
            let slot = &mut self.until[bit];
            *slot = Some(if self.releases {
                now + Duration::from_secs(3600)
            } else if slot.is_some_and(|t| t > now) {
                now + REPEAT_HOLD
            } else {
                now + FIRST_HOLD
            });
        }
    }

    fn release(&mut self, button: Keys) {
        for bit in 0..8 {
            if button.bits() & (1 << bit) != 0 {
                self.until[bit] = None;
            }
        }
    }

    fn keys(&self, now: Instant) -> Keys {
        (0..8)
            .filter(|&bit| self.until[bit].is_some_and(|t| t > now))
            .fold(Keys::NONE, |keys, bit| keys | Keys::from_bits(1 << bit))
    }
}

/// The terminal cells a frame occupies, at one or two pixels a column.
fn cells(frame: &Framebuffer, shrink: u16) -> Vec<(Color, Color)> {
    let (w, h) = frame.size();
    let pixel = |x: u16, y: u16| -> [u32; 3] {
        let mut sum = [0u32; 3];
        for dy in 0..shrink {
            for dx in 0..shrink {
                let c = frame
                    .pixel(x * shrink + dx, y * shrink + dy)
                    .map_or([0; 3], |p| p.to_rgb888());
                for (s, v) in sum.iter_mut().zip(c) {
                    *s += u32::from(v);
                }
            }
        }
        sum.map(|s| s / u32::from(shrink * shrink))
    };
    let color = |[r, g, b]: [u32; 3]| Color::Rgb {
        r: r as u8,
        g: g as u8,
        b: b as u8,
    };
    let (cols, rows) = (w / shrink, h / shrink / 2);
    let mut out = Vec::with_capacity(usize::from(cols) * usize::from(rows));
    for row in 0..rows {
        for col in 0..cols {
            out.push((color(pixel(col, row * 2)), color(pixel(col, row * 2 + 1))));
        }
    }
    out
}

/// Plays in this terminal until q, Escape or Ctrl-C, or for `frames` frames.
pub fn play(session: &mut Session<'_>, fps: u32, frames: Option<u64>) -> Result<(), String> {
    if !available() {
        return Err("--terminal needs a terminal on stdin and stdout".into());
    }
    let (width, height) = session.screen.size();
    let (cols, rows) =
        terminal::size().map_err(|e| format!("cannot read the terminal's size: {e}"))?;
    // One pixel a column and two a row, or half that; a status line below.
    let shrink = if cols >= width && rows > height / 2 {
        1
    } else if cols >= width / 2 && rows > height / 4 {
        2
    } else {
        return Err(format!(
            "the terminal is {cols}x{rows} characters; Gem Cave needs {}x{} (or {}x{} at full size)",
            width / 2,
            height / 4 + 1,
            width,
            height / 2 + 1
        ));
    };
    let fail = |e: io::Error| format!("terminal: {e}");
    terminal::enable_raw_mode().map_err(fail)?;
    let enhanced = terminal::supports_keyboard_enhancement().unwrap_or(false);
    let _restore = Restore { enhanced };
    let mut out = io::BufWriter::new(io::stdout());
    execute!(out, EnterAlternateScreen, Hide, Clear(ClearType::All)).map_err(fail)?;
    if enhanced {
        execute!(
            out,
            PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::REPORT_EVENT_TYPES)
        )
        .map_err(fail)?;
    }
    let mut held = Held {
        until: [None; 8],
        releases: enhanced,
    };
    let mut shown: Vec<(Color, Color)> = Vec::new();
    let mut clock = FrameClock::new(fps);
    let start = Instant::now();
    let status_row = height / shrink / 2;
    loop {
        if frames.is_some_and(|n| session.stats.frames >= n) {
            break;
        }
        let wait = match clock.tick(start.elapsed().as_micros() as u64) {
            Tick::Wait(us) => Duration::from_micros(u64::from(us)),
            Tick::Frame => {
                session.step(held.keys(Instant::now()));
                draw(&mut out, &session.screen, shrink, &mut shown).map_err(fail)?;
                let (got, all) = session.game.gems();
                queue!(
                    out,
                    MoveTo(0, status_row),
                    ResetColor,
                    Print(format!(
                        "arrows/WASD move, X/space, q quits  frame {} gems {got}/{all} lives {}",
                        session.stats.frames,
                        session.game.lives()
                    )),
                )
                .map_err(fail)?;
                out.flush().map_err(fail)?;
                continue;
            }
        };
        if !event::poll(wait).map_err(fail)? {
            continue;
        }
        if let Event::Key(key) = event::read().map_err(fail)? {
            let ctrl_c =
                key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
            if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c {
                break;
            }
            if let Some(button) = key_to_button(key.code) {
                match key.kind {
                    KeyEventKind::Release => held.release(button),
                    _ => held.press(button, Instant::now()),
                }
            }
        }
    }
    Ok(())
}

/// Draws the cells that differ from `shown`.
fn draw(
    out: &mut impl Write,
    frame: &Framebuffer,
    shrink: u16,
    shown: &mut Vec<(Color, Color)>,
) -> io::Result<()> {
    let now = cells(frame, shrink);
    let cols = frame.size().0 / shrink;
    let mut colors = None;
    let mut cursor = None;
    for (i, &cell) in now.iter().enumerate() {
        if shown.get(i) == Some(&cell) {
            continue;
        }
        let (col, row) = (
            (i % usize::from(cols)) as u16,
            (i / usize::from(cols)) as u16,
        );
        if cursor != Some((col, row)) {
            queue!(out, MoveTo(col, row))?;
        }
        if colors != Some(cell) {
            queue!(out, SetForegroundColor(cell.0), SetBackgroundColor(cell.1))?;
            colors = Some(cell);
        }
        queue!(out, Print('\u{2580}'))?;
        cursor = Some((col + 1, row));
    }
    *shown = now;
    Ok(())
}
