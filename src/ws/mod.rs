//! The reference RFC 6455 WebSocket implementation, with permessage-deflate (RFC 7692).
//!
//! Sans-IO at the core, in the style of rustls and quinn-proto: [`frame`] codes headers and
//! masks payloads, [`utf8`] validates text incrementally, [`deflate`] negotiates and runs the
//! compression extension, [`handshake`] parses and builds the opening handshake, and
//! [`connection`] is the one state machine, shared by both roles, that turns received bytes into
//! events and bytes to send. [`stream`], [`server`] and [`client`] are the thin blocking layer
//! over `std::net` that `wstriage serve` and `wstriage client` run.

pub mod client;
pub mod connection;
pub mod deflate;
pub mod frame;
pub mod handshake;
pub mod server;
pub mod stream;
pub mod utf8;

pub use connection::{CloseFrame, Connection, Event, Limits, Message, ProtocolError, Role};
