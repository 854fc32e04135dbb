//! Shared helpers: build `no_std` Rust snippets into staticlibs with rustc, link them,
//! decode branches independently of the linker.
#![allow(dead_code)]

use mpy_link::{link, Arch, Input, LinkError, Linked, Options};
use std::path::PathBuf;
use std::process::Command;

/// rustc flags a native-module build uses (besides the target).
const RUSTC_FLAGS: [&str; 14] = [
    "-C",
    "panic=abort",
    "-C",
    "lto=fat",
    "-C",
    "codegen-units=1",
    "-C",
    "opt-level=s",
    "-C",
    "debuginfo=0",
    "-C",
    "relocation-model=pic",
    "-C",
    "force-unwind-tables=no",
];

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string())
}

/// Fails (never skips) when the Rust target for `arch` is not installed.
pub fn require_target(arch: Arch) {
    let triple = arch.rust_target();
    let out = Command::new(rustc())
        .args(["--print", "target-libdir", "--target", triple])
        .output()
        .expect("cannot run rustc");
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let has_core = out.status.success()
        && std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
            })
            .unwrap_or(false);
    assert!(
        has_core,
        "Rust target {triple} is not installed (needed for the {arch} tests): run `rustup target add {triple}`"
    );
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("mpy-link-tests")
        .join(name);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Compiles `src` as a `#![no_std]` staticlib for `arch` and returns the archive's path.
pub fn build_with(arch: Arch, name: &str, src: &str, extra: &[&str]) -> PathBuf {
    require_target(arch);
    let dir = scratch(&format!("{name}-{arch}"));
    let src_path = dir.join(format!("{name}.rs"));
    std::fs::write(&src_path, src).expect("write source");
    let out = dir.join(format!("lib{name}.a"));
    let mut cmd = Command::new(rustc());
    cmd.args([
        "--edition=2021",
        "--crate-type=staticlib",
        "--crate-name",
        name,
        "--target",
        arch.rust_target(),
    ])
    .args(RUSTC_FLAGS)
    .args(arch.extra_rustflags())
    .args(extra)
    .arg("-o")
    .arg(&out)
    .arg(&src_path);
    let res = cmd.output().expect("cannot run rustc");
    assert!(
        res.status.success(),
        "rustc failed for {name} ({arch}):\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
    out
}

pub fn build(arch: Arch, name: &str, src: &str) -> PathBuf {
    build_with(arch, name, src, &[])
}

pub fn link_file(arch: Arch, path: &PathBuf) -> Result<Linked, LinkError> {
    let input = Input::read(path).expect("read staticlib");
    link(&[input], &Options::new(arch).file_name("test.mpy"))
}

/// Builds and links; panics with the link error on failure.
pub fn build_and_link(arch: Arch, name: &str, src: &str) -> Linked {
    let lib = build(arch, name, src);
    match link_file(arch, &lib) {
        Ok(l) => l,
        Err(e) => panic!("link failed for {name} ({arch}): {e}"),
    }
}

/// Builds and links a snippet that must fail; returns the error.
pub fn build_and_fail(arch: Arch, name: &str, src: &str) -> LinkError {
    let lib = build(arch, name, src);
    match link_file(arch, &lib) {
        Ok(l) => panic!(
            "link of {name} ({arch}) unexpectedly succeeded:\n{}",
            l.report.details()
        ),
        Err(e) => e,
    }
}

/// Common declarations for test modules.
pub const PRELUDE: &str = r#"
#![no_std]
#![allow(static_mut_refs, dead_code)]
use core::ffi::c_void;
pub type Obj = *mut c_void;
extern "C" {
    static mp_fun_table: [usize; 87];
    static mp_type_fun_builtin_1: u8;
}
unsafe fn table<T: Copy>(i: usize) -> T { core::mem::transmute_copy(&mp_fun_table[i]) }
unsafe fn register(s: *const *const *mut c_void, q: usize, o: Obj) {
    let swap: unsafe extern "C" fn(*mut c_void) -> *mut c_void = table(5);
    let store: unsafe extern "C" fn(usize, Obj) = table(13);
    let old = swap(*(*s.add(1) as *const *mut c_void).add(1));
    store(q, o);
    swap(old);
}
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
"#;

fn rd16(t: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([t[i], t[i + 1]])
}
fn rd32(t: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([t[i], t[i + 1], t[i + 2], t[i + 3]])
}
fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// Every call/jump target found by decoding `text[..code_end]` (false positives are
/// possible; tests look for a specific target).
pub fn branch_targets(arch: Arch, text: &[u8], code_end: usize) -> Vec<u64> {
    let mut out = Vec::new();
    match arch {
        Arch::X64 => {
            for i in 0..code_end.saturating_sub(4) {
                if text[i] == 0xe8 || text[i] == 0xe9 {
                    let rel = rd32(text, i + 1) as i32 as i64;
                    out.push((i as i64 + 5 + rel) as u64);
                }
            }
        }
        Arch::Rv32imc => {
            for i in (0..code_end.saturating_sub(3)).step_by(2) {
                let ins = rd32(text, i);
                if ins & 0x7f == 0x6f {
                    // jal
                    let imm = ((ins >> 31) & 1) << 20
                        | ((ins >> 12) & 0xff) << 12
                        | ((ins >> 20) & 1) << 11
                        | ((ins >> 21) & 0x3ff) << 1;
                    out.push((i as i64 + sext(imm as u64, 21)) as u64);
                }
                if ins & 0x7f == 0x17 && i + 8 <= code_end {
                    // auipc rd; jalr x?, lo(rd)
                    let next = rd32(text, i + 4);
                    let rd = (ins >> 7) & 0x1f;
                    if next & 0x7f == 0x67 && (next >> 15) & 0x1f == rd {
                        let v = sext(u64::from(ins & 0xffff_f000), 32)
                            + sext(u64::from(next >> 20), 12);
                        out.push((i as i64 + v) as u64);
                    }
                }
            }
        }
        _ => {
            for i in (0..code_end.saturating_sub(3)).step_by(2) {
                let (hi, lo) = (rd16(text, i), rd16(text, i + 2));
                if hi & 0xf800 == 0xf000 && (lo & 0xd000 == 0xd000 || lo & 0xd000 == 0x9000) {
                    let s = u64::from((hi >> 10) & 1);
                    let j1 = u64::from((lo >> 13) & 1);
                    let j2 = u64::from((lo >> 11) & 1);
                    let i1 = !(j1 ^ s) & 1;
                    let i2 = !(j2 ^ s) & 1;
                    let off = (s << 24)
                        | (i1 << 23)
                        | (i2 << 22)
                        | (u64::from(hi & 0x3ff) << 12)
                        | (u64::from(lo & 0x7ff) << 1);
                    out.push((i as i64 + 4 + sext(off, 25)) as u64);
                }
            }
        }
    }
    out
}
