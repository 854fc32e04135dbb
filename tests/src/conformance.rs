//! Loads conformance files (format `stage-conformance-1`, described in
//! `tests/conformance/README.md`) and checks cases against stage-core.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};
use stage_core::{
    Bank, Font, Grid, Layer, Palette, Rect, RenderError, RenderParams, Rotation, Sprite, Text,
    TextChars, TileMap, WireColor,
};

/// A parsed conformance file.
pub struct Suite {
    /// The shared byte buffers (banks, palettes, fonts), by name.
    pub assets: HashMap<String, Vec<u8>>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// Which original engine a case comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Variant {
    /// MicroPython: no viewport, uncovered pixels carry the key.
    Mp,
    /// CircuitPython: viewport, uncovered pixels black.
    Cp,
}

/// One layer of a case, as the original `_stage` module was called to make it.
#[allow(missing_docs)] // the fields are the arguments of `Layer(...)` / `Text(...)`
pub enum LayerSpec {
    /// `Layer(width, height, graphic, palette[, map])`, moved and framed.
    Layer {
        width: u16,
        height: u16,
        graphic: String,
        palette: String,
        map: Option<Vec<u8>>,
        x: i16,
        y: i16,
        frame: u8,
        rotation: u8,
    },
    /// `Text(width, height, font, palette, chars)`, moved.
    Text {
        width: u16,
        height: u16,
        font: String,
        palette: String,
        chars: Vec<u8>,
        x: i16,
        y: i16,
    },
}

/// The arguments of the `render` call: rectangle, scale, buffer length, viewport.
#[allow(missing_docs)] // named as in the format
pub struct RenderSpec {
    pub x0: u16,
    pub y0: u16,
    pub x1: u16,
    pub y1: u16,
    pub scale: u8,
    pub buffer_len: usize,
    pub vx: i16,
    pub vy: i16,
}

/// The stream the original engine sent.
pub struct Expect {
    /// Its length in bytes.
    pub bytes: u64,
    /// The size of every chunk, in order.
    pub chunks: Vec<usize>,
    /// The SHA-256 of the bytes, in lowercase hex.
    pub sha256: String,
}

/// One scene, its render call and the stream it must give.
pub struct Case {
    /// The case's name.
    pub id: String,
    /// Which engine made the expected stream.
    pub variant: Variant,
    /// The layers, front first.
    pub layers: Vec<LayerSpec>,
    /// The render call.
    pub render: RenderSpec,
    /// The expected stream.
    pub expect: Expect,
}

/// Which renderer to check.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Renderer {
    /// `stage_core::render`.
    Fast,
    /// `stage_core::reference::render`.
    Reference,
}

fn field<'v>(v: &'v Value, key: &str) -> Result<&'v Value, String> {
    v.get(key).ok_or_else(|| format!("missing field `{key}`"))
}

fn int(v: &Value, key: &str) -> Result<i64, String> {
    field(v, key)?
        .as_i64()
        .ok_or_else(|| format!("field `{key}` is not an integer"))
}

fn ranged<T: TryFrom<i64>>(v: &Value, key: &str) -> Result<T, String> {
    let n = int(v, key)?;
    T::try_from(n).map_err(|_| format!("field `{key}` out of range: {n}"))
}

/// Positions and viewports wrap to `i16` like the original engine.
fn wrapped(v: &Value, key: &str) -> Result<i16, String> {
    Ok(int(v, key)? as i16)
}

fn string(v: &Value, key: &str) -> Result<String, String> {
    field(v, key)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("field `{key}` is not a string"))
}

/// Bytes from a hex string.
pub fn hex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err("odd-length hex string".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("bad hex: {e}")))
        .collect()
}

impl Suite {
    /// Reads and parses the file at `path`.
    pub fn load(path: &str) -> Result<Suite, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        Suite::parse(&text).map_err(|e| format!("{path}: {e}"))
    }

    /// Parses a file's text.
    pub fn parse(text: &str) -> Result<Suite, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let format = field(&root, "format")?.as_str().unwrap_or("");
        if format != "stage-conformance-1" {
            return Err(format!("unknown format {format:?}"));
        }
        let mut assets = HashMap::new();
        for (name, value) in field(&root, "assets")?
            .as_object()
            .ok_or("`assets` is not an object")?
        {
            let text = value.as_str().ok_or("asset is not a string")?;
            assets.insert(
                name.clone(),
                hex(text).map_err(|e| format!("asset {name}: {e}"))?,
            );
        }
        let cases = field(&root, "cases")?
            .as_array()
            .ok_or("`cases` is not an array")?
            .iter()
            .enumerate()
            .map(|(i, c)| Case::parse(c).map_err(|e| format!("case {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Suite { assets, cases })
    }
}

impl Case {
    fn parse(v: &Value) -> Result<Case, String> {
        let id = string(v, "id")?;
        let variant = match string(v, "variant")?.as_str() {
            "mp" => Variant::Mp,
            "cp" => Variant::Cp,
            other => return Err(format!("{id}: unknown variant {other:?}")),
        };
        let layers = field(v, "layers")?
            .as_array()
            .ok_or("`layers` is not an array")?
            .iter()
            .map(LayerSpec::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{id}: {e}"))?;
        let r = field(v, "render")?;
        let render = RenderSpec {
            x0: ranged(r, "x0")?,
            y0: ranged(r, "y0")?,
            x1: ranged(r, "x1")?,
            y1: ranged(r, "y1")?,
            scale: ranged(r, "scale")?,
            buffer_len: ranged(r, "buffer_len")?,
            vx: r.get("vx").map_or(Ok(0), |_| wrapped(r, "vx"))?,
            vy: r.get("vy").map_or(Ok(0), |_| wrapped(r, "vy"))?,
        };
        let e = field(v, "expect")?;
        let expect = Expect {
            bytes: ranged(e, "bytes")?,
            chunks: field(e, "chunks")?
                .as_array()
                .ok_or("`chunks` is not an array")?
                .iter()
                .map(|c| c.as_u64().map(|c| c as usize).ok_or("bad chunk size"))
                .collect::<Result<_, _>>()?,
            sha256: string(e, "sha256")?.to_ascii_lowercase(),
        };
        Ok(Case {
            id,
            variant,
            layers,
            render,
            expect,
        })
    }

    /// The render parameters of this case.
    /// The case's render parameters.
    pub fn params(&self) -> Result<RenderParams, String> {
        let r = &self.render;
        let rect = Rect::new(r.x0, r.y0, r.x1, r.y1).map_err(|e| e.to_string())?;
        let params = RenderParams::new(rect)
            .with_scale(r.scale)
            .map_err(|e| e.to_string())?;
        Ok(match self.variant {
            Variant::Mp => params,
            Variant::Cp => params
                .with_viewport(r.vx, r.vy)
                .with_background(Some(WireColor::BLACK)),
        })
    }

    /// Builds the scene over the suite's assets.
    /// The case's layers, viewing `assets`.
    pub fn build<'a>(
        &'a self,
        assets: &'a HashMap<String, Vec<u8>>,
    ) -> Result<Vec<Layer<'a>>, String> {
        let asset = |name: &str| {
            assets
                .get(name)
                .map(Vec::as_slice)
                .ok_or_else(|| format!("{}: unknown asset {name:?}", self.id))
        };
        let err = |e: stage_core::FormatError| format!("{}: {e}", self.id);
        self.layers
            .iter()
            .map(|spec| -> Result<Layer<'a>, String> {
                Ok(match spec {
                    LayerSpec::Layer {
                        width,
                        height,
                        graphic,
                        palette,
                        map,
                        x,
                        y,
                        frame,
                        rotation,
                    } => {
                        let bank = Bank::new(asset(graphic)?).map_err(err)?;
                        let palette = Palette::new(asset(palette)?).map_err(err)?;
                        let mut layer = match map {
                            Some(map) => {
                                let map = TileMap::new(&map[..], *width, *height).map_err(err)?;
                                let mut grid = Grid::new(bank, palette, map);
                                grid.set_rotation(Rotation::from_code(*rotation));
                                Layer::Grid(grid)
                            }
                            None => {
                                let mut sprite = Sprite::new(bank, palette)
                                    .with_cells(*width, *height)
                                    .map_err(err)?;
                                sprite.set_frame(*frame).map_err(err)?;
                                sprite.set_rotation(Rotation::from_code(*rotation));
                                Layer::Sprite(sprite)
                            }
                        };
                        layer.set_position(*x, *y);
                        layer
                    }
                    LayerSpec::Text {
                        width,
                        height,
                        font,
                        palette,
                        chars,
                        x,
                        y,
                    } => {
                        let font = Font::new(asset(font)?).map_err(err)?;
                        let palette = Palette::new(asset(palette)?).map_err(err)?;
                        let chars = TextChars::new(&chars[..], *width, *height).map_err(err)?;
                        let mut text = Text::new(font, palette, chars);
                        text.set_position(*x, *y);
                        Layer::Text(text)
                    }
                })
            })
            .collect()
    }

    /// Output pixels of this case.
    /// Output pixels of the stream.
    pub fn pixels(&self) -> u64 {
        self.expect.bytes / 2
    }
}

impl LayerSpec {
    fn parse(v: &Value) -> Result<LayerSpec, String> {
        match string(v, "type")?.as_str() {
            "Layer" => Ok(LayerSpec::Layer {
                width: ranged(v, "width")?,
                height: ranged(v, "height")?,
                graphic: string(v, "graphic")?,
                palette: string(v, "palette")?,
                map: match field(v, "map")? {
                    Value::Null => None,
                    Value::String(s) => Some(hex(s)?),
                    _ => return Err("`map` is neither null nor a hex string".into()),
                },
                x: wrapped(v, "x")?,
                y: wrapped(v, "y")?,
                frame: ranged(v, "frame")?,
                rotation: ranged(v, "rotation")?,
            }),
            "Text" => Ok(LayerSpec::Text {
                width: ranged(v, "width")?,
                height: ranged(v, "height")?,
                font: string(v, "font")?,
                palette: string(v, "palette")?,
                chars: hex(&string(v, "chars")?)?,
                x: wrapped(v, "x")?,
                y: wrapped(v, "y")?,
            }),
            other => Err(format!("unknown layer type {other:?}")),
        }
    }
}

/// What a render sent: total bytes, chunk sizes and the stream's SHA-256.
pub struct Stream {
    /// Its length in bytes.
    pub bytes: u64,
    /// The size of every chunk.
    pub chunks: Vec<usize>,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

/// Renders `layers` with `renderer`, hashing the stream as it goes.
/// Renders `layers` with `renderer` and describes the stream.
pub fn render_stream(
    renderer: Renderer,
    layers: &[Layer<'_>],
    params: &RenderParams,
    buffer: &mut [u8],
) -> Result<Stream, String> {
    let mut hasher = Sha256::new();
    let mut chunks = Vec::new();
    let mut bytes = 0u64;
    let sink = |chunk: &[u8]| {
        hasher.update(chunk);
        chunks.push(chunk.len());
        bytes += chunk.len() as u64;
        Ok::<(), ()>(())
    };
    let result = match renderer {
        Renderer::Fast => stage_core::render(layers, params, buffer, sink),
        Renderer::Reference => stage_core::reference::render(layers, params, buffer, sink),
    };
    match result {
        Ok(()) => {}
        Err(RenderError::BufferTooSmall(e)) => return Err(e.to_string()),
        Err(_) => unreachable!("the sink never fails"),
    }
    let mut sha256 = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(sha256, "{byte:02x}");
    }
    Ok(Stream {
        bytes,
        chunks,
        sha256,
    })
}

/// Renders into a sink that only counts bytes; returns the count.
/// Renders `layers` with `renderer` into a sink that only counts bytes: the cost of a
/// render without hashing.
pub fn render_count(
    renderer: Renderer,
    layers: &[Layer<'_>],
    params: &RenderParams,
    buffer: &mut [u8],
) -> u64 {
    let mut bytes = 0u64;
    let sink = |chunk: &[u8]| {
        bytes += chunk.len() as u64;
        Ok::<(), ()>(())
    };
    let _ = match renderer {
        Renderer::Fast => stage_core::render(layers, params, buffer, sink),
        Renderer::Reference => stage_core::reference::render(layers, params, buffer, sink),
    };
    bytes
}

impl Case {
    /// Builds and renders the case once; `Err` describes a mismatch.
    /// Builds, renders and compares the case.
    pub fn check(
        &self,
        assets: &HashMap<String, Vec<u8>>,
        renderer: Renderer,
    ) -> Result<(), String> {
        let layers = self.build(assets)?;
        let params = self.params()?;
        let mut buffer = vec![0u8; self.render.buffer_len];
        let stream = render_stream(renderer, &layers, &params, &mut buffer)?;
        self.compare(&stream)
    }

    /// Compares a rendered stream with the expectation.
    /// Compares a stream with the expected one.
    pub fn compare(&self, stream: &Stream) -> Result<(), String> {
        let e = &self.expect;
        if stream.bytes != e.bytes {
            return Err(format!("{} bytes, expected {}", stream.bytes, e.bytes));
        }
        if stream.chunks != e.chunks {
            return Err(format!(
                "chunk sizes differ ({} chunks, expected {})",
                stream.chunks.len(),
                e.chunks.len()
            ));
        }
        if stream.sha256 != e.sha256 {
            return Err(format!("sha256 {} expected {}", stream.sha256, e.sha256));
        }
        Ok(())
    }
}
