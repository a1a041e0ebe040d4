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

impl TestRegistry {
    /// Start one accepting `user:password`, or `None` when the tools are missing outside CI.
    pub fn start(user: &str, password: &str) -> Option<TestRegistry> {
        let registry = tool("docker-registry", "the loopback registry")?;
        let htpasswd = tool(
            "htpasswd",
            "bcrypt passwords for the registry (apache2-utils)",
        )?;
        let dir = std::env::temp_dir().join(format!(
            "ferroform-registry-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let out = Command::new(htpasswd)
            .args(["-Bbn", user, password])
            .output()
            .expect("run htpasswd");
        assert!(out.status.success());
        std::fs::write(dir.join("htpasswd"), &out.stdout).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\nauth:\n  htpasswd:\n    realm: ferroform-tests\n    path: {}\n",
            dir.join("data").display(),
            dir.join("htpasswd").display()
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
