//! The size table printed after a build.

use mpy_link::SizeReport;
use std::fmt::Write;

/// Formats one row per architecture: sizes, then the features the module was built with.
pub fn size_table(rows: &[(SizeReport, String)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:>8} {:>8} {:>8} {:>7} {:>5} {:>6} {:>6} {:>7}  features",
        "arch", ".mpy", "text", "code", "rodata", "GOT", "bss", "qstrs", "relocs"
    );
    for (r, features) in rows {
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>8} {:>8} {:>7} {:>5} {:>6} {:>6} {:>7}  {}",
            r.arch.to_string(),
            r.mpy_size,
            r.text_size,
            r.code_size,
            r.rodata_size,
            r.got_entries,
            r.bss_size,
            r.qstrs.len(),
            r.relocated_words,
            features
        );
    }
    s
}
