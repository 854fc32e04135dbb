//! Link errors, each with a message that says what to change.

use crate::Arch;
use std::fmt;

/// Where something is in the inputs: `input:section+offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The input file, or `archive(member)` for an archive member.
    pub input: String,
    /// The section name.
    pub section: String,
    /// Byte offset inside the section.
    pub offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}+{:#x}", self.input, self.section, self.offset)
    }
}

/// A reference to a symbol nobody defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndefinedRef {
    /// The symbol name as it appears in the object (possibly mangled).
    pub symbol: String,
    /// The first place that references it.
    pub referenced_from: Location,
}

/// Shows a (possibly Rust-mangled) symbol as `demangled` or `demangled (raw)`.
pub(crate) struct SymName<'a>(pub &'a str);

impl fmt::Display for SymName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match rustc_demangle::try_demangle(self.0) {
            Ok(d) => write!(f, "`{d:#}` ({})", self.0),
            Err(_) => write!(f, "`{}`", self.0),
        }
    }
}

/// Why a link failed.
///
/// Every variant's `Display` names the symbol or section at fault and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// An input could not be read.
    Read {
        /// The path.
        path: String,
        /// The operating system's error.
        message: String,
    },
    /// Nothing to link.
    NoInputs,
    /// An input is neither an ELF relocatable object nor an `ar` archive.
    UnknownInput {
        /// The input.
        input: String,
    },
    /// An input is damaged or not a relocatable object.
    Malformed {
        /// The input.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// An object file is for another machine.
    WrongArch {
        /// The input.
        input: String,
        /// What the object is for.
        found: String,
        /// What the link targets.
        expected: Arch,
    },
    /// The entry symbol (`mpy_init`) is not defined by any input.
    MissingEntry {
        /// The entry symbol.
        symbol: String,
    },
    /// Two inputs give a strong (non-weak) definition of the same symbol.
    DuplicateSymbol {
        /// The symbol.
        symbol: String,
        /// The input with the first definition.
        first: String,
        /// The input with the second definition.
        second: String,
    },
    /// Reachable code references symbols that no input or the runtime defines.
    UndefinedSymbols(Vec<UndefinedRef>),
    /// Reachable initialised writable data (`.data`): the format only has zeroed BSS.
    InitializedData {
        /// The section, e.g. `.data.COUNTER`.
        at: Location,
        /// Its size in bytes.
        size: u64,
        /// A symbol defined in it, if any.
        symbol: Option<String>,
    },
    /// Reachable thread-local storage (`.tdata`/`.tbss` or a TLS relocation).
    ThreadLocal {
        /// The TLS section, or the place of the TLS relocation.
        at: Location,
        /// The thread-local symbol, if known.
        symbol: Option<String>,
    },
    /// Constructors or destructors (`.init_array`, `.ctors`, ...): nothing would run them.
    Constructors {
        /// The section.
        at: Location,
    },
    /// Code addresses a BSS symbol PC-relatively, but BSS is allocated apart from the text
    /// at load time, so only GOT slots or loader-relocated words can reach it.
    PcRelativeToBss {
        /// The BSS symbol.
        symbol: String,
        /// The BSS section that holds it.
        target_section: String,
        /// The referencing instruction.
        at: Location,
        /// The relocation type.
        reloc: &'static str,
    },
    /// Code addresses a runtime symbol (`mp_fun_table`, a qstr, ...) PC-relatively.
    PcRelativeToRuntime {
        /// The runtime symbol.
        symbol: String,
        /// The referencing instruction.
        at: Location,
        /// The relocation type.
        reloc: &'static str,
    },
    /// An absolute address inside an instruction (non-position-independent code), or an
    /// absolute word the loader cannot relocate (not word-aligned).
    AbsoluteAddress {
        /// The referenced symbol.
        symbol: String,
        /// Where.
        at: Location,
        /// The relocation type.
        reloc: &'static str,
    },
    /// A relocation type this linker does not implement for the architecture.
    UnsupportedRelocation {
        /// The target architecture.
        arch: Arch,
        /// The ELF relocation type number.
        r_type: u32,
        /// The referenced symbol.
        symbol: String,
        /// Where.
        at: Location,
    },
    /// A branch or offset does not fit its instruction field.
    OutOfRange {
        /// The relocation type.
        reloc: &'static str,
        /// The referenced symbol.
        symbol: String,
        /// Where.
        at: Location,
        /// The value that did not fit.
        value: i64,
    },
    /// A reachable section references a section this linker discards (e.g. `.eh_frame`).
    DiscardedSection {
        /// The discarded section.
        target: String,
        /// Where.
        at: Location,
    },
}

const PIC_HINT: &str =
    "build with `-C relocation-model=pic` (e.g. RUSTFLAGS, or `cargo mpy`, which sets it)";

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Read { path, message } => write!(f, "cannot read {path}: {message}"),
            LinkError::NoInputs => f.write_str("no input files (give ELF objects or .a archives)"),
            LinkError::UnknownInput { input } => write!(
                f,
                "{input}: not an ELF relocatable object or `ar` archive (give .o/.a files, \
                 e.g. the staticlib cargo builds with `--crate-type staticlib`)"
            ),
            LinkError::Malformed { input, message } => write!(f, "{input}: {message}"),
            LinkError::WrongArch {
                input,
                found,
                expected,
            } => write!(
                f,
                "{input}: object is for {found}, but the link is for {expected} \
                 (build it with `--target {}`)",
                expected.rust_target()
            ),
            LinkError::MissingEntry { symbol } => write!(
                f,
                "entry symbol `{symbol}` is not defined: the module must export \
                 `#[no_mangle] pub extern \"C\" fn {symbol}(...)` (with the crate's native-module \
                 feature enabled)"
            ),
            LinkError::DuplicateSymbol {
                symbol,
                first,
                second,
            } => write!(
                f,
                "symbol {} is defined in both {first} and {second}; make one of them weak or \
                 remove it",
                SymName(symbol)
            ),
            LinkError::UndefinedSymbols(refs) => {
                write!(f, "{} undefined symbol(s):", refs.len())?;
                for r in refs {
                    write!(
                        f,
                        "\n  {} referenced from {}",
                        SymName(&r.symbol),
                        r.referenced_from
                    )?;
                }
                f.write_str(
                    "\nonly the MicroPython runtime symbols (mp_fun_table, mp_type_*, \
                     mp_stream_*_obj, __mpy_qstr_<name>) are provided by the loader; define the \
                     others in the module (e.g. memcpy/memset shims) or link the archive that has them",
                )
            }
            LinkError::InitializedData { at, size, symbol } => {
                write!(
                    f,
                    "{at}: section `{}` holds {size} byte(s) of initialised writable data",
                    at.section
                )?;
                if let Some(s) = symbol {
                    write!(f, " (symbol {})", SymName(s))?;
                }
                f.write_str(
                    "; a .mpy has no .data, only zero-filled BSS: initialise the static with zeros \
                     (or MaybeUninit) and set its value at run time, e.g. in mpy_init",
                )
            }
            LinkError::ThreadLocal { at, symbol } => {
                write!(f, "{at}: thread-local storage")?;
                if let Some(s) = symbol {
                    write!(f, " (symbol {})", SymName(s))?;
                }
                f.write_str(" is not supported by native modules; use a plain static")
            }
            LinkError::Constructors { at } => write!(
                f,
                "{at}: section `{}` holds constructors/destructors, which a .mpy cannot run; \
                 do the initialisation in mpy_init instead",
                at.section
            ),
            LinkError::PcRelativeToBss {
                symbol,
                target_section,
                at,
                reloc,
            } => write!(
                f,
                "{at}: PC-relative reference ({reloc}) to {} in BSS section `{target_section}`; \
                 BSS is allocated apart from the code at load time, so it must be reached \
                 through the GOT. In Rust make the static `#[no_mangle] pub static mut` (or keep \
                 all state in one such struct) and {PIC_HINT}",
                SymName(symbol)
            ),
            LinkError::PcRelativeToRuntime { symbol, at, reloc } => write!(
                f,
                "{at}: PC-relative reference ({reloc}) to runtime symbol {}; runtime symbols are \
                 only known at load time and must be reached through the GOT: declare it in an \
                 `extern \"C\"` block and {PIC_HINT}",
                SymName(symbol)
            ),
            LinkError::AbsoluteAddress { symbol, at, reloc } => write!(
                f,
                "{at}: absolute address of {} ({reloc}) in a place the loader cannot relocate \
                 (only aligned data words can be relocated); {PIC_HINT}",
                SymName(symbol)
            ),
            LinkError::UnsupportedRelocation {
                arch,
                r_type,
                symbol,
                at,
            } => write!(
                f,
                "{at}: relocation {} against {} is not supported for {arch}; \
                 check the build flags ({PIC_HINT}, `-C panic=abort`)",
                crate::reloc::name(arch.family(), *r_type),
                SymName(symbol)
            ),
            LinkError::OutOfRange {
                reloc,
                symbol,
                at,
                value,
            } => write!(
                f,
                "{at}: {reloc} to {} out of range (offset {value}); the module is too large for \
                 this instruction form",
                SymName(symbol)
            ),
            LinkError::DiscardedSection { target, at } => write!(
                f,
                "{at}: reference into discarded section `{target}` (unwind/debug sections are \
                 dropped; build with `-C panic=abort -C force-unwind-tables=no -C debuginfo=0`)"
            ),
        }
    }
}

impl std::error::Error for LinkError {}
