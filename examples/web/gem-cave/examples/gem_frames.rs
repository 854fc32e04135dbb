//! Gem Cave on the host front end (art loaded from `examples/game/assets` at run time,
//! drawn into stage-core's framebuffer): plays one frame per key mask given and writes
//! the last frame's RGBA pixels to standard output, for the browser test to compare
//! with what the page's WebAssembly build shows.
//!
//! ```text
//! cargo run -p gem-cave-web --example gem_frames -- 0,0,1,0,8,8,8 > frame.rgba
//! ```

use std::io::Write as _;

use gem_cave::Buffers;
use gem_cave_web::rgba;
use stage_examples::play::{default_assets, Art, Session};
use stage_game::Keys;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let keys: Result<Vec<u8>, _> = arg
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect();
    let Ok(keys) = keys else {
        eprintln!("usage: gem_frames MASK,MASK,... (one key mask 0..255 per frame)");
        std::process::exit(2);
    };
    let art = match Art::load(&default_assets()) {
        Ok(art) => art,
        Err(e) => {
            eprintln!("gem_frames: {e}");
            std::process::exit(1);
        }
    };
    let assets = art.assets();
    let mut buffers = Buffers::new();
    let mut session = Session::new(&assets, &mut buffers);
    for k in keys {
        session.step(Keys::from_bits(k));
    }
    let (w, h) = session.screen.size();
    let mut out = Vec::with_capacity(usize::from(w) * usize::from(h) * 4);
    for y in 0..h {
        for x in 0..w {
            let [hi, lo] = session.screen.pixel(x, y).map_or([0, 0], |p| p.bytes());
            out.extend_from_slice(&rgba(hi, lo));
        }
    }
    std::io::stdout()
        .write_all(&out)
        .expect("standard output is writable");
}
