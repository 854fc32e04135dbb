//! The link itself: load, resolve, collect garbage, check, place, relocate, write.

use crate::error::{LinkError, Location, UndefinedRef};
use crate::format::{MpyImage, RelocDest};
use crate::input::{archive_members, Def, Input, Objects, Reloc, SecClass, SecId, Target};
use crate::layout::{Addr, Layout};
use crate::reloc::{self, Calc};
use crate::report::{KeptSection, Placement, Region, SizeReport};
use crate::runtime::RuntimeSym;
use crate::Arch;
use std::collections::{BTreeMap, HashMap};

/// How to link.
///
/// ```
/// use mpy_link::{Arch, Options};
///
/// let opts = Options::new(Arch::X64).file_name("_stage.mpy");
/// assert_eq!(opts.entry, "mpy_init");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Target architecture.
    pub arch: Arch,
    /// The module's file name, stored as qstr 0 (MicroPython uses it as the source name).
    pub file_name: String,
    /// The entry symbol, which the loader calls at import (placed at text offset 0).
    pub entry: String,
}

impl Options {
    /// Options for `arch` with file name `module.mpy` and entry `mpy_init`.
    pub fn new(arch: Arch) -> Options {
        Options {
            arch,
            file_name: "module.mpy".to_string(),
            entry: "mpy_init".to_string(),
        }
    }

    /// Sets the file name stored in the `.mpy` (e.g. `_stage.mpy`).
    pub fn file_name(mut self, name: impl Into<String>) -> Options {
        self.file_name = name.into();
        self
    }

    /// Sets the entry symbol.
    pub fn entry(mut self, entry: impl Into<String>) -> Options {
        self.entry = entry.into();
        self
    }
}

/// A linked module: the `.mpy` bytes and what went into them.
#[derive(Clone, Debug)]
pub struct Linked {
    /// The `.mpy` file contents.
    pub mpy: Vec<u8>,
    /// Sizes and contents.
    pub report: SizeReport,
    /// Where each kept global symbol was placed.
    pub symbols: BTreeMap<String, Placement>,
}

impl Linked {
    /// Where global symbol `name` was placed, if it was kept.
    pub fn symbol(&self, name: &str) -> Option<Placement> {
        self.symbols.get(name).copied()
    }
}

/// Links `inputs` (ELF relocatable objects and `ar` archives) into a native `.mpy`.
///
/// Objects are always loaded; archive members are loaded when they define a symbol that
/// is still undefined (starting with the entry symbol, so a Rust staticlib alone is a
/// complete input). Sections not reachable from the entry are dropped.
///
/// ```no_run
/// use mpy_link::{link, Arch, Input, Options};
///
/// let lib = Input::read("target/thumbv6m-none-eabi/release/libmymod.a")?;
/// let linked = link(&[lib], &Options::new(Arch::Armv6m).file_name("mymod.mpy"))?;
/// std::fs::write("mymod.mpy", &linked.mpy).expect("write");
/// println!("{}", linked.report);
/// # Ok::<(), mpy_link::LinkError>(())
/// ```
pub fn link(inputs: &[Input], options: &Options) -> Result<Linked, LinkError> {
    let arch = options.arch;
    let loaded = load(inputs, options)?;
    let objs = &loaded.objs;
    let entry = entry_point(objs, &options.entry)?;
    let live = collect_live(objs, entry.0)?;
    check_live(objs, &live)?;

    // Placement, qstrs, GOT, relocations.
    let mut layout = Layout::place(arch, objs, &live, entry);
    let mut linker = Linker {
        arch,
        objs,
        qstrs: Vec::new(),
        qstr_index: HashMap::new(),
        words: Vec::new(),
    };
    linker.collect_qstrs(&layout);
    linker.build_got(&mut layout)?;
    linker.apply_relocations(&mut layout)?;

    let mut words = std::mem::take(&mut linker.words);
    words.sort();
    let (mpy, records) = MpyImage {
        arch,
        file_name: &options.file_name,
        qstrs: &linker.qstrs,
        text: &layout.text,
        bss_size: layout.bss_size,
        relocs: &words,
    }
    .write();
    let report = linker.report(&layout, &live, &loaded, mpy.len(), words.len(), records);
    let symbols = placed_symbols(objs, &layout, &live);
    Ok(Linked {
        mpy,
        report,
        symbols,
    })
}

/// The objects of a link: every ELF input, and the archive members that define a
/// symbol still undefined.
struct Loaded {
    objs: Objects,
    notes: Vec<String>,
    /// Each member loaded and the symbol it was loaded for.
    members_loaded: Vec<(String, String)>,
    /// The member each loaded file came from, by file index.
    member_file: HashMap<usize, String>,
}

/// Loads the ELF inputs, then pulls archive members for undefined symbols (the entry
/// first) until none is left that an archive defines.
fn load(inputs: &[Input], options: &Options) -> Result<Loaded, LinkError> {
    if inputs.is_empty() {
        return Err(LinkError::NoInputs);
    }
    let arch = options.arch;
    let mut notes = Vec::new();
    let mut objs = Objects::default();

    // Load objects; index archive members by the symbols they define.
    let mut members = Vec::new();
    for input in inputs {
        if input.is_archive() {
            members.extend(archive_members(input, arch, &mut notes)?);
        } else if input.is_elf() {
            objs.load(arch, &input.name, &input.data)?;
        } else {
            return Err(LinkError::UnknownInput {
                input: input.name.clone(),
            });
        }
    }
    let mut provider: HashMap<&str, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        for d in &m.defines {
            provider.entry(d.as_str()).or_insert(i);
        }
    }

    if !objs.globals.contains_key(&options.entry) {
        objs.undefined.insert(0, options.entry.clone());
    }
    let mut loaded = vec![false; members.len()];
    let mut members_loaded = Vec::new();
    let mut member_file = HashMap::new();
    let mut i = 0;
    while i < objs.undefined.len() {
        let name = objs.undefined[i].clone();
        i += 1;
        if objs.globals.contains_key(&name) || RuntimeSym::from_name(&name).is_some() {
            continue;
        }
        if let Some(&m) = provider.get(name.as_str()) {
            if !loaded[m] {
                loaded[m] = true;
                member_file.insert(objs.files.len(), members[m].name.clone());
                objs.load(arch, &members[m].name, &members[m].data)?;
                members_loaded.push((members[m].name.clone(), name));
            }
        }
    }
    Ok(Loaded {
        objs,
        notes,
        members_loaded,
        member_file,
    })
}

/// The entry symbol's section and offset: it must be defined in code.
fn entry_point(objs: &Objects, entry: &str) -> Result<(SecId, u64), LinkError> {
    match objs.globals.get(entry) {
        Some(Def {
            target: Target::Section { sec, value },
            ..
        }) if objs.sections[*sec].class == SecClass::Code => Ok((*sec, *value)),
        _ => Err(LinkError::MissingEntry {
            symbol: entry.to_string(),
        }),
    }
}

/// Where each kept global symbol was placed.
fn placed_symbols(objs: &Objects, layout: &Layout, live: &[bool]) -> BTreeMap<String, Placement> {
    let mut symbols = BTreeMap::new();
    for (name, def) in &objs.globals {
        if let Target::Section { sec, value } = def.target {
            if let Some(base) = layout.addr[sec].filter(|_| live[sec]) {
                let p = if objs.sections[sec].class == SecClass::Bss {
                    Placement::Bss(base + value)
                } else {
                    Placement::Text(base + value)
                };
                symbols.insert(name.clone(), p);
            }
        }
    }
    symbols
}

/// Marks every section reachable from `root` through relocations.
fn collect_live(objs: &Objects, root: SecId) -> Result<Vec<bool>, LinkError> {
    let mut live = vec![false; objs.sections.len()];
    let mut stack = vec![root];
    let mut undefined: BTreeMap<String, Location> = BTreeMap::new();
    while let Some(s) = stack.pop() {
        if live[s] {
            continue;
        }
        live[s] = true;
        let sec = &objs.sections[s];
        for r in &sec.relocs {
            let at = || Location {
                input: objs.files[sec.file].clone(),
                section: sec.name.clone(),
                offset: r.offset,
            };
            let target = match &r.target {
                Target::Global(g) => match objs.globals.get(g) {
                    Some(def) => &def.target,
                    None => {
                        if RuntimeSym::from_name(g).is_none() && !objs.weak_undefined.contains(g) {
                            undefined.entry(g.clone()).or_insert_with(at);
                        }
                        continue;
                    }
                },
                t => t,
            };
            match target {
                Target::Section { sec, .. } => stack.push(*sec),
                Target::Discarded(name) => {
                    return Err(LinkError::DiscardedSection {
                        target: name.clone(),
                        at: at(),
                    })
                }
                _ => {}
            }
        }
    }
    if !undefined.is_empty() {
        return Err(LinkError::UndefinedSymbols(
            undefined
                .into_iter()
                .map(|(symbol, referenced_from)| UndefinedRef {
                    symbol,
                    referenced_from,
                })
                .collect(),
        ));
    }
    Ok(live)
}

/// Rejects what a `.mpy` cannot hold.
fn check_live(objs: &Objects, live: &[bool]) -> Result<(), LinkError> {
    if let Some(c) = objs.ctors.first() {
        return Err(LinkError::Constructors {
            at: Location {
                input: objs.files[c.file].clone(),
                section: c.name.clone(),
                offset: 0,
            },
        });
    }
    for (s, sec) in objs.sections.iter().enumerate() {
        if !live[s] {
            continue;
        }
        let at = Location {
            input: objs.files[sec.file].clone(),
            section: sec.name.clone(),
            offset: 0,
        };
        match sec.class {
            SecClass::Data => {
                return Err(LinkError::InitializedData {
                    at,
                    size: sec.size,
                    symbol: sec.first_symbol.clone(),
                })
            }
            SecClass::Tls => {
                return Err(LinkError::ThreadLocal {
                    at,
                    symbol: sec.first_symbol.clone(),
                })
            }
            _ => {}
        }
    }
    Ok(())
}

struct Linker<'a> {
    arch: Arch,
    objs: &'a Objects,
    qstrs: Vec<String>,
    qstr_index: HashMap<String, u64>,
    /// Words the loader must relocate: (word index in text, what to add).
    words: Vec<(u64, RelocDest)>,
}

impl Linker<'_> {
    /// The size report of a finished link.
    fn report(
        &self,
        layout: &Layout,
        live: &[bool],
        loaded: &Loaded,
        mpy_size: usize,
        relocated_words: usize,
        reloc_records: usize,
    ) -> SizeReport {
        let objs = self.objs;
        let mut kept = Vec::new();
        for &s in &layout.order {
            kept.push(self.kept(layout, s, Region::Text));
        }
        for (s, sec) in objs.sections.iter().enumerate() {
            if live[s] && sec.class == SecClass::Bss {
                kept.push(self.kept(layout, s, Region::Bss));
            }
        }
        let members_kept = loaded
            .member_file
            .iter()
            .filter(|(f, _)| {
                objs.sections
                    .iter()
                    .enumerate()
                    .any(|(s, sec)| live[s] && sec.file == **f)
            })
            .map(|(_, n)| n.clone())
            .collect();
        SizeReport {
            arch: self.arch,
            mpy_size,
            text_size: layout.text.len(),
            code_size: layout.code_size,
            rodata_size: layout.rodata_size,
            trampoline_size: layout.trampoline,
            got_entries: layout.got.len(),
            got: layout.got.iter().map(|a| self.describe(a)).collect(),
            bss_size: layout.bss_size,
            qstrs: self.qstrs.clone(),
            relocated_words,
            reloc_records,
            kept_sections: kept,
            discarded_sections: live.iter().filter(|l| !**l).count(),
            members_loaded: loaded.members_loaded.clone(),
            members_kept,
            notes: loaded.notes.clone(),
        }
    }

    fn location(&self, sec: SecId, r: &Reloc) -> Location {
        let s = &self.objs.sections[sec];
        Location {
            input: self.objs.files[s.file].clone(),
            section: s.name.clone(),
            offset: r.offset,
        }
    }

    fn kept(&self, layout: &Layout, s: SecId, region: Region) -> KeptSection {
        let sec = &self.objs.sections[s];
        KeptSection {
            input: self.objs.files[sec.file].clone(),
            name: sec.name.clone(),
            region,
            offset: layout.addr[s].unwrap_or(0),
            size: sec.size,
        }
    }

    /// Gives every `__mpy_qstr_*` symbol referenced by kept code a table index, in order of
    /// first reference.
    fn collect_qstrs(&mut self, layout: &Layout) {
        for &s in &layout.order {
            for r in &self.objs.sections[s].relocs {
                if let Target::Global(g) = &r.target {
                    if self.objs.globals.contains_key(g) {
                        continue;
                    }
                    if let Some(RuntimeSym::Qstr(q)) = RuntimeSym::from_name(g) {
                        if !self.qstr_index.contains_key(&q) {
                            self.qstrs.push(q.clone());
                            self.qstr_index.insert(q, self.qstrs.len() as u64);
                        }
                    }
                }
            }
        }
    }

    fn resolve(&self, layout: &Layout, target: &Target) -> Addr {
        match target {
            Target::Section { sec, value } => {
                let base = layout.addr[*sec].unwrap_or(0);
                if self.objs.sections[*sec].class == SecClass::Bss {
                    Addr::Bss(base + value)
                } else {
                    Addr::Text(base + value)
                }
            }
            Target::Global(g) => match self.objs.globals.get(g) {
                Some(def) => self.resolve(layout, &def.target),
                None => match RuntimeSym::from_name(g) {
                    Some(RuntimeSym::GotBase) => Addr::Text(layout.got_base),
                    Some(rt) => Addr::Runtime(rt),
                    None => Addr::Absolute(0), // weak undefined
                },
            },
            Target::Absolute(v) => Addr::Absolute(*v),
            Target::Discarded(_) => Addr::Absolute(0), // rejected by collect_live
        }
    }

    /// The link-time value and loader relocation for an address stored in a data word.
    fn word_value(&self, a: &Addr) -> (u64, Option<RelocDest>) {
        match a {
            Addr::Text(v) => (*v, Some(RelocDest::Text)),
            Addr::Bss(v) => (*v, Some(RelocDest::Bss)),
            Addr::Absolute(v) => (*v, None),
            Addr::Runtime(rt) => {
                match rt.loader_value(|q| self.qstr_index.get(q).copied().unwrap_or(0)) {
                    Some((dest, v)) => (v, Some(dest)),
                    None => (0, None),
                }
            }
        }
    }

    fn describe(&self, a: &Addr) -> String {
        match a {
            Addr::Text(v) => format!("text+{v:#x}"),
            Addr::Bss(v) => format!("bss+{v:#x}"),
            Addr::Absolute(v) => format!("absolute {v:#x}"),
            Addr::Runtime(RuntimeSym::Qstr(q)) => {
                format!(
                    "qstr `{q}` (qstr_table[{}])",
                    self.qstr_index.get(q).copied().unwrap_or(0)
                )
            }
            Addr::Runtime(rt) => match self.word_value(a).1 {
                Some(dest) => dest.to_string(),
                None => format!("{rt:?}"),
            },
        }
    }

    fn howto(&self, sec: SecId, r: &Reloc) -> Result<reloc::Howto, LinkError> {
        reloc::howto(self.arch.family(), r.r_type).ok_or_else(|| LinkError::UnsupportedRelocation {
            arch: self.arch,
            r_type: r.r_type,
            symbol: r.sym_name.clone(),
            at: self.location(sec, r),
        })
    }

    /// Allocates a GOT slot for every symbol a GOT-type relocation of kept code uses.
    fn build_got(&mut self, layout: &mut Layout) -> Result<(), LinkError> {
        for &s in &layout.order.clone() {
            for r in &self.objs.sections[s].relocs {
                if self.howto(s, r)?.calc.uses_got_slot() {
                    let a = self.resolve(layout, &r.target);
                    layout.got_slot(&a);
                }
            }
        }
        let word = self.arch.word_size();
        let got_len = layout.got.len() * word;
        layout.text.resize(layout.got_base as usize + got_len, 0);
        for i in 0..layout.got.len() {
            let at = layout.got_addr(i, self.arch) as usize;
            let (v, dest) = self.word_value(&layout.got[i]);
            layout.text[at..at + word].copy_from_slice(&v.to_le_bytes()[..word]);
            if let Some(dest) = dest {
                self.words.push((at as u64 / word as u64, dest));
            }
        }
        Ok(())
    }

    /// Applies every relocation of the kept text sections. RISC-V `%pcrel_lo` relocations
    /// go last: they need the value their `%pcrel_hi` partner computed.
    fn apply_relocations(&mut self, layout: &mut Layout) -> Result<(), LinkError> {
        let mut hi_values: HashMap<u64, i64> = HashMap::new();
        for pass in 0..2 {
            for &s in &layout.order.clone() {
                let base = layout.addr[s].unwrap_or(0);
                for r in &self.objs.sections[s].relocs {
                    let h = self.howto(s, r)?;
                    if (h.calc == Calc::PcrelLo) != (pass == 1) {
                        continue;
                    }
                    self.apply_one(layout, s, base, r, h, &mut hi_values)?;
                }
            }
        }
        Ok(())
    }

    fn apply_one(
        &mut self,
        layout: &mut Layout,
        s: SecId,
        base: u64,
        r: &Reloc,
        h: reloc::Howto,
        hi_values: &mut HashMap<u64, i64>,
    ) -> Result<(), LinkError> {
        let objs = self.objs;
        let arch = self.arch;
        let sec = &objs.sections[s];
        if r.offset + h.field.size() as u64 > sec.data.len() as u64 {
            return Err(LinkError::Malformed {
                input: objs.files[sec.file].clone(),
                message: format!(
                    "{} at {}+{:#x} lies outside the section",
                    h.name, sec.name, r.offset
                ),
            });
        }
        let p = base + r.offset;
        let po = p as usize;
        let at = || Location {
            input: objs.files[sec.file].clone(),
            section: sec.name.clone(),
            offset: r.offset,
        };
        let a = if r.implicit {
            h.field.implicit_addend(&layout.text, po)
        } else {
            r.addend
        };
        let target = self.resolve(layout, &r.target);
        let word = arch.word_size() as u64;
        // The symbol's address for a PC-relative or label computation: must be in text.
        let text_addr = |what: &Addr| -> Result<i64, LinkError> {
            match what {
                Addr::Text(v) => Ok(*v as i64),
                Addr::Bss(_) => {
                    let target_section = match &r.target {
                        Target::Section { sec, .. } => objs.sections[*sec].name.clone(),
                        Target::Global(g) => match objs.globals.get(g).map(|d| &d.target) {
                            Some(Target::Section { sec, .. }) => objs.sections[*sec].name.clone(),
                            _ => String::new(),
                        },
                        _ => String::new(),
                    };
                    Err(LinkError::PcRelativeToBss {
                        symbol: r.sym_name.clone(),
                        target_section,
                        at: at(),
                        reloc: h.name,
                    })
                }
                Addr::Runtime(_) => Err(LinkError::PcRelativeToRuntime {
                    symbol: r.sym_name.clone(),
                    at: at(),
                    reloc: h.name,
                }),
                Addr::Absolute(_) => Err(LinkError::AbsoluteAddress {
                    symbol: r.sym_name.clone(),
                    at: at(),
                    reloc: h.name,
                }),
            }
        };
        let got = |layout: &Layout| -> i64 {
            let i = layout.got.iter().position(|g| *g == target).unwrap_or(0);
            layout.got_addr(i, arch) as i64
        };
        let value = match h.calc {
            Calc::Nothing => return Ok(()),
            Calc::Tls => {
                return Err(LinkError::ThreadLocal {
                    at: at(),
                    symbol: Some(r.sym_name.clone()),
                })
            }
            Calc::Abs => {
                let (v, dest) = self.word_value(&target);
                let full_word = h.field.size() as u64 == word;
                match dest {
                    None => {}
                    Some(dest) if full_word && p.is_multiple_of(word) => {
                        self.words.push((p / word, dest))
                    }
                    Some(_) => {
                        return Err(LinkError::AbsoluteAddress {
                            symbol: r.sym_name.clone(),
                            at: at(),
                            reloc: h.name,
                        })
                    }
                }
                (v as i64).wrapping_add(a)
            }
            Calc::Pc => text_addr(&target)? + a - p as i64,
            Calc::GotPc => got(layout) + a - p as i64,
            Calc::GotRel => got(layout) - layout.got_base as i64 + a,
            Calc::GotBasePc => layout.got_base as i64 + a - p as i64,
            Calc::SymGotRel => text_addr(&target)? + a - layout.got_base as i64,
            Calc::PcrelLo => {
                let label = text_addr(&target)? as u64;
                match hi_values.get(&label) {
                    Some(v) => *v,
                    None => {
                        return Err(LinkError::Malformed {
                            input: objs.files[sec.file].clone(),
                            message: format!(
                                "{} at {}+{:#x} has no matching %pcrel_hi relocation",
                                h.name, sec.name, r.offset
                            ),
                        })
                    }
                }
            }
            Calc::Label(op) => {
                let v = text_addr(&target)? + a;
                h.field.arith(&mut layout.text, po, op, v as u64);
                return Ok(());
            }
        };
        if h.field == reloc::Field::RvHi20 {
            hi_values.insert(p, value);
        }
        h.field
            .write(&mut layout.text, po, value)
            .map_err(|_| LinkError::OutOfRange {
                reloc: h.name,
                symbol: r.sym_name.clone(),
                at: at(),
                value,
            })
    }
}
