//! The `.mpy` 6.3 container: variable-length integers, loader relocations and the writer.

use crate::Arch;
use std::fmt;

/// `'M'`, the first byte of every `.mpy` file.
pub const MPY_MAGIC: u8 = b'M';
/// The `.mpy` format version this crate writes.
pub const MPY_VERSION: u8 = 6;
/// The `.mpy` sub-version (native-code ABI revision) this crate writes.
pub const MPY_SUB_VERSION: u8 = 3;
/// Small-int width the emitted code assumes (the loader accepts anything up to its own).
pub const SMALL_INT_BITS: u8 = 31;
/// Code kind of a native module's outer function: `MP_CODE_NATIVE_VIPER`.
pub const KIND_NATIVE_VIPER: u64 = 4;
/// Scope flag: a relocation stream follows.
pub const SCOPE_VIPERRELOC: u64 = 0x10;
/// Scope flag: a separate rodata blob follows (xtensawin only).
pub const SCOPE_VIPERRODATA: u64 = 0x20;
/// Scope flag: the module needs a zero-filled BSS block of the given size.
pub const SCOPE_VIPERBSS: u64 = 0x40;
/// Index of `&mp_type_type`, the first data entry of `mp_fun_table`.
pub const FUN_TABLE_DATA_FIRST: u8 = 73;
/// Number of entries in `mp_fun_table` (stable since MicroPython 1.23).
pub const FUN_TABLE_LEN: u8 = 87;

/// What a loader relocation adds to a word (the relocation "kind").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelocDest {
    /// Address of the text blob (kind 0).
    Text,
    /// Address of the separate rodata blob (kind 1, xtensawin only).
    Rodata,
    /// Address of the BSS block (kind 2).
    Bss,
    /// Address of the module's qstr table, `mp_native_qstr_table` (kind 6).
    QstrTable,
    /// Address of the module's object table, `mp_native_obj_table` (kind 7).
    ObjTable,
    /// Address of `mp_fun_table` (kind 8).
    FunTable,
    /// The value stored in `mp_fun_table[i]` (kind 9 + i).
    FunTableEntry(u8),
}

impl RelocDest {
    /// The relocation kind (the `op` of a record).
    pub fn kind(self) -> u8 {
        match self {
            RelocDest::Text => 0,
            RelocDest::Rodata => 1,
            RelocDest::Bss => 2,
            RelocDest::QstrTable => 6,
            RelocDest::ObjTable => 7,
            RelocDest::FunTable => 8,
            RelocDest::FunTableEntry(i) => 9 + i,
        }
    }

    /// True for the section kinds (0..=2), the only ones a record can repeat over a run.
    pub fn is_section(self) -> bool {
        matches!(self, RelocDest::Text | RelocDest::Rodata | RelocDest::Bss)
    }
}

impl fmt::Display for RelocDest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RelocDest::Text => f.write_str("text"),
            RelocDest::Rodata => f.write_str("rodata"),
            RelocDest::Bss => f.write_str("bss"),
            RelocDest::QstrTable => f.write_str("qstr_table"),
            RelocDest::ObjTable => f.write_str("obj_table"),
            RelocDest::FunTable => f.write_str("&mp_fun_table"),
            RelocDest::FunTableEntry(i) => match crate::runtime::fun_table_data_name(*i) {
                Some(name) => write!(f, "mp_fun_table[{i}] (&{name})"),
                None => write!(f, "mp_fun_table[{i}]"),
            },
        }
    }
}

/// Appends MicroPython's variable-length unsigned integer (base 128, most significant
/// group first, bit 7 set on every byte but the last).
pub(crate) fn push_uint(out: &mut Vec<u8>, v: u64) {
    let mut groups = [0u8; 10];
    let mut n = 0;
    let mut v = v;
    loop {
        groups[n] = (v & 0x7f) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        out.push(groups[i] | if i == 0 { 0 } else { 0x80 });
    }
}

/// Encodes a sorted list of relocated words (word index into text, destination) as the
/// loader's relocation stream, merging runs of section kinds. Returns the stream (ending
/// with `0xFF`) and the number of records.
pub(crate) fn encode_relocs(words: &[(u64, RelocDest)]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut records = 0;
    let mut next: Option<u64> = None;
    let mut k = 0;
    while k < words.len() {
        let (idx, dest) = words[k];
        let mut n = 1usize;
        if dest.is_section() {
            while k + n < words.len() && words[k + n] == (idx + n as u64, dest) {
                n += 1;
            }
        }
        let has_pos = next != Some(idx);
        let op = if dest.is_section() {
            (dest.kind() << 1) | u8::from(n > 1)
        } else {
            dest.kind()
        };
        out.push((op << 1) | u8::from(has_pos));
        if has_pos {
            push_uint(&mut out, idx << 1);
        }
        if n > 1 {
            push_uint(&mut out, n as u64);
        }
        records += 1;
        next = Some(idx + n as u64);
        k += n;
    }
    out.push(0xff);
    (out, records)
}

/// Everything that goes into a native `.mpy` file.
pub(crate) struct MpyImage<'a> {
    pub arch: Arch,
    pub file_name: &'a str,
    pub qstrs: &'a [String],
    pub text: &'a [u8],
    pub bss_size: u64,
    pub relocs: &'a [(u64, RelocDest)],
}

impl MpyImage<'_> {
    /// Serialises the image; returns the bytes and the number of relocation records.
    pub fn write(&self) -> (Vec<u8>, usize) {
        let mut m = vec![
            MPY_MAGIC,
            MPY_VERSION,
            (self.arch.mpy_code() << 2) | MPY_SUB_VERSION,
            SMALL_INT_BITS,
        ];
        push_uint(&mut m, 1 + self.qstrs.len() as u64);
        push_uint(&mut m, 0); // no constant objects
        for q in std::iter::once(self.file_name).chain(self.qstrs.iter().map(String::as_str)) {
            push_uint(&mut m, (q.len() as u64) << 1);
            m.extend_from_slice(q.as_bytes());
            m.push(0);
        }
        push_uint(
            &mut m,
            ((self.text.len() as u64) << 3) | (KIND_NATIVE_VIPER - 2),
        );
        m.extend_from_slice(self.text);
        let mut scope = SCOPE_VIPERRELOC;
        if self.bss_size > 0 {
            scope |= SCOPE_VIPERBSS;
        }
        push_uint(&mut m, scope);
        if self.bss_size > 0 {
            push_uint(&mut m, self.bss_size);
        }
        let (stream, records) = encode_relocs(self.relocs);
        m.extend_from_slice(&stream);
        (m, records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uint(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        push_uint(&mut out, v);
        out
    }

    #[test]
    fn uint_encoding_matches_the_loader() {
        assert_eq!(uint(0), [0]);
        assert_eq!(uint(127), [0x7f]);
        assert_eq!(uint(160), [0x81, 0x20]);
        assert_eq!(uint(1282), [0x8a, 0x02]);
    }

    #[test]
    fn relocation_runs_are_merged() {
        let words = [
            (16, RelocDest::FunTableEntry(78)),
            (17, RelocDest::Text),
            (18, RelocDest::FunTable),
            (19, RelocDest::QstrTable),
            (20, RelocDest::Text),
            (21, RelocDest::Text),
            (30, RelocDest::Bss),
        ];
        let (s, n) = encode_relocs(&words);
        assert_eq!(n, 6);
        assert_eq!(
            s,
            [0xaf, 0x20, 0x00, 0x10, 0x0c, 0x02, 0x02, 0x09, 0x3c, 0xff]
        );
    }
}
