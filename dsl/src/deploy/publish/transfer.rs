//! Bytes on their way to a registry, shown as they move: on a terminal one bar per blob
//! (bytes sent of its size); elsewhere one line when each blob is done (pushed, mounted, or
//! found in the registry already). Blobs are streamed, never held whole in memory: a file of
//! the builder's image layout read in chunks, or a base image's layer read from its registry
//! while it is written to the destination.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::deploy::progress::ProgressArea;

/// Bytes read from a file per chunk.
const CHUNK: usize = 256 * 1024;

/// A chunk of a blob, or why it could not be read.
pub(crate) type Chunk = Result<Bytes, std::io::Error>;

/// The transfers of one publish: where bars go, and the lines to print.
pub(crate) struct Transfers {
    area: Option<ProgressArea>,
    lines: UnboundedSender<String>,
}

impl Transfers {
    /// Bars in `area` (a terminal) or, without one, lines; the lines come out of the
    /// receiver, for the publish loop to print.
    pub fn new(area: Option<ProgressArea>) -> (Transfers, UnboundedReceiver<String>) {
        let (lines, rx) = unbounded_channel();
        (Transfers { area, lines }, rx)
    }

    /// Where the bars are drawn, if anywhere.
    pub fn area(&self) -> Option<&ProgressArea> {
        self.area.as_ref()
    }

    /// Report `text` (a line off a terminal; on a terminal, the bars say it).
    fn step(&self, text: String) {
        if self.area.is_none() {
            // The receiver lives as long as the publish; a send after it is gone is moot.
            let _ = self.lines.send(text);
        }
    }

    /// A blob of image `image` (`kind`: "layer" or "config") found in the registry already.
    pub fn present(&self, image: &str, kind: &str, digest: &str, size: u64) {
        self.step(format!(
            "Image {image}: {kind} {} ({}) is in the registry already",
            short(digest),
            HumanBytes(size)
        ));
    }

    /// A blob mounted from another repository of the same registry (nothing sent).
    pub fn mounted(&self, image: &str, kind: &str, digest: &str, size: u64, from: &str) {
        self.step(format!(
            "Image {image}: {kind} {} ({}) mounted from {from}",
            short(digest),
            HumanBytes(size)
        ));
    }

    /// A meter for a blob about to be sent.
    pub fn meter(&self, image: &str, kind: &str, digest: &str, size: u64) -> Arc<Meter> {
        let bar = self.area.as_ref().map(|a| {
            let bar = a.0.add(ProgressBar::new(size));
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(format!("{image} {kind} {}", short(digest)));
            bar
        });
        Arc::new(Meter {
            bar,
            sent: AtomicU64::new(0),
            start: Instant::now(),
            last: AtomicU64::new(0),
            line: format!(
                "Image {image}: {kind} {} ({})",
                short(digest),
                HumanBytes(size)
            ),
        })
    }

    /// `meter`'s blob is in the registry now.
    pub fn pushed(&self, meter: &Meter) {
        if let Some(b) = &meter.bar {
            b.finish_and_clear();
        }
        self.step(format!("{} pushed", meter.line));
    }
}

/// `sha256:` and the first 12 hex digits: enough to tell the layers of an image apart.
fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

/// Bytes sent of one blob, and when the last ones went.
pub(crate) struct Meter {
    bar: Option<ProgressBar>,
    sent: AtomicU64,
    start: Instant,
    /// Milliseconds after `start` when bytes last moved.
    last: AtomicU64,
    line: String,
}

impl Meter {
    /// `n` more bytes went.
    pub fn advance(&self, n: u64) {
        let sent = self.sent.fetch_add(n, Ordering::Relaxed) + n;
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.set_position(sent);
        }
    }

    /// Bytes sent so far.
    #[cfg(test)]
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// How long since bytes last moved (or since the meter was made).
    pub fn idle(&self) -> Duration {
        self.start
            .elapsed()
            .saturating_sub(Duration::from_millis(self.last.load(Ordering::Relaxed)))
    }

    /// Stop drawing (a failed transfer).
    pub fn abandon(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// `stream`, every chunk counted on `meter` as it is taken.
pub(crate) fn counted<S>(stream: S, meter: Arc<Meter>) -> impl Stream<Item = Chunk> + Send + 'static
where
    S: Stream<Item = Chunk> + Send + 'static,
{
    stream.map(move |chunk| {
        if let Ok(b) = &chunk {
            meter.advance(b.len() as u64);
        }
        chunk
    })
}

/// The bytes of the file at `path`, in chunks.
pub(crate) fn file_chunks(path: PathBuf) -> impl Stream<Item = Chunk> + Send + 'static {
    futures_util::stream::unfold(Some((path, None)), |state| async move {
        use tokio::io::AsyncReadExt as _;
        let (path, file) = state?;
        let mut file = match file {
            Some(f) => f,
            None => match tokio::fs::File::open(&path).await {
                Ok(f) => f,
                Err(e) => return Some((Err(e), None)),
            },
        };
        let mut buf = vec![0u8; CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some((path, Some(file)))))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// One chunk: bytes already in memory.
pub(crate) fn in_memory(bytes: Bytes) -> impl Stream<Item = Chunk> + Send + 'static {
    futures_util::stream::once(async move { Ok(bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_file_is_read_in_chunks_and_counted() {
        let dir = crate::fsutil::test_dir("transfer");
        let path = dir.join("blob");
        let data: Vec<u8> = (0..(CHUNK * 2 + 10)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let (t, mut rx) = Transfers::new(None);
        let meter = t.meter(
            "S/T/c",
            "layer",
            "sha256:0123456789abcdef",
            data.len() as u64,
        );
        let chunks: Vec<Chunk> = counted(file_chunks(path.clone()), meter.clone())
            .collect()
            .await;
        assert_eq!(chunks.len(), 3, "two whole chunks and the rest");
        let joined: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(joined, data);
        assert_eq!(meter.sent(), data.len() as u64);
        t.pushed(&meter);
        t.present("S/T/c", "config", "sha256:fedcba9876543210", 2048);
        t.mounted("S/T/c", "layer", "sha256:aaaaaaaaaaaaaaaa", 1, "base");
        let mut lines = Vec::new();
        while let Ok(l) = rx.try_recv() {
            lines.push(l);
        }
        assert_eq!(
            lines,
            vec![
                "Image S/T/c: layer sha256:0123456789ab (512.01 KiB) pushed".to_owned(),
                "Image S/T/c: config sha256:fedcba987654 (2.00 KiB) is in the registry already"
                    .to_owned(),
                "Image S/T/c: layer sha256:aaaaaaaaaaaa (1 B) mounted from base".to_owned(),
            ]
        );
        // A missing file is an error in the stream, not a panic.
        let missing: Vec<Chunk> = file_chunks(dir.join("missing")).collect().await;
        assert!(matches!(missing.as_slice(), [Err(_)]));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn on_a_terminal_bars_count_bytes_and_no_lines_are_written() {
        let (t, mut rx) = Transfers::new(Some(ProgressArea::hidden()));
        let meter = t.meter("S/T/c", "layer", "sha256:0123456789abcdef", 100);
        meter.advance(40);
        meter.advance(60);
        assert_eq!(meter.bar.as_ref().map(ProgressBar::position), Some(100));
        assert_eq!(meter.bar.as_ref().and_then(ProgressBar::length), Some(100));
        t.pushed(&meter);
        t.present("S/T/c", "config", "sha256:fedcba9876543210", 2);
        assert!(rx.try_recv().is_err(), "the bars say it");
    }
}
