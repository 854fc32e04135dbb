//! Helpers shared by the project's tests, examples and benchmarks.
//!
//! * [`conformance`]: loads conformance files (format `stage-conformance-1`)
//!   and checks their cases against stage-core; used by stage-core's
//!   conformance runner (`cargo run -p stage-core --example conformance`),
//!   its tests and its benchmarks.

pub mod conformance;

/// The code samples of the project's README, compiled and run as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeSamples;

/// The code samples of `docs/rust-games.md`, compiled and run as doc tests.
#[doc = include_str!("../../docs/rust-games.md")]
#[cfg(doctest)]
pub struct RustGamesSamples;
