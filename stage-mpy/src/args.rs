//! Argument conversion and the exceptions for bad arguments.

use crate::scene::Failure;
use mpy_abi::{ExcKind, Exception, Obj, Py, PyResult};
use stage_core::FormatError;

/// An int (or bool) in `lo..=hi`, else `ValueError(template)` with the two `{}`
/// replaced by `hi` and the value. Not an int: `TypeError`; an int beyond a machine
/// word: `OverflowError`.
pub fn int_in(py: &mut Py, o: Obj, lo: isize, hi: isize, template: &str) -> PyResult<isize> {
    let v = o.to_int(py)?;
    if v < lo || v > hi {
        return Err(py.exception(ExcKind::ValueError, template, &[hi, v]));
    }
    Ok(v)
}

/// An int (or bool) modulo 2**16, as a signed 16-bit value (big ints included), like
/// the original's positions: `move(65539, 0)` is `move(3, 0)`.
pub fn wrap16(py: &mut Py, o: Obj) -> PyResult<i16> {
    Ok(o.to_int_wrapping(py)? as i16)
}

/// The Python exception for a layer that can't be made or rendered.
pub fn layer_error(py: &mut Py, f: Failure<Exception>) -> Exception {
    let (template, a, b) = match f {
        Failure::Lookup(e) => return e,
        Failure::Format(e) => match e {
            FormatError::BankLength { len } => ("graphic must be 2048 bytes long (got {})", len, 0),
            FormatError::FontLength { len } => ("font must be 2048 bytes long (got {})", len, 0),
            FormatError::PaletteLength { len } => {
                ("palette must be 32 bytes long (got {})", len, 0)
            }
            FormatError::MapTooShort { needed, len } => {
                ("map buffer too small ({} bytes, needs {})", len, needed)
            }
            FormatError::CharsTooShort { needed, len } => {
                ("chars buffer too small ({} bytes, needs {})", len, needed)
            }
            // Sizes and frames are range-checked when they are set.
            _ => ("invalid layer", 0, 0),
        },
    };
    py.exception(ExcKind::ValueError, template, &[a as isize, b as isize])
}
