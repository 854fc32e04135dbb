//! Shared helpers for the host demos.
