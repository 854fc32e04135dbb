//! Gem Cave on a PC: in a window, in a terminal, or as a scripted run written to an
//! animated GIF (`cargo run --release` at the workspace root picks one), and the pieces
//! those share.

pub mod image;
pub mod pilot;
pub mod play;
pub mod terminal;
pub mod window;
