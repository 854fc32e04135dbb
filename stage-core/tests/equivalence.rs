//! The fast renderer produces exactly the reference renderer's stream, on
//! random scenes and in both the push and the pull form.

use proptest::prelude::*;
use stage_core::{
    reaches, reference, render, Bank, BufferTooSmall, ChunkRenderer, Font, Grid, Layer, Palette,
    Rect, RenderError, RenderParams, RenderState, Rotation, Scene, Sprite, Text, TextChars,
    TileMap, WireColor,
};

/// Owned data of a random scene.
#[derive(Clone, Debug)]
struct SceneSpec {
    banks: Vec<Vec<u8>>,
    palettes: Vec<Vec<u8>>,
    fonts: Vec<Vec<u8>>,
    layers: Vec<LayerSpec>,
}

#[derive(Clone, Debug)]
enum LayerSpec {
    Grid {
        bank: usize,
        palette: usize,
        width: u16,
        height: u16,
        map: Vec<u8>,
        pos: (i16, i16),
        rotation: u8,
    },
    Sprite {
        bank: usize,
        palette: usize,
        cells: (u16, u16),
        frame: u8,
        pos: (i16, i16),
        rotation: u8,
    },
    Text {
        font: usize,
        palette: usize,
        width: u16,
        height: u16,
        chars: Vec<u8>,
        pos: (i16, i16),
    },
}

impl SceneSpec {
    /// Palette `i`: the last 32 bytes of its buffer, which for odd `i` starts
    /// with a spare byte, so that renderers meet palettes at odd addresses
    /// too (the MicroPython module gets any buffer a program passes).
    fn palette(&self, i: usize) -> Palette<'_> {
        let bytes = &self.palettes[i];
        Palette::new(&bytes[bytes.len() - 32..]).unwrap()
    }

    fn build(&self) -> Vec<Layer<'_>> {
        self.layers
            .iter()
            .map(|spec| match spec {
                LayerSpec::Grid {
                    bank,
                    palette,
                    width,
                    height,
                    map,
                    pos,
                    rotation,
                } => {
                    let mut grid = Grid::new(
                        Bank::new(&self.banks[*bank]).unwrap(),
                        self.palette(*palette),
                        TileMap::new(&map[..], *width, *height).unwrap(),
                    );
                    grid.set_position(pos.0, pos.1);
                    grid.set_rotation(Rotation::from_code(*rotation));
                    Layer::Grid(grid)
                }
                LayerSpec::Sprite {
                    bank,
                    palette,
                    cells,
                    frame,
                    pos,
                    rotation,
                } => {
                    let mut sprite = Sprite::new(
                        Bank::new(&self.banks[*bank]).unwrap(),
                        self.palette(*palette),
                    )
                    .with_cells(cells.0, cells.1)
                    .unwrap();
                    sprite.set_frame(*frame).unwrap();
                    sprite.set_position(pos.0, pos.1);
                    sprite.set_rotation(Rotation::from_code(*rotation));
                    Layer::Sprite(sprite)
                }
                LayerSpec::Text {
                    font,
                    palette,
                    width,
                    height,
                    chars,
                    pos,
                } => {
                    let mut text = Text::new(
                        Font::new(&self.fonts[*font]).unwrap(),
                        self.palette(*palette),
                        TextChars::new(&chars[..], *width, *height).unwrap(),
                    );
                    text.set_position(pos.0, pos.1);
                    Layer::Text(text)
                }
            })
            .collect()
    }
}

fn palette() -> impl Strategy<Value = Vec<u8>> {
    // Each entry is transparent with probability 1/3, else a random colour.
    prop::collection::vec(
        prop_oneof![1 => Just([0xF8u8, 0x1F]), 2 => any::<[u8; 2]>()],
        16,
    )
    .prop_map(|entries| entries.concat())
}

fn position() -> impl Strategy<Value = (i16, i16)> {
    let coord = prop_oneof![
        8 => -80i16..220,
        1 => any::<i16>(),
        1 => prop_oneof![Just(i16::MIN), Just(i16::MAX), Just(-32000), Just(32700)],
    ];
    (coord.clone(), coord)
}

fn rotation() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0u8..10, 1 => any::<u8>()]
}

fn layer(banks: usize, palettes: usize, fonts: usize) -> impl Strategy<Value = LayerSpec> {
    let grid = (
        0..banks,
        0..palettes,
        1u16..12,
        1u16..9,
        position(),
        rotation(),
        0usize..3,
    )
        .prop_flat_map(|(bank, palette, width, height, pos, rotation, extra)| {
            let len = (width as usize * height as usize).div_ceil(2) + extra;
            prop::collection::vec(any::<u8>(), len).prop_map(move |map| LayerSpec::Grid {
                bank,
                palette,
                width,
                height,
                map,
                pos,
                rotation,
            })
        });
    let sprite = (
        0..banks,
        0..palettes,
        (1u16..4, 1u16..3),
        0u8..16,
        position(),
        rotation(),
    )
        .prop_map(
            |(bank, palette, cells, frame, pos, rotation)| LayerSpec::Sprite {
                bank,
                palette,
                cells,
                frame,
                pos,
                rotation,
            },
        );
    let text = (0..fonts, 0..palettes, 1u16..8, 1u16..5, position()).prop_flat_map(
        |(font, palette, width, height, pos)| {
            let cell = prop_oneof![1 => Just(0u8), 1 => Just(0x80u8), 4 => any::<u8>()];
            prop::collection::vec(cell, width as usize * height as usize).prop_map(move |chars| {
                LayerSpec::Text {
                    font,
                    palette,
                    width,
                    height,
                    chars,
                    pos,
                }
            })
        },
    );
    prop_oneof![2 => grid, 3 => sprite, 2 => text]
}

fn scene(max_layers: usize) -> impl Strategy<Value = SceneSpec> {
    let bytes = |n| prop::collection::vec(any::<u8>(), n);
    (
        prop::collection::vec(bytes(2048), 1..3),
        prop::collection::vec(palette(), 1..4),
        prop::collection::vec(bytes(2048), 1..2),
    )
        .prop_flat_map(move |(banks, palettes, fonts)| {
            let (b, p, f) = (banks.len(), palettes.len(), fonts.len());
            prop::collection::vec(layer(b, p, f), 0..max_layers).prop_map(move |layers| SceneSpec {
                banks: banks.clone(),
                palettes: palettes
                    .iter()
                    .enumerate()
                    .map(|(i, p)| [&[0xA5][..i % 2], p].concat())
                    .collect(),
                fonts: fonts.clone(),
                layers,
            })
        })
}

fn params() -> impl Strategy<Value = RenderParams> {
    let rect = prop_oneof![
        8 => (0u16..160, 0u16..130, 0u16..70, 0u16..40)
            .prop_map(|(x, y, w, h)| Rect::new(x, y, x + w, y + h).unwrap()),
        1 => (0u16..200, 0u16..200, 0u16..200, 0u16..200)
            .prop_map(|(a, b, c, d)| Rect::new(a, b, c, d).unwrap()), // often empty
        1 => (32700u16..32768, 32760u16..32768)
            .prop_map(|(x, y)| Rect::new(x, y, 32767, 32767).unwrap()),
    ];
    let scale = prop_oneof![6 => 1u8..4, 1 => 4u8..=255];
    let viewport = prop_oneof![
        3 => Just((0i16, 0i16)),
        3 => (-60i16..60, -60i16..60),
        1 => (any::<i16>(), any::<i16>()),
    ];
    let background = prop_oneof![
        Just(None),
        any::<u16>().prop_map(|c| Some(WireColor::from_rgb565(c)))
    ];
    (rect, scale, viewport, background).prop_map(|(rect, scale, (vx, vy), background)| {
        // Keep huge scales to small rectangles so a case stays quick.
        let rect = if scale > 4 {
            let (x0, y0, _, _) = rect.corners();
            Rect::new(
                x0,
                y0,
                x0.saturating_add(3).min(32767),
                y0.saturating_add(2).min(32767),
            )
            .unwrap()
        } else {
            rect
        };
        RenderParams::new(rect)
            .with_scale(scale)
            .unwrap()
            .with_viewport(vx, vy)
            .with_background(background)
    })
}

/// The stream and chunk sizes of a push-form render.
fn stream(
    render: impl FnOnce(
        &mut [u8],
        &mut dyn FnMut(&[u8]) -> Result<(), ()>,
    ) -> Result<(), RenderError<()>>,
    buffer_len: usize,
) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::new();
    let mut chunks = Vec::new();
    let mut buffer = vec![0x55; buffer_len];
    render(&mut buffer, &mut |chunk: &[u8]| {
        bytes.extend_from_slice(chunk);
        chunks.push(chunk.len());
        Ok(())
    })
    .unwrap();
    (bytes, chunks)
}

fn fast(layers: &[Layer<'_>], params: &RenderParams, buffer_len: usize) -> (Vec<u8>, Vec<usize>) {
    stream(|b, s| render(layers, params, b, s), buffer_len)
}

fn oracle(layers: &[Layer<'_>], params: &RenderParams, buffer_len: usize) -> (Vec<u8>, Vec<usize>) {
    stream(|b, s| reference::render(layers, params, b, s), buffer_len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn fast_equals_reference(spec in scene(12), params in params(), buffer_len in 2usize..700) {
        let layers = spec.build();
        let expected = oracle(&layers, &params, buffer_len);
        prop_assert_eq!(expected.0.len() as u64, params.stream_len());
        let got = fast(&layers, &params, buffer_len);
        prop_assert!(got.1 == expected.1, "chunk sizes differ: {:?} vs {:?}", got.1, expected.1);
        prop_assert!(got.0 == expected.0, "streams differ");
    }

    #[test]
    fn pull_form_with_alternating_buffers_equals_push_form(
        spec in scene(8),
        params in params(),
        a_len in 2usize..300,
        b_len in 2usize..300,
    ) {
        let layers = spec.build();
        let mut renderer = ChunkRenderer::new(&layers, &params);
        let (mut a, mut b) = (vec![0u8; a_len], vec![0u8; b_len]);
        let mut bytes = Vec::new();
        let mut turn = 0;
        loop {
            let buffer = if turn % 2 == 0 { &mut a } else { &mut b };
            let expected_len = (buffer.len() & !1).min(renderer.remaining_len() as usize);
            match renderer.next_chunk(buffer).unwrap() {
                Some(chunk) => {
                    prop_assert_eq!(chunk.len(), expected_len);
                    bytes.extend_from_slice(chunk);
                }
                None => break,
            }
            turn += 1;
        }
        prop_assert!(renderer.is_done());
        let expected = oracle(&layers, &params, 64).0;
        prop_assert!(bytes == expected, "streams differ");
    }
}

/// Many sprites in one spot: more layers cross a chunk than it can list, so
/// the renderer tests every layer per row.
#[test]
fn crowded_chunk_equals_reference() {
    let bank: Vec<u8> = (0..2048u32).map(|i| (i * 7 + i / 128) as u8).collect();
    let mut palette = [0u8; 32];
    for (i, entry) in palette.chunks_mut(2).enumerate() {
        entry.copy_from_slice(&if i % 3 == 0 {
            [0xF8, 0x1F]
        } else {
            [i as u8, 0x40 | i as u8]
        });
    }
    let bank = Bank::new(&bank).unwrap();
    let palette = Palette::new(&palette).unwrap();
    let layers: Vec<Layer> = (0..300)
        .map(|i| {
            let mut sprite = Sprite::new(bank, palette);
            sprite.set_frame((i % 16) as u8).unwrap();
            sprite.set_rotation(Rotation::from_code((i % 8) as u8));
            sprite.set_position(10 + (i % 7) as i16, 5 + (i % 5) as i16);
            Layer::Sprite(sprite)
        })
        .collect();
    for scale in [1, 2, 3] {
        let params = RenderParams::new(Rect::new(0, 0, 48, 32).unwrap())
            .with_scale(scale)
            .unwrap();
        for buffer_len in [2, 64, 511, 4096] {
            assert_eq!(
                fast(&layers, &params, buffer_len),
                oracle(&layers, &params, buffer_len)
            );
        }
    }
}

/// Rows wider than the row cache are composed in pieces.
#[test]
fn rows_wider_than_the_cache_equal_reference() {
    let bank: Vec<u8> = (0..2048u32).map(|i| (i * 13 + 5) as u8).collect();
    let palette: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(29)).collect();
    let map: Vec<u8> = (0..40 * 3).map(|i| (i * 11) as u8).collect();
    let mut grid = Grid::new(
        Bank::new(&bank).unwrap(),
        Palette::new(&palette).unwrap(),
        TileMap::new(&map[..], 40, 3).unwrap(),
    );
    grid.set_position(-5, -3);
    let layers = [Layer::Grid(grid)];
    for scale in [1, 2, 5] {
        let params = RenderParams::new(Rect::new(3, 0, 620, 4).unwrap())
            .with_scale(scale)
            .unwrap();
        for buffer_len in [2, 100, 512, 5000] {
            assert_eq!(
                fast(&layers, &params, buffer_len),
                oracle(&layers, &params, buffer_len)
            );
        }
    }
}

#[test]
fn buffers_shorter_than_a_pixel_are_refused() {
    let params = RenderParams::new(Rect::new(0, 0, 4, 4).unwrap());
    for len in [0, 1] {
        let mut buffer = vec![0; len];
        let sink = |_: &[u8]| Ok::<(), ()>(());
        assert_eq!(
            render(&[], &params, &mut buffer, sink),
            Err(RenderError::BufferTooSmall(BufferTooSmall))
        );
        assert_eq!(
            reference::render(&[], &params, &mut buffer, sink),
            Err(RenderError::BufferTooSmall(BufferTooSmall))
        );
        let mut renderer = ChunkRenderer::new(&[], &params);
        assert_eq!(renderer.next_chunk(&mut buffer), Err(BufferTooSmall));
        let mut state = RenderState::new(&params);
        assert_eq!(state.next_band(len), None);
        assert_eq!(
            state.next_chunk(&[], Scene::Changed, &mut buffer),
            Err(BufferTooSmall)
        );
    }
}

#[test]
fn the_first_sink_error_stops_the_render() {
    let params = RenderParams::new(Rect::new(0, 0, 16, 16).unwrap());
    let mut calls = 0;
    let result = render(&[], &params, &mut [0; 64], |_| {
        calls += 1;
        if calls == 3 {
            Err("bus fault")
        } else {
            Ok(())
        }
    });
    assert_eq!(result, Err(RenderError::Sink("bus fault")));
    assert_eq!(calls, 3);
}

#[test]
fn an_empty_rectangle_sends_nothing() {
    for (x0, y0, x1, y1) in [(5, 5, 5, 9), (5, 5, 9, 5), (9, 9, 2, 2)] {
        let params = RenderParams::new(Rect::new(x0, y0, x1, y1).unwrap());
        let (bytes, chunks) = fast(&[], &params, 16);
        assert!(bytes.is_empty() && chunks.is_empty());
    }
}

/// The chunks of a render made the way a caller that looks its layers up
/// before every chunk makes them (the MicroPython module): the scene of each
/// chunk holds only the layers reaching the band of rows the renderer names,
/// and `change(i, spec)` may change anything before chunk `i`, in which case
/// that chunk is declared [`Scene::Changed`].
fn chunk_by_chunk(
    spec: &SceneSpec,
    params: &RenderParams,
    buffer_len: usize,
    mut change: impl FnMut(usize, &mut SceneSpec) -> bool,
) -> Vec<Vec<u8>> {
    let mut spec = spec.clone();
    let mut state = RenderState::new(params);
    let mut buffer = vec![0x55; buffer_len];
    let mut chunks = Vec::new();
    let mut previous = None;
    loop {
        let changed = change(chunks.len(), &mut spec);
        let band = state.next_band(buffer_len);
        let layers: Vec<Layer<'_>> = spec
            .build()
            .into_iter()
            .filter(|layer| band.is_some_and(|band| reaches(&layer.footprint(), params, band)))
            .collect();
        // A new band means a new culled scene: declared changed too.
        let scene = if changed || band != previous {
            Scene::Changed
        } else {
            Scene::Unchanged
        };
        previous = band;
        match state.next_chunk(&layers, scene, &mut buffer).unwrap() {
            Some(chunk) => chunks.push(chunk.to_vec()),
            None => break,
        }
    }
    chunks
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Leaving out the layers that don't reach the band of the next chunk
    /// changes no byte and no chunk size, for any scene, buffer, scale and
    /// viewport.
    #[test]
    fn culling_by_the_named_band_changes_nothing(
        spec in scene(12),
        params in params(),
        buffer_len in prop_oneof![2usize..9, 9usize..300, Just(512), Just(4096)],
    ) {
        let layers = spec.build();
        let (bytes, sizes) = oracle(&layers, &params, buffer_len);
        let chunks = chunk_by_chunk(&spec, &params, buffer_len, |_, _| false);
        prop_assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), sizes);
        prop_assert!(chunks.concat() == bytes, "streams differ");
    }

    /// Palette, graphic and map bytes changed in place between two chunks,
    /// and layers moved, declared with `Scene::Changed`: every chunk from
    /// then on shows the new scene exactly, however the rows fall into
    /// chunks and whatever the renderer had derived from the old bytes.
    #[test]
    fn changes_between_chunks_show_from_the_next_chunk(
        spec in scene(8),
        params in params(),
        buffer_len in prop_oneof![2usize..9, 9usize..300, Just(512)],
        at in 0usize..12,
        flips in prop::collection::vec((any::<usize>(), 0usize..32, 1u8..=255), 1..6),
        moves in prop::collection::vec((any::<usize>(), -20i16..20, -20i16..20), 0..3),
        graphic in any::<Option<(usize, u8)>>(),
    ) {
        let mut after = spec.clone();
        for &(palette, byte, xor) in &flips {
            let palette = palette % after.palettes.len();
            let bytes = &mut after.palettes[palette];
            let first = bytes.len() - 32;
            bytes[first + byte] ^= xor;
        }
        if let Some((at, xor)) = graphic {
            let bank = &mut after.banks[at % spec.banks.len()];
            bank.iter_mut().step_by(7).for_each(|b| *b ^= xor);
        }
        for &(which, dx, dy) in &moves {
            if !after.layers.is_empty() {
                let n = after.layers.len();
                after.layers[which % n].shift(dx, dy);
            }
        }
        let before = oracle(&spec.build(), &params, buffer_len).0;
        let expected = oracle(&after.build(), &params, buffer_len).0;
        let chunks = chunk_by_chunk(&spec, &params, buffer_len, |i, s| {
            if i == at {
                *s = after.clone();
            }
            i == at
        });
        let at = at.min(chunks.len());
        let sent: usize = chunks[..at].iter().map(Vec::len).sum();
        prop_assert!(chunks[..at].concat() == before[..sent], "chunks before the change differ");
        prop_assert!(chunks[at..].concat() == expected[sent..], "chunks after the change differ");
    }
}

impl LayerSpec {
    /// Moves the layer by (dx, dy), wrapping.
    fn shift(&mut self, dx: i16, dy: i16) {
        let (LayerSpec::Grid { pos, .. }
        | LayerSpec::Sprite { pos, .. }
        | LayerSpec::Text { pos, .. }) = self;
        *pos = (pos.0.wrapping_add(dx), pos.1.wrapping_add(dy));
    }
}
