//! Arm (Thumb) relocation types (AAELF32), as rustc's PIC output for Cortex-M uses them.
//! Objects use REL: addends live in the instruction or data word.

use super::{Calc, Field, Howto};

/// How to apply Arm relocation `r_type`, or `None` if unknown.
pub(crate) fn howto(r_type: u32) -> Option<Howto> {
    use Calc::*;
    use Field::*;
    let (calc, field, name) = match r_type {
        0 => (Nothing, W32, "R_ARM_NONE"),
        2 => (Abs, W32, "R_ARM_ABS32"),
        3 => (Pc, W32, "R_ARM_REL32"),
        5 => (Abs, W16, "R_ARM_ABS16"),
        8 => (Abs, W8, "R_ARM_ABS8"),
        10 => (Pc, ThumbBranch24, "R_ARM_THM_CALL"),
        17 => (Tls, W32, "R_ARM_TLS_DTPMOD32"),
        18 => (Tls, W32, "R_ARM_TLS_DTPOFF32"),
        19 => (Tls, W32, "R_ARM_TLS_TPOFF32"),
        24 => (SymGotRel, W32, "R_ARM_GOTOFF32"),
        25 => (GotBasePc, W32, "R_ARM_BASE_PREL"),
        26 => (GotRel, W32, "R_ARM_GOT_BREL"),
        30 => (Pc, ThumbBranch24, "R_ARM_THM_JUMP24"),
        38 => (Abs, W32, "R_ARM_TARGET1"),
        40 => (Nothing, W32, "R_ARM_V4BX"),
        42 => (Pc, Prel31, "R_ARM_PREL31"),
        47 => (Abs, ThumbMovw, "R_ARM_THM_MOVW_ABS_NC"),
        48 => (Abs, ThumbMovt, "R_ARM_THM_MOVT_ABS"),
        49 => (Pc, ThumbMovw, "R_ARM_THM_MOVW_PREL_NC"),
        50 => (Pc, ThumbMovt, "R_ARM_THM_MOVT_PREL"),
        51 => (Pc, ThumbBranch20, "R_ARM_THM_JUMP19"),
        52 => (Pc, ThumbCbz, "R_ARM_THM_JUMP6"),
        96 => (GotPc, W32, "R_ARM_GOT_PREL"),
        102 => (Pc, ThumbBranch11, "R_ARM_THM_JUMP11"),
        103 => (Pc, ThumbBranch8, "R_ARM_THM_JUMP8"),
        104 => (Tls, W32, "R_ARM_TLS_GD32"),
        105 => (Tls, W32, "R_ARM_TLS_LDM32"),
        106 => (Tls, W32, "R_ARM_TLS_LDO32"),
        107 => (Tls, W32, "R_ARM_TLS_IE32"),
        108 => (Tls, W32, "R_ARM_TLS_LE32"),
        _ => return None,
    };
    Some(Howto { calc, field, name })
}
