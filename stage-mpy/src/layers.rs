//! The `Layer` and `Text` classes.

use crate::args::{int_in, layer_error, wrap16};
use mpy_abi::{class, exc, function, template, Instance, Obj, Py, PyResult};
use stage_core::model::{Kind, LayerState, MAX_LAYER_SIZE, MAX_TEXT_SIZE};

/// The payload of `Layer` and `Text` instances (one type for both classes, so the
/// generic class code exists once).
pub type State = LayerState<Obj>;

class!(
    /// `_stage.Layer`.
    pub static LAYER: State
);
class!(
    /// `_stage.Text`.
    pub static TEXT: State
);

/// A method called (through the class) on something else.
fn wrong_type() -> mpy_abi::Exception {
    exc!(TypeError, "self must be a Layer or Text")
}

/// `obj` as a `Layer` or `Text` (exact types: subclass instances are refused).
pub fn downcast(obj: Obj) -> Option<Instance<State>> {
    LAYER.downcast(obj).or_else(|| TEXT.downcast(obj))
}

/// `Layer(width, height, graphic, palette[, map])`: a sprite (no map, or `None`) or a
/// grid.
pub fn layer_new(py: &mut Py, args: &[Obj]) -> PyResult<State> {
    new(py, args, Kind::Sprite)
}

/// `Text(width, height, font, palette, chars)`.
pub fn text_new(py: &mut Py, args: &[Obj]) -> PyResult<State> {
    new(py, args, Kind::Text)
}

/// Checks the arguments and the buffers as a render would. `kind` is `Text` or
/// `Sprite`; a `Layer` given a map (not `None`) is a `Grid`.
#[inline(never)]
fn new(py: &mut Py, args: &[Obj], kind: Kind) -> PyResult<State> {
    let max = match kind {
        Kind::Text => MAX_TEXT_SIZE,
        Kind::Sprite | Kind::Grid => MAX_LAYER_SIZE,
    };
    // The runtime has checked the arity (4 or 5 arguments); a missing one
    // would be None.
    let [w, h, first, palette, last] =
        core::array::from_fn(|i| args.get(i).copied().unwrap_or(Obj::none()));
    let mut size = [0; 2];
    for (s, arg) in size.iter_mut().zip([w, h]) {
        *s = int_in(py, arg, 0, max, template!("width and height"))? as u16;
    }
    let kind = match kind {
        Kind::Sprite if !last.is_none() => Kind::Grid,
        kind => kind,
    };
    let state = LayerState::new([first, palette, last], kind, size[0], size[1]);
    let checked = state.view(&mut |o| o.buffer(py)).map(|_| ());
    match checked {
        Ok(()) => Ok(state),
        Err(f) => Err(layer_error(py, f)),
    }
}

/// `layer.move(x, y)`, `text.move(x, y)`: positions wrap to 16 bits.
fn move_to(py: &mut Py, this: Obj, x: Obj, y: Obj) -> PyResult {
    let me = downcast(this).ok_or_else(wrong_type)?;
    let (x, y) = (wrap16(py, x)?, wrap16(py, y)?);
    me.update(|s| (s.x, s.y) = (x, y));
    Ok(Obj::none())
}
function!(
    /// The `move` method of both classes.
    pub static MOVE = move_to, 3
);

/// `layer.frame(frame, rotation)`: frame 0..=15 (ignored by grids), rotation 0..=255
/// (8 and up act as 0).
fn frame(py: &mut Py, this: Obj, frame: Obj, rotation: Obj) -> PyResult {
    // (A `Text` has no `frame` method; called on one through `Layer.__dict__`, the
    // values are stored and never used.)
    let me = downcast(this).ok_or_else(wrong_type)?;
    let f = int_in(py, frame, 0, 15, template!("frame"))?;
    let r = int_in(py, rotation, 0, 255, template!("rotation"))?;
    me.update(|s| (s.frame, s.rotation) = (f as u8, r as u8));
    Ok(Obj::none())
}
function!(
    /// The `frame` method of `Layer`.
    pub static FRAME = frame, 3
);
