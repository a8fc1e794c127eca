//! The accept loop and the live connections, so that shutdown can close every one of them.

use std::collections::HashMap;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::connection;
use crate::shared::{lock, Shared};

/// An idle keep-alive connection is closed after this long (as a real server would).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(10);

struct LiveConnection {
    /// A handle on the socket to shut it down from another thread.
    socket: TcpStream,
    thread: Option<JoinHandle<()>>,
}

/// Connections being served.
#[derive(Default)]
pub struct ConnectionRegistry {
    next_id: AtomicU64,
    live: Mutex<HashMap<u64, LiveConnection>>,
}

impl ConnectionRegistry {
    /// Serves `stream` on its own thread.
    fn spawn(
        self: &Arc<Self>,
        stream: TcpStream,
        shared: Arc<Shared>,
        tls: Option<Arc<ServerConfig>>,
    ) {
        let Ok(socket) = stream.try_clone() else {
            return;
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // Registered before the thread starts, so the thread's removal always finds it.
        lock(&self.live).insert(
            id,
            LiveConnection {
                socket,
                thread: None,
            },
        );
        let registry = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name(format!("runcloud-emulator-conn-{id}"))
            .spawn(move || {
                serve_stream(&shared, stream, tls);
                lock(&registry.live).remove(&id);
            });
        match spawned {
            Ok(handle) => {
                if let Some(live) = lock(&self.live).get_mut(&id) {
                    live.thread = Some(handle);
                }
            }
            Err(error) => {
                eprintln!("runcloud-emulator: cannot start a connection thread: {error}");
                if let Some(live) = lock(&self.live).remove(&id) {
                    let _ = live.socket.shutdown(Shutdown::Both);
                }
            }
        }
    }

    /// Closes every live connection and waits for its thread.
    pub fn close_all(&self) {
        let live: Vec<LiveConnection> = lock(&self.live).drain().map(|(_, live)| live).collect();
        for connection in &live {
            let _ = connection.socket.shutdown(Shutdown::Both);
        }
        for connection in live {
            if let Some(thread) = connection.thread {
                let _ = thread.join();
            }
        }
    }
}

fn serve_stream(shared: &Shared, stream: TcpStream, tls: Option<Arc<ServerConfig>>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    if shared.config.connect_latency_ms > 0 {
        // Before the first byte (and the TLS handshake): imitates a distant server.
        shared.sleep(Duration::from_millis(shared.config.connect_latency_ms));
    }
    match tls {
        None => connection::serve(shared, stream),
        Some(config) => match ServerConnection::new(config) {
            Ok(tls_connection) => {
                connection::serve(shared, StreamOwned::new(tls_connection, stream))
            }
            Err(error) => eprintln!("runcloud-emulator: TLS session setup failed: {error}"),
        },
    }
}

/// Accepts connections until the emulator shuts down.
pub fn spawn_accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<Arc<ServerConfig>>,
    registry: Arc<ConnectionRegistry>,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("runcloud-emulator-accept".into())
        .spawn(move || {
            for incoming in listener.incoming() {
                if shared.is_shutting_down() {
                    return;
                }
                match incoming {
                    Ok(stream) => {
                        shared.connections_accepted.fetch_add(1, Ordering::SeqCst);
                        registry.spawn(stream, Arc::clone(&shared), tls.clone());
                    }
                    Err(_) => thread::sleep(ACCEPT_ERROR_PAUSE),
                }
            }
        })
}
