//! Dirty areas: the parts of the screen a frame must send, kept disjoint so that no
//! pixel is sent twice.

use heapless::Vec;
use stage_core::Rect;

/// Up to `N` disjoint rectangles of a screen that need sending.
///
/// Adding a rectangle that overlaps some already held merges them into their bounding
/// box (again and again, until it overlaps none), so the rectangles stay disjoint: every
/// pixel is in at most one of them. When all `N` are taken, the new one is merged with
/// the one that grows least; at worst everything becomes one box. The union of the
/// rectangles always covers every pixel added.
///
/// ```
/// use stage_core::Rect;
/// use stage_game::DirtyAreas;
/// let mut dirty = DirtyAreas::<4>::new(128, 128);
/// dirty.add(Rect::new(0, 0, 16, 16).unwrap());
/// dirty.add(Rect::new(8, 8, 24, 24).unwrap()); // overlaps: merged into one box
/// dirty.add(Rect::new(100, 100, 116, 116).unwrap());
/// let rects: Vec<_> = dirty.iter().map(|r| r.corners()).collect();
/// assert_eq!(rects, [(0, 0, 24, 24), (100, 100, 116, 116)]);
/// ```
#[derive(Clone, Debug)]
pub struct DirtyAreas<const N: usize> {
    rects: Vec<Rect, N>,
    width: u16,
    height: u16,
}

impl<const N: usize> DirtyAreas<N> {
    /// Nothing dirty, on a `width` x `height` screen (each at most 32767).
    pub fn new(width: u16, height: u16) -> Self {
        DirtyAreas {
            rects: Vec::new(),
            width: width.min(Rect::MAX_COORD),
            height: height.min(Rect::MAX_COORD),
        }
    }

    /// The screen's size.
    pub fn screen(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// Whether nothing is dirty.
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty()
    }

    /// The dirty rectangles, disjoint.
    pub fn iter(&self) -> impl Iterator<Item = Rect> + '_ {
        self.rects.iter().copied()
    }

    /// Pixels to send.
    pub fn pixels(&self) -> u32 {
        self.rects
            .iter()
            .map(|r| u32::from(r.width()) * u32::from(r.height()))
            .sum()
    }

    /// Forgets everything (after a frame is sent).
    pub fn clear(&mut self) {
        self.rects.clear();
    }

    /// Marks the whole screen.
    pub fn all(&mut self) {
        self.rects.clear();
        if let Some(screen) = rect(0, 0, i32::from(self.width), i32::from(self.height)) {
            // One rectangle always fits (N = 0 holds nothing, and marks nothing).
            let _ = self.rects.push(screen);
        }
    }

    /// Marks the pixels `[x0, x1) x [y0, y1)` (screen coordinates, any integers: the
    /// part outside the screen is dropped).
    pub fn add_area(&mut self, x0: i32, y0: i32, x1: i32, y1: i32) {
        let clip = |v: i32, max: u16| v.clamp(0, i32::from(max));
        if let Some(r) = rect(
            clip(x0, self.width),
            clip(y0, self.height),
            clip(x1, self.width),
            clip(y1, self.height),
        ) {
            self.add(r);
        }
    }

    /// Marks `r` (clipped to the screen).
    pub fn add(&mut self, r: Rect) {
        let (x0, y0, x1, y1) = r.corners();
        let Some(mut r) = rect(
            i32::from(x0),
            i32::from(y0),
            i32::from(x1).min(i32::from(self.width)),
            i32::from(y1).min(i32::from(self.height)),
        ) else {
            return;
        };
        loop {
            if let Some(i) = self.rects.iter().position(|held| overlaps(held, &r)) {
                r = union(&self.rects.swap_remove(i), &r);
                continue;
            }
            match self.rects.push(r) {
                Ok(()) => return,
                Err(r_back) => {
                    // Full: merge with the rectangle that grows least, then place the
                    // result again (it may now overlap others).
                    let Some(i) = (0..self.rects.len()).min_by_key(|&i| {
                        let u = union(&self.rects[i], &r_back);
                        area(&u) - area(&self.rects[i])
                    }) else {
                        return; // N = 0
                    };
                    r = union(&self.rects.swap_remove(i), &r_back);
                }
            }
        }
    }
}

fn rect(x0: i32, y0: i32, x1: i32, y1: i32) -> Option<Rect> {
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let c = |v: i32| u16::try_from(v).ok();
    Rect::new(c(x0)?, c(y0)?, c(x1)?, c(y1)?).ok()
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    let (ax0, ay0, ax1, ay1) = a.corners();
    let (bx0, by0, bx1, by1) = b.corners();
    ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

fn union(a: &Rect, b: &Rect) -> Rect {
    let (ax0, ay0, ax1, ay1) = a.corners();
    let (bx0, by0, bx1, by1) = b.corners();
    // Both are valid, so their bounding box is too.
    Rect::new(ax0.min(bx0), ay0.min(by0), ax1.max(bx1), ay1.max(by1)).unwrap_or(*a)
}

fn area(r: &Rect) -> u32 {
    u32::from(r.width()) * u32::from(r.height())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x0: u16, y0: u16, x1: u16, y1: u16) -> Rect {
        Rect::new(x0, y0, x1, y1).unwrap()
    }

    #[test]
    fn areas_are_clipped_merged_and_kept_disjoint() {
        let mut d = DirtyAreas::<8>::new(100, 50);
        d.add_area(-10, -10, 5, 5);
        d.add_area(90, 40, 200, 200);
        d.add_area(200, 0, 300, 10); // entirely outside
        assert_eq!(
            d.iter().map(|r| r.corners()).collect::<std::vec::Vec<_>>(),
            [(0, 0, 5, 5), (90, 40, 100, 50)]
        );
        // A bridge between the two merges all three.
        d.add(r(4, 4, 91, 41));
        assert_eq!(d.iter().count(), 1);
        assert_eq!(d.iter().next().unwrap().corners(), (0, 0, 100, 50));
        // Touching is not overlapping.
        d.clear();
        d.add(r(0, 0, 10, 10));
        d.add(r(10, 0, 20, 10));
        assert_eq!(d.iter().count(), 2);
        assert_eq!(d.pixels(), 200);
    }

    #[test]
    fn a_full_list_merges_the_cheapest_pair() {
        let mut d = DirtyAreas::<2>::new(100, 100);
        d.add(r(0, 0, 10, 10));
        d.add(r(80, 80, 90, 90));
        d.add(r(12, 0, 20, 10)); // closest to the first
        let mut got: std::vec::Vec<_> = d.iter().map(|r| r.corners()).collect();
        got.sort();
        assert_eq!(got, [(0, 0, 20, 10), (80, 80, 90, 90)]);
        let mut none = DirtyAreas::<0>::new(10, 10);
        none.add(r(0, 0, 5, 5));
        none.all();
        assert!(none.is_empty());
    }
}
