//! Module memory on the GC heap: [`GcBox`], [`GcScratch`]. Why the blocks stay alive
//! as long as their handle, and are freed when it is dropped, is in the crate
//! documentation ("Module memory on the GC heap").

use crate::py::Py;
use crate::raw::table;
use crate::{exc, PyResult};
use core::marker::PhantomData;
use core::mem::{align_of, needs_drop, size_of, MaybeUninit};
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

/// The alignment of every block: a word.
const WORD: usize = size_of::<usize>();

/// Frees a block allocated with [`Py::alloc`].
fn free(p: NonNull<u8>) {
    // SAFETY: `realloc_(p, 0, false)` is `gc_free(p)`: `p` is the start of a live block
    // that nothing refers to any more (its handle is being dropped). It never raises.
    unsafe { (table().realloc_)(p.as_ptr().cast(), 0, false) };
}

/// Bytes for `count` values of `T`, or `MemoryError` if that overflows (checked with a
/// division by a constant: a multiply-with-overflow is a library call on some cores).
fn bytes_for<T>(count: usize) -> PyResult<usize> {
    if size_of::<T>() != 0 && count > isize::MAX as usize / size_of::<T>() {
        return Err(exc!(MemoryError, "memory allocation failed"));
    }
    Ok(count * size_of::<T>())
}

/// A value of type `T` in a block of the GC heap, owned by this handle: the block is
/// freed when the handle is dropped (see the [crate documentation](crate#module-memory-on-the-gc-heap)
/// for why it stays alive until then).
///
/// `T` must not need dropping, and be aligned to a word at most (both checked at compile
/// time): blocks are word-aligned, and a value could not be dropped if a panic skipped
/// the handle's destructor.
pub struct GcBox<T> {
    ptr: NonNull<T>,
    _owns: PhantomData<T>,
}

impl<T> GcBox<T> {
    /// Allocates a block (`MemoryError` if the heap is full) and stores `make()` in it.
    ///
    /// `make` runs in a short-lived frame of its own, so a large value is built there
    /// (or in place), not in the caller's frame.
    pub fn new(py: &mut Py, make: impl FnOnce() -> T) -> PyResult<GcBox<T>> {
        const {
            assert!(!needs_drop::<T>(), "GcBox contents must not need dropping");
            assert!(
                align_of::<T>() <= WORD,
                "GcBox contents are aligned to a word at most"
            );
        };
        let ptr = if size_of::<T>() == 0 {
            NonNull::dangling()
        } else {
            py.alloc(size_of::<T>())?.cast::<T>()
        };
        place(ptr, make);
        Ok(GcBox {
            ptr,
            _owns: PhantomData,
        })
    }
}

/// Writes `make()` to `ptr`; not inlined, so that a temporary copy of the value lives in
/// this frame, not in the caller's.
#[inline(never)]
fn place<T>(ptr: NonNull<T>, make: impl FnOnce() -> T) {
    // SAFETY: `ptr` is a fresh block of `size_of::<T>()` bytes aligned for `T` (checked
    // at compile time against a word, the blocks' alignment), or dangling and aligned for
    // a zero-sized `T`.
    unsafe { ptr.as_ptr().write(make()) }
}

impl<T> Deref for GcBox<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the block holds an initialised `T` (written by `new`) and stays alive
        // while the handle exists; the borrow of the handle rules out a `&mut`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for GcBox<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; the exclusive borrow of the handle makes this the only
        // reference.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for GcBox<T> {
    fn drop(&mut self) {
        if size_of::<T>() != 0 {
            free(self.ptr.cast());
        }
    }
}

/// A block of the GC heap holding words, kept from one use to the next, and room for
/// short-lived `Copy` values of any type (aligned to a word at most) after them;
/// owned by this handle (freed when it is dropped, like a [`GcBox`]).
///
/// The words are only ever read and written as words (zeros in a new block). The
/// values are written by a [`Filler`] and handed back as a slice that may borrow
/// whatever the values borrow: values of an earlier use are never read.
///
/// ```ignore
/// let mut scratch = GcScratch::new();
/// let views = loop {
///     let (_words, mut views) = scratch.split();
///     for item in items {
///         views.push(view_of(item));
///     }
///     match views.finish() {
///         Ok(views) => break views,
///         Err(needed) => scratch.reserve::<View>(py, needed, 0)?,
///     }
/// };
/// ```
pub struct GcScratch {
    ptr: NonNull<u8>,
    /// Words at the start of the block.
    words: usize,
    /// Bytes for values after them.
    size: usize,
}

impl GcScratch {
    /// No memory yet.
    pub const fn new() -> GcScratch {
        GcScratch {
            ptr: NonNull::<usize>::dangling().cast(),
            words: 0,
            size: 0,
        }
    }

    /// Makes room for `count` values of `T` and `words` words: a new block (the old
    /// one is freed first, and the new words are zeros) unless the current one is big
    /// enough for both. `MemoryError` if the heap is full (the scratch is then empty).
    pub fn reserve<T: Copy>(&mut self, py: &mut Py, count: usize, words: usize) -> PyResult<()> {
        let size = bytes_for::<T>(count)?;
        if size <= self.size && words <= self.words {
            return Ok(());
        }
        self.release();
        let Some(total) = bytes_for::<usize>(words)?.checked_add(size) else {
            return Err(exc!(MemoryError, "memory allocation failed"));
        };
        self.ptr = py.alloc(total)?;
        (self.words, self.size) = (words, size);
        Ok(())
    }

    /// The words, and a writer of values of type `T` into the rest of the block: push
    /// them, then [`Filler::finish`] hands them back as a slice, which may borrow
    /// whatever the values borrow (earlier values are never read). The words keep
    /// their values from one use to the next (zeros in a new block).
    pub fn split<T: Copy>(&mut self) -> (&mut [usize], Filler<'_, T>) {
        const {
            assert!(
                align_of::<T>() <= WORD,
                "GcScratch values are aligned to a word at most"
            );
            assert!(size_of::<T>() != 0, "GcScratch holds no zero-sized values");
        };
        // SAFETY: the block starts with `words` words, aligned (blocks are word-aligned,
        // and so is the dangling pointer of no block), initialised (zeroed by the
        // allocator, and only ever written as words), reachable only through `&mut
        // self`; the values come after them.
        let words =
            unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr().cast(), self.words) };
        // Word-aligned, as the block is, so aligned for `T`.
        let start = self.words * size_of::<usize>();
        let filler = Filler {
            // SAFETY: `start <= ` the block's length when there is a block (`reserve`);
            // with no block `words` and `size` are 0, so this is the dangling pointer.
            slots: unsafe { self.ptr.add(start) }.cast(),
            room: self.size,
            written: 0,
            count: 0,
            _scratch: PhantomData,
        };
        (words, filler)
    }

    /// Frees the block.
    fn release(&mut self) {
        if self.words != 0 || self.size != 0 {
            free(self.ptr);
            // Field by field: assigning `*self` would drop the old value, freeing again.
            (self.ptr, self.words, self.size) = (NonNull::<usize>::dangling().cast(), 0, 0);
        }
    }
}

/// Writes values into a [`GcScratch`] (see [`GcScratch::split`]).
pub struct Filler<'s, T> {
    /// The first slot.
    slots: NonNull<MaybeUninit<T>>,
    /// Bytes left after the values written (no division by the size to find the
    /// capacity: that is a library call on some cores).
    room: usize,
    /// Values written.
    written: usize,
    /// Values pushed, including those that didn't fit.
    count: usize,
    _scratch: PhantomData<&'s mut [T]>,
}

impl<'s, T: Copy> Filler<'s, T> {
    /// Appends `value` if there is room left; counts it anyway.
    pub fn push(&mut self, value: T) {
        if self.room >= size_of::<T>() {
            // SAFETY: slot `written` lies within the block (`room` bytes are left after
            // the `written` slots before it) and is aligned for `T` (the slots start at
            // a word boundary, and `T` is aligned to a word at most); it is only
            // reachable through this filler, which borrows the scratch exclusively.
            unsafe {
                self.slots
                    .as_ptr()
                    .add(self.written)
                    .write(MaybeUninit::new(value))
            };
            self.room -= size_of::<T>();
            self.written += 1;
        }
        self.count += 1;
    }

    /// The values pushed, as a slice; or, if some didn't fit, `Err(count)` with the
    /// number of values pushed (reserve room for that many and start again).
    pub fn finish(self) -> Result<&'s mut [T], usize> {
        if self.written != self.count {
            return Err(self.count);
        }
        // SAFETY: the first `written` slots were initialised by `push`, in a block that
        // outlives `'s` (the filler borrows the scratch for `'s`) and that nothing else
        // refers to; the pointer is aligned even when nothing was written.
        Ok(unsafe {
            core::slice::from_raw_parts_mut(self.slots.as_ptr().cast::<T>(), self.written)
        })
    }
}

impl Default for GcScratch {
    fn default() -> Self {
        GcScratch::new()
    }
}

impl Drop for GcScratch {
    fn drop(&mut self) {
        self.release();
    }
}
