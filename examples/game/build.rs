//! Converts Gem Cave's art (`assets/`, the files the host game also loads at run time)
//! into byte arrays with stage-game's asset loader, so that the game carries its art
//! wherever it is built (`src/art.rs` includes the result): the firmware keeps it in
//! flash, the WebAssembly build in its data. A broken image stops the build with the
//! file and what is wrong.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use stage_game::assets::{self, rust_source, AssetError};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    match source(Path::new("assets")) {
        Ok(text) => fs::write(out.join("art.rs"), text).expect("OUT_DIR is writable"),
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

fn source(dir: &Path) -> Result<String, AssetError> {
    let file = |name: &str| {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        path
    };
    let tiles = assets::load_bank(&file("cave.png"))?;
    let sprites = assets::load_bank(&file("sprites.bmp"))?;
    let font = assets::load_font(&file("font.png"))?;
    let level = assets::load_map(&file("level.png"))?;
    let mut text = String::from("// Made by build.rs from examples/game/assets: do not edit.\n");
    text += &rust_source("TILES", &tiles.bank);
    text += &palette_source("TILE_PALETTE", &tiles.palette);
    text += &rust_source("SPRITES", &sprites.bank);
    text += &palette_source("SPRITE_PALETTE", &sprites.palette);
    text += &rust_source("FONT", &font.font);
    text += &palette_source("TEXT_PALETTE", &font.palette);
    text += &format!(
        "/// The level's size in cells.\npub const LEVEL_SIZE: (u16, u16) = ({}, {});\n",
        level.width, level.height
    );
    text += &rust_source("LEVEL", &level.cells);
    Ok(text)
}
