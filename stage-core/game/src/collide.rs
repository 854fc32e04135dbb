//! Collisions: boxes that overlap, and the tiles of a grid a box touches.

/// An axis-aligned box of world pixels: `[x, x + width) x [y, y + height)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Hitbox {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
}

impl Hitbox {
    /// The box `[x, x + width) x [y, y + height)`.
    pub const fn new(x: i32, y: i32, width: i32, height: i32) -> Self {
        Hitbox {
            x,
            y,
            width,
            height,
        }
    }

    /// The same box shrunk by `by` pixels on every side (a forgiving hitbox).
    pub const fn shrunk(self, by: i32) -> Self {
        Hitbox::new(
            self.x + by,
            self.y + by,
            self.width - 2 * by,
            self.height - 2 * by,
        )
    }

    /// Whether the two boxes share a pixel (touching edges do not).
    ///
    /// ```
    /// use stage_game::Hitbox;
    /// let a = Hitbox::new(0, 0, 16, 16);
    /// assert!(a.overlaps(&Hitbox::new(15, 15, 16, 16)));
    /// assert!(!a.overlaps(&Hitbox::new(16, 0, 16, 16)));
    /// ```
    pub const fn overlaps(&self, other: &Hitbox) -> bool {
        self.width > 0
            && self.height > 0
            && other.width > 0
            && other.height > 0
            && self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    /// The cells of a grid of `cell`-pixel squares whose top-left corner is at
    /// (`grid_x`, `grid_y`) that the box touches, as `(tx, ty)`, row by row; cells left
    /// of or above the grid are not listed (nor past `cells` columns and rows).
    ///
    /// ```
    /// use stage_game::Hitbox;
    /// let player = Hitbox::new(20, 30, 16, 16);
    /// let cells: Vec<_> = player.cells(0, 0, 16, (10, 10)).collect();
    /// assert_eq!(cells, [(1, 1), (2, 1), (1, 2), (2, 2)]);
    /// ```
    pub fn cells(
        &self,
        grid_x: i32,
        grid_y: i32,
        cell: i32,
        cells: (u16, u16),
    ) -> impl Iterator<Item = (u16, u16)> {
        let span = |start: i32, len: i32, origin: i32, count: u16| {
            let first = (start - origin).div_euclid(cell).max(0);
            let last = (start + len - 1 - origin)
                .div_euclid(cell)
                .min(i32::from(count) - 1);
            (first, last)
        };
        let (x0, x1) = span(self.x, self.width, grid_x, cells.0);
        let (y0, y1) = span(self.y, self.height, grid_y, cells.1);
        let empty = self.width <= 0 || self.height <= 0 || cell <= 0;
        let rows = if empty { 0..0 } else { y0..y1 + 1 };
        rows.flat_map(move |ty| (x0..x1 + 1).map(move |tx| (tx as u16, ty as u16)))
    }
}
