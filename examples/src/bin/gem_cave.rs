//! Gem Cave on a PC. `cargo run --release` at the workspace root runs this:
//!
//! * with a display (`DISPLAY` or `WAYLAND_DISPLAY` set), in a window;
//! * with `--terminal`, or with no display but a terminal, in the terminal;
//! * with neither (CI, a pipe), a scripted run by an autopilot, written to an animated
//!   GIF.
//!
//! Every mode writes the last frame as a PNG and prints where it wrote what and the
//! frame statistics.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gem_cave::{Buffers, FPS};
use stage_examples::image::{write_png, GifWriter};
use stage_examples::pilot::Pilot;
use stage_examples::play::{default_assets, Art, Session};
use stage_examples::{terminal, window};

const USAGE: &str = "\
usage: gem-cave [--window | --terminal | --script] [--frames N] [--out DIR] [--assets DIR] [--zoom N]

  --window     play in a window (the default when DISPLAY or WAYLAND_DISPLAY is set)
  --terminal   play in this terminal (the default with no display but a terminal)
  --script     an autopilot plays and the run is written to DIR/gem-cave.gif
               (the default with neither)
  --frames N   stop after N frames (a scripted run stops by itself once it has won,
               after at most 3600 frames)
  --out DIR    where to write gem-cave.gif and gem-cave.png (default: out)
  --assets DIR the art (default: examples/game/assets)
  --zoom N     pixels of the GIF and PNG per pixel of the screen (default: 2)

keys: arrows or WASD move, X, space or Enter is the X button, Z or O the O button;
Esc (q in a terminal) quits";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Window,
    Terminal,
    Script,
}

struct Options {
    mode: Option<Mode>,
    frames: Option<u64>,
    out: PathBuf,
    assets: PathBuf,
    zoom: usize,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        mode: None,
        frames: None,
        out: PathBuf::from("out"),
        assets: default_assets(),
        zoom: 2,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--window" => options.mode = Some(Mode::Window),
            "--terminal" => options.mode = Some(Mode::Terminal),
            "--script" => options.mode = Some(Mode::Script),
            "--frames" => {
                let v = value("--frames")?;
                options.frames = Some(
                    v.parse()
                        .map_err(|_| format!("--frames {v}: not a number of frames"))?,
                );
            }
            "--out" => options.out = value("--out")?.into(),
            "--assets" => options.assets = value("--assets")?.into(),
            "--zoom" => {
                let v = value("--zoom")?;
                options.zoom = match v.parse() {
                    Ok(z @ 1..=8) => z,
                    _ => return Err(format!("--zoom {v}: a number from 1 to 8")),
                };
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

/// The mode when none is asked for, and why.
fn default_mode() -> (Mode, &'static str) {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    if display {
        (
            Mode::Window,
            "a display is set (--terminal or --script choose otherwise)",
        )
    } else if terminal::available() {
        (
            Mode::Terminal,
            "no display, but a terminal (--script for a scripted run)",
        )
    } else {
        (Mode::Script, "no display and no terminal")
    }
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gem-cave: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gem-cave: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let art = Art::load(&options.assets).map_err(|e| e.to_string())?;
    let assets = art.assets();
    let mut buffers = Buffers::new();
    let mut session = Session::new(&assets, &mut buffers);
    let (mode, why) = match options.mode {
        Some(m) => (m, "as asked"),
        None => default_mode(),
    };
    let mode_name = match mode {
        Mode::Window => "window",
        Mode::Terminal => "terminal",
        Mode::Script => "scripted run",
    };
    println!("Gem Cave: {mode_name} ({why})");
    std::fs::create_dir_all(&options.out).map_err(|e| format!("{}: {e}", options.out.display()))?;
    let mut written = Vec::new();
    match mode {
        Mode::Window => match window::play(&mut session, FPS, options.frames) {
            // A display was assumed from the environment, and none answered: say so and
            // play the scripted run instead.
            Err(e) if options.mode.is_none() && session.stats.frames <= 1 => {
                println!("{e}; a scripted run instead");
                script_to(&mut session, options, &mut written)?;
            }
            other => other?,
        },
        Mode::Terminal => {
            session.sounds.bell = true;
            terminal::play(&mut session, FPS, options.frames)?;
        }
        Mode::Script => script_to(&mut session, options, &mut written)?,
    }
    let png = options.out.join("gem-cave.png");
    write_png(&png, &session.screen, options.zoom)
        .map_err(|e| format!("{}: {e}", png.display()))?;
    written.push(format!("{} (the last frame)", png.display()));
    for w in &written {
        println!("wrote {w}");
    }
    let (got, all) = session.game.gems();
    let (x, y) = session.game.player();
    println!(
        "game: {:?}, gems {got}/{all}, lives {}, player at ({x}, {y})",
        session.game.state(),
        session.game.lives()
    );
    println!("{}", session.stats.report(&session.sounds));
    Ok(())
}

/// The scripted run into `DIR/gem-cave.gif`, noted in `written`.
fn script_to(
    session: &mut Session<'_>,
    options: &Options,
    written: &mut Vec<String>,
) -> Result<(), String> {
    let gif = options.out.join("gem-cave.gif");
    let (pushed, stored) =
        script(session, options, &gif).map_err(|e| format!("{}: {e}", gif.display()))?;
    written.push(format!(
        "{} ({pushed} frames at {FPS} a second, {stored} stored, {} KB)",
        gif.display(),
        kb(&gif)
    ));
    Ok(())
}

fn kb(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len().div_ceil(1024))
}

/// The autopilot plays until it has won and the end screen has shown for two seconds,
/// or for `--frames` frames (at most 3600 otherwise); every frame goes into the GIF.
fn script(session: &mut Session<'_>, options: &Options, gif: &Path) -> std::io::Result<(u64, u64)> {
    let mut writer = GifWriter::create(gif, session.screen.size(), options.zoom, FPS)?;
    writer.push(&session.screen)?;
    let mut pilot = Pilot::new();
    let limit = options.frames.unwrap_or(3600);
    let mut ended_at = None;
    while session.stats.frames < limit {
        let keys = pilot.keys(&session.game, &session.scene);
        let keys = if ended_at.is_some() {
            stage_game::Keys::NONE
        } else {
            keys
        };
        session.step(keys);
        writer.push(&session.screen)?;
        if options.frames.is_none() {
            if ended_at.is_none() && session.game.state() == gem_cave::State::Won {
                ended_at = Some(session.stats.frames);
            }
            if ended_at.is_some_and(|f| session.stats.frames >= f + 2 * u64::from(FPS)) {
                break;
            }
        }
    }
    writer.finish()
}
