//! Where deploy output goes: plain lines, or a live view on a terminal.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    /// Where live progress bars (bytes of image layers pushed) are drawn: `None` off a
    /// terminal, where each step is a line instead.
    fn progress_area(&self) -> Option<ProgressArea> {
        None
    }
}

/// Where live progress bars are drawn on a terminal (given by [`Ui::progress_area`]). A
/// [`Ui`] that draws live views returns one, so that bars of image pushes share the screen
/// with its own lines; one that writes lines returns `None`.
#[derive(Clone)]
pub struct ProgressArea(pub(crate) MultiProgress);

impl ProgressArea {
    /// Bars drawn on stderr.
    pub fn stderr() -> ProgressArea {
        ProgressArea(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
    }

    /// Bars drawn nowhere (tests).
    pub fn hidden() -> ProgressArea {
        ProgressArea(MultiProgress::with_draw_target(ProgressDrawTarget::hidden()))
    }

    /// Run `f` (which writes lines) with the bars hidden, then draw them again.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.suspend(f)
    }
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

/// Several stacks at once on a terminal (`--concurrency`): one line per running stack,
/// redrawn in place with its resources in progress, complete and failed and its latest
/// event; plans, results and failed resources' events scroll above, each line prefixed
/// with its stack. (Off a terminal, [`PrefixedUi`] writes every event as a prefixed line.)
///
/// ```
/// use std::cell::RefCell;
/// use std::io::Write;
/// use ferroform::deploy::{StackLines, Ui};
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// {
///     let (out, err): (RefCell<&mut dyn Write>, RefCell<&mut dyn Write>) =
///         (RefCell::new(&mut out), RefCell::new(&mut err));
///     let lines = StackLines::hidden();
///     lines.ui("Web", &out, &err).line("Stack Web: no changes");
/// }
/// assert_eq!(String::from_utf8(out).unwrap(), "[Web] Stack Web: no changes\n");
/// ```
pub struct StackLines {
    multi: MultiProgress,
}

impl Default for StackLines {
    fn default() -> Self {
        StackLines::new()
    }
}

impl StackLines {
    /// Draw on stderr.
    pub fn new() -> StackLines {
        StackLines {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        }
    }

    /// Draw nowhere (tests): the lines written above still reach `out` and `err`.
    pub fn hidden() -> StackLines {
        StackLines {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()),
        }
    }

    /// The view of stack `stack`, writing its lines to the shared `out` and `err`.
    pub fn ui<'s, 'o, 'e>(
        &'s self,
        stack: &str,
        out: &'s std::cell::RefCell<&'o mut dyn Write>,
        err: &'s std::cell::RefCell<&'e mut dyn Write>,
    ) -> StackLineUi<'s, 'o, 'e> {
        StackLineUi {
            lines: PrefixedUi::new(stack, out, err),
            multi: &self.multi,
            bar: None,
            resources: BTreeMap::new(),
            last: String::new(),
        }
    }
}

/// One stack's line of a [`StackLines`] view.
pub struct StackLineUi<'s, 'o, 'e> {
    lines: PrefixedUi<'s, 'o, 'e>,
    multi: &'s MultiProgress,
    bar: Option<ProgressBar>,
    resources: BTreeMap<String, String>,
    last: String,
}

impl StackLineUi<'_, '_, '_> {
    fn redraw(&mut self) {
        let message = format!(
            "{} {}{}",
            self.lines.prefix,
            summary(&self.resources),
            if self.last.is_empty() {
                String::new()
            } else {
                format!("  last: {}", self.last)
            }
        );
        let multi = self.multi;
        let bar = self.bar.get_or_insert_with(|| {
            let pb = multi.add(ProgressBar::new_spinner());
            pb.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(120));
            pb
        });
        bar.set_message(message);
    }

    /// Write above the stack lines.
    fn above(&self, f: impl FnOnce()) {
        self.multi.suspend(f);
    }
}

impl Ui for StackLineUi<'_, '_, '_> {
    fn line(&mut self, text: &str) {
        let lines = &mut self.lines;
        self.multi.suspend(|| lines.line(text));
    }
    fn note(&mut self, text: &str) {
        let lines = &mut self.lines;
        self.multi.suspend(|| lines.note(text));
    }
    fn event(&mut self, event: &StackEvent) {
        if !event.is_stack {
            self.resources
                .insert(event.logical_id.clone(), event.status.clone());
        }
        self.last = format!("{} {}", event.logical_id, event.status);
        // A failure is worth its own line (its reason); the rest is the stack's line.
        if event.status.ends_with("_FAILED") {
            let text = self.lines.block(&event.line());
            let out = self.lines.out;
            self.above(|| write_to(out, &text));
        }
        self.redraw();
    }
    fn tick(&mut self) {
        if self.bar.is_some() {
            self.redraw();
        }
    }
    fn confirm(&mut self, _: &str) -> Option<bool> {
        None
    }
    fn progress_area(&self) -> Option<ProgressArea> {
        Some(ProgressArea(self.multi.clone()))
    }
    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
            self.multi.remove(&b);
        }
        self.resources.clear();
        self.last.clear();
    }
}

/// "2 in progress, 5 complete, 0 failed  (Service, Listener)": resources by their latest
/// status, up to four of those in progress by name.
fn summary(resources: &BTreeMap<String, String>) -> String {
    let (mut running, mut done, mut failed) = (0, 0, 0);
    for s in resources.values() {
        if s.ends_with("_IN_PROGRESS") {
            running += 1;
        } else if s.ends_with("_FAILED") {
            failed += 1;
        } else {
            done += 1;
        }
    }
    let now: Vec<&str> = resources
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
        summary(&self.resources)
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
    fn progress_area(&self) -> Option<ProgressArea> {
        Some(ProgressArea::stderr())
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
    fn progress_area(&self) -> Option<ProgressArea> {
        self.inner.progress_area()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            id: format!("{id}-{status}"),
            time: "12:00:00".into(),
            logical_id: id.into(),
            resource_type: "AWS::Logs::LogGroup".into(),
            status: status.into(),
            reason: reason.map(str::to_owned),
            is_stack: false,
        }
    }

    /// With several stacks on a terminal, each stack's events update its line; only lines,
    /// notes and failed resources' events are written out, prefixed with their stack.
    #[test]
    fn stack_lines_write_plans_and_failures_prefixed_and_keep_progress_on_the_line() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        {
            let out_cell: std::cell::RefCell<&mut dyn Write> = std::cell::RefCell::new(&mut out);
            let err_cell: std::cell::RefCell<&mut dyn Write> = std::cell::RefCell::new(&mut err);
            let lines = StackLines::hidden();
            let mut web = lines.ui("Web", &out_cell, &err_cell);
            let mut api = lines.ui("Api", &out_cell, &err_cell);
            web.line("Stack Web: change set ferroform-1 (UPDATE), 1 change");
            api.event(&event("Logs", "CREATE_IN_PROGRESS", None));
            web.event(&event("Logs", "UPDATE_IN_PROGRESS", None));
            assert_eq!(
                summary(&web.resources),
                "1 in progress, 0 complete, 0 failed  (Logs)"
            );
            api.event(&event("Logs", "CREATE_FAILED", Some("Access denied")));
            web.event(&event("Logs", "UPDATE_COMPLETE", None));
            assert_eq!(
                summary(&web.resources),
                "0 in progress, 1 complete, 0 failed"
            );
            web.note("a note");
            web.finish();
            api.finish();
            assert!(web.bar.is_none() && web.resources.is_empty());
        }
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(
            lines[0],
            "[Web] Stack Web: change set ferroform-1 (UPDATE), 1 change"
        );
        assert!(
            lines[1].starts_with("[Api] ")
                && lines[1].contains("CREATE_FAILED")
                && lines[1].contains("Access denied"),
            "{out}"
        );
        assert_eq!(String::from_utf8(err).unwrap(), "[Web] a note\n");
    }

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
