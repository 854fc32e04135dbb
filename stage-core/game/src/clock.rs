//! A fixed-step frame clock: the game advances in equal steps, the device or the host
//! supplies the time.

/// What to do now, according to a [`FrameClock`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tick {
    /// Run a frame now.
    Frame,
    /// Wait this many microseconds first.
    Wait(u32),
}

/// Frames at a fixed rate: the game asks [`FrameClock::tick`] with the time now (in
/// microseconds, from any start; the board's timer or the host's clock) and runs a frame
/// when told to. A frame that comes late is not caught up (the game's logic counts
/// frames, so a slow frame slows the game, as on the original engine).
///
/// ```
/// use stage_game::{FrameClock, Tick};
/// let mut clock = FrameClock::new(50); // 20 ms a frame
/// assert_eq!(clock.tick(1_000), Tick::Frame); // the first frame runs at once
/// assert_eq!(clock.tick(5_000), Tick::Wait(16_000));
/// assert_eq!(clock.tick(21_000), Tick::Frame);
/// assert_eq!(clock.tick(90_000), Tick::Frame); // late: runs, and the next waits a step
/// assert_eq!(clock.tick(90_000), Tick::Wait(20_000));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FrameClock {
    step_us: u32,
    next_us: Option<u64>,
    frames: u64,
}

impl FrameClock {
    /// A clock of `fps` frames a second (at least 1).
    pub const fn new(fps: u32) -> Self {
        let fps = if fps == 0 { 1 } else { fps };
        FrameClock {
            step_us: 1_000_000 / fps,
            next_us: None,
            frames: 0,
        }
    }

    /// The time between two frames, in microseconds.
    pub const fn step_us(&self) -> u32 {
        self.step_us
    }

    /// Frames run so far.
    pub const fn frames(&self) -> u64 {
        self.frames
    }

    /// Whether to run a frame at time `now_us`; if so, the frame counts as run.
    pub fn tick(&mut self, now_us: u64) -> Tick {
        match self.next_us {
            Some(next) if now_us < next => {
                Tick::Wait((next - now_us).min(u64::from(u32::MAX)) as u32)
            }
            Some(next) => {
                // On time: the next frame a step after this one's slot; late: a step from
                // now (no catching up).
                let late = now_us - next >= u64::from(self.step_us);
                let base = if late { now_us } else { next };
                self.next_us = Some(base + u64::from(self.step_us));
                self.frames += 1;
                Tick::Frame
            }
            None => {
                self.next_us = Some(now_us + u64::from(self.step_us));
                self.frames += 1;
                Tick::Frame
            }
        }
    }
}
