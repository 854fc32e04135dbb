//! Reading a native `.mpy` back: header, qstrs, text, scope flags, BSS size and the
//! relocation stream, the way MicroPython's loader reads them.
//!
//! ```
//! use mpy_link::dump::{MpyFile, Qstr};
//! use mpy_link::{Arch, RelocDest};
//!
//! // 'M', v6, x64 sub-version 3, 31-bit small ints; 2 qstrs, 0 objects.
//! let mut bytes = vec![0x4d, 6, (2 << 2) | 3, 31, 2, 0];
//! bytes.extend(b"\x0cmod.py\0\x02f\0");
//! bytes.extend([(8 << 3) | 2]); // 8 bytes of viper code
//! bytes.extend([0u8; 8]);
//! bytes.extend([0x10, 0x11, 0x00, 0xff]); // VIPERRELOC; word 0 += &mp_fun_table
//! let m = MpyFile::parse(&bytes).unwrap();
//! assert_eq!(m.arch, Some(Arch::X64));
//! assert_eq!(m.qstrs, [Qstr::Str("mod.py".into()), Qstr::Str("f".into())]);
//! assert_eq!(m.text.len(), 8);
//! assert_eq!(m.relocated_words(), [(0, RelocDest::FunTable)]);
//! ```

use crate::format::{RelocDest, MPY_MAGIC, SCOPE_VIPERBSS, SCOPE_VIPERRELOC, SCOPE_VIPERRODATA};
use crate::Arch;
use std::fmt;

/// A qstr entry of a `.mpy` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Qstr {
    /// A static qstr, by number.
    Static(u64),
    /// A string the loader interns.
    Str(String),
}

/// One record of the relocation stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelocRecord {
    /// True if the words are in the separate rodata blob rather than in text.
    pub in_rodata: bool,
    /// Index of the first word (in words of the architecture's size).
    pub word: u64,
    /// What is added to each word.
    pub dest: RelocDest,
    /// How many consecutive words.
    pub count: u64,
}

/// A parsed native `.mpy`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MpyFile {
    /// Format version (6).
    pub version: u8,
    /// Sub-version (3 for MicroPython 1.23+).
    pub sub_version: u8,
    /// The architecture code from the header.
    pub arch_code: u8,
    /// The architecture, if this crate supports it.
    pub arch: Option<Arch>,
    /// The architecture flags uint, if present (rv32imc extensions).
    pub arch_flags: Option<u64>,
    /// Small-int width the code assumes.
    pub small_int_bits: u8,
    /// The qstr table (entry 0 is the file name).
    pub qstrs: Vec<Qstr>,
    /// Number of constant objects.
    pub n_obj: u64,
    /// Code kind (4 = native viper for native modules).
    pub kind: u64,
    /// True if the outer function has children.
    pub has_children: bool,
    /// The text blob.
    pub text: Vec<u8>,
    /// Scope flags (0x10 relocations, 0x20 separate rodata, 0x40 BSS).
    pub scope_flags: u64,
    /// The separate rodata blob (xtensawin only).
    pub rodata: Vec<u8>,
    /// BSS size in bytes.
    pub bss_size: u64,
    /// The relocation stream.
    pub relocs: Vec<RelocRecord>,
    /// Bytes after the relocation stream (0 for a well-formed native module).
    pub trailing: usize,
}

/// Why a `.mpy` could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpError(String);

impl fmt::Display for DumpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid native .mpy: {}", self.0)
    }
}

impl std::error::Error for DumpError {}

struct Reader<'a> {
    d: &'a [u8],
    p: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, DumpError> {
        let b = *self
            .d
            .get(self.p)
            .ok_or_else(|| DumpError(format!("truncated at byte {}", self.p)))?;
        self.p += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, DumpError> {
        let mut v: u64 = 0;
        loop {
            let b = self.byte()?;
            if v >> 57 != 0 {
                return Err(DumpError("integer too large".into()));
            }
            v = (v << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
    }

    fn bytes(&mut self, n: u64) -> Result<&[u8], DumpError> {
        let n = usize::try_from(n).map_err(|_| DumpError("length too large".into()))?;
        let end = self.p.checked_add(n).filter(|&e| e <= self.d.len());
        let end =
            end.ok_or_else(|| DumpError(format!("truncated: {n} bytes wanted at {}", self.p)))?;
        let s = &self.d[self.p..end];
        self.p = end;
        Ok(s)
    }
}

impl MpyFile {
    /// Parses a native `.mpy`.
    pub fn parse(data: &[u8]) -> Result<MpyFile, DumpError> {
        let mut r = Reader { d: data, p: 0 };
        if r.byte()? != MPY_MAGIC {
            return Err(DumpError("bad magic (expected 'M')".into()));
        }
        let version = r.byte()?;
        let flags = r.byte()?;
        let small_int_bits = r.byte()?;
        let arch_code = (flags >> 2) & 0x2f;
        let arch_flags = if flags & 0x40 != 0 {
            Some(r.uint()?)
        } else {
            None
        };
        let n_qstr = r.uint()?;
        let n_obj = r.uint()?;
        let mut qstrs = Vec::new();
        for _ in 0..n_qstr {
            let l = r.uint()?;
            if l & 1 == 1 {
                qstrs.push(Qstr::Static(l >> 1));
            } else {
                let s = r.bytes(l >> 1)?.to_vec();
                if r.byte()? != 0 {
                    return Err(DumpError("qstr not NUL-terminated".into()));
                }
                qstrs.push(Qstr::Str(String::from_utf8_lossy(&s).into_owned()));
            }
        }
        if n_obj != 0 {
            return Err(DumpError(
                "constant objects are not supported by this reader".into(),
            ));
        }
        let kind_len = r.uint()?;
        let kind = (kind_len & 3) + 2;
        let has_children = kind_len & 4 != 0;
        let text = r.bytes(kind_len >> 3)?.to_vec();
        let scope_flags = r.uint()?;
        let rodata_size = if scope_flags & SCOPE_VIPERRODATA != 0 {
            r.uint()?
        } else {
            0
        };
        let bss_size = if scope_flags & SCOPE_VIPERBSS != 0 {
            r.uint()?
        } else {
            0
        };
        let rodata = r.bytes(rodata_size)?.to_vec();
        let mut relocs = Vec::new();
        if scope_flags & SCOPE_VIPERRELOC != 0 {
            let (mut in_rodata, mut word) = (false, 0u64);
            loop {
                let b = r.byte()?;
                if b == 0xff {
                    break;
                }
                if b & 1 != 0 {
                    let pos = r.uint()?;
                    in_rodata = pos & 1 != 0;
                    word = pos >> 1;
                }
                let op = b >> 1;
                let mut count = 1;
                let dest = match op {
                    0..=5 => {
                        if op & 1 != 0 {
                            count = r.uint()?;
                        }
                        [RelocDest::Text, RelocDest::Rodata, RelocDest::Bss][usize::from(op >> 1)]
                    }
                    6 => RelocDest::QstrTable,
                    7 => RelocDest::ObjTable,
                    8 => RelocDest::FunTable,
                    _ => RelocDest::FunTableEntry(op - 9),
                };
                relocs.push(RelocRecord {
                    in_rodata,
                    word,
                    dest,
                    count,
                });
                word += count;
            }
        }
        Ok(MpyFile {
            version,
            sub_version: flags & 3,
            arch_code,
            arch: Arch::from_mpy_code(arch_code),
            arch_flags,
            small_int_bits,
            qstrs,
            n_obj,
            kind,
            has_children,
            text,
            scope_flags,
            rodata,
            bss_size,
            relocs,
            trailing: data.len() - r.p,
        })
    }

    /// Word size of the architecture (8 for x64 and unknown 64-bit codes, else 4).
    pub fn word_size(&self) -> usize {
        match self.arch {
            Some(a) => a.word_size(),
            None if matches!(self.arch_code, 2 | 12) => 8,
            None => 4,
        }
    }

    /// Every relocated text word, expanded from the records: (word index, destination).
    pub fn relocated_words(&self) -> Vec<(u64, RelocDest)> {
        self.relocs
            .iter()
            .filter(|r| !r.in_rodata)
            .flat_map(|r| (0..r.count).map(move |k| (r.word + k, r.dest)))
            .collect()
    }

    /// The link-time value of text word `index` (before the loader adds its base).
    pub fn text_word(&self, index: u64) -> Option<u64> {
        let w = self.word_size();
        let start = usize::try_from(index).ok()?.checked_mul(w)?;
        let b = self.text.get(start..start + w)?;
        let mut buf = [0u8; 8];
        buf[..w].copy_from_slice(b);
        Some(u64::from_le_bytes(buf))
    }
}

impl fmt::Display for MpyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arch = match self.arch {
            Some(a) => a.to_string(),
            None => format!("code {}", self.arch_code),
        };
        writeln!(
            f,
            "header: 'M' v{}.{} arch={arch}{} small_int_bits={}",
            self.version,
            self.sub_version,
            self.arch_flags
                .map(|a| format!(" arch_flags={a:#x}"))
                .unwrap_or_default(),
            self.small_int_bits
        )?;
        write!(f, "qstrs ({}):", self.qstrs.len())?;
        for (i, q) in self.qstrs.iter().enumerate() {
            match q {
                Qstr::Static(n) => write!(f, " [{i}]=static#{n}")?,
                Qstr::Str(s) => write!(f, " [{i}]={s:?}")?,
            }
        }
        writeln!(f)?;
        writeln!(
            f,
            "code: kind={} children={} text={} bytes scope_flags={:#x} rodata={} bss={}",
            self.kind,
            self.has_children,
            self.text.len(),
            self.scope_flags,
            self.rodata.len(),
            self.bss_size
        )?;
        let w = self.word_size() as u64;
        writeln!(f, "relocations ({} records):", self.relocs.len())?;
        for r in &self.relocs {
            let region = if r.in_rodata { "rodata" } else { "text" };
            let value = if r.in_rodata {
                String::new()
            } else {
                self.text_word(r.word)
                    .map(|v| format!(" (value {v:#x})"))
                    .unwrap_or_default()
            };
            writeln!(
                f,
                "  {region}+{:#06x} (word {}) x{} += {}{value}",
                r.word * w,
                r.word,
                r.count,
                r.dest
            )?;
        }
        if self.trailing != 0 {
            writeln!(f, "trailing bytes: {}", self.trailing)?;
        }
        Ok(())
    }
}
