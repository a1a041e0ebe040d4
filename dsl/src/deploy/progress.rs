//! Where deploy output goes: plain lines, or a live view on a terminal.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::event::StackEvent;
use crate::analysis::mask::Masker;

/// Receives what a deploy operation reports.
pub trait Ui {
    /// A line of normal output (plans, results).
    fn line(&mut self, text: &str);
    /// A warning or notice (stderr).
    fn note(&mut self, text: &str);
    /// A stack event.
    fn event(&mut self, event: &StackEvent);
    /// Called between polls (redraw timers).
    fn tick(&mut self) {}
    /// Ask a yes/no question; `None` when there is nobody to ask (not a terminal).
    fn confirm(&mut self, question: &str) -> Option<bool>;
    /// The operation on the current stack is over (clear live views).
    fn finish(&mut self) {}
}

/// One line per event to `out`; notes to `err`; questions on stdin when `interactive`.
pub struct PlainUi<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    interactive: bool,
}

impl<'a> PlainUi<'a> {
    /// Write to `out` / `err`; ask on stdin when `interactive`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, interactive: bool) -> Self {
        PlainUi {
            out,
            err,
            interactive,
        }
    }
}

/// Ask on stdin. Ctrl-C while waiting for the answer counts as "no" at once (the command
/// then ends as interrupted, exit 130), instead of waiting for a line to be entered.
fn ask(err: &mut dyn Write, question: &str) -> bool {
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let reply = first_of(
        || {
            let mut answer = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut answer)
                .ok()
                .map(|_| answer)
        },
        wait_for_ctrl_c,
    );
    if reply.is_none() {
        let _ = writeln!(err);
    }
    reply
        .flatten()
        .is_some_and(|a| matches!(a.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// Blocks until the process gets Ctrl-C (SIGINT), on a runtime of its own: the caller's
/// runtime is blocked in [`ask`] and cannot notice the signal. Returns at once if no
/// runtime can be started.
fn wait_for_ctrl_c() {
    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        let _ = rt.block_on(tokio::signal::ctrl_c());
    } else {
        // Without a runtime, never report an interruption.
        std::thread::park();
    }
}

/// The line `read` returns (`Some(None)` when reading failed), or `None` when `interrupt`
/// returns first. Each runs on a thread of its own; the loser is left to finish on its own
/// (a blocked read or signal wait ends with the process).
fn first_of(
    read: impl FnOnce() -> Option<String> + Send + 'static,
    interrupt: impl FnOnce() + Send + 'static,
) -> Option<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx_line = tx.clone();
    std::thread::spawn(move || {
        let _ = tx_line.send(Some(read()));
    });
    std::thread::spawn(move || {
        interrupt();
        let _ = tx.send(None);
    });
    // Both senders gone without a message cannot happen (each sends once); treat it as no.
    rx.recv().unwrap_or(Some(None))
}

impl Ui for PlainUi<'_> {
    fn line(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }
    fn note(&mut self, text: &str) {
        let _ = writeln!(self.err, "{text}");
    }
    fn event(&mut self, event: &StackEvent) {
        let _ = writeln!(self.out, "{}", event.line());
    }
    fn confirm(&mut self, question: &str) -> Option<bool> {
        self.interactive.then(|| ask(self.err, question))
    }
}

/// The output of one of several stacks deployed (or deleted) at once, on streams they share:
/// every line starts with the stack's name (`[Web] ...`), so interleaved lines stay
/// readable. Nothing is asked: several questions at once could not be answered one by one,
/// so a change that needs approval is refused unless `--yes` was given.
pub struct PrefixedUi<'s, 'o, 'e> {
    prefix: String,
    out: &'s std::cell::RefCell<&'o mut dyn Write>,
    err: &'s std::cell::RefCell<&'e mut dyn Write>,
}

impl<'s, 'o, 'e> PrefixedUi<'s, 'o, 'e> {
    /// Lines of stack `stack` to the shared `out` and `err`.
    pub fn new(
        stack: &str,
        out: &'s std::cell::RefCell<&'o mut dyn Write>,
        err: &'s std::cell::RefCell<&'e mut dyn Write>,
    ) -> Self {
        PrefixedUi {
            prefix: format!("[{stack}]"),
            out,
            err,
        }
    }

    /// `text`, every line prefixed, in one write (lines of different stacks never mix).
    fn block(&self, text: &str) -> String {
        let mut block = String::with_capacity(text.len() + 16);
        for l in text.lines() {
            block.push_str(&self.prefix);
            block.push(' ');
            block.push_str(l);
            block.push('\n');
        }
        block
    }
}

fn write_to(to: &std::cell::RefCell<&mut dyn Write>, block: &str) {
    if let Ok(mut w) = to.try_borrow_mut() {
        let _ = w.write_all(block.as_bytes());
        let _ = w.flush();
    }
}

impl Ui for PrefixedUi<'_, '_, '_> {
    fn line(&mut self, text: &str) {
        write_to(self.out, &self.block(text));
    }
    fn note(&mut self, text: &str) {
        write_to(self.err, &self.block(text));
    }
    fn event(&mut self, event: &StackEvent) {
        write_to(self.out, &self.block(&event.line()));
    }
    fn confirm(&mut self, _: &str) -> Option<bool> {
        None
    }
}

/// A live view on a terminal: events scroll above a status line counting resources in
/// progress, complete and failed, with the elapsed time.
pub struct LiveUi<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    bar: Option<ProgressBar>,
    resources: BTreeMap<String, String>,
}

impl<'a> LiveUi<'a> {
    /// Draw on stderr (the terminal); plans and results go to `out`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        LiveUi {
            out,
            err,
            bar: None,
            resources: BTreeMap::new(),
        }
    }

    fn bar(&mut self) -> &ProgressBar {
        self.bar.get_or_insert_with(|| {
            let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            pb.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(120));
            pb
        })
    }

    fn summary(&self) -> String {
        let (mut running, mut done, mut failed) = (0, 0, 0);
        for s in self.resources.values() {
            if s.ends_with("_IN_PROGRESS") {
                running += 1;
            } else if s.ends_with("_FAILED") {
                failed += 1;
            } else {
                done += 1;
            }
        }
        let now: Vec<&str> = self
            .resources
            .iter()
            .filter(|(_, s)| s.ends_with("_IN_PROGRESS"))
            .map(|(k, _)| k.as_str())
            .take(4)
            .collect();
        format!(
            "{running} in progress, {done} complete, {failed} failed{}",
            if now.is_empty() {
                String::new()
            } else {
                format!("  ({})", now.join(", "))
            }
        )
    }
}

impl Ui for LiveUi<'_> {
    fn line(&mut self, text: &str) {
        let out = &mut *self.out;
        match &self.bar {
            Some(b) => b.suspend(|| {
                let _ = writeln!(out, "{text}");
            }),
            None => {
                let _ = writeln!(out, "{text}");
            }
        }
    }
    fn note(&mut self, text: &str) {
        let err = &mut *self.err;
        match &self.bar {
            Some(b) => b.suspend(|| {
                let _ = writeln!(err, "{text}");
            }),
            None => {
                let _ = writeln!(err, "{text}");
            }
        }
    }
    fn event(&mut self, event: &StackEvent) {
        if !event.is_stack {
            self.resources
                .insert(event.logical_id.clone(), event.status.clone());
        }
        let summary = self.summary();
        let line = event.line();
        let bar = self.bar().clone();
        bar.println(line);
        bar.set_message(summary);
    }
    fn tick(&mut self) {
        let summary = self.summary();
        self.bar().set_message(summary);
    }
    fn confirm(&mut self, question: &str) -> Option<bool> {
        let err = &mut *self.err;
        Some(match &self.bar {
            Some(b) => b.suspend(|| ask(err, question)),
            None => ask(err, question),
        })
    }
    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        self.resources.clear();
    }
}

/// Masks NoEcho values in everything passed to the inner [`Ui`].
pub(crate) struct Masked<'a> {
    pub inner: &'a mut dyn Ui,
    pub masker: &'a Masker,
}

impl Ui for Masked<'_> {
    fn line(&mut self, text: &str) {
        self.inner.line(&self.masker.mask(text));
    }
    fn note(&mut self, text: &str) {
        self.inner.note(&self.masker.mask(text));
    }
    fn event(&mut self, event: &StackEvent) {
        let mut e = event.clone();
        e.reason = e.reason.map(|r| self.masker.mask(&r));
        self.inner.event(&e);
    }
    fn tick(&mut self) {
        self.inner.tick();
    }
    fn confirm(&mut self, question: &str) -> Option<bool> {
        self.inner.confirm(&self.masker.mask(question))
    }
    fn finish(&mut self) {
        self.inner.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interruption_ends_the_question_without_waiting_for_a_line() {
        // The read never returns (its sender stays alive, unused, in the test).
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        let r = first_of(
            move || {
                let _ = never.recv();
                Some("y\n".into())
            },
            || {},
        );
        assert_eq!(r, None);
    }

    #[test]
    fn an_answer_wins_when_nobody_interrupts() {
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        let r = first_of(
            || Some("yes\n".into()),
            move || {
                let _ = never.recv();
            },
        );
        assert_eq!(r, Some(Some("yes\n".into())));
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        let r = first_of(
            || None,
            move || {
                let _ = never.recv();
            },
        );
        assert_eq!(
            r,
            Some(None),
            "a failed read is an answer (no), not an interruption"
        );
    }
}
