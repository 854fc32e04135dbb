// stage-core in WebAssembly, for JavaScript: the API over stage_wasm.wasm (the crate
// stage-core/wasm). Layers are made from byte arrays in stage's formats (a 2048-byte
// bank of 16 tiles, a 32-byte palette of RGB565 colours in wire order, a tile map of
// 4 bits a cell, a 2048-byte font, text cells), moved, given frames and rotations, and
// a rectangle of the scene is rendered into RGBA for a canvas, or into the RGB565
// stream a panel would get. Layers keep the arrays they were given and read them at
// every render, so changing a map or a palette shows at the next render.
//
//   const stage = await StageWasm.load("stage_wasm.wasm");
//   const grid = stage.layer({ graphic: bank, palette, map, width: 8, height: 8 });
//   const ball = stage.layer({ graphic: bank, palette });   // a sprite
//   ball.move(40, 20); ball.frame(3, 0);
//   const rgba = stage.renderRGBA([ball, grid], 0, 0, 128, 128);
//   ctx.putImageData(new ImageData(rgba, 128, 128), 0, 0);
//
// Bad input throws a StageError whose `kind` is "TypeError", "ValueError" or
// "RuntimeError" and whose message is the one _stage.mpy raises for the same mistake.

/** Layer kinds of the descriptors. */
export const SPRITE = 0;
export const GRID = 1;
export const TEXT = 2;

const KINDS = { [-1]: "TypeError", [-2]: "ValueError", [-3]: "RuntimeError" };

/** An error of stage-wasm: `kind` names the Python exception it stands for. */
export class StageError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = "StageError";
    this.kind = kind;
  }
}

/** Widens RGB565 to 8 bits a channel as the headless runner's pictures do. */
export const FIVE = Uint8Array.from({ length: 32 }, (_, v) => (v << 3) | (v >> 2));
export const SIX = Uint8Array.from({ length: 64 }, (_, v) => (v << 2) | (v >> 4));

/**
 * The module and its memory block, with a bump allocator that lays out one call's
 * inputs (descriptors and the bytes they view) and its output.
 */
export class StageWasm {
  /** Loads and instantiates the module (any server: no MIME type needed). */
  static async load(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
    return new StageWasm(instance);
  }

  constructor(instance) {
    this.exports = instance.exports;
    const e = this.exports;
    this.base = e.stage_memory();
    this.size = e.stage_memory_len();
    this.descWords = e.stage_desc_words();
    if (this.descWords !== 16) throw new Error(`stage_wasm.wasm: descriptors of ${this.descWords} words, expected 16`);
    this.limits = {
      layerCells: e.stage_max_layer_cells(),
      textCells: e.stage_max_text_cells(),
      coord: e.stage_max_coord(),
      layers: e.stage_max_layers(),
    };
    this.top = 0;
  }

  /** The block as bytes (the memory never grows: the views stay valid). */
  bytes() {
    if (!this._bytes || this._bytes.buffer !== this.exports.memory.buffer) {
      this._bytes = new Uint8Array(this.exports.memory.buffer, this.base, this.size);
      this._words = new Int32Array(this.exports.memory.buffer, this.base, this.size >> 2);
    }
    return this._bytes;
  }

  words() {
    this.bytes();
    return this._words;
  }

  /** Starts laying out a call's inputs from the start of the block. */
  reset() {
    this.top = 0;
  }

  /** Room for `n` bytes (4-aligned): its offset. */
  alloc(n) {
    const at = this.top;
    const end = at + ((n + 3) & ~3);
    if (end > this.size) {
      throw new StageError("RuntimeError", `stage-wasm: the scene needs more than ${this.size >> 20} MiB`);
    }
    this.top = end;
    return at;
  }

  /** Copies `bytes` (a Uint8Array) into the block: its offset. */
  put(bytes) {
    const at = this.alloc(bytes.length);
    this.bytes().set(bytes, at);
    return at;
  }

  /**
   * Writes a descriptor at `at`: `buffers` is three [offset, length, source] triples
   * (length -1: "not a buffer").
   */
  writeDesc(at, kind, width, height, x, y, frame, rotation, buffers) {
    const w = this.words();
    let i = at >> 2;
    w[i++] = kind;
    w[i++] = width;
    w[i++] = height;
    w[i++] = x;
    w[i++] = y;
    w[i++] = frame;
    w[i++] = rotation;
    for (const [offset, len, source] of buffers) {
      w[i++] = offset;
      w[i++] = len;
      w[i++] = source;
    }
  }

  /** The last error, as a StageError. */
  error() {
    const e = this.exports;
    const kind = KINDS[e.stage_error_kind()] || "RuntimeError";
    const text = new TextDecoder().decode(
      new Uint8Array(e.memory.buffer, e.stage_error_message(), e.stage_error_len()),
    );
    return new StageError(kind, text);
  }

  /** Throws the last error if `result` is negative; returns it otherwise. */
  check(result) {
    if (result < 0) throw this.error();
    return result;
  }

  // ------------------------------------------------------------ the layer API

  /**
   * A Layer: a grid when `map` is given (`width` x `height` tiles, 4 bits each),
   * else a sprite (`width` x `height` cells showing `frame`, 1 x 1 by default).
   */
  layer({ graphic, palette, map = null, width = 1, height = 1 }) {
    return new JsLayer(this, map ? GRID : SPRITE, width, height, [graphic, palette, map]);
  }

  /** A Text layer: `width` x `height` cells of 8x8 pixels, one byte each in `chars`. */
  text({ font, palette, chars, width, height }) {
    return new JsLayer(this, TEXT, width, height, [font, palette, chars]);
  }

  /** Lays out `layers` (front first) as a table: its offset. */
  table(layers) {
    const copies = new Map();
    const ref = (bytes) => {
      if (bytes === null || bytes === undefined) return [0, 0, 0];
      if (!(bytes instanceof Uint8Array)) return [0, -1, 0];
      let at = copies.get(bytes);
      if (at === undefined) {
        at = this.put(bytes);
        copies.set(bytes, at);
      }
      // The source address is the copy's offset: no two overlap, nor the output.
      return [at, bytes.length, at];
    };
    const refs = layers.map((l) => l.buffers.map(ref));
    const table = this.alloc(4 * this.descWords * layers.length);
    layers.forEach((l, i) => {
      this.writeDesc(table + 4 * this.descWords * i, l.kind, l.width, l.height, l.x, l.y, l.frameNumber, l.rotation, refs[i]);
    });
    return table;
  }

  /**
   * The rectangle [x0, x1) x [y0, y1) of the scene `layers` (front first), each
   * pixel `scale` x `scale`, the world shifted by the viewport (`vx`, `vy`), pixels no
   * layer covers in `background` (RGB565; null: magenta, the transparency key), as
   * RGBA: a Uint8ClampedArray of (x1 - x0) * scale by (y1 - y0) * scale pixels.
   */
  renderRGBA(layers, x0, y0, x1, y1, { scale = 1, vx = 0, vy = 0, background = 0 } = {}) {
    for (const l of layers) if (!(l instanceof JsLayer)) throw new StageError("TypeError", "layers must be made by layer() or text()");
    this.reset();
    const table = this.table(layers);
    const w = Math.max(0, x1 - x0) * scale;
    const h = Math.max(0, y1 - y0) * scale;
    const out = this.alloc(w * h * 4);
    const bg = background === null ? -1 : background;
    const n = this.check(
      this.exports.stage_render_rgba(table, layers.length, x0, y0, x1, y1, scale, vx, vy, bg, out, w * h * 4),
    );
    return new Uint8ClampedArray(this.bytes().slice(out, out + n).buffer);
  }

  /** The same rectangle as the RGB565 stream a panel gets (high byte first). */
  renderStream(layers, x0, y0, x1, y1, { scale = 1, vx = 0, vy = 0, background = null, chunk = 512 } = {}) {
    this.reset();
    const table = this.table(layers);
    const len = Math.max(0, x1 - x0) * Math.max(0, y1 - y0) * scale * scale * 2;
    const out = this.alloc(len + chunk + 2);
    const bg = background === null ? -1 : background;
    const n = this.check(
      this.exports.stage_render(table, layers.length, 0, x0, y0, x1, y1, scale, vx, vy, bg, chunk, out, len + chunk + 2, out),
    );
    return this.bytes().slice(out, out + n);
  }
}

/** A layer of the JavaScript API (made by StageWasm.layer() or .text()). */
export class JsLayer {
  constructor(stage, kind, width, height, buffers) {
    const max = kind === TEXT ? stage.limits.textCells : stage.limits.layerCells;
    for (const v of [width, height]) {
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw new StageError("ValueError", `width and height must be 0..=${max}, not ${v}`);
      }
    }
    this.stage = stage;
    this.kind = kind;
    this.width = width;
    this.height = height;
    this.buffers = buffers;
    this.x = 0;
    this.y = 0;
    this.frameNumber = 0;
    this.rotation = 0;
    // Checked now, as _stage's constructors check.
    stage.reset();
    const table = stage.table([this]);
    stage.check(stage.exports.stage_check(table));
  }

  /** Places the top-left corner (wrapped to 16 bits, as the original). */
  move(x, y) {
    this.x = (x << 16) >> 16;
    this.y = (y << 16) >> 16;
  }

  /** Shows tile `frame` (0..15) turned by `rotation` (0..7; 8..255 act as 0). */
  frame(frame, rotation = 0) {
    if (!Number.isInteger(frame) || frame < 0 || frame > 15) throw new StageError("ValueError", `frame must be 0..=15, not ${frame}`);
    if (!Number.isInteger(rotation) || rotation < 0 || rotation > 255) throw new StageError("ValueError", `rotation must be 0..=255, not ${rotation}`);
    this.frameNumber = frame;
    this.rotation = rotation;
  }
}
