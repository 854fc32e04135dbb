//! Target architectures: `.mpy` codes, word sizes and how to build Rust for each.

use std::fmt;
use std::str::FromStr;

/// A MicroPython native-code architecture this linker can produce `.mpy` files for.
///
/// ```
/// use mpy_link::Arch;
///
/// let arch: Arch = "armv6m".parse().unwrap();
/// assert_eq!(arch.mpy_code(), 4);
/// assert_eq!(arch.word_size(), 4);
/// assert_eq!(arch.rust_target(), "thumbv6m-none-eabi");
/// assert_eq!(arch.to_string(), "armv6m");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// x86-64 (unix and Windows ports).
    X64,
    /// Armv6-M Thumb (Cortex-M0/M0+); loads on every Cortex-M port.
    Armv6m,
    /// Armv7-M Thumb-2 (Cortex-M3), soft-float.
    Armv7m,
    /// Armv7E-M with a single-precision FPU (Cortex-M4F, M33), hard-float ABI.
    Armv7emsp,
    /// Armv7E-M with a double-precision FPU (Cortex-M7), hard-float ABI.
    Armv7emdp,
    /// 32-bit RISC-V with the I, M and C extensions (ESP32-C3/C6, RP2350 Hazard3).
    Rv32imc,
}

/// The machine family of an [`Arch`], which decides the relocation set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    X86_64,
    Thumb,
    Riscv32,
}

impl Arch {
    /// Every supported architecture, in the order builds and reports list them.
    pub const ALL: [Arch; 6] = [
        Arch::X64,
        Arch::Armv6m,
        Arch::Armv7m,
        Arch::Armv7emsp,
        Arch::Armv7emdp,
        Arch::Rv32imc,
    ];

    /// The name MicroPython uses (`ARCH=` of its native-module makefiles).
    pub fn name(self) -> &'static str {
        match self {
            Arch::X64 => "x64",
            Arch::Armv6m => "armv6m",
            Arch::Armv7m => "armv7m",
            Arch::Armv7emsp => "armv7emsp",
            Arch::Armv7emdp => "armv7emdp",
            Arch::Rv32imc => "rv32imc",
        }
    }

    /// The architecture code stored in bits 2..=5 of the `.mpy` header's third byte.
    pub fn mpy_code(self) -> u8 {
        match self {
            Arch::X64 => 2,
            Arch::Armv6m => 4,
            Arch::Armv7m => 5,
            Arch::Armv7emsp => 7,
            Arch::Armv7emdp => 8,
            Arch::Rv32imc => 11,
        }
    }

    /// The architecture with `.mpy` code `code`, if it is one this crate supports.
    pub fn from_mpy_code(code: u8) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.mpy_code() == code)
    }

    /// Size in bytes of a machine word (and of every relocated loader word).
    pub fn word_size(self) -> usize {
        match self {
            Arch::X64 => 8,
            _ => 4,
        }
    }

    /// The rustc target triple whose `no_std` output this architecture loads.
    ///
    /// x64 uses `x86_64-unknown-linux-gnu` (with `#![no_std]`), not `x86_64-unknown-none`:
    /// the latter is soft-float and would pass floats in the wrong registers.
    pub fn rust_target(self) -> &'static str {
        match self {
            Arch::X64 => "x86_64-unknown-linux-gnu",
            Arch::Armv6m => "thumbv6m-none-eabi",
            Arch::Armv7m => "thumbv7m-none-eabi",
            Arch::Armv7emsp | Arch::Armv7emdp => "thumbv7em-none-eabihf",
            Arch::Rv32imc => "riscv32imc-unknown-none-elf",
        }
    }

    /// Extra rustc flags this architecture needs on top of the common native-module flags
    /// (see [`NATMOD_RUSTFLAGS`]).
    pub fn extra_rustflags(self) -> &'static [&'static str] {
        match self {
            Arch::Armv7emdp => &["-C", "target-cpu=cortex-m7"],
            _ => &[],
        }
    }

    /// The full list of rustc flags for a native-module build: [`NATMOD_RUSTFLAGS`] followed
    /// by [`Arch::extra_rustflags`].
    pub fn rustflags(self) -> Vec<&'static str> {
        let mut flags = NATMOD_RUSTFLAGS.to_vec();
        flags.extend_from_slice(self.extra_rustflags());
        flags
    }

    pub(crate) fn family(self) -> Family {
        match self {
            Arch::X64 => Family::X86_64,
            Arch::Armv6m | Arch::Armv7m | Arch::Armv7emsp | Arch::Armv7emdp => Family::Thumb,
            Arch::Rv32imc => Family::Riscv32,
        }
    }
}

/// rustc flags every native-module build needs, whatever the architecture.
///
/// Position-independent code makes every reference to writable data and to the runtime go
/// through the GOT, which the MicroPython loader can relocate; unwind tables are useless
/// in a `panic = "abort"` module and only cost space.
pub const NATMOD_RUSTFLAGS: [&str; 4] =
    ["-C", "relocation-model=pic", "-C", "force-unwind-tables=no"];

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error returned when parsing an unknown architecture name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseArchError(String);

impl fmt::Display for ParseArchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown architecture `{}` (expected one of:", self.0)?;
        for a in Arch::ALL {
            write!(f, " {a}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for ParseArchError {}

impl FromStr for Arch {
    type Err = ParseArchError;

    fn from_str(s: &str) -> Result<Arch, ParseArchError> {
        Arch::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| ParseArchError(s.to_string()))
    }
}
