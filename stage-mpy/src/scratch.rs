//! Memory for one render, on MicroPython's garbage-collected heap rather than the C
//! stack (a few KiB on small boards, and `write()` runs Python code on top of it).
//!
//! This is the crate's only `unsafe` code: mpy-abi hands out raw GC-heap blocks
//! ([`Py::alloc`]) and this module gives them a type. Two blocks per render:
//!
//! * stage-core's [`ChunkRenderer`](stage_core::ChunkRenderer) (about 2.9 KiB, 0.8 KiB
//!   with its `small` feature; with this crate's `compact` feature the renderer is a few
//!   words, kept in the [`Scratch`] itself);
//! * the stage-core [`Layer`] views of the current chunk, one slot per layer that
//!   reaches the chunk's rows (40 bytes each, 72 on x64), rebuilt before every chunk
//!   (so never read before being written) and replaced by a bigger block when more
//!   layers reach them than there are slots.
//!
//! Keeping them alive: the [`Scratch`] lives in the render function's frame for the
//! whole render, and its fields point at the start of each block, which the collector
//! (scanning the C stack and registers conservatively) treats as a reference. Nothing
//! else refers to the blocks, so they are garbage once the render returns, whether it
//! succeeded or raised (the runtime's raises come back as `Err`; nothing is skipped).
//! The GC neither moves nor finalises blocks, and none of the stored types has a
//! destructor.

use core::mem::{align_of, size_of, MaybeUninit};
use core::ptr::NonNull;
use mpy_abi::{exc, Py, PyResult};
use stage_core::{Layer, RenderParams};

/// The renderer in use: stage-core's fast one, or with the feature `compact` the
/// per-pixel one (small enough to be kept in the [`Scratch`] itself).
#[cfg(feature = "compact")]
pub use crate::pixels::PixelRenderer as Renderer;
#[cfg(not(feature = "compact"))]
pub use stage_core::ChunkRenderer as Renderer;

/// The renderer and the layer slots of one render (see the module documentation).
pub struct Scratch {
    #[cfg(not(feature = "compact"))]
    renderer: NonNull<Renderer>,
    #[cfg(feature = "compact")]
    renderer: Renderer,
    layers: NonNull<MaybeUninit<Layer<'static>>>,
    capacity: usize,
}

/// `size` (> 0) bytes of the GC heap for values of type `T`.
fn alloc<T>(py: &mut Py, size: usize) -> PyResult<NonNull<T>> {
    // MicroPython's GC blocks are four words, aligned to their size (as mpy-abi's
    // class instances also rely on), so the block suits any `T` aligned to at most that.
    const { assert!(align_of::<T>() <= 4 * size_of::<usize>()) };
    Ok(py.alloc(size)?.cast())
}

impl Scratch {
    /// A renderer for `params` at the start of its rectangle, and no layer slots yet.
    pub fn new(py: &mut Py, params: &RenderParams) -> PyResult<Scratch> {
        #[cfg(not(feature = "compact"))]
        let renderer = {
            let renderer = alloc::<Renderer>(py, size_of::<Renderer>())?;
            place_renderer(renderer, params);
            renderer
        };
        #[cfg(feature = "compact")]
        let renderer = {
            let _ = py;
            Renderer::new(params)
        };
        Ok(Scratch {
            renderer,
            layers: NonNull::dangling(),
            capacity: 0,
        })
    }

    /// Makes room for `count` layers (a new block if the current one is too small; the
    /// old one becomes garbage).
    pub fn reserve(&mut self, py: &mut Py, count: usize) -> PyResult<()> {
        if count <= self.capacity {
            return Ok(());
        }
        // No list is that long; checked without a (software, on armv6m) multiply.
        if count > isize::MAX as usize / size_of::<Layer<'static>>() {
            return Err(exc!(MemoryError, "memory allocation failed"));
        }
        self.layers = alloc(py, count * size_of::<Layer<'static>>())?;
        self.capacity = count;
        Ok(())
    }

    /// Fills the slots with `make(i)` for `i` in `0..items`, skipping `None`s, and
    /// returns the renderer with the filled slots as layers; or, if there are more
    /// layers than slots, `Err(n)` with the number needed (call [`Scratch::reserve`]
    /// and try again). Stops at the first error of `make`.
    #[allow(clippy::type_complexity)]
    pub fn fill<'a, E>(
        &mut self,
        items: usize,
        mut make: impl FnMut(usize) -> Result<Option<Layer<'a>>, E>,
    ) -> Result<Result<(&mut Renderer, &[Layer<'a>]), usize>, E> {
        let slots: &mut [MaybeUninit<Layer<'a>>] = if self.capacity == 0 {
            &mut []
        } else {
            // SAFETY: `layers` is a live block of `capacity` slots, aligned for `Layer`
            // (see `alloc`), that nothing else refers to (`&mut self`). The slots are
            // `MaybeUninit`, so any content is valid, and the lifetime parameter of
            // `Layer` doesn't change its layout.
            unsafe { core::slice::from_raw_parts_mut(self.layers.as_ptr().cast(), self.capacity) }
        };
        let mut count = 0;
        for i in 0..items {
            if let Some(layer) = make(i)? {
                if let Some(slot) = slots.get_mut(count) {
                    slot.write(layer);
                }
                count += 1;
            }
        }
        if count > self.capacity {
            return Ok(Err(count));
        }
        let layers: &[Layer<'a>] = if count == 0 {
            &[]
        } else {
            // SAFETY: the loop above initialised the first `count <= capacity` slots;
            // `Layer` is `Copy`, so nothing is dropped.
            unsafe { core::slice::from_raw_parts(self.layers.as_ptr().cast(), count) }
        };
        #[cfg(not(feature = "compact"))]
        // SAFETY: `renderer` was initialised by `new` and lives in its own block; the
        // `&mut self` borrow makes this the only reference.
        let renderer = unsafe { &mut *self.renderer.as_ptr() };
        #[cfg(feature = "compact")]
        let renderer = &mut self.renderer;
        Ok(Ok((renderer, layers)))
    }

    /// The renderer.
    pub fn renderer(&mut self) -> &mut Renderer {
        #[cfg(not(feature = "compact"))]
        // SAFETY: as in `fill`.
        return unsafe { &mut *self.renderer.as_ptr() };
        #[cfg(feature = "compact")]
        return &mut self.renderer;
    }
}

/// Builds the renderer straight into its block; not inlined, so that any temporary
/// copy lives in this short-lived frame, not in the render function's.
#[cfg(not(feature = "compact"))]
#[inline(never)]
fn place_renderer(at: NonNull<Renderer>, params: &RenderParams) {
    // SAFETY: `at` is a fresh, aligned block of `size_of::<ChunkRenderer>()` bytes.
    unsafe { at.as_ptr().write(Renderer::new(params)) }
}
