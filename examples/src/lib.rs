//! Shared pieces of the host demos: graphics made in code, a framebuffer
//! that decodes stage's RGB565 stream, and PNG/GIF output.

pub mod art;
pub mod framebuffer;
pub mod image;
