//! Writing framebuffers as PNG pictures and GIF animations.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::framebuffer::Framebuffer;

/// Writes `frame` as an 8-bit RGB PNG, each pixel blown up `zoom` times.
pub fn write_png(path: &Path, frame: &Framebuffer, zoom: usize) -> std::io::Result<()> {
    let (width, height) = (frame.width() * zoom, frame.height() * zoom);
    let mut encoder = png::Encoder::new(
        BufWriter::new(File::create(path)?),
        width as u32,
        height as u32,
    );
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(&zoomed_rgb(frame, zoom))
        .map_err(std::io::Error::other)
}

fn zoomed_rgb(frame: &Framebuffer, zoom: usize) -> Vec<u8> {
    let rgb = frame.to_rgb888();
    let mut out = Vec::with_capacity(rgb.len() * zoom * zoom);
    for row in rgb.chunks(frame.width() * 3) {
        let mut line = Vec::with_capacity(row.len() * zoom);
        for px in row.chunks(3) {
            for _ in 0..zoom {
                line.extend_from_slice(px);
            }
        }
        for _ in 0..zoom {
            out.extend_from_slice(&line);
        }
    }
    out
}

/// Collects frames into an animated GIF.
pub struct GifWriter {
    encoder: gif::Encoder<BufWriter<File>>,
    zoom: usize,
    delay_cs: u16,
}

impl GifWriter {
    /// Starts a looping animation of `width` x `height` frames, zoomed,
    /// showing each frame for `delay_cs` hundredths of a second.
    pub fn create(
        path: &Path,
        width: usize,
        height: usize,
        zoom: usize,
        delay_cs: u16,
    ) -> std::io::Result<Self> {
        let mut encoder = gif::Encoder::new(
            BufWriter::new(File::create(path)?),
            (width * zoom) as u16,
            (height * zoom) as u16,
            &[],
        )
        .map_err(std::io::Error::other)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(std::io::Error::other)?;
        Ok(GifWriter {
            encoder,
            zoom,
            delay_cs,
        })
    }

    /// Appends a frame.
    pub fn push(&mut self, frame: &Framebuffer) -> std::io::Result<()> {
        let rgb = zoomed_rgb(frame, self.zoom);
        let mut gif_frame = gif::Frame::from_rgb_speed(
            (frame.width() * self.zoom) as u16,
            (frame.height() * self.zoom) as u16,
            &rgb,
            10,
        );
        gif_frame.delay = self.delay_cs;
        self.encoder
            .write_frame(&gif_frame)
            .map_err(std::io::Error::other)
    }
}
