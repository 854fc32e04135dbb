//! `mpy-link`: links ELF objects and archives into a MicroPython native `.mpy`, or dumps one.

use mpy_link::{dump::MpyFile, link, Arch, Input, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: mpy-link --arch ARCH -o OUT.mpy [--name NAME] [--entry SYMBOL] [-v] INPUTS...
       mpy-link --dump FILE.mpy

Links ELF relocatable objects (.o) and ar archives (.a, e.g. a Rust staticlib) into a
MicroPython native module (.mpy 6.3) and prints a size report.

options:
  --arch ARCH      x64, armv6m, armv7m, armv7emsp, armv7emdp or rv32imc
  -o OUT.mpy       output file
  --name NAME      file name stored in the module (default: the output's file name)
  --entry SYMBOL   entry symbol (default: mpy_init)
  -v               also list kept sections, GOT slots, qstrs and archive members
  --dump FILE      print the header, qstrs, sizes and relocations of a .mpy
  -h, --help       this help

exit status: 0 success, 1 link error, 2 usage error";

struct Args {
    arch: Arch,
    out: PathBuf,
    name: Option<String>,
    entry: Option<String>,
    verbose: bool,
    inputs: Vec<PathBuf>,
}

enum Command {
    Link(Args),
    Dump(PathBuf),
    Help,
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    let mut arch = None;
    let mut out = None;
    let mut name = None;
    let mut entry = None;
    let mut verbose = false;
    let mut inputs = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |opt: &str| it.next().ok_or_else(|| format!("{opt} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--dump" => return Ok(Command::Dump(PathBuf::from(value("--dump")?))),
            "--arch" => {
                arch = Some(
                    value("--arch")?
                        .parse::<Arch>()
                        .map_err(|e| e.to_string())?,
                )
            }
            "-o" => out = Some(PathBuf::from(value("-o")?)),
            "--name" => name = Some(value("--name")?),
            "--entry" => entry = Some(value("--entry")?),
            "-v" | "--verbose" => verbose = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option `{s}`")),
            _ => inputs.push(PathBuf::from(a)),
        }
    }
    let arch = arch.ok_or("--arch is required")?;
    let out = out.ok_or("-o OUT.mpy is required")?;
    if inputs.is_empty() {
        return Err("no input files".into());
    }
    Ok(Command::Link(Args {
        arch,
        out,
        name,
        entry,
        verbose,
        inputs,
    }))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "module.mpy".into())
}

fn run_link(a: Args) -> Result<(), String> {
    let inputs = a
        .inputs
        .iter()
        .map(Input::read)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let mut opts = Options::new(a.arch).file_name(a.name.unwrap_or_else(|| file_name(&a.out)));
    if let Some(e) = a.entry {
        opts = opts.entry(e);
    }
    let linked = link(&inputs, &opts).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &linked.mpy)
        .map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    println!("{} -> {}", linked.report, a.out.display());
    if a.verbose {
        print!("{}", linked.report.details());
    }
    Ok(())
}

fn run_dump(path: &Path) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let m = MpyFile::parse(&data).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{m}");
    Ok(())
}

fn main() -> ExitCode {
    let cmd = match parse_args(std::env::args().skip(1).collect()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mpy-link: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        Command::Help => {
            println!("{USAGE}");
            Ok(())
        }
        Command::Dump(p) => run_dump(&p),
        Command::Link(a) => run_link(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mpy-link: error: {e}");
            ExitCode::from(1)
        }
    }
}
