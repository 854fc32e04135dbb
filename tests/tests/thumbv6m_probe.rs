//! Builds `tests/thumbv6m-probe` (a Cortex-M0+ program that renders frames
//! with stage-core into a sink that discards the bytes) and checks what it
//! links: no `core::fmt` code, no allocator and no panic code at all, so no
//! input can make the renderer panic. Prints the symbol list and the size of
//! the render code.

use std::path::Path;
use std::process::Command;

use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

const TARGET: &str = "thumbv6m-none-eabi";

fn build_probe() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("thumbv6m-probe");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--release", "--locked"])
        .current_dir(&dir)
        // The probe is its own workspace with its own target directory; an
        // outer target directory or flags must not leak in.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .expect("cannot run cargo");
    assert!(
        output.status.success(),
        "building the thumbv6m probe failed (is the target installed? `rustup target add {TARGET}`):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join("target")
        .join(TARGET)
        .join("release")
        .join("thumbv6m-probe")
}

#[test]
#[ignore = "builds for thumbv6m-none-eabi: run by `tests/run cross`"]
fn renders_on_thumbv6m_without_core_fmt() {
    let path = build_probe();
    let data = std::fs::read(&path).unwrap();
    let elf = object::File::parse(&*data).unwrap();
    assert_eq!(elf.architecture(), object::Architecture::Arm);

    let mut functions: Vec<(u64, String)> = elf
        .symbols()
        .filter(|s| s.kind() == SymbolKind::Text && s.size() > 0)
        .map(|s| {
            let name = rustc_demangle::demangle(s.name().unwrap_or("?")).to_string();
            (s.size(), name)
        })
        .collect();
    functions.sort();
    println!("functions linked into the thumbv6m probe (bytes, name):");
    for (size, name) in &functions {
        println!("{size:6}  {name}");
    }

    let offending: Vec<&String> = functions
        .iter()
        .map(|(_, name)| name)
        .filter(|name| {
            name.contains("core::fmt")
                || name.contains("alloc::")
                || name.contains("__rust_alloc")
                || name.contains("panic")
        })
        .collect();
    assert!(
        offending.is_empty(),
        "formatting, allocation or panic code linked: {offending:?}"
    );

    // 64-bit shifts and multiplies are library calls on a Cortex-M0+; the
    // renderer is written so that none are needed.
    let wide: Vec<&String> = functions
        .iter()
        .map(|(_, name)| name)
        .filter(|name| {
            [
                "__aeabi_llsl",
                "__aeabi_llsr",
                "__aeabi_lasr",
                "__aeabi_lmul",
            ]
            .contains(&name.as_str())
        })
        .collect();
    assert!(
        wide.is_empty(),
        "64-bit arithmetic helpers linked: {wide:?}"
    );

    let render: u64 = functions
        .iter()
        .filter(|(_, name)| name.starts_with("stage_core::") || name.contains("draw_frame"))
        .map(|(size, _)| size)
        .sum();
    let text = elf.section_by_name(".text").map_or(0, |s| s.size());
    println!(
        "render code (stage_core functions and draw_frame): {render} bytes; .text: {text} bytes"
    );
    assert!(render > 0, "the render code was not found");
}
