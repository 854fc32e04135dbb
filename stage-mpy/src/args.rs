//! Argument conversion and the exceptions for bad arguments.

use mpy_abi::{template, ExcKind, Exception, Obj, Py, PyResult, Template};
use stage_core::model::Failure;
use stage_core::FormatError;

/// An int (or bool) in `lo..=hi`, else `ValueError("{what} must be {lo}..={hi}, not
/// {value}")`. Not an int: `TypeError`; an int beyond a machine word: `OverflowError`.
pub fn int_in(py: &mut Py, o: Obj, lo: isize, hi: isize, what: Template) -> PyResult<isize> {
    let v = o.to_int(py)?;
    if v < lo || v > hi {
        let template = template!(" must be {}..={}, not {}");
        return Err(py.exception_about(ExcKind::ValueError, what, template, &[lo, hi, v]));
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
    let (what, template, a, b) = match f {
        Failure::Lookup(e) => return e,
        Failure::Format(e) => {
            let long = template!(" must be {} bytes long (got {})");
            let short = template!(" buffer too small ({} bytes, needs {})");
            match e {
                FormatError::BankLength { len } => (template!("graphic"), long, 2048, len),
                FormatError::FontLength { len } => (template!("font"), long, 2048, len),
                FormatError::PaletteLength { len } => (template!("palette"), long, 32, len),
                FormatError::MapTooShort { needed, len } => (template!("map"), short, len, needed),
                FormatError::CharsTooShort { needed, len } => {
                    (template!("chars"), short, len, needed)
                }
                // Sizes and frames are range-checked when they are set.
                _ => (template!("invalid layer"), template!(""), 0, 0),
            }
        }
    };
    py.exception_about(
        ExcKind::ValueError,
        what,
        template,
        &[a as isize, b as isize],
    )
}
