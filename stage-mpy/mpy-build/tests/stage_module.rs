//! Builds the real `_stage` module for armv6m, the way `cargo mpy` does, and checks its
//! size budget: at most 8192 bytes, and none of the code that used to blow it:
//! `compiler_builtins`' generic `memcpy`/`memset` (pulled in by the ARM EABI entry points
//! `__aeabi_memcpy*`/`__aeabi_memclr*` unless mpy-abi provides them), software division
//! (`__aeabi_uidiv`, pulled in by decimal formatting) and `core::fmt`.

use std::path::{Path, PathBuf};
use std::process::Command;

const BUDGET: u64 = 8192;

fn workspace_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml")
}

#[test]
#[ignore = "builds for thumbv6m-none-eabi: run by `tests/run cross`"]
fn armv6m_stage_module_fits_its_budget() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stage-module");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let res = Command::new(env!("CARGO_BIN_EXE_mpy-build"))
        .arg("--manifest-path")
        .arg(workspace_manifest())
        .args(["--arch", "armv6m", "-v", "--out-dir"])
        .arg(dir.join("mpy"))
        .arg("--target-dir")
        .arg(dir.join("target"))
        .output()
        .expect("run mpy-build");
    let stderr = String::from_utf8_lossy(&res.stderr);
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "mpy-build failed:\n{stdout}\n{stderr}"
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("armv6m"))
        .unwrap_or_else(|| panic!("no armv6m row:\n{stdout}"));
    assert!(
        row.ends_with("natmod,small"),
        "armv6m uses stage-core's fast renderer with feature small: {row}"
    );
    let size = std::fs::metadata(dir.join("mpy/armv6m/_stage.mpy"))
        .expect("_stage.mpy written")
        .len();
    println!("{stdout}");
    assert!(
        size <= BUDGET,
        "armv6m _stage.mpy is {size} bytes, budget {BUDGET}"
    );
    // The linker's listing of kept sections (printed with -v).
    let kept: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("text 0x"))
        .collect();
    assert!(!kept.is_empty(), "no section listing:\n{stderr}");
    for unwanted in [
        "compiler_builtins3mem",
        "u32_div_rem",
        "aeabi_uidiv",
        "core3fmt",
    ] {
        let found: Vec<&&str> = kept.iter().filter(|l| l.contains(unwanted)).collect();
        assert!(
            found.is_empty(),
            "{unwanted} linked into the armv6m module: {found:?}"
        );
    }
}
