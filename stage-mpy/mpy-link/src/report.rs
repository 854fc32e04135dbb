//! What a link produced: sizes, kept sections, GOT contents and archive members.

use crate::Arch;
use std::fmt;

/// The region a kept section was placed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The text blob (code and read-only data).
    Text,
    /// The zero-filled BSS block.
    Bss,
}

/// A section that survived garbage collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptSection {
    /// The input (`path` or `archive(member)`).
    pub input: String,
    /// The section name.
    pub name: String,
    /// Where it went.
    pub region: Region,
    /// Its offset in that region.
    pub offset: u64,
    /// Its size in bytes.
    pub size: u64,
}

/// Where a global symbol ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Offset in the text blob (Thumb function symbols keep bit 0 set).
    Text(u64),
    /// Offset in BSS.
    Bss(u64),
}

/// Sizes and contents of a linked module.
///
/// `Display` prints a one-paragraph summary; [`SizeReport::details`] lists kept sections,
/// GOT slots and archive members.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SizeReport {
    /// Target architecture.
    pub arch: Arch,
    /// Size of the whole `.mpy` file.
    pub mpy_size: usize,
    /// Size of the text blob (trampoline, code, read-only data, GOT and padding).
    pub text_size: usize,
    /// Bytes of code (including the entry trampoline and alignment between functions).
    pub code_size: u64,
    /// Bytes of read-only data (`.rodata*`, `.data.rel.ro*`).
    pub rodata_size: u64,
    /// Bytes of entry trampoline (0 when the entry is placed at offset 0).
    pub trampoline_size: usize,
    /// Number of GOT slots.
    pub got_entries: usize,
    /// What each GOT slot holds, in order.
    pub got: Vec<String>,
    /// Size of the zero-filled BSS block the loader allocates.
    pub bss_size: u64,
    /// Module qstrs, in table order (index 1 first; index 0 is the file name).
    pub qstrs: Vec<String>,
    /// Number of words the loader relocates.
    pub relocated_words: usize,
    /// Number of records in the relocation stream.
    pub reloc_records: usize,
    /// Sections that survived garbage collection, in placement order (text, then BSS).
    pub kept_sections: Vec<KeptSection>,
    /// Number of loaded sections that garbage collection removed.
    pub discarded_sections: usize,
    /// Archive members that were loaded, each with the symbol that pulled it in.
    pub members_loaded: Vec<(String, String)>,
    /// Loaded archive members with at least one kept section.
    pub members_kept: Vec<String>,
    /// Informational notes (skipped archive members and the like).
    pub notes: Vec<String>,
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.arch.word_size();
        write!(
            f,
            "{}: .mpy {} bytes; text {} (code {}, rodata {}, GOT {}x{}), bss {}, {} qstr(s), \
             {} relocated word(s) in {} record(s); kept {} section(s), discarded {}",
            self.arch,
            self.mpy_size,
            self.text_size,
            self.code_size,
            self.rodata_size,
            self.got_entries,
            w,
            self.bss_size,
            self.qstrs.len(),
            self.relocated_words,
            self.reloc_records,
            self.kept_sections.len(),
            self.discarded_sections,
        )
    }
}

impl SizeReport {
    /// A multi-line listing: kept sections, GOT slots, qstrs and archive members.
    pub fn details(&self) -> String {
        use fmt::Write;
        let mut s = String::new();
        if self.trampoline_size > 0 {
            let _ = writeln!(s, "entry trampoline: {} bytes", self.trampoline_size);
        }
        let _ = writeln!(s, "kept sections:");
        for k in &self.kept_sections {
            let region = match k.region {
                Region::Text => "text",
                Region::Bss => "bss ",
            };
            let _ = writeln!(
                s,
                "  {region} {:#07x} {:6}  {} ({})",
                k.offset, k.size, k.name, k.input
            );
        }
        let _ = writeln!(s, "GOT:");
        for (i, g) in self.got.iter().enumerate() {
            let _ = writeln!(s, "  [{i}] {g}");
        }
        let _ = writeln!(s, "qstrs: {}", self.qstrs.join(", "));
        let _ = writeln!(
            s,
            "archive members loaded ({}), kept ({}):",
            self.members_loaded.len(),
            self.members_kept.len()
        );
        for (m, why) in &self.members_loaded {
            let kept = if self.members_kept.contains(m) {
                "kept"
            } else {
                "discarded"
            };
            let _ = writeln!(s, "  {m} for {why} ({kept})");
        }
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        s
    }
}
