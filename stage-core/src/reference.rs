//! The reference renderer: the original engine's per-pixel algorithm.
//!
//! For every output pixel it walks the layers front to back and takes the
//! first opaque colour, exactly as the original C core does. It is slow
//! (cost grows with pixels times layers) and kept simple on purpose: it is
//! the oracle the fast renderer ([`crate::render`]) is tested against.

use crate::{chunk_len, BufferTooSmall, Layer, RenderError, RenderParams, WireColor};

/// Renders like [`crate::render`], one pixel at a time.
pub fn render<E>(
    layers: &[Layer<'_>],
    params: &RenderParams,
    buffer: &mut [u8],
    mut sink: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), RenderError<E>> {
    let chunk = chunk_len(buffer.len());
    if chunk == 0 {
        return Err(BufferTooSmall.into());
    }
    let (x0, y0, x1, y1) = params.rect().corners();
    let (vx, vy) = params.viewport();
    let scale = params.scale();
    let mut index = 0;
    for y in y0..y1 {
        let world_y = (y as i16).wrapping_add(vy);
        for _ in 0..scale {
            for x in x0..x1 {
                let world_x = (x as i16).wrapping_add(vx);
                let color = pixel(layers, world_x, world_y).unwrap_or(params.fill());
                for _ in 0..scale {
                    if let Some(slot) = buffer.get_mut(index..index + 2) {
                        slot.copy_from_slice(&color.bytes());
                    }
                    index += 2;
                    if index == chunk {
                        sink(&buffer[..chunk]).map_err(RenderError::Sink)?;
                        index = 0;
                    }
                }
            }
        }
    }
    if index > 0 {
        sink(&buffer[..index]).map_err(RenderError::Sink)?;
    }
    Ok(())
}

/// The colour of world pixel (x, y): the first opaque layer's, front to
/// back, or `None` where every layer is transparent.
pub fn pixel(layers: &[Layer<'_>], x: i16, y: i16) -> Option<WireColor> {
    layers
        .iter()
        .filter_map(|layer| layer_pixel(layer, x, y))
        .next()
}

/// The colour of one layer at world pixel (x, y), or `None` where it is
/// transparent.
pub fn layer_pixel(layer: &Layer<'_>, x: i16, y: i16) -> Option<WireColor> {
    let (left, top) = layer.position();
    let (width, height) = layer.size();
    let lx = x.wrapping_sub(left);
    let ly = y.wrapping_sub(top);
    if lx < 0 || ly < 0 || lx as u16 >= width || ly as u16 >= height {
        return None;
    }
    let (lx, ly) = (lx as u16, ly as u16);
    let color = match layer {
        Layer::Grid(grid) => {
            let frame = grid.map().tile(lx / 16, ly / 16);
            let (sx, sy) = grid.rotation().source((lx % 16) as u8, (ly % 16) as u8);
            grid.palette().color(grid.bank().pixel(frame, sx, sy))
        }
        Layer::Sprite(sprite) => {
            let (sx, sy) = sprite.rotation().source((lx % 16) as u8, (ly % 16) as u8);
            sprite
                .palette()
                .color(sprite.bank().pixel(sprite.frame(), sx, sy))
        }
        Layer::Text(text) => {
            let cell = text.chars().char(lx / 8, ly / 8);
            let code = cell & 0x7F;
            if code == 0 {
                return None;
            }
            let highlight = if cell & 0x80 != 0 { 4 } else { 0 };
            let value = text.font().pixel(code, (lx % 8) as u8, (ly % 8) as u8);
            text.palette().color(value + highlight)
        }
    };
    if color.is_transparent() {
        None
    } else {
        Some(color)
    }
}
