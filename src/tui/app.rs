//! The terminal side: setup and restore (also from a panic hook), the event loop
//! and the effect runner. Effects run on tokio tasks, each with a timeout, and
//! their results come back as actions on one channel.

use super::clipboard::Clipboard;
use super::keymap;
use super::model::{Action, DiagnoseFailure, Effect, Model};
use super::theme::Theme;
use super::view;
use super::Options;
use crate::checks::{CheckReport, Settings, Status};
use crate::diagnose::MAX_INPUT;
use crate::knowledge::KnowledgeBase;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use futures::{FutureExt, StreamExt};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::collections::HashMap;
use std::io::{self, IsTerminal, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// How long the clipboard may take to answer.
const CLIPBOARD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long reading a `--paste` file may take.
const FILE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one diagnosis may take.
const DIAGNOSE_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest a whole wizard check may take, whatever its own timeouts say: a
/// backstop so a step can never spin forever.
const CHECK_TIMEOUT: Duration = Duration::from_secs(120);
/// How long writing a report file may take.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);
/// Interval of the tick that animates spinners and expires messages.
const TICK: Duration = Duration::from_millis(200);

/// The thread that owns the terminal; only its panics restore the terminal
/// (a panic inside a task is reported in the interface instead).
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// The terminal the interface draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Put the terminal back the way we found it. Safe to call more than once.
pub fn restore_terminal() {
    TERMINAL_ACTIVE.store(false, Ordering::SeqCst);
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restores the terminal when dropped, whatever path leaves the loop.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Whether the terminal is in the interface's mode (raw, alternate screen).
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

/// Install a panic hook that restores the terminal before the panic is printed.
/// The calling thread is the one that owns the terminal.
pub fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_ui_thread = UI_THREAD.get() == Some(&std::thread::current().id());
        if on_ui_thread {
            restore_terminal();
        }
        // A panic on another thread while the interface is up is caught by tokio
        // and shown in the interface; printing it would scribble over the screen.
        if on_ui_thread || !TERMINAL_ACTIVE.load(Ordering::SeqCst) {
            previous(info);
        }
    }));
}

/// Take over the terminal: raw mode, alternate screen, mouse capture and
/// bracketed paste. Undo with [`restore_terminal`].
pub fn enter_terminal() -> io::Result<Term> {
    TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Run the interface; returns the exit code.
pub fn run(options: Options) -> i32 {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        eprintln!("error: the interactive interface needs a terminal");
        eprintln!(
            "  use a subcommand instead, for example `bounce-doctor diagnose < FILE` (see --help)"
        );
        return 2;
    }
    // A bad --resolver is reported before the terminal is taken over.
    let settings = match options
        .resolver
        .as_deref()
        .map(crate::checks::parse_resolver)
    {
        None => Settings::default(),
        Some(Ok(addr)) => Settings {
            resolver: Some(addr),
            ..Settings::default()
        },
        Some(Err(e)) => {
            eprintln!("error: --resolver: {e}");
            return 2;
        }
    };
    let kb = Arc::new(KnowledgeBase::load_default(&options.knowledge_dirs));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 2;
        }
    };
    install_panic_hook();
    let guard = Restore;
    let mut terminal = match enter_terminal() {
        Ok(t) => t,
        Err(e) => {
            drop(guard);
            eprintln!("error: cannot set up the terminal: {e}");
            return 2;
        }
    };
    let code = rt.block_on(event_loop(&mut terminal, kb, options, settings));
    drop(guard);
    // A diagnosis still running on a blocking thread must not delay the exit.
    rt.shutdown_background();
    match code {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: terminal I/O failed: {e}");
            1
        }
    }
}

/// Runs effects; holds what they need.
struct Runner {
    tx: UnboundedSender<Action>,
    kb: Arc<KnowledgeBase>,
    clipboard: Clipboard,
    /// How wizard checks reach the network (`--resolver`).
    settings: Settings,
    /// Cancellation tokens of running wizard checks, by run id.
    checks: Arc<Mutex<HashMap<u64, CancellationToken>>>,
}

impl Runner {
    /// Start one effect. Returns false for [`Effect::Quit`].
    fn run(&self, effect: Effect, terminal: &mut Term) -> bool {
        let tx = self.tx.clone();
        match effect {
            Effect::Quit => return false,
            Effect::CopyToClipboard(text) => {
                let clip = self.clipboard.clone();
                tokio::spawn(async move {
                    let result = tokio::time::timeout(CLIPBOARD_TIMEOUT, clip.set(text.clone()))
                        .await
                        .unwrap_or_else(|_| Err("the clipboard did not answer in time".into()));
                    let _ = tx.send(Action::Copied { text, result });
                });
            }
            Effect::CopyViaTerminal(text) => {
                // Written between frames, so it cannot interleave with drawing.
                let _ = execute!(
                    terminal.backend_mut(),
                    crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
                );
            }
            Effect::ReadClipboard => {
                let clip = self.clipboard.clone();
                tokio::spawn(async move {
                    let result = tokio::time::timeout(CLIPBOARD_TIMEOUT, clip.get())
                        .await
                        .unwrap_or_else(|_| Err("the clipboard did not answer in time".into()));
                    let _ = tx.send(Action::ClipboardRead(result));
                });
            }
            Effect::Diagnose { request, input } => {
                let kb = self.kb.clone();
                tokio::spawn(async move {
                    let job =
                        tokio::task::spawn_blocking(move || crate::diagnose::diagnose(&input, &kb));
                    let result = match tokio::time::timeout(DIAGNOSE_TIMEOUT, job).await {
                        Ok(Ok(Ok(msgs))) => Ok(msgs),
                        Ok(Ok(Err(e))) => Err(DiagnoseFailure::Input(e)),
                        Ok(Err(join)) => Err(DiagnoseFailure::Engine(format!(
                            "the diagnosis failed unexpectedly: {}",
                            panic_text(join)
                        ))),
                        Err(_) => Err(DiagnoseFailure::Engine(format!(
                            "the diagnosis took longer than {} seconds and was abandoned",
                            DIAGNOSE_TIMEOUT.as_secs()
                        ))),
                    };
                    let _ = tx.send(Action::Diagnosed { request, result });
                });
            }
            Effect::RunCheck(req) => {
                let token = CancellationToken::new();
                lock(&self.checks).insert(req.run, token.clone());
                let checks = self.checks.clone();
                let settings = self.settings.clone();
                tokio::spawn(async move {
                    let (kind, run, step) = (req.kind, req.run, req.step);
                    let job = tokio::spawn(async move {
                        crate::checks::run(kind, &req.target, &settings, token).await
                    });
                    let report = match tokio::time::timeout(CHECK_TIMEOUT, job).await {
                        Ok(Ok(report)) => report,
                        Ok(Err(join)) => CheckReport::new(
                            kind,
                            Status::Error,
                            format!("the check failed unexpectedly: {}", panic_text(join)),
                        ),
                        Err(_) => CheckReport::new(
                            kind,
                            Status::Error,
                            format!(
                                "no result within {} seconds: could not check",
                                CHECK_TIMEOUT.as_secs()
                            ),
                        ),
                    };
                    lock(&checks).remove(&run);
                    let _ = tx.send(Action::CheckFinished { step, run, report });
                });
            }
            Effect::CancelCheck(run) => {
                if let Some(token) = lock(&self.checks).remove(&run) {
                    token.cancel();
                }
            }
            Effect::ExportReport { path, markdown } => {
                tokio::spawn(async move {
                    let result =
                        tokio::time::timeout(EXPORT_TIMEOUT, write_report(path.clone(), markdown))
                            .await
                            .unwrap_or_else(|_| Err("writing took too long".into()));
                    let _ = tx.send(Action::ReportExported { path, result });
                });
            }
            Effect::LoadFile(path) => {
                tokio::spawn(async move {
                    let result = tokio::time::timeout(FILE_TIMEOUT, read_limited(path.clone()))
                        .await
                        .unwrap_or_else(|_| Err("reading took too long".into()));
                    let _ = tx.send(Action::FileLoaded { path, result });
                });
            }
        }
        true
    }
}

/// Lock a mutex, recovering the data if a panicking task poisoned it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Write a wizard report. Refuses to overwrite an existing file.
pub async fn write_report(path: PathBuf, markdown: String) -> Result<(), String> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .map_err(|e| e.to_string())?;
    file.write_all(markdown.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    file.flush().await.map_err(|e| e.to_string())
}

fn panic_text(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(p) => p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into()),
        Err(e) => e.to_string(),
    }
}

/// Read at most `MAX_INPUT + 1` bytes: enough for the engine to refuse an
/// oversized file without holding all of it in memory.
async fn read_limited(path: PathBuf) -> Result<Vec<u8>, String> {
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    file.take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| e.to_string())?;
    Ok(buf)
}

/// Translate a terminal event into an action for the model.
pub fn action_for_event(ev: Event, model: &Model) -> Option<Action> {
    match ev {
        Event::Key(k) => keymap::action_for(model.context(), &k),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollDown => Some(Action::Scroll {
                column: m.column,
                row: m.row,
                down: true,
            }),
            MouseEventKind::ScrollUp => Some(Action::Scroll {
                column: m.column,
                row: m.row,
                down: false,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// SIGTERM and SIGHUP, so the loop can end and the terminal be restored.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                terminate: signal(SignalKind::terminate())?,
                hangup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Wait for a signal; returns the conventional exit code (128 + signal number).
    async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => 128 + 15,
                _ = self.hangup.recv() => 128 + 1,
            }
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

async fn event_loop(
    terminal: &mut Term,
    kb: Arc<KnowledgeBase>,
    options: Options,
    settings: Settings,
) -> io::Result<i32> {
    // Being killed or losing the terminal still restores it (the caller does).
    let mut stop = StopSignals::new()?;
    let size = terminal.size()?;
    let mut model = Model::new(
        kb.clone(),
        Theme::new(options.no_color),
        Rect::new(0, 0, size.width, size.height),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = Runner {
        tx,
        kb,
        clipboard: Clipboard::start(),
        settings,
        checks: Arc::new(Mutex::new(HashMap::new())),
    };
    let mut effects = match options.paste_file {
        Some(path) => model.open_file(path),
        None => Vec::new(),
    };
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        for effect in effects.drain(..) {
            if !runner.run(effect, terminal) {
                // Bounded: a stuck X server must not keep the program from exiting.
                let _ = tokio::time::timeout(CLIPBOARD_TIMEOUT, runner.clipboard.shutdown()).await;
                return Ok(0);
            }
        }
        terminal.draw(|f| view::render(f, &model))?;
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => ev,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            },
            code = stop.recv() => return Ok(code),
            Some(a) = rx.recv() => {
                effects = model.update(a);
                continue;
            }
            _ = tick.tick() => {
                effects = model.update(Action::Tick);
                continue;
            }
        };
        // A terminal without bracketed paste types pasted text as keys: take
        // every event that has already arrived, so a paste is seen as one.
        let mut burst = Burst::new(keymap::takes_text(model.context()));
        burst.push(first);
        loop {
            let next = match events.next().now_or_never() {
                Some(next) => next,
                // Nothing waiting: a paste may still be arriving in chunks.
                None if burst.is_paste() => {
                    match tokio::time::timeout(PASTE_GAP, events.next()).await {
                        Ok(next) => next,
                        Err(_) => break,
                    }
                }
                None => break,
            };
            match next {
                Some(Ok(ev)) => burst.push(ev),
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        match burst.finish() {
            Ok(text) => effects = model.update(Action::Paste(text)),
            Err(list) => {
                for ev in list {
                    if let Some(a) = action_for_event(ev, &model) {
                        effects.extend(model.update(a));
                    }
                }
            }
        }
    }
}

/// Plain keys in one burst that make it a paste rather than typing: more than
/// anyone types between two reads of the terminal.
const PASTE_BURST_KEYS: usize = 16;
/// In a text field, a burst without a line break is typed text unless it is
/// this long.
const PASTE_BURST_LINE: usize = 4096;
/// A paste arrives in chunks; the gap after which it is taken as complete.
const PASTE_GAP: Duration = Duration::from_millis(40);

/// Terminal events that arrived together, and the text they spell when they
/// are a paste from a terminal that does not bracket pastes.
pub struct Burst {
    /// The events, until the burst is known to be a paste.
    events: Vec<Event>,
    /// The text of the plain keys so far.
    text: String,
    /// All events so far are plain keys (characters, Enter, Tab).
    plain: bool,
    /// Line breaks so far.
    breaks: usize,
    /// Plain keys so far.
    keys: usize,
    /// The focus takes typed text (search box, wizard field).
    text_field: bool,
}

impl Burst {
    /// An empty burst; `text_field` when typed characters go into a text box.
    pub fn new(text_field: bool) -> Burst {
        Burst {
            events: Vec::new(),
            text: String::new(),
            plain: true,
            breaks: 0,
            keys: 0,
            text_field,
        }
    }

    /// Add the next event.
    pub fn push(&mut self, ev: Event) {
        let ch = match &ev {
            Event::Key(k) if k.kind == KeyEventKind::Release => return,
            Event::Key(k)
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                match k.code {
                    KeyCode::Char(c) => Some(c),
                    KeyCode::Enter => Some('\n'),
                    KeyCode::Tab => Some('\t'),
                    _ => None,
                }
            }
            _ => None,
        };
        match ch {
            Some(c) if self.plain => {
                self.keys += 1;
                if c == '\n' {
                    self.breaks += 1;
                }
                // The engine refuses more than MAX_INPUT; keep no more than that.
                if self.text.len() <= MAX_INPUT {
                    self.text.push(c);
                }
                if !self.is_paste() {
                    self.events.push(ev);
                } else if !self.events.is_empty() {
                    self.events = Vec::new();
                }
            }
            _ => {
                if self.is_paste() {
                    // Whatever follows a paste is ignored rather than replayed
                    // out of order; a paste is followed by nothing in practice.
                    return;
                }
                self.plain = false;
                self.events.push(ev);
            }
        }
    }

    /// True once the burst is too long and fast to be typing.
    pub fn is_paste(&self) -> bool {
        self.plain
            && self.keys >= PASTE_BURST_KEYS
            && (self.breaks > 0 || !self.text_field || self.keys >= PASTE_BURST_LINE)
    }

    /// The pasted text, or the events to handle one by one.
    pub fn finish(self) -> Result<String, Vec<Event>> {
        if self.is_paste() {
            Ok(self.text)
        } else {
            Err(self.events)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn keys(text: &str) -> Vec<Event> {
        text.chars()
            .map(|c| {
                let code = match c {
                    '\n' => KeyCode::Enter,
                    '\t' => KeyCode::Tab,
                    c => KeyCode::Char(c),
                };
                Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
            })
            .collect()
    }

    fn burst(text_field: bool, events: Vec<Event>) -> Result<String, Vec<Event>> {
        let mut b = Burst::new(text_field);
        for e in events {
            b.push(e);
        }
        b.finish()
    }

    #[test]
    fn a_fast_multi_line_burst_is_a_paste() {
        let text = "<bob@example.net>: host mx said:\n550 5.1.1 User unknown\n";
        assert_eq!(burst(false, keys(text)), Ok(text.to_string()));
        assert_eq!(burst(true, keys(text)), Ok(text.to_string()));
    }

    #[test]
    fn typing_stays_keys() {
        // A few keys at once (a slow frame) are replayed one by one.
        let typed = keys("jjq");
        assert_eq!(burst(false, typed.clone()), Err(typed));
        // In a text box, a long line without a break is typed text...
        let line = keys("550 5.1.1 user unknown in table");
        assert_eq!(burst(true, line.clone()), Err(line.clone()));
        // ...but in the browser it can only be a paste.
        assert_eq!(
            burst(false, line),
            Ok("550 5.1.1 user unknown in table".to_string())
        );
        // Control keys mean someone is driving, not pasting.
        let mut mixed = keys("abcdefghijklmnopqrstuvwxyz\n");
        mixed.insert(
            3,
            Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        );
        assert_eq!(burst(false, mixed.clone()), Err(mixed));
    }
}
