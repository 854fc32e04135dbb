//! Making sure the Rust targets are installed.

use crate::Error;
use std::path::PathBuf;
use std::process::Command;

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into())
}

/// True if the standard library (`core`) for `triple` is installed for the active toolchain.
pub fn target_installed(triple: &str) -> bool {
    let Ok(out) = Command::new(rustc())
        .args(["--print", "target-libdir", "--target", triple])
        .output()
    else {
        return false;
    };
    if !out.status.success() {
        return false;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
        })
        .unwrap_or(false)
}

/// Installs `triple` with `rustup target add` if it is missing.
pub fn ensure_target(triple: &str, verbose: bool) -> Result<(), Error> {
    if target_installed(triple) {
        return Ok(());
    }
    eprintln!("mpy-build: installing Rust target {triple} (rustup target add {triple})");
    let status = Command::new("rustup")
        .args(["target", "add", triple])
        .status()
        .map_err(|e| {
            Error(format!(
                "Rust target {triple} is not installed and rustup could not be run ({e}); \
             install the target for your toolchain, e.g. `rustup target add {triple}`"
            ))
        })?;
    if !status.success() || !target_installed(triple) {
        return Err(Error(format!(
            "`rustup target add {triple}` failed ({status}); the {triple} standard library is needed to build the module"
        )));
    }
    if verbose {
        eprintln!("mpy-build: {triple} installed");
    }
    Ok(())
}
