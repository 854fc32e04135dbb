// The playground page: picks a game (an example Python game, an uploaded folder or
// zip, or Gem Cave in Rust), runs it (Python games in a worker, python-worker.js;
// Gem Cave here, gem-cave.js), shows its frames on the canvas, passes it the keys
// and the touch buttons, plays its sounds, lets the Python source be edited and run
// again, shows a traceback when it fails, and writes a GIF of the last seconds.
//
// window.stageTest is the same machinery for tests (tests/web): scripted runs whose
// frames are read back from the canvas, and what the page shows.

import { encodeGif } from "./gif.js";
import { GemCave } from "./gem-cave.js";
import { LIMITS, ZipError, gameFromFiles, readZip, safePath } from "./zip.js";

const $ = (id) => document.getElementById(id);
const KEY_BITS = { X: 0x01, DOWN: 0x02, LEFT: 0x04, RIGHT: 0x08, UP: 0x10, O: 0x20, START: 0x40, SELECT: 0x80 };
const KEYMAP = {
  ArrowUp: "UP", KeyW: "UP", ArrowDown: "DOWN", KeyS: "DOWN", ArrowLeft: "LEFT", KeyA: "LEFT",
  ArrowRight: "RIGHT", KeyD: "RIGHT", KeyX: "X", Space: "X", KeyK: "X", KeyZ: "O", KeyO: "O", KeyJ: "O",
  Enter: "START", Backspace: "SELECT", ShiftRight: "SELECT",
};
const GIF_SECONDS = 10;
const GIF_BYTES = 64 << 20;
const GEM_FPS = 30;
const RUST = "gem-cave";

const page = {
  games: [], // [{name, title, kind, files?: [names]}]
  game: null, // {name, title, kind, files: Map, main}
  worker: null,
  gem: null, // GemCave
  gemTimer: 0,
  sab: null, // shared with the game's worker: held keys, latched presses, sleeping, stop
  heldMask: 0,
  latched: 0,
  recent: [], // GIF: [{t, rgba, width, height}]
  latest: null,
  drawn: true,
  times: [],
  frame: 0,
  sound: false,
  audio: null,
  playing: null,
  run: null, // the run in progress: {resolve, keep, captured, times, finish}
  consoleText: "",
};
const canShare = typeof SharedArrayBuffer === "function" && self.crossOriginIsolated;
let shared = null;

/** Fresh shared memory for a run (a stopped worker may still run for a moment). */
function newShared() {
  page.sab = canShare ? new SharedArrayBuffer(16) : null;
  shared = page.sab ? new Int32Array(page.sab) : null;
  if (shared) Atomics.store(shared, 0, page.heldMask);
}

// ------------------------------------------------------------------ messages

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  $("error-text").textContent = text;
  $("error").hidden = false;
}

function clearError() {
  $("error-text").textContent = "";
  $("error").hidden = true;
}

function log(text) {
  page.consoleText = (page.consoleText + text).slice(-20000);
  const pre = $("console");
  pre.textContent = page.consoleText;
  pre.scrollTop = pre.scrollHeight;
}

// ------------------------------------------------------------------ the screen

function drawRgba(rgba, width, height) {
  const canvas = $("screen");
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    canvas.style.width = `${Math.min(3, Math.floor(384 / width) || 1) * width}px`;
  }
  canvas.getContext("2d").putImageData(new ImageData(rgba, width, height), 0, 0);
}

function canvasRgba() {
  const canvas = $("screen");
  return canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
}

function showFrame(rgba, width, height, ms, extra = false) {
  const now = performance.now();
  page.latest = { rgba, width, height };
  page.drawn = false;
  if (!extra) page.frame++;
  if (ms > 0) {
    page.times.push(ms);
    if (page.times.length > 60) page.times.shift();
  }
  page.recent.push({ t: now, rgba, width, height });
  // The last GIF_SECONDS, at most 60 frames a second and GIF_BYTES of pictures.
  const most = Math.min(GIF_SECONDS * 60, Math.floor(GIF_BYTES / rgba.length));
  while (page.recent.length && (now - page.recent[0].t > GIF_SECONDS * 1000 || page.recent.length > most)) page.recent.shift();
}

function paint() {
  if (!page.drawn && page.latest) {
    const { rgba, width, height } = page.latest;
    drawRgba(rgba, width, height);
    page.drawn = true;
    const t = [...page.times].sort((a, b) => a - b);
    const median = t.length ? t[t.length >> 1].toFixed(2) : "-";
    const what = page.game && page.game.kind === "rust" && page.gem ? `${page.gem.status()} · ` : "";
    setStatus(`${page.game ? page.game.title : ""}: ${what}frame ${page.frame} · ${median} ms a frame (median of the last ${t.length})`);
  }
  requestAnimationFrame(paint);
}

// ------------------------------------------------------------------ keys

function setKeys(mask) {
  page.heldMask = mask;
  if (shared) {
    const before = Atomics.exchange(shared, 0, mask);
    Atomics.or(shared, 1, mask & ~before);
  }
  page.latched |= mask;
  for (const b of document.querySelectorAll("#pad button")) b.classList.toggle("held", !!(mask & KEY_BITS[b.dataset.key]));
}

const held = new Set();
function keyChange(name, down) {
  if (down) held.add(name);
  else held.delete(name);
  let mask = 0;
  for (const k of held) mask |= KEY_BITS[k];
  setKeys(mask);
}

function typingInto(target) {
  return target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT");
}

addEventListener("keydown", (e) => {
  const key = KEYMAP[e.code];
  if (!key || typingInto(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  e.preventDefault();
  startAudio();
  keyChange(key, true);
});
addEventListener("keyup", (e) => {
  const key = KEYMAP[e.code];
  if (key) keyChange(key, false);
});
addEventListener("blur", () => {
  held.clear();
  setKeys(0);
});

for (const button of document.querySelectorAll("#pad button")) {
  const key = button.dataset.key;
  const press = (e) => {
    e.preventDefault();
    startAudio();
    button.setPointerCapture?.(e.pointerId);
    keyChange(key, true);
  };
  const release = (e) => {
    e.preventDefault();
    keyChange(key, false);
  };
  button.addEventListener("pointerdown", press);
  button.addEventListener("pointerup", release);
  button.addEventListener("pointercancel", release);
  button.addEventListener("contextmenu", (e) => e.preventDefault());
}

// ------------------------------------------------------------------ sound

function startAudio() {
  if (!page.sound) return;
  if (!page.audio) page.audio = new AudioContext();
  if (page.audio.state === "suspended") page.audio.resume();
}

function stopSound() {
  if (page.playing) {
    try {
      page.playing.stop();
    } catch {
      // already stopped
    }
    page.playing = null;
  }
}

async function playSound(bytes, loop, name) {
  if (!page.sound) return;
  startAudio();
  let buffer;
  try {
    buffer = await page.audio.decodeAudioData(bytes);
  } catch {
    log(`[sound] ${name}: not a sound file the browser can play\n`);
    return;
  }
  stopSound();
  const source = page.audio.createBufferSource();
  source.buffer = buffer;
  source.loop = loop;
  source.connect(page.audio.destination);
  source.start();
  page.playing = source;
  page.soundCount = (page.soundCount || 0) + 1;
}

const TONES = { start: [440, 660], gem: [880, 1320], door: [330, 660, 990], hit: [160, 110], win: [523, 659, 784, 1047], lose: [392, 330, 262] };
function beep(effect) {
  if (!page.sound) return;
  startAudio();
  const ctx = page.audio;
  let t = ctx.currentTime;
  for (const f of TONES[effect] || [440]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.06, t);
    gain.gain.exponentialRampToValueAtTime(0.001, t + 0.09);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.1);
    t += 0.08;
  }
}

// ------------------------------------------------------------------ games

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function loadExamples() {
  const list = await (await fetch("games/games.json")).json();
  page.games = [...list.games.map((g) => ({ ...g, kind: "python" })), { name: RUST, title: "Gem Cave (Rust)", kind: "rust" }];
  const select = $("game");
  select.textContent = "";
  for (const g of page.games) select.append(new Option(g.title, g.name));
}

async function selectExample(name) {
  const g = page.games.find((x) => x.name === name);
  if (!g) throw new Error(`no game ${name}`);
  if (g.kind === "rust") {
    setGame({ name: RUST, title: g.title, kind: "rust", files: new Map(), main: null });
    return;
  }
  const files = new Map();
  await Promise.all(g.files.map(async (f) => files.set(f, await fetchBytes(`games/${g.name}/${f}`))));
  setGame({ name: g.name, title: g.title, kind: "python", files, main: g.main || "main.py" });
}

function addUploadedOption(title) {
  const select = $("game");
  let option = [...select.options].find((o) => o.value === "uploaded");
  if (!option) {
    option = new Option(title, "uploaded");
    select.append(option);
  }
  option.text = title;
  select.value = "uploaded";
}

function setGame(game) {
  stop();
  page.game = game;
  clearError();
  const select = $("file");
  select.textContent = "";
  const editable = [...game.files.keys()].filter((p) => /\.(py|txt|json|csv)$/i.test(p)).sort((a, b) => (a === game.main ? -1 : b === game.main ? 1 : a.localeCompare(b)));
  for (const p of editable) select.append(new Option(p, p));
  select.disabled = !editable.length;
  $("editor").disabled = game.kind === "rust";
  $("file-note").textContent = game.kind === "rust" ? "Gem Cave is Rust (examples/game): compiled to WebAssembly, not editable here." : `${game.files.size} files`;
  showFile();
  setStatus(`${game.title}: ready (Run plays it)`);
}

function showFile() {
  const path = $("file").value;
  const editor = $("editor");
  if (!page.game || page.game.kind === "rust" || !path) {
    editor.value = "";
    return;
  }
  editor.value = new TextDecoder().decode(page.game.files.get(path));
  editor.dataset.path = path;
}

function keepEdits() {
  const editor = $("editor");
  const path = editor.dataset.path;
  if (page.game && page.game.kind === "python" && path && page.game.files.has(path)) {
    page.game.files.set(path, new TextEncoder().encode(editor.value));
  }
}

/** A game from uploaded files ([{path, bytes}]), checked as a zip's files are. */
function gameFromUpload(list, title) {
  if (list.length > LIMITS.files) throw new ZipError(`more than ${LIMITS.files} files`);
  const files = new Map();
  let total = 0;
  for (const { path, bytes } of list) {
    const p = safePath(path);
    if (p === null) continue;
    if (bytes.length > LIMITS.fileBytes) throw new ZipError(`${p} is ${bytes.length} bytes (at most ${LIMITS.fileBytes} a file)`);
    total += bytes.length;
    if (total > LIMITS.totalBytes) throw new ZipError(`the files add up to more than ${LIMITS.totalBytes >> 20} MiB`);
    files.set(p, bytes);
  }
  const { files: top, main } = gameFromFiles(files);
  return { name: "uploaded", title, kind: "python", files: top, main };
}

async function uploadFolder(fileList) {
  try {
    const list = [...fileList];
    if (list.length > LIMITS.files) throw new ZipError(`more than ${LIMITS.files} files`);
    let total = 0;
    for (const f of list) {
      total += f.size;
      if (total > LIMITS.totalBytes) throw new ZipError(`the files add up to more than ${LIMITS.totalBytes >> 20} MiB`);
    }
    const entries = await Promise.all(list.map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const name = (list[0] && (list[0].webkitRelativePath || "").split("/")[0]) || "folder";
    const game = gameFromUpload(entries, `${name} (uploaded)`);
    addUploadedOption(game.title);
    setGame(game);
    return true;
  } catch (err) {
    showError(`Cannot use this folder: ${err.message}`);
    return false;
  }
}

async function uploadZip(file) {
  try {
    if (file.size > 64 << 20) throw new ZipError("the zip file is larger than 64 MiB");
    const files = await readZip(new Uint8Array(await file.arrayBuffer()));
    const game = gameFromUpload([...files].map(([path, bytes]) => ({ path, bytes })), `${file.name} (uploaded)`);
    addUploadedOption(game.title);
    setGame(game);
    return true;
  } catch (err) {
    showError(`Cannot use ${file.name}: ${err.message}`);
    return false;
  }
}

// ------------------------------------------------------------------ running

function stop() {
  if (page.worker) {
    // The worker may be blocked in a sleep or about to call into the page: the stop
    // word makes its next call end the run, then it is terminated.
    if (shared) {
      Atomics.store(shared, 3, 1);
      Atomics.notify(shared, 2);
    }
    page.worker.terminate();
    page.worker = null;
  }
  if (page.gemTimer) {
    clearInterval(page.gemTimer);
    page.gemTimer = 0;
  }
  stopSound();
  if (page.run && !page.run.done) finishRun({ how: "stopped", text: "stopped by the page", frames: page.frame });
}

function finishRun(result) {
  const run = page.run;
  if (!run || run.done) return;
  run.done = true;
  run.resolve({ ...result, captured: run.captured, times: run.times });
}

function screenSize() {
  const [w, h] = $("size").value.split("x").map(Number);
  return { width: w, height: h };
}

/**
 * Runs the current game. Python: `mode` "play" or "script" (with `keys`, the key
 * script, and `frames`, the frame to stop at; the frames of `keep` are read back from
 * the canvas). Resolves when the run ends.
 */
function run({ mode = "play", keys = "", frames = 0, keep = [], argv = [] } = {}) {
  stop();
  keepEdits();
  clearError();
  page.consoleText = "";
  $("console").textContent = "";
  page.frame = 0;
  page.times = [];
  page.recent = [];
  const game = page.game;
  const done = new Promise((resolve) => {
    page.run = { resolve, keep: new Set(keep), captured: {}, times: [], done: false };
  });
  if (!game) {
    finishRun({ how: "error", text: "no game" });
    return done;
  }
  if (game.kind === "rust") {
    runGem();
    return done;
  }
  const { width, height } = screenSize();
  const files = {};
  for (const [p, b] of game.files) files[p] = b.slice().buffer;
  newShared();
  const worker = new Worker(new URL("./python-worker.js", import.meta.url), { type: "module" });
  page.worker = worker;
  worker.onerror = (e) => {
    showError(`The game's worker failed: ${e.message || "unknown error"}`);
    finishRun({ how: "error", text: e.message || "worker error", frames: page.frame });
  };
  worker.onmessage = ({ data }) => onWorker(worker, data);
  if (!shared) log("[page] not cross-origin isolated: the keys can't reach a Python game (see docs/web.md)\n");
  setStatus(`${game.title}: starting MicroPython...`);
  worker.postMessage({ type: "run", files, config: { main: game.main, mode, keys, frames, keep, width, height, argv }, sab: page.sab });
  return done;
}

function onWorker(worker, data) {
  if (worker !== page.worker) return;
  const r = page.run;
  switch (data.type) {
    case "ready":
      setStatus(`${page.game.title}: running`);
      break;
    case "stdout":
      log(data.text);
      break;
    case "frame": {
      const rgba = new Uint8ClampedArray(data.rgba);
      showFrame(rgba, data.width, data.height, data.ms, data.extra);
      if (r && data.ms > 0) r.times.push(data.ms);
      if (data.keep && r) {
        // The frame as the canvas holds it.
        drawRgba(rgba, data.width, data.height);
        page.drawn = true;
        r.captured[data.n] = toBase64(canvasRgba());
      }
      break;
    }
    case "sound":
      playSound(data.bytes, data.loop, data.name);
      break;
    case "stop-sound":
      stopSound();
      break;
    case "finish":
      if (data.how === "error") showError(data.text);
      setStatus(`${page.game.title}: ${data.how === "error" ? "failed (see the error)" : data.text} after ${data.frames} frames`);
      page.worker = null;
      worker.terminate();
      finishRun(data);
      break;
    case "fatal":
      showError(`The game could not start: ${data.text}`);
      page.worker = null;
      worker.terminate();
      finishRun({ how: "error", text: data.text, frames: page.frame });
      break;
    default:
      break;
  }
}

async function runGem() {
  try {
    if (!page.gemModule) page.gemModule = await GemCave.load("gem_cave_web.wasm");
    page.gem = page.gemModule;
    page.gem.restart();
  } catch (err) {
    showError(`Gem Cave could not start: ${err.message}`);
    finishRun({ how: "error", text: err.message });
    return;
  }
  const gem = page.gem;
  const frame = () => {
    const t = performance.now();
    const keys = page.heldMask | page.latched;
    page.latched = 0;
    for (const effect of gem.step(keys & 0xff)) beep(effect);
    const rgba = gem.rgba();
    showFrame(rgba, gem.width, gem.height, performance.now() - t);
  };
  showFrame(gem.rgba(), gem.width, gem.height, 0);
  setStatus("Gem Cave: running");
  page.gemTimer = setInterval(frame, 1000 / GEM_FPS);
}

// ------------------------------------------------------------------ GIF

function gifBytes() {
  const frames = page.recent;
  if (!frames.length) throw new Error("nothing to record yet: run a game first");
  const last = frames[frames.length - 1];
  const same = frames.filter((f) => f.width === last.width && f.height === last.height);
  const list = same.map((f, i) => ({ rgba: f.rgba, delay: i + 1 < same.length ? same[i + 1].t - f.t : 100 }));
  return encodeGif(list, last.width, last.height);
}

function downloadGif() {
  try {
    const bytes = gifBytes();
    const url = URL.createObjectURL(new Blob([bytes], { type: "image/gif" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${(page.game && page.game.name) || "stage"}.gif`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    showError(`No GIF: ${err.message}`);
  }
}

// ------------------------------------------------------------------ wiring

function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function isolate() {
  // Cross-origin isolation lets the page share memory with the game's worker (keys,
  // sleeping). Servers that don't send the headers get them from sw.js.
  if (self.crossOriginIsolated || !("serviceWorker" in navigator) || !self.isSecureContext) return;
  try {
    await navigator.serviceWorker.register("sw.js");
    if (!navigator.serviceWorker.controller && !sessionStorage.getItem("stage-isolation-reload")) {
      sessionStorage.setItem("stage-isolation-reload", "1");
      await navigator.serviceWorker.ready;
      location.reload();
      await new Promise(() => {});
    }
  } catch (err) {
    log(`[page] no service worker (${err.message}): the keys won't reach Python games\n`);
  }
}

async function start() {
  await isolate();
  sessionStorage.removeItem("stage-isolation-reload");
  requestAnimationFrame(paint);
  $("run").addEventListener("click", () => {
    startAudio();
    run();
    $("screen").focus();
  });
  $("stop").addEventListener("click", () => {
    stop();
    setStatus(`${page.game ? page.game.title : ""}: stopped`);
  });
  $("game").addEventListener("change", async (e) => {
    if (e.target.value === "uploaded") return;
    try {
      await selectExample(e.target.value);
    } catch (err) {
      showError(`Cannot load the game: ${err.message}`);
    }
  });
  $("file").addEventListener("change", () => {
    keepEdits();
    showFile();
  });
  $("editor").addEventListener("input", keepEdits);
  $("editor").addEventListener("keydown", (e) => {
    if (e.key === "Tab") {
      e.preventDefault();
      const ed = e.target;
      const at = ed.selectionStart;
      ed.setRangeText("    ", at, ed.selectionEnd, "end");
      keepEdits();
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
  });
  $("sound").addEventListener("change", (e) => {
    page.sound = e.target.checked;
    if (page.sound) startAudio();
    else stopSound();
  });
  $("gif").addEventListener("click", downloadGif);
  $("folder").addEventListener("change", (e) => {
    if (e.target.files.length) uploadFolder(e.target.files);
    e.target.value = "";
  });
  $("zip").addEventListener("change", (e) => {
    if (e.target.files.length) uploadZip(e.target.files[0]);
    e.target.value = "";
  });
  $("screen").addEventListener("click", () => $("screen").focus());
  try {
    await loadExamples();
    await selectExample(page.games[0].name);
    $("game").value = page.games[0].name;
  } catch (err) {
    showError(`Cannot load the example games: ${err.message}`);
  }
  page.ready = true;
}

const ready = start();

window.stageTest = {
  ready: () => ready.then(() => ({ isolated: self.crossOriginIsolated, games: page.games.map((g) => g.name) })),
  select: async (name) => {
    await selectExample(name);
    $("game").value = name;
  },
  setSize: (size) => {
    $("size").value = size;
  },
  run: (opts) => run(opts),
  stop: () => stop(),
  setSource: (text, path) => {
    const p = path || page.game.main;
    page.game.files.set(p, new TextEncoder().encode(text));
    $("file").value = p;
    showFile();
  },
  addFile: (path, base64) => {
    page.game.files.set(path, fromBase64(base64));
  },
  removeFile: (path) => page.game.files.delete(path),
  uploadFolder: async (list) =>
    uploadFolder(
      list.map(({ path, base64 }) => {
        const bytes = fromBase64(base64);
        return { webkitRelativePath: path, name: path.split("/").pop(), size: bytes.length, arrayBuffer: async () => bytes.buffer };
      }),
    ),
  canvas: () => {
    const c = $("screen");
    return { width: c.width, height: c.height, rgba: toBase64(canvasRgba()) };
  },
  errorText: () => ($("error").hidden ? "" : $("error-text").textContent),
  consoleText: () => page.consoleText,
  status: () => $("status").textContent,
  frame: () => page.frame,
  gameName: () => page.game && page.game.name,
  gif: () => toBase64(gifBytes()),
  keys: (mask) => setKeys(mask),
  sounds: () => page.soundCount || 0,
  gemSteps: async (keys) => {
    // Gem Cave stepped by the test, not the clock: a frame per entry of `keys`.
    stop();
    if (!page.gemModule) page.gemModule = await GemCave.load("gem_cave_web.wasm");
    page.gem = page.gemModule;
    page.gem.restart();
    for (const k of keys) page.gem.step(k);
    const rgba = page.gem.rgba();
    drawRgba(rgba, page.gem.width, page.gem.height);
    return toBase64(canvasRgba());
  },
};
