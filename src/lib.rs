//! wstriage: typed Autobahn|Testsuite reports, and what to do with them.
//!
//! Data flows one way: files → [`parse`] → [`model`] → [`diff`] / [`gate`] / [`explain`] →
//! [`render`]. [`ws`] is the reference RFC 6455 implementation and [`suite`] drives the real
//! `wstest` against it (or against a user's program).

pub mod cli;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fsutil;
pub mod gate;
pub mod merge;
pub mod model;
pub mod parse;
pub mod render;
pub mod select;
pub mod suite;
pub mod ws;

pub use error::{Error, Result};
