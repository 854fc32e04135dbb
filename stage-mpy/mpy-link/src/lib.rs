//! Links ELF relocatable objects and `ar` archives into MicroPython native modules
//! (`.mpy` version 6, sub-version 3) for x64, armv6m, armv7m, armv7emsp, armv7emdp and
//! rv32imc, without any MicroPython tooling.
//!
//! The input is typically the staticlib cargo builds for a `no_std` crate with fat LTO,
//! `panic = "abort"` and `-C relocation-model=pic`: one object holding the crate and
//! `core`, plus `compiler_builtins` members that are pulled in on demand.
//!
//! What the linker does:
//!
//! * resolves symbols (strong definitions beat weak ones; archive members are loaded only
//!   for symbols still undefined);
//! * keeps only the sections reachable from the entry symbol `mpy_init`, and places the
//!   entry's section at text offset 0, where the loader jumps (with a per-architecture
//!   trampoline if the entry is not at the start of its section);
//! * lays out code, read-only data and a GOT in the text blob, and zeroed data in BSS;
//! * applies the relocations and turns every absolute word into a loader relocation;
//! * maps the runtime's symbols: `mp_fun_table`, its 14 data entries (`mp_type_type`, ...,
//!   `mp_stream_write_obj`), `mp_native_qstr_table`, `mp_native_obj_table`,
//!   `_GLOBAL_OFFSET_TABLE_`, and **module qstrs**: an undefined symbol
//!   `__mpy_qstr_<name>` becomes an entry of the module's qstr table, and its address is
//!   that table entry (read it as a `u16` to get the runtime qstr number);
//! * rejects what the format cannot hold: initialised writable data, thread-locals,
//!   constructors, PC-relative references to BSS or to runtime symbols.
//!
//! ```no_run
//! use mpy_link::{link, Arch, Input, Options};
//!
//! let input = Input::read("libhello.a")?;
//! let linked = link(&[input], &Options::new(Arch::X64).file_name("hello.mpy"))?;
//! std::fs::write("hello.mpy", &linked.mpy).expect("write hello.mpy");
//! println!("{}", linked.report);
//!
//! // Read it back.
//! let mpy = mpy_link::dump::MpyFile::parse(&linked.mpy).expect("valid .mpy");
//! assert_eq!(mpy.arch, Some(Arch::X64));
//! # Ok::<(), mpy_link::LinkError>(())
//! ```

mod arch;
pub mod dump;
mod error;
mod format;
mod input;
mod layout;
mod link;
mod reloc;
mod report;
mod runtime;

pub use arch::{Arch, ParseArchError, NATMOD_RUSTFLAGS};
pub use error::{LinkError, Location, UndefinedRef};
pub use format::{RelocDest, FUN_TABLE_DATA_FIRST, FUN_TABLE_LEN, MPY_SUB_VERSION, MPY_VERSION};
pub use input::Input;
pub use link::{link, Linked, Options};
pub use report::{KeptSection, Placement, Region, SizeReport};
pub use runtime::QSTR_SYMBOL_PREFIX;
