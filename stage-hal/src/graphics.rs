//! embedded-graphics adapters, both ways.
//!
//! * stage output into any `DrawTarget<Color = Rgb565>` (an
//!   embedded-graphics simulator window, a mipidsi display, a framebuffer):
//!   [`draw`] and the [`Scene`] drawable;
//! * embedded-graphics primitives and fonts into stage's formats, to make
//!   tiles and fonts in code: [`BankCanvas`] (a bank as a 16x256 image of
//!   palette indices) and [`FontCanvas`] (a font as an 8x1024 image of
//!   2-bit values).
//!
//! ```
//! use embedded_graphics::pixelcolor::Rgb565;
//! use embedded_graphics::prelude::*;
//! use embedded_graphics::primitives::{Circle, PrimitiveStyle};
//! use embedded_graphics_simulator::SimulatorDisplay;
//! use stage_core::{Bank, Layer, Palette, Rect, RenderParams, Sprite, WireColor};
//! use stage_hal::graphics::{self, BankCanvas, PaletteIndex};
//!
//! // A ball drawn with embedded-graphics into tile 0 of a bank...
//! let mut bank = [0u8; 2048];
//! let mut canvas = BankCanvas::from_array(&mut bank);
//! Circle::new(Point::new(2, 2), 12)
//!     .into_styled(PrimitiveStyle::with_fill(PaletteIndex::new(1)))
//!     .draw(&mut canvas.tile(0))?;
//!
//! // ...shown by stage as a sprite...
//! let mut palette = [0xF8, 0x1F].repeat(16); // all transparent but:
//! palette[2..4].copy_from_slice(&WireColor::from_rgb565(0xFFE0).bytes());
//! let ball = Sprite::new(Bank::new(&bank)?, Palette::new(&palette)?);
//! let layers = [Layer::from(ball)];
//!
//! // ...on an embedded-graphics display.
//! let mut display = SimulatorDisplay::<Rgb565>::new(Size::new(16, 16));
//! let params = RenderParams::new(Rect::new(0, 0, 16, 16)?)
//!     .with_background(Some(WireColor::BLACK));
//! graphics::draw(&mut display, &layers, &params, &mut [0u8; 64])?;
//! assert_eq!(display.get_pixel(Point::new(8, 8)), Rgb565::new(31, 63, 0));
//! assert_eq!(display.get_pixel(Point::new(0, 0)), Rgb565::BLACK);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::convert::Infallible;
use core::marker::PhantomData;

use embedded_graphics_core::draw_target::DrawTarget;
use embedded_graphics_core::geometry::{OriginDimensions, Point, Size};
use embedded_graphics_core::pixelcolor::raw::{RawData, RawU16, RawU4};
use embedded_graphics_core::pixelcolor::{PixelColor, Rgb565};
use embedded_graphics_core::primitives::Rectangle;
use embedded_graphics_core::{Drawable, Pixel};
use stage_core::format::BANK_LEN;
use stage_core::{FormatError, Layer, RenderError, RenderParams, WireColor};

/// Converts a wire colour to embedded-graphics' `Rgb565`.
///
/// ```
/// use embedded_graphics::pixelcolor::Rgb565;
/// use stage_core::WireColor;
/// assert_eq!(stage_hal::graphics::to_rgb565(WireColor::from_rgb565(0xF800)), Rgb565::new(31, 0, 0));
/// ```
pub fn to_rgb565(color: WireColor) -> Rgb565 {
    Rgb565::from(RawU16::new(color.rgb565()))
}

/// Where the stream of a render is in its output: column and row.
struct Cursor {
    origin: Point,
    width: u32,
    col: u32,
    row: u32,
}

impl Cursor {
    /// Hands `chunk` (whole pixels) to `target` as rectangles of whole
    /// rows where it can: a partial first row, a block of full rows, a
    /// partial last row.
    fn emit<D>(&mut self, target: &mut D, chunk: &[u8]) -> Result<(), D::Error>
    where
        D: DrawTarget<Color = Rgb565>,
    {
        let (pixels, _) = chunk.as_chunks::<2>();
        let mut rest = pixels;
        while !rest.is_empty() {
            // Pixels left in the current row: at least 1.
            let left = (self.width - self.col) as usize;
            let full_rows = if self.col == 0 { rest.len() / left } else { 0 };
            let (len, size) = if full_rows > 0 {
                (full_rows * left, Size::new(self.width, full_rows as u32))
            } else {
                let len = rest.len().min(left);
                (len, Size::new(len as u32, 1))
            };
            let (head, tail) = rest.split_at(len);
            let corner = self.origin + Point::new(self.col as i32, self.row as i32);
            let colors = head.iter().map(|&px| to_rgb565(WireColor(px)));
            target.fill_contiguous(&Rectangle::new(corner, size), colors)?;
            if full_rows > 0 {
                self.row += full_rows as u32;
            } else {
                self.col += len as u32;
                if self.col == self.width {
                    self.col = 0;
                    self.row += 1;
                }
            }
            rest = tail;
        }
        Ok(())
    }
}

/// Renders `params`' rectangle of `layers` into `target`, at the
/// rectangle's position times the scale, through `buffer` (chunks of
/// `2 * floor(len / 2)` bytes, each drawn as soon as it is rendered).
///
/// The colours are exactly the panel stream's, so without a background
/// uncovered pixels show the transparency key (magenta).
pub fn draw<D>(
    target: &mut D,
    layers: &[Layer<'_>],
    params: &RenderParams,
    buffer: &mut [u8],
) -> Result<(), RenderError<D::Error>>
where
    D: DrawTarget<Color = Rgb565>,
{
    let (x0, y0, _, _) = params.rect().corners();
    let scale = i32::from(params.scale());
    let mut cursor = Cursor {
        origin: Point::new(i32::from(x0) * scale, i32::from(y0) * scale),
        width: params.output_width(),
        col: 0,
        row: 0,
    };
    if cursor.width == 0 {
        return Ok(());
    }
    stage_core::render(layers, params, buffer, |chunk| cursor.emit(target, chunk))
}

/// A stage scene as an embedded-graphics [`Drawable`]: `layers` rendered
/// with `params` through a 512-byte stack buffer.
///
/// ```
/// use embedded_graphics::pixelcolor::Rgb565;
/// use embedded_graphics::prelude::*;
/// use embedded_graphics_simulator::SimulatorDisplay;
/// use stage_core::{Rect, RenderParams, WireColor};
/// use stage_hal::graphics::Scene;
///
/// let mut display = SimulatorDisplay::<Rgb565>::new(Size::new(8, 8));
/// let params = RenderParams::new(Rect::new(2, 2, 4, 4)?)
///     .with_scale(2)?
///     .with_background(Some(WireColor::from_rgb565(0x07E0)));
/// Scene::new(&[], params).draw(&mut display)?;
/// assert_eq!(display.get_pixel(Point::new(4, 7)), Rgb565::GREEN);
/// assert_eq!(display.get_pixel(Point::new(3, 3)), Rgb565::BLACK); // untouched
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Scene<'s, 'l> {
    layers: &'s [Layer<'l>],
    params: RenderParams,
}

impl<'s, 'l> Scene<'s, 'l> {
    /// The scene `layers` (front first), rendered with `params`.
    pub fn new(layers: &'s [Layer<'l>], params: RenderParams) -> Self {
        Scene { layers, params }
    }
}

impl Drawable for Scene<'_, '_> {
    type Color = Rgb565;
    type Output = ();

    fn draw<D>(&self, target: &mut D) -> Result<(), D::Error>
    where
        D: DrawTarget<Color = Rgb565>,
    {
        let mut buffer = [0u8; 512];
        match draw(target, self.layers, &self.params, &mut buffer) {
            Ok(()) => Ok(()),
            Err(RenderError::Sink(error)) => Err(error),
            // A 512-byte buffer always holds a pixel.
            Err(_) => Ok(()),
        }
    }
}

/// A palette index (0..=15) as an embedded-graphics colour: what
/// [`BankCanvas`] and [`FontCanvas`] store.
///
/// ```
/// use stage_hal::graphics::PaletteIndex;
/// assert_eq!(PaletteIndex::new(17).index(), 1); // taken mod 16
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct PaletteIndex(u8);

impl PaletteIndex {
    /// Index `index` mod 16.
    pub const fn new(index: u8) -> Self {
        PaletteIndex(index & 0x0F)
    }

    /// The index, 0..=15.
    pub const fn index(self) -> u8 {
        self.0
    }
}

impl PixelColor for PaletteIndex {
    type Raw = RawU4;
}

impl From<RawU4> for PaletteIndex {
    fn from(raw: RawU4) -> Self {
        PaletteIndex::new(raw.into_inner())
    }
}

impl From<PaletteIndex> for RawU4 {
    fn from(color: PaletteIndex) -> Self {
        RawU4::new(color.0)
    }
}

/// How a [`Canvas`] lays its pixels out in its 2048 bytes: a bank's 4-bit
/// tiles or a font's 2-bit glyphs.
pub trait Layout: sealed::Sealed {
    /// Width of the canvas in pixels.
    const WIDTH: u32;
    /// Height of the canvas in pixels.
    const HEIGHT: u32;
    /// The error for a buffer of another length.
    fn wrong_length(len: usize) -> FormatError;
    /// Stores `color` at pixel (x, y), which is inside the canvas.
    fn store(bytes: &mut [u8; BANK_LEN], x: u32, y: u32, color: PaletteIndex);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::BankLayout {}
    impl Sealed for super::FontLayout {}
}

/// A bank's layout: 16 tiles of 16x16 at 4 bits per pixel, stacked into a
/// 16x256 image; the left pixel of a byte is its high nibble.
#[derive(Clone, Copy, Debug)]
pub struct BankLayout;

impl Layout for BankLayout {
    const WIDTH: u32 = 16;
    const HEIGHT: u32 = 256;

    fn wrong_length(len: usize) -> FormatError {
        FormatError::BankLength { len }
    }

    fn store(bytes: &mut [u8; BANK_LEN], x: u32, y: u32, color: PaletteIndex) {
        if let Some(byte) = bytes.get_mut((y * 8 + x / 2) as usize) {
            *byte = if x & 1 == 0 {
                (*byte & 0x0F) | (color.0 << 4)
            } else {
                (*byte & 0xF0) | color.0
            };
        }
    }
}

/// A font's layout: 128 glyphs of 8x8 at 2 bits per pixel, stacked into an
/// 8x1024 image; the left pixel of a byte is in its low bits. A
/// [`PaletteIndex`] is stored mod 4 (a text layer's palette entries
/// 0..=3; highlighted cells use 4..=7).
#[derive(Clone, Copy, Debug)]
pub struct FontLayout;

impl Layout for FontLayout {
    const WIDTH: u32 = 8;
    const HEIGHT: u32 = 1024;

    fn wrong_length(len: usize) -> FormatError {
        FormatError::FontLength { len }
    }

    fn store(bytes: &mut [u8; BANK_LEN], x: u32, y: u32, color: PaletteIndex) {
        let shift = 2 * (x % 4);
        if let Some(byte) = bytes.get_mut((y * 2 + x / 4) as usize) {
            *byte = (*byte & !(3 << shift)) | ((color.0 & 3) << shift);
        }
    }
}

/// 2048 bytes of a stage format as an embedded-graphics draw target of
/// [`PaletteIndex`]es, laid out by `L`: [`BankCanvas`] or [`FontCanvas`].
/// Pixels outside the canvas are ignored.
#[derive(Debug)]
pub struct Canvas<'a, L> {
    bytes: &'a mut [u8; BANK_LEN],
    layout: PhantomData<L>,
}

/// A bank (16 tiles of 16x16 at 4 bits per pixel) as a 16x256 draw target:
/// tile `f` is the square at (0, 16 f).
///
/// Draw into one tile with `canvas.tile(f)`, which clips to it and puts its
/// origin at the tile's corner.
pub type BankCanvas<'a> = Canvas<'a, BankLayout>;

/// A font (128 glyphs of 8x8 at 2 bits per pixel) as an 8x1024 draw target:
/// glyph `c` is the square at (0, 8 c).
///
/// ```
/// use embedded_graphics::mono_font::{ascii::FONT_5X8, MonoTextStyle};
/// use embedded_graphics::prelude::*;
/// use embedded_graphics::text::{Baseline, Text};
/// use stage_core::Font;
/// use stage_hal::graphics::{FontCanvas, PaletteIndex};
///
/// // Every printable ASCII glyph of an embedded-graphics font, in value 1.
/// let mut font = [0u8; 2048];
/// let mut canvas = FontCanvas::from_array(&mut font);
/// let style = MonoTextStyle::new(&FONT_5X8, PaletteIndex::new(1));
/// for code in 32u8..127 {
///     let glyph = [code];
///     let text = core::str::from_utf8(&glyph)?;
///     Text::with_baseline(text, FontCanvas::glyph_origin(code), style, Baseline::Top)
///         .draw(&mut canvas)?;
/// }
/// let font = Font::new(&font)?;
/// assert_eq!(font.pixel(b'|', 2, 3), 1);
/// assert_eq!(font.pixel(b'|', 0, 3), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type FontCanvas<'a> = Canvas<'a, FontLayout>;

impl<'a, L: Layout> Canvas<'a, L> {
    /// A canvas over `bytes`, which must be exactly 2048 bytes long.
    pub fn new(bytes: &'a mut [u8]) -> Result<Self, FormatError> {
        let len = bytes.len();
        match bytes.try_into() {
            Ok(bytes) => Ok(Self::from_array(bytes)),
            Err(_) => Err(L::wrong_length(len)),
        }
    }

    /// A canvas over a 2048-byte array; cannot fail.
    pub fn from_array(bytes: &'a mut [u8; BANK_LEN]) -> Self {
        Canvas {
            bytes,
            layout: PhantomData,
        }
    }

    /// Sets pixel (x, y); pixels outside the canvas are ignored.
    pub fn set_pixel(&mut self, x: i32, y: i32, color: PaletteIndex) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return;
        };
        if x < L::WIDTH && y < L::HEIGHT {
            L::store(self.bytes, x, y, color);
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8; BANK_LEN] {
        self.bytes
    }
}

impl<L: Layout> OriginDimensions for Canvas<'_, L> {
    fn size(&self) -> Size {
        Size::new(L::WIDTH, L::HEIGHT)
    }
}

impl<L: Layout> DrawTarget for Canvas<'_, L> {
    type Color = PaletteIndex;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Infallible>
    where
        I: IntoIterator<Item = Pixel<PaletteIndex>>,
    {
        for Pixel(point, color) in pixels {
            self.set_pixel(point.x, point.y, color);
        }
        Ok(())
    }
}

impl<'a> Canvas<'a, BankLayout> {
    /// The area of tile `tile` (mod 16) on the canvas.
    pub fn tile_area(tile: u8) -> Rectangle {
        Rectangle::new(Point::new(0, 16 * i32::from(tile & 15)), Size::new(16, 16))
    }

    /// A 16x16 draw target for tile `tile` (mod 16) alone.
    pub fn tile(&mut self, tile: u8) -> TileCanvas<'_, 'a> {
        TileCanvas {
            canvas: self,
            top: 16 * i32::from(tile & 15),
        }
    }
}

impl Canvas<'_, FontLayout> {
    /// The top-left corner of glyph `code` (mod 128) on the canvas.
    pub fn glyph_origin(code: u8) -> Point {
        Point::new(0, 8 * i32::from(code & 0x7F))
    }
}

/// One tile of a [`BankCanvas`]: a 16x16 draw target, clipped.
#[derive(Debug)]
pub struct TileCanvas<'c, 'a> {
    canvas: &'c mut BankCanvas<'a>,
    top: i32,
}

impl OriginDimensions for TileCanvas<'_, '_> {
    fn size(&self) -> Size {
        Size::new(16, 16)
    }
}

impl DrawTarget for TileCanvas<'_, '_> {
    type Color = PaletteIndex;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Infallible>
    where
        I: IntoIterator<Item = Pixel<PaletteIndex>>,
    {
        for Pixel(point, color) in pixels {
            if (0..16).contains(&point.x) && (0..16).contains(&point.y) {
                self.canvas.set_pixel(point.x, self.top + point.y, color);
            }
        }
        Ok(())
    }
}
