//! Checks every case of a conformance file (format `stage-conformance-1`)
//! against stage-core.
//!
//! ```sh
//! cargo run --release -p stage-core --example conformance -- FILE.json \
//!     [--renderer fast|reference] [--repeat K]
//! ```
//!
//! Prints one line per failing case and ends with `N passed, M failed`; the
//! exit status is non-zero if any case failed. With `--repeat K` each case is
//! built once and rendered K times in all: once checked, then K-1 times into
//! a sink that only counts bytes, so that under callgrind
//! `(Ir(K=21) - Ir(K=1)) / 20` is the cost of one render.

use std::process::ExitCode;

use stage_tests::conformance::{render_count, render_stream, Renderer, Suite};

const USAGE: &str = "usage: conformance FILE.json [--renderer fast|reference] [--repeat K]";

struct Options {
    file: String,
    renderer: Renderer,
    repeat: u32,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut renderer = Renderer::Fast;
    let mut repeat = 1;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--renderer" => {
                renderer = match args.next().as_deref() {
                    Some("fast") => Renderer::Fast,
                    Some("reference") => Renderer::Reference,
                    other => {
                        return Err(format!("--renderer takes fast or reference, not {other:?}"))
                    }
                }
            }
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|k| k.parse().ok())
                    .filter(|&k| k >= 1)
                    .ok_or("--repeat takes a whole number of at least 1")?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => {
                if file.replace(other.to_owned()).is_some() {
                    return Err("only one FILE.json is accepted".into());
                }
            }
        }
    }
    Ok(Options {
        file: file.ok_or("missing FILE.json")?,
        renderer,
        repeat,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("conformance: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let suite = match Suite::load(&options.file) {
        Ok(suite) => suite,
        Err(message) => {
            eprintln!("conformance: {message}");
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for case in &suite.cases {
        let outcome = (|| {
            let layers = case.build(&suite.assets)?;
            let params = case.params()?;
            let mut buffer = vec![0u8; case.render.buffer_len];
            let stream = render_stream(options.renderer, &layers, &params, &mut buffer)?;
            for _ in 1..options.repeat {
                let counted = render_count(options.renderer, &layers, &params, &mut buffer);
                if counted != stream.bytes {
                    return Err(format!(
                        "repeat sent {counted} bytes, first render {}",
                        stream.bytes
                    ));
                }
            }
            case.compare(&stream)
        })();
        match outcome {
            Ok(()) => passed += 1,
            Err(message) => {
                failed += 1;
                println!("FAIL {}: {message}", case.id);
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
