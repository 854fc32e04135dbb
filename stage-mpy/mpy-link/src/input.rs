//! Reading inputs: ELF relocatable objects (and `ar` archive members) into sections,
//! symbols and relocations the linker works on.

use crate::arch::Family;
use crate::error::LinkError;
use crate::Arch;
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionIndex,
    SectionKind, SymbolIndex, SymbolSection,
};
use std::collections::HashMap;
use std::path::Path;

/// One input to the linker: an ELF relocatable object or an `ar` archive (a Rust
/// staticlib, `libcompiler_builtins.rlib`, ...), held in memory.
///
/// ```
/// use mpy_link::Input;
///
/// let input = Input::new("empty.a", b"!<arch>\n".to_vec());
/// assert!(input.is_archive());
/// ```
#[derive(Clone, Debug)]
pub struct Input {
    /// A name for messages and the report, usually the path.
    pub name: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

impl Input {
    /// An input from bytes already in memory.
    pub fn new(name: impl Into<String>, data: Vec<u8>) -> Input {
        Input {
            name: name.into(),
            data,
        }
    }

    /// Reads an input file.
    pub fn read(path: impl AsRef<Path>) -> Result<Input, LinkError> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(|e| LinkError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(Input::new(path.display().to_string(), data))
    }

    /// True if the bytes start with the `ar` archive magic.
    pub fn is_archive(&self) -> bool {
        self.data.starts_with(b"!<arch>\n")
    }

    /// True if the bytes start with the ELF magic.
    pub fn is_elf(&self) -> bool {
        self.data.starts_with(b"\x7fELF")
    }
}

/// Index of a section in [`Objects::sections`].
pub(crate) type SecId = usize;

/// What a section holds, which decides where (and whether) it can go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecClass {
    /// Machine code: goes into text.
    Code,
    /// Read-only data, including `.data.rel.ro`: goes into text after the code.
    Rodata,
    /// Zero-initialised data: goes into BSS.
    Bss,
    /// Initialised writable data: an error if reachable.
    Data,
    /// Thread-local data: an error if reachable.
    Tls,
}

/// What a relocation points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A place in a loaded section (local symbol or section symbol).
    Section { sec: SecId, value: u64 },
    /// A global (or weak) symbol, resolved by name.
    Global(String),
    /// A fixed value (absolute symbol, or no symbol at all).
    Absolute(u64),
    /// A section the linker dropped (unwind tables, debug info, ...).
    Discarded(String),
}

/// One relocation of an input section.
#[derive(Clone, Debug)]
pub(crate) struct Reloc {
    /// Offset inside the section.
    pub offset: u64,
    /// ELF relocation type.
    pub r_type: u32,
    pub target: Target,
    /// The explicit addend (RELA); zero for REL, whose addend is in the section bytes.
    pub addend: i64,
    /// True for REL relocations (ARM): the addend must be read from the section bytes.
    pub implicit: bool,
    /// The symbol's name for messages (the section name for section symbols).
    pub sym_name: String,
}

/// A section of a loaded object.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    /// Index of the object in [`Objects::files`].
    pub file: usize,
    pub name: String,
    pub class: SecClass,
    /// The bytes (empty for BSS).
    pub data: Vec<u8>,
    pub size: u64,
    pub align: u64,
    pub relocs: Vec<Reloc>,
    /// The first global symbol defined in the section, for messages.
    pub first_symbol: Option<String>,
}

/// A global definition.
#[derive(Clone, Debug)]
pub(crate) struct Def {
    pub target: Target,
    pub weak: bool,
    /// Index of the defining object in [`Objects::files`].
    pub file: usize,
}

/// A constructor/destructor section found in a loaded object.
#[derive(Clone, Debug)]
pub(crate) struct CtorSection {
    pub file: usize,
    pub name: String,
}

/// All loaded objects.
#[derive(Default)]
pub(crate) struct Objects {
    /// Display names of the loaded objects (`path` or `archive(member)`).
    pub files: Vec<String>,
    pub sections: Vec<Section>,
    /// Global symbol table: strong definitions beat weak ones.
    pub globals: HashMap<String, Def>,
    /// Names referenced by loaded objects but not (yet) defined, in first-seen order.
    pub undefined: Vec<String>,
    /// Names only ever referenced as weak undefined symbols (they resolve to 0).
    pub weak_undefined: std::collections::HashSet<String>,
    pub ctors: Vec<CtorSection>,
}

/// Sections that are dropped whatever references them: unwind tables and notes.
fn is_dropped_name(name: &str) -> bool {
    name.starts_with(".eh_frame")
        || name.starts_with(".ARM.exidx")
        || name.starts_with(".ARM.extab")
        || name.starts_with(".note")
        || name.starts_with(".debug")
        || name == ".comment"
}

fn is_ctor_name(name: &str) -> bool {
    [
        ".init_array",
        ".fini_array",
        ".preinit_array",
        ".ctors",
        ".dtors",
    ]
    .iter()
    .any(|p| name == *p || name.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
}

const SHF_ALLOC: u64 = 0x2;
const SHF_WRITE: u64 = 0x1;
const SHF_EXECINSTR: u64 = 0x4;
const SHT_INIT_ARRAY: u32 = 14;
const SHT_FINI_ARRAY: u32 = 15;
const SHT_PREINIT_ARRAY: u32 = 16;
const SHT_LOPROC: u32 = 0x7000_0000;

/// Decides what to do with a section: `None` drops it, `Some(Err(()))` marks constructors.
fn classify(
    name: &str,
    kind: SectionKind,
    sh_type: u32,
    flags: u64,
) -> Option<Result<SecClass, ()>> {
    if flags & SHF_ALLOC == 0 || is_dropped_name(name) {
        return None;
    }
    if is_ctor_name(name) || matches!(sh_type, SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY)
    {
        return Some(Err(()));
    }
    // Processor-specific allocated sections are unwind tables (SHT_X86_64_UNWIND,
    // SHT_ARM_EXIDX) or attributes: nothing a module needs.
    if sh_type >= SHT_LOPROC {
        return None;
    }
    Some(Ok(match kind {
        SectionKind::Text => SecClass::Code,
        SectionKind::ReadOnlyData
        | SectionKind::ReadOnlyString
        | SectionKind::ReadOnlyDataWithRel => SecClass::Rodata,
        SectionKind::Data if name.starts_with(".data.rel.ro") => SecClass::Rodata,
        SectionKind::Data => SecClass::Data,
        SectionKind::UninitializedData => SecClass::Bss,
        SectionKind::Tls | SectionKind::UninitializedTls => SecClass::Tls,
        _ if flags & SHF_EXECINSTR != 0 => SecClass::Code,
        _ if flags & SHF_WRITE != 0 => SecClass::Data,
        _ => SecClass::Rodata,
    }))
}

fn machine_matches(arch: Arch, found: object::Architecture) -> bool {
    matches!(
        (arch.family(), found),
        (Family::X86_64, object::Architecture::X86_64)
            | (Family::Thumb, object::Architecture::Arm)
            | (Family::Riscv32, object::Architecture::Riscv32)
    )
}

impl Objects {
    /// Parses one ELF relocatable object and adds its sections and symbols.
    pub fn load(&mut self, arch: Arch, name: &str, data: &[u8]) -> Result<(), LinkError> {
        let malformed = |e: &dyn std::fmt::Display| LinkError::Malformed {
            input: name.to_string(),
            message: e.to_string(),
        };
        let file = object::File::parse(data).map_err(|e| malformed(&e))?;
        if file.kind() != object::ObjectKind::Relocatable {
            return Err(malformed(&"not a relocatable object (give .o or .a files, not a linked executable or shared library)"));
        }
        if !matches!(file.format(), object::BinaryFormat::Elf) {
            return Err(LinkError::UnknownInput {
                input: name.to_string(),
            });
        }
        if !machine_matches(arch, file.architecture()) {
            return Err(LinkError::WrongArch {
                input: name.to_string(),
                found: format!("{:?}", file.architecture()),
                expected: arch,
            });
        }
        let file_id = self.files.len();
        self.files.push(name.to_string());

        // Sections.
        let mut map: HashMap<SectionIndex, SecId> = HashMap::new();
        let mut dropped: HashMap<SectionIndex, String> = HashMap::new();
        for s in file.sections() {
            let sname = s.name().map_err(|e| malformed(&e))?.to_string();
            let (sh_type, flags) = match s.flags() {
                object::SectionFlags::Elf { sh_type, sh_flags } => (sh_type.0, sh_flags.0),
                _ => (0, 0),
            };
            let class = match classify(&sname, s.kind(), sh_type, flags) {
                None => {
                    dropped.insert(s.index(), sname);
                    continue;
                }
                Some(Err(())) => {
                    if s.size() > 0 {
                        self.ctors.push(CtorSection {
                            file: file_id,
                            name: sname.clone(),
                        });
                    }
                    dropped.insert(s.index(), sname);
                    continue;
                }
                Some(Ok(c)) => c,
            };
            let bytes = match class {
                SecClass::Bss => Vec::new(),
                _ => s.data().map_err(|e| malformed(&e))?.to_vec(),
            };
            map.insert(s.index(), self.sections.len());
            self.sections.push(Section {
                file: file_id,
                name: sname,
                class,
                data: bytes,
                size: s.size(),
                align: s.align().max(1),
                relocs: Vec::new(),
                first_symbol: None,
            });
        }

        // Global definitions (and common symbols, which become BSS).
        for sym in file.symbols() {
            if sym.is_local() {
                continue;
            }
            let sname = sym.name().map_err(|e| malformed(&e))?.to_string();
            let target = match sym.section() {
                SymbolSection::Section(idx) => match map.get(&idx) {
                    Some(&sec) => {
                        if self.sections[sec].first_symbol.is_none() {
                            self.sections[sec].first_symbol = Some(sname.clone());
                        }
                        Target::Section {
                            sec,
                            value: sym.address(),
                        }
                    }
                    None => Target::Discarded(dropped.get(&idx).cloned().unwrap_or_default()),
                },
                SymbolSection::Common => {
                    let sec = self.sections.len();
                    self.sections.push(Section {
                        file: file_id,
                        name: format!("COMMON.{sname}"),
                        class: SecClass::Bss,
                        data: Vec::new(),
                        size: sym.size(),
                        align: sym.address().max(1),
                        relocs: Vec::new(),
                        first_symbol: Some(sname.clone()),
                    });
                    Target::Section { sec, value: 0 }
                }
                SymbolSection::Absolute => Target::Absolute(sym.address()),
                _ => continue,
            };
            self.define(sname, target, sym.is_weak(), file_id)?;
        }

        // Relocations of the kept sections.
        for s in file.sections() {
            let Some(&sec) = map.get(&s.index()) else {
                continue;
            };
            let mut relocs = Vec::new();
            for (offset, r) in s.relocations() {
                let r_type = match r.flags() {
                    RelocationFlags::Elf { r_type } => r_type.0,
                    _ => return Err(malformed(&"non-ELF relocation")),
                };
                let (target, sym_name) = match r.target() {
                    RelocationTarget::Symbol(si) => {
                        self.symbol_target(&file, si, &map, &dropped)?
                    }
                    RelocationTarget::Section(idx) => {
                        let sname = file
                            .section_by_index(idx)
                            .ok()
                            .and_then(|s| s.name().ok().map(str::to_string))
                            .unwrap_or_default();
                        match map.get(&idx) {
                            Some(&t) => (Target::Section { sec: t, value: 0 }, sname),
                            None => (Target::Discarded(sname.clone()), sname),
                        }
                    }
                    _ => (Target::Absolute(0), String::new()),
                };
                relocs.push(Reloc {
                    offset,
                    r_type,
                    target,
                    addend: r.addend(),
                    implicit: r.has_implicit_addend(),
                    sym_name,
                });
            }
            relocs.sort_by_key(|r| r.offset);
            let section = &mut self.sections[sec];
            // Writable data that is all zeros and needs no relocation is just BSS.
            if section.class == SecClass::Data
                && relocs.is_empty()
                && section.data.iter().all(|&b| b == 0)
            {
                section.class = SecClass::Bss;
                section.data = Vec::new();
            }
            section.relocs = relocs;
        }
        Ok(())
    }

    fn symbol_target(
        &mut self,
        file: &object::File<'_>,
        si: SymbolIndex,
        map: &HashMap<SectionIndex, SecId>,
        dropped: &HashMap<SectionIndex, String>,
    ) -> Result<(Target, String), LinkError> {
        let malformed = |e: &dyn std::fmt::Display| LinkError::Malformed {
            input: self.files.last().cloned().unwrap_or_default(),
            message: e.to_string(),
        };
        let sym = file.symbol_by_index(si).map_err(|e| malformed(&e))?;
        let mut name = sym.name().map_err(|e| malformed(&e))?.to_string();
        if sym.index().0 == 0 {
            return Ok((Target::Absolute(0), name));
        }
        let section_name = |idx: SectionIndex| {
            file.section_by_index(idx)
                .ok()
                .and_then(|s| s.name().ok().map(str::to_string))
                .unwrap_or_default()
        };
        if !sym.is_local() {
            if sym.is_undefined() {
                if sym.is_weak() {
                    self.weak_undefined.insert(name.clone());
                } else if !self.globals.contains_key(&name) && !self.undefined.contains(&name) {
                    self.undefined.push(name.clone());
                }
            }
            return Ok((Target::Global(name.clone()), name));
        }
        let target = match sym.section() {
            SymbolSection::Section(idx) => {
                if name.is_empty() {
                    name = section_name(idx);
                }
                match map.get(&idx) {
                    Some(&sec) => Target::Section {
                        sec,
                        value: sym.address(),
                    },
                    None => Target::Discarded(
                        dropped
                            .get(&idx)
                            .cloned()
                            .unwrap_or_else(|| section_name(idx)),
                    ),
                }
            }
            SymbolSection::Absolute => Target::Absolute(sym.address()),
            _ => Target::Absolute(0),
        };
        Ok((target, name))
    }

    /// Adds a global definition: a strong definition replaces a weak one; two strong ones
    /// are an error.
    fn define(
        &mut self,
        name: String,
        target: Target,
        weak: bool,
        file: usize,
    ) -> Result<(), LinkError> {
        if let Some(old) = self.globals.get(&name) {
            if weak || matches!(target, Target::Discarded(_)) {
                return Ok(());
            }
            if !old.weak && !matches!(old.target, Target::Discarded(_)) {
                return Err(LinkError::DuplicateSymbol {
                    symbol: name,
                    first: self.files[old.file].clone(),
                    second: self.files[file].clone(),
                });
            }
        }
        self.globals.insert(name, Def { target, weak, file });
        Ok(())
    }
}

/// An `ar` archive member, indexed by the globals it defines.
pub(crate) struct Member {
    /// `archive(member)`.
    pub name: String,
    /// The member's bytes, copied so the ELF header is aligned.
    pub data: Vec<u8>,
    pub defines: Vec<String>,
}

/// Lists the ELF members of an archive; members that are not objects for `arch`
/// (e.g. rustc metadata) are skipped and reported in `notes`.
pub(crate) fn archive_members(
    input: &Input,
    arch: Arch,
    notes: &mut Vec<String>,
) -> Result<Vec<Member>, LinkError> {
    let ar = object::read::archive::ArchiveFile::parse(&input.data[..]).map_err(|e| {
        LinkError::Malformed {
            input: input.name.clone(),
            message: e.to_string(),
        }
    })?;
    let mut out = Vec::new();
    for m in ar.members() {
        let m = m.map_err(|e| LinkError::Malformed {
            input: input.name.clone(),
            message: e.to_string(),
        })?;
        let mname = format!("{}({})", input.name, String::from_utf8_lossy(m.name()));
        let data = m
            .data(&input.data[..])
            .map_err(|e| LinkError::Malformed {
                input: mname.clone(),
                message: e.to_string(),
            })?
            .to_vec();
        if !data.starts_with(b"\x7fELF") {
            notes.push(format!("skipped non-ELF archive member {mname}"));
            continue;
        }
        let obj = object::File::parse(&data[..]).map_err(|e| LinkError::Malformed {
            input: mname.clone(),
            message: e.to_string(),
        })?;
        if !machine_matches(arch, obj.architecture()) {
            return Err(LinkError::WrongArch {
                input: mname,
                found: format!("{:?}", obj.architecture()),
                expected: arch,
            });
        }
        let defines = obj
            .symbols()
            .filter(|s| !s.is_local() && !s.is_undefined())
            .filter_map(|s| s.name().ok().map(str::to_string))
            .collect();
        drop(obj);
        out.push(Member {
            name: mname,
            data,
            defines,
        });
    }
    Ok(out)
}
