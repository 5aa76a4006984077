//! tokio-tungstenite echo server, the comparison point for `wstriage serve` in the echo
//! benchmark. It is the usual shape of a tokio-tungstenite echo server (accept, then send back
//! every text and binary message), with the library's default configuration, so the figures
//! describe tokio-tungstenite as people deploy it. tokio-tungstenite has no permessage-deflate,
//! so it declines a deflate offer and only takes part in the uncompressed rows.
//!
//! Usage: `tungstenite-echo [ADDR]` (default 127.0.0.1:9011; loopback only).

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() {
    let addr: SocketAddr = match std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9011".into())
        .parse()
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tungstenite-echo: bad address: {e}");
            std::process::exit(2);
        }
    };
    // A benchmark server, not a service: refuse to listen beyond this machine.
    if !addr.ip().is_loopback() {
        eprintln!("tungstenite-echo: {addr} is not a loopback address");
        std::process::exit(2);
    }
    let listener = match TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tungstenite-echo: cannot listen on {addr}: {e}");
            std::process::exit(2);
        }
    };
    eprintln!("tungstenite-echo: listening on {addr}");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            while let Some(Ok(msg)) = ws.next().await {
                if msg.is_close() {
                    break;
                }
                // Pings are answered by tungstenite itself; only data messages are echoed.
                if (msg.is_text() || msg.is_binary()) && ws.send(msg).await.is_err() {
                    break;
                }
            }
        });
    }
}
