//! Images into stage's formats (feature `assets`): 16-colour BMP files (through
//! `tinybmp`) and indexed PNG files (through `png`) into banks and palettes, fonts and
//! tile maps, with errors that name the file and say what is wrong.
//!
//! On the host a game loads its files at run time; a firmware converts the same files
//! in its build script and carries plain byte arrays ([`rust_source`]).
//!
//! | what | image | pixels |
//! |---|---|---|
//! | [`Bank`](stage_core::Bank) + palette | 16 pixels wide, 16 to 256 high (tile `n` at row `16 n`) | palette indices 0..=15 |
//! | [`Font`](stage_core::Font) + palette | 8 pixels wide, 8 to 1024 high (glyph `c` at row `8 c`) | palette indices 0..=3 |
//! | [`TileMap`](stage_core::TileMap) | one pixel per cell, up to 2047 x 2047 | tile numbers 0..=15 |
//!
//! Colours become RGB565 as stage's `color565` makes them; magenta (or any colour that
//! rounds to `F8 1F`) is transparent, and so is a PNG palette entry whose `tRNS` alpha
//! is 0.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join("stage-game-assets-doc");
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("tiles.png");
//! # stage_game::assets::write_indexed_png(&path, 16, 256, &[[0, 0, 0], [255, 255, 255]], &vec![1; 16 * 256])?;
//! use stage_game::assets;
//! let tiles = assets::load_bank(&path)?;
//! let bank = stage_core::Bank::new(&tiles.bank)?;
//! assert_eq!(bank.pixel(0, 0, 0), 1);
//! assert_eq!(tiles.palette[2..4], [0xFF, 0xFF]); // entry 1: white
//!
//! let error = assets::decode_bank("wide.png", &assets::indexed_png(32, 16, &[[0, 0, 0]], &vec![0; 32 * 16])?)
//!     .unwrap_err();
//! assert_eq!(error.to_string(), "wide.png: a bank image must be 16 pixels wide and 16 to 256 high (a multiple of 16), not 32x16");
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::Path;

use stage_core::format::{BANK_LEN, FONT_LEN, MAX_GRID_CELLS};
use stage_core::WireColor;

/// Why an image could not be used.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AssetError {
    /// The file (or name) it came from.
    pub file: String,
    /// What is wrong.
    pub kind: AssetErrorKind,
}

/// What is wrong with an image.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum AssetErrorKind {
    /// It could not be read.
    Io(String),
    /// Neither a BMP nor a PNG file.
    UnknownFormat,
    /// A BMP or PNG file the decoder refused (broken, truncated).
    Broken(String),
    /// A kind of image stage can't use (true colour, 16 or more bits per pixel,
    /// interlaced...).
    Unsupported(String),
    /// Its size doesn't fit what it is loaded as.
    Size {
        /// What it is loaded as, and the sizes that fit.
        what: &'static str,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// A pixel uses a palette entry the format can't hold.
    Color {
        /// The pixel.
        x: u32,
        /// The pixel.
        y: u32,
        /// Its palette index.
        index: u8,
        /// The largest index allowed.
        max: u8,
    },
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        match &self.kind {
            AssetErrorKind::Io(e) => write!(f, "cannot read it: {e}"),
            AssetErrorKind::UnknownFormat => f.write_str("not a BMP or PNG file"),
            AssetErrorKind::Broken(e) => write!(f, "broken image: {e}"),
            AssetErrorKind::Unsupported(what) => write!(
                f,
                "{what}; save it as an indexed (palette) image of at most 16 colours, 4 or 8 bits per pixel"
            ),
            AssetErrorKind::Size {
                what,
                width,
                height,
            } => write!(f, "{what}, not {width}x{height}"),
            AssetErrorKind::Color { x, y, index, max } => write!(
                f,
                "pixel ({x}, {y}) uses palette entry {index}; at most {max} can be used here"
            ),
        }
    }
}

impl std::error::Error for AssetError {}

/// An image as palette indices.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Indexed {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// One palette index per pixel, row by row.
    pub indices: Vec<u8>,
    /// The palette, as RGB565 colours in wire order (transparent entries are the key).
    pub colors: Vec<WireColor>,
}

/// A bank and its palette.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BankImage {
    /// The 16 tiles (tiles past the image's height are all entry 0).
    pub bank: [u8; BANK_LEN],
    /// The image's palette (entries past its colours are black).
    pub palette: [u8; 32],
}

/// A font and its palette.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FontImage {
    /// The 128 glyphs (glyphs past the image's height are empty).
    pub font: [u8; FONT_LEN],
    /// The image's palette: entries 0..=3 colour the glyphs (4..=7, highlighted ones,
    /// are copies unless the image has more colours).
    pub palette: [u8; 32],
}

/// A tile map: one cell per pixel of the image.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MapImage {
    /// Width in cells.
    pub width: u16,
    /// Height in cells.
    pub height: u16,
    /// The cells, two a byte, rows of `width` rounded up to even cells.
    pub cells: Vec<u8>,
}

impl MapImage {
    /// Cells per row in `cells` (the width rounded up to even).
    pub fn stride(&self) -> u16 {
        (self.width + 1) & !1
    }
}

fn error(file: &str, kind: AssetErrorKind) -> AssetError {
    AssetError {
        file: file.to_string(),
        kind,
    }
}

fn read(path: &Path) -> Result<Vec<u8>, AssetError> {
    std::fs::read(path).map_err(|e| {
        error(
            &path.display().to_string(),
            AssetErrorKind::Io(e.to_string()),
        )
    })
}

/// Decodes a BMP or PNG file (by its first bytes) into palette indices.
pub fn decode(file: &str, bytes: &[u8]) -> Result<Indexed, AssetError> {
    if bytes.starts_with(b"BM") {
        decode_bmp(file, bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(file, bytes)
    } else {
        Err(error(file, AssetErrorKind::UnknownFormat))
    }
}

fn rgb(r: u8, g: u8, b: u8) -> WireColor {
    WireColor::from_rgb888(r, g, b)
}

fn decode_bmp(file: &str, bytes: &[u8]) -> Result<Indexed, AssetError> {
    let bmp = tinybmp::RawBmp::from_slice(bytes)
        .map_err(|e| error(file, AssetErrorKind::Broken(format!("{e:?}"))))?;
    let header = bmp.header();
    let bits = header.bpp.bits();
    let Some(table) = bmp.color_table().filter(|_| matches!(bits, 1 | 4 | 8)) else {
        return Err(error(
            file,
            AssetErrorKind::Unsupported(format!("a {bits}-bit BMP without a palette")),
        ));
    };
    let colors: Vec<WireColor> = (0..table.len() as u32)
        .filter_map(|i| table.get(i))
        .map(|c| {
            use embedded_graphics_core::pixelcolor::RgbColor as _;
            rgb(c.r(), c.g(), c.b())
        })
        .collect();
    let (width, height) = (header.image_size.width, header.image_size.height);
    let mut indices = vec![0u8; (width as usize) * (height as usize)];
    for pixel in bmp.pixels() {
        let (x, y) = (pixel.position.x, pixel.position.y);
        if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) {
            if x < width && y < height {
                indices[(y * width + x) as usize] = pixel.color as u8;
            }
        }
    }
    Ok(Indexed {
        width,
        height,
        indices,
        colors,
    })
}

fn decode_png(file: &str, bytes: &[u8]) -> Result<Indexed, AssetError> {
    let broken = |e: png::DecodingError| error(file, AssetErrorKind::Broken(e.to_string()));
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::IDENTITY);
    let mut reader = decoder.read_info().map_err(broken)?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    if info.color_type != png::ColorType::Indexed {
        return Err(error(
            file,
            AssetErrorKind::Unsupported(format!("a {:?} PNG", info.color_type)),
        ));
    }
    let bits = info.bit_depth as u8;
    if u64::from(width) * u64::from(height) > 1 << 24 {
        return Err(error(
            file,
            AssetErrorKind::Size {
                what: "an image must have at most 16777216 pixels",
                width,
                height,
            },
        ));
    }
    let palette = info.palette.as_deref().unwrap_or(&[]);
    let alpha = info.trns.as_deref().unwrap_or(&[]);
    let colors: Vec<WireColor> = palette
        .chunks_exact(3)
        .enumerate()
        .map(|(i, c)| {
            if alpha.get(i) == Some(&0) {
                WireColor::TRANSPARENT
            } else {
                rgb(c[0], c[1], c[2])
            }
        })
        .collect();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(broken)?;
    let mut indices = Vec::with_capacity((width as usize) * (height as usize));
    for row in buffer[..frame.buffer_size()]
        .chunks(frame.line_size)
        .take(height as usize)
    {
        for x in 0..width as usize {
            let index = match bits {
                8 => row[x],
                _ => {
                    let per_byte = 8 / usize::from(bits);
                    let shift = 8 - usize::from(bits) * (x % per_byte + 1);
                    (row[x / per_byte] >> shift) & ((1u16 << bits) - 1) as u8
                }
            };
            indices.push(index);
        }
    }
    Ok(Indexed {
        width,
        height,
        indices,
        colors,
    })
}

/// The palette bytes of an image's first 16 colours (black after them).
fn palette_bytes(colors: &[WireColor]) -> [u8; 32] {
    let mut palette = [0u8; 32];
    for (entry, color) in palette.chunks_exact_mut(2).zip(colors) {
        entry.copy_from_slice(&color.bytes());
    }
    palette
}

/// Checks that every pixel's index is at most `max`.
fn check_indices(file: &str, image: &Indexed, max: u8) -> Result<(), AssetError> {
    match image.indices.iter().position(|&i| i > max) {
        Some(at) => Err(error(
            file,
            AssetErrorKind::Color {
                x: at as u32 % image.width,
                y: at as u32 / image.width,
                index: image.indices[at],
                max,
            },
        )),
        None => Ok(()),
    }
}

/// A bank from a BMP or PNG file's bytes (`file` names it in errors).
pub fn decode_bank(file: &str, bytes: &[u8]) -> Result<BankImage, AssetError> {
    let image = decode(file, bytes)?;
    if image.width != 16 || image.height == 0 || image.height > 256 || image.height % 16 != 0 {
        return Err(error(
            file,
            AssetErrorKind::Size {
                what: "a bank image must be 16 pixels wide and 16 to 256 high (a multiple of 16)",
                width: image.width,
                height: image.height,
            },
        ));
    }
    check_indices(file, &image, 15)?;
    let mut bank = [0u8; BANK_LEN];
    for (i, pair) in image.indices.chunks_exact(2).enumerate() {
        bank[i] = (pair[0] << 4) | pair[1];
    }
    Ok(BankImage {
        bank,
        palette: palette_bytes(&image.colors),
    })
}

/// A font from a BMP or PNG file's bytes: glyph `c` is the 8x8 square at row `8 c`,
/// each pixel's palette index (0..=3) its 2-bit value.
pub fn decode_font(file: &str, bytes: &[u8]) -> Result<FontImage, AssetError> {
    let image = decode(file, bytes)?;
    if image.width != 8 || image.height == 0 || image.height > 1024 || image.height % 8 != 0 {
        return Err(error(
            file,
            AssetErrorKind::Size {
                what: "a font image must be 8 pixels wide and 8 to 1024 high (a multiple of 8)",
                width: image.width,
                height: image.height,
            },
        ));
    }
    check_indices(file, &image, 3)?;
    let mut font = [0u8; FONT_LEN];
    for (y, row) in image.indices.chunks_exact(8).enumerate() {
        for (x, &value) in row.iter().enumerate() {
            font[y * 2 + x / 4] |= value << (2 * (x % 4));
        }
    }
    let mut colors = image.colors.clone();
    colors.truncate(8);
    if colors.len() <= 4 {
        // Highlighted glyphs (entries 4..=7) look the same unless the image says
        // otherwise.
        colors.resize(4, WireColor::BLACK);
        colors.extend_from_within(0..4);
    }
    Ok(FontImage {
        font,
        palette: palette_bytes(&colors),
    })
}

/// A tile map from a BMP or PNG file's bytes: each pixel's palette index (0..=15) is
/// the tile of its cell.
pub fn decode_map(file: &str, bytes: &[u8]) -> Result<MapImage, AssetError> {
    let image = decode(file, bytes)?;
    let max = u32::from(MAX_GRID_CELLS);
    if image.width == 0 || image.height == 0 || image.width > max || image.height > max {
        return Err(error(
            file,
            AssetErrorKind::Size {
                what: "a map image must be 1 to 2047 pixels wide and high",
                width: image.width,
                height: image.height,
            },
        ));
    }
    check_indices(file, &image, 15)?;
    let (width, height) = (image.width as u16, image.height as u16);
    let stride = usize::from((width + 1) & !1);
    let mut cells = vec![0u8; stride * usize::from(height) / 2];
    for (y, row) in image.indices.chunks_exact(usize::from(width)).enumerate() {
        for (x, &tile) in row.iter().enumerate() {
            let cell = y * stride + x;
            cells[cell / 2] |= if x % 2 == 0 { tile << 4 } else { tile };
        }
    }
    Ok(MapImage {
        width,
        height,
        cells,
    })
}

/// [`decode_bank`] of the file at `path`.
pub fn load_bank(path: &Path) -> Result<BankImage, AssetError> {
    decode_bank(&path.display().to_string(), &read(path)?)
}

/// [`decode_font`] of the file at `path`.
pub fn load_font(path: &Path) -> Result<FontImage, AssetError> {
    decode_font(&path.display().to_string(), &read(path)?)
}

/// [`decode_map`] of the file at `path`.
pub fn load_map(path: &Path) -> Result<MapImage, AssetError> {
    decode_map(&path.display().to_string(), &read(path)?)
}

/// Rust source for a build script: `pub static NAME: [u8; LEN] = [...];`, to
/// `include!` in a firmware so that it carries the converted asset as plain bytes.
///
/// ```
/// let source = stage_game::assets::rust_source("TILES_PALETTE", &[0xF8, 0x1F]);
/// assert_eq!(source, "pub static TILES_PALETTE: [u8; 2] = [0xF8, 0x1F];\n");
/// ```
pub fn rust_source(name: &str, bytes: &[u8]) -> String {
    let body: Vec<String> = bytes.iter().map(|b| format!("0x{b:02X}")).collect();
    format!(
        "pub static {name}: [u8; {}] = [{}];\n",
        bytes.len(),
        body.join(", ")
    )
}

/// An indexed PNG file's bytes (8 bits per pixel): for tests and tools that make images.
pub fn indexed_png(
    width: u32,
    height: u32,
    palette: &[[u8; 3]],
    indices: &[u8],
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette.concat());
        let mut writer = encoder.write_header()?;
        writer.write_image_data(indices)?;
    }
    Ok(out)
}

/// Writes [`indexed_png`] to `path`.
pub fn write_indexed_png(
    path: &Path,
    width: u32,
    height: u32,
    palette: &[[u8; 3]],
    indices: &[u8],
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(path, indexed_png(width, height, palette, indices)?)?;
    Ok(())
}
