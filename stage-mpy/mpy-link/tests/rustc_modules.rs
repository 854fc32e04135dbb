//! Per-architecture tests on small `no_std` modules compiled with rustc inside the test:
//! structure of the output (header, entry, GOT, relocations, calls, qstrs, BSS) and the
//! specific error for each construct a `.mpy` cannot hold.

mod common;

use common::{branch_targets, build_and_fail, build_and_link, build_with, link_file, PRELUDE};
use mpy_link::dump::{MpyFile, Qstr};
use mpy_link::{Arch, LinkError, Placement, RelocDest};

/// A module with a function object in rodata, BSS state behind `#[no_mangle]`, a qstr,
/// a cross-function call and a `compiler_builtins` helper (128-bit division).
fn module_src() -> String {
    format!(
        r#"{PRELUDE}
extern "C" {{
    #[link_name = "__mpy_qstr_twice"]
    static Q_TWICE: u16;
}}
#[no_mangle]
pub static mut STATE: [u32; 10] = [0; 10];

#[cfg(target_pointer_width = "64")]
type Wide = u128;
#[cfg(target_pointer_width = "32")]
type Wide = u64;

#[inline(never)]
#[no_mangle]
pub extern "C" fn helper(x: u64, y: u64) -> u64 {{
    ((x as Wide * 1_000_003) / (y as Wide | 1)) as u64
}}

#[inline(never)]
fn inner(x: usize) -> usize {{
    unsafe {{ core::ptr::read_volatile(core::ptr::addr_of!(STATE[x & 7])) as usize + x * 3 }}
}}

unsafe extern "C" fn twice(o: Obj) -> Obj {{
    let from: unsafe extern "C" fn(Obj, usize) -> usize = table(3);
    let to: unsafe extern "C" fn(usize, usize) -> Obj = table(4);
    let v = from(o, 2);
    STATE[(v & 7) as usize] += 1;
    to(helper(v as u64, STATE[1] as u64) as usize + inner(v), 2)
}}

#[repr(C)]
pub struct Fun1 {{
    t: *const u8,
    f: unsafe extern "C" fn(Obj) -> Obj,
}}
unsafe impl Sync for Fun1 {{}}
static TWICE_OBJ: Fun1 = Fun1 {{ t: core::ptr::addr_of!(mp_type_fun_builtin_1), f: twice }};

#[no_mangle]
pub unsafe extern "C" fn mpy_init(s: *const *const *mut c_void, _: usize, _: usize, _: *const Obj) -> Obj {{
    let q = core::ptr::read_volatile(core::ptr::addr_of!(Q_TWICE)) as usize;
    register(s, q, &TWICE_OBJ as *const Fun1 as Obj);
    mp_fun_table[0] as Obj
}}
"#
    )
}

fn check_module(arch: Arch) {
    let linked = build_and_link(arch, "module", &module_src());
    let r = &linked.report;
    let m = MpyFile::parse(&linked.mpy).expect("output parses");
    let w = arch.word_size() as u64;

    // Header.
    assert_eq!(linked.mpy[0], b'M');
    assert_eq!((m.version, m.sub_version), (6, 3));
    assert_eq!(linked.mpy[2], (arch.mpy_code() << 2) | 3);
    assert_eq!(m.arch, Some(arch));
    assert_eq!(m.kind, 4);
    assert_eq!(m.trailing, 0);
    assert_eq!(m.text.len(), r.text_size);
    assert_eq!(linked.mpy.len(), r.mpy_size);

    // Entry at offset 0: the entry's section is placed first, no trampoline.
    let thumb = u64::from(arch != Arch::X64 && arch != Arch::Rv32imc);
    assert_eq!(linked.symbol("mpy_init"), Some(Placement::Text(thumb)));
    assert_eq!(r.kept_sections[0].name, ".text.mpy_init");
    assert_eq!(r.trampoline_size, 0);

    // Qstrs: file name, then the linker-assigned module qstr.
    assert_eq!(
        m.qstrs,
        [Qstr::Str("test.mpy".into()), Qstr::Str("twice".into())]
    );
    assert_eq!(r.qstrs, ["twice"]);

    // BSS holds STATE (40 bytes), rounded to a word.
    let state = match linked.symbol("STATE") {
        Some(Placement::Bss(o)) => o,
        other => panic!("STATE not in BSS: {other:?}"),
    };
    assert!(
        m.bss_size >= state + 40 && m.bss_size.is_multiple_of(w),
        "bss {}",
        m.bss_size
    );
    assert_eq!(m.bss_size, r.bss_size);
    assert_eq!(m.scope_flags, 0x10 | 0x40);

    // GOT: the last got_entries words of text, each relocated by the loader.
    let words = m.relocated_words();
    let got_start = m.text.len() as u64 / w - r.got_entries as u64;
    let got: Vec<(RelocDest, u64)> = (got_start..got_start + r.got_entries as u64)
        .map(|i| {
            let dest = words
                .iter()
                .find(|(wi, _)| *wi == i)
                .map(|(_, d)| *d)
                .expect("GOT slot relocated");
            (dest, m.text_word(i).unwrap())
        })
        .collect();
    assert!(got.contains(&(RelocDest::FunTable, 0)), "GOT {got:?}");
    assert!(
        got.contains(&(RelocDest::QstrTable, 2)),
        "qstr slot = &qstr_table[1]: {got:?}"
    );
    assert!(
        got.contains(&(RelocDest::Bss, state)),
        "STATE slot: {got:?}"
    );

    // The function object in rodata: {&mp_type_fun_builtin_1, twice}.
    let (ty, _) = *words
        .iter()
        .find(|(_, d)| *d == RelocDest::FunTableEntry(78))
        .expect("type word relocated with mp_fun_table[78]");
    assert_eq!(m.text_word(ty), Some(0));
    assert!(words.contains(&(ty + 1, RelocDest::Text)));
    let fun = m.text_word(ty + 1).unwrap();
    assert!(fun < r.code_size, "function pointer {fun:#x} into code");
    if thumb == 1 {
        assert_eq!(fun & 1, 1, "Thumb bit of the stored function pointer");
    }

    // Resolved calls: a direct call reaches the private function `inner`; the exported
    // `helper` is called directly or (x64, no PLT) through its GOT slot.
    let inner = r
        .kept_sections
        .iter()
        .find(|k| k.name.contains("5inner"))
        .expect("inner kept")
        .offset;
    let targets = branch_targets(arch, &m.text, r.code_size as usize);
    assert!(
        targets.contains(&inner),
        "no call to inner at {inner:#x}: {targets:x?}"
    );
    let helper = match linked.symbol("helper") {
        Some(Placement::Text(a)) => a,
        other => panic!("helper: {other:?}"),
    };
    assert!(
        targets.contains(&(helper & !1)) || got.contains(&(RelocDest::Text, helper)),
        "helper at {helper:#x} neither called nor in the GOT"
    );

    // compiler_builtins was pulled from the archive for the wide division, and kept.
    assert!(
        r.members_kept.len() >= 2,
        "members kept: {:?}",
        r.members_kept
    );
    assert!(
        r.members_loaded.iter().any(|(_, why)| why.contains("div")),
        "{:?}",
        r.members_loaded
    );

    // Nothing unwanted survived.
    for k in &r.kept_sections {
        assert!(
            !k.name.contains("eh_frame") && !k.name.contains("exidx"),
            "{k:?}"
        );
    }
}

fn check_data_rejected(arch: Arch) {
    let src = format!(
        r#"{PRELUDE}
#[no_mangle]
pub static mut COUNTER: u32 = 12345;
#[no_mangle]
pub unsafe extern "C" fn mpy_init(_: *const *const *mut c_void, _: usize, _: usize, _: *const Obj) -> Obj {{
    core::ptr::write_volatile(core::ptr::addr_of_mut!(COUNTER), core::ptr::read_volatile(core::ptr::addr_of!(COUNTER)) + 1);
    mp_fun_table[0] as Obj
}}
"#
    );
    match build_and_fail(arch, "data", &src) {
        LinkError::InitializedData { at, symbol, size } => {
            assert!(at.section.starts_with(".data"), "{at}");
            assert_eq!(symbol.as_deref(), Some("COUNTER"));
            assert_eq!(size, 4);
        }
        e => panic!("expected InitializedData, got: {e}"),
    }
}

fn check_pc_relative_bss_rejected(arch: Arch) {
    // A private `static mut`: LLVM addresses it PC-relatively, which cannot reach BSS.
    let src = format!(
        r#"{PRELUDE}
static mut PRIVATE: [u32; 8] = [0; 8];
#[no_mangle]
pub unsafe extern "C" fn mpy_init(_: *const *const *mut c_void, n: usize, _: usize, _: *const Obj) -> Obj {{
    let p = core::ptr::addr_of_mut!(PRIVATE) as *mut u32;
    core::ptr::write_volatile(p.add(n & 7), n as u32);
    mp_fun_table[0] as Obj
}}
"#
    );
    let e = build_and_fail(arch, "pcrel_bss", &src);
    match &e {
        LinkError::PcRelativeToBss {
            symbol,
            target_section,
            ..
        } => {
            assert!(
                symbol.contains("PRIVATE") || target_section.contains("PRIVATE"),
                "{e}"
            );
            assert!(target_section.starts_with(".bss"), "{e}");
        }
        e => panic!("expected PcRelativeToBss, got: {e}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("#[no_mangle] pub static mut") && msg.contains("relocation-model=pic"),
        "{msg}"
    );
}

fn check_undefined_rejected(arch: Arch) {
    let src = format!(
        r#"{PRELUDE}
extern "C" {{
    fn not_provided_anywhere(x: usize) -> usize;
}}
#[no_mangle]
pub unsafe extern "C" fn mpy_init(_: *const *const *mut c_void, n: usize, _: usize, _: *const Obj) -> Obj {{
    not_provided_anywhere(n);
    mp_fun_table[0] as Obj
}}
"#
    );
    match build_and_fail(arch, "undef", &src) {
        LinkError::UndefinedSymbols(refs) => {
            assert_eq!(refs.len(), 1, "{refs:?}");
            assert_eq!(refs[0].symbol, "not_provided_anywhere");
            assert_eq!(refs[0].referenced_from.section, ".text.mpy_init");
        }
        e => panic!("expected UndefinedSymbols, got: {e}"),
    }
}

fn check_constructors_rejected(arch: Arch) {
    let src = format!(
        r#"{PRELUDE}
#[no_mangle]
pub static mut HITS: usize = 0;
extern "C" fn ctor() {{ unsafe {{ HITS += 1; }} }}
#[used]
#[link_section = ".init_array"]
static CTOR: extern "C" fn() = ctor;
#[no_mangle]
pub unsafe extern "C" fn mpy_init(_: *const *const *mut c_void, _: usize, _: usize, _: *const Obj) -> Obj {{
    mp_fun_table[0] as Obj
}}
"#
    );
    match build_and_fail(arch, "ctors", &src) {
        LinkError::Constructors { at } => assert!(at.section.starts_with(".init_array"), "{at}"),
        e => panic!("expected Constructors, got: {e}"),
    }
}

/// The checks for one architecture; `$(#[$attr])*` marks those that build for a
/// cross target (they need `rustup target add`, so plain `cargo test` leaves them to
/// `tests/run cross`, which runs the ignored tests).
macro_rules! per_arch {
    ($($(#[$attr:meta])* $m:ident => $arch:expr;)*) => {$(
        mod $m {
            use super::*;
            #[test]
            $(#[$attr])*
            fn module_structure() { check_module($arch) }
            #[test]
            $(#[$attr])*
            fn initialised_data_is_rejected() { check_data_rejected($arch) }
            #[test]
            $(#[$attr])*
            fn pc_relative_bss_is_rejected() { check_pc_relative_bss_rejected($arch) }
            #[test]
            $(#[$attr])*
            fn undefined_symbol_is_rejected() { check_undefined_rejected($arch) }
            #[test]
            $(#[$attr])*
            fn constructors_are_rejected() { check_constructors_rejected($arch) }
        }
    )*};
}

per_arch! {
    x64 => Arch::X64;
    #[ignore = "builds for thumbv6m-none-eabi: run by `tests/run cross`"]
    armv6m => Arch::Armv6m;
    #[ignore = "builds for thumbv7m-none-eabi: run by `tests/run cross`"]
    armv7m => Arch::Armv7m;
    #[ignore = "builds for thumbv7em-none-eabihf: run by `tests/run cross`"]
    armv7emsp => Arch::Armv7emsp;
    #[ignore = "builds for thumbv7em-none-eabihf: run by `tests/run cross`"]
    armv7emdp => Arch::Armv7emdp;
    #[ignore = "builds for riscv32imc-unknown-none-elf: run by `tests/run cross`"]
    rv32imc => Arch::Rv32imc;
}

#[test]
fn thread_local_is_rejected_x64() {
    let src = format!(
        r#"{PRELUDE}
core::arch::global_asm!(
    ".section .tbss.tls_counter,\"awT\",@nobits",
    ".globl tls_counter",
    ".type tls_counter,@object",
    ".p2align 2",
    "tls_counter:",
    ".zero 4",
    ".text",
);
extern "C" {{
    static mut tls_counter: u32;
}}
#[no_mangle]
pub unsafe extern "C" fn mpy_init(_: *const *const *mut c_void, _: usize, _: usize, _: *const Obj) -> Obj {{
    core::ptr::write_volatile(core::ptr::addr_of_mut!(tls_counter), 1);
    mp_fun_table[0] as Obj
}}
"#
    );
    match build_and_fail(Arch::X64, "tls", &src) {
        LinkError::ThreadLocal { at, .. } => assert!(at.section.starts_with(".tbss"), "{at}"),
        e => panic!("expected ThreadLocal, got: {e}"),
    }
}

#[test]
fn non_pic_code_is_rejected_x64() {
    // Static relocation model: the runtime table is addressed PC-relatively.
    let lib = build_with(
        Arch::X64,
        "nonpic",
        &module_src(),
        &["-C", "relocation-model=static"],
    );
    match link_file(Arch::X64, &lib) {
        Err(LinkError::PcRelativeToRuntime { symbol, .. }) => {
            assert!(
                symbol == "mp_fun_table"
                    || symbol.starts_with("__mpy_qstr_")
                    || symbol.starts_with("mp_type_"),
                "{symbol}"
            )
        }
        Err(LinkError::PcRelativeToBss { .. }) | Err(LinkError::AbsoluteAddress { .. }) => {}
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("non-PIC module linked"),
    }
}

#[test]
fn missing_entry_is_reported() {
    let src = format!("{PRELUDE}\n#[no_mangle] pub extern \"C\" fn not_the_entry() {{}}\n");
    match build_and_fail(Arch::X64, "noentry", &src) {
        LinkError::MissingEntry { symbol } => assert_eq!(symbol, "mpy_init"),
        e => panic!("expected MissingEntry, got: {e}"),
    }
}
