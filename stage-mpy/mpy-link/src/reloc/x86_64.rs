//! x86-64 relocation types (System V psABI), as rustc's PIC output uses them.

use super::{Calc, Field, Howto};

/// How to apply x86-64 relocation `r_type`, or `None` if unknown.
pub(crate) fn howto(r_type: u32) -> Option<Howto> {
    use Calc::*;
    use Field::*;
    let (calc, field, name) = match r_type {
        0 => (Nothing, W32, "R_X86_64_NONE"),
        1 => (Abs, W64, "R_X86_64_64"),
        2 => (Pc, W32, "R_X86_64_PC32"),
        3 => (GotRel, W32, "R_X86_64_GOT32"),
        4 => (Pc, W32, "R_X86_64_PLT32"),
        9 => (GotPc, W32, "R_X86_64_GOTPCREL"),
        10 => (Abs, W32, "R_X86_64_32"),
        11 => (Abs, W32, "R_X86_64_32S"),
        12 => (Abs, W16, "R_X86_64_16"),
        13 => (Pc, W16, "R_X86_64_PC16"),
        14 => (Abs, W8, "R_X86_64_8"),
        15 => (Pc, W8, "R_X86_64_PC8"),
        16 => (Tls, W64, "R_X86_64_DTPMOD64"),
        17 => (Tls, W64, "R_X86_64_DTPOFF64"),
        18 => (Tls, W64, "R_X86_64_TPOFF64"),
        19 => (Tls, W32, "R_X86_64_TLSGD"),
        20 => (Tls, W32, "R_X86_64_TLSLD"),
        21 => (Tls, W32, "R_X86_64_DTPOFF32"),
        22 => (Tls, W32, "R_X86_64_GOTTPOFF"),
        23 => (Tls, W32, "R_X86_64_TPOFF32"),
        24 => (Pc, W64, "R_X86_64_PC64"),
        25 => (SymGotRel, W64, "R_X86_64_GOTOFF64"),
        26 => (GotBasePc, W32, "R_X86_64_GOTPC32"),
        27 => (GotRel, W64, "R_X86_64_GOT64"),
        28 => (GotPc, W64, "R_X86_64_GOTPCREL64"),
        29 => (GotBasePc, W64, "R_X86_64_GOTPC64"),
        30 => (GotRel, W64, "R_X86_64_GOTPLT64"),
        34 => (Tls, W32, "R_X86_64_GOTPC32_TLSDESC"),
        35 => (Tls, W32, "R_X86_64_TLSDESC_CALL"),
        36 => (Tls, W64, "R_X86_64_TLSDESC"),
        // GOTPCRELX / REX_GOTPCRELX: kept as GOT loads (never relaxed into `lea`), since
        // the GOT slot is what the loader fills in.
        41 => (GotPc, W32, "R_X86_64_GOTPCRELX"),
        42 => (GotPc, W32, "R_X86_64_REX_GOTPCRELX"),
        _ => return None,
    };
    Some(Howto { calc, field, name })
}
