//! Message text without `core::fmt`: decimal numbers spliced into a fixed buffer.

/// Capacity of the stack buffer used for messages with numbers; longer messages are
/// truncated.
pub const MESSAGE_CAPACITY: usize = 96;

/// Powers of ten that fit a `usize`, largest first.
const POWERS_OF_TEN: [usize; usize::MAX.ilog10() as usize + 1] = {
    let mut p = [1usize; usize::MAX.ilog10() as usize + 1];
    let mut i = p.len() - 1;
    while i > 0 {
        p[i - 1] = p[i] * 10;
        i -= 1;
    }
    p
};

/// A fixed-capacity byte buffer that silently truncates.
pub(crate) struct TextBuf {
    buf: [u8; MESSAGE_CAPACITY],
    len: usize,
}

impl TextBuf {
    pub(crate) const fn new() -> TextBuf {
        TextBuf {
            buf: [0; MESSAGE_CAPACITY],
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    #[cfg(test)]
    pub(crate) fn push_str(&mut self, s: &str) {
        for &b in s.as_bytes() {
            self.push(b);
        }
    }

    /// Appends `v` in decimal. Digits are found by subtracting powers of ten, not by
    /// dividing: armv6m has no divide instruction, and a division here would link
    /// about 400 bytes of software division into every module.
    pub(crate) fn push_int(&mut self, v: isize) {
        if v < 0 {
            self.push(b'-');
        }
        let mut n = v.unsigned_abs();
        let mut started = false;
        for &power in POWERS_OF_TEN.iter() {
            let mut digit = b'0';
            while n >= power {
                n -= power;
                digit += 1;
            }
            started |= digit != b'0' || power == 1;
            if started {
                self.push(digit);
            }
        }
    }

    /// Appends `template` with each `{}` replaced by the next of `args` (extra
    /// placeholders are kept literally, extra arguments are ignored).
    pub(crate) fn push_template(&mut self, template: &str, args: &[isize]) {
        let bytes = template.as_bytes();
        let mut next = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'{' && i + 1 < bytes.len() && bytes[i + 1] == b'}' && next < args.len()
            {
                self.push_int(args[next]);
                next += 1;
                i += 2;
            } else {
                self.push(bytes[i]);
                i += 1;
            }
        }
    }

    /// The text, valid UTF-8 (everything pushed is; a multi-byte character cut by
    /// truncation is dropped).
    pub(crate) fn finish(&mut self) -> &[u8] {
        // Back up over continuation bytes to the last lead byte.
        let mut lead = self.len;
        while lead > 0 && self.buf[lead - 1] & 0xc0 == 0x80 {
            lead -= 1;
        }
        if lead > 0 {
            let width = match self.buf[lead - 1] {
                0x00..=0x7f => 1,
                0xf0..=0xff => 4,
                0xe0..=0xef => 3,
                _ => 2,
            };
            if self.len - (lead - 1) < width {
                self.len = lead - 1;
            }
        }
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(template: &str, args: &[isize]) -> String {
        let mut t = TextBuf::new();
        t.push_template(template, args);
        String::from_utf8(t.finish().to_vec()).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt("{}", &[0]), "0");
        assert_eq!(fmt("{}", &[7]), "7");
        assert_eq!(fmt("{}", &[-42]), "-42");
        assert_eq!(fmt("{}", &[isize::MAX]), isize::MAX.to_string());
        assert_eq!(fmt("{}", &[isize::MIN]), isize::MIN.to_string());
    }

    #[test]
    fn every_digit_count_and_boundary() {
        let mut values = vec![0isize, 1, -1, 9, -9, 10, -10, isize::MAX, isize::MIN];
        let mut p: isize = 1;
        while let Some(next) = p.checked_mul(10) {
            p = next;
            values.extend([p - 1, p, p + 1, -p + 1, -p, -p - 1, p / 2 * 3]);
        }
        for v in values {
            assert_eq!(fmt("{}", &[v]), v.to_string());
        }
    }

    #[test]
    fn templates() {
        assert_eq!(
            fmt("layers[{}] is not a Layer or Text", &[3]),
            "layers[3] is not a Layer or Text"
        );
        assert_eq!(fmt("{} to {}, got {}", &[4, 5, 9]), "4 to 5, got 9");
        assert_eq!(fmt("missing {} and {}", &[1]), "missing 1 and {}");
        assert_eq!(fmt("no placeholder", &[1, 2]), "no placeholder");
        assert_eq!(fmt("brace { alone }", &[1]), "brace { alone }");
        assert_eq!(fmt("h\u{e9}llo {}", &[1]), "h\u{e9}llo 1");
        assert_eq!(fmt("", &[]), "");
    }

    #[test]
    fn truncates_to_valid_utf8() {
        let long = "x".repeat(200);
        assert_eq!(fmt(&long, &[]).len(), MESSAGE_CAPACITY);
        for ch in ['\u{e9}', '\u{20ac}', '\u{1f600}'] {
            let width = ch.len_utf8();
            for pad in MESSAGE_CAPACITY - width..=MESSAGE_CAPACITY {
                let mut t = TextBuf::new();
                t.push_str(&"a".repeat(pad));
                t.push_str(&ch.to_string());
                let text = core::str::from_utf8(t.finish()).unwrap();
                let expected = if pad + width <= MESSAGE_CAPACITY {
                    pad + width
                } else {
                    pad.min(MESSAGE_CAPACITY)
                };
                assert_eq!(text.len(), expected, "{ch} after {pad}");
            }
        }
    }
}
