//! The preview server under test: `aspnet-kb serve` on a random loopback port, its log and
//! its event stream.

use super::Site;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The running server; stopped when dropped.
pub struct Server {
    child: Child,
    /// The address it serves the site at, base path included.
    pub base: String,
    pub port: u16,
    /// What the server prints, line by line.
    pub log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on a random loopback port, with the hidden test settings `env`.
pub fn start(site: &Site, env: &[(&str, &str)]) -> Server {
    let server = start_on(site, "127.0.0.1", env);
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
    server
}

/// Starts `serve --bind ADDRESS` on a random port, with the hidden test settings `env`.
pub fn start_on(site: &Site, address: &str, env: &[(&str, &str)]) -> Server {
    start_with(site, &["--bind", address], env)
}

/// Starts `serve ARGS` on a random port, with the hidden test settings `env`.
pub fn start_with(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .arg("serve")
        .args(args)
        .args(["--port", "0", "--root"])
        .arg(site.root())
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, log) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let base = loop {
        let line = log
            .recv_timeout(Duration::from_secs(60))
            .expect("serve prints its address");
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest
                .split_whitespace()
                .next()
                .expect("an address")
                .to_string();
        }
    };
    // http://HOST:PORT/…, the host possibly an IPv6 address in brackets.
    let port = base
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .and_then(|authority| authority.rsplit_once(':'))
        .and_then(|(_, port)| port.parse().ok())
        .expect("a port");
    Server {
        child,
        base,
        port,
        log,
    }
}

/// The event stream, as "event: name" and "data: …" lines, once open.
pub fn events(server: &Server) -> Receiver<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    write!(
        stream,
        "GET /__aspnet-kb/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .expect("send");
    let (lines, received) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // The server subscribes before it sends its first line: from then on nothing is missed.
    while !received
        .recv_timeout(Duration::from_secs(30))
        .expect("the event stream opens")
        .starts_with("retry:")
    {}
    received
}

/// Waits for the event `name` on an event stream; returns its data line.
pub fn wait_for(events: &Receiver<String>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut current = String::new();
    while let Ok(line) = events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if let Some(event) = line.strip_prefix("event: ") {
            current = event.to_string();
        } else if let Some(data) = line.strip_prefix("data: ").filter(|_| current == name) {
            return data.to_string();
        }
    }
    panic!("no {name} event");
}
