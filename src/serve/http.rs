//! The preview's HTTP side: serves the site held in memory under the base URL's path, never
//! a file from disk, so `..`, encoded traversal and symbolic links cannot reach outside it.
//! HTML pages get a few lines of script that listen for rebuilds (server-sent events at
//! [`EVENTS`]) and reload the page, or show the build's errors in an overlay.
//!
//! The preview may be bound to a LAN address and shows untrusted content, so the server is a
//! careful one: a small HTTP/1.1 server on std's `TcpListener`, with `httparse` reading the
//! request head. Each connection has a thread of its own, up to [`Limits::connections`] at
//! once (then 503), of which at most [`Limits::event_streams`] hold an event stream (then
//! 503 for that stream alone), so that open pages never take the capacity page requests
//! need; a stream whose client closed is noticed within [`Limits::stream_check`] (one that
//! vanished without closing, once writing to it fails) and frees its place. A request head
//! must come whole within [`Limits::head_time`] and [`Limits::head_size`] bytes (then 408
//! or 431, and the connection is closed), so a slow or hostile client holds one thread for
//! a bounded time and never blocks the others. Only GET and HEAD are answered (405
//! otherwise); connections are kept alive, with Nagle's algorithm off and each response
//! written at once, so a request on a kept-alive connection takes no
//! more than its work. A panic while answering is a 500 for that request alone.
//!
//! A request must name the server in its `Host` header: `localhost`, an IP address or the
//! host of the preview's base URL (any port), else 421. A page on some other name that
//! DNS rebinding points at the preview therefore cannot read it (drafts included).
//!
//! The event stream is written here too, three lines an event: the server-sent-events crates
//! found are async (`sse-codec`, `async-sse` need a futures runtime) or unmaintained
//! (`uhttp_sse`), and none would spare more than those lines.
//!
//! Reads [`Preview`] (what is on show), and nothing else of `serve`.

use super::preview::{Event, Preview};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// The event stream of rebuilds.
pub const EVENTS: &str = "/__aspnet-kb/events";

/// Injected before `</body>` of every HTML page while serving.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var events = new EventSource('/__aspnet-kb/events');
  events.addEventListener('reload', function () { location.reload(); });
  events.addEventListener('problems', function (e) {
    var box = document.getElementById('aspnet-kb-problems') || document.createElement('div');
    box.id = 'aspnet-kb-problems';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;' +
      'background:#7f1d1d;color:#fff;font:14px/1.4 monospace;padding:1rem;white-space:pre-wrap';
    box.textContent = 'The last change has errors; this is the last good version.\n\n' + JSON.parse(e.data).join('\n');
    document.body.appendChild(box);
  });
})();
</script>
"#;

/// How much a client may ask of the server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest request head (request line and headers), in bytes: 431 beyond.
    pub head_size: usize,
    /// The most headers in a request: 431 beyond.
    pub headers: usize,
    /// How long a client may take to send a request head, and how long a kept-alive
    /// connection may stay idle: 408 (or, idle, a quiet close) after.
    pub head_time: Duration,
    /// How long writing a response may stall (a client that does not read).
    pub write_time: Duration,
    /// Connections served at once, event streams included: 503 beyond.
    pub connections: usize,
    /// Event streams open at once, well under [`Limits::connections`]: 503 beyond, for the
    /// stream asked for alone.
    pub event_streams: usize,
    /// How often an idle event stream checks, without waiting, whether its client has
    /// closed the connection.
    pub stream_check: Duration,
    /// How long an event stream stays silent before a comment line, which keeps it open
    /// through proxies and lets a write find a connection that is gone.
    pub keep_alive: Duration,
    /// Requests answered on one connection before it is closed.
    pub requests_per_connection: usize,
    /// Test hook: a request whose path contains this panics (see [`Limits::from_env`]).
    pub panic_marker: Option<String>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_size: 16 * 1024,
            headers: 64,
            head_time: Duration::from_secs(10),
            write_time: Duration::from_secs(30),
            connections: 512,
            event_streams: 64,
            stream_check: Duration::from_secs(1),
            keep_alive: Duration::from_secs(5),
            requests_per_connection: 10_000,
            panic_marker: None,
        }
    }
}

impl Limits {
    /// The defaults, with two hidden settings for the integration tests (not documented to
    /// users, not part of the command line): `ASPNET_KB_TEST_HEAD_TIMEOUT_MS` shortens
    /// [`Limits::head_time`] so that a slow-client test takes a second, and
    /// `ASPNET_KB_TEST_PANIC=MARKER` makes a request whose path contains MARKER panic (and,
    /// in [`super::serve`], a rebuild of a file containing it), to test that panics are
    /// contained.
    pub fn from_env() -> Limits {
        let mut limits = Limits::default();
        if let Some(ms) = std::env::var("ASPNET_KB_TEST_HEAD_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            limits.head_time = Duration::from_millis(ms);
        }
        limits.panic_marker = test_panic_marker();
        limits
    }
}

/// The test hook's marker (see [`Limits::from_env`]), if set and not empty.
pub(super) fn test_panic_marker() -> Option<String> {
    std::env::var("ASPNET_KB_TEST_PANIC")
        .ok()
        .filter(|m| !m.is_empty())
}

/// What the connections' threads share.
struct Server {
    preview: Arc<Preview>,
    limits: Limits,
    /// The host of the preview's base URL, lowercase.
    own_host: String,
    /// The event streams open.
    streams: Arc<AtomicUsize>,
}

/// Serves connections from `listener` until the process ends; `own_host` is the host of
/// the preview's base URL (lowercase), which requests may name besides `localhost` and IP
/// addresses.
pub fn run(listener: TcpListener, preview: Arc<Preview>, limits: Limits, own_host: String) {
    let server = Arc::new(Server {
        preview,
        limits,
        own_host,
        streams: Arc::new(AtomicUsize::new(0)),
    });
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            // Out of file descriptors, or a connection reset before it was accepted: wait a
            // little rather than spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let Some(slot) = Slot::take(&open, server.limits.connections) else {
            refuse(stream);
            continue;
        };
        let server = Arc::clone(&server);
        // If the thread cannot be made, the closure is dropped with its slot and stream.
        let _ = std::thread::Builder::new()
            .name("serve-connection".into())
            // Answering needs little stack; many connections then cost little memory.
            .stack_size(512 * 1024)
            .spawn(move || {
                let _slot = slot;
                connection(stream, &server);
            });
    }
}

/// One place of those counted by a counter (connections, event streams); given back when
/// dropped, even by a panic.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// A place, if fewer than `most` are taken.
    fn take(taken: &Arc<AtomicUsize>, most: usize) -> Option<Slot> {
        taken
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < most).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(Arc::clone(taken)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Too many connections: a short 503, from the accepting thread (a fresh socket's send buffer
/// takes it without waiting).
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let reply = Reply::text(503, "too many connections");
    let _ = stream.write_all(&reply.to_bytes(false, false));
    let _ = stream.shutdown(Shutdown::Both);
}

/// What reading a request head came to.
enum Head {
    /// A whole head, this many bytes long at the start of the buffer.
    Complete(usize),
    /// The client closed the connection, or stayed idle too long before a request.
    Closed,
    /// The client took too long to send the head: 408.
    TimedOut,
    /// Too large, or too many headers: 431.
    TooLarge,
    /// Not HTTP: 400.
    Malformed,
}

/// Reads until `buffer` starts with a whole request head, within the limits.
fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>, limits: &Limits) -> Head {
    let deadline = Instant::now() + limits.head_time;
    let mut chunk = [0u8; 4096];
    loop {
        if !buffer.is_empty() {
            let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
            match httparse::Request::new(&mut headers).parse(buffer) {
                Ok(httparse::Status::Complete(n)) if n > limits.head_size => return Head::TooLarge,
                Ok(httparse::Status::Complete(n)) => return Head::Complete(n),
                Ok(httparse::Status::Partial) if buffer.len() >= limits.head_size => {
                    return Head::TooLarge;
                }
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Head::TooLarge,
                Err(_) => return Head::Malformed,
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return if buffer.is_empty() {
                Head::Closed
            } else {
                Head::TimedOut
            };
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Head::Closed,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return if buffer.is_empty() {
                    Head::Closed
                } else {
                    Head::TimedOut
                };
            }
            Err(_) => return Head::Closed,
        }
    }
}

/// What of a request head the server needs.
struct RequestHead {
    method: String,
    /// The request target as sent (raw UTF-8 bytes in it are accepted).
    target: String,
    keep_alive: bool,
    /// The `Host` headers' values, lowercase (more than one is a bad request).
    hosts: Vec<String>,
    /// HTTP/1.1 (a request without `Host` is then a bad request), rather than HTTP/1.0.
    http11: bool,
    /// Whether a body follows (which is never read: the connection is closed after).
    has_body: bool,
}

impl RequestHead {
    /// The head at the start of `bytes`; `None` if it is not one.
    fn parse(bytes: &[u8], limits: &Limits) -> Option<RequestHead> {
        let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
        let mut request = httparse::Request::new(&mut headers);
        request.parse(bytes).ok()?;
        let header = |name: &'static str| {
            request
                .headers
                .iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
        };
        let connection: Vec<String> = header("connection")
            .flat_map(|v| {
                v.split(',')
                    .map(|t| t.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let has = |token: &str| connection.iter().any(|t| t == token);
        let http11 = request.version? != 0;
        let keep_alive = if http11 {
            !has("close")
        } else {
            has("keep-alive")
        };
        let has_body = header("transfer-encoding").next().is_some()
            || header("content-length").any(|v| v.trim() != "0");
        Some(RequestHead {
            method: request.method?.to_string(),
            target: request.path?.to_string(),
            keep_alive,
            hosts: header("host").collect(),
            http11,
            has_body,
        })
    }
}

/// Answers requests on one connection until it closes, errs, or a limit is reached.
fn connection(mut stream: TcpStream, server: &Server) {
    let (preview, limits) = (server.preview.as_ref(), &server.limits);
    // Each response is written whole at once: no need to wait for more to fill a packet.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_time));
    let mut buffer = Vec::with_capacity(4096);
    for answered in 1..=limits.requests_per_connection {
        let length = match read_head(&mut stream, &mut buffer, limits) {
            Head::Complete(length) => length,
            Head::Closed => return,
            Head::TimedOut => return fail(stream, Reply::text(408, "request timeout")),
            Head::TooLarge => {
                return fail(stream, Reply::text(431, "request header fields too large"));
            }
            Head::Malformed => return fail(stream, Reply::text(400, "bad request")),
        };
        let Some(head) = RequestHead::parse(&buffer[..length], limits) else {
            return fail(stream, Reply::text(400, "bad request"));
        };
        buffer.drain(..length);
        let head_only = head.method == "HEAD";
        let answer = match check_host(&head, &server.own_host) {
            Some(refusal) => Answer::Close(refusal),
            None => catch_unwind(AssertUnwindSafe(|| respond(&head, preview, limits)))
                .unwrap_or_else(|_| Answer::Close(Reply::text(500, "internal server error"))),
        };
        // A body is never read: the connection cannot go on after it.
        let keep_alive =
            head.keep_alive && !head.has_body && answered < limits.requests_per_connection;
        let (reply, keep_alive) = match answer {
            Answer::Reply(reply) => (reply, keep_alive),
            Answer::Close(reply) => (reply, false),
            Answer::Events if head_only => (Reply::events_head(), false),
            Answer::Events => match Slot::take(&server.streams, limits.event_streams) {
                Some(slot) => return stream_events(stream, preview, limits, slot),
                None => (Reply::text(503, "too many event streams"), false),
            },
        };
        if stream
            .write_all(&reply.to_bytes(head_only, keep_alive))
            .is_err()
        {
            return;
        }
        if !keep_alive {
            return linger(stream);
        }
    }
}

/// The refusal of a request whose `Host` header does not name this server (421), or that
/// has none on HTTP/1.1 or several (400); `None` when it may be answered.
fn check_host(head: &RequestHead, own_host: &str) -> Option<Reply> {
    match head.hosts.as_slice() {
        [] if !head.http11 => None,
        [host] if host_allowed(host, own_host) => None,
        [_] => Some(Reply::text(421, "misdirected request: unknown host")),
        _ => Some(Reply::text(400, "bad request: one Host header needed")),
    }
}

/// Whether a `Host` header's value names this server, its port (if any) ignored:
/// `localhost`, an IPv4 address, an IPv6 address in brackets, or `own_host` (the host of
/// the base URL, lowercase). No other name can reach the preview but by DNS rebinding.
pub fn host_allowed(value: &str, own_host: &str) -> bool {
    let value = value.trim();
    let (host, port) = if value.starts_with('[') {
        match value.find(']') {
            Some(end) => value.split_at(end + 1),
            None => return false,
        }
    } else {
        value.split_at(value.find(':').unwrap_or(value.len()))
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    let ipv6 = || {
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<Ipv6Addr>().is_ok())
    };
    port_ok
        && !host.is_empty()
        && (host.eq_ignore_ascii_case("localhost")
            || host.parse::<Ipv4Addr>().is_ok()
            || ipv6()
            || host.eq_ignore_ascii_case(own_host))
}

/// Sends `reply` and closes the connection.
fn fail(mut stream: TcpStream, reply: Reply) {
    if stream.write_all(&reply.to_bytes(false, false)).is_ok() {
        linger(stream);
    }
}

/// Closes the connection after its last response so that the client reads that response:
/// closing with unread bytes (a request's rest) would reset the connection and could lose it.
/// Bounded in time and bytes, so that a client that keeps sending cannot hold it open.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut chunk = [0u8; 4096];
    let mut left: usize = 256 * 1024;
    while left > 0 {
        let time = deadline.saturating_duration_since(Instant::now());
        if time.is_zero() || stream.set_read_timeout(Some(time)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// A response with a body in memory.
struct Reply {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    /// Whether to say which methods are allowed (405).
    allow: bool,
    /// Shared with the site on show when it is a file of it.
    body: Arc<[u8]>,
}

impl Reply {
    fn new(status: u16, content_type: String, body: Arc<[u8]>) -> Reply {
        Reply {
            status,
            content_type: Some(content_type),
            location: None,
            allow: false,
            body,
        }
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8".into(),
            text.as_bytes().into(),
        )
    }

    fn redirect(status: u16, location: String) -> Reply {
        Reply {
            status,
            content_type: None,
            location: Some(location),
            allow: false,
            body: Arc::default(),
        }
    }

    /// The answer to HEAD on the event stream.
    fn events_head() -> Reply {
        Reply::new(200, "text/event-stream".into(), Arc::default())
    }

    /// Status line, headers and (unless `head_only`) body, in one buffer to write at once.
    fn to_bytes(&self, head_only: bool, keep_alive: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" },
        );
        // Values made here are ASCII without line breaks (locations are percent-encoded).
        if let Some(kind) = &self.content_type {
            head.push_str(&format!("Content-Type: {kind}\r\n"));
        }
        if let Some(location) = &self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        if self.allow {
            head.push_str("Allow: GET, HEAD\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// What to do with a request.
enum Answer {
    Reply(Reply),
    /// Reply, then close the connection.
    Close(Reply),
    /// Stream rebuild events on this connection.
    Events,
}

/// The media type of a file of the output, by its extension.
fn content_type(path: &str) -> String {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    let textual = guess.type_() == mime_guess::mime::TEXT
        || matches!(guess.subtype().as_str(), "javascript" | "xml" | "json");
    match guess.get_param(mime_guess::mime::CHARSET) {
        None if textual => format!("{guess}; charset=utf-8"),
        _ => guess.to_string(),
    }
}

/// Bytes that cannot stand as they are in a `Location` path: the URL standard's path
/// percent-encode set, and `%` (the path was decoded).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Bytes that cannot stand in a `Location` query (which is passed on, still encoded).
const QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// What a request path asks for.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// A file of the output, by its path relative to the output folder.
    File(String),
    /// The base path without its trailing slash: a redirect to it.
    Base,
    /// Bad percent-encoding, or not UTF-8 once decoded: 400.
    Malformed,
    /// The path tries to climb out (`..`, backslashes, NUL): 403.
    Forbidden,
    /// Outside the base path: 404.
    Outside,
}

/// Percent-decodes a URL path; `None` when a `%` is not followed by two hex digits, or the
/// bytes are not UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|p| p.into_owned())
}

/// Maps a request path to a file of the output, refusing anything that tries to leave it.
/// `base_path` is the site's, as `Config` keeps it (percent-encoded, `/caf%C3%A9/`); both are
/// compared decoded.
pub fn target(raw: &str, base_path: &str) -> Target {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let Some(path) = decode(path) else {
        return Target::Malformed;
    };
    let base_path = decode(base_path).unwrap_or_else(|| base_path.to_string());
    let base_path = base_path.as_str();
    // An empty segment (`//`) would leave a leading `/` on the file's path.
    if path.contains('\\')
        || path.contains('\0')
        || path.contains("//")
        || path.split('/').any(|s| s == "..")
    {
        return Target::Forbidden;
    }
    if format!("{path}/") == base_path {
        return Target::Base;
    }
    let Some(inside) = path.strip_prefix(base_path) else {
        return Target::Outside;
    };
    if inside.is_empty() || inside.ends_with('/') {
        Target::File(format!("{inside}index.html"))
    } else {
        Target::File(inside.to_string())
    }
}

/// The request's query (after `?`, without a fragment), encoded for a `Location`.
fn query_of(raw: &str) -> String {
    let raw = raw.split('#').next().unwrap_or("");
    match raw.split_once('?') {
        Some((_, query)) => format!("?{}", utf8_percent_encode(query, QUERY)),
        None => String::new(),
    }
}

fn respond(head: &RequestHead, preview: &Preview, limits: &Limits) -> Answer {
    if !matches!(head.method.as_str(), "GET" | "HEAD") {
        let mut reply = Reply::text(405, "method not allowed");
        reply.allow = true;
        return Answer::Reply(reply);
    }
    let url = head.target.as_str();
    if let Some(marker) = &limits.panic_marker
        && url.contains(marker.as_str())
    {
        panic!("test hook: a request for {url}");
    }
    if url.split('?').next() == Some(EVENTS) {
        return Answer::Events;
    }
    // Percent-encoded by `Config` (taken from the parsed base URL): what redirects start with.
    let base_path = preview.base_path();
    let base = base_path.clone();
    let not_found = || {
        // A page, so that the reload script runs: while the site has errors (even before its
        // first good build) the overlay shows them, and the fix reloads the page.
        let page = preview.file("404.html");
        let page = page
            .as_deref()
            .unwrap_or(b"<!doctype html><title>Not found</title><body><p>Not found.</p></body>");
        Reply::new(404, "text/html; charset=utf-8".into(), inject(page))
    };
    let reply = match target(url, &base_path) {
        Target::Malformed => return Answer::Close(Reply::text(400, "bad request")),
        Target::Forbidden => Reply::text(403, "forbidden"),
        Target::Outside if url == "/" => Reply::redirect(302, base),
        Target::Outside => not_found(),
        Target::Base => Reply::redirect(301, format!("{base}{}", query_of(url))),
        Target::File(path) => match preview.file(&path) {
            Some(bytes) => {
                let kind = content_type(&path);
                let bytes = if kind.starts_with("text/html") {
                    inject(&bytes)
                } else {
                    bytes
                };
                Reply::new(200, kind, bytes)
            }
            // A folder's address without its slash.
            None if preview.file(&format!("{path}/index.html")).is_some() => {
                let location = format!(
                    "{base}{}/{}",
                    utf8_percent_encode(&path, PATH),
                    query_of(url)
                );
                Reply::redirect(301, location)
            }
            None => not_found(),
        },
    };
    Answer::Reply(reply)
}

/// The page with the reload script before `</body>` (or at the end).
fn inject(html: &[u8]) -> Arc<[u8]> {
    let text = String::from_utf8_lossy(html);
    let page = match text.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_SCRIPT}{}", &text[..at], &text[at..]),
        None => format!("{text}{RELOAD_SCRIPT}"),
    };
    page.into_bytes().into()
}

/// An event as the event stream sends it.
fn event_text(event: &Event) -> String {
    match event {
        Event::Reload => "event: reload\ndata: \n\n".into(),
        Event::Problems(problems) => format!(
            "event: problems\ndata: {}\n\n",
            serde_json::to_string(&problems[..]).unwrap_or_default()
        ),
    }
}

/// Sends one server-sent event per rebuild until the page goes away, event by event; then
/// the connection closes (the stream has no length). Holds its `_slot` (a place among the
/// event streams) and its subscription until then.
fn stream_events(mut stream: TcpStream, preview: &Preview, limits: &Limits, _slot: Slot) {
    let subscription = preview.subscribe();
    let mut send = |text: &str| stream.write_all(text.as_bytes());
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\nretry: 500\n\n";
    // A page opened while the site has errors shows them at once.
    let problems = preview.problems_event();
    if send(head).is_err() || problems.is_some_and(|e| send(&event_text(&e)).is_err()) {
        return;
    }
    let mut last_sent = Instant::now();
    loop {
        let sent = match subscription.events.recv_timeout(limits.stream_check) {
            Ok(event) => stream.write_all(event_text(&event).as_bytes()),
            Err(RecvTimeoutError::Timeout) if client_gone(&mut stream) => return,
            // A comment line keeps idle connections open and finds vanished clients.
            Err(RecvTimeoutError::Timeout) if last_sent.elapsed() >= limits.keep_alive => {
                stream.write_all(b": keep-alive\n\n")
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
        last_sent = Instant::now();
    }
}

/// Whether the client of an event stream has closed (or reset) the connection, found
/// without waiting: it sends nothing after its request, so what it may send is read and
/// dropped, and the end of its data is the end of the stream.
fn client_gone(stream: &mut TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut chunk = [0u8; 1024];
    let gone = match stream.read(&mut chunk) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
    };
    stream.set_nonblocking(false).is_err() || gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_into_the_output_or_are_refused() {
        let file = |p: &str| Target::File(p.to_string());
        assert_eq!(target("/aspnet/en/", "/aspnet/"), file("en/index.html"));
        assert_eq!(target("/aspnet/", "/aspnet/"), file("index.html"));
        assert_eq!(target("/aspnet", "/aspnet/"), Target::Base);
        assert_eq!(target("/aspnet/en", "/aspnet/"), file("en"));
        // A base path outside ASCII is kept encoded; requests match it either way.
        assert_eq!(
            target("/caf%C3%A9/en/", "/caf%C3%A9/"),
            file("en/index.html")
        );
        assert_eq!(target("/café/en/", "/caf%C3%A9/"), file("en/index.html"));
        assert_eq!(target("/caf%C3%A9", "/caf%C3%A9/"), Target::Base);
        assert_eq!(
            target("/aspnet/static/style.css?v=1", "/aspnet/"),
            file("static/style.css")
        );
        assert_eq!(
            target("/aspnet/caf%C3%A9/", "/aspnet/"),
            file("café/index.html")
        );
        assert_eq!(target("/aspnet/café/", "/aspnet/"), file("café/index.html"));
        assert_eq!(target("/aspnet/a%C3%A9", "/aspnet/"), file("aé"));
        assert_eq!(
            target("/aspnet/../etc/passwd", "/aspnet/"),
            Target::Forbidden
        );
        assert_eq!(
            target("/aspnet/%2e%2e/%2E%2E/etc/passwd", "/aspnet/"),
            Target::Forbidden
        );
        assert_eq!(
            target("/aspnet/..%5c..%5cwin.ini", "/aspnet/"),
            Target::Forbidden
        );
        assert_eq!(target("/aspnet/a%00b", "/aspnet/"), Target::Forbidden);
        assert_eq!(target("//", "/"), Target::Forbidden);
        assert_eq!(target("/aspnet//etc/passwd", "/aspnet/"), Target::Forbidden);
        assert_eq!(target("/aspnet/%2F%2Fx", "/aspnet/"), Target::Forbidden);
        assert_eq!(target("/other/", "/aspnet/"), Target::Outside);
    }

    #[test]
    fn bad_percent_encoding_and_non_utf8_are_malformed() {
        for path in [
            "/aspnet/%zz/",
            "/aspnet/%4",
            "/aspnet/a%",
            "/aspnet/%C3%28/",
        ] {
            assert_eq!(target(path, "/aspnet/"), Target::Malformed, "{path}");
        }
    }

    #[test]
    fn media_types_come_from_the_extension() {
        assert_eq!(content_type("en/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a/photo.JPG"), "image/jpeg");
        assert_eq!(content_type("search/s/ab.jsz"), "application/octet-stream");
        assert!(content_type("static/search.js").ends_with("javascript; charset=utf-8"));
    }

    #[test]
    fn queries_are_passed_on_encoded() {
        assert_eq!(query_of("/en?q=a b#top"), "?q=a%20b");
        assert_eq!(query_of("/en?q=é"), "?q=%C3%A9");
        assert_eq!(query_of("/en"), "");
    }

    #[test]
    fn only_hosts_naming_the_server_are_allowed() {
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1",
            "127.0.0.1:8080",
            "192.168.1.20:1111",
            "[::1]",
            "[::1]:1111",
            "[fe80::1]:80",
            "preview.lan:1111",
            "Preview.LAN",
            "localhost:",
        ] {
            assert!(host_allowed(host, "preview.lan"), "{host}");
        }
        for host in [
            "x",
            "",
            ":1111",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "::1",
            "[::1",
            "[localhost]",
            "[::1]x",
            "localhost:abc",
            "localhost:1:2",
            "preview.lan.evil",
            "sub.preview.lan",
        ] {
            assert!(!host_allowed(host, "preview.lan"), "{host:?}");
        }
        // An empty own host (a base URL without one) allows nothing more.
        assert!(!host_allowed("", ""));
    }

    #[test]
    fn replies_are_one_buffer_and_head_has_no_body() {
        let reply = Reply::text(200, "hello");
        let full = String::from_utf8(reply.to_bytes(false, true)).unwrap();
        assert!(full.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(full.contains("Content-Length: 5\r\n") && full.ends_with("\r\n\r\nhello"));
        let head = String::from_utf8(reply.to_bytes(true, false)).unwrap();
        assert!(head.contains("Content-Length: 5\r\n") && head.ends_with("\r\n\r\n"));
        assert!(head.contains("Connection: close\r\n"));
    }
}
