// Browser tests of the stage playground (examples/web, built into target/web): a real
// headless Chromium (Debian's chromium) driven with puppeteer-core.
//
//   node tests/web/check.mjs [--web DIR] [--mpy DIR] [--micropython PATH]
//                            [--chromium PATH] [--out DIR] [--quick] [--only WORDS]
//
// --web: the built page (target/web); --mpy: the x64 modules with run_game.py
// (target/mpy/x64); --micropython: the unix port (.venv/bin/micropython); --out:
// where screenshots and failing frames go (target/web-check); --only: run only the
// tests whose names hold WORDS (and the game tests, which the others build on).
//
// For each example game it runs run_game.py under the unix port for the frames named
// on the "# golden frames:" line of the game's test-keys.txt, with those keys, and
// requires the page's canvas to hold exactly the same pixels at those frames (same
// stage.py, same seed), reporting the frames compared and the page's median frame
// time. It also checks the JavaScript `_stage` with the project's MicroPython tests
// of `_stage.mpy`, edited and uploaded games, bad input (a game that raises, a
// missing asset, a bad image, broken and hostile zips, a game that never yields),
// keys and touch buttons, sound, Gem Cave against the host front end, the GIF, and
// the page served without isolation headers. Ends with "N passed, M failed".

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import puppeteer from "puppeteer-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const { serve } = await import(path.join(ROOT, "examples/web/server.mjs"));

// ------------------------------------------------------------------ options

const opts = {
  web: path.join(ROOT, "target/web"),
  mpy: path.join(ROOT, "target/mpy/x64"),
  micropython: process.env.MICROPYTHON || path.join(ROOT, ".venv/bin/micropython"),
  chromium: process.env.CHROMIUM || "",
  out: path.join(ROOT, "target/web-check"),
  quick: false,
  only: "",
};
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) usage(`${a} needs a value`);
      return args[++i];
    };
    if (a === "--web") opts.web = path.resolve(value());
    else if (a === "--mpy") opts.mpy = path.resolve(value());
    else if (a === "--micropython") opts.micropython = path.resolve(value());
    else if (a === "--chromium") opts.chromium = value();
    else if (a === "--out") opts.out = path.resolve(value());
    else if (a === "--quick") opts.quick = true;
    else if (a === "--only") opts.only = value();
    else usage(`unknown argument ${a}`);
  }
}

function usage(message) {
  console.error(`check.mjs: ${message}\nusage: node tests/web/check.mjs [--web DIR] [--mpy DIR] [--micropython PATH] [--chromium PATH] [--out DIR] [--quick] [--only WORDS]`);
  process.exit(2);
}

function findChromium() {
  if (opts.chromium) return opts.chromium;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  console.error("check.mjs: no chromium found (Debian: apt-get install chromium)");
  process.exit(2);
}

for (const [what, p] of [["the built page", path.join(opts.web, "index.html")], ["run_game.py", path.join(opts.mpy, "run_game.py")], ["micropython", opts.micropython]]) {
  if (!fs.existsSync(p)) {
    console.error(`check.mjs: ${what} not found at ${p} (tests/run web builds everything)`);
    process.exit(2);
  }
}
fs.mkdirSync(opts.out, { recursive: true });

// ------------------------------------------------------------------ images

/** An 8-bit RGB or RGBA PNG: {width, height, rgb} (rgb: 3 bytes a pixel). */
function readPng(file) {
  const b = fs.readFileSync(file);
  if (b.toString("latin1", 1, 4) !== "PNG") throw new Error(`${file} is not a PNG`);
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (at < b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString("latin1", at + 4, at + 8);
    const body = b.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || (body[9] !== 2 && body[9] !== 6) || body[12] !== 0) throw new Error(`${file}: not 8-bit RGB`);
      channels = body[9] === 2 ? 3 : 4;
    } else if (type === "IDAT") idat.push(body);
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const up = y ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y ? px[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += up;
      else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) throw new Error(`${file}: filter ${f}`);
      px[y * stride + x] = v & 255;
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) px.copy(rgb, i * 3, i * channels, i * channels + 3);
  return { width, height, rgb };
}

/** An RGB PNG of `rgb` (for failing frames and diffs). */
function writePng(file, width, height, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, body) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "latin1");
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, tail]);
  };
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(rgb.subarray(y * width * 3, (y + 1) * width * 3)).copy(raw, y * (width * 3 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  fs.writeFileSync(file, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]));
}

function rgbaToRgb(rgba) {
  const rgb = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}

/**
 * Compares canvas pixels (RGBA) with a reference (RGB): null if equal, else what
 * differs; the frame and a diff picture are kept in the output folder.
 */
function compare(rgba, ref, label) {
  const n = ref.width * ref.height;
  if (rgba.length !== n * 4) return `${label}: the canvas holds ${rgba.length / 4} pixels, the reference ${ref.width}x${ref.height}`;
  let diff = 0;
  let first = -1;
  let alpha = 0;
  for (let i = 0; i < n; i++) {
    if (rgba[i * 4 + 3] !== 255) alpha++;
    if (rgba[i * 4] !== ref.rgb[i * 3] || rgba[i * 4 + 1] !== ref.rgb[i * 3 + 1] || rgba[i * 4 + 2] !== ref.rgb[i * 3 + 2]) {
      diff++;
      if (first < 0) first = i;
    }
  }
  if (!diff && !alpha) return null;
  const name = label.replace(/[^a-z0-9]+/gi, "-");
  const got = rgbaToRgb(rgba);
  writePng(path.join(opts.out, `${name}-page.png`), ref.width, ref.height, got);
  const pic = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const same = got[i * 3] === ref.rgb[i * 3] && got[i * 3 + 1] === ref.rgb[i * 3 + 1] && got[i * 3 + 2] === ref.rgb[i * 3 + 2];
    pic.set(same ? [ref.rgb[i * 3] >> 2, ref.rgb[i * 3 + 1] >> 2, ref.rgb[i * 3 + 2] >> 2] : [255, 0, 0], i * 3);
  }
  writePng(path.join(opts.out, `${name}-diff.png`), ref.width, ref.height, pic);
  const at = first >= 0 ? ` first at (${first % ref.width}, ${Math.floor(first / ref.width)})` : "";
  return `${label}: ${diff} pixels differ${at}${alpha ? `, ${alpha} not opaque` : ""} (${name}-page.png, ${name}-diff.png in ${path.relative(ROOT, opts.out)})`;
}

/** The frames of a GIF as RGB: {width, height, frames}. */
function readGif(bytes) {
  const b = Buffer.from(bytes);
  if (b.toString("latin1", 0, 6) !== "GIF89a" && b.toString("latin1", 0, 6) !== "GIF87a") throw new Error("not a GIF");
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  let at = 13;
  let global = null;
  if (b[10] & 0x80) {
    const size = 2 << (b[10] & 7);
    global = b.subarray(at, at + 3 * size);
    at += 3 * size;
  }
  const frames = [];
  const canvas = Buffer.alloc(width * height * 3);
  const blocks = () => {
    const parts = [];
    for (;;) {
      const n = b[at++];
      if (n === 0) break;
      parts.push(b.subarray(at, at + n));
      at += n;
    }
    return Buffer.concat(parts);
  };
  for (;;) {
    const kind = b[at++];
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      at++;
      blocks();
    } else if (kind === 0x2c) {
      const x = b.readUInt16LE(at);
      const y = b.readUInt16LE(at + 2);
      const w = b.readUInt16LE(at + 4);
      const h = b.readUInt16LE(at + 6);
      const packed = b[at + 8];
      at += 9;
      let table = global;
      if (packed & 0x80) {
        const size = 2 << (packed & 7);
        table = b.subarray(at, at + 3 * size);
        at += 3 * size;
      }
      if (packed & 0x40) throw new Error("interlaced GIF");
      const min = b[at++];
      const indices = lzwDecode(blocks(), min, w * h);
      for (let i = 0; i < w * h; i++) {
        const o = ((y + Math.floor(i / w)) * width + x + (i % w)) * 3;
        canvas[o] = table[indices[i] * 3];
        canvas[o + 1] = table[indices[i] * 3 + 1];
        canvas[o + 2] = table[indices[i] * 3 + 2];
      }
      frames.push(Buffer.from(canvas));
    } else throw new Error(`GIF: unknown block 0x${kind.toString(16)} at ${at - 1}`);
  }
  return { width, height, frames };
}

function lzwDecode(data, min, count) {
  const clear = 1 << min;
  const end = clear + 1;
  let size = min + 1;
  let dict = [];
  const reset = () => {
    dict = [];
    for (let i = 0; i < clear; i++) dict.push([i]);
    dict.push(null, null);
    size = min + 1;
  };
  reset();
  const out = [];
  let bits = 0;
  let acc = 0;
  let at = 0;
  let prev = null;
  for (;;) {
    while (bits < size && at < data.length) {
      acc |= data[at++] << bits;
      bits += 8;
    }
    if (bits < size) break;
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) break;
    let entry;
    if (code < dict.length && dict[code]) entry = dict[code];
    else if (code === dict.length && prev) entry = [...prev, prev[0]];
    else throw new Error(`GIF: bad LZW code ${code}`);
    out.push(...entry);
    if (prev && dict.length < 4096) dict.push([...prev, entry[0]]);
    if (dict.length === 1 << size && size < 12) size++;
    prev = entry;
  }
  if (out.length < count) throw new Error(`GIF: ${out.length} pixels of ${count}`);
  return out;
}

// ------------------------------------------------------------------ zips

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const x of buf) c = CRC[(c ^ x) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of entries [{name, data, deflate?, size? (a lying size), flags?}]. */
function makeZip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const body = e.deflate ? zlib.deflateRawSync(data) : data;
    const size = e.size ?? data.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(e.flags || 0, 6);
    head.writeUInt16LE(e.deflate ? 8 : 0, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(size, 22);
    head.writeUInt16LE(name.length, 26);
    locals.push(head, name, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.flags || 0, 8);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ------------------------------------------------------------------ references

const GAMES_DIR = path.join(opts.web, "games");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "stage-web-check-"));

function gameFiles(dir) {
  return fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

function goldenFrames(keysFile) {
  const m = /^#\s*golden frames:\s*(.*)$/m.exec(fs.readFileSync(keysFile, "utf8"));
  if (!m) throw new Error(`${keysFile}: no "# golden frames:" line`);
  return m[1].trim().split(/\s+/).map(Number).sort((a, b) => a - b);
}

const gcd = (a, b) => (b ? gcd(b, a % b) : a);

/** run_game.py's frames of the game in `dir`: {frame: {width, height, rgb}}. */
function referenceFrames(dir, keysText, frames, label, size = "128x128") {
  const out = fs.mkdtempSync(path.join(TMP, `${label}-`));
  const keysFile = path.join(out, "keys.txt");
  fs.writeFileSync(keysFile, keysText);
  const last = Math.max(...frames);
  const every = frames.reduce(gcd);
  const r = spawnSync(opts.micropython, [path.join(opts.mpy, "run_game.py"), dir, "--frames", String(last), "--keys", keysFile, "--out", out, "--every", String(every), "--size", size], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`run_game.py ${label} failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
  const result = {};
  for (const f of frames) result[f] = readPng(path.join(out, `frame-${String(f).padStart(5, "0")}.png`));
  return result;
}

// ------------------------------------------------------------------ the run

let passed = 0;
let failed = 0;
const summary = [];

async function test(name, fn) {
  if (opts.only && !name.includes(opts.only) && !name.includes("run_game.py's frames")) return;
  const t0 = Date.now();
  try {
    const note = await fn();
    passed++;
    console.log(`PASS ${name}${note ? `: ${note}` : ""} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const b64 = (s) => Buffer.from(s, "base64");

/** `promise`, or an error after `seconds`. */
function within(promise, seconds, what) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: nothing after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Waits until the page runs no worker (a stopped game's is gone). */
async function noWorkers(page, seconds = 10) {
  const end = Date.now() + seconds * 1000;
  while (page.workers().length) {
    if (Date.now() > end) throw new Error(`${page.workers().length} workers still running ${seconds} s after Stop`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};

const server = await serve({ root: opts.web, host: "127.0.0.1", port: 0 });
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  protocolTimeout: 600000,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
});
const pageErrors = [];

async function openPage(at = url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(at);
  // Served without the isolation headers, the page reloads once under sw.js.
  await page.waitForFunction(() => window.stageTest && (self.crossOriginIsolated || !("serviceWorker" in navigator)), { timeout: 30000 });
  const info = await page.evaluate(() => stageTest.ready());
  return { page, info };
}

/** Runs the current game of `page` scripted; returns the run's result. */
async function scripted(page, keys, frames, keep, argv = []) {
  return page.evaluate((o) => stageTest.run(o), { mode: "script", keys, frames, keep, argv });
}

async function errorText(page) {
  return page.evaluate(() => stageTest.errorText());
}

/** A good run after bad input: the page still plays bounce. */
async function stillWorks(page) {
  await page.evaluate(() => stageTest.select("bounce"));
  const r = await scripted(page, "", 5, [5]);
  check(r.how === "stopped" && r.captured[5], `the page no longer runs bounce after bad input: ${r.how} ${r.text}`);
  check((await errorText(page)) === "", "the error stays shown after a good run");
}

const games = fs.readdirSync(GAMES_DIR).filter((g) => fs.existsSync(path.join(GAMES_DIR, g, "main.py"))).sort();
const references = {};

try {
  const { page, info } = await openPage();

  await test("the page loads, cross-origin isolated, with the games", async () => {
    check(info.isolated, "the page is not cross-origin isolated");
    for (const g of [...games, "gem-cave"]) check(info.games.includes(g), `${g} is not offered`);
    return `games: ${info.games.join(", ")}`;
  });

  for (const game of games) {
    await test(`${game}: the canvas holds run_game.py's frames`, async () => {
      const dir = path.join(GAMES_DIR, game);
      const keysFile = path.join(dir, "test-keys.txt");
      const keys = fs.readFileSync(keysFile, "utf8");
      const frames = goldenFrames(keysFile);
      const ref = referenceFrames(dir, keys, frames, game);
      references[game] = { keys, frames, ref };
      await page.evaluate((g) => stageTest.select(g), game);
      const last = Math.max(...frames);
      const r = await scripted(page, keys, last, frames);
      check(r.how === "stopped", `the run ended with ${r.how}: ${r.text}`);
      const problems = [];
      for (const f of frames) {
        if (!r.captured[f]) problems.push(`frame ${f} was not shown`);
        else {
          const p = compare(b64(r.captured[f]), ref[f], `${game}-frame-${f}`);
          if (p) problems.push(p);
        }
      }
      // The canvas, as it stays after the run: the last frame.
      const now = await page.evaluate(() => stageTest.canvas());
      const p = compare(b64(now.rgba), ref[last], `${game}-canvas-after`);
      if (p) problems.push(p);
      await page.screenshot({ path: path.join(opts.out, `${game}.png`) });
      check(!problems.length, problems.join("\n"));
      const ms = median(r.times.slice(1));
      summary.push(`${game}: frames ${frames.join(", ")} equal run_game.py's byte for byte (${ref[last].width}x${ref[last].height}); median frame time ${ms.toFixed(2)} ms over ${r.times.length - 1} frames`);
      return `frames ${frames.join(", ")} equal; median frame time ${ms.toFixed(2)} ms`;
    });
  }

  await test("a changed pixel or key makes the comparison fail", async () => {
    const { keys, frames, ref } = references.bounce;
    const f = frames[0];
    // A pixel changed in the reference.
    const changed = { ...ref[f], rgb: Buffer.from(ref[f].rgb) };
    changed.rgb[3 * (5 * changed.width + 7)] ^= 0x08;
    await page.evaluate(() => stageTest.select("bounce"));
    const r = await scripted(page, keys, f, [f]);
    check(compare(b64(r.captured[f]), ref[f], "selfcheck-same") === null, "the unchanged frame should match");
    const p = compare(b64(r.captured[f]), changed, "selfcheck-pixel");
    check(p && p.includes("1 pixels differ") && p.includes("(7, 5)"), `a changed pixel was not caught: ${p}`);
    // A key held a frame later in the page than in run_game.py.
    const later = keys.replace(/^20 X$/m, "21 X");
    check(later !== keys, "bounce's key script has no '20 X' line to move");
    const r2 = await scripted(page, later, f, [f]);
    const q = compare(b64(r2.captured[f]), ref[f], "selfcheck-key");
    check(q !== null, "a key pressed a frame later was not caught");
    const short = (text) => text.replace(/ \(selfcheck.*$/, "");
    return `pixel: ${short(p)}; key: ${short(q)}`;
  });

  await test("the JavaScript _stage passes the MicroPython tests of _stage.mpy", async () => {
    const T = path.join(ROOT, "tests/micropython");
    const file = (name, dir = T) => ({ path: `t/${name}`, base64: fs.readFileSync(path.join(dir, name)).toString("base64") });
    const runTest = async (name, extra, argv) => {
      const files = [{ ...file(name), path: "t/main.py" }, file("stagetest.py"), ...extra];
      check(await page.evaluate((l) => stageTest.uploadFolder(l), files), `cannot load ${name}`);
      const r = await scripted(page, "", 0, [], argv);
      const out = await page.evaluate(() => stageTest.consoleText());
      const last = out.trim().split("\n").filter((l) => /^\d+ passed, \d+ failed/.test(l)).pop() || "";
      return { r, out, last };
    };
    const results = [];
    const conf = await runTest("conformance.py", ["public.json", "bench.json"].map((f) => file(f, path.join(ROOT, "tests/conformance"))), ["public.json", "bench.json"]);
    check(conf.r.how === "ended" && /^\d+ passed, 0 failed$/.test(conf.last), `conformance: ${conf.r.how}: ${conf.out.slice(-2000)}`);
    results.push(`conformance ${conf.last}`);
    // One difference is known: in MicroPython a class attribute is the same object in
    // Layer.__dict__ and through Layer, so Layer.__dict__["frame"] can't be the
    // unchecked function that _stage.mpy's raw method is (docs/web.md).
    const api = await runTest("test_api.py", [], []);
    const fails = api.out.split("\n").filter((l) => l.startsWith("FAIL "));
    const known = "FAIL method_argument_errors: TypeError: self must be a Layer or Text";
    check(/^(\d+) passed, (0|1) failed$/.test(api.last), `test_api.py: ${api.out.slice(-3000)}`);
    check(fails.every((l) => l === known), `test_api.py: unexpected failures:\n${fails.join("\n")}\n${api.out.slice(-3000)}`);
    if (fails.length) check(/raw\["frame"\]\(t, 1, 2\)|line 282/.test(api.out) || api.out.includes("in method_argument_errors"), "the known difference is not where expected");
    results.push(`test_api ${api.last}${fails.length ? " (the known Layer.__dict__['frame'] difference)" : ""}`);
    const gc = await runTest("test_gc.py", [], [opts.quick ? "300" : "1000"]);
    check(gc.r.how === "ended" && /^\d+ passed, 0 failed$/.test(gc.last), `test_gc.py: ${gc.out.slice(-2000)}`);
    results.push(`test_gc ${gc.last}`);
    const fuzz = await runTest("fuzz.py", [], [opts.quick ? "1000" : "3000", "1"]);
    check(fuzz.r.how === "ended" && /^\d+ passed, 0 failed$/.test(fuzz.last), `fuzz.py: ${fuzz.out.slice(-3000)}`);
    results.push(`fuzz ${fuzz.last}`);
    summary.push(`JavaScript _stage: ${results.join("; ")}`);
    return results.join("; ");
  });

  await test("the JavaScript API of stage-wasm: the published streams of the render contract", async () => {
    // The self-contained scene of docs/stage-format.md section 6 (as in tests/micropython):
    // made with layer() and text(), moved, given a frame; its streams' SHA-256.
    const result = await page.evaluate(async () => {
      const { StageWasm, StageError } = await import("./js/stage-wasm.js");
      const stage = await StageWasm.load("stage_wasm.wasm");
      const font = Uint8Array.from({ length: 2048 }, (_, i) => i & 255);
      const textPalette = new Uint8Array(32);
      for (let i = 0; i < 8; i++) textPalette.set([0x80 + i, 0x40 + i], 2 * i);
      textPalette.set([0xf8, 0x1f], 0);
      textPalette.set([0xf8, 0x1f], 8);
      const bank = Uint8Array.from({ length: 2048 }, (_, i) => (i * 37 + 11) & 255);
      const palette = new Uint8Array(32);
      for (let i = 0; i < 16; i++) palette.set([0x10 + i, 0x20 + i], 2 * i);
      palette.set([0xf8, 0x1f], 0);
      const text = stage.text({ font, palette: textPalette, chars: Uint8Array.from([0x41, 0x00, 0xc2, 0x7f, 0x80, 0x05]), width: 3, height: 2 });
      text.move(6, 4);
      const sprite = stage.layer({ graphic: bank, palette });
      sprite.move(5, -3);
      sprite.frame(5, 3);
      const grid = stage.layer({ graphic: bank, palette, map: Uint8Array.from([0x01, 0x23, 0x45, 0x67]), width: 4, height: 2 });
      grid.move(-7, 2);
      const layers = [text, sprite, grid];
      const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
      const cases = [[1, 0, 0, null, 512], [2, 0, 0, null, 100], [1, 0, 0, 0, 512], [2, 0, 0, 0, 100], [1, 3, -2, 0, 64]];
      const hashes = [];
      for (const [scale, vx, vy, background, chunk] of cases) hashes.push(await hex(stage.renderStream(layers, 0, 0, 40, 24, { scale, vx, vy, background, chunk })));
      // RGBA: the stream's pixels, widened.
      const stream = stage.renderStream(layers, 0, 0, 40, 24, { background: 0 });
      const rgba = stage.renderRGBA(layers, 0, 0, 40, 24, { background: 0 });
      let same = rgba.length === 40 * 24 * 4;
      for (let i = 0; same && i < 40 * 24; i++) {
        const v = (stream[2 * i] << 8) | stream[2 * i + 1];
        const [r, g, b] = [v >> 11, (v >> 5) & 63, v & 31];
        same = rgba[4 * i] === ((r << 3) | (r >> 2)) && rgba[4 * i + 1] === ((g << 2) | (g >> 4)) && rgba[4 * i + 2] === ((b << 3) | (b >> 2)) && rgba[4 * i + 3] === 255;
      }
      const errors = [];
      for (const bad of [() => stage.layer({ graphic: bank, palette: palette.subarray(1) }), () => sprite.frame(16, 0), () => stage.layer({ graphic: bank, palette, map: new Uint8Array(1), width: 3, height: 1 })]) {
        try {
          bad();
          errors.push("no error");
        } catch (e) {
          errors.push(e instanceof StageError ? `${e.kind}: ${e.message}` : `not a StageError: ${e}`);
        }
      }
      return { hashes, same, errors };
    });
    const published = [
      "a2db9593966b7ba3539795425cbbaa59c9edf92e602c307ac4e77b949c06e487",
      "e42143167eb1b64be75fa6c274bb11186fcc895e9b759a38bc9e14eda5d052bd",
      "9667b6d94cf3bd0868fde47b6b47759813668c8cbe4919ead1fc164c52641b76",
      "ba4560682d4d097e6d09093b4dd30d2a6d39a47b0221f5968d060e26b2a38df0",
      "e1da24744d97735aca83370dbf3d582551f9af17cfdc2239fce3bff27b59ceb1",
    ];
    check(JSON.stringify(result.hashes) === JSON.stringify(published), `streams: ${result.hashes.join(" ")}`);
    check(result.same, "renderRGBA is not the stream's pixels");
    const expected = ["ValueError: palette must be 32 bytes long (got 31)", "ValueError: frame must be 0..=15, not 16", "ValueError: map buffer too small (1 bytes, needs 2)"];
    check(JSON.stringify(result.errors) === JSON.stringify(expected), `errors: ${result.errors.join("; ")}`);
    return "5 streams with the published SHA-256, RGBA their pixels, StageError for bad input";
  });

  await test("edited source runs: the frame is run_game.py's for the edited game", async () => {
    await page.evaluate(() => stageTest.select("bounce"));
    const dir = path.join(GAMES_DIR, "bounce");
    const source = fs.readFileSync(path.join(dir, "main.py"), "utf8");
    const edited = source.replace('title.text("BOUNCE!")', 'title.text("EDITED!")');
    check(edited !== source, "bounce's main.py has no title.text(\"BOUNCE!\") to edit");
    // Typed into the page's editor, as a person would.
    await page.evaluate((text) => {
      const ed = document.getElementById("editor");
      ed.value = text;
      ed.dispatchEvent(new Event("input"));
    }, edited);
    const copy = path.join(TMP, "bounce-edited");
    fs.mkdirSync(copy);
    for (const f of gameFiles(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    fs.writeFileSync(path.join(copy, "main.py"), edited);
    const ref = referenceFrames(copy, "", [30], "bounce-edited");
    const r = await scripted(page, "", 30, [30]);
    const p = compare(b64(r.captured[30]), ref[30], "bounce-edited-frame-30");
    check(p === null, p);
    const orig = referenceFrames(dir, "", [30], "bounce-unedited");
    check(compare(b64(r.captured[30]), orig[30], "bounce-edited-vs-original") !== null, "the edit made no difference");
    return "frame 30 equals run_game.py's of the edited copy, and differs from the original's";
  });

  await test("another screen size: 160x128 as run_game.py --size 160x128", async () => {
    const { keys } = references.bounce;
    const ref = referenceFrames(path.join(GAMES_DIR, "bounce"), keys, [60], "bounce-160", "160x128");
    await page.evaluate(() => stageTest.select("bounce"));
    await page.evaluate(() => stageTest.setSize("160x128"));
    try {
      const r = await scripted(page, keys, 60, [60]);
      const p = compare(b64(r.captured[60]), ref[60], "bounce-160x128-frame-60");
      check(p === null, p);
    } finally {
      await page.evaluate(() => stageTest.setSize("128x128"));
    }
    return "bounce at 160x128: frame 60 equals run_game.py's";
  });

  await test("an uploaded zip and an uploaded folder play", async () => {
    const dir = path.join(GAMES_DIR, "shooter");
    const zip = makeZip(gameFiles(dir).map((f) => ({ name: `shooter/${f}`, data: fs.readFileSync(path.join(dir, f)), deflate: f.endsWith(".py") })));
    const zipFile = path.join(TMP, "shooter.zip");
    fs.writeFileSync(zipFile, zip);
    const input = await page.$("#zip");
    await input.uploadFile(zipFile);
    await page.waitForFunction(() => stageTest.gameName() === "uploaded", { timeout: 10000 });
    const { keys, ref } = references.shooter;
    const r = await scripted(page, keys, 30, [30]);
    const p = compare(b64(r.captured[30]), ref[30], "shooter-zip-frame-30");
    check(p === null, p);
    const pdir = path.join(GAMES_DIR, "platformer");
    const list = gameFiles(pdir).map((f) => ({ path: `platformer/${f}`, base64: fs.readFileSync(path.join(pdir, f)).toString("base64") }));
    check(await page.evaluate((l) => stageTest.uploadFolder(l), list), `the folder was refused: ${await errorText(page)}`);
    const pr = references.platformer;
    const r2 = await scripted(page, pr.keys, 30, [30]);
    const q = compare(b64(r2.captured[30]), pr.ref[30], "platformer-folder-frame-30");
    check(q === null, q);
    return "shooter.zip and the platformer folder: frame 30 equals run_game.py's";
  });

  await test("bad input shows a readable error and the page keeps working", async () => {
    const seen = [];
    const bounce = path.join(GAMES_DIR, "bounce");
    const folder = (files) => Object.entries(files).map(([p, data]) => ({ path: `bad/${p}`, base64: Buffer.from(data).toString("base64") }));
    const bounceFiles = () => Object.fromEntries(gameFiles(bounce).map((f) => [f, fs.readFileSync(path.join(bounce, f))]));
    const expectError = async (what, patterns) => {
      const text = await errorText(page);
      for (const pat of patterns) check(pat.test(text), `${what}: the error shown doesn't match ${pat}:\n${text}`);
      seen.push(`${what}: "${text.trim().split("\n").pop().slice(0, 90)}"`);
      await stillWorks(page);
    };
    // A game that raises.
    check(await page.evaluate((l) => stageTest.uploadFolder(l), folder({ "main.py": "import stage\n\ndef load(n):\n    raise ValueError('no level %d' % n)\n\nload(3)\n" })), "not loaded");
    let r = await scripted(page, "", 10, []);
    check(r.how === "error", `a raising game ended with ${r.how}`);
    await expectError("a game that raises", [/Traceback/, /File "main\.py", line 4, in load/, /ValueError: no level 3/]);
    // A missing asset.
    const noTiles = bounceFiles();
    delete noTiles["tiles.bmp"];
    check(await page.evaluate((l) => stageTest.uploadFolder(l), folder(noTiles)), "not loaded");
    r = await scripted(page, "", 10, []);
    await expectError("a missing asset", [/OSError/, /File "main\.py", line \d+/, /missing/, /tiles\.bmp/]);
    // A bad image.
    const badImage = bounceFiles();
    badImage["tiles.bmp"] = Buffer.concat([Buffer.from("BM"), Buffer.alloc(60, 0x41)]);
    check(await page.evaluate((l) => stageTest.uploadFolder(l), folder(badImage)), "not loaded");
    r = await scripted(page, "", 10, []);
    await expectError("a bad image", [/ValueError/, /tiles\.bmp/]);
    // Broken and hostile zips, through the page's zip input.
    const main = Buffer.from("print('hi')\n");
    const good = makeZip([{ name: "g/main.py", data: main }]);
    const zips = [
      ["not a zip", Buffer.from("this is not a zip file at all, just text that goes on for a while"), /not a zip archive/],
      ["a truncated zip", good.subarray(0, good.length - 30), /truncated|corrupt/],
      ["a zip with ../ names", makeZip([{ name: "../evil.py", data: main }, { name: "main.py", data: main }]), /outside the game folder/],
      ["an absolute name", makeZip([{ name: "/etc/main.py", data: main }]), /absolute path/],
      ["a zip bomb", makeZip([{ name: "main.py", data: Buffer.alloc(20 << 20), deflate: true }]), /at most 8388608 a file/],
      ["a zip that lies about its size", makeZip([{ name: "main.py", data: Buffer.alloc(1 << 20), deflate: true, size: 100 }]), /more than its stated size/],
      ["an encrypted entry", makeZip([{ name: "main.py", data: main, flags: 1 }]), /encrypted/],
      ["corrupt data", (() => { const z = makeZip([{ name: "main.py", data: Buffer.from("x".repeat(500)), deflate: true }]); z[40] ^= 0xff; z[41] ^= 0xff; return z; })(), /corrupt|CRC/],
      ["no main.py", makeZip([{ name: "g/readme.txt", data: main }]), /no main\.py/],
    ];
    for (const [what, bytes, pattern] of zips) {
      const f = path.join(TMP, `bad-${what.replace(/\W+/g, "-")}.zip`);
      fs.writeFileSync(f, bytes);
      const before = await page.evaluate(() => stageTest.gameName());
      await (await page.$("#zip")).uploadFile(f);
      await page.waitForFunction(() => stageTest.errorText() !== "", { timeout: 20000 });
      check((await page.evaluate(() => stageTest.gameName())) === before, `${what}: the game was replaced`);
      await expectError(what, [pattern]);
    }
    // A game that never yields: Stop ends it.
    check(await page.evaluate((l) => stageTest.uploadFolder(l), folder({ "main.py": "while True:\n    pass\n" })), "not loaded");
    const running = page.evaluate(() => stageTest.run({ mode: "play" }));
    await new Promise((ok) => setTimeout(ok, 1500));
    await page.click("#stop");
    const stopped = await within(running, 10, "Stop");
    check(stopped.how === "stopped", `a game that never yields ended with ${stopped.how}`);
    await noWorkers(page);
    await stillWorks(page);
    seen.push("a game that never yields: stopped by the Stop button");
    await page.evaluate((l) => stageTest.uploadFolder(l), folder({ "main.py": "import stage\nraise RuntimeError('shown to the person playing')\n" }));
    await scripted(page, "", 5, []);
    await page.screenshot({ path: path.join(opts.out, "error.png") });
    await stillWorks(page);
    return seen.join("; ");
  });

  await test("keys and touch buttons reach a game in play mode", async () => {
    const src = [
      "import stage, ugame",
      "game = stage.Stage(ugame.display, 30)",
      "text = stage.Text(16, 2)",
      "game.layers = [text]",
      "seen = 0",
      "while True:",
      "    k = ugame.buttons.get_pressed()",
      "    if k & ~seen:",
      "        seen |= k",
      "        print('seen 0x%02x' % seen)",
      "        text.cursor(0, 0)",
      "        text.text('%02x' % seen)",
      "        game.render_block()",
      "    game.tick()",
      "",
    ].join("\n");
    await page.evaluate((l) => stageTest.uploadFolder(l), [{ path: "keys/main.py", base64: Buffer.from(src).toString("base64") }]);
    const done = page.evaluate(() => stageTest.run({ mode: "play" }));
    await page.waitForFunction(() => stageTest.frame() > 3, { timeout: 20000 });
    await page.focus("#screen");
    await page.keyboard.down("KeyX");
    await new Promise((ok) => setTimeout(ok, 200));
    await page.keyboard.up("KeyX");
    await page.waitForFunction(() => stageTest.consoleText().includes("seen 0x01"), { timeout: 10000 });
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => stageTest.consoleText().includes("seen 0x05"), { timeout: 10000 });
    // A touch button: a tap shorter than a frame is still seen (presses are latched).
    await page.click('#pad button[data-key="O"]');
    await page.waitForFunction(() => stageTest.consoleText().includes("seen 0x25"), { timeout: 10000 });
    await page.evaluate(() => stageTest.stop());
    await within(done, 10, "stop");
    await noWorkers(page);
    // A game that draws, then waits for a key without ticking, is shown while it waits.
    const wait = [
      "import stage, ugame, time",
      "game = stage.Stage(ugame.display, 30)",
      "text = stage.Text(8, 1)",
      "text.text('PRESS X')",
      "game.layers = [text]",
      "game.render_block()",
      "while not ugame.buttons.get_pressed() & ugame.K_X:",
      "    time.sleep(0.05)",
      "print('pressed')",
      "",
    ].join("\n");
    await page.evaluate((l) => stageTest.uploadFolder(l), [{ path: "wait/main.py", base64: Buffer.from(wait).toString("base64") }]);
    const black = b64((await page.evaluate(() => stageTest.canvas())).rgba);
    const waiting = page.evaluate(() => stageTest.run({ mode: "play" }));
    await page.waitForFunction((b) => stageTest.canvas().rgba !== b, { timeout: 10000 }, black.toString("base64"));
    await page.focus("#screen");
    await page.keyboard.press("KeyX");
    const ended = await within(waiting, 10, "the waiting game after X");
    check(ended.how === "ended" && (await page.evaluate(() => stageTest.consoleText())).includes("pressed"), `the waiting game ended with ${ended.how}: ${ended.text}`);
    return "X key, left arrow and the O touch button were seen (0x01, 0x04, 0x20); a game waiting without ticking is shown, and X ends its wait";
  });

  await test("sounds reach Web Audio", async () => {
    const plat = path.join(GAMES_DIR, "platformer");
    const src = "import ugame, stage\nugame.audio.mute(False)\nugame.audio.play(open('coin.wav', 'rb'))\ngame = stage.Stage(ugame.display, 30)\nwhile True:\n    game.tick()\n";
    const list = [{ path: "s/main.py", base64: Buffer.from(src).toString("base64") }, { path: "s/coin.wav", base64: fs.readFileSync(path.join(plat, "coin.wav")).toString("base64") }, { path: "s/bad.wav", base64: Buffer.from("nope").toString("base64") }];
    await page.evaluate((l) => stageTest.uploadFolder(l), list);
    await page.click("#sound");
    const done = page.evaluate(() => stageTest.run({ mode: "play" }));
    await page.waitForFunction(() => stageTest.sounds() > 0, { timeout: 15000 });
    await page.evaluate(() => stageTest.stop());
    await within(done, 10, "stop");
    await page.click("#sound");
    return "coin.wav decoded and started";
  });

  await test("Gem Cave in WebAssembly: the host front end's frames, and it plays", async () => {
    // Scripted: the same frames as the host front end (art loaded at run time).
    const keys = [];
    for (let f = 1; f <= 160; f++) keys.push(f === 5 ? 1 : f >= 10 && f <= 60 ? 8 : f > 60 && f <= 110 ? 2 : f > 110 ? 4 : 0);
    const host = spawnSync("cargo", ["run", "--locked", "--quiet", "-p", "gem-cave-web", "--example", "gem_frames", "--", keys.join(",")], { cwd: ROOT, maxBuffer: 1 << 24 });
    check(host.status === 0, `cargo run --example gem_frames failed: ${host.stderr}`);
    await page.evaluate(() => stageTest.select("gem-cave"));
    const got = b64(await page.evaluate((k) => stageTest.gemSteps(k), keys));
    const ref = { width: 128, height: 128, rgb: rgbaToRgb(host.stdout) };
    const p = compare(got, ref, "gem-cave-frame-160");
    check(p === null, p);
    // Live: started with X, walked with the right arrow, at 30 frames a second.
    const before = b64((await page.evaluate(() => stageTest.canvas())).rgba);
    const running = page.evaluate(() => stageTest.run());
    await page.waitForFunction(() => stageTest.frame() > 10, { timeout: 10000 });
    await page.focus("#screen");
    await page.keyboard.press("KeyX");
    await page.keyboard.down("ArrowRight");
    await new Promise((ok) => setTimeout(ok, 1500));
    await page.keyboard.up("ArrowRight");
    const status = await page.evaluate(() => stageTest.status());
    check(/playing/.test(status), `Gem Cave is not playing: ${status}`);
    const after = b64((await page.evaluate(() => stageTest.canvas())).rgba);
    check(!after.equals(before), "the screen did not change");
    await page.screenshot({ path: path.join(opts.out, "gem-cave.png") });
    await page.evaluate(() => stageTest.stop());
    await within(running, 10, "stop");
    // The GIF of the last seconds: valid, its last frame what the canvas shows.
    await new Promise((ok) => setTimeout(ok, 100));
    const gif = readGif(b64(await page.evaluate(() => stageTest.gif())));
    const now = await page.evaluate(() => stageTest.canvas());
    check(gif.width === now.width && gif.height === now.height, `GIF ${gif.width}x${gif.height}`);
    check(gif.frames.length > 5, `the GIF has ${gif.frames.length} frames`);
    const lastGif = gif.frames[gif.frames.length - 1];
    const q = compare(b64(now.rgba), { width: gif.width, height: gif.height, rgb: lastGif }, "gem-cave-gif-last");
    check(q === null, q);
    summary.push(`Gem Cave: frame 160 of a scripted game equals the host front end's; live: ${status}; GIF of ${gif.frames.length} frames`);
    return `frame 160 equals the host's; ${status}; GIF of ${gif.frames.length} frames`;
  });

  await page.close();

  await test("served without isolation headers, the page isolates itself (sw.js) and plays", async () => {
    const plain = await serve({ root: opts.web, host: "127.0.0.1", port: 0, isolation: false });
    try {
      const { page: p2, info: i2 } = await openPage(`http://127.0.0.1:${plain.address().port}/`);
      check(i2.isolated, "the page is not cross-origin isolated after the service worker's reload");
      await p2.evaluate(() => stageTest.select("bounce"));
      const { keys, ref, frames } = references.bounce;
      const r = await scripted(p2, keys, frames[0], [frames[0]]);
      const q = compare(b64(r.captured[frames[0]]), ref[frames[0]], "bounce-no-headers");
      check(q === null, q);
      await p2.close();
    } finally {
      plain.close();
    }
    return "isolated through sw.js; bounce frame 30 equals run_game.py's";
  });

  await test("no uncaught errors in the page", async () => {
    check(!pageErrors.length, pageErrors.join("\n"));
  });
} finally {
  await browser.close();
  server.close();
  fs.rmSync(TMP, { recursive: true, force: true });
}

console.log("");
for (const line of summary) console.log(line);
console.log(`screenshots: ${path.relative(ROOT, opts.out)}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
