//! An autopilot for the scripted run: it starts the game, walks the cave's corridors to
//! the nearest gem (then to the door) by breadth-first search, waits when a bat is in
//! the way, and presses X on the end screens.

use std::collections::VecDeque;

use gem_cave::{tile, Game, Scene, State, LEVEL};
use stage_game::{Hitbox, Keys};

/// The autopilot's memory between frames.
#[derive(Debug, Default)]
pub struct Pilot {
    frame: u64,
    /// The cell being walked to, and the key that walks there.
    heading: Option<((u16, u16), Keys)>,
    /// Frames waited for a bat to pass.
    waited: u32,
}

/// The most frames the autopilot waits for a bat before walking on regardless.
const PATIENCE: u32 = 45;

fn passable(t: u8) -> bool {
    !matches!(t, tile::WALL | tile::DOOR)
}

impl Pilot {
    /// A new autopilot.
    pub fn new() -> Self {
        Self::default()
    }

    /// The buttons to hold this frame.
    pub fn keys(&mut self, game: &Game<'_>, scene: &Scene<'_>) -> Keys {
        self.frame += 1;
        match game.state() {
            // Tap X (a press needs a release in between).
            State::Title | State::Won | State::Lost => {
                self.heading = None;
                if self.frame.is_multiple_of(8) {
                    Keys::X
                } else {
                    Keys::NONE
                }
            }
            State::Playing => self.walk(game, scene),
        }
    }

    fn walk(&mut self, game: &Game<'_>, scene: &Scene<'_>) -> Keys {
        let (x, y) = game.player();
        let aligned = x % 16 == 0 && y % 16 == 0;
        if aligned {
            let here = ((x / 16) as u16, (y / 16) as u16);
            // Around the bats if there is a way, through them if not.
            self.heading =
                next_step(game, scene, here, true).or_else(|| next_step(game, scene, here, false));
        }
        let Some((cell, key)) = self.heading else {
            return Keys::NONE;
        };
        if aligned && bat_near(game, cell) && self.waited < PATIENCE {
            self.waited += 1;
            return Keys::NONE;
        }
        self.waited = 0;
        key
    }
}

/// The first step from `here` towards the nearest gem, or the open door once there are
/// none left; through no cell a bat is near if `shun_bats`.
fn next_step(
    game: &Game<'_>,
    scene: &Scene<'_>,
    here: (u16, u16),
    shun_bats: bool,
) -> Option<((u16, u16), Keys)> {
    let (w, h) = (usize::from(LEVEL.0), usize::from(LEVEL.1));
    let goal = if game.gems().0 < game.gems().1 {
        tile::GEM
    } else {
        tile::OPEN_DOOR
    };
    let index = |(x, y): (u16, u16)| usize::from(y) * w + usize::from(x);
    // For each cell reached, the first step taken from `here` to reach it.
    let mut first: Vec<Option<((u16, u16), Keys)>> = vec![None; w * h];
    let mut seen = vec![false; w * h];
    let mut queue = VecDeque::from([here]);
    seen[index(here)] = true;
    while let Some(cell) = queue.pop_front() {
        if cell != here && game.tile(scene, cell.0, cell.1) == goal {
            return first[index(cell)];
        }
        let (cx, cy) = (i32::from(cell.0), i32::from(cell.1));
        for (dx, dy, key) in [
            (1, 0, Keys::RIGHT),
            (-1, 0, Keys::LEFT),
            (0, 1, Keys::DOWN),
            (0, -1, Keys::UP),
        ] {
            let (nx, ny) = (cx + dx, cy + dy);
            if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                continue;
            }
            let next = (nx as u16, ny as u16);
            let blocked =
                !passable(game.tile(scene, next.0, next.1)) || (shun_bats && bat_near(game, next));
            if seen[index(next)] || blocked {
                continue;
            }
            seen[index(next)] = true;
            first[index(next)] = if cell == here {
                Some((next, key))
            } else {
                first[index(cell)]
            };
            queue.push_back(next);
        }
    }
    None
}

/// Whether a bat is close to `cell` (the autopilot waits for it to pass).
fn bat_near(game: &Game<'_>, cell: (u16, u16)) -> bool {
    let around = Hitbox::new(
        i32::from(cell.0) * 16 - 10,
        i32::from(cell.1) * 16 - 10,
        36,
        36,
    );
    game.bats()
        .any(|(bx, by)| Hitbox::new(i32::from(bx), i32::from(by), 16, 12).overlaps(&around))
}
