//! The `_stage` MicroPython native module (work in progress).
#![cfg_attr(not(test), no_std)]
