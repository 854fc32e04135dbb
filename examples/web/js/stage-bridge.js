// The JavaScript half of the browser's `_stage` module (the Python half is
// python/_stagejs.py): the functions Python calls, registered as the module
// `_stage_wasm`. Python passes a table of layer descriptors and buffers by their
// addresses in MicroPython's memory (uctypes.addressof); this side copies the bytes
// into stage_wasm.wasm's block, calls stage-core there, and copies what it rendered
// back into MicroPython's memory (a chunk for write()) or into a Panel (the browser
// display, whose framebuffer the page shows).
//
// Nothing here throws into MicroPython (a JavaScript exception would unwind through
// the VM): every failure is a negative result, and Python raises the error that
// error_kind() and error_message() describe.

import { FIVE, SIX, StageError } from "./stage-wasm.js";

/** Words of a descriptor in MicroPython's memory (the Python half writes them). */
const PY_WORDS = 13;
/** Flags of stage_next. */
const CHECK_ONLY = 1;
const UNCHANGED = 2;
/** The error code of a panel protocol error (PanelError in Python). */
const PANEL_ERROR = -4;

/**
 * A panel: the RGBA framebuffer a display shows, written the way an ST7735-class
 * controller takes pixel data: block() opens a window, data fills it row by row.
 * Protocol errors are reported as the headless console's panel reports them.
 */
export class Panel {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 3; i < this.rgba.length; i += 4) this.rgba[i] = 255;
    this.x0 = 0;
    this.y0 = 0;
    this.x1 = width - 1;
    this.y1 = height - 1;
    this.left = 0;
    this.cx = 0;
    this.cy = 0;
    this.windows = 0;
    this.bytes = 0;
    this.changed = true;
  }

  /** Opens the window x0..x1, y0..y1 (inclusive): null, or the error. */
  block(x0, y0, x1, y1) {
    for (const v of [x0, y0, x1, y1]) {
      if (!(v >= 0 && v <= 0xffff)) return `window (${x0}, ${y0})-(${x1}, ${y1}) outside the panel`;
    }
    if (this.left) {
      const missing = this.left;
      this.left = 0;
      return `command 0x2A before the window was filled (${missing} bytes missing)`;
    }
    if (x0 > x1 || x1 >= this.width) return `columns ${x0}..${x1} outside the panel (0..${this.width - 1})`;
    if (y0 > y1 || y1 >= this.height) return `rows ${y0}..${y1} outside the panel (0..${this.height - 1})`;
    this.x0 = x0;
    this.x1 = x1;
    this.y0 = y0;
    this.y1 = y1;
    this.left = (x1 - x0 + 1) * (y1 - y0 + 1) * 2;
    this.cx = x0;
    this.cy = y0;
    this.windows++;
    return null;
  }

  /** Pixel data (RGB565, high byte first) for the open window: null, or the error. */
  data(src, at, n) {
    if (!this.left) return `${n} bytes of pixel data without an open window`;
    if (n & 1) {
      this.left = 0;
      return `odd number of pixel data bytes (${n})`;
    }
    if (n > this.left) {
      const past = n - this.left;
      this.left = 0;
      return `${past} bytes past the end of the window`;
    }
    const fb = this.rgba;
    const w = this.width;
    let i = at;
    const end = at + n;
    while (i < end) {
      const k = Math.min(this.x1 - this.cx + 1, (end - i) >> 1);
      let o = (this.cy * w + this.cx) * 4;
      for (let j = 0; j < k; j++, i += 2, o += 4) {
        const hi = src[i];
        const lo = src[i + 1];
        fb[o] = FIVE[hi >> 3];
        fb[o + 1] = SIX[((hi & 7) << 3) | (lo >> 5)];
        fb[o + 2] = FIVE[lo & 31];
      }
      this.cx += k;
      if (this.cx > this.x1) {
        this.cx = this.x0;
        this.cy++;
      }
    }
    this.left -= n;
    this.bytes += n;
    this.changed = true;
    return null;
  }
}

/**
 * The functions of the `_stage_wasm` module, over `stage` (a StageWasm) and
 * `pyMemory` (MicroPython's WebAssembly.Memory).
 */
export function stageBridge(stage, pyMemory) {
  const e = stage.exports;
  const panels = [];
  let lastKind = 0;
  let lastMessage = "";
  let pyBytes = new Uint8Array(pyMemory.buffer);
  let pyWords = new Int32Array(pyMemory.buffer);

  const py = () => {
    if (pyBytes.buffer !== pyMemory.buffer) {
      pyBytes = new Uint8Array(pyMemory.buffer);
      pyWords = new Int32Array(pyMemory.buffer);
    }
    return pyBytes;
  };

  /** Records the wasm module's last error; returns its code. */
  const fromStage = (code) => {
    const err = stage.error();
    lastKind = code;
    lastMessage = err.message;
    return code;
  };

  const fail = (kind, message) => {
    lastKind = kind;
    lastMessage = message;
    return kind;
  };

  /**
   * Copies the table of `count` descriptors at `addr` in MicroPython's memory, and
   * the bytes they name, into the block: the table's offset.
   */
  const layTable = (addr, count) => {
    const bytes = py();
    const words = pyWords;
    const copies = new Map();
    const base = addr >> 2;
    const refs = [];
    for (let i = 0; i < count; i++) {
      const d = base + i * PY_WORDS;
      const three = [];
      for (let b = 0; b < 3; b++) {
        const src = words[d + 7 + 2 * b] >>> 0;
        const len = words[d + 8 + 2 * b];
        if (len < 0) {
          three.push([0, -1, 0]);
          continue;
        }
        if (src + len > bytes.length) throw new StageError("RuntimeError", "a buffer lies outside MicroPython's memory");
        const key = `${src},${len}`;
        let at = copies.get(key);
        if (at === undefined) {
          at = stage.put(bytes.subarray(src, src + len));
          copies.set(key, at);
        }
        three.push([at, len, src]);
      }
      refs.push(three);
    }
    const table = stage.alloc(4 * stage.descWords * count);
    for (let i = 0; i < count; i++) {
      const d = base + i * PY_WORDS;
      stage.writeDesc(table + 4 * stage.descWords * i, words[d], words[d + 1], words[d + 2], words[d + 3], words[d + 4], words[d + 5], words[d + 6], refs[i]);
    }
    return table;
  };

  /** Runs `f`, turning a thrown StageError (the block overflowing) into a result. */
  const guard = (f) => {
    try {
      return f();
    } catch (err) {
      if (err instanceof StageError) return fail(-3, err.message);
      return fail(-3, `stage bridge: ${err && err.message}`);
    }
  };

  return {
    max_layer_cells: () => stage.limits.layerCells,
    max_text_cells: () => stage.limits.textCells,
    max_coord: () => stage.limits.coord,
    error_kind: () => lastKind,
    error_message: () => lastMessage,

    /** Checks one descriptor as a constructor does: 0 or an error code. */
    check: (addr) =>
      guard(() => {
        stage.reset();
        const table = layTable(addr, 1);
        const r = e.stage_check(table);
        return r < 0 ? fromStage(r) : 0;
      }),

    begin: (x0, y0, x1, y1, scale, vx, vy, bg) =>
      guard(() => {
        const r = e.stage_begin(x0, y0, x1, y1, scale, vx, vy, bg);
        return r < 0 ? fromStage(r) : r;
      }),

    /**
     * The next chunk of the render in `slot` into MicroPython's buffer at `outAddr`
     * (`outLen` bytes): 4 * len + 2 * made + done, or an error code.
     */
    next: (slot, table, count, checkOnly, outAddr, outLen) =>
      guard(() => {
        stage.reset();
        const t = layTable(table, count);
        const out = stage.alloc(outLen);
        const r = e.stage_next(slot, t, count, checkOnly ? CHECK_ONLY : 0, out, outLen, outAddr, outLen);
        if (r < 0) return fromStage(r);
        const len = r >> 2;
        if (len) py().set(stage.bytes().subarray(out, out + len), outAddr);
        return r;
      }),

    end: (slot) => {
      e.stage_end(slot);
      return 0;
    },

    /**
     * A whole render whose output is a panel (its write() runs no Python code):
     * the chunks go straight to the panel. 0, or an error code.
     */
    render_panel: (id, table, count, checkOnly, x0, y0, x1, y1, scale, vx, vy, bg, bufLen, bufAddr) =>
      guard(() => {
        const panel = panels[id];
        const slot = e.stage_begin(x0, y0, x1, y1, scale, vx, vy, bg);
        if (slot < 0) return fromStage(slot);
        try {
          stage.reset();
          const t = layTable(table, count);
          const empty = x1 <= x0 || y1 <= y0;
          const total = empty ? 0 : (x1 - x0) * (y1 - y0) * scale * scale * 2;
          // A chunk never holds more than the rest of the stream.
          const len = Math.min(bufLen, total + 2);
          const out = stage.alloc(len);
          let flags = checkOnly ? CHECK_ONLY : 0;
          for (;;) {
            const r = e.stage_next(slot, t, count, flags, out, len, bufAddr, bufLen);
            if (r < 0) return fromStage(r);
            if (checkOnly || !(r & 2)) return 0;
            const n = r >> 2;
            const err = panel.data(stage.bytes(), out, n);
            if (err) return fail(PANEL_ERROR, err);
            if (r & 1) return 0;
            flags = UNCHANGED;
          }
        } finally {
          e.stage_end(slot);
        }
      }),

    panel_new: (width, height) => {
      panels.push(new Panel(width, height));
      return panels.length - 1;
    },

    panel_block: (id, x0, y0, x1, y1) => {
      const err = panels[id].block(x0, y0, x1, y1);
      return err ? fail(PANEL_ERROR, err) : 0;
    },

    panel_write: (id, addr, len) =>
      guard(() => {
        const bytes = py();
        if (addr + len > bytes.length) return fail(-3, "a buffer lies outside MicroPython's memory");
        const err = panels[id].data(bytes, addr, len);
        return err ? fail(PANEL_ERROR, err) : 0;
      }),

    panel_pixel: (id, x, y) => {
      const p = panels[id];
      if (!(x >= 0 && y >= 0 && x < p.width && y < p.height)) return -1;
      const o = (y * p.width + x) * 4;
      const fb = p.rgba;
      return ((fb[o] >> 3) << 11) | ((fb[o + 1] >> 2) << 5) | (fb[o + 2] >> 3);
    },

    /** The panel object itself, for the worker (not called from Python). */
    panelObject: (id) => panels[id],
  };
}
