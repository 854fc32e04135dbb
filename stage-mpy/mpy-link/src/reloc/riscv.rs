//! RISC-V relocation types (psABI), as rustc's output for rv32imc uses them. RELA.
//! No linker relaxation is performed: `R_RISCV_RELAX` and `R_RISCV_ALIGN` are ignored.

use super::{Arith, Calc, Field, Howto};

/// How to apply RISC-V relocation `r_type`, or `None` if unknown.
pub(crate) fn howto(r_type: u32) -> Option<Howto> {
    use Calc::*;
    use Field::*;
    let (calc, field, name) = match r_type {
        0 => (Nothing, W32, "R_RISCV_NONE"),
        1 => (Abs, W32, "R_RISCV_32"),
        2 => (Abs, W64, "R_RISCV_64"),
        6..=11 => (Tls, W32, "R_RISCV_TLS_*"),
        16 => (Pc, RvBranch, "R_RISCV_BRANCH"),
        17 => (Pc, RvJal, "R_RISCV_JAL"),
        18 => (Pc, RvCall, "R_RISCV_CALL"),
        19 => (Pc, RvCall, "R_RISCV_CALL_PLT"),
        20 => (GotPc, RvHi20, "R_RISCV_GOT_HI20"),
        21 => (Tls, RvHi20, "R_RISCV_TLS_GOT_HI20"),
        22 => (Tls, RvHi20, "R_RISCV_TLS_GD_HI20"),
        23 => (Pc, RvHi20, "R_RISCV_PCREL_HI20"),
        24 => (PcrelLo, RvLo12I, "R_RISCV_PCREL_LO12_I"),
        25 => (PcrelLo, RvLo12S, "R_RISCV_PCREL_LO12_S"),
        26 => (Abs, RvHi20, "R_RISCV_HI20"),
        27 => (Abs, RvLo12I, "R_RISCV_LO12_I"),
        28 => (Abs, RvLo12S, "R_RISCV_LO12_S"),
        29..=32 => (Tls, W32, "R_RISCV_TPREL_*"),
        33 => (Label(Arith::Add), W8, "R_RISCV_ADD8"),
        34 => (Label(Arith::Add), W16, "R_RISCV_ADD16"),
        35 => (Label(Arith::Add), W32, "R_RISCV_ADD32"),
        36 => (Label(Arith::Add), W64, "R_RISCV_ADD64"),
        37 => (Label(Arith::Sub), W8, "R_RISCV_SUB8"),
        38 => (Label(Arith::Sub), W16, "R_RISCV_SUB16"),
        39 => (Label(Arith::Sub), W32, "R_RISCV_SUB32"),
        40 => (Label(Arith::Sub), W64, "R_RISCV_SUB64"),
        43 => (Nothing, W32, "R_RISCV_ALIGN"),
        44 => (Pc, RvcBranch, "R_RISCV_RVC_BRANCH"),
        45 => (Pc, RvcJump, "R_RISCV_RVC_JUMP"),
        51 => (Nothing, W32, "R_RISCV_RELAX"),
        52 => (Label(Arith::Sub), W6, "R_RISCV_SUB6"),
        53 => (Label(Arith::Set), W6, "R_RISCV_SET6"),
        54 => (Label(Arith::Set), W8, "R_RISCV_SET8"),
        55 => (Label(Arith::Set), W16, "R_RISCV_SET16"),
        56 => (Label(Arith::Set), W32, "R_RISCV_SET32"),
        57 => (Pc, W32, "R_RISCV_32_PCREL"),
        _ => return None,
    };
    Some(Howto { calc, field, name })
}
