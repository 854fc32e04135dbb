//! A framebuffer on the host (feature `framebuffer`, which needs `alloc`): a
//! [`Framebuffer`] receives renders the way a panel's memory does, for host front ends
//! (PNG, GIF, a window) and for tests, which check what a scene renders against small
//! pictures written as text, with a readable diff on failure.
//!
//! ```
//! use stage_core::framebuffer::{Framebuffer, Legend};
//! use stage_core::{Bank, Layer, Palette, Rect, RenderParams, Sprite, WireColor};
//!
//! let mut bank = [0u8; 2048];
//! bank[0] = 0x11; // tile 0, row 0: two pixels of entry 1, the rest entry 0
//! let mut palette = [0xF8, 0x1F].repeat(16); // every entry transparent...
//! palette[2..4].copy_from_slice(&[0xFF, 0xFF]); // ...but entry 1: white
//! let mut ball = Sprite::new(Bank::new(&bank)?, Palette::new(&palette)?);
//! ball.set_position(1, 1);
//! let layers = [Layer::from(ball)];
//!
//! let mut screen = Framebuffer::new(4, 3);
//! let params = RenderParams::new(Rect::new(0, 0, 4, 3)?).with_background(Some(WireColor::BLACK));
//! screen.render(&layers, &params)?;
//! let legend = Legend::new(&[('.', WireColor::BLACK), ('#', WireColor::from_rgb565(0xFFFF))]);
//! screen.assert_picture(Rect::new(0, 0, 4, 3)?, &legend, "
//!     ....
//!     .##.
//!     ....
//! ");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use crate::{Layer, Rect, RenderParams, WireColor};

/// A panel's memory: a `width` x `height` grid of RGB565 pixels that pixel data is
/// written into, window by window, as the panel stores what it receives after RAMWR.
#[derive(Clone, PartialEq, Eq)]
pub struct Framebuffer {
    width: u16,
    height: u16,
    pixels: Vec<WireColor>,
}

/// Why pixel data could not be stored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum WriteError {
    /// The window is empty or reaches outside the framebuffer.
    OutOfBounds,
    /// The data does not fill the window exactly (in bytes: what it holds, what came).
    WrongLength {
        /// Bytes that fill the window.
        expected: u64,
        /// Bytes received.
        got: u64,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::OutOfBounds => f.write_str("window outside the framebuffer"),
            WriteError::WrongLength { expected, got } => {
                write!(f, "{got} bytes of pixel data for a window of {expected}")
            }
        }
    }
}

impl core::error::Error for WriteError {}

impl Framebuffer {
    /// A black framebuffer.
    pub fn new(width: u16, height: u16) -> Self {
        Self::filled(width, height, WireColor::BLACK)
    }

    /// A framebuffer filled with `color`.
    pub fn filled(width: u16, height: u16, color: WireColor) -> Self {
        Framebuffer {
            width,
            height,
            pixels: alloc::vec![color; usize::from(width) * usize::from(height)],
        }
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// The pixels, row by row.
    pub fn pixels(&self) -> &[WireColor] {
        &self.pixels
    }

    /// Pixel (x, y), if it is inside.
    pub fn pixel(&self, x: u16, y: u16) -> Option<WireColor> {
        if x < self.width && y < self.height {
            self.pixels
                .get(usize::from(y) * usize::from(self.width) + usize::from(x))
                .copied()
        } else {
            None
        }
    }

    /// Stores `data` (RGB565, high byte first, row by row) in the window `window`, as a
    /// panel does with the data following RAMWR. The data must fill the window exactly.
    pub fn write_window(&mut self, window: Rect, data: &[u8]) -> Result<(), WriteError> {
        let (x0, y0, x1, y1) = window.corners();
        if window.is_empty() || x1 > self.width || y1 > self.height {
            return Err(WriteError::OutOfBounds);
        }
        let expected = 2 * u64::from(window.width()) * u64::from(window.height());
        if data.len() as u64 != expected {
            return Err(WriteError::WrongLength {
                expected,
                got: data.len() as u64,
            });
        }
        let (pixels, _) = data.as_chunks::<2>();
        for (row, line) in (y0..y1).zip(pixels.chunks(usize::from(window.width()))) {
            let start = usize::from(row) * usize::from(self.width) + usize::from(x0);
            for (dst, &px) in self.pixels[start..].iter_mut().zip(line) {
                *dst = WireColor(px);
            }
        }
        Ok(())
    }

    /// Renders `params`' rectangle of the scene `layers` into its window (the rectangle
    /// times the scale), as a display driver sends it to a panel.
    pub fn render(
        &mut self,
        layers: &[Layer<'_>],
        params: &RenderParams,
    ) -> Result<(), WriteError> {
        let rect = params.rect();
        if rect.is_empty() {
            return Ok(());
        }
        let (x0, y0, _, _) = rect.corners();
        let scale = u32::from(params.scale());
        let fit = |v: u32| u16::try_from(v).map_err(|_| WriteError::OutOfBounds);
        let (wx0, wy0) = (fit(u32::from(x0) * scale)?, fit(u32::from(y0) * scale)?);
        let wx1 = fit(u32::from(wx0) + params.output_width())?;
        let wy1 = fit(u32::from(wy0) + params.output_height())?;
        let window = Rect::new(wx0, wy0, wx1, wy1).map_err(|_| WriteError::OutOfBounds)?;
        let mut stream = Vec::with_capacity(params.stream_len() as usize);
        let mut buffer = [0u8; 512];
        crate::render(layers, params, &mut buffer, |chunk| {
            stream.extend_from_slice(chunk);
            Ok::<(), core::convert::Infallible>(())
        })
        .expect("a 512-byte buffer holds a pixel, and the sink cannot fail");
        self.write_window(window, &stream)
    }

    /// `area` as text: one line a row, one character a pixel, the character `legend`
    /// gives its colour (`?` for a colour it doesn't name). Pixels outside are `!`.
    pub fn picture(&self, area: Rect, legend: &Legend) -> String {
        let (x0, y0, x1, y1) = area.corners();
        let mut text = String::new();
        for y in y0..y1 {
            for x in x0..x1 {
                let c = self.pixel(x, y).map_or('!', |px| legend.char_of(px));
                text.push(c);
            }
            text.push('\n');
        }
        text
    }

    /// Panics unless `area` shows `expected`, a picture in the characters of `legend`:
    /// one line a row (leading and trailing white space and empty lines are ignored, so
    /// the picture can be indented in the test). The message shows both pictures, the
    /// rows that differ marked, and what each character stands for.
    #[track_caller]
    pub fn assert_picture(&self, area: Rect, legend: &Legend, expected: &str) {
        let want: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let got = self.picture(area, legend);
        let got: Vec<&str> = got.lines().collect();
        if want == got {
            return;
        }
        let mut message = String::from("the framebuffer does not show the expected picture\n");
        let width = want.iter().chain(&got).map(|l| l.len()).max().unwrap_or(0);
        let _ = writeln!(message, "  {:<width$}   actual", "expected");
        for row in 0..want.len().max(got.len()) {
            let (w, g) = (want.get(row).copied(), got.get(row).copied());
            let mark = if w == g { ' ' } else { '>' };
            let _ = writeln!(
                message,
                "{mark} {:<width$}   {}",
                w.unwrap_or("(none)"),
                g.unwrap_or("(none)")
            );
        }
        let _ = write!(message, "legend:");
        for (c, color) in &legend.0 {
            let _ = write!(message, " {c}={:04X}", color.rgb565());
        }
        let _ = write!(message, " ?=other !=outside");
        panic!("{message}");
    }
}

impl fmt::Debug for Framebuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Framebuffer")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// What each character of a text picture stands for.
#[derive(Clone, Debug)]
pub struct Legend(Vec<(char, WireColor)>);

impl Legend {
    /// A legend from `(character, colour)` pairs.
    pub fn new(pairs: &[(char, WireColor)]) -> Self {
        Legend(pairs.to_vec())
    }

    /// A legend naming each entry of `palette` by a character of `chars` (the first 16),
    /// e.g. `"0123456789abcdef"` to write a picture in palette indices. An entry whose
    /// colour an earlier entry has is named by the earlier one.
    ///
    /// ```
    /// use stage_core::framebuffer::Legend;
    /// use stage_core::{Palette, WireColor};
    /// let entries = [[0x00, 0x00], [0xFF, 0xFF], [0xF8, 0x00], [0x00, 0x00], [0x07, 0xE0], [0x00, 0x1F],
    ///     [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
    /// let legend = Legend::from_palette(&Palette::opaque(&entries), "0123456789abcdef");
    /// assert_eq!(legend.char_of(WireColor::from_rgb565(0xFFFF)), '1');
    /// assert_eq!(legend.char_of(WireColor::BLACK), '0');
    /// ```
    pub fn from_palette(palette: &crate::Palette<'_>, chars: &str) -> Self {
        let mut pairs: Vec<(char, WireColor)> = Vec::new();
        for (index, c) in (0..16u8).zip(chars.chars()) {
            let color = palette.color(index);
            if pairs.iter().all(|&(_, seen)| seen != color) {
                pairs.push((c, color));
            }
        }
        Legend(pairs)
    }

    /// This legend and `other`'s pairs (this legend's name wins for a colour both name).
    #[must_use]
    pub fn with(mut self, other: &Legend) -> Self {
        for &(c, color) in &other.0 {
            if self.0.iter().all(|&(_, seen)| seen != color) {
                self.0.push((c, color));
            }
        }
        self
    }

    /// The character for `color`, `?` if the legend doesn't name it.
    pub fn char_of(&self, color: WireColor) -> char {
        self.0
            .iter()
            .find(|(_, c)| *c == color)
            .map_or('?', |(ch, _)| *ch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_filled_row_by_row_and_checked() {
        let mut fb = Framebuffer::new(4, 3);
        let red = WireColor::from_rgb565(0xF800);
        let data: Vec<u8> = [red.bytes(); 4].concat();
        fb.write_window(Rect::new(1, 1, 3, 3).unwrap(), &data)
            .unwrap();
        let legend = Legend::new(&[('.', WireColor::BLACK), ('r', red)]);
        assert_eq!(
            fb.picture(Rect::new(0, 0, 4, 3).unwrap(), &legend),
            "....\n.rr.\n.rr.\n"
        );
        assert_eq!(
            fb.write_window(Rect::new(3, 0, 5, 1).unwrap(), &data[..4]),
            Err(WriteError::OutOfBounds)
        );
        assert_eq!(
            fb.write_window(Rect::new(0, 0, 2, 1).unwrap(), &data[..2]),
            Err(WriteError::WrongLength {
                expected: 4,
                got: 2
            })
        );
    }

    #[test]
    #[should_panic(expected = "> .rr.   .r?.")]
    fn a_wrong_picture_shows_the_differing_rows() {
        let mut fb = Framebuffer::new(4, 1);
        let red = WireColor::from_rgb565(0xF800);
        let data = [red.bytes(), WireColor::from_rgb565(1).bytes()].concat();
        fb.write_window(Rect::new(1, 0, 3, 1).unwrap(), &data)
            .unwrap();
        let legend = Legend::new(&[('.', WireColor::BLACK), ('r', red)]);
        fb.assert_picture(Rect::new(0, 0, 4, 1).unwrap(), &legend, ".rr.");
    }
}
