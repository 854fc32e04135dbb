//! Relocation semantics shared by all architectures: what value a relocation computes
//! ([`Calc`]) and how that value is stored in the instruction or data ([`Field`]).

use crate::arch::Family;

pub(crate) mod arm;
pub(crate) mod riscv;
pub(crate) mod x86_64;

/// What a relocation computes (S = symbol, A = addend, P = place, G = the symbol's GOT
/// slot, GOT = start of the GOT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Calc {
    /// Nothing to do (NONE, RELAX, ALIGN, V4BX).
    Nothing,
    /// S + A: an absolute address. Only an aligned machine word can hold one, as a
    /// loader relocation.
    Abs,
    /// S + A - P.
    Pc,
    /// G + A - P.
    GotPc,
    /// G - GOT + A.
    GotRel,
    /// GOT + A - P.
    GotBasePc,
    /// S + A - GOT.
    SymGotRel,
    /// RISC-V `%pcrel_lo`: the low 12 bits of the value computed by the HI20 relocation at
    /// the address S points to.
    PcrelLo,
    /// RISC-V label arithmetic on the field with S + A.
    Label(Arith),
    /// Thread-local storage: not supported.
    Tls,
}

impl Calc {
    /// True if this relocation needs a GOT slot for its symbol.
    pub fn uses_got_slot(self) -> bool {
        matches!(self, Calc::GotPc | Calc::GotRel)
    }
}

/// Label arithmetic operations (RISC-V ADD*/SUB*/SET*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Set,
}

/// Where and how the computed value is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    W6,
    W8,
    W16,
    W32,
    W64,
    ThumbBranch24,
    ThumbBranch20,
    ThumbBranch11,
    ThumbBranch8,
    ThumbCbz,
    ThumbMovw,
    ThumbMovt,
    Prel31,
    RvHi20,
    RvLo12I,
    RvLo12S,
    RvBranch,
    RvJal,
    RvCall,
    RvcBranch,
    RvcJump,
}

/// One relocation type of one architecture.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Howto {
    pub calc: Calc,
    pub field: Field,
    pub name: &'static str,
}

/// Looks up relocation type `r_type` of `family`.
pub(crate) fn howto(family: Family, r_type: u32) -> Option<Howto> {
    match family {
        Family::X86_64 => x86_64::howto(r_type),
        Family::Thumb => arm::howto(r_type),
        Family::Riscv32 => riscv::howto(r_type),
    }
}

/// A human-readable name for a relocation type, for messages.
pub(crate) fn name(family: Family, r_type: u32) -> String {
    match howto(family, r_type) {
        Some(h) => h.name.to_string(),
        None => format!("type {r_type}"),
    }
}

/// The value did not fit the field.
#[derive(Debug)]
pub(crate) struct OutOfRange;

fn rd16(d: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([d[o], d[o + 1]])
}
fn wr16(d: &mut [u8], o: usize, v: u16) {
    d[o..o + 2].copy_from_slice(&v.to_le_bytes());
}
fn rd32(d: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]])
}
fn wr32(d: &mut [u8], o: usize, v: u32) {
    d[o..o + 4].copy_from_slice(&v.to_le_bytes());
}
fn rd64(d: &[u8], o: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[o..o + 8]);
    u64::from_le_bytes(b)
}

/// Sign-extends the low `bits` bits of `v`.
pub(crate) fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

fn fits_signed(v: i64, bits: u32) -> bool {
    v >= -(1i64 << (bits - 1)) && v < (1i64 << (bits - 1))
}

fn check(ok: bool) -> Result<(), OutOfRange> {
    if ok {
        Ok(())
    } else {
        Err(OutOfRange)
    }
}

/// `%hi` of a PC-relative value: rounds so that the sign-extended `%lo` adds back.
pub(crate) fn hi20(v: i64) -> u32 {
    ((v.wrapping_add(0x800) >> 12) as u32) & 0xfffff
}

/// `%lo` of a PC-relative value (12 bits, to be sign-extended by the instruction).
pub(crate) fn lo12(v: i64) -> u32 {
    (v as u32) & 0xfff
}

/// Decodes the offset of a Thumb-2 BL/B.W (encoding T4).
pub(crate) fn thumb_b24_decode(hi: u16, lo: u16) -> i64 {
    let s = u64::from((hi >> 10) & 1);
    let imm10 = u64::from(hi & 0x3ff);
    let j1 = u64::from((lo >> 13) & 1);
    let j2 = u64::from((lo >> 11) & 1);
    let imm11 = u64::from(lo & 0x7ff);
    let i1 = !(j1 ^ s) & 1;
    let i2 = !(j2 ^ s) & 1;
    sext(
        (s << 24) | (i1 << 23) | (i2 << 22) | (imm10 << 12) | (imm11 << 1),
        25,
    )
}

/// Encodes the offset of a Thumb-2 BL/B.W (encoding T4) into an instruction pair.
pub(crate) fn thumb_b24_encode(hi: u16, lo: u16, v: i64) -> (u16, u16) {
    let u = v as u64;
    let s = (u >> 24) & 1;
    let j1 = !(((u >> 23) & 1) ^ s) & 1;
    let j2 = !(((u >> 22) & 1) ^ s) & 1;
    let hi = (hi & 0xf800) | ((s as u16) << 10) | (((u >> 12) & 0x3ff) as u16);
    let lo =
        (lo & 0xd000) | ((j1 as u16) << 13) | ((j2 as u16) << 11) | (((u >> 1) & 0x7ff) as u16);
    (hi, lo)
}

fn thumb_b20_decode(hi: u16, lo: u16) -> i64 {
    let s = u64::from((hi >> 10) & 1);
    let imm6 = u64::from(hi & 0x3f);
    let j1 = u64::from((lo >> 13) & 1);
    let j2 = u64::from((lo >> 11) & 1);
    let imm11 = u64::from(lo & 0x7ff);
    sext(
        (s << 20) | (j2 << 19) | (j1 << 18) | (imm6 << 12) | (imm11 << 1),
        21,
    )
}

fn thumb_imm16_decode(hi: u16, lo: u16) -> u16 {
    let imm4 = hi & 0xf;
    let i = (hi >> 10) & 1;
    let imm3 = (lo >> 12) & 7;
    let imm8 = lo & 0xff;
    (imm4 << 12) | (i << 11) | (imm3 << 8) | imm8
}

fn thumb_imm16_encode(hi: u16, lo: u16, imm: u16) -> (u16, u16) {
    let hi = (hi & 0xfbf0) | (imm >> 12) | (((imm >> 11) & 1) << 10);
    let lo = (lo & 0x8f00) | (((imm >> 8) & 7) << 12) | (imm & 0xff);
    (hi, lo)
}

impl Field {
    /// Number of bytes the field touches.
    pub fn size(self) -> usize {
        match self {
            Field::W6 | Field::W8 => 1,
            Field::W16 | Field::ThumbBranch11 | Field::ThumbBranch8 | Field::ThumbCbz => 2,
            Field::RvcBranch | Field::RvcJump => 2,
            Field::W64 | Field::RvCall => 8,
            _ => 4,
        }
    }

    /// Reads the addend stored in the field (REL relocations: Arm).
    pub fn implicit_addend(self, d: &[u8], o: usize) -> i64 {
        match self {
            Field::W6 => i64::from(d[o] & 0x3f),
            Field::W8 => i64::from(d[o] as i8),
            Field::W16 => i64::from(rd16(d, o) as i16),
            Field::W32 => i64::from(rd32(d, o) as i32),
            Field::W64 => rd64(d, o) as i64,
            Field::Prel31 => sext(u64::from(rd32(d, o)), 31),
            Field::ThumbBranch24 => thumb_b24_decode(rd16(d, o), rd16(d, o + 2)),
            Field::ThumbBranch20 => thumb_b20_decode(rd16(d, o), rd16(d, o + 2)),
            Field::ThumbBranch11 => sext(u64::from(rd16(d, o) & 0x7ff) << 1, 12),
            Field::ThumbBranch8 => sext(u64::from(rd16(d, o) & 0xff) << 1, 9),
            Field::ThumbCbz => {
                let ins = rd16(d, o);
                i64::from((((ins >> 9) & 1) << 6) | (((ins >> 3) & 0x1f) << 1))
            }
            Field::ThumbMovw | Field::ThumbMovt => {
                i64::from(thumb_imm16_decode(rd16(d, o), rd16(d, o + 2)) as i16)
            }
            // RISC-V is RELA: no implicit addends.
            _ => 0,
        }
    }

    /// Reads the field as an unsigned value (for label arithmetic).
    pub fn read_data(self, d: &[u8], o: usize) -> u64 {
        match self {
            Field::W6 => u64::from(d[o] & 0x3f),
            Field::W8 => u64::from(d[o]),
            Field::W16 => u64::from(rd16(d, o)),
            Field::W64 => rd64(d, o),
            _ => u64::from(rd32(d, o)),
        }
    }

    /// Stores `v` into the field, checking that it fits (data fields of less than 64 bits
    /// accept both signed and unsigned values).
    pub fn write(self, d: &mut [u8], o: usize, v: i64) -> Result<(), OutOfRange> {
        let data_fits = |bits: u32| v >= -(1i64 << (bits - 1)) && v < (1i64 << bits);
        match self {
            Field::W6 => d[o] = (d[o] & 0xc0) | (v as u8 & 0x3f),
            Field::W8 => {
                check(data_fits(8))?;
                d[o] = v as u8;
            }
            Field::W16 => {
                check(data_fits(16))?;
                wr16(d, o, v as u16);
            }
            Field::W32 => {
                check(data_fits(32))?;
                wr32(d, o, v as u32);
            }
            Field::W64 => d[o..o + 8].copy_from_slice(&v.to_le_bytes()),
            Field::Prel31 => {
                check(fits_signed(v, 31))?;
                let w = rd32(d, o);
                wr32(d, o, (w & 0x8000_0000) | (v as u32 & 0x7fff_ffff));
            }
            Field::ThumbBranch24 => {
                let v = v & !1;
                check(fits_signed(v, 25))?;
                let (hi, lo) = thumb_b24_encode(rd16(d, o), rd16(d, o + 2), v);
                wr16(d, o, hi);
                wr16(d, o + 2, lo);
            }
            Field::ThumbBranch20 => {
                let v = v & !1;
                check(fits_signed(v, 21))?;
                let u = v as u64;
                let hi = (rd16(d, o) & 0xfbc0)
                    | ((((u >> 20) & 1) as u16) << 10)
                    | (((u >> 12) & 0x3f) as u16);
                let lo = (rd16(d, o + 2) & 0xd000)
                    | ((((u >> 18) & 1) as u16) << 13)
                    | ((((u >> 19) & 1) as u16) << 11)
                    | (((u >> 1) & 0x7ff) as u16);
                wr16(d, o, hi);
                wr16(d, o + 2, lo);
            }
            Field::ThumbBranch11 => {
                let v = v & !1;
                check(fits_signed(v, 12))?;
                wr16(d, o, (rd16(d, o) & 0xf800) | (((v >> 1) as u16) & 0x7ff));
            }
            Field::ThumbBranch8 => {
                let v = v & !1;
                check(fits_signed(v, 9))?;
                wr16(d, o, (rd16(d, o) & 0xff00) | (((v >> 1) as u16) & 0xff));
            }
            Field::ThumbCbz => {
                let v = v & !1;
                check((0..=126).contains(&v))?;
                let u = v as u16;
                wr16(
                    d,
                    o,
                    (rd16(d, o) & 0xfd07) | (((u >> 6) & 1) << 9) | (((u >> 1) & 0x1f) << 3),
                );
            }
            Field::ThumbMovw | Field::ThumbMovt => {
                let imm = if self == Field::ThumbMovw {
                    v as u16
                } else {
                    (v >> 16) as u16
                };
                let (hi, lo) = thumb_imm16_encode(rd16(d, o), rd16(d, o + 2), imm);
                wr16(d, o, hi);
                wr16(d, o + 2, lo);
            }
            Field::RvHi20 => {
                check(fits_signed(v, 32))?;
                wr32(d, o, (rd32(d, o) & 0xfff) | (hi20(v) << 12));
            }
            Field::RvLo12I => wr32(d, o, (rd32(d, o) & 0xfffff) | (lo12(v) << 20)),
            Field::RvLo12S => {
                let lo = lo12(v);
                wr32(
                    d,
                    o,
                    (rd32(d, o) & 0x01ff_f07f) | ((lo >> 5) << 25) | ((lo & 0x1f) << 7),
                );
            }
            Field::RvBranch => {
                check(fits_signed(v, 13) && v & 1 == 0)?;
                let u = v as u32;
                let ins = rd32(d, o) & 0x01ff_f07f;
                wr32(
                    d,
                    o,
                    ins | (((u >> 12) & 1) << 31)
                        | (((u >> 5) & 0x3f) << 25)
                        | (((u >> 1) & 0xf) << 8)
                        | (((u >> 11) & 1) << 7),
                );
            }
            Field::RvJal => {
                check(fits_signed(v, 21) && v & 1 == 0)?;
                let u = v as u32;
                let ins = rd32(d, o) & 0xfff;
                wr32(
                    d,
                    o,
                    ins | (((u >> 20) & 1) << 31)
                        | (((u >> 1) & 0x3ff) << 21)
                        | (((u >> 11) & 1) << 20)
                        | (((u >> 12) & 0xff) << 12),
                );
            }
            Field::RvCall => {
                check(fits_signed(v, 32))?;
                wr32(d, o, (rd32(d, o) & 0xfff) | (hi20(v) << 12));
                wr32(d, o + 4, (rd32(d, o + 4) & 0xfffff) | (lo12(v) << 20));
            }
            Field::RvcBranch => {
                check(fits_signed(v, 9) && v & 1 == 0)?;
                let u = v as u16;
                let ins = rd16(d, o) & 0xe383;
                wr16(
                    d,
                    o,
                    ins | (((u >> 8) & 1) << 12)
                        | (((u >> 3) & 3) << 10)
                        | (((u >> 6) & 3) << 5)
                        | (((u >> 1) & 3) << 3)
                        | (((u >> 5) & 1) << 2),
                );
            }
            Field::RvcJump => {
                check(fits_signed(v, 12) && v & 1 == 0)?;
                let u = v as u16;
                let ins = rd16(d, o) & 0xe003;
                wr16(
                    d,
                    o,
                    ins | (((u >> 11) & 1) << 12)
                        | (((u >> 4) & 1) << 11)
                        | (((u >> 8) & 3) << 9)
                        | (((u >> 10) & 1) << 8)
                        | (((u >> 6) & 1) << 7)
                        | (((u >> 7) & 1) << 6)
                        | (((u >> 1) & 7) << 3)
                        | (((u >> 5) & 1) << 2),
                );
            }
        }
        Ok(())
    }

    /// Applies label arithmetic to the field.
    pub fn arith(self, d: &mut [u8], o: usize, op: Arith, v: u64) {
        let old = self.read_data(d, o);
        let new = match op {
            Arith::Add => old.wrapping_add(v),
            Arith::Sub => old.wrapping_sub(v),
            Arith::Set => v,
        };
        match self {
            Field::W6 => d[o] = (d[o] & 0xc0) | (new as u8 & 0x3f),
            Field::W8 => d[o] = new as u8,
            Field::W16 => wr16(d, o, new as u16),
            Field::W64 => d[o..o + 8].copy_from_slice(&new.to_le_bytes()),
            _ => wr32(d, o, new as u32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumb_branch_round_trips() {
        for v in [-(1i64 << 24), -4096, -2, 0, 2, 0x1234, (1 << 24) - 2] {
            let mut d = [0x00, 0xf0, 0x00, 0xf8]; // bl
            Field::ThumbBranch24.write(&mut d, 0, v).unwrap();
            assert_eq!(Field::ThumbBranch24.implicit_addend(&d, 0), v);
            let mut d = [0x00, 0xf0, 0x00, 0x80]; // b<c>.w
            if fits_signed(v, 21) {
                Field::ThumbBranch20.write(&mut d, 0, v).unwrap();
                assert_eq!(Field::ThumbBranch20.implicit_addend(&d, 0), v);
            }
        }
        let mut d = [0u8; 4];
        assert!(Field::ThumbBranch24.write(&mut d, 0, 1 << 24).is_err());
    }

    #[test]
    fn thumb_short_forms_round_trip() {
        let mut d = [0x00, 0xe0];
        Field::ThumbBranch11.write(&mut d, 0, -100).unwrap();
        assert_eq!(Field::ThumbBranch11.implicit_addend(&d, 0), -100);
        let mut d = [0x00, 0xd0];
        Field::ThumbBranch8.write(&mut d, 0, 200).unwrap();
        assert_eq!(Field::ThumbBranch8.implicit_addend(&d, 0), 200);
        let mut d = [0x00, 0xb1];
        Field::ThumbCbz.write(&mut d, 0, 126).unwrap();
        assert_eq!(Field::ThumbCbz.implicit_addend(&d, 0), 126);
        let mut d = [0x40, 0xf2, 0x00, 0x00]; // movw r0, #0
        Field::ThumbMovw.write(&mut d, 0, 0x1234_abcd).unwrap();
        assert_eq!(
            Field::ThumbMovw.implicit_addend(&d, 0),
            0xabcdu16 as i16 as i64
        );
        Field::ThumbMovt.write(&mut d, 0, 0x1234_abcd).unwrap();
        assert_eq!(Field::ThumbMovt.implicit_addend(&d, 0), 0x1234);
    }

    #[test]
    fn riscv_hi_lo_add_back() {
        for v in [0i64, 0x7ff, 0x800, -0x800, -0x801, 0x12345678, -0x12345678] {
            let hi = sext(u64::from(hi20(v)) << 12, 32);
            let lo = sext(u64::from(lo12(v)), 12);
            assert_eq!(hi + lo, v);
        }
    }
}
