// Gem Cave, the Rust demo game, from gem_cave_web.wasm (the crate
// examples/web/gem-cave): a fresh instance per game, stepped 30 times a second with
// the buttons held, its RGBA framebuffer drawn by the page.

/** The sounds a frame reports, one bit each, in the game's order. */
export const EFFECTS = ["start", "gem", "door", "hit", "win", "lose"];

export class GemCave {
  /** Compiles the module once. */
  static async load(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    return new GemCave(await WebAssembly.compile(await response.arrayBuffer()));
  }

  constructor(module) {
    this.module = module;
    this.restart();
  }

  /** A new game, on its title screen. */
  restart() {
    this.exports = new WebAssembly.Instance(this.module, {}).exports;
    this.width = this.exports.gem_width();
    this.height = this.exports.gem_height();
    this.frames = 0;
  }

  /** One frame with `keys` (stage-game's Keys bits) held: the sounds' names. */
  step(keys) {
    this.exports.gem_step(keys);
    this.frames++;
    const bits = this.exports.gem_sounds();
    return EFFECTS.filter((_, i) => bits & (1 << i));
  }

  /** A copy of the framebuffer (RGBA). */
  rgba() {
    const e = this.exports;
    return new Uint8ClampedArray(e.memory.buffer, e.gem_frame(), this.width * this.height * 4).slice();
  }

  /** A line about the game: state, gems, lives. */
  status() {
    const e = this.exports;
    const state = ["title screen", "playing", "won", "lost"][e.gem_state()] || "";
    const gems = e.gem_gems();
    return `${state}: gems ${gems & 0xffff}/${gems >> 16}, lives ${e.gem_lives()}`;
  }
}
