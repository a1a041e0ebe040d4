//! A real OCI registry on loopback for the publish tests: Debian's `docker-registry` (the
//! CNCF distribution registry) with htpasswd Basic auth, the scheme ECR uses. Started and
//! stopped by the test; a missing binary is a skip outside CI and a failure in CI.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running registry that accepts `user:password`.
pub struct TestRegistry {
    child: Child,
    dir: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

fn tool(name: &str, why: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let reason = format!("{name} not found ({why}; tests/run.sh installs it with apt-get)");
        if super::in_ci() {
            panic!("\n\nMISSING TOOL UNDER CI: {reason}\n");
        }
        eprintln!("SKIPPED: {reason}");
    }
    found
}

/// buildah, or `None` (skipped outside CI; a failure in CI).
pub fn buildah() -> Option<PathBuf> {
    tool("buildah", "the image builder")
}

/// podman, or `None` (skipped outside CI; a failure in CI).
pub fn podman() -> Option<PathBuf> {
    tool(
        "podman",
        "the other daemonless builder (`--builder podman`)",
    )
}

impl TestRegistry {
    /// Start one accepting `user:password`, or `None` when the tools are missing outside CI.
    pub fn start(user: &str, password: &str) -> Option<TestRegistry> {
        Self::serve(Some((user, password)))
    }

    /// Start one that anyone may read and write (a public base image's registry).
    pub fn start_open() -> Option<TestRegistry> {
        Self::serve(None)
    }

    fn serve(login: Option<(&str, &str)>) -> Option<TestRegistry> {
        let registry = tool("docker-registry", "the loopback registry")?;
        let dir = std::env::temp_dir().join(format!(
            "ferroform-registry-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let auth = match login {
            Some((user, password)) => {
                let htpasswd = tool(
                    "htpasswd",
                    "bcrypt passwords for the registry (apache2-utils)",
                )?;
                let out = Command::new(htpasswd)
                    .args(["-Bbn", user, password])
                    .output()
                    .expect("run htpasswd");
                assert!(out.status.success());
                std::fs::write(dir.join("htpasswd"), &out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: ferroform-tests\n    path: {}\n",
                    dir.join("htpasswd").display()
                )
            }
            None => String::new(),
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n{auth}",
            dir.join("data").display(),
        );
        std::fs::write(dir.join("config.yml"), config).unwrap();
        let child = Command::new(registry)
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start docker-registry");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "docker-registry did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(TestRegistry {
            child,
            dir,
            endpoint: format!("http://127.0.0.1:{port}"),
        })
    }

    /// The tags of `repository` (read from the registry's storage, the ground truth).
    pub fn tags(&self, repository: &str) -> Vec<String> {
        let dir = self
            .dir
            .join("data/docker/registry/v2/repositories")
            .join(repository)
            .join("_manifests/tags");
        let mut tags: Vec<String> = std::fs::read_dir(dir)
            .map(|r| {
                r.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    }
}

impl TestRegistry {
    /// Where the registry keeps the blob (or manifest) `digest`.
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.dir
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// The digest `repository:tag` points at (from the registry's storage).
    pub fn digest(&self, repository: &str, tag: &str) -> Option<String> {
        std::fs::read_to_string(
            self.dir
                .join("data/docker/registry/v2/repositories")
                .join(repository)
                .join("_manifests/tags")
                .join(tag)
                .join("current/link"),
        )
        .ok()
        .map(|s| s.trim().to_owned())
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// docker's daemon, started for a test on a socket and data directory of its own (no
/// iptables, no bridge, vfs storage: it runs in CI's container) and stopped when dropped.
/// Outside CI, missing tools or not being root is a skip; in CI, a failure.
pub struct TestDocker {
    child: Child,
    dir: PathBuf,
    /// `unix:///.../docker.sock`, for `DOCKER_HOST`.
    pub host: String,
}

impl TestDocker {
    pub fn start() -> Option<TestDocker> {
        let dockerd = tool(
            "dockerd",
            "docker's daemon, for `--builder docker` (docker.io)",
        )?;
        let docker = tool("docker", "docker's command line (docker.io)")?;
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if !root {
            let reason = "docker's daemon needs root (CI runs as root)";
            if super::in_ci() {
                panic!("\n\nMISSING TOOL UNDER CI: {reason}\n");
            }
            eprintln!("SKIPPED: {reason}");
            return None;
        }
        // Short: a socket's path has at most 107 bytes.
        let dir = std::env::temp_dir().join(format!("ffdk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("docker.sock");
        let host = format!("unix://{}", socket.display());
        let child = Command::new(dockerd)
            .arg("--host")
            .arg(&host)
            .arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--pidfile")
            .arg(dir.join("docker.pid"))
            .args([
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                "--storage-driver=vfs",
            ])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("dockerd.log")).unwrap())
            .spawn()
            .expect("start dockerd");
        let me = TestDocker { child, dir, host };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let up = Command::new(&docker)
                .args(["--host", &me.host, "info"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if up {
                return Some(me);
            }
            assert!(
                Instant::now() < deadline,
                "dockerd did not answer within 60 s: {}",
                std::fs::read_to_string(me.dir.join("dockerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for TestDocker {
    fn drop(&mut self) {
        // SIGTERM first: the daemon then stops the containerd it started.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
