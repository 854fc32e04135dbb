//! The eight rotations and mirrorings of a 16x16 cell.

/// How a 16x16 cell is turned when drawn. Each cell of a grid or sprite is
/// turned about its own centre.
///
/// The codes match the original engine's `frame(frame, rotation)`:
/// `4 * m + k` turns clockwise by `k * 90` degrees, then mirrors left to
/// right if `m` is 1. Codes 8..=255 act as 0, as in the original.
///
/// ```
/// use stage_core::Rotation;
/// assert_eq!(Rotation::from_code(3), Rotation::Rotate270);
/// assert_eq!(Rotation::from_code(9), Rotation::Identity);
/// // The source pixel drawn at the destination's top-left corner:
/// assert_eq!(Rotation::Rotate90.source(0, 0), (0, 15));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[repr(u8)]
pub enum Rotation {
    /// Drawn as stored (code 0, and codes 8..=255).
    #[default]
    Identity = 0,
    /// Turned 90 degrees clockwise (code 1).
    Rotate90 = 1,
    /// Turned 180 degrees (code 2).
    Rotate180 = 2,
    /// Turned 90 degrees counter-clockwise (code 3).
    Rotate270 = 3,
    /// Mirrored left to right (code 4).
    FlipX = 4,
    /// Turned 90 degrees clockwise, then mirrored: the transpose (code 5).
    Transpose = 5,
    /// Turned 180 degrees, then mirrored: flipped top to bottom (code 6).
    FlipY = 6,
    /// Turned 90 degrees counter-clockwise, then mirrored (code 7).
    AntiTranspose = 7,
}

impl Rotation {
    /// The rotation with this code; 8..=255 give [`Rotation::Identity`].
    pub const fn from_code(code: u8) -> Self {
        match code {
            1 => Rotation::Rotate90,
            2 => Rotation::Rotate180,
            3 => Rotation::Rotate270,
            4 => Rotation::FlipX,
            5 => Rotation::Transpose,
            6 => Rotation::FlipY,
            7 => Rotation::AntiTranspose,
            _ => Rotation::Identity,
        }
    }

    /// The code of this rotation, 0..=7.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// Whether rows of the destination come from columns of the source.
    pub const fn swaps_axes(self) -> bool {
        self as u8 & 1 == 1
    }

    /// The source pixel (sx, sy) drawn at destination pixel (dx, dy) of a
    /// cell, both `0..=15`.
    pub const fn source(self, dx: u8, dy: u8) -> (u8, u8) {
        let (dx, dy) = (dx & 15, dy & 15);
        match self {
            Rotation::Identity => (dx, dy),
            Rotation::Rotate90 => (dy, 15 - dx),
            Rotation::Rotate180 => (15 - dx, 15 - dy),
            Rotation::Rotate270 => (15 - dy, dx),
            Rotation::FlipX => (15 - dx, dy),
            Rotation::Transpose => (dy, dx),
            Rotation::FlipY => (dx, 15 - dy),
            Rotation::AntiTranspose => (15 - dy, 15 - dx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rotation;

    /// Where a source pixel lands: the inverse of `source`.
    fn destination(rotation: Rotation, sx: u8, sy: u8) -> (u8, u8) {
        (0..16)
            .flat_map(|dy| (0..16).map(move |dx| (dx, dy)))
            .find(|&(dx, dy)| rotation.source(dx, dy) == (sx, sy))
            .unwrap()
    }

    #[test]
    fn corners_land_where_the_contract_says() {
        // Source top-left, top-right, bottom-left.
        let (tl, tr, bl) = ((0, 0), (15, 0), (0, 15));
        let r = Rotation::from_code;
        assert_eq!(destination(r(1), tl.0, tl.1), (15, 0));
        assert_eq!(destination(r(1), tr.0, tr.1), (15, 15));
        assert_eq!(destination(r(1), bl.0, bl.1), (0, 0));
        assert_eq!(destination(r(3), tl.0, tl.1), (0, 15));
        assert_eq!(destination(r(3), tr.0, tr.1), (0, 0));
        assert_eq!(destination(r(5), tl.0, tl.1), (0, 0));
        assert_eq!(destination(r(5), tr.0, tr.1), (0, 15));
        assert_eq!(destination(r(5), bl.0, bl.1), (15, 0));
        assert_eq!(destination(r(7), tl.0, tl.1), (15, 15));
        assert_eq!(destination(r(7), tr.0, tr.1), (15, 0));
        assert_eq!(destination(r(7), bl.0, bl.1), (0, 15));
    }

    #[test]
    fn codes_eight_and_up_act_as_zero() {
        for code in 8..=255 {
            assert_eq!(Rotation::from_code(code), Rotation::Identity);
        }
        for code in 0..8 {
            assert_eq!(Rotation::from_code(code).code(), code);
        }
    }

    #[test]
    fn each_rotation_is_a_permutation() {
        for code in 0..8 {
            let rotation = Rotation::from_code(code);
            let mut seen = [false; 256];
            for dy in 0..16 {
                for dx in 0..16 {
                    let (sx, sy) = rotation.source(dx, dy);
                    seen[usize::from(sy) * 16 + usize::from(sx)] = true;
                }
            }
            assert!(seen.iter().all(|&s| s), "rotation {code}");
        }
    }
}
