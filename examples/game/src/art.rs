//! Gem Cave's art, compiled in: the image files of `assets/`, converted when the crate
//! is built (`build.rs`, with stage-game's asset loader) into byte arrays. The firmware
//! and the WebAssembly build use these; the host front end loads the same files at run
//! time instead (`examples/src/play.rs`), and a test checks the two agree.

use crate::{Assets, LEVEL};
use stage_core::{Bank, Font, Palette};

#[allow(missing_docs, clippy::unreadable_literal)]
mod data {
    include!(concat!(env!("OUT_DIR"), "/art.rs"));
}

// The level image must be the size the game is made for.
const _: () = assert!(data::LEVEL_SIZE.0 == LEVEL.0 && data::LEVEL_SIZE.1 == LEVEL.1);

/// The art, as the game takes it (borrowed from static data: flash on a board).
pub fn assets() -> Assets<'static> {
    Assets {
        tiles: Bank::from_array(&data::TILES),
        tile_palette: Palette::from_entries(&data::TILE_PALETTE),
        sprites: Bank::from_array(&data::SPRITES),
        sprite_palette: Palette::from_entries(&data::SPRITE_PALETTE),
        font: Font::from_array(&data::FONT),
        text_palette: Palette::from_entries(&data::TEXT_PALETTE),
        level: &data::LEVEL,
    }
}
