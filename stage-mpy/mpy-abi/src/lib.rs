//! MicroPython native-module ABI bindings (work in progress).
#![cfg_attr(not(test), no_std)]
