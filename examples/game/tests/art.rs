//! The art compiled into the game is the art of its image files, as the host front end
//! loads them at run time.

use std::path::Path;

use stage_game::assets;

#[test]
fn the_compiled_art_is_the_art_of_the_image_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let art = gem_cave::art::assets();
    let tiles = assets::load_bank(&dir.join("cave.png")).unwrap();
    let sprites = assets::load_bank(&dir.join("sprites.bmp")).unwrap();
    let font = assets::load_font(&dir.join("font.png")).unwrap();
    let level = assets::load_map(&dir.join("level.png")).unwrap();
    assert_eq!(art.tiles.as_bytes(), &tiles.bank);
    assert_eq!(art.tile_palette.entries().concat(), tiles.palette);
    assert_eq!(art.sprites.as_bytes(), &sprites.bank);
    assert_eq!(art.sprite_palette.entries().concat(), sprites.palette);
    assert_eq!(art.font.as_bytes(), &font.font);
    assert_eq!(art.text_palette.entries().concat(), font.palette);
    assert_eq!(&art.level[..], &level.cells[..]);
}
