//! Network faults on loopback for the deploy fault tests: a listener that accepts and never
//! answers, one that closes in the middle of its answer, and a small HTTP/1.1 proxy in front
//! of moto that can answer one request with an HTTP 500 after forwarding it, or go away
//! after a given request. They misbehave at the TCP/HTTP level only; every CloudFormation
//! answer that is not a fault comes from moto.
//!
//! Everything is bounded: sockets have read timeouts, the accept loops poll a stop flag and
//! end when the value is dropped.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A listener on 127.0.0.1 run by a thread until dropped.
pub struct Listener {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    /// How many connections it has accepted so far.
    pub fn connections_made(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn bind() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    l.set_nonblocking(true).expect("nonblocking listener");
    let endpoint = format!("http://{}", l.local_addr().unwrap());
    (l, endpoint)
}

/// Run `serve` for every connection accepted until the listener is dropped or `serve`
/// returns `false` (then the listening socket is closed: later connections are refused).
fn spawn(
    listener: TcpListener,
    endpoint: String,
    mut serve: impl FnMut(TcpStream) -> bool + Send + 'static,
) -> Listener {
    let stop = Arc::new(AtomicBool::new(false));
    let connections = Arc::new(AtomicUsize::new(0));
    let (s, c) = (stop.clone(), connections.clone());
    let thread = std::thread::spawn(move || {
        while !s.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    c.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
                    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                    if !serve(stream) {
                        return; // drops the listener
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Listener {
        endpoint,
        connections,
        stop,
        thread: Some(thread),
    }
}

/// Accepts connections and never answers (nor closes them, until dropped).
pub fn silent() -> Listener {
    let (l, endpoint) = bind();
    let mut held: Vec<TcpStream> = Vec::new();
    spawn(l, endpoint, move |stream| {
        if held.len() < 64 {
            held.push(stream);
        }
        true
    })
}

/// Reads each request and answers with the start of a 200 response whose body it never
/// finishes: the connection closes mid-response.
pub fn closes_mid_response() -> Listener {
    let (l, endpoint) = bind();
    spawn(l, endpoint, |mut stream| {
        let _ = read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4096\r\n\r\n<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><DescribeStacksResult><Stacks>",
        );
        let _ = stream.flush();
        true // the stream is dropped here: closed mid-body
    })
}

/// One HTTP request as read from the client.
#[derive(Clone, Debug)]
pub struct Request {
    /// Request line and headers.
    pub head: String,
    /// The body (the query protocol's form for CloudFormation).
    pub body: String,
}

impl Request {
    /// The query protocol's `Action` (e.g. `ExecuteChangeSet`).
    pub fn action(&self) -> Option<&str> {
        self.param("Action")
    }

    /// A form parameter of the body, still URL-encoded.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.body
            .split('&')
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    }
}

/// What the proxy does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Forward to the upstream and return its answer.
    Forward,
    /// Forward to the upstream (which acts on it), then answer HTTP 500 instead of its
    /// answer: the client cannot tell whether the request was carried out.
    ForwardThen500,
    /// Forward and return the answer, then stop listening: the endpoint is gone.
    ForwardThenDown,
}

/// SYNTHESIZED (AWS CloudFormation API reference, common errors: `InternalFailure`, HTTP
/// 500, query protocol error body): what the proxy answers instead of upstream's answer.
const INTERNAL_FAILURE: &str = "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>The request processing has failed because of an unknown error, exception or failure.</Message></Error><RequestId>synthesized-500</RequestId></ErrorResponse>";

/// A proxy in front of `upstream` (moto) deciding per request with `decide`.
pub struct Proxy {
    /// The proxy's listener (its `endpoint` is what the client uses).
    pub listener: Listener,
    /// Every request seen, in order.
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Proxy {
    /// Start a proxy; `decide` sees each request and how many were seen before it.
    pub fn start(
        upstream: &str,
        decide: impl Fn(&Request, usize) -> Action + Send + 'static,
    ) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let (l, endpoint) = bind();
        let listener = spawn(l, endpoint, move |mut client| {
            let Some(req) = read_request(&mut client) else {
                return true;
            };
            let n = {
                let mut v = seen.lock().unwrap();
                v.push(req.clone());
                v.len() - 1
            };
            let action = decide(&req, n);
            let answer = forward(&upstream, &req);
            match action {
                Action::Forward | Action::ForwardThenDown => {
                    let _ = client.write_all(&answer.unwrap_or_default());
                }
                Action::ForwardThen500 => {
                    let _ = write!(
                        client,
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{INTERNAL_FAILURE}",
                        INTERNAL_FAILURE.len()
                    );
                }
            }
            let _ = client.flush();
            action != Action::ForwardThenDown
        });
        Proxy { listener, requests }
    }

    /// The proxy's endpoint.
    pub fn endpoint(&self) -> &str {
        &self.listener.endpoint
    }

    /// The requests with query action `action`.
    pub fn with_action(&self, action: &str) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.action() == Some(action))
            .cloned()
            .collect()
    }
}

/// Send `req` to `upstream` on a fresh connection (`Connection: close`) and return the whole
/// answer.
fn forward(upstream: &str, req: &Request) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(upstream).ok()?;
    s.set_read_timeout(Some(IO_TIMEOUT)).ok()?;
    let mut head: Vec<&str> = req
        .head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    head.push("Connection: close");
    write!(s, "{}\r\n\r\n{}", head.join("\r\n"), req.body).ok()?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).ok()?;
    Some(answer)
}

/// Read one request (head, then a `Content-Length` body).
fn read_request(s: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 1 << 20 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .split("\r\n")
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len.min(16 << 20) {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
