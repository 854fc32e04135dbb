//! Building the module crate as a staticlib with the native-module flags, in an isolated
//! cargo invocation.

use crate::Error;
use mpy_link::Arch;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo profile used for module builds; it exists only in the child's `--config`.
pub const PROFILE: &str = "natmod";

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The root directory of the workspace that `manifest` (or the current directory) is in.
pub fn workspace_root(manifest: Option<&Path>) -> Result<PathBuf, Error> {
    let mut cmd = Command::new(cargo());
    cmd.args(["locate-project", "--workspace", "--message-format", "plain"]);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .output()
        .map_err(|e| Error(format!("cannot run cargo: {e}")))?;
    if !out.status.success() {
        return Err(Error(format!(
            "cannot find the cargo workspace: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let toml = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    toml.parent().map(Path::to_path_buf).ok_or_else(|| {
        Error(format!(
            "unexpected workspace manifest path {}",
            toml.display()
        ))
    })
}

/// Settings of one module build.
pub struct Build<'a> {
    pub arch: Arch,
    pub root: &'a Path,
    pub manifest_path: Option<&'a Path>,
    pub package: &'a str,
    /// An example target of the package to build instead of its library.
    pub example: Option<&'a str>,
    pub features: &'a str,
    pub opt_level: &'a str,
    pub target_dir: &'a Path,
    /// Compile with line tables (for profiling; the linked module is the same).
    pub line_tables: bool,
    pub verbose: bool,
}

impl Build<'_> {
    /// The `--config` settings of the module profile.
    fn profile_config(&self) -> Vec<String> {
        let p = format!("profile.{PROFILE}");
        vec![
            format!("{p}.inherits=\"release\""),
            format!("{p}.panic=\"abort\""),
            format!("{p}.lto=\"fat\""),
            format!("{p}.codegen-units=1"),
            format!("{p}.opt-level=\"{}\"", self.opt_level),
            if self.line_tables {
                format!("{p}.debug=\"line-tables-only\"")
            } else {
                format!("{p}.debug=false")
            },
            format!("{p}.debug-assertions=false"),
            format!("{p}.overflow-checks=false"),
            format!("{p}.incremental=false"),
            format!("{p}.strip=\"none\""),
        ]
    }

    /// The command that builds the staticlib. The flags apply to this invocation only:
    /// a separate target dir, a profile defined on the command line, and
    /// `CARGO_ENCODED_RUSTFLAGS`, which replaces any RUSTFLAGS or config rustflags.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(self.root).arg("rustc");
        if let Some(m) = self.manifest_path {
            cmd.arg("--manifest-path").arg(m);
        }
        cmd.args(["-p", self.package]);
        match self.example {
            Some(example) => cmd.args(["--example", example]),
            None => cmd.arg("--lib"),
        };
        cmd.args(["--crate-type", "staticlib"])
            .args(["--target", self.arch.rust_target()])
            .args(["--profile", PROFILE])
            .arg("--target-dir")
            .arg(self.target_dir);
        if !self.features.is_empty() {
            cmd.args(["--features", self.features]);
        }
        for c in self.profile_config() {
            cmd.arg("--config").arg(c);
        }
        cmd.env(
            "CARGO_ENCODED_RUSTFLAGS",
            self.arch.rustflags().join("\x1f"),
        );
        for var in [
            "RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET_DIR",
            "CARGO_BUILD_TARGET",
        ] {
            cmd.env_remove(var);
        }
        if self.verbose {
            cmd.arg("-v");
        }
        cmd
    }

    /// Runs the build and returns the staticlib's path.
    pub fn run(&self, lib_name: &str) -> Result<PathBuf, Error> {
        let mut cmd = self.command();
        if self.verbose {
            eprintln!(
                "mpy-build: CARGO_ENCODED_RUSTFLAGS={:?} {:?}",
                self.arch.rustflags().join(" "),
                cmd
            );
        }
        let status = cmd
            .status()
            .map_err(|e| Error(format!("cannot run cargo: {e}")))?;
        if !status.success() {
            return Err(Error(format!(
                "building `{}` for {} ({}) failed ({status}); see the compiler output above",
                self.package,
                self.arch,
                self.arch.rust_target()
            )));
        }
        let mut dir = self.target_dir.join(self.arch.rust_target()).join(PROFILE);
        if self.example.is_some() {
            dir.push("examples");
        }
        let lib = dir.join(format!("lib{lib_name}.a"));
        if lib.is_file() {
            return Ok(lib);
        }
        // A crate with a custom [lib] name: take the only staticlib there is.
        let found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Error(format!("cannot read {}: {e}", dir.display())))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "a"))
            .collect();
        match found.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(Error(format!(
                "cargo succeeded but {} was not produced (found {} .a files in {})",
                lib.display(),
                found.len(),
                dir.display()
            ))),
        }
    }
}
