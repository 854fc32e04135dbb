//! Benchmarks of the fast and reference renderers on the four benchmark
//! scenes of `tests/conformance/bench.json`.
//!
//! ```sh
//! cargo bench -p stage-core                    # both tables
//! cargo bench -p stage-core -- --time          # ns per output pixel only
//! cargo bench -p stage-core -- --instructions  # instructions per output pixel only
//! ```
//!
//! * ns per output pixel: the median of repeated renders in this process.
//! * instructions per output pixel: counted by valgrind's callgrind on the
//!   conformance runner, `(Ir(--repeat 21) - Ir(--repeat 1)) / 20`, divided by
//!   the output pixels: the cost of one render, without loading and checking.
//!   Needs `valgrind` (Debian package `valgrind`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use stage_tests::conformance::{render_count, Renderer, Suite};

const BENCH_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/conformance/bench.json"
);

/// The original C core's instructions per output pixel (x86-64, gcc -O2,
/// callgrind on the render call), as published with the benchmark scenes.
const ORIGINAL_C_O2: [(&str, f64); 4] = [
    ("S1_ball", 221.8),
    ("S2_rpg", 387.2),
    ("S3_swarm", 1572.5),
    ("S4_scaled", 233.1),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let time = !args.iter().any(|a| a == "--instructions");
    let instructions = !args.iter().any(|a| a == "--time");
    let suite = Suite::load(BENCH_FILE).unwrap_or_else(|e| panic!("{e}"));
    if time {
        time_table(&suite);
    }
    if instructions {
        if let Err(message) = instruction_table(&suite) {
            eprintln!("instructions per pixel: {message}");
            std::process::exit(1);
        }
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn time_table(suite: &Suite) {
    println!("ns per output pixel (median of repeated renders)");
    println!(
        "{:<10} {:>10} {:>10} {:>8}",
        "scene", "fast", "reference", "ratio"
    );
    for case in &suite.cases {
        let layers = case.build(&suite.assets).unwrap();
        let params = case.params().unwrap();
        let mut buffer = vec![0u8; case.render.buffer_len];
        let mut ns = |renderer| {
            // Warm up, then take 31 samples of enough renders for ~10 ms each.
            let start = Instant::now();
            let mut runs = 0u32;
            while start.elapsed().as_millis() < 10 {
                render_count(renderer, &layers, &params, &mut buffer);
                runs += 1;
            }
            let samples = (0..31)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..runs {
                        render_count(renderer, &layers, &params, &mut buffer);
                    }
                    start.elapsed().as_nanos() as f64 / f64::from(runs) / case.pixels() as f64
                })
                .collect();
            median(samples)
        };
        let fast = ns(Renderer::Fast);
        let reference = ns(Renderer::Reference);
        println!(
            "{:<10} {:>10.2} {:>10.2} {:>7.1}x",
            case.id,
            fast,
            reference,
            reference / fast
        );
    }
    println!();
}

/// Builds the conformance runner and returns its path.
fn conformance_runner() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--example",
            "conformance",
            "--message-format=json",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "building the conformance runner failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains("\"name\":\"conformance\"") && line.contains("\"executable\""))
        .find_map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).ok()?;
            value["executable"].as_str().map(PathBuf::from)
        })
        .ok_or_else(|| "cargo did not report the conformance runner's path".into())
}

/// Instructions callgrind counts for one run of the runner.
fn callgrind(runner: &Path, file: &Path, renderer: &str, repeat: u32) -> Result<u64, String> {
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(runner)
        .arg(file)
        .args(["--renderer", renderer, "--repeat", &repeat.to_string()])
        .output()
        .map_err(|e| {
            format!("cannot run valgrind ({e}); install it, e.g. `apt-get install valgrind`")
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("valgrind run failed:\n{stderr}"));
    }
    stderr
        .lines()
        .find_map(|line| line.split("Collected : ").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no instruction count in valgrind's output:\n{stderr}"))
}

fn instruction_table(suite: &Suite) -> Result<(), String> {
    let runner = conformance_runner()?;
    let text = std::fs::read_to_string(BENCH_FILE).map_err(|e| e.to_string())?;
    let root: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("stage-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!("instructions per output pixel (callgrind, marginal cost of one render)");
    println!(
        "{:<10} {:>10} {:>10} {:>11} {:>12}",
        "scene", "fast", "reference", "original C", "C / fast"
    );
    for (index, case) in suite.cases.iter().enumerate() {
        // A file holding this scene alone.
        let mut one = root.clone();
        one["cases"] = serde_json::Value::Array(vec![root["cases"][index].clone()]);
        let file = dir.join(format!("{}.json", case.id));
        std::fs::write(&file, one.to_string()).map_err(|e| e.to_string())?;
        let per_pixel = |renderer: &str| -> Result<f64, String> {
            let one = callgrind(&runner, &file, renderer, 1)?;
            let many = callgrind(&runner, &file, renderer, 21)?;
            Ok((many as f64 - one as f64) / 20.0 / case.pixels() as f64)
        };
        let fast = per_pixel("fast")?;
        let reference = per_pixel("reference")?;
        let original = ORIGINAL_C_O2
            .iter()
            .find(|(id, _)| *id == case.id)
            .map(|&(_, ir)| ir);
        match original {
            Some(c) => println!(
                "{:<10} {:>10.2} {:>10.2} {:>11.1} {:>11.1}x",
                case.id,
                fast,
                reference,
                c,
                c / fast
            ),
            None => println!("{:<10} {:>10.2} {:>10.2}", case.id, fast, reference),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
