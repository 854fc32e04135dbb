//! A game runtime on stage: everything between a game's logic and the renderer, the
//! same on the host and on a microcontroller (`no_std`, no allocation).
//!
//! * [`Stage`]: the scene (grids, sprites and text, their positions, frames,
//!   rotations, tiles and characters), which tracks what each change leaves to redraw
//!   ([`DirtyAreas`]: merged, disjoint) and sends only that to a [`Screen`], each
//!   changed pixel once per frame; viewport scrolling.
//! * [`Screen`]: a stage-hal display ([`OnDisplay`]), stage-core's host framebuffer
//!   (feature `framebuffer`), or anything else that draws a rectangle of a scene.
//! * [`FrameClock`]: fixed-step frames on time the device or the host supplies.
//! * [`Input`]: the buttons held, just pressed and just released.
//! * [`Hitbox`]: collisions between boxes, and the grid cells a box touches.
//! * [`assets`] (feature `assets`, on the host or in a build script): 16-colour BMP and
//!   PNG files into banks, palettes, fonts and maps.
//!
//! A game is written against these alone, so the same code runs in a window on a PC
//! and as firmware: `examples/game` is one.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

#[cfg(feature = "assets")]
pub mod assets;
mod clock;
mod collide;
mod dirty;
mod input;
mod scene;
mod screen;

pub use clock::{FrameClock, Tick};
pub use collide::Hitbox;
pub use dirty::DirtyAreas;
pub use input::{Input, Keys};
pub use scene::{FrameStats, GridId, GridState, SceneFull, SpriteId, SpriteState, Stage, TextId};
pub use screen::{OnDisplay, Screen};
