//! Placement: the entry section first (or an entry trampoline), then code, read-only
//! data and the GOT in the text blob; zero-initialised sections in BSS.

use crate::arch::Family;
use crate::input::{Objects, SecClass, SecId};
use crate::reloc::Field;
use crate::runtime::RuntimeSym;
use crate::Arch;

/// Where a symbol ends up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Addr {
    /// Offset in the text blob (Thumb functions keep their bit 0).
    Text(u64),
    /// Offset in BSS.
    Bss(u64),
    /// Provided by the loader.
    Runtime(RuntimeSym),
    /// A fixed value (absolute symbols; weak undefined symbols are 0).
    Absolute(u64),
}

/// The placed text blob and BSS.
pub(crate) struct Layout {
    /// Text sections in placement order.
    pub order: Vec<SecId>,
    /// Offset of each placed section in its region (text or BSS).
    pub addr: Vec<Option<u64>>,
    pub text: Vec<u8>,
    /// Bytes of entry trampoline at the start of text (0 if the entry is at offset 0).
    pub trampoline: usize,
    pub code_size: u64,
    pub rodata_size: u64,
    pub bss_size: u64,
    pub got_base: u64,
    pub got: Vec<Addr>,
}

pub(crate) fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a.max(1)) * a.max(1)
}

/// Size of the trampoline that jumps from text offset 0 to the entry.
fn trampoline_size(arch: Arch) -> usize {
    match arch {
        // jmp rel32
        Arch::X64 => 5,
        // push {r4, lr}; bl entry; pop {r4, pc}: Armv6-M has no 32-bit unconditional branch
        Arch::Armv6m => 8,
        // b.w entry
        Arch::Armv7m | Arch::Armv7emsp | Arch::Armv7emdp => 4,
        // auipc t1, %hi(entry); jalr x0, %lo(entry)(t1)
        Arch::Rv32imc => 8,
    }
}

/// Writes a jump from text offset 0 to `target` (a text offset, Thumb bit cleared).
fn write_trampoline(arch: Arch, text: &mut [u8], target: u64) {
    let t = target as i64;
    let ok = match arch.family() {
        Family::X86_64 => {
            text[0] = 0xe9;
            Field::W32.write(text, 1, t - 5)
        }
        Family::Thumb if arch == Arch::Armv6m => {
            text[0..8].copy_from_slice(&[0x10, 0xb5, 0x00, 0xf0, 0x00, 0xf8, 0x10, 0xbd]);
            Field::ThumbBranch24.write(text, 2, t - 2 - 4)
        }
        Family::Thumb => {
            text[0..4].copy_from_slice(&[0x00, 0xf0, 0x00, 0xb8]);
            Field::ThumbBranch24.write(text, 0, t - 4)
        }
        Family::Riscv32 => {
            text[0..8].copy_from_slice(&[0x17, 0x03, 0x00, 0x00, 0x67, 0x00, 0x03, 0x00]);
            Field::RvCall.write(text, 0, t)
        }
    };
    // The entry section directly follows the trampoline: always in range.
    debug_assert!(ok.is_ok());
}

impl Layout {
    /// Places the live sections. `entry` is the entry section and the entry symbol's
    /// offset inside it.
    pub fn place(arch: Arch, objs: &Objects, live: &[bool], entry: (SecId, u64)) -> Layout {
        let (entry_sec, entry_value) = entry;
        let entry_off = if arch.family() == Family::Thumb {
            entry_value & !1
        } else {
            entry_value
        };
        let mut order = vec![entry_sec];
        for class in [SecClass::Code, SecClass::Rodata] {
            order.extend(
                objs.sections
                    .iter()
                    .enumerate()
                    .filter(|&(i, s)| live[i] && i != entry_sec && s.class == class)
                    .map(|(i, _)| i),
            );
        }
        let trampoline = if entry_off != 0 {
            trampoline_size(arch)
        } else {
            0
        };
        let mut text = vec![0u8; trampoline];
        let mut addr = vec![None; objs.sections.len()];
        let (mut code_size, mut rodata_size) = (trampoline as u64, 0);
        for &i in &order {
            let s = &objs.sections[i];
            let a = align_up(text.len() as u64, s.align);
            text.resize(a as usize, 0);
            addr[i] = Some(a);
            text.extend_from_slice(&s.data);
            if s.class == SecClass::Code {
                code_size = text.len() as u64;
            } else {
                rodata_size += s.size;
            }
        }
        if trampoline != 0 {
            let target = addr[entry_sec].unwrap_or(0) + entry_off;
            write_trampoline(arch, &mut text, target);
        }
        let mut bss_size = 0;
        for (i, s) in objs.sections.iter().enumerate() {
            if live[i] && s.class == SecClass::Bss {
                let a = align_up(bss_size, s.align);
                addr[i] = Some(a);
                bss_size = a + s.size;
            }
        }
        let word = arch.word_size() as u64;
        let got_base = align_up(text.len() as u64, word);
        Layout {
            order,
            addr,
            text,
            trampoline,
            code_size,
            rodata_size,
            bss_size: align_up(bss_size, word),
            got_base,
            got: Vec::new(),
        }
    }

    /// Index of `a`'s GOT slot, adding one if needed.
    pub fn got_slot(&mut self, a: &Addr) -> usize {
        match self.got.iter().position(|g| g == a) {
            Some(i) => i,
            None => {
                self.got.push(a.clone());
                self.got.len() - 1
            }
        }
    }

    /// Text offset of GOT slot `i`.
    pub fn got_addr(&self, i: usize, arch: Arch) -> u64 {
        self.got_base + (i * arch.word_size()) as u64
    }
}
