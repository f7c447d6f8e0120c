//! `aspnet-kb serve` as an HTTP server facing untrusted clients: only GET and HEAD, bounded
//! request heads (size and time), slow clients that block no one, folder addresses without
//! their slash redirected, UTF-8 paths raw or percent-encoded, fast keep-alive, and panics
//! (in a rebuild or a request) that leave the server serving the last good site; only
//! requests naming the server in `Host` (against DNS rebinding); event streams capped, so
//! that they never lock out page requests; and an IPv6 bind address.
//! Every exchange is on loopback and bounded in count and time.

mod common;

use common::Site;
use common::preview::{Server, events, start, start_on, wait_for};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Splits a response's head from the bytes after it.
fn parse_head(bytes: &[u8]) -> Option<(Response, usize)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    Some((response, end + 4))
}

/// Sends `request` on a fresh connection and reads until the server closes it.
fn exchange(server: &Server, request: &[u8]) -> Response {
    let mut stream = connect(server);
    stream.write_all(request).expect("send");
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .expect("the server answers and closes");
    let (mut response, at) = parse_head(&bytes)
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(&bytes)));
    response.body = bytes[at..].to_vec();
    response
}

/// A GET with `Connection: close`, the path sent as given (raw bytes allowed).
fn get(server: &Server, path: &[u8]) -> Response {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(path);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    exchange(server, &request)
}

/// Reads one response with a `Content-Length` body from a kept-alive connection.
fn read_response(reader: &mut BufReader<TcpStream>) -> Response {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let before = head.len();
        reader.read_until(b'\n', &mut head).expect("a response");
        assert!(head.len() > before, "closed before a whole response");
        assert!(head.len() < 64 * 1024, "endless head");
    }
    let (mut response, _) = parse_head(&head).expect("a response head");
    let length: usize = response
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("a Content-Length");
    response.body = vec![0; length];
    reader.read_exact(&mut response.body).expect("the body");
    response
}

#[test]
fn only_get_and_head_are_answered_and_head_has_no_body() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let request = format!(
            "{method} /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\na=1"
        );
        let response = exchange(&server, request.as_bytes());
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
    let get = get(&server, b"/aspnet/en/");
    assert_eq!(get.status, 200);
    let head = exchange(
        &server,
        b"HEAD /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // A HEAD on a kept-alive connection leaves it ready for the next request.
    let mut stream = connect(&server);
    stream
        .write_all(
            b"HEAD /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\n\r\nGET /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\n\r\n",
        )
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut first = Vec::new();
    while !first.ends_with(b"\r\n\r\n") {
        assert!(reader.read_until(b'\n', &mut first).unwrap() > 0);
    }
    assert_eq!(parse_head(&first).unwrap().0.status, 200);
    let second = read_response(&mut reader);
    assert_eq!((second.status, second.body.len()), (200, get.body.len()));
}

#[test]
fn an_oversize_request_head_gets_431_and_the_connection_closes() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let started = Instant::now();
    let big = format!(
        "GET /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    let mut stream = connect(&server);
    // The server may stop reading before the end: what it sends matters, not this write.
    let _ = stream.write_all(big.as_bytes());
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");
    if !bytes.is_empty() {
        assert_eq!(parse_head(&bytes).expect("a response").0.status, 431);
    }
    // As many small headers as fill the limit.
    let many: String = (0..2000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let request = format!("GET /aspnet/en/ HTTP/1.1\r\n{many}\r\n");
    let mut stream = connect(&server);
    let _ = stream.write_all(request.as_bytes());
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    if !bytes.is_empty() {
        assert_eq!(parse_head(&bytes).expect("a response").0.status, 431);
    }
    assert!(started.elapsed() < Duration::from_secs(10), "no hang");
    assert_eq!(get(&server, b"/aspnet/en/").status, 200);
}

#[test]
fn slow_clients_block_no_one_and_are_cut_after_the_timeout() {
    let site = Site::fixture("basic");
    let server = start(&site, &[("ASPNET_KB_TEST_HEAD_TIMEOUT_MS", "1000")]);
    // Half a head, then nothing, on a few connections.
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut stream = connect(&server);
            stream
                .write_all(b"GET /aspnet/en/ HTTP/1.1\r\nHost: loc")
                .unwrap();
            stream
        })
        .collect();
    // One that sends a byte every 100 ms: each read comes in time, the whole head does not.
    let mut dripping = connect(&server);
    let dripped = std::thread::spawn(move || {
        let started = Instant::now();
        for byte in b"GET /aspnet/en/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaa" {
            if dripping.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            if started.elapsed() > Duration::from_secs(8) {
                break;
            }
        }
        let mut rest = Vec::new();
        let _ = dripping.read_to_end(&mut rest);
        (started.elapsed(), rest)
    });
    let started = Instant::now();
    let response = get(&server, b"/aspnet/en/");
    assert_eq!(response.status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "a normal request waited {:?} behind slow clients",
        started.elapsed()
    );
    for mut stream in stalled {
        let mut bytes = Vec::new();
        stream
            .read_to_end(&mut bytes)
            .expect("closed by the server, not by the test's own timeout");
        if !bytes.is_empty() {
            assert_eq!(parse_head(&bytes).expect("a response").0.status, 408);
        }
    }
    let cut = started.elapsed();
    assert!(
        cut >= Duration::from_millis(800) && cut < Duration::from_secs(5),
        "stalled clients cut after {cut:?}"
    );
    let (took, rest) = dripped.join().unwrap();
    assert!(
        took < Duration::from_secs(5),
        "a dripping client held on {took:?}"
    );
    if !rest.is_empty() {
        assert_eq!(parse_head(&rest).expect("a response").0.status, 408);
    }
    // The server goes on.
    assert_eq!(get(&server, b"/aspnet/en/").status, 200);
}

#[test]
fn folder_addresses_without_their_slash_redirect() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    for (path, location) in [
        ("/aspnet/en", "/aspnet/en/"),
        ("/aspnet/en/practices", "/aspnet/en/practices/"),
        (
            "/aspnet/en/practices?page=2",
            "/aspnet/en/practices/?page=2",
        ),
        ("/aspnet", "/aspnet/"),
    ] {
        let response = get(&server, path.as_bytes());
        assert!(
            matches!(response.status, 301 | 308),
            "{path}: {}",
            response.status
        );
        assert_eq!(response.header("location"), Some(location), "{path}");
    }
    assert_eq!(get(&server, b"/aspnet/en/nothing-here").status, 404);
    drop(server);

    // At the root of the host.
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace("https://example.org/aspnet/", "https://example.org/"),
    );
    let server = start(&site, &[]);
    let response = get(&server, b"/en");
    assert!(matches!(response.status, 301 | 308));
    assert_eq!(response.header("location"), Some("/en/"));
    assert_eq!(get(&server, b"/en/").status, 200);
}

#[test]
fn utf8_paths_raw_or_encoded_are_answered_and_bad_ones_get_400() {
    let site = Site::fixture("basic");
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("tags: [water, climate]", "tags: [water, climate, مدارس]"),
    );
    let server = start(&site, &[]);
    let raw = "/aspnet/en/tags/مدارس/";
    let response = get(&server, raw.as_bytes());
    assert_eq!(response.status, 200, "raw UTF-8 path");
    assert!(response.text().contains("Clean water for all"));
    let encoded = "/aspnet/en/tags/%D9%85%D8%AF%D8%A7%D8%B1%D8%B3/";
    let response = get(&server, encoded.as_bytes());
    assert_eq!(response.status, 200, "percent-encoded path");
    assert!(response.text().contains("Clean water for all"));
    // Without the slash: a redirect, encoded.
    let response = get(&server, "/aspnet/en/tags/مدارس".as_bytes());
    assert!(matches!(response.status, 301 | 308));
    assert_eq!(response.header("location"), Some(encoded));
    assert_eq!(
        get(&server, "/aspnet/en/tags/مدرسة/".as_bytes()).status,
        404
    );
    for bad in [
        &b"/aspnet/en/%zz/"[..],
        b"/aspnet/en/%4",
        b"/aspnet/en/%C3%28/",
        b"/aspnet/en/tags/%D9%85%D8/",
        b"/aspnet/en/\xff\xfe/",
    ] {
        assert_eq!(
            get(&server, bad).status,
            400,
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn keep_alive_requests_are_fast() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let stream = connect(&server);
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut times = Vec::new();
    let started = Instant::now();
    for _ in 0..50 {
        let one = Instant::now();
        writer
            .write_all(b"GET /aspnet/en/practices/water/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let response = read_response(&mut reader);
        assert_eq!(response.status, 200);
        assert!(response.text().contains("Clean water for all"));
        times.push(one.elapsed());
    }
    let total = started.elapsed();
    times.sort();
    eprintln!(
        "50 keep-alive requests: {total:?} in all, median {:?}, slowest {:?}",
        times[25], times[49]
    );
    assert!(total < Duration::from_secs(2), "{total:?}");
}

#[test]
fn a_panic_in_a_request_is_a_500_for_that_request_alone() {
    let site = Site::fixture("basic");
    let marker = "PANIC-HOOK-7f3a";
    let server = start(&site, &[("ASPNET_KB_TEST_PANIC", marker)]);
    let page = b"/aspnet/en/practices/water/";
    assert_eq!(get(&server, page).status, 200);
    for _ in 0..3 {
        let mut stream = connect(&server);
        write!(
            stream,
            "GET /aspnet/en/{marker}/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        if !bytes.is_empty() {
            assert_eq!(parse_head(&bytes).expect("a response").0.status, 500);
        }
        assert_eq!(get(&server, page).status, 200);
    }
}

#[test]
fn a_panic_in_a_rebuild_leaves_the_last_good_site_on_show() {
    let site = Site::fixture("basic");
    let marker = "PANIC-HOOK-7f3a";
    let server = start(&site, &[("ASPNET_KB_TEST_PANIC", marker)]);
    let page = b"/aspnet/en/practices/water/";
    assert!(get(&server, page).text().contains("Clean water for all"));

    // Reported in the overlay and the terminal; the site stays.
    let stream = events(&server);
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("Clean water for all", &format!("Water {marker}")),
    );
    // (A save seen half-written could first report a content problem.)
    let problems = (0..5)
        .map(|_| wait_for(&stream, "problems"))
        .find(|p| p.contains("internal error while rebuilding:"))
        .expect("the panic is reported in the overlay");
    assert!(
        problems.contains("the last good site stays on show"),
        "{problems}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = server
            .log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the terminal reports the panic");
        if line.contains("internal error while rebuilding:") {
            break;
        }
    }
    let response = get(&server, page);
    assert_eq!(response.status, 200);
    assert!(response.text().contains("Clean water for all"));
    // The next save rebuilds.
    site.write(
        "content/practices/water.md",
        &water.replace("Clean water for all", "Clean water, after the panic"),
    );
    wait_for(&stream, "reload");
    assert!(
        get(&server, page)
            .text()
            .contains("Clean water, after the panic")
    );
}

#[test]
fn bound_to_ipv6_loopback_the_site_is_built_and_served() {
    // Skipped where IPv6 loopback is not available.
    if let Err(e) = std::net::TcpListener::bind("[::1]:0") {
        eprintln!("skipped: cannot bind [::1] ({e})");
        return;
    }
    let site = Site::fixture("basic");
    let server = start_on(&site, "::1", &[]);
    let prefix = format!("http://[::1]:{}/", server.port);
    assert_eq!(server.base, format!("{prefix}aspnet/"));
    let mut stream = TcpStream::connect(("::1", server.port)).expect("connect to [::1]");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /aspnet/en/practices/water/ HTTP/1.1\r\nHost: [::1]:{}\r\nConnection: close\r\n\r\n",
        server.port
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("a response");
    let (response, at) = parse_head(&bytes).expect("a response head");
    let page = String::from_utf8_lossy(&bytes[at..]);
    assert_eq!(response.status, 200, "{page}");
    assert!(page.contains("Clean water for all"));
    // Absolute links point at the preview, its address in brackets.
    assert!(page.contains(&prefix), "no link to {prefix} in the page");
}

/// A GET of `path` with the given `Host` header lines (none, one or several).
fn get_with_hosts(server: &Server, path: &str, hosts: &[&str]) -> Response {
    let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    for host in hosts {
        request.push_str(&format!("Host: {host}\r\n"));
    }
    request.push_str("\r\n");
    exchange(server, request.as_bytes())
}

#[test]
fn only_requests_naming_the_server_in_host_are_answered() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let port = server.port;
    let page = "/aspnet/en/practices/water/";
    for host in [
        "localhost".to_string(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("[::1]:{port}"),
    ] {
        let response = get_with_hosts(&server, page, &[&host]);
        assert_eq!(response.status, 200, "Host: {host}");
        assert!(response.text().contains("Clean water for all"), "{host}");
    }
    // A name that DNS rebinding points at 127.0.0.1: neither pages nor the event stream.
    for host in [
        "x",
        "attacker.example",
        &format!("attacker.example:{port}"),
        &format!("localhost.attacker.example:{port}"),
        &format!("127.0.0.1.attacker.example:{port}"),
    ] {
        for path in [page, "/aspnet/", "/__aspnet-kb/events"] {
            let response = get_with_hosts(&server, path, &[host]);
            assert!(
                matches!(response.status, 421 | 403),
                "Host: {host} {path}: {}",
                response.status
            );
            assert!(!response.text().contains("Clean water"), "{host} {path}");
        }
    }
    // No Host on HTTP/1.1, or two of them: a bad request.
    assert_eq!(get_with_hosts(&server, page, &[]).status, 400);
    assert_eq!(
        get_with_hosts(&server, page, &["localhost", "attacker.example"]).status,
        400
    );
    // HTTP/1.0 may leave it out.
    let response = exchange(&server, format!("GET {page} HTTP/1.0\r\n\r\n").as_bytes());
    assert_eq!(response.status, 200);
    // A refused request closes its connection: nothing after it is answered.
    let response = exchange(
        &server,
        format!(
            "GET {page} HTTP/1.1\r\nHost: attacker.example\r\n\r\n\
             GET {page} HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(response.status, 421);
    assert!(!response.text().contains("HTTP/1.1"), "a second response");
}

/// Opens the event stream on a new connection: its status, and the connection with the
/// response head read (the stream's lines, if any, follow).
fn open_event_stream(server: &Server) -> (u16, TcpStream) {
    let mut stream = connect(server);
    stream
        .write_all(b"GET /__aspnet-kb/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert!(head.len() < 8 * 1024, "endless head");
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            other => panic!("closed before a response head: {other:?}"),
        }
    }
    (parse_head(&head).expect("a response head").0.status, stream)
}

#[test]
fn event_streams_beyond_their_cap_get_503_and_never_lock_out_pages() {
    let cap = aspnet_kb::serve::http::Limits::default().event_streams;
    assert!(cap <= 64, "the test opens cap + 6 connections");
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let page = b"/aspnet/en/practices/water/";
    let started = Instant::now();
    let mut open: Vec<TcpStream> = (0..cap)
        .map(|i| {
            let (status, stream) = open_event_stream(&server);
            assert_eq!(status, 200, "event stream {i}");
            stream
        })
        .collect();
    for i in 0..6 {
        let (status, _) = open_event_stream(&server);
        assert_eq!(status, 503, "event stream {} beyond the cap", cap + i);
        // Pages are still answered, at once.
        let one = Instant::now();
        assert_eq!(get(&server, page).status, 200);
        assert!(
            one.elapsed() < Duration::from_secs(2),
            "{:?}",
            one.elapsed()
        );
    }
    // Pages closed: their streams free their places promptly, with no event to send.
    open.truncate(cap - 10);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut reopened = 0;
    while reopened < 10 {
        assert!(
            Instant::now() < deadline,
            "only {reopened} of 10 streams reopened in 5 s after their clients closed"
        );
        match open_event_stream(&server) {
            (200, stream) => {
                open.push(stream);
                reopened += 1;
            }
            (503, _) => std::thread::sleep(Duration::from_millis(200)),
            (status, _) => panic!("event stream: {status}"),
        }
    }
    assert_eq!(open_event_stream(&server).0, 503, "the cap holds");
    assert_eq!(get(&server, page).status, 200);
    // An idle stream gets a keep-alive comment within a few seconds.
    let mut lines = BufReader::new(open.swap_remove(0));
    let mut line = String::new();
    while line.trim_end() != ": keep-alive" {
        line.clear();
        assert!(
            lines.read_line(&mut line).expect("a line in time") > 0,
            "the stream closed"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(20));
}
