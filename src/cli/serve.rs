//! `wstriage serve`: the reference echo server, the suite's server testee.

use crate::ws::server::{self, EchoServer, ServerConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;

/// Run the reference WebSocket echo server (text and binary echoed as received, with
/// permessage-deflate unless --no-deflate). Stops cleanly on Ctrl-C or SIGTERM.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9002")]
    pub listen: String,
    /// Refuse permessage-deflate offers (Autobahn 12.x/13.x then report UNIMPLEMENTED).
    #[arg(long)]
    pub no_deflate: bool,
}

pub fn run(args: ServeArgs) -> i32 {
    let config = ServerConfig {
        deflate: !args.no_deflate,
        ..ServerConfig::default()
    };
    let srv = match EchoServer::bind(&args.listen, config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wstriage serve: cannot listen on {}: {e}", args.listen);
            return super::EXIT_INPUT;
        }
    };
    let addr = match srv.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("wstriage serve: {e}");
            return super::EXIT_INPUT;
        }
    };
    // Wake the accept loop through loopback when bound to a wildcard address.
    let wake_addr = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    };
    let stop = srv.stop_flag();
    if let Err(e) = ctrlc::set_handler(move || {
        stop.store(true, Ordering::Relaxed);
        server::wake(wake_addr);
    }) {
        eprintln!("wstriage serve: cannot install the Ctrl-C handler: {e}");
    }
    eprintln!("wstriage serve: listening on ws://{addr}");
    match srv.run() {
        Ok(()) => {
            eprintln!("wstriage serve: stopped");
            0
        }
        Err(e) => {
            eprintln!("wstriage serve: {e}");
            super::EXIT_FAILED
        }
    }
}
