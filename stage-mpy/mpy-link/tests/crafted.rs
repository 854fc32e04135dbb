//! Tests on tiny hand-made ELF objects: relocation types that are hard to provoke from
//! rustc, entry trampolines, weak/strong resolution and the errors for what a `.mpy`
//! cannot hold.

mod common;

use common::branch_targets;
use mpy_link::dump::MpyFile;
use mpy_link::{link, Arch, Input, LinkError, Linked, Options, Placement, RelocDest};
use object::elf::RelocationType;
use object::write::{Object, Relocation, SectionId, Symbol, SymbolId, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};

struct Elf(Object<'static>);

impl Elf {
    fn new(arch: Arch) -> Elf {
        let a = match arch {
            Arch::X64 => Architecture::X86_64,
            Arch::Rv32imc => Architecture::Riscv32,
            _ => Architecture::Arm,
        };
        Elf(Object::new(BinaryFormat::Elf, a, Endianness::Little))
    }
    fn section(&mut self, name: &str, kind: SectionKind, data: &[u8], align: u64) -> SectionId {
        let id = self
            .0
            .add_section(Vec::new(), name.as_bytes().to_vec(), kind);
        self.0.append_section_data(id, data, align);
        id
    }
    fn bss(&mut self, name: &str, size: u64) -> SectionId {
        let id = self.0.add_section(
            Vec::new(),
            name.as_bytes().to_vec(),
            SectionKind::UninitializedData,
        );
        self.0.append_section_bss(id, size, 4);
        id
    }
    fn symbol(
        &mut self,
        name: &str,
        section: Option<SectionId>,
        value: u64,
        global: bool,
        weak: bool,
    ) -> SymbolId {
        self.0.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value,
            size: 0,
            kind: if section.is_some() {
                SymbolKind::Text
            } else {
                SymbolKind::Unknown
            },
            scope: if global {
                SymbolScope::Linkage
            } else {
                SymbolScope::Compilation
            },
            weak,
            section: section.map_or(SymbolSection::Undefined, SymbolSection::Section),
            flags: SymbolFlags::None,
        })
    }
    fn global(&mut self, name: &str, section: SectionId, value: u64) -> SymbolId {
        self.symbol(name, Some(section), value, true, false)
    }
    fn local(&mut self, name: &str, section: SectionId, value: u64) -> SymbolId {
        self.symbol(name, Some(section), value, false, false)
    }
    fn undefined(&mut self, name: &str) -> SymbolId {
        self.symbol(name, None, 0, true, false)
    }
    fn reloc(
        &mut self,
        section: SectionId,
        offset: u64,
        symbol: SymbolId,
        r_type: u32,
        addend: i64,
    ) {
        self.0
            .add_relocation(
                section,
                Relocation {
                    offset,
                    symbol,
                    addend,
                    flags: RelocationFlags::Elf {
                        r_type: RelocationType(r_type),
                    },
                },
            )
            .expect("add relocation");
    }
    fn input(self, name: &str) -> Input {
        Input::new(name, self.0.write().expect("write ELF"))
    }
}

fn link_ok(arch: Arch, inputs: Vec<Input>) -> (Linked, MpyFile) {
    let linked = link(&inputs, &Options::new(arch).file_name("t.mpy"))
        .unwrap_or_else(|e| panic!("{arch}: {e}"));
    let m = MpyFile::parse(&linked.mpy).expect("parses");
    (linked, m)
}

fn link_err(arch: Arch, inputs: Vec<Input>) -> LinkError {
    match link(&inputs, &Options::new(arch)) {
        Ok(l) => panic!("{arch}: link succeeded:\n{}", l.report.details()),
        Err(e) => e,
    }
}

fn text_addr(l: &Linked, name: &str) -> u64 {
    match l.symbol(name) {
        Some(Placement::Text(a)) => a,
        other => panic!("{name}: {other:?}"),
    }
}

fn rd16(t: &[u8], i: u64) -> u16 {
    u16::from_le_bytes([t[i as usize], t[i as usize + 1]])
}
fn rd32(t: &[u8], i: u64) -> u32 {
    u32::from_le_bytes(t[i as usize..i as usize + 4].try_into().unwrap())
}
fn rd64(t: &[u8], i: u64) -> u64 {
    u64::from_le_bytes(t[i as usize..i as usize + 8].try_into().unwrap())
}
fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// `mpy_init` 8 bytes into a plain `.text`: the linker must emit a trampoline at offset 0.
#[test]
fn entry_trampoline_for_every_arch() {
    for arch in Arch::ALL {
        let mut e = Elf::new(arch);
        let (filler, ret, thumb): (&[u8], &[u8], u64) = match arch {
            Arch::X64 => (&[0x90; 8], &[0xc3], 0),
            Arch::Rv32imc => (&[0x13, 0, 0, 0, 0x13, 0, 0, 0], &[0x67, 0x80, 0, 0], 0),
            _ => (
                &[0x00, 0xbf, 0x00, 0xbf, 0x00, 0xbf, 0x00, 0xbf],
                &[0x70, 0x47],
                1,
            ),
        };
        let text = e.section(".text", SectionKind::Text, &[filler, ret].concat(), 4);
        e.global("mpy_init", text, 8 + thumb);
        let (l, m) = link_ok(arch, vec![e.input("tramp.o")]);
        let entry = text_addr(&l, "mpy_init");
        assert!(l.report.trampoline_size > 0, "{arch}");
        assert_eq!(entry & !1, l.report.kept_sections[0].offset + 8, "{arch}");
        let targets = branch_targets(arch, &m.text, l.report.trampoline_size);
        assert!(
            targets.contains(&(entry & !1)),
            "{arch}: trampoline targets {targets:x?}, entry {entry:#x}"
        );
        match arch {
            Arch::X64 => assert_eq!(m.text[0], 0xe9),
            // push {r4, lr}; bl; pop {r4, pc}
            Arch::Armv6m => assert_eq!((rd16(&m.text, 0), rd16(&m.text, 6)), (0xb510, 0xbd10)),
            // b.w
            Arch::Armv7m | Arch::Armv7emsp | Arch::Armv7emdp => {
                assert_eq!(rd16(&m.text, 2) & 0xd000, 0x9000)
            }
            // auipc t1; jalr x0, t1
            Arch::Rv32imc => assert_eq!(
                (rd32(&m.text, 0) & 0xfff, rd32(&m.text, 4) & 0xfffff),
                (0x317, 0x30067)
            ),
        }
    }
}

fn x64_caller(e: &mut Elf, callee: SymbolId) -> SectionId {
    // call callee; ret
    let t = e.section(
        ".text.mpy_init",
        SectionKind::Text,
        &[0xe8, 0, 0, 0, 0, 0xc3],
        1,
    );
    e.global("mpy_init", t, 0);
    e.reloc(t, 1, callee, 4, -4);
    t
}

#[test]
fn strong_definition_beats_weak_in_any_order() {
    for strong_first in [false, true] {
        let mut a = Elf::new(Arch::X64);
        let weak_sec = a.section(".text.foo", SectionKind::Text, &[0x31, 0xc0, 0xc3], 1);
        let foo = a.symbol("foo", Some(weak_sec), 0, true, true);
        x64_caller(&mut a, foo);
        let mut b = Elf::new(Arch::X64);
        let strong_sec = b.section(".text.foo", SectionKind::Text, &[0xb8, 1, 0, 0, 0, 0xc3], 1);
        b.global("foo", strong_sec, 0);
        let inputs = if strong_first {
            vec![b.input("strong.o"), a.input("weak.o")]
        } else {
            vec![a.input("weak.o"), b.input("strong.o")]
        };
        let (l, m) = link_ok(Arch::X64, inputs);
        let foo = l
            .report
            .kept_sections
            .iter()
            .find(|k| k.name == ".text.foo")
            .expect("foo kept");
        assert_eq!(foo.input, "strong.o");
        assert_eq!(foo.size, 6);
        assert_eq!(
            l.report
                .kept_sections
                .iter()
                .filter(|k| k.name == ".text.foo")
                .count(),
            1,
            "weak copy collected"
        );
        assert_eq!(text_addr(&l, "foo"), foo.offset);
        assert_eq!(
            sext(u64::from(rd32(&m.text, 1)), 32) + 5,
            foo.offset as i64,
            "call resolved to the strong foo"
        );
    }
}

#[test]
fn duplicate_strong_definitions_are_rejected() {
    let mut a = Elf::new(Arch::X64);
    let foo = a.undefined("foo");
    x64_caller(&mut a, foo);
    let fa = a.section(".text.foo", SectionKind::Text, &[0xc3], 1);
    a.global("foo", fa, 0);
    let mut b = Elf::new(Arch::X64);
    let fb = b.section(".text.foo", SectionKind::Text, &[0xc3], 1);
    b.global("foo", fb, 0);
    match link_err(Arch::X64, vec![a.input("a.o"), b.input("b.o")]) {
        LinkError::DuplicateSymbol {
            symbol,
            first,
            second,
        } => {
            assert_eq!(
                (symbol.as_str(), first.as_str(), second.as_str()),
                ("foo", "a.o", "b.o")
            )
        }
        e => panic!("{e}"),
    }
}

#[test]
fn weak_undefined_resolves_to_null_without_loader_relocation() {
    let mut e = Elf::new(Arch::X64);
    // mov rax, [rip + maybe@GOTPCREL]; ret
    let t = e.section(
        ".text.mpy_init",
        SectionKind::Text,
        &[0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3],
        1,
    );
    e.global("mpy_init", t, 0);
    let maybe = e.symbol("maybe", None, 0, true, true);
    e.reloc(t, 3, maybe, 9, -4);
    let (l, m) = link_ok(Arch::X64, vec![e.input("w.o")]);
    assert_eq!(l.report.got_entries, 1);
    let slot = 7 + sext(u64::from(rd32(&m.text, 3)), 32) as u64;
    assert_eq!(rd64(&m.text, slot), 0);
    assert!(m.relocated_words().is_empty());
}

#[test]
fn x64_relocations() {
    let mut e = Elf::new(Arch::X64);
    let code = [
        0x48, 0x8d, 0x05, 0, 0, 0,
        0, // 0: lea rax, [rip + _GLOBAL_OFFSET_TABLE_] (GOTPC32 @3)
        0x48, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, // 7: movabs rcx, data@GOTOFF (GOTOFF64 @9)
        0x48, 0x8b, 0x15, 0, 0, 0,
        0,    // 17: mov rdx, [rip + state@GOTPCREL] (REX_GOTPCRELX @20)
        0xc3, // 24
    ];
    let t = e.section(".text.mpy_init", SectionKind::Text, &code, 16);
    e.global("mpy_init", t, 0);
    let ro = e.section(".rodata.table", SectionKind::ReadOnlyData, &[0u8; 24], 8);
    let data = e.local("data", ro, 8);
    let bss = e.bss(".bss.state", 32);
    let state = e.global("state", bss, 4);
    let got = e.undefined("_GLOBAL_OFFSET_TABLE_");
    e.reloc(t, 3, got, 26, -4);
    e.reloc(t, 9, data, 25, 0);
    e.reloc(t, 20, state, 42, -4);
    // rodata: [&state (R_X86_64_64), . - mpy_init (R_X86_64_PC64), &mp_type_list]
    e.reloc(ro, 0, state, 1, 0);
    let init = e.undefined("mpy_init");
    e.reloc(ro, 8, init, 24, 0);
    let list = e.undefined("mp_type_list");
    e.reloc(ro, 16, list, 1, 0);
    let (l, m) = link_ok(Arch::X64, vec![e.input("x.o")]);
    let got_base = m.text.len() as u64 - 8 * l.report.got_entries as u64;
    let ro_off = l
        .report
        .kept_sections
        .iter()
        .find(|k| k.name == ".rodata.table")
        .unwrap()
        .offset;
    assert_eq!(
        7 + sext(u64::from(rd32(&m.text, 3)), 32),
        got_base as i64,
        "GOTPC32"
    );
    assert_eq!(
        rd64(&m.text, 9) as i64,
        (ro_off + 8) as i64 - got_base as i64,
        "GOTOFF64"
    );
    let slot = (24 + sext(u64::from(rd32(&m.text, 20)), 32)) as u64;
    assert_eq!(rd64(&m.text, slot), 4, "GOT slot holds state's BSS offset");
    let words = m.relocated_words();
    assert!(words.contains(&(slot / 8, RelocDest::Bss)));
    assert!(words.contains(&(ro_off / 8, RelocDest::Bss)));
    assert_eq!(rd64(&m.text, ro_off), 4);
    assert_eq!(
        rd64(&m.text, ro_off + 8) as i64,
        -((ro_off + 8) as i64),
        "PC64"
    );
    assert!(words.contains(&(ro_off / 8 + 2, RelocDest::FunTableEntry(75))));
}

fn x64_single(code: &[u8], offset: u64, target: &str, in_bss: bool, r_type: u32) -> LinkError {
    let mut e = Elf::new(Arch::X64);
    let t = e.section(".text.mpy_init", SectionKind::Text, code, 1);
    e.global("mpy_init", t, 0);
    let sym = if in_bss {
        let b = e.bss(".bss.x", 8);
        e.global(target, b, 0)
    } else {
        e.undefined(target)
    };
    e.reloc(t, offset, sym, r_type, 0);
    link_err(Arch::X64, vec![e.input("bad.o")])
}

#[test]
fn x64_unrepresentable_references_are_rejected() {
    // mov eax, [abs32] with R_X86_64_32S: not position-independent.
    match x64_single(&[0x8b, 0x04, 0x25, 0, 0, 0, 0, 0xc3], 3, "x", true, 11) {
        LinkError::AbsoluteAddress { symbol, reloc, .. } => {
            assert_eq!((symbol.as_str(), reloc), ("x", "R_X86_64_32S"))
        }
        e => panic!("{e}"),
    }
    // mov rax, [rip + mp_fun_table]: PC-relative to a runtime symbol.
    match x64_single(
        &[0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3],
        3,
        "mp_fun_table",
        false,
        2,
    ) {
        LinkError::PcRelativeToRuntime { symbol, .. } => assert_eq!(symbol, "mp_fun_table"),
        e => panic!("{e}"),
    }
    // movabs rax, &x (R_X86_64_64 inside code, unaligned): the loader cannot relocate it.
    match x64_single(&[0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xc3], 2, "x", true, 1) {
        LinkError::AbsoluteAddress { .. } => {}
        e => panic!("{e}"),
    }
    // A TLS access model relocation.
    match x64_single(&[0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3], 3, "tls", true, 22) {
        LinkError::ThreadLocal { symbol, .. } => assert_eq!(symbol.as_deref(), Some("tls")),
        e => panic!("{e}"),
    }
    // An unknown relocation type names itself.
    match x64_single(&[0, 0, 0, 0, 0, 0, 0, 0, 0xc3], 0, "x", true, 33) {
        LinkError::UnsupportedRelocation { r_type, ref at, .. } => {
            assert_eq!(r_type, 33);
            assert_eq!(at.section, ".text.mpy_init");
        }
        e => panic!("{e}"),
    }
}

#[test]
fn zero_filled_data_becomes_bss() {
    let mut e = Elf::new(Arch::X64);
    let t = e.section(
        ".text.mpy_init",
        SectionKind::Text,
        &[0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3],
        1,
    );
    e.global("mpy_init", t, 0);
    let d = e.section(".data.zeros", SectionKind::Data, &[0u8; 24], 8);
    let z = e.global("zeros", d, 0);
    e.reloc(t, 3, z, 9, -4);
    let (l, m) = link_ok(Arch::X64, vec![e.input("z.o")]);
    assert_eq!(l.symbol("zeros"), Some(Placement::Bss(0)));
    assert_eq!(m.bss_size, 24);
}

#[test]
fn thumb_relocations() {
    let mut e = Elf::new(Arch::Armv7m);
    let mut code = Vec::new();
    code.extend([0xfe, 0xe7]); // 0: b.n target (JUMP11, addend -4)
    code.extend([0xfe, 0xd0]); // 2: beq.n target (JUMP8, addend -4)
    code.extend([0x40, 0xf2, 0x00, 0x00]); // 4: movw r0, #0 (MOVW_PREL_NC)
    code.extend([0xc0, 0xf2, 0x00, 0x00]); // 8: movt r0, #0 (MOVT_PREL)
    code.extend([0x3f, 0xf4, 0xfe, 0xaf]); // 12: beq.w target (JUMP19, addend -4)
    code.extend([0xff, 0xf7, 0xfe, 0xff]); // 16: bl target (THM_CALL, addend -4)
    code.extend([0x70, 0x47]); // 20: bx lr
    code.extend([0x00, 0xbf]); // 22: nop
    code.extend([0, 0, 0, 0]); // 24: .word rodata - . (REL32)
    code.extend([0, 0, 0, 0]); // 28: .word state(GOT_PREL) - .
    let t = e.section(".text.mpy_init", SectionKind::Text, &code, 4);
    e.global("mpy_init", t, 1);
    let t2 = e.section(".text.target", SectionKind::Text, &[0x70, 0x47], 2);
    let target = e.global("target", t2, 1);
    let ro = e.section(".rodata.x", SectionKind::ReadOnlyData, &[0u8; 8], 4);
    let rol = e.local("ro", ro, 4);
    let b = e.bss(".bss.state", 16);
    let state = e.global("state", b, 8);
    for (off, ty) in [(0, 102), (2, 103), (12, 51), (16, 10)] {
        e.reloc(t, off, target, ty, 0);
    }
    e.reloc(t, 4, rol, 49, 0);
    e.reloc(t, 8, rol, 50, 0);
    e.reloc(t, 24, rol, 3, 0);
    e.reloc(t, 28, state, 96, 0);
    // rodata word 0: &target (ABS32, Thumb bit kept); word 1: &mp_fun_table (ABS32)
    e.reloc(ro, 0, target, 2, 0);
    let ft = e.undefined("mp_fun_table");
    e.reloc(ro, 4, ft, 2, 0);
    let (l, m) = link_ok(Arch::Armv7m, vec![e.input("t.o")]);
    let tx = &m.text;
    let tgt = text_addr(&l, "target");
    assert_eq!(tgt & 1, 1);
    let tgt = tgt & !1;
    let ro_off = l
        .report
        .kept_sections
        .iter()
        .find(|k| k.name == ".rodata.x")
        .unwrap()
        .offset;
    assert_eq!(
        4 + sext(u64::from(rd16(tx, 0) & 0x7ff) << 1, 12),
        tgt as i64,
        "b.n"
    );
    assert_eq!(
        2 + 4 + sext(u64::from(rd16(tx, 2) & 0xff) << 1, 9),
        tgt as i64,
        "beq.n"
    );
    let imm16 = |o: u64| {
        let (hi, lo) = (rd16(tx, o), rd16(tx, o + 2));
        u32::from(
            ((hi & 0xf) << 12) | (((hi >> 10) & 1) << 11) | (((lo >> 12) & 7) << 8) | (lo & 0xff),
        )
    };
    assert_eq!(imm16(4), ((ro_off + 4 - 4) as u32) & 0xffff, "movw");
    assert_eq!(imm16(8), ((ro_off + 4 - 8) as u32) >> 16, "movt");
    let (hi, lo) = (u64::from(rd16(tx, 12)), u64::from(rd16(tx, 14)));
    let off19 = ((hi >> 10) & 1) << 20
        | ((lo >> 11) & 1) << 19
        | ((lo >> 13) & 1) << 18
        | (hi & 0x3f) << 12
        | (lo & 0x7ff) << 1;
    assert_eq!(12 + 4 + sext(off19, 21), tgt as i64, "beq.w");
    assert!(branch_targets(Arch::Armv7m, tx, 20).contains(&tgt), "bl");
    assert_eq!(
        rd32(tx, 24) as i32 as i64,
        (ro_off + 4) as i64 - 24,
        "REL32"
    );
    let slot = (28 + rd32(tx, 28) as i32 as i64) as u64;
    assert_eq!(rd32(tx, slot), 8, "GOT slot = state's BSS offset");
    let words = m.relocated_words();
    assert!(words.contains(&(slot / 4, RelocDest::Bss)));
    assert_eq!(
        rd32(tx, ro_off) as u64,
        tgt | 1,
        "ABS32 keeps the Thumb bit"
    );
    assert!(words.contains(&(ro_off / 4, RelocDest::Text)));
    assert!(words.contains(&(ro_off / 4 + 1, RelocDest::FunTable)));
}

#[test]
fn thumb_pc_relative_bss_is_rejected() {
    let mut e = Elf::new(Arch::Armv6m);
    let t = e.section(
        ".text.mpy_init",
        SectionKind::Text,
        &[0x70, 0x47, 0, 0, 0, 0, 0, 0],
        4,
    );
    e.global("mpy_init", t, 1);
    let b = e.bss(".bss._ZN1m7PRIVATE17h0123456789abcdefE", 4);
    let p = e.local("_ZN1m7PRIVATE17h0123456789abcdefE", b, 0);
    e.reloc(t, 4, p, 3, 0);
    let err = link_err(Arch::Armv6m, vec![e.input("p.o")]);
    assert!(matches!(err, LinkError::PcRelativeToBss { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("m::PRIVATE") && msg.contains("R_ARM_REL32") && msg.contains("#[no_mangle]"),
        "{msg}"
    );
}

#[test]
fn riscv_relocations() {
    let mut e = Elf::new(Arch::Rv32imc);
    let mut code: Vec<u8> = Vec::new();
    let w32 = |c: &mut Vec<u8>, v: u32| c.extend(v.to_le_bytes());
    w32(&mut code, 0x0000_00ef); // 0: jal ra, target
    w32(&mut code, 0x00b5_0063); // 4: beq a0, a1, target
    code.extend([0x01, 0xa0]); // 8: c.j target
    code.extend([0x01, 0xc1]); // 10: c.beqz a0, target
    w32(&mut code, 0x0000_0517); // 12: auipc a0, %pcrel_hi(ro)
    w32(&mut code, 0x0005_0513); // 16: addi a0, a0, %pcrel_lo(12)
    w32(&mut code, 0x0000_0597); // 20: auipc a1, %got_pcrel_hi(state)
    w32(&mut code, 0x0005_a583); // 24: lw a1, %pcrel_lo(20)(a1)
    w32(&mut code, 0x0000_0097); // 28: auipc ra, %hi(target) (CALL_PLT)
    w32(&mut code, 0x0000_80e7); // 32: jalr ra
    w32(&mut code, 0x0000_0617); // 36: auipc a2, %pcrel_hi(ro)
    w32(&mut code, 0x00a6_2023); // 40: sw a0, %pcrel_lo(36)(a2)
    w32(&mut code, 0x0000_8067); // 44: ret
    let t = e.section(".text.mpy_init", SectionKind::Text, &code, 2);
    e.global("mpy_init", t, 0);
    let t2 = e.section(".text.target", SectionKind::Text, &[0x82, 0x80], 2);
    let target = e.global("target", t2, 0);
    let ro = e.section(".rodata.jt", SectionKind::ReadOnlyData, &[0u8; 8], 4);
    let rol = e.local("ro", ro, 0);
    let b = e.bss(".bss.state", 8);
    let state = e.global("state", b, 4);
    let l12 = e.local(".Lpcrel_hi0", t, 12);
    let l20 = e.local(".Lpcrel_hi1", t, 20);
    let l36 = e.local(".Lpcrel_hi2", t, 36);
    let init = e.undefined("mpy_init");
    for (off, ty) in [(0, 17), (4, 16), (8, 45), (10, 44), (28, 19)] {
        e.reloc(t, off, target, ty, 0);
    }
    e.reloc(t, 28, target, 51, 0); // R_RISCV_RELAX: ignored
    e.reloc(t, 12, rol, 23, 0);
    e.reloc(t, 16, l12, 24, 0);
    e.reloc(t, 20, state, 20, 0);
    e.reloc(t, 24, l20, 24, 0);
    e.reloc(t, 36, rol, 23, 4);
    e.reloc(t, 40, l36, 25, 0);
    // Jump table: word 0 = &target (R_RISCV_32, a loader relocation), word 1 = target - mpy_init.
    e.reloc(ro, 0, target, 1, 0);
    e.reloc(ro, 4, target, 35, 0);
    e.reloc(ro, 4, init, 39, 0);
    let (l, m) = link_ok(Arch::Rv32imc, vec![e.input("r.o")]);
    let tx = &m.text;
    let tgt = text_addr(&l, "target") as i64;
    let ro_off = l
        .report
        .kept_sections
        .iter()
        .find(|k| k.name == ".rodata.jt")
        .unwrap()
        .offset;
    let targets = branch_targets(Arch::Rv32imc, tx, 44);
    assert!(
        targets.contains(&0u64.wrapping_add(tgt as u64)),
        "jal: {targets:x?}"
    );
    assert!(targets.contains(&(tgt as u64)), "call");
    let ins = u64::from(rd32(tx, 4));
    let boff = ((ins >> 31) & 1) << 12
        | ((ins >> 7) & 1) << 11
        | ((ins >> 25) & 0x3f) << 5
        | ((ins >> 8) & 0xf) << 1;
    assert_eq!(4 + sext(boff, 13), tgt, "beq");
    let c = u64::from(rd16(tx, 8));
    let cj = ((c >> 12) & 1) << 11
        | ((c >> 11) & 1) << 4
        | ((c >> 9) & 3) << 8
        | ((c >> 8) & 1) << 10
        | ((c >> 7) & 1) << 6
        | ((c >> 6) & 1) << 7
        | ((c >> 3) & 7) << 1
        | ((c >> 2) & 1) << 5;
    assert_eq!(8 + sext(cj, 12), tgt, "c.j");
    let c = u64::from(rd16(tx, 10));
    let cb = ((c >> 12) & 1) << 8
        | ((c >> 10) & 3) << 3
        | ((c >> 5) & 3) << 6
        | ((c >> 3) & 3) << 1
        | ((c >> 2) & 1) << 5;
    assert_eq!(10 + sext(cb, 9), tgt, "c.beqz");
    let pair =
        |hi: u64, lo_imm: i64| hi as i64 + sext(u64::from(rd32(tx, hi) & 0xffff_f000), 32) + lo_imm;
    let i_imm = |o: u64| sext(u64::from(rd32(tx, o) >> 20), 12);
    let s_imm = |o: u64| {
        let ins = rd32(tx, o);
        sext(u64::from(((ins >> 25) << 5) | ((ins >> 7) & 0x1f)), 12)
    };
    assert_eq!(pair(12, i_imm(16)), ro_off as i64, "auipc+addi");
    assert_eq!(pair(36, s_imm(40)), ro_off as i64 + 4, "auipc+sw");
    let slot = pair(20, i_imm(24)) as u64;
    assert_eq!(rd32(tx, slot), 4, "GOT slot = state's BSS offset");
    let words = m.relocated_words();
    assert!(words.contains(&(slot / 4, RelocDest::Bss)));
    assert_eq!(rd32(tx, ro_off) as i64, tgt);
    assert!(
        words.contains(&(ro_off / 4, RelocDest::Text)),
        "R_RISCV_32 in rodata is a loader relocation"
    );
    assert_eq!(
        rd32(tx, ro_off + 4) as i64,
        tgt,
        "ADD32/SUB32 label difference (mpy_init is at 0)"
    );
}

#[test]
fn riscv_pc_relative_bss_is_rejected() {
    let mut e = Elf::new(Arch::Rv32imc);
    let t = e.section(
        ".text.mpy_init",
        SectionKind::Text,
        &[0x17, 0x05, 0, 0, 0x13, 0x05, 0x05, 0, 0x67, 0x80, 0, 0],
        2,
    );
    e.global("mpy_init", t, 0);
    let b = e.bss(".bss.counter", 4);
    let c = e.local("counter", b, 0);
    let l = e.local(".Lpcrel_hi0", t, 0);
    e.reloc(t, 0, c, 23, 0);
    e.reloc(t, 4, l, 24, 0);
    match link_err(Arch::Rv32imc, vec![e.input("p.o")]) {
        LinkError::PcRelativeToBss {
            symbol,
            target_section,
            reloc,
            ..
        } => {
            assert_eq!(
                (symbol.as_str(), target_section.as_str(), reloc),
                ("counter", ".bss.counter", "R_RISCV_PCREL_HI20")
            )
        }
        e => panic!("{e}"),
    }
}

#[test]
fn inputs_must_match_the_arch() {
    let mut e = Elf::new(Arch::X64);
    let t = e.section(".text.mpy_init", SectionKind::Text, &[0xc3], 1);
    e.global("mpy_init", t, 0);
    match link_err(Arch::Armv6m, vec![e.input("x.o")]) {
        LinkError::WrongArch { expected, .. } => assert_eq!(expected, Arch::Armv6m),
        e => panic!("{e}"),
    }
    assert!(matches!(
        link_err(Arch::X64, vec![Input::new("junk", b"hello".to_vec())]),
        LinkError::UnknownInput { .. }
    ));
    assert!(matches!(link_err(Arch::X64, vec![]), LinkError::NoInputs));
}
