// An animated GIF from RGBA frames: one global palette when the frames use at most
// 256 colours (stage games use few: 16 a layer), else a 6x7x6 colour cube; LZW with
// the usual variable-width codes; identical frames in a row merged; loops forever.

/**
 * The GIF of `frames` ([{rgba, delay}], delay in milliseconds; every rgba is
 * `width` x `height` pixels) as a Uint8Array.
 */
export function encodeGif(frames, width, height) {
  if (!frames.length) throw new Error("no frames to encode");
  // Merge identical frames in a row (a game that draws nothing new).
  const merged = [];
  for (const f of frames) {
    const last = merged[merged.length - 1];
    if (last && sameRgba(last.rgba, f.rgba)) last.delay += f.delay;
    else merged.push({ rgba: f.rgba, delay: f.delay });
  }
  const { palette, index } = makePalette(merged, width * height);
  const out = new ByteWriter();
  out.text("GIF89a");
  out.u16(width);
  out.u16(height);
  out.byte(0xf7); // global colour table of 256 entries, 8 bits of colour resolution
  out.byte(0);
  out.byte(0);
  for (let i = 0; i < 256; i++) {
    const c = palette[i] || 0;
    out.byte(c >> 16);
    out.byte((c >> 8) & 255);
    out.byte(c & 255);
  }
  // Netscape extension: loop forever.
  out.bytes([0x21, 0xff, 0x0b]);
  out.text("NETSCAPE2.0");
  out.bytes([3, 1, 0, 0, 0]);
  const pixels = new Uint8Array(width * height);
  for (const f of merged) {
    const cs = Math.max(2, Math.round(f.delay / 10));
    out.bytes([0x21, 0xf9, 4, 0x04]); // graphic control: no disposal, no transparency
    out.u16(Math.min(cs, 0xffff));
    out.bytes([0, 0]);
    out.byte(0x2c);
    out.u16(0);
    out.u16(0);
    out.u16(width);
    out.u16(height);
    out.byte(0);
    const rgba = f.rgba;
    for (let p = 0, o = 0; p < pixels.length; p++, o += 4) {
      pixels[p] = index((rgba[o] << 16) | (rgba[o + 1] << 8) | rgba[o + 2]);
    }
    out.byte(8);
    lzw(pixels, 8, out);
    out.byte(0);
  }
  out.byte(0x3b);
  return out.result();
}

function sameRgba(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makePalette(frames) {
  const seen = new Map();
  for (const f of frames) {
    const rgba = f.rgba;
    for (let o = 0; o < rgba.length; o += 4) {
      const c = (rgba[o] << 16) | (rgba[o + 1] << 8) | rgba[o + 2];
      if (!seen.has(c)) {
        if (seen.size === 256) return cube();
        seen.set(c, seen.size);
      }
    }
  }
  const palette = [...seen.keys()];
  return { palette, index: (c) => seen.get(c) };
}

/** A 6x7x6 colour cube, for frames of more than 256 colours. */
function cube() {
  const palette = [];
  for (let r = 0; r < 6; r++) for (let g = 0; g < 7; g++) for (let b = 0; b < 6; b++) {
    palette.push((Math.round((r * 255) / 5) << 16) | (Math.round((g * 255) / 6) << 8) | Math.round((b * 255) / 5));
  }
  const index = (c) => {
    const r = Math.round(((c >> 16) * 5) / 255);
    const g = Math.round((((c >> 8) & 255) * 6) / 255);
    const b = Math.round(((c & 255) * 5) / 255);
    return (r * 7 + g) * 6 + b;
  };
  return { palette, index };
}

/** LZW-compresses `pixels` (codes of `minBits` bits) into sub-blocks. */
function lzw(pixels, minBits, out) {
  const clear = 1 << minBits;
  const end = clear + 1;
  let bits = minBits + 1;
  let next = end + 1;
  let dict = new Map();
  const block = [];
  let acc = 0;
  let accBits = 0;
  const emit = (code) => {
    acc |= code << accBits;
    accBits += bits;
    while (accBits >= 8) {
      block.push(acc & 255);
      acc >>>= 8;
      accBits -= 8;
      if (block.length === 255) {
        out.byte(255);
        out.bytes(block);
        block.length = 0;
      }
    }
  };
  emit(clear);
  let prefix = pixels[0];
  for (let i = 1; i < pixels.length; i++) {
    const k = pixels[i];
    const key = (prefix << 8) | k;
    const found = dict.get(key);
    if (found !== undefined) {
      prefix = found;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << bits && bits < 12) bits++;
    } else {
      emit(clear);
      dict = new Map();
      bits = minBits + 1;
      next = end + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (accBits > 0) block.push(acc & 255);
  if (block.length) {
    out.byte(block.length);
    out.bytes(block);
  }
}

class ByteWriter {
  constructor() {
    this.buf = new Uint8Array(1 << 16);
    this.len = 0;
  }

  room(n) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  byte(v) {
    this.room(1);
    this.buf[this.len++] = v & 255;
  }

  u16(v) {
    this.byte(v);
    this.byte(v >> 8);
  }

  bytes(list) {
    this.room(list.length);
    for (const v of list) this.buf[this.len++] = v & 255;
  }

  text(s) {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  result() {
    return this.buf.slice(0, this.len);
  }
}
