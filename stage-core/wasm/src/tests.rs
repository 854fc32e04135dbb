//! The descriptor path against stage-core used directly.

use std::vec;
use std::vec::Vec;

use stage_core::{
    render, Bank, Grid, Layer, Palette, Rotation, Scene, Sprite, Text, TextChars, TileMap,
};
use stage_core::{Font, RenderState};

use crate::{
    check, next_chunk, params, render_rgba, render_stream, BufferRef, Desc, Descriptor, Error,
    Kind, DESC_WORDS,
};

fn bank() -> Vec<u8> {
    (0..2048).map(|i| (i * 37 + 11) as u8).collect()
}

fn palette() -> Vec<u8> {
    let mut p: Vec<u8> = (0..16).flat_map(|i| [0x10 + i, 0x20 + i]).collect();
    p[..2].copy_from_slice(&[0xF8, 0x1F]);
    p
}

/// A block of memory laid out as JavaScript lays it out: buffers, then a table.
struct Block {
    memory: Vec<u8>,
    descs: Vec<Desc>,
}

impl Block {
    fn new() -> Self {
        Block {
            memory: vec![0; 64],
            descs: Vec::new(),
        }
    }

    fn put(&mut self, bytes: &[u8], source: u32) -> BufferRef {
        let offset = self.memory.len() as u32;
        self.memory.extend_from_slice(bytes);
        BufferRef {
            offset,
            len: Some(bytes.len() as u32),
            source,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn layer(
        &mut self,
        kind: Kind,
        w: u16,
        h: u16,
        x: i16,
        y: i16,
        frame: u8,
        rotation: u8,
        bufs: [BufferRef; 3],
    ) {
        self.descs.push(Desc {
            kind,
            width: w,
            height: h,
            x,
            y,
            frame,
            rotation,
            buffers: bufs,
        });
    }

    /// The table's offset.
    fn table(&mut self) -> usize {
        while !self.memory.len().is_multiple_of(4) {
            self.memory.push(0);
        }
        let at = self.memory.len();
        for d in &self.descs {
            for w in d.words() {
                self.memory.extend_from_slice(&w.to_le_bytes());
            }
        }
        at
    }
}

fn none() -> BufferRef {
    BufferRef {
        offset: 0,
        len: Some(0),
        source: 0,
    }
}

/// The section 6 scene of docs/stage-format.md, as descriptors and as stage-core layers.
fn scene() -> (Block, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    let font: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
    let mut tp: Vec<u8> = (0..16).flat_map(|i| [0x80 + i, 0x40 + i]).collect();
    for e in [0, 4] {
        tp[2 * e..2 * e + 2].copy_from_slice(&[0xF8, 0x1F]);
    }
    tp[16..].fill(0);
    let mut b = Block::new();
    let (f, t, c) = (
        b.put(&font, 1000),
        b.put(&tp, 4000),
        b.put(&[0x41, 0x00, 0xC2, 0x7F, 0x80, 0x05], 5000),
    );
    let (g, p, m) = (
        b.put(&bank(), 6000),
        b.put(&palette(), 9000),
        b.put(&[0x01, 0x23, 0x45, 0x67], 9100),
    );
    b.layer(Kind::Text, 3, 2, 6, 4, 0, 0, [f, t, c]);
    b.layer(Kind::Sprite, 1, 1, 5, -3, 5, 3, [g, p, none()]);
    b.layer(Kind::Grid, 4, 2, -7, 2, 0, 0, [g, p, m]);
    (b, font, tp, bank(), palette())
}

fn direct_stream(
    x1: u16,
    y1: u16,
    scale: u8,
    vx: i16,
    vy: i16,
    bg: Option<u16>,
    buffer: usize,
) -> Vec<u8> {
    let (_, font, tp, bank, pal) = scene();
    let map = [0x01, 0x23, 0x45, 0x67];
    let chars = [0x41, 0x00, 0xC2, 0x7F, 0x80, 0x05];
    let mut text = Text::new(
        Font::new(&font).unwrap(),
        Palette::new(&tp).unwrap(),
        TextChars::new(&chars[..], 3, 2).unwrap(),
    );
    text.set_position(6, 4);
    let mut sprite = Sprite::new(Bank::new(&bank).unwrap(), Palette::new(&pal).unwrap());
    sprite.set_frame(5).unwrap();
    sprite.set_rotation(Rotation::from_code(3));
    sprite.set_position(5, -3);
    let mut grid = Grid::new(
        Bank::new(&bank).unwrap(),
        Palette::new(&pal).unwrap(),
        TileMap::new(&map[..], 4, 2).unwrap(),
    );
    grid.set_position(-7, 2);
    let layers = [Layer::from(text), Layer::from(sprite), Layer::from(grid)];
    let p = params(
        0,
        0,
        u32::from(x1),
        u32::from(y1),
        u32::from(scale),
        vx,
        vy,
        bg,
    )
    .unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; buffer];
    render(&layers, &p, &mut buf, |c| {
        out.extend_from_slice(c);
        Ok::<(), ()>(())
    })
    .unwrap();
    out
}

#[test]
fn descriptors_round_trip() {
    let (mut b, ..) = scene();
    let table = b.table();
    for (i, d) in b.descs.iter().enumerate() {
        assert_eq!(
            Desc::read(&b.memory, table + 4 * DESC_WORDS * i).unwrap(),
            *d
        );
        assert_eq!(check(&b.memory, table + 4 * DESC_WORDS * i), Ok(()));
    }
}

#[test]
fn whole_streams_equal_stage_core() {
    for (scale, vx, vy, bg, buffer) in [
        (1, 0, 0, None, 512),
        (2, 0, 0, None, 100),
        (1, 3, -2, Some(0), 64),
        (3, -5, 7, Some(0x1234), 7),
    ] {
        let (mut b, ..) = scene();
        let table = b.table();
        let p = params(0, 0, 40, 24, scale, vx, vy, bg).unwrap();
        let out_at = b.memory.len();
        b.memory.resize(out_at + 40 * 24 * 2 * 9 + buffer + 2, 0xAA);
        let (inputs, output) = b.memory.split_at_mut(out_at);
        let len = render_stream(inputs, table, 3, &p, buffer, false, output, 0..0).unwrap();
        let expected = direct_stream(40, 24, scale as u8, vx, vy, bg, buffer);
        assert_eq!(
            &output[..len],
            &expected[..],
            "scale {scale} viewport {vx},{vy}"
        );
    }
}

#[test]
fn chunked_streams_equal_the_whole_stream() {
    for buffer in [2usize, 3, 64, 65, 512, 5000] {
        let (mut b, ..) = scene();
        let table = b.table();
        let p = params(0, 0, 40, 24, 2, 0, 0, None).unwrap();
        let mut state = RenderState::new(&p);
        let mut out = vec![0u8; buffer];
        let mut stream = Vec::new();
        loop {
            let c = next_chunk(
                &mut state,
                &b.memory,
                table,
                3,
                Scene::Changed,
                false,
                &mut out,
                0..0,
            )
            .unwrap();
            if !c.made {
                break;
            }
            assert!(c.len <= buffer & !1);
            stream.extend_from_slice(&out[..c.len]);
            if c.done {
                break;
            }
        }
        assert_eq!(
            stream,
            direct_stream(40, 24, 2, 0, 0, None, 512),
            "buffer {buffer}"
        );
    }
}

#[test]
fn rgba_widens_each_channel() {
    let (mut b, ..) = scene();
    let table = b.table();
    let p = params(0, 0, 40, 24, 1, 0, 0, Some(0)).unwrap();
    let out_at = b.memory.len();
    b.memory.resize(out_at + 40 * 24 * 4, 0);
    let (inputs, output) = b.memory.split_at_mut(out_at);
    assert_eq!(render_rgba(inputs, table, 3, &p, output), Ok(40 * 24 * 4));
    let stream = direct_stream(40, 24, 1, 0, 0, Some(0), 512);
    for (px, rgba) in stream.chunks(2).zip(output.chunks(4)) {
        let v = u16::from_be_bytes([px[0], px[1]]);
        let (r, g, bl) = ((v >> 11) as u8, ((v >> 5) & 63) as u8, (v & 31) as u8);
        assert_eq!(
            rgba,
            [
                (r << 3) | (r >> 2),
                (g << 2) | (g >> 4),
                (bl << 3) | (bl >> 2),
                255
            ]
        );
    }
    assert_eq!(crate::rgb565_to_rgba(0xFF, 0xFF), [255, 255, 255, 255]);
    assert_eq!(crate::rgb565_to_rgba(0xF8, 0x1F), [255, 0, 255, 255]);
}

fn message(e: Error) -> std::string::String {
    std::format!("{e}")
}

#[test]
fn errors_have_the_module_messages_in_its_order() {
    let mut b = Block::new();
    let g = b.put(&bank(), 100);
    let short_pal = b.put(&[0; 31], 200);
    let p = b.put(&palette(), 300);
    let map = b.put(&[0; 1], 400);
    let not = BufferRef {
        offset: 0,
        len: None,
        source: 0,
    };
    b.layer(Kind::Sprite, 1, 1, 0, 0, 0, 0, [g, short_pal, none()]);
    b.layer(Kind::Grid, 3, 1, 0, 0, 0, 0, [g, p, map]);
    b.layer(Kind::Grid, 3, 1, 0, 0, 0, 0, [g, short_pal, not]);
    b.layer(Kind::Text, 1, 1, 0, 0, 0, 0, [g, p, not]);
    b.layer(Kind::Sprite, 1, 1, 0, 0, 0, 0, [not, p, none()]);
    let t = b.table();
    let at = |i: usize| t + 4 * DESC_WORDS * i;
    let err = |i| check(&b.memory, at(i)).unwrap_err();
    assert_eq!(message(err(0)), "palette must be 32 bytes long (got 31)");
    assert_eq!(message(err(1)), "map buffer too small (1 bytes, needs 2)");
    // Every buffer is looked up before any size is checked: a map that is not a
    // buffer is reported before a short palette.
    assert_eq!(err(2), Error::NotABuffer);
    assert_eq!(err(3), Error::NotABuffer);
    assert_eq!(message(err(3)), "object with buffer protocol required");
    assert_eq!(err(4).kind(), crate::ExcKind::TypeError);
    // A layer buffer overlapping the output buffer.
    let mut d = b.descs[1];
    d.width = 2;
    assert_eq!(
        d.view_in(&b.memory, Some(410..420)).unwrap_err(),
        Error::Overlap
    );
    assert_eq!(message(Error::Overlap), "buffer overlaps the output buffer");
    assert!(d.view_in(&b.memory, Some(2148..2300)).is_ok());
    assert_eq!(
        d.view_in(&b.memory, Some(2147..2300)).unwrap_err(),
        Error::Overlap
    );
    // A descriptor outside the block.
    assert!(matches!(
        check(&b.memory, b.memory.len() - 8),
        Err(Error::Internal(_))
    ));
}

#[test]
fn a_buffer_below_two_bytes_is_refused_even_for_an_empty_rectangle() {
    let (mut b, ..) = scene();
    let table = b.table();
    let p = params(5, 5, 5, 5, 1, 0, 0, None).unwrap();
    let mut state = RenderState::new(&p);
    let e = next_chunk(
        &mut state,
        &b.memory,
        table,
        3,
        Scene::Changed,
        false,
        &mut [0u8; 1],
        0..0,
    );
    assert_eq!(e.unwrap_err(), Error::BufferTooSmall);
    let c = next_chunk(
        &mut state,
        &b.memory,
        table,
        3,
        Scene::Changed,
        false,
        &mut [0u8; 2],
        0..0,
    );
    assert_eq!(
        c,
        Ok(crate::Chunk {
            len: 0,
            made: false,
            done: true
        })
    );
    assert_eq!(
        message(Error::BufferTooSmall),
        "buffer must hold at least 2 bytes"
    );
}
