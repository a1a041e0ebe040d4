//! A moto server for one test: started on 127.0.0.1 with a free port, reset on request,
//! killed when dropped. Found in `$FERROFORM_VENV` or `<repo>/.venv` (what tests/run.sh
//! creates). Under CI a missing moto_server fails the test; by hand it prints SKIPPED.

use std::ffi::OsStr;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root (this file belongs to the `ferroform` package in `dsl/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("dsl/ has a parent")
        .to_path_buf()
}

fn venv() -> PathBuf {
    match std::env::var_os("FERROFORM_VENV") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => repo_root().join(".venv"),
    }
}

fn moto_server_path() -> Option<PathBuf> {
    let p = venv().join("bin").join("moto_server");
    p.is_file().then_some(p)
}

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Moto {
    /// Start one, or `None` (SKIPPED) when moto is not installed and not under CI.
    pub fn start() -> Option<Moto> {
        let Some(bin) = moto_server_path() else {
            let reason = "moto_server not found in the test venv (run tests/run.sh, which installs moto[server] into .venv)";
            if super::in_ci() {
                panic!("\n\nMISSING TOOL UNDER CI: {reason}\n");
            }
            eprintln!("SKIPPED: {reason}");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto.reset();
        Some(moto)
    }

    /// `POST /moto-api/reset`: forget every resource.
    pub fn reset(&self) {
        use std::io::{Read, Write};
        let addr = self.endpoint.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).expect("connect to moto");
        write!(
            s,
            "POST /moto-api/reset HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("send reset");
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        assert!(
            resp.starts_with("HTTP/1.1 200") || resp.starts_with("HTTP/1.0 200"),
            "reset failed: {resp}"
        );
    }

    /// Run `code` with the virtual environment's Python (it has boto3, moto's client
    /// library), pointed at this server; its stdout, or a panic with its stderr.
    pub fn python(&self, code: &str) -> String {
        let mut cmd = Command::new(venv().join("bin").join("python"));
        cmd.args(["-c", code]);
        self.env(&mut cmd);
        let o = cmd.output().expect("run the venv's python");
        assert!(
            o.status.success(),
            "python failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The `ferroform` binary (built with the deploy feature for this package's tests),
    /// configured for this server with dummy credentials.
    pub fn ferroform(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ferroform"));
        self.env(&mut c);
        c
    }

    /// Run the `ferroform` binary against this server with `args`; its output.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        self.ferroform().args(args).output().expect("run ferroform")
    }

    /// Point `cmd` at this server with dummy credentials.
    pub fn env(&self, cmd: &mut Command) {
        point_at(cmd, &self.endpoint);
    }

    /// An SDK client for checking what was deployed.
    pub async fn client(&self) -> aws_sdk_cloudformation::Client {
        self.client_in("us-east-1").await
    }

    /// A CloudFormation client of the server, in `region`.
    pub async fn client_in(&self, region: &str) -> aws_sdk_cloudformation::Client {
        let conf = aws_sdk_cloudformation::Config::builder()
            .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudformation::config::Region::new(
                region.to_owned(),
            ))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build();
        aws_sdk_cloudformation::Client::from_conf(conf)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Point `cmd` at `endpoint` with dummy credentials, region us-east-1, no profile or shared
/// config files, and no standard input.
pub fn point_at(cmd: &mut Command, endpoint: &str) {
    cmd.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .stdin(Stdio::null());
}
