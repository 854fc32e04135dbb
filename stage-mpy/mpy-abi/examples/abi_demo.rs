//! `abi_demo`: a native module exercising every wrapper of `mpy-abi`, checked in
//! MicroPython by `abi_demo_test.py` (see the crate documentation for the build).

#![no_std]
#![forbid(unsafe_code)]

use mpy_abi::prelude::*;
use mpy_abi::{AttrOp, AttrResult, GcBox, GcScratch, Printer, STATIC_QSTR_COUNT};

// ---------------------------------------------------------------------------
// Functions with a fixed number of arguments.

/// `nothing()` -> None
fn nothing(_py: &mut Py) -> PyResult {
    Ok(Obj::none())
}
function!(static NOTHING = nothing, 0);

/// `identity(x)` -> x
fn identity(_py: &mut Py, x: Obj) -> PyResult {
    Ok(x)
}
function!(static IDENTITY = identity, 1);

/// `add(a, b)`: ints, OverflowError when the sum doesn't fit a machine word.
fn add(py: &mut Py, a: Obj, b: Obj) -> PyResult {
    let (a, b) = (a.to_int(py)?, b.to_int(py)?);
    let sum = a
        .checked_add(b)
        .ok_or(exc!(OverflowError, "sum too large"))?;
    py.int(sum)
}
function!(static ADD = add, 2);

/// `clamp(x, lo, hi)`
fn clamp(py: &mut Py, x: Obj, lo: Obj, hi: Obj) -> PyResult {
    let (x, lo, hi) = (x.to_int(py)?, lo.to_int(py)?, hi.to_int(py)?);
    if lo > hi {
        return Err(exc!(py, ValueError, "empty range {}..{}", lo, hi));
    }
    py.int(x.clamp(lo, hi))
}
function!(static CLAMP = clamp, 3);

// ---------------------------------------------------------------------------
// Functions with a variable number of arguments.

/// `total(*ints)`
fn total(py: &mut Py, args: &[Obj]) -> PyResult {
    let mut sum: isize = 0;
    for a in args {
        sum = sum.wrapping_add(a.to_int(py)?);
    }
    py.int(sum)
}
function!(static TOTAL = total, 0..);

/// `count(a, b[, c[, d]])` -> number of arguments
fn count(py: &mut Py, args: &[Obj]) -> PyResult {
    py.uint(args.len())
}
function!(static COUNT = count, 2..=4);

/// `four(a, b, c, d)`: exactly four (a fixed count above three uses a slice).
fn four(py: &mut Py, args: &[Obj]) -> PyResult {
    py.tuple(&[args[3], args[2], args[1], args[0]])
}
function!(static FOUR = four, 4);

// ---------------------------------------------------------------------------
// Conversions.

/// `wrap16(x)`: x modulo 2**16 as a signed 16-bit value.
fn wrap16(py: &mut Py, x: Obj) -> PyResult {
    let x = x.to_int_wrapping(py)?;
    py.int(x as i16 as isize)
}
function!(static WRAP16 = wrap16, 1);

/// `truth(x)` -> bool(x)
fn truth(py: &mut Py, x: Obj) -> PyResult {
    Ok(Obj::from_bool(x.is_true(py)?))
}
function!(static TRUTH = truth, 1);

/// `is_none(x)`
fn is_none(_py: &mut Py, x: Obj) -> PyResult {
    Ok(Obj::from_bool(x.is_none()))
}
function!(static IS_NONE = is_none, 1);

/// `uint(x)` -> int from an unsigned machine word (x given as a signed int)
fn uint(py: &mut Py, x: Obj) -> PyResult {
    let x = x.to_int(py)?;
    py.uint(x as usize)
}
function!(static UINT = uint, 1);

// ---------------------------------------------------------------------------
// Creating objects.

/// `build()` -> (str, bytes, bytearray(3), list, dict, tuple(), big int)
fn build(py: &mut Py) -> PyResult {
    let s = py.str("héllo")?;
    let b = py.bytes(b"\x00\x01\xff")?;
    let ba = py.bytearray(3)?;
    let one = py.int(1)?;
    let two = py.int(2)?;
    let list = py.list(&[one])?;
    py.list_append(list, two)?;
    let dict = py.dict()?;
    py.dict_set(dict, qstr!("key").obj(), one)?;
    let empty = py.tuple(&[])?;
    let big = py.int(isize::MAX)?;
    py.tuple(&[s, b, ba, list, dict, empty, big])
}
function!(static BUILD = build, 0);

/// `append_to(x, item)`: TypeError unless x is a list.
fn append_to(py: &mut Py, x: Obj, item: Obj) -> PyResult {
    py.list_append(x, item)?;
    Ok(x)
}
function!(static APPEND_TO = append_to, 2);

// ---------------------------------------------------------------------------
// Sequences and len().

/// `seq_sum(tuple_or_list)`: items looked up again after every runtime call.
fn seq_sum(py: &mut Py, seq: Obj) -> PyResult {
    let mut sum: isize = 0;
    let mut i = 0;
    loop {
        let item = match seq.items(py) {
            Some(items) => items.get(i).copied(),
            None => return Err(exc!(TypeError, "expected a tuple or list")),
        };
        let Some(item) = item else { break };
        // `to_int` may run Python code (`__int__`), which may change the list.
        sum = sum.wrapping_add(item.to_int(py)?);
        i += 1;
    }
    py.int(sum)
}
function!(static SEQ_SUM = seq_sum, 1);

/// `length(x)` -> len(x)
fn length(py: &mut Py, x: Obj) -> PyResult {
    let n = x.len(py)?;
    py.uint(n)
}
function!(static LENGTH = length, 1);

// ---------------------------------------------------------------------------
// Buffers.

/// `buf_sum(buffer)` -> sum of the bytes
fn buf_sum(py: &mut Py, b: Obj) -> PyResult {
    let sum: usize = b.buffer(py)?.iter().map(|&x| x as usize).sum();
    py.uint(sum)
}
function!(static BUF_SUM = buf_sum, 1);

/// `buf_fill(buffer, value)`
fn buf_fill(py: &mut Py, b: Obj, v: Obj) -> PyResult {
    let v = v.to_int(py)?;
    let (data, _) = b.buffer_mut(py)?;
    data.fill(v as u8);
    Ok(Obj::none())
}
function!(static BUF_FILL = buf_fill, 2);

/// `buf_copy(dst, src)`: copies what fits, returns the count; ValueError on overlap.
fn buf_copy(py: &mut Py, dst: Obj, src: Obj) -> PyResult {
    let n = {
        let (out, view) = dst.buffer_mut(py)?;
        let input = view.buffer(src)?;
        let n = out.len().min(input.len());
        out[..n].copy_from_slice(&input[..n]);
        n
    };
    py.uint(n)
}
function!(static BUF_COPY = buf_copy, 2);

/// `slice_copy(src, start, len)` -> new bytearray
fn slice_copy(py: &mut Py, src: Obj, start: Obj, len: Obj) -> PyResult {
    let start = start.to_int(py)?;
    let len = len.to_int(py)?;
    if start < 0 || len < 0 {
        return Err(exc!(ValueError, "negative start or length"));
    }
    py.bytearray_from(src, start as usize, len as usize)
}
function!(static SLICE_COPY = slice_copy, 3);

/// `chunks(buffer, output, total)`: the render pattern. Fills `buffer` with the next
/// bytes of the stream 0, 1, 2, ... (mod 256) and calls `output.write(chunk)` once per
/// chunk of `len(buffer)` bytes (the last one shorter), looking `buffer` up again after
/// every call, since `write` may have resized it.
fn chunks(py: &mut Py, buffer: Obj, output: Obj, total: Obj) -> PyResult {
    let total = total.to_int(py)?;
    if total < 0 {
        return Err(exc!(ValueError, "total must be >= 0"));
    }
    let write = output
        .method(py, qstr!("write"))?
        .ok_or(exc!(TypeError, "output has no write method"))?;
    let mut done = 0usize;
    let mut calls = 0usize;
    while done < total as usize {
        let (n, whole) = {
            let (data, _) = buffer.buffer_mut(py)?;
            if data.is_empty() {
                return Err(exc!(ValueError, "buffer is empty"));
            }
            let n = data.len().min(total as usize - done);
            for (i, byte) in data[..n].iter_mut().enumerate() {
                *byte = (done + i) as u8;
            }
            (n, n == data.len())
        };
        let chunk = if whole {
            buffer
        } else {
            py.bytearray_from(buffer, 0, n)?
        };
        write.call(py, &[chunk])?;
        done += n;
        calls += 1;
    }
    py.uint(calls)
}
function!(static CHUNKS = chunks, 3);

// ---------------------------------------------------------------------------
// Memory of the GC heap owned by module code.

/// `heap(n, f)`: a boxed table, and a scratch block with `n` words and room for `n`
/// views of the table's entries, used before and after calling `f()` (which may collect
/// garbage and allocate); returns the sum of the words and of what the views see.
fn heap(py: &mut Py, n: Obj, f: Obj) -> PyResult {
    let n = usize::try_from(n.to_int(py)?).map_err(|_| exc!(ValueError, "n must be >= 0"))?;
    let mut table = GcBox::new(py, || [0usize; 64])?;
    for (i, v) in table.iter_mut().enumerate() {
        *v = 3 * i;
    }
    let mut scratch = GcScratch::new();
    // Too small at first: `finish` says how many values were pushed.
    scratch.reserve::<&usize>(py, n / 2, n)?;
    let needed = {
        let (words, mut views) = scratch.split::<&usize>();
        for (i, w) in words.iter_mut().enumerate() {
            *w = i;
        }
        for i in 0..n {
            views.push(&table[i % 64]);
        }
        views.finish().err().unwrap_or(n)
    };
    scratch.reserve::<&usize>(py, needed, n)?;
    f.call(py, &[])?;
    let (words, mut views) = scratch.split::<&usize>();
    // The words are zeros in a new block, and keep their values from one use to the next.
    for (i, w) in words.iter_mut().enumerate() {
        *w += 2 * i;
    }
    for i in 0..n {
        views.push(&table[i % 64]);
    }
    let views = views
        .finish()
        .map_err(|_| exc!(RuntimeError, "scratch too small"))?;
    let sum = views.iter().map(|&&v| v).sum::<usize>() + words.iter().sum::<usize>();
    py.uint(sum)
}
function!(static HEAP = heap, 2);

// ---------------------------------------------------------------------------
// Calls, attributes, items, globals.

/// `call(f, *args)` -> f(*args)
fn call(py: &mut Py, args: &[Obj]) -> PyResult {
    args[0].call(py, &args[1..])
}
function!(static CALL = call, 1..);

/// `call_write(obj, *args)` -> obj.write(*args)
fn call_write(py: &mut Py, args: &[Obj]) -> PyResult {
    args[0].call_method(py, qstr!("write"), &args[1..])
}
function!(static CALL_WRITE = call_write, 1..);

/// `maybe_write(obj, x)` -> obj.write(x), or False if there is no `write`
fn maybe_write(py: &mut Py, o: Obj, x: Obj) -> PyResult {
    match o.method(py, qstr!("write"))? {
        Some(m) => m.call(py, &[x]),
        None => Ok(Obj::from_bool(false)),
    }
}
function!(static MAYBE_WRITE = maybe_write, 2);

/// `get_value(obj)` -> obj.value
fn get_value(py: &mut Py, o: Obj) -> PyResult {
    o.attr(py, qstr!("value"))
}
function!(static GET_VALUE = get_value, 1);

/// `set_value(obj, v)`: obj.value = v
fn set_value(py: &mut Py, o: Obj, v: Obj) -> PyResult {
    o.set_attr(py, qstr!("value"), v)?;
    Ok(Obj::none())
}
function!(static SET_VALUE = set_value, 2);

/// `get_item(obj, key)` -> obj[key]
fn get_item(py: &mut Py, o: Obj, k: Obj) -> PyResult {
    o.get_item(py, k)
}
function!(static GET_ITEM = get_item, 2);

/// `set_item(obj, key, value)`: obj[key] = value
fn set_item(py: &mut Py, o: Obj, k: Obj, v: Obj) -> PyResult {
    o.set_item(py, k, v)?;
    Ok(Obj::none())
}
function!(static SET_ITEM = set_item, 3);

/// `builtin_len()` -> the global `len` (seen from the caller's globals)
fn builtin_len(py: &mut Py) -> PyResult {
    py.load_global(qstr!("len"))
}
function!(static BUILTIN_LEN = builtin_len, 0);

/// `import_sys()` -> the `sys` module
fn import_sys(py: &mut Py) -> PyResult {
    py.import(qstr!("sys"))
}
function!(static IMPORT_SYS = import_sys, 0);

// ---------------------------------------------------------------------------
// Exceptions.

/// `raise_kind(i)`: raises a static message of the i-th kind.
fn raise_kind(py: &mut Py, i: Obj) -> PyResult {
    let i = i.to_int(py)?;
    Err(match i {
        0 => exc!(Exception, "plain"),
        1 => exc!(TypeError, "type"),
        2 => exc!(ValueError, "value"),
        3 => exc!(OverflowError, "overflow"),
        4 => exc!(MemoryError, "memory"),
        5 => exc!(RuntimeError, "runtime"),
        6 => exc!(AttributeError, "attribute"),
        7 => exc!(IndexError, "index"),
        8 => exc!(KeyError, "key"),
        9 => exc!(NotImplementedError, "not implemented"),
        10 => exc!(OSError, "os"),
        11 => exc!(ZeroDivisionError, "zero division"),
        12 => exc!(StopIteration, "stop"),
        _ => exc!(py, ValueError, "no kind {}", i),
    })
}
function!(static RAISE_KIND = raise_kind, 1);

/// `layer_error(i)` -> TypeError("layers[i] is not a Layer or Text")
fn layer_error(py: &mut Py, i: Obj) -> PyResult {
    let i = i.to_int(py)?;
    Err(exc!(py, TypeError, "layers[{}] is not a Layer or Text", i))
}
function!(static LAYER_ERROR = layer_error, 1);

/// `propagate(f)` -> f(), any exception passes through unchanged
fn propagate(py: &mut Py, f: Obj) -> PyResult {
    let r = f.call(py, &[])?;
    Ok(r)
}
function!(static PROPAGATE = propagate, 1);

/// `recover(f)` -> (False, f()) or (True, exception, is_key_error)
fn recover(py: &mut Py, f: Obj) -> PyResult {
    match f.call(py, &[]) {
        Ok(v) => {
            let no = Obj::from_bool(false);
            py.tuple(&[no, v])
        }
        Err(e) => {
            let yes = Obj::from_bool(true);
            let obj = e.object().unwrap_or(Obj::none());
            let key = Obj::from_bool(e.is(ExcKind::KeyError));
            py.tuple(&[yes, obj, key])
        }
    }
}
function!(static RECOVER = recover, 1);

/// `boom(i)`: indexes a 3-element table; out of range panics (RuntimeError).
fn boom(py: &mut Py, i: Obj) -> PyResult {
    const TABLE: [isize; 3] = [10, 20, 30];
    let i = i.to_int(py)? as usize;
    py.int(TABLE[i])
}
function!(static BOOM = boom, 1);

// ---------------------------------------------------------------------------
// Qstrs and types.

/// `static_qstr(n)` -> the n-th static qstr as a str, or None
fn static_qstr(py: &mut Py, n: Obj) -> PyResult {
    let n = n.to_int(py)?;
    Ok(match u16::try_from(n).ok().and_then(Qstr::from_static) {
        Some(q) => q.obj(),
        None => Obj::none(),
    })
}
function!(static STATIC_QSTR = static_qstr, 1);

/// `qstrs()` -> (count, number of "ValueError", number of "write", a module qstr)
fn qstrs(py: &mut Py) -> PyResult {
    let count = py.uint(STATIC_QSTR_COUNT)?;
    let value_error = py.uint(qstr!("ValueError").raw())?;
    let write = py.uint(qstr!("write").raw())?;
    py.tuple(&[count, value_error, write, qstr!("a module qstr").obj()])
}
function!(static QSTRS = qstrs, 0);

/// `types()` -> (int, bool, str, tuple, list, dict, type, type name of Counter)
fn types(py: &mut Py) -> PyResult {
    py.tuple(&[
        Type::int().obj(),
        Type::bool().obj(),
        Type::str().obj(),
        Type::tuple().obj(),
        Type::list().obj(),
        Type::dict().obj(),
        Type::type_type().obj(),
        COUNTER.ty().name().obj(),
    ])
}
function!(static TYPES = types, 0);

// ---------------------------------------------------------------------------
// A class with constructor, methods, a class attribute, attribute and print handlers.

/// Payload of a `Counter`.
#[derive(Clone, Copy)]
struct Counter {
    value: isize,
    /// Kept alive by the instance.
    label: Obj,
}
class!(static COUNTER: Counter);

/// `Counter([start[, label]])`
fn counter_new(py: &mut Py, args: &[Obj]) -> PyResult<Counter> {
    let value = match args.first() {
        Some(v) => v.to_int(py)?,
        None => 0,
    };
    let label = match args.get(1) {
        Some(&l) => l,
        None => Obj::none(),
    };
    Ok(Counter { value, label })
}

/// `counter.inc([step])` -> new value
fn counter_inc(py: &mut Py, args: &[Obj]) -> PyResult {
    let me = COUNTER.this(args[0])?;
    let step = match args.get(1) {
        Some(s) => s.to_int(py)?,
        None => 1,
    };
    let value = me.update(|c| {
        c.value = c.value.wrapping_add(step);
        c.value
    });
    py.int(value)
}
function!(static COUNTER_INC = counter_inc, 1..=2);

/// `counter.get()`
fn counter_get(py: &mut Py, this: Obj) -> PyResult {
    py.int(COUNTER.this(this)?.get().value)
}
function!(static COUNTER_GET = counter_get, 1);

/// `counter.label()`
fn counter_label(_py: &mut Py, this: Obj) -> PyResult {
    Ok(COUNTER.this(this)?.get().label)
}
function!(static COUNTER_LABEL = counter_label, 1);

/// `counter.value`: load, store (ints only), delete (resets to 0).
fn counter_attr(
    py: &mut Py,
    me: Instance<Counter>,
    name: Qstr,
    op: AttrOp,
) -> PyResult<AttrResult> {
    if name != qstr!("value") {
        return Ok(AttrResult::NotFound);
    }
    Ok(match op {
        AttrOp::Load => AttrResult::Value(py.int(me.get().value)?),
        AttrOp::Store(v) => {
            let v = v.to_int(py)?;
            me.update(|c| c.value = v);
            AttrResult::Done
        }
        AttrOp::Delete => {
            me.update(|c| c.value = 0);
            AttrResult::Done
        }
    })
}

/// `repr(counter)` -> `<Counter N>`
fn counter_print(py: &mut Py, me: Instance<Counter>, out: &mut Printer) -> PyResult<()> {
    out.write_str(py, "<Counter ")?;
    out.write_int(py, me.get().value)?;
    out.write_str(py, ">")
}

/// A class Python can't instantiate: only `make_plain(x)` creates instances.
#[derive(Clone, Copy)]
struct Plain {
    x: Obj,
}
class!(static PLAIN: Plain);

/// `make_plain(x)`
fn make_plain(py: &mut Py, x: Obj) -> PyResult {
    Ok(PLAIN.instantiate(py, Plain { x })?.obj())
}
function!(static MAKE_PLAIN = make_plain, 1);

/// `plain_x(p)` -> p.x (TypeError unless p is a Plain)
fn plain_x(_py: &mut Py, p: Obj) -> PyResult {
    Ok(PLAIN.this(p)?.get().x)
}
function!(static PLAIN_X = plain_x, 1);

// ---------------------------------------------------------------------------

module!(init);

fn init(py: &mut Py, m: &mut Module) -> PyResult<()> {
    let kind = py.str("counter")?;
    let counter_locals = [
        (qstr!("inc"), COUNTER_INC.obj()),
        (qstr!("get"), COUNTER_GET.obj()),
        (qstr!("label"), COUNTER_LABEL.obj()),
        (qstr!("KIND"), kind),
    ];
    COUNTER.define(
        py,
        &ClassDef::new(qstr!("Counter"))
            .make_new(counter_new, 0, 2)
            .locals(&counter_locals)
            .attr(counter_attr)
            .print(counter_print),
    )?;
    // Defined and added to the module in one step.
    PLAIN.define_in(py, m, &ClassDef::new(qstr!("Plain")))?;

    let answer = py.int(42)?;
    let name = py.str("abi_demo")?;
    let globals = [
        (qstr!("Counter"), COUNTER.obj()),
        (qstr!("ANSWER"), answer),
        (qstr!("NAME"), name),
        (qstr!("nothing"), NOTHING.obj()),
        (qstr!("identity"), IDENTITY.obj()),
        (qstr!("add"), ADD.obj()),
        (qstr!("clamp"), CLAMP.obj()),
        (qstr!("total"), TOTAL.obj()),
        (qstr!("count"), COUNT.obj()),
        (qstr!("four"), FOUR.obj()),
        (qstr!("wrap16"), WRAP16.obj()),
        (qstr!("truth"), TRUTH.obj()),
        (qstr!("is_none"), IS_NONE.obj()),
        (qstr!("uint"), UINT.obj()),
        (qstr!("build"), BUILD.obj()),
        (qstr!("append_to"), APPEND_TO.obj()),
        (qstr!("seq_sum"), SEQ_SUM.obj()),
        (qstr!("length"), LENGTH.obj()),
        (qstr!("buf_sum"), BUF_SUM.obj()),
        (qstr!("buf_fill"), BUF_FILL.obj()),
        (qstr!("buf_copy"), BUF_COPY.obj()),
        (qstr!("slice_copy"), SLICE_COPY.obj()),
        (qstr!("chunks"), CHUNKS.obj()),
        (qstr!("heap"), HEAP.obj()),
        (qstr!("call"), CALL.obj()),
        (qstr!("call_write"), CALL_WRITE.obj()),
        (qstr!("maybe_write"), MAYBE_WRITE.obj()),
        (qstr!("get_value"), GET_VALUE.obj()),
        (qstr!("set_value"), SET_VALUE.obj()),
        (qstr!("get_item"), GET_ITEM.obj()),
        (qstr!("set_item"), SET_ITEM.obj()),
        (qstr!("builtin_len"), BUILTIN_LEN.obj()),
        (qstr!("import_sys"), IMPORT_SYS.obj()),
        (qstr!("raise_kind"), RAISE_KIND.obj()),
        (qstr!("layer_error"), LAYER_ERROR.obj()),
        (qstr!("propagate"), PROPAGATE.obj()),
        (qstr!("recover"), RECOVER.obj()),
        (qstr!("boom"), BOOM.obj()),
        (qstr!("static_qstr"), STATIC_QSTR.obj()),
        (qstr!("qstrs"), QSTRS.obj()),
        (qstr!("types"), TYPES.obj()),
        (qstr!("make_plain"), MAKE_PLAIN.obj()),
        (qstr!("plain_x"), PLAIN_X.obj()),
    ];
    for (name, value) in globals {
        m.set(py, name, value)?;
    }
    Ok(())
}
