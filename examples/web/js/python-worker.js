// The worker a Python game runs in: real MicroPython (the WebAssembly port from npm),
// with `_stage` registered from JavaScript over stage-core in WebAssembly, the
// project's stage.py and the headless console (_headless, ugame, time) with the
// page's side of it (_browser). One worker runs one game: the page ends a run with the stop word of the shared memory and by
// terminating the worker (a game is a loop that never returns to the event loop),
// so a new run always starts from a fresh interpreter.
//
// Messages in: {type: "run", files: {path: ArrayBuffer}, config, sab}
// Messages out: ready, stdout {text}, frame {n, rgba, width, height, ms, keep},
// sound {bytes, loop, name}, stop-sound, finish {how, text, frames}, fatal {text}.

import { StageWasm } from "./stage-wasm.js";
import { stageBridge } from "./stage-bridge.js";

const post = (msg, transfer) => self.postMessage(msg, transfer || []);

/**
 * Loads the MicroPython port and returns it with its WebAssembly.Memory, which the
 * port doesn't export: it is taken from the instance as the port instantiates it.
 */
async function loadPort() {
  let memory = null;
  const grab = (result) => {
    const instance = result.instance || result;
    // The port's instance (not stage_wasm.wasm's, which loads at the same time).
    const e = instance.exports;
    if (e && typeof e.mp_js_init === "function" && e.memory instanceof WebAssembly.Memory) memory = e.memory;
    return result;
  };
  const instantiate = WebAssembly.instantiate;
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiate = (...args) => instantiate.apply(WebAssembly, args).then(grab);
  if (streaming) WebAssembly.instantiateStreaming = (...args) => streaming.apply(WebAssembly, args).then(grab);
  let mp;
  try {
    const { loadMicroPython } = await import("../micropython/micropython.mjs");
    mp = await loadMicroPython({
      heapsize: 8 * 1024 * 1024,
      stdout: (text) => post({ type: "stdout", text: text + "\n" }),
      stderr: (text) => post({ type: "stdout", text: text + "\n" }),
    });
  } finally {
    WebAssembly.instantiate = instantiate;
    if (streaming) WebAssembly.instantiateStreaming = streaming;
  }
  if (!memory) throw new Error("could not reach MicroPython's memory (the port was not instantiated as expected)");
  return { mp, memory };
}

/** Writes `files` ({path: ArrayBuffer}) under `root` in the port's filesystem. */
function writeTree(FS, root, files) {
  FS.mkdirTree(root);
  for (const [path, data] of Object.entries(files)) {
    const full = `${root}/${path}`;
    const dir = full.slice(0, full.lastIndexOf("/"));
    if (dir) FS.mkdirTree(dir);
    FS.writeFile(full, new Uint8Array(data));
  }
}

/** The project's Python files for /web (fetched next to the page). */
async function webFiles() {
  const base = new URL("../python/", import.meta.url);
  const names = await (await fetch(new URL("files.json", base))).json();
  const files = {};
  await Promise.all(
    names.map(async (name) => {
      const r = await fetch(new URL(name, base));
      if (!r.ok) throw new Error(`cannot load python/${name}: HTTP ${r.status}`);
      files[name] = await r.arrayBuffer();
    }),
  );
  return files;
}

/** The `_browser_js` module: clock, keys, frames and sounds for _browser.py. */
function browserModule(memory, bridge, config, sab) {
  const shared = sab ? new Int32Array(sab) : new Int32Array(4);
  const keep = new Set(config.keep || []);
  const t0 = performance.now();
  const play = config.mode !== "script";
  let lastShown = 0;
  let frames = 0;
  const show = (id, n, ms, extra) => {
    const panel = bridge.panelObject(id);
    const rgba = panel.rgba.slice();
    panel.changed = false;
    lastShown = performance.now();
    post({ type: "frame", n, rgba: rgba.buffer, width: panel.width, height: panel.height, ms, keep: !extra && keep.has(n), extra }, [rgba.buffer]);
  };
  // In play mode a game that draws and then waits without ticking (a menu polling
  // the buttons, a pause) is shown too, at most every 30 ms: from its sleeps and
  // button polls. (Script mode shows frames at ticks only, as run_game.py counts.)
  // The page asks a run to stop with word 3; any call from Python then ends it (the
  // exception unwinds the interpreter, which is thrown away with the worker).
  const stopped = () => {
    if (sab && Atomics.load(shared, 3)) throw new Error("stopped by the page");
  };
  const showWaiting = () => {
    const panel = bridge.panelObject(0);
    if (play && panel && panel.changed && performance.now() - lastShown > 30) show(0, frames, 0, true);
  };
  return {
    perf_ms: () => {
      stopped();
      return performance.now();
    },
    now_us: () => {
      stopped();
      return Math.floor((performance.now() - t0) * 1000) % 0x40000000;
    },
    sleep_us: (us) => {
      stopped();
      showWaiting();
      const ms = us / 1000;
      if (sab) {
        Atomics.wait(shared, 2, 0, ms);
        stopped();
      } else {
        const end = performance.now() + ms;
        while (performance.now() < end) {
          /* no shared memory: spin */
        }
      }
      return 0;
    },
    keys: () => {
      stopped();
      showWaiting();
      return Atomics.load(shared, 0) | Atomics.exchange(shared, 1, 0);
    },
    present: (id, n, ms) => {
      stopped();
      frames = n;
      show(id, n, ms, false);
      return 0;
    },
    play: (addr, len, loop, name) => {
      const bytes = new Uint8Array(memory.buffer, addr, len).slice();
      post({ type: "sound", bytes: bytes.buffer, loop: !!loop, name: String(name) }, [bytes.buffer]);
      return 0;
    },
    stop: () => {
      post({ type: "stop-sound" });
      return 0;
    },
    finish: (how, text, frames) => {
      post({ type: "finish", how, text, frames });
      return 0;
    },
  };
}

self.onmessage = async ({ data }) => {
  if (data.type !== "run") return;
  try {
    const [{ mp, memory }, stage, web] = await Promise.all([
      loadPort(),
      StageWasm.load(new URL("../stage_wasm.wasm", import.meta.url)),
      webFiles(),
    ]);
    const bridge = stageBridge(stage, memory);
    mp.registerJsModule("_stage_wasm", bridge);
    mp.registerJsModule("_browser_js", browserModule(memory, bridge, data.config, data.sab));
    writeTree(mp.FS, "/web", web);
    writeTree(mp.FS, "/game", data.files);
    mp.runPython("import sys\nsys.path[:0] = ['/web']\nimport _stagejs");
    const py = mp.pyimport("_stagejs");
    mp.registerJsModule("_stage", { __name__: "_stage", Layer: py.Layer, Text: py.Text, render: py.render });
    // Check that MicroPython's buffers are where the bridge reads them.
    mp.runPython(
      "import uctypes, _stage_wasm\n" +
        "_probe = bytearray(b'stage-probe')\n" +
        "_probe_at = uctypes.addressof(_probe)",
    );
    const probe = new Uint8Array(memory.buffer, mp.globals.get("_probe_at"), 11);
    if (new TextDecoder().decode(probe) !== "stage-probe") throw new Error("MicroPython's memory is not where the bridge reads it");
    post({ type: "ready" });
    const run = mp.pyimport("_webrun");
    run.main(JSON.stringify(data.config));
  } catch (err) {
    post({ type: "fatal", text: String((err && (err.message || err)) || err) });
  }
};
