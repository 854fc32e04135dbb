//! A framebuffer fed by stage's byte stream, as a panel's RAM would be.

use stage_core::{render, Layer, Rect, RenderParams};

/// An RGB565 image of the whole screen, written window by window.
pub struct Framebuffer {
    width: usize,
    height: usize,
    pixels: Vec<u16>,
}

impl Framebuffer {
    /// A black screen of `width` x `height` pixels.
    pub fn new(width: usize, height: usize) -> Self {
        Framebuffer {
            width,
            height,
            pixels: vec![0; width * height],
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The RGB565 value of pixel (x, y).
    pub fn pixel(&self, x: usize, y: usize) -> u16 {
        self.pixels[y * self.width + x]
    }

    /// Renders `rect` (logical pixels) of the scene at `scale` into the
    /// window it covers, through a 512-byte chunk buffer like stage.py's.
    /// Returns the bytes streamed.
    pub fn render(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> usize {
        let (x0, y0, _, _) = params.rect().corners();
        let scale = usize::from(params.scale());
        let left = usize::from(x0) * scale;
        let top = usize::from(y0) * scale;
        let width = params.output_width() as usize;
        let mut index = 0usize;
        let mut sent = 0;
        let mut buffer = [0u8; 512];
        let (fb_width, fb_height) = (self.width, self.height);
        let pixels = &mut self.pixels;
        render(layers, params, &mut buffer, |chunk| {
            for px in chunk.chunks_exact(2) {
                let (x, y) = (left + index % width, top + index / width);
                if x < fb_width && y < fb_height {
                    pixels[y * fb_width + x] = u16::from_be_bytes([px[0], px[1]]);
                }
                index += 1;
            }
            sent += chunk.len();
            Ok::<(), ()>(())
        })
        .expect("the framebuffer never refuses a chunk");
        sent
    }

    /// Renders the whole screen at `scale`.
    pub fn render_all(&mut self, layers: &[Layer<'_>], scale: u8) -> usize {
        let scale_px = usize::from(scale);
        let rect = Rect::new(
            0,
            0,
            (self.width / scale_px) as u16,
            (self.height / scale_px) as u16,
        )
        .expect("screen fits in the coordinate range");
        let params = RenderParams::new(rect)
            .with_scale(scale)
            .expect("scale is at least 1");
        self.render(layers, &params)
    }

    /// The image as 8-bit RGB triples, row by row.
    pub fn to_rgb888(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|&c| stage_core::WireColor::from_rgb565(c).to_rgb888())
            .collect()
    }
}
