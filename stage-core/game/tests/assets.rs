//! Every kind of image the asset loaders take, and a clear error for every kind they
//! refuse.

use stage_core::{Bank, Font, Palette, TileMap, WireColor};
use stage_game::assets::{self, AssetErrorKind};

/// A BMP file: `bits` per pixel (1, 4 or 8 with `palette`; 24 without), bottom-up
/// rows padded to 4 bytes, a 40-byte header.
fn bmp(
    width: u32,
    height: u32,
    bits: u16,
    palette: &[[u8; 3]],
    pixel: impl Fn(u32, u32) -> u32,
) -> Vec<u8> {
    let row_bits = width * u32::from(bits);
    let row_len = row_bits.div_ceil(32) * 4;
    let colors = if bits <= 8 { palette.len() as u32 } else { 0 };
    let offset = 14 + 40 + 4 * colors;
    let mut out = Vec::new();
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(offset + row_len * height).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(width as i32).to_le_bytes());
    out.extend_from_slice(&(height as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // BI_RGB
    out.extend_from_slice(&(row_len * height).to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&colors.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    if bits <= 8 {
        for c in palette {
            out.extend_from_slice(&[c[2], c[1], c[0], 0]);
        }
    }
    for y in (0..height).rev() {
        let mut row = vec![0u8; row_len as usize];
        for x in 0..width {
            let v = pixel(x, y);
            match bits {
                24 => row[(x * 3) as usize..(x * 3 + 3) as usize].copy_from_slice(&[
                    v as u8,
                    (v >> 8) as u8,
                    (v >> 16) as u8,
                ]),
                _ => {
                    let bit = x * u32::from(bits);
                    let shift = 8 - u32::from(bits) - bit % 8;
                    row[(bit / 8) as usize] |= (v as u8) << shift;
                }
            }
        }
        out.extend_from_slice(&row);
    }
    out
}

/// A PNG file of `color` type and `depth`, from one sample value per pixel (indexed or
/// grey) or packed 0xRRGGBB(AA).
fn png(
    width: u32,
    height: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    palette: &[[u8; 3]],
    trns: Option<&[u8]>,
    pixel: impl Fn(u32, u32) -> u32,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    if color == png::ColorType::Indexed {
        encoder.set_palette(palette.concat());
    }
    if let Some(t) = trns {
        encoder.set_trns(t.to_vec());
    }
    let bits = depth as u32;
    let samples = color.samples() as u32;
    let row_len = (width * bits * samples).div_ceil(8) as usize;
    let mut data = Vec::new();
    for y in 0..height {
        let mut row = vec![0u8; row_len];
        for x in 0..width {
            let v = pixel(x, y);
            if samples == 1 && bits < 8 {
                let bit = x * bits;
                row[(bit / 8) as usize] |= (v as u8) << (8 - bits - bit % 8);
            } else {
                for s in 0..samples {
                    row[(x * samples + s) as usize] = (v >> (8 * (samples - 1 - s))) as u8;
                }
            }
        }
        data.extend_from_slice(&row);
    }
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&data).unwrap();
    drop(writer);
    out
}

fn colors(n: usize) -> Vec<[u8; 3]> {
    (0..n)
        .map(|i| {
            [
                (i as u8).wrapping_mul(16),
                255 - (i as u8).wrapping_mul(16),
                i as u8,
            ]
        })
        .collect()
}

/// Tile `t`, row `y`, column `x`: a pattern using every index.
fn tile_pixel(x: u32, y: u32) -> u32 {
    (x + y + y / 16) % 16
}

fn check_bank(image: &assets::BankImage, palette: &[[u8; 3]]) {
    let bank = Bank::new(&image.bank).unwrap();
    for y in 0..256u32 {
        for x in 0..16u32 {
            assert_eq!(
                u32::from(bank.pixel((y / 16) as u8, x as u8, (y % 16) as u8)),
                tile_pixel(x, y)
            );
        }
    }
    let pal = Palette::new(&image.palette).unwrap();
    for (i, c) in palette.iter().enumerate().take(16) {
        assert_eq!(pal.color(i as u8), WireColor::from_rgb888(c[0], c[1], c[2]));
    }
}

#[test]
fn banks_from_4_and_8_bit_bmp_files() {
    let palette = colors(16);
    for bits in [4, 8] {
        let file = bmp(16, 256, bits, &palette, tile_pixel);
        check_bank(&assets::decode_bank("tiles.bmp", &file).unwrap(), &palette);
    }
}

#[test]
fn banks_from_indexed_png_files_of_every_depth() {
    let palette = colors(16);
    for depth in [png::BitDepth::Four, png::BitDepth::Eight] {
        let file = png(
            16,
            256,
            png::ColorType::Indexed,
            depth,
            &palette,
            None,
            tile_pixel,
        );
        check_bank(&assets::decode_bank("tiles.png", &file).unwrap(), &palette);
    }
    // 1 and 2 bits per pixel: fewer colours, the same layout.
    for (depth, n) in [(png::BitDepth::One, 2u32), (png::BitDepth::Two, 4)] {
        let file = png(
            16,
            32,
            png::ColorType::Indexed,
            depth,
            &colors(n as usize),
            None,
            |x, y| (x + y) % n,
        );
        let image = assets::decode_bank("small.png", &file).unwrap();
        let bank = Bank::new(&image.bank).unwrap();
        assert_eq!(u32::from(bank.pixel(1, 3, 2)), (3 + 18) % n);
        assert_eq!(bank.pixel(5, 0, 0), 0, "tiles past the image are entry 0");
    }
}

#[test]
fn a_transparent_png_entry_and_magenta_become_the_key() {
    let palette = [[0, 0, 0], [10, 20, 30], [255, 0, 255]];
    let file = png(
        16,
        16,
        png::ColorType::Indexed,
        png::BitDepth::Eight,
        &palette,
        Some(&[255, 0]),
        |x, _| x % 3,
    );
    let image = assets::decode_bank("sprite.png", &file).unwrap();
    let pal = Palette::new(&image.palette).unwrap();
    assert_eq!(pal.transparent_mask() & 0b111, 0b110);
}

#[test]
fn fonts_and_maps() {
    let palette = colors(4);
    let file = png(
        8,
        1024,
        png::ColorType::Indexed,
        png::BitDepth::Two,
        &palette,
        None,
        |x, y| (x + y) % 4,
    );
    let image = assets::decode_font("font.png", &file).unwrap();
    let font = Font::new(&image.font).unwrap();
    assert_eq!(u32::from(font.pixel(65, 3, 2)), (3 + 65 * 8 + 2) % 4);
    // Highlight entries copy the normal ones.
    assert_eq!(image.palette[8..16], image.palette[0..8]);

    let file = bmp(5, 3, 4, &colors(16), |x, y| x * 3 + y);
    let map = assets::decode_map("level.bmp", &file).unwrap();
    assert_eq!((map.width, map.height, map.stride()), (5, 3, 6));
    let cells = TileMap::new(&map.cells[..], map.stride(), map.height).unwrap();
    assert_eq!(cells.tile(4, 2), 14);
    assert_eq!(cells.tile(5, 0), 0, "the padding column is tile 0");
}

fn error_of(result: Result<impl std::fmt::Debug, assets::AssetError>) -> (AssetErrorKind, String) {
    let e = result.unwrap_err();
    (e.kind.clone(), e.to_string())
}

#[test]
fn unsupported_images_are_refused_with_what_is_wrong() {
    let rgb = png(
        16,
        16,
        png::ColorType::Rgb,
        png::BitDepth::Eight,
        &[],
        None,
        |x, _| x,
    );
    let (kind, msg) = error_of(assets::decode_bank("photo.png", &rgb));
    assert!(matches!(kind, AssetErrorKind::Unsupported(_)));
    assert!(
        msg.starts_with("photo.png: a Rgb PNG; save it as an indexed"),
        "{msg}"
    );

    let rgba = png(
        16,
        16,
        png::ColorType::Rgba,
        png::BitDepth::Eight,
        &[],
        None,
        |x, _| x,
    );
    assert!(error_of(assets::decode_bank("a.png", &rgba))
        .1
        .contains("Rgba PNG"));

    let grey = png(
        16,
        16,
        png::ColorType::Grayscale,
        png::BitDepth::Four,
        &[],
        None,
        |x, _| x % 16,
    );
    assert!(error_of(assets::decode_bank("g.png", &grey))
        .1
        .contains("Grayscale PNG"));

    let true_colour = bmp(16, 16, 24, &[], |x, y| x * y);
    let (kind, msg) = error_of(assets::decode_bank("photo.bmp", &true_colour));
    assert!(matches!(kind, AssetErrorKind::Unsupported(_)), "{msg}");
    assert!(msg.contains("24-bit BMP without a palette"), "{msg}");

    let wide = bmp(32, 16, 4, &colors(16), |_, _| 0);
    assert_eq!(
        error_of(assets::decode_bank("wide.bmp", &wide)).1,
        "wide.bmp: a bank image must be 16 pixels wide and 16 to 256 high (a multiple of 16), not 32x16"
    );
    let too_many = bmp(16, 16, 8, &colors(20), |x, y| {
        if (x, y) == (3, 5) {
            17
        } else {
            0
        }
    });
    assert_eq!(
        error_of(assets::decode_bank("colours.bmp", &too_many)).1,
        "colours.bmp: pixel (3, 5) uses palette entry 17; at most 15 can be used here"
    );
    let font = png(
        8,
        16,
        png::ColorType::Indexed,
        png::BitDepth::Four,
        &colors(8),
        None,
        |x, _| x,
    );
    assert_eq!(
        error_of(assets::decode_font("font.png", &font)).1,
        "font.png: pixel (4, 0) uses palette entry 4; at most 3 can be used here"
    );
    let huge = png(
        2048,
        1,
        png::ColorType::Indexed,
        png::BitDepth::One,
        &colors(2),
        None,
        |_, _| 0,
    );
    assert!(error_of(assets::decode_map("huge.png", &huge))
        .1
        .contains("1 to 2047 pixels wide and high, not 2048x1"));

    let good = bmp(16, 16, 4, &colors(16), |_, _| 0);
    let (kind, msg) = error_of(assets::decode_bank("cut.bmp", &good[..good.len() - 20]));
    assert!(matches!(kind, AssetErrorKind::Broken(_)), "{msg}");
    let good = png(
        16,
        16,
        png::ColorType::Indexed,
        png::BitDepth::Four,
        &colors(16),
        None,
        |_, _| 0,
    );
    let (kind, msg) = error_of(assets::decode_bank("cut.png", &good[..good.len() - 20]));
    assert!(matches!(kind, AssetErrorKind::Broken(_)), "{msg}");
    assert_eq!(
        error_of(assets::decode_bank("notes.txt", b"hello")).1,
        "notes.txt: not a BMP or PNG file"
    );
    let (kind, msg) = error_of(assets::load_bank(std::path::Path::new(
        "/no/such/tiles.png",
    )));
    assert!(matches!(kind, AssetErrorKind::Io(_)));
    assert!(
        msg.starts_with("/no/such/tiles.png: cannot read it"),
        "{msg}"
    );
}
