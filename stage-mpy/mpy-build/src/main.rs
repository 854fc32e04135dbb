//! `cargo mpy`: builds the `_stage` MicroPython native module for every supported
//! architecture and prints a size table.
//!
//! For each architecture it builds the module crate (default `stage-mpy`, with its
//! `natmod` feature) as a `no_std` staticlib with fat LTO, `panic = "abort"`, size
//! optimisation and `-C relocation-model=pic`, in its own target directory and with
//! flags that apply to that build only, then links it with `mpy-link` into
//! `<workspace>/target/mpy/<arch>/_stage.mpy`. Missing Rust targets are installed with
//! `rustup target add`. The module crate can ask for extra features on some
//! architectures in its manifest (`[package.metadata.mpy.arch-features]`, e.g.
//! `armv6m = ["small"]`); `--no-arch-features` ignores them.
//!
//! Python modules the crate lists (`[package.metadata.mpy] python-manifest`, see
//! `python.rs`) are compiled with `mpy-cross` into the same directory, with a
//! `package.json` for `mpremote mip install`.
//!
//! Run it as `cargo mpy` (a workspace alias) or `cargo mpy --arch x64`; `--help` lists
//! the options.

mod cargo;
mod cli;
mod metadata;
mod python;
mod table;
mod toolchain;

use mpy_link::{link, Input, Options};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

/// A fatal error, printed as `mpy-build: error: ...`.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn run(args: cli::Args) -> Result<(), Error> {
    let manifest = match &args.manifest_path {
        Some(m) => Some(
            std::fs::canonicalize(m)
                .map_err(|e| Error(format!("--manifest-path {}: {e}", m.display())))?,
        ),
        None => None,
    };
    let root = cargo::workspace_root(manifest.as_deref())?;
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| root.join("target").join("mpy"));
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| root.join("target").join("mpy-build"));
    let lib_name = args
        .example
        .as_deref()
        .unwrap_or(&args.package)
        .replace('-', "_");
    let file_name = format!("{}.mpy", args.name);

    for arch in &args.archs {
        toolchain::ensure_target(arch.rust_target(), args.verbose)?;
    }
    let meta = metadata::PackageMeta::load(&root, manifest.as_deref(), &args.package)?;
    let arch_features = if args.arch_features {
        meta.arch_features
    } else {
        metadata::ArchFeatures::default()
    };
    // The Python modules go with the crate's own module, not with an example.
    let python = match (&meta.python_manifest, args.python && args.example.is_none()) {
        (Some(path), true) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
            let entries = python::parse(&text, &path.display().to_string())?;
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            Some((entries, dir, python::mpy_cross(&root)?))
        }
        _ => None,
    };
    let mut reports = Vec::new();
    let mut outputs: Vec<PathBuf> = Vec::new();
    for &arch in &args.archs {
        let features = metadata::merge(&args.features, arch_features.get(arch));
        eprintln!(
            "mpy-build: building {} for {arch} ({}, features: {})",
            args.package,
            arch.rust_target(),
            if features.is_empty() {
                "none"
            } else {
                &features
            }
        );
        let staticlib = cargo::Build {
            arch,
            root: &root,
            manifest_path: manifest.as_deref(),
            package: &args.package,
            example: args.example.as_deref(),
            features: &features,
            opt_level: &args.opt_level,
            target_dir: &target_dir,
            line_tables: args.line_tables,
            verbose: args.verbose,
        }
        .run(&lib_name)?;
        let input = Input::read(&staticlib).map_err(|e| Error(e.to_string()))?;
        let linked = link(&[input], &Options::new(arch).file_name(file_name.clone()))
            .map_err(|e| Error(format!("linking {file_name} for {arch}: {e}")))?;
        let dir = out_dir.join(arch.name());
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
        let out = dir.join(&file_name);
        std::fs::write(&out, &linked.mpy)
            .map_err(|e| Error(format!("cannot write {}: {e}", out.display())))?;
        if args.verbose {
            eprint!("{}", linked.report.details());
        }
        reports.push((linked.report, features));
        outputs.push(out);
        if let Some((entries, manifest_dir, mpy_cross)) = &python {
            outputs.extend(python::install(
                entries,
                manifest_dir,
                mpy_cross,
                arch,
                &dir,
                &file_name,
            )?);
        }
    }
    print!("{}", table::size_table(&reports));
    for o in &outputs {
        println!("wrote {}", o.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Parsed::Build(a)) => *a,
        Ok(cli::Parsed::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mpy-build: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mpy-build: error: {e}");
            ExitCode::FAILURE
        }
    }
}
