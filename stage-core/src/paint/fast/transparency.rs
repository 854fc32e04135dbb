//! The transparent pixels of a tile line, found for all sixteen at once.
//!
//! A tile line is sixteen 4-bit palette indices in a `u64`. Comparing every
//! nibble with a transparent index is one XOR with that index repeated in
//! every nibble, followed by a test for zero nibbles done with carries
//! (SIMD within a register): a few instructions for sixteen pixels.

pub(super) const NIBBLE_LOW_BITS: u64 = 0x7777_7777_7777_7777;
/// The high bit of every nibble: the mask of a line whose pixels are all
/// transparent.
pub(super) const NIBBLE_HIGH_BIT: u64 = 0x8888_8888_8888_8888;

/// Finds the pixels of a tile line whose palette entry is transparent.
#[derive(Clone, Copy)]
pub(super) enum Transparency {
    /// No entry is transparent.
    None,
    /// One entry is: the line with that index in every nibble.
    One(u64),
    /// Several are: bit `i` is set when entry `i` is.
    Many(u16),
}

impl Transparency {
    /// The test for a palette whose transparent entries are `mask` (bit `i`
    /// for entry `i`).
    #[inline]
    pub fn of(mask: u16) -> Self {
        match mask {
            0 => Transparency::None,
            mask if mask.is_power_of_two() => {
                Transparency::One(repeat_nibble(mask.trailing_zeros()))
            }
            mask => Transparency::Many(mask),
        }
    }

    /// The nibbles of `line` whose palette entry is transparent, as the
    /// high bit of each such nibble.
    #[inline(always)]
    pub fn hidden(self, line: u64) -> u64 {
        match self {
            Transparency::None => 0,
            Transparency::One(pattern) => zero_nibbles(line ^ pattern),
            Transparency::Many(mut mask) => {
                let mut hidden = 0;
                while mask != 0 {
                    hidden |= zero_nibbles(line ^ repeat_nibble(mask.trailing_zeros()));
                    mask &= mask - 1;
                }
                hidden
            }
        }
    }
}

/// `index` (0..=15) in every nibble.
#[inline(always)]
fn repeat_nibble(index: u32) -> u64 {
    // A table: LLVM turns any arithmetic for this into a 64-bit multiply,
    // a library call on 32-bit cores without one.
    const PATTERNS: [u64; 16] = {
        let mut patterns = [0; 16];
        let mut i = 0;
        while i < 16 {
            patterns[i] = i as u64 * 0x1111_1111_1111_1111;
            i += 1;
        }
        patterns
    };
    PATTERNS[index as usize & 15]
}

/// The zero nibbles of `x`, as the high bit of each.
#[inline(always)]
fn zero_nibbles(x: u64) -> u64 {
    !(((x & NIBBLE_LOW_BITS) + NIBBLE_LOW_BITS) | x) & NIBBLE_HIGH_BIT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_nibbles_are_found() {
        let line = 0x0123_4567_89AB_CDEF_u64;
        for index in 0..16u64 {
            let hidden = Transparency::of(1 << index).hidden(line);
            // Nibble `index` holds value `index`: only its high bit is set.
            assert_eq!(hidden, 0x8 << (60 - 4 * index));
            assert_eq!(Transparency::Many(1 << index).hidden(line), hidden);
        }
        assert_eq!(Transparency::of(0xFFFF).hidden(line), NIBBLE_HIGH_BIT);
        // Entries 0 and 2: a 2 followed by fifteen 0s is all hidden, a 1 is not.
        assert_eq!(
            Transparency::of(0b101).hidden(0x2000_0000_0000_0000),
            NIBBLE_HIGH_BIT
        );
        assert_eq!(
            Transparency::of(0b101).hidden(0x1000_0000_0000_0000),
            0x0888_8888_8888_8888
        );
        assert_eq!(Transparency::of(0).hidden(line), 0);
    }

    #[test]
    fn every_value_of_every_nibble_is_tested() {
        // Each nibble value against each single transparent index: the carry
        // trick must not leak between nibbles.
        for value in 0..16u64 {
            for index in 0..16u32 {
                let line = value * 0x1111_1111_1111_1111;
                let hidden = Transparency::of(1 << index).hidden(line);
                let expected = if value == u64::from(index) {
                    NIBBLE_HIGH_BIT
                } else {
                    0
                };
                assert_eq!(hidden, expected, "value {value} index {index}");
            }
        }
    }
}
