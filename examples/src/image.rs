//! Writing framebuffers as PNG pictures and GIF animations.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use stage_core::framebuffer::Framebuffer;

/// The framebuffer as 8-bit RGB triples, row by row, each pixel `zoom` x `zoom`.
pub fn rgb888(frame: &Framebuffer, zoom: usize) -> Vec<u8> {
    let (width, _) = frame.size();
    let mut out = Vec::with_capacity(frame.pixels().len() * 3 * zoom * zoom);
    for row in frame.pixels().chunks(usize::from(width)) {
        let mut line = Vec::with_capacity(row.len() * 3 * zoom);
        for px in row {
            for _ in 0..zoom {
                line.extend_from_slice(&px.to_rgb888());
            }
        }
        for _ in 0..zoom {
            out.extend_from_slice(&line);
        }
    }
    out
}

/// Writes `frame` as an 8-bit RGB PNG, each pixel blown up `zoom` times.
pub fn write_png(path: &Path, frame: &Framebuffer, zoom: usize) -> std::io::Result<()> {
    let (width, height) = frame.size();
    let mut encoder = png::Encoder::new(
        BufWriter::new(File::create(path)?),
        (usize::from(width) * zoom) as u32,
        (usize::from(height) * zoom) as u32,
    );
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(&rgb888(frame, zoom))
        .map_err(std::io::Error::other)
}

/// Collects frames into an animated GIF. Each frame after the first holds only the
/// rectangle that changed since the one before (kept under it), and a frame that changed
/// nothing lengthens the one before, so a run of a tile game makes a small file.
pub struct GifWriter {
    encoder: gif::Encoder<BufWriter<File>>,
    zoom: usize,
    fps: u32,
    /// Frames pushed.
    frames: u64,
    /// The frame before, to compare against.
    last: Option<Framebuffer>,
    /// The frame waiting for its length to be known.
    pending: Option<gif::Frame<'static>>,
    /// Frames written to the file.
    written: u64,
}

impl GifWriter {
    /// Starts a looping animation of frames of `size` pixels, each pixel `zoom` x
    /// `zoom`, at `fps` frames a second.
    pub fn create(path: &Path, size: (u16, u16), zoom: usize, fps: u32) -> std::io::Result<Self> {
        let zoomed = |n: u16| u16::try_from(usize::from(n) * zoom).map_err(std::io::Error::other);
        let mut encoder = gif::Encoder::new(
            BufWriter::new(File::create(path)?),
            zoomed(size.0)?,
            zoomed(size.1)?,
            &[],
        )
        .map_err(std::io::Error::other)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(std::io::Error::other)?;
        Ok(GifWriter {
            encoder,
            zoom,
            fps: fps.max(1),
            frames: 0,
            last: None,
            pending: None,
            written: 0,
        })
    }

    /// Hundredths of a second from the start to frame `n`.
    fn time_cs(&self, n: u64) -> u64 {
        (n * 100 + u64::from(self.fps) / 2) / u64::from(self.fps)
    }

    /// Appends a frame.
    pub fn push(&mut self, frame: &Framebuffer) -> std::io::Result<()> {
        let delay = (self.time_cs(self.frames + 1) - self.time_cs(self.frames)) as u16;
        self.frames += 1;
        let changed = match &self.last {
            None => Some((0, 0, frame.size().0, frame.size().1)),
            Some(last) => changed_box(last, frame),
        };
        let Some(area) = changed else {
            if let Some(p) = &mut self.pending {
                p.delay = p.delay.saturating_add(delay);
            }
            return Ok(());
        };
        self.flush()?;
        let mut next = indexed(frame, area, self.zoom);
        next.delay = delay;
        self.pending = Some(next);
        self.last = Some(frame.clone());
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(p) = self.pending.take() {
            self.encoder
                .write_frame(&p)
                .map_err(std::io::Error::other)?;
            self.written += 1;
        }
        Ok(())
    }

    /// Writes the last frame and closes the file; returns the frames pushed and the
    /// frames the file holds.
    pub fn finish(mut self) -> std::io::Result<(u64, u64)> {
        self.flush()?;
        Ok((self.frames, self.written))
    }
}

/// The smallest rectangle `(x, y, width, height)` holding every pixel that differs.
fn changed_box(a: &Framebuffer, b: &Framebuffer) -> Option<(u16, u16, u16, u16)> {
    let (width, _) = b.size();
    let (mut x0, mut y0, mut x1, mut y1) = (u16::MAX, u16::MAX, 0, 0);
    for (i, (p, q)) in a.pixels().iter().zip(b.pixels()).enumerate() {
        if p != q {
            let (x, y) = (
                (i % usize::from(width)) as u16,
                (i / usize::from(width)) as u16,
            );
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
    }
    (x0 <= x1).then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// A rectangle of `frame`, zoomed, as a GIF frame with its own exact palette (the
/// panel's colours are few; more than 256 in one rectangle are quantised).
fn indexed(
    frame: &Framebuffer,
    (x, y, w, h): (u16, u16, u16, u16),
    zoom: usize,
) -> gif::Frame<'static> {
    let (width, _) = frame.size();
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut rgb = Vec::with_capacity(usize::from(w) * usize::from(h) * zoom * zoom * 3);
    let mut indices = Vec::with_capacity(usize::from(w) * usize::from(h) * zoom * zoom);
    for row in y..y + h {
        let start = usize::from(row) * usize::from(width) + usize::from(x);
        let line = &frame.pixels()[start..start + usize::from(w)];
        for _ in 0..zoom {
            for px in line {
                let c = px.to_rgb888();
                let i = palette.iter().position(|&p| p == c).unwrap_or_else(|| {
                    palette.push(c);
                    palette.len() - 1
                });
                for _ in 0..zoom {
                    indices.push(i as u8);
                    rgb.extend_from_slice(&c);
                }
            }
        }
    }
    let (zw, zh) = (w * zoom as u16, h * zoom as u16);
    let mut out = if palette.len() <= 256 {
        gif::Frame {
            width: zw,
            height: zh,
            buffer: indices.into(),
            palette: Some(palette.concat()),
            ..gif::Frame::default()
        }
    } else {
        gif::Frame::from_rgb_speed(zw, zh, &rgb, 10)
    };
    out.left = x * zoom as u16;
    out.top = y * zoom as u16;
    out.dispose = gif::DisposalMethod::Keep;
    out
}
