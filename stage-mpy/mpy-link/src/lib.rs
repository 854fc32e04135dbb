//! The .mpy linker (work in progress).
