//! The preview's HTTP side: serves the site held in memory under the base URL's path, never
//! a file from disk, so `..`, encoded traversal and symbolic links cannot reach outside it.
//! HTML pages get a few lines of script that listen for rebuilds (server-sent events at
//! [`EVENTS`]) and reload the page, or show the build's errors in an overlay.

use super::Preview;
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;
use tiny_http::{Header, Request, Response, Server, StatusCode};

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

/// Adds a header; a value that cannot be a header (not ASCII) is left out.
fn with_header<R: std::io::Read>(
    mut response: Response<R>,
    name: &str,
    value: &str,
) -> Response<R> {
    if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        response.add_header(header);
    }
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path; `None` when it decodes to something that is not UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path asks for.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// A file of the output, by its path relative to the output folder.
    File(String),
    /// The path tries to climb out (`..`, backslashes, NUL): 403.
    Forbidden,
    /// Outside the base path: 404.
    Outside,
}

/// Maps a request path to a file of the output, refusing anything that tries to leave it.
pub fn target(raw: &str, base_path: &str) -> Target {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let Some(path) = decode(path) else {
        return Target::Forbidden;
    };
    if path.contains('\\') || path.contains('\0') || path.split('/').any(|s| s == "..") {
        return Target::Forbidden;
    }
    let Some(inside) = path.strip_prefix(base_path).or_else(|| {
        // `/aspnet` without its slash is the base path too.
        (format!("{path}/") == base_path).then_some("")
    }) else {
        return Target::Outside;
    };
    if inside.is_empty() || inside.ends_with('/') {
        Target::File(format!("{inside}index.html"))
    } else {
        Target::File(inside.to_string())
    }
}

/// Serves requests until the process ends; each on its own thread.
pub fn run(server: Server, preview: Arc<Preview>) {
    for request in server.incoming_requests() {
        let preview = Arc::clone(&preview);
        std::thread::spawn(move || respond(request, &preview));
    }
}

fn respond(request: Request, preview: &Preview) {
    let url = request.url().to_string();
    if url.split('?').next() == Some(EVENTS) {
        stream_events(request, preview);
        return;
    }
    let base_path = preview.base_path();
    let (status, body, kind) = match target(&url, &base_path) {
        Target::Forbidden => (403, b"forbidden".to_vec(), "text/plain; charset=utf-8"),
        Target::Outside if url == "/" => {
            let response = with_header(Response::empty(StatusCode(302)), "Location", &base_path);
            let _ = request.respond(response);
            return;
        }
        Target::Outside => (404, b"not found".to_vec(), "text/plain; charset=utf-8"),
        Target::File(path) => match preview.file(&path) {
            Some(bytes) => (200, bytes, content_type(&path)),
            // A page, so that the reload script runs: while the site has errors (even before
            // its first good build) the overlay shows them, and the fix reloads the page.
            None => match preview.file("404.html") {
                Some(bytes) => (404, bytes, "text/html; charset=utf-8"),
                None => (
                    404,
                    b"<!doctype html><title>Not found</title><body><p>Not found.</p></body>"
                        .to_vec(),
                    "text/html; charset=utf-8",
                ),
            },
        },
    };
    let body = if kind.starts_with("text/html") {
        inject(body)
    } else {
        body
    };
    let response = Response::from_data(body).with_status_code(StatusCode(status));
    let response = with_header(response, "Content-Type", kind);
    let response = with_header(response, "Cache-Control", "no-store");
    let _ = request.respond(response);
}

/// The page with the reload script before `</body>` (or at the end).
fn inject(html: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_SCRIPT}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{RELOAD_SCRIPT}").into_bytes(),
    }
}

/// Sends one server-sent event per rebuild until the page goes away. Written straight to the
/// connection and flushed, event by event.
fn stream_events(request: Request, preview: &Preview) {
    let events = preview.subscribe();
    let mut writer = request.into_writer();
    let mut send = |text: &str| {
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
    };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\nretry: 500\n\n";
    // A page opened while the site has errors shows them at once.
    if send(head).is_err() || preview.problems_event().is_some_and(|e| send(&e).is_err()) {
        return;
    }
    loop {
        let sent = match events.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => send(&event),
            // A comment line keeps idle connections open and finds closed ones.
            Err(RecvTimeoutError::Timeout) => send(": keep-alive\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_into_the_output_or_are_refused() {
        let file = |p: &str| Target::File(p.to_string());
        assert_eq!(target("/aspnet/en/", "/aspnet/"), file("en/index.html"));
        assert_eq!(target("/aspnet", "/aspnet/"), file("index.html"));
        assert_eq!(
            target("/aspnet/static/style.css?v=1", "/aspnet/"),
            file("static/style.css")
        );
        assert_eq!(
            target("/aspnet/caf%C3%A9/", "/aspnet/"),
            file("café/index.html")
        );
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
        assert_eq!(target("/other/", "/aspnet/"), Target::Outside);
    }
}
