//! Gem Cave's art in flash: the image files of `examples/game/assets`, converted by the
//! build script (`build.rs`, with stage-game's asset loader) into byte arrays.

use gem_cave::{Assets, LEVEL};
use stage_core::{Bank, Font, Palette};

#[allow(missing_docs)]
mod data {
    include!(concat!(env!("OUT_DIR"), "/gem_cave_assets.rs"));
}

// The level image must be the size the game is made for.
const _: () = assert!(data::LEVEL_SIZE.0 == LEVEL.0 && data::LEVEL_SIZE.1 == LEVEL.1);

/// The art, as the game takes it (borrowed from flash).
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
