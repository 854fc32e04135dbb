//! Layer descriptors: what JavaScript writes into the block for each layer, and the
//! stage-core layer each one becomes.

use core::ops::Range;

use stage_core::model::{Failure, LayerState};
use stage_core::{FormatError, Layer};

pub use stage_core::model::Kind;

use crate::engine::Error;

/// `i32` words in a descriptor.
pub const DESC_WORDS: usize = 16;

/// Where a buffer's bytes are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BufferRef {
    /// Offset of the bytes in the block.
    pub offset: u32,
    /// Their length, or `None` if the object given was not a buffer.
    pub len: Option<u32>,
    /// The address they were copied from, in the caller's memory.
    pub source: u32,
}

impl BufferRef {
    /// The source range, for the overlap test.
    fn source_range(&self) -> Range<usize> {
        let start = self.source as usize;
        start..start.saturating_add(self.len.unwrap_or(0) as usize)
    }
}

/// A layer descriptor, decoded: the `_stage` object model's layer state (stage-core's
/// [`LayerState`]), its buffers given as places in the block (words in order: kind,
/// width, height, x, y, frame, rotation, then offset, length and source address of the
/// graphic or font, of the palette and of the map or chars).
pub type Desc = LayerState<BufferRef>;

/// Reading and writing descriptors, and the layer one views.
pub trait Descriptor: Sized {
    /// The descriptor at `offset` of `memory`; `RuntimeError` if it doesn't fit or
    /// holds values no caller of the ABI may write (the ranges of widths, frames and
    /// rotations are checked before a descriptor is written).
    fn read(memory: &[u8], offset: usize) -> Result<Self, Error>;

    /// The descriptor as words, for a caller that writes descriptors from Rust.
    fn words(&self) -> [i32; DESC_WORDS];

    /// The stage-core layer viewing the descriptor's bytes in `memory`, checked as the
    /// MicroPython module checks them ([`LayerState::view`]). A buffer overlapping
    /// `output` (the source range of the output buffer) is refused.
    fn view_in<'m>(
        &self,
        memory: &'m [u8],
        output: Option<Range<usize>>,
    ) -> Result<Layer<'m>, Error>;
}

impl Descriptor for Desc {
    fn read(memory: &[u8], offset: usize) -> Result<Desc, Error> {
        let bytes = offset
            .checked_add(4 * DESC_WORDS)
            .and_then(|end| memory.get(offset..end))
            .ok_or(Error::Internal("descriptor outside the memory block"))?;
        let mut w = [0i32; DESC_WORDS];
        for (word, b) in w.iter_mut().zip(bytes.chunks_exact(4)) {
            *word = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        let kind = match w[0] {
            0 => Kind::Sprite,
            1 => Kind::Grid,
            2 => Kind::Text,
            _ => return Err(Error::Internal("unknown layer kind")),
        };
        let small = |v: i32, max: i32| {
            if (0..=max).contains(&v) {
                Ok(v)
            } else {
                Err(Error::Internal("descriptor value out of range"))
            }
        };
        let buffer = |i: usize| -> Result<BufferRef, Error> {
            let len = match w[i + 1] {
                -1 => None,
                n => Some(small(n, i32::MAX)? as u32),
            };
            Ok(BufferRef {
                offset: small(w[i], i32::MAX)? as u32,
                len,
                source: w[i + 2] as u32,
            })
        };
        Ok(Desc {
            kind,
            width: small(w[1], 0xFFFF)? as u16,
            height: small(w[2], 0xFFFF)? as u16,
            x: w[3] as i16,
            y: w[4] as i16,
            frame: small(w[5], 255)? as u8,
            rotation: small(w[6], 255)? as u8,
            buffers: [buffer(7)?, buffer(10)?, buffer(13)?],
        })
    }

    fn words(&self) -> [i32; DESC_WORDS] {
        let kind = match self.kind {
            Kind::Sprite => 0,
            Kind::Grid => 1,
            Kind::Text => 2,
        };
        let mut w = [
            kind,
            i32::from(self.width),
            i32::from(self.height),
            i32::from(self.x),
            i32::from(self.y),
            i32::from(self.frame),
            i32::from(self.rotation),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        for (i, b) in self.buffers.iter().enumerate() {
            w[7 + 3 * i] = b.offset as i32;
            w[8 + 3 * i] = b.len.map_or(-1, |n| n as i32);
            w[9 + 3 * i] = b.source as i32;
        }
        w
    }

    fn view_in<'m>(
        &self,
        memory: &'m [u8],
        output: Option<Range<usize>>,
    ) -> Result<Layer<'m>, Error> {
        let mut get = |b: BufferRef| -> Result<&'m [u8], Error> {
            let Some(len) = b.len else {
                return Err(Error::NotABuffer);
            };
            if let Some(out) = &output {
                let src = b.source_range();
                if len != 0 && out.start < out.end && src.start < out.end && out.start < src.end {
                    return Err(Error::Overlap);
                }
            }
            let start = b.offset as usize;
            start
                .checked_add(len as usize)
                .and_then(|end| memory.get(start..end))
                .ok_or(Error::Internal("buffer outside the memory block"))
        };
        self.view(&mut get).map_err(|f| match f {
            Failure::Format(e) => Error::Format(e),
            Failure::Lookup(e) => e,
        })
    }
}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Self {
        Error::Format(e)
    }
}
