//! Gem Cave (`examples/game`) in WebAssembly, for the browser playground: the same game
//! code with the art compiled into it (`gem_cave::art`, as the firmware has it), drawn
//! into an RGBA framebuffer the page puts on a canvas. A separate crate rather than a
//! feature of `stage-wasm`, so that stage-core's WebAssembly module stays the generic
//! renderer and carries no game.
//!
//! The page calls, once a frame (30 a second):
//!
//! * `gem_step(keys)` with the buttons held (stage-game's `Keys` bits: X 0x01, down
//!   0x02, left 0x04, right 0x08, up 0x10, O 0x20): the game moves and the scene
//!   sends what changed into the framebuffer; it returns the pixels drawn;
//! * `gem_frame()`: the address of the framebuffer (`gem_width()` x `gem_height()`
//!   RGBA pixels);
//! * `gem_sounds()`: the sounds of that frame, one bit per [`Effect`] (in its order).
//!
//! The first call of any of them builds the game, on its title screen. To play again
//! from scratch the page makes a new instance of the module.
//!
//! [`WebSession`] is the same thing as a plain Rust type, which the tests play on the
//! host against the host front end's session.
#![no_std]
#![warn(missing_debug_implementations)]

// Host builds (tests, docs, clippy) link std for its panic runtime; the code itself
// uses only `core`. The WebAssembly build has the handler below.
#[cfg(not(target_arch = "wasm32"))]
extern crate std;

use core::cell::UnsafeCell;
use core::convert::Infallible;
use core::sync::atomic::{AtomicBool, Ordering};

use gem_cave::{Assets, Buffers, Effect, Game, Scene, Sound, SCREEN};
use stage_core::{ChunkRenderer, Layer, RenderParams, WireColor};
use stage_game::{Input, Keys, Screen};

/// Width of the framebuffer, in pixels.
pub const WIDTH: usize = SCREEN.0 as usize;
/// Height of the framebuffer, in pixels.
pub const HEIGHT: usize = SCREEN.1 as usize;

/// RGBA (8 bits a channel) of an RGB565 pixel sent high byte first, each channel
/// widened by repeating its top bits.
pub const fn rgba(hi: u8, lo: u8) -> [u8; 4] {
    let [r, g, b] = WireColor::from_rgb565(u16::from_be_bytes([hi, lo])).to_rgb888();
    [r, g, b, 255]
}

/// The screen: an RGBA framebuffer the scene draws its changed rectangles into.
#[derive(Clone, Debug)]
pub struct Rgba {
    /// `WIDTH` x `HEIGHT` pixels, row by row, four bytes each.
    pub pixels: [u8; WIDTH * HEIGHT * 4],
}

impl Rgba {
    /// A black screen.
    pub const fn new() -> Self {
        Rgba {
            pixels: [0; WIDTH * HEIGHT * 4],
        }
    }
}

impl Default for Rgba {
    fn default() -> Self {
        Self::new()
    }
}

impl Screen for Rgba {
    type Error = Infallible;

    fn draw(&mut self, layers: &[Layer<'_>], params: &RenderParams) -> Result<(), Infallible> {
        let (x0, y0, _, _) = params.rect().corners();
        let scale = params.scale() as usize;
        let (left, top) = (usize::from(x0) * scale, usize::from(y0) * scale);
        let width = params.output_width() as usize;
        let mut renderer = ChunkRenderer::new(layers, params);
        let mut buffer = [0u8; 512];
        let mut at = 0usize;
        // A chunk the renderer can't make (never, with 512 bytes) ends the drawing.
        while let Ok(Some(chunk)) = renderer.next_chunk(&mut buffer) {
            let (pairs, _) = chunk.as_chunks::<2>();
            for &[hi, lo] in pairs {
                let (x, y) = (left + at % width, top + at / width);
                at += 1;
                if x < WIDTH && y < HEIGHT {
                    let o = 4 * (y * WIDTH + x);
                    if let Some(px) = self.pixels.get_mut(o..o + 4) {
                        px.copy_from_slice(&rgba(hi, lo));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The sounds of a frame, one bit per effect.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SoundBits(pub u32);

impl Sound for SoundBits {
    fn play(&mut self, effect: Effect) {
        let bit = match effect {
            Effect::Start => 0,
            Effect::Gem => 1,
            Effect::DoorOpens => 2,
            Effect::Hit => 3,
            Effect::Win => 4,
            Effect::Lose => 5,
        };
        self.0 |= 1 << bit;
    }
}

/// A game in progress: the scene, the game, the buttons and the screen.
#[derive(Debug)]
pub struct WebSession<'a> {
    scene: Scene<'a>,
    game: Game<'a>,
    input: Input,
    /// The picture.
    pub screen: Rgba,
    /// The sounds of the last frame.
    pub sounds: SoundBits,
}

impl<'a> WebSession<'a> {
    /// A new game on its title screen, drawn once.
    pub fn new(assets: &Assets<'a>, buffers: &'a mut Buffers) -> Self {
        let (scene, game) = Game::new(assets, buffers).expect("the scene holds Gem Cave's layers");
        let mut session = WebSession {
            scene,
            game,
            input: Input::new(),
            screen: Rgba::new(),
            sounds: SoundBits(0),
        };
        let _ = session.scene.render(&mut session.screen);
        session
    }

    /// One frame with the buttons of `keys` held: the pixels drawn.
    pub fn step(&mut self, keys: u8) -> u32 {
        self.sounds = SoundBits(0);
        self.input.update(Keys::from_bits(keys));
        self.game
            .update(&mut self.scene, &self.input, &mut self.sounds);
        match self.scene.render(&mut self.screen) {
            Ok(stats) => stats.pixels,
            Err(never) => match never {},
        }
    }

    /// The game.
    pub fn game(&self) -> &Game<'a> {
        &self.game
    }
}

// ------------------------------------------------------------------ the exports

/// The scene's buffers, lent to the one session for the rest of the program.
struct BufferCell {
    taken: AtomicBool,
    buffers: UnsafeCell<Buffers>,
}

// SAFETY: the buffers are reached only through `take_buffers`, which hands out the one
// reference once (the flag is never cleared), so no two threads can reach them.
unsafe impl Sync for BufferCell {}

static BUFFERS: BufferCell = BufferCell {
    taken: AtomicBool::new(false),
    buffers: UnsafeCell::new(Buffers::new()),
};

/// The scene's buffers for the rest of the program, the first time; `None` after.
fn take_buffers() -> Option<&'static mut Buffers> {
    if BUFFERS.taken.swap(true, Ordering::AcqRel) {
        return None;
    }
    // SAFETY: the flag was clear and is now set for good: this is the only reference
    // to the buffers that will ever exist, and the static lives for the whole program.
    Some(unsafe { &mut *BUFFERS.buffers.get() })
}

/// The session, reached only inside [`with_session`].
struct SessionCell {
    busy: AtomicBool,
    session: UnsafeCell<Option<WebSession<'static>>>,
}

// SAFETY: the session is reached only through `with_session`, which holds `busy` for
// the duration of the access, so at most one thread touches it at a time.
unsafe impl Sync for SessionCell {}

static SESSION: SessionCell = SessionCell {
    busy: AtomicBool::new(false),
    session: UnsafeCell::new(None),
};

/// Runs `f` on the session (built on first use), or returns `None` if it is in use.
fn with_session<R>(f: impl FnOnce(&mut WebSession<'static>) -> R) -> Option<R> {
    if SESSION
        .busy
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        return None;
    }
    // SAFETY: `busy` was clear and is now ours: no other reference to the session
    // exists until it is released below.
    let slot = unsafe { &mut *SESSION.session.get() };
    if slot.is_none() {
        if let Some(buffers) = take_buffers() {
            *slot = Some(WebSession::new(&gem_cave::art::assets(), buffers));
        }
    }
    let result = slot.as_mut().map(f);
    SESSION.busy.store(false, Ordering::Release);
    result
}

/// One frame with the buttons `keys` held: the pixels drawn.
#[unsafe(no_mangle)]
pub extern "C" fn gem_step(keys: u32) -> u32 {
    with_session(|s| s.step(keys as u8)).unwrap_or(0)
}

/// The address of the RGBA framebuffer.
#[unsafe(no_mangle)]
pub extern "C" fn gem_frame() -> *const u8 {
    with_session(|s| s.screen.pixels.as_ptr()).unwrap_or(core::ptr::null())
}

/// The framebuffer's width.
#[unsafe(no_mangle)]
pub extern "C" fn gem_width() -> u32 {
    WIDTH as u32
}

/// The framebuffer's height.
#[unsafe(no_mangle)]
pub extern "C" fn gem_height() -> u32 {
    HEIGHT as u32
}

/// The sounds of the last frame: bit `i` for the `i`-th [`Effect`].
#[unsafe(no_mangle)]
pub extern "C" fn gem_sounds() -> u32 {
    with_session(|s| s.sounds.0).unwrap_or(0)
}

/// Where the game is: 0 title, 1 playing, 2 won, 3 lost.
#[unsafe(no_mangle)]
pub extern "C" fn gem_state() -> u32 {
    with_session(|s| match s.game.state() {
        gem_cave::State::Title => 0,
        gem_cave::State::Playing => 1,
        gem_cave::State::Won => 2,
        gem_cave::State::Lost => 3,
    })
    .unwrap_or(0)
}

/// Gems picked up (low 16 bits) and gems in the cave (high 16 bits).
#[unsafe(no_mangle)]
pub extern "C" fn gem_gems() -> u32 {
    with_session(|s| {
        let (got, all) = s.game.gems();
        u32::from(got) | (u32::from(all) << 16)
    })
    .unwrap_or(0)
}

/// Lives left.
#[unsafe(no_mangle)]
pub extern "C" fn gem_lives() -> u32 {
    with_session(|s| u32::from(s.game.lives())).unwrap_or(0)
}

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
