//! The main demo: a uGame-10-sized scene (a 128x128 tile grid, bouncing and
//! spinning sprites, an outlined text layer) rendered by stage-core into a
//! framebuffer the way a panel receives it, saved as PNG and animated GIF.
//!
//! ```sh
//! cargo run --release -p stage-examples --bin demo [-- --frames N --out DIR]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use stage_core::{
    Bank, Font, Grid, Layer, Palette, Rect, RenderParams, Rotation, Sprite, Text, TextChars,
    TileMap,
};
use stage_examples::art::{self, tile};
use stage_examples::framebuffer::Framebuffer;
use stage_examples::image::{write_png, GifWriter};

const WIDTH: usize = 128;
const HEIGHT: usize = 128;

/// The level: 8x8 tiles, two per byte.
fn level() -> [u8; 32] {
    use tile::*;
    let rows: [[u8; 8]; 8] = [
        [BRICK, BRICK, BRICK, BRICK, BRICK, BRICK, BRICK, BRICK],
        [BRICK, GRASS, GRASS, FLOWERS, GRASS, GRASS, WATER, BRICK],
        [BRICK, GRASS, PATH, PATH, PATH, GRASS, WATER, BRICK],
        [BRICK, FLOWERS, PATH, GRASS, PATH, GRASS, WATER, BRICK],
        [BRICK, GRASS, PATH, GRASS, PATH, PATH, PATH, BRICK],
        [BRICK, WATER, WATER, GRASS, GRASS, FLOWERS, GRASS, BRICK],
        [BRICK, WATER, WATER, GRASS, FLOWERS, GRASS, GRASS, BRICK],
        [BRICK, BRICK, BRICK, BRICK, BRICK, BRICK, BRICK, BRICK],
    ];
    let mut map = [0u8; 32];
    for (y, row) in rows.iter().enumerate() {
        for (x, &t) in row.iter().enumerate() {
            map[(y * 8 + x) / 2] |= if x % 2 == 0 { t << 4 } else { t };
        }
    }
    map
}

struct Mover {
    x: i32,
    y: i32,
    dx: i32,
    dy: i32,
    frame: u8,
}

fn parse_args() -> Result<(usize, PathBuf), String> {
    let mut frames = 96;
    let mut out = PathBuf::from("out");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--frames" => {
                frames = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--frames takes a positive number")?
            }
            "--out" => out = args.next().ok_or("--out takes a directory")?.into(),
            other => {
                return Err(format!(
                    "unknown argument {other}\nusage: demo [--frames N] [--out DIR]"
                ))
            }
        }
    }
    Ok((frames, out))
}

fn main() {
    let (frames, out) = parse_args().unwrap_or_else(|message| {
        eprintln!("demo: {message}");
        std::process::exit(2)
    });
    std::fs::create_dir_all(&out).unwrap_or_else(|e| {
        eprintln!("demo: cannot create {}: {e}", out.display());
        std::process::exit(1)
    });

    let bank_bytes = art::bank();
    let palette_bytes = art::palette();
    let font_bytes = art::font();
    let text_palette_bytes = art::text_palette();
    let map_bytes = level();
    let bank = Bank::new(&bank_bytes).expect("a bank is 2048 bytes");
    let palette = Palette::new(&palette_bytes).expect("a palette is 32 bytes");
    let font = Font::new(&font_bytes).expect("a font is 2048 bytes");
    let text_palette = Palette::new(&text_palette_bytes).expect("a palette is 32 bytes");
    let grid = Grid::new(
        bank,
        palette,
        TileMap::new(&map_bytes[..], 8, 8).expect("the map fits"),
    );

    let mut movers = [
        Mover {
            x: 20,
            y: 24,
            dx: 2,
            dy: 1,
            frame: tile::BALL,
        },
        Mover {
            x: 80,
            y: 40,
            dx: -1,
            dy: 2,
            frame: tile::BALL,
        },
        Mover {
            x: 50,
            y: 90,
            dx: 1,
            dy: -2,
            frame: tile::STAR,
        },
        Mover {
            x: 96,
            y: 96,
            dx: -2,
            dy: -1,
            frame: tile::ARROW,
        },
    ];

    let mut framebuffer = Framebuffer::new(WIDTH, HEIGHT);
    let gif_path = out.join("demo.gif");
    let mut gif = GifWriter::create(&gif_path, WIDTH, HEIGHT, 2, 4).unwrap_or_else(|e| {
        eprintln!("demo: cannot write {}: {e}", gif_path.display());
        std::process::exit(1)
    });
    let mut streamed = 0;
    let mut render_time = std::time::Duration::ZERO;
    for n in 0..frames {
        let title = *b"  STAGE  IN RUST ";
        let mut status = [b' '; 16];
        let counter = format!("FRAME {n:3}");
        status[..counter.len()].copy_from_slice(counter.as_bytes());
        let mut cells = [0u8; 32];
        cells[..16].copy_from_slice(&title[..16]);
        cells[16..].copy_from_slice(&status);
        for c in &mut cells[2..7] {
            *c |= 0x80; // highlight "STAGE"
        }
        let mut text = Text::new(
            font,
            text_palette,
            TextChars::new(&cells[..], 16, 2).expect("16x2 cells"),
        );
        text.set_position(0, 0);

        let mut layers: Vec<Layer> = vec![text.into()];
        for (i, m) in movers.iter().enumerate() {
            let mut sprite = Sprite::new(bank, palette);
            sprite.set_frame(m.frame).expect("frames are 0..=15");
            sprite.set_position(m.x as i16, m.y as i16);
            let spin = if m.frame == tile::BALL {
                0
            } else {
                (n / 4 + i) as u8 % 4
            };
            sprite.set_rotation(Rotation::from_code(spin));
            layers.push(sprite.into());
        }
        layers.push(grid.into());

        let start = Instant::now();
        streamed += framebuffer.render_all(&layers, 1);
        render_time += start.elapsed();
        if n == 0 {
            let png = out.join("demo.png");
            write_png(&png, &framebuffer, 3).expect("write demo.png");
            // The same scene on a 320x240 panel at scale 2, as on the uGame 22.
            let mut wide = Framebuffer::new(320, 240);
            let params = RenderParams::new(Rect::new(0, 0, 160, 120).expect("rect"))
                .with_scale(2)
                .expect("scale")
                .with_viewport(-16, 0)
                .with_background(Some(stage_core::WireColor::from_rgb888(16, 40, 120)));
            wide.render(&layers, &params);
            write_png(&out.join("demo-scale2.png"), &wide, 1).expect("write demo-scale2.png");
        }
        gif.push(&framebuffer).expect("write a GIF frame");

        for m in &mut movers {
            m.x += m.dx;
            m.y += m.dy;
            if !(16..=96).contains(&m.x) {
                m.dx = -m.dx;
            }
            if !(16..=96).contains(&m.y) {
                m.dy = -m.dy;
            }
        }
    }
    println!(
        "rendered {frames} frames of {WIDTH}x{HEIGHT} ({streamed} bytes streamed), {:.1} us per frame",
        render_time.as_secs_f64() * 1e6 / frames as f64
    );
    for name in ["demo.png", "demo-scale2.png", "demo.gif"] {
        println!("wrote {}", out.join(name).display());
    }
}
