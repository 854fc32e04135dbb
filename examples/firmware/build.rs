//! Puts memory.x where the linker finds it (cortex-m-rt's link.x includes it), and
//! converts Gem Cave's art (`../game/assets`, the files the host game loads at run time)
//! into plain byte arrays with stage-game's asset loader, so that the firmware carries
//! them in flash (`src/cave_assets.rs` includes the result). A broken image stops the
//! build with the file and what is wrong.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use stage_game::assets::{self, rust_source, AssetError};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("memory.x is readable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");

    let art = Path::new("../game/assets");
    match gem_cave_source(art) {
        Ok(source) => {
            fs::write(out.join("gem_cave_assets.rs"), source).expect("OUT_DIR is writable")
        }
        Err(e) => panic!("Gem Cave's art: {e}"),
    }
}

/// A palette as the `[[u8; 2]; 16]` that `Palette::from_entries` takes.
fn palette_source(name: &str, bytes: &[u8; 32]) -> String {
    let mut entries = String::new();
    for pair in bytes.chunks(2) {
        let _ = write!(entries, "[0x{:02X}, 0x{:02X}], ", pair[0], pair[1]);
    }
    format!(
        "pub static {name}: [[u8; 2]; 16] = [{}];\n",
        entries.trim_end_matches(", ")
    )
}

fn gem_cave_source(dir: &Path) -> Result<String, AssetError> {
    let file = |name: &str| {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        path
    };
    let tiles = assets::load_bank(&file("cave.png"))?;
    let sprites = assets::load_bank(&file("sprites.bmp"))?;
    let font = assets::load_font(&file("font.png"))?;
    let level = assets::load_map(&file("level.png"))?;
    let mut source = String::from("// Made by build.rs from examples/game/assets: do not edit.\n");
    source += &rust_source("TILES", &tiles.bank);
    source += &palette_source("TILE_PALETTE", &tiles.palette);
    source += &rust_source("SPRITES", &sprites.bank);
    source += &palette_source("SPRITE_PALETTE", &sprites.palette);
    source += &rust_source("FONT", &font.font);
    source += &palette_source("TEXT_PALETTE", &font.palette);
    source += &format!(
        "/// The level's size in cells.\npub const LEVEL_SIZE: (u16, u16) = ({}, {});\n",
        level.width, level.height
    );
    source += &rust_source("LEVEL", &level.cells);
    Ok(source)
}
