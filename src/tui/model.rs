//! The interface state and its transitions, Elm style: [`Model::update`] takes an
//! [`Action`] and returns the [`Effect`]s to run, and never does I/O itself. The
//! app runs effects on tasks and feeds their results back as actions, so tests can
//! drive the whole interface without a terminal.

use super::keymap::Context;
use super::layout::{self, Areas};
use super::text;
use super::theme::Theme;
use super::view;
pub use super::wizard_pane::WizardPane;
use crate::checks::CheckReport;
use crate::diagnose::{InputError, MessageDiagnosis, RecipientDiagnosis, MAX_INPUT};
use crate::knowledge::{Entry, Index, KnowledgeBase};
use crate::wizard::{Phase, RunRequest};
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::sync::Arc;

/// How many ticks a status message stays (the app ticks every 200 ms).
pub const MESSAGE_TICKS: u64 = 30;

/// Commands a key can be bound to (see the key table in `keymap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Leave the program.
    Quit,
    /// Show or hide the help popup.
    Help,
    /// Show the knowledge load problems.
    Problems,
    /// Put the cursor in the search box.
    FocusSearch,
    /// Next pane (search → list → detail).
    NextFocus,
    /// Previous pane.
    PrevFocus,
    /// Close, clear or go back one level.
    Back,
    /// Move down one row.
    Down,
    /// Move up one row.
    Up,
    /// Move down one page.
    PageDown,
    /// Move up one page.
    PageUp,
    /// Go to the first row.
    Home,
    /// Go to the last row.
    End,
    /// Open what is selected (in the paste pane: its knowledge-base entry).
    Open,
    /// Delete the last character of the search.
    DeleteChar,
    /// Delete the character under the cursor (wizard fields).
    DeleteForward,
    /// Move the text cursor one character left (wizard fields).
    CursorLeft,
    /// Move the text cursor one character right (wizard fields).
    CursorRight,
    /// Clear the search.
    ClearQuery,
    /// Copy the selected entry as Markdown.
    CopyEntry,
    /// Open the paste pane and diagnose the clipboard's contents.
    PasteClipboard,
    /// Start the remediation wizard from the selected entry or diagnosis.
    StartWizard,
    /// Wizard: skip the selected step (cancels it when running).
    SkipStep,
    /// Wizard: run the selected check again.
    RerunStep,
    /// Wizard: tick or untick the selected checklist item.
    TickStep,
    /// Wizard: show the summary.
    ShowSummary,
    /// Wizard: write the report as a Markdown file.
    ExportReport,
}

/// Everything that can happen to the model: user input and effect results.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A bound key was pressed.
    Command(Command),
    /// A character typed into the search box.
    Insert(char),
    /// Text pasted through the terminal (bracketed paste).
    Paste(String),
    /// Left click at a cell.
    Click {
        /// Column.
        column: u16,
        /// Row.
        row: u16,
    },
    /// Mouse wheel at a cell.
    Scroll {
        /// Column.
        column: u16,
        /// Row.
        row: u16,
        /// True for wheel down.
        down: bool,
    },
    /// The terminal has a new size.
    Resize(u16, u16),
    /// Time passes (spinners, message expiry).
    Tick,
    /// Result of [`Effect::ReadClipboard`]: the text, or why there is no clipboard.
    ClipboardRead(Result<String, String>),
    /// Result of [`Effect::CopyToClipboard`].
    Copied {
        /// What was copied.
        text: String,
        /// `Err(reason)` when no system clipboard could take it.
        result: Result<(), String>,
    },
    /// Result of [`Effect::Diagnose`].
    Diagnosed {
        /// The request this answers; stale answers are ignored.
        request: u64,
        /// The diagnosis or why the input was refused.
        result: Result<Vec<MessageDiagnosis>, DiagnoseFailure>,
    },
    /// Result of [`Effect::RunCheck`].
    CheckFinished {
        /// Wizard step.
        step: usize,
        /// The attempt this answers; answers of cancelled attempts are ignored.
        run: u64,
        /// What the check found.
        report: CheckReport,
    },
    /// Result of [`Effect::ExportReport`].
    ReportExported {
        /// The file.
        path: PathBuf,
        /// `Err(reason)` when it could not be written.
        result: Result<(), String>,
    },
    /// Result of [`Effect::LoadFile`].
    FileLoaded {
        /// The file.
        path: PathBuf,
        /// Its bytes (at most `MAX_INPUT + 1`), or the error.
        result: Result<Vec<u8>, String>,
    },
}

/// Why a diagnosis produced no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnoseFailure {
    /// The engine refused the input (too large, binary, empty).
    Input(InputError),
    /// The engine did not finish in time or crashed.
    Engine(String),
}

/// Work for the app to do outside `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Restore the terminal and exit.
    Quit,
    /// Put text on the system clipboard; answer with [`Action::Copied`].
    CopyToClipboard(String),
    /// Write an OSC 52 sequence so the terminal puts the text on its clipboard.
    CopyViaTerminal(String),
    /// Read the system clipboard; answer with [`Action::ClipboardRead`].
    ReadClipboard,
    /// Diagnose input off the UI thread; answer with [`Action::Diagnosed`].
    Diagnose {
        /// Request number, echoed in the answer.
        request: u64,
        /// The input bytes.
        input: Vec<u8>,
    },
    /// Read a file; answer with [`Action::FileLoaded`].
    LoadFile(PathBuf),
    /// Run a wizard check with the app's settings; answer with [`Action::CheckFinished`].
    RunCheck(RunRequest),
    /// Cancel the wizard check with this run id (its answer is then ignored).
    CancelCheck(u64),
    /// Write the wizard report; answer with [`Action::ReportExported`].
    ExportReport {
        /// Where to write it.
        path: PathBuf,
        /// The report.
        markdown: String,
    },
}

/// The top-level pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Knowledge-base browser: search, list, detail.
    Browse,
    /// Paste a bounce and see the diagnosis.
    Paste,
    /// The remediation wizard.
    Wizard,
}

/// Which part of the browse pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The search box.
    Search,
    /// The result list.
    List,
    /// The detail pane.
    Detail,
}

/// An open popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Popup {
    /// Key bindings (and the knowledge problems).
    Help,
    /// Problems found while loading knowledge files.
    Problems,
}

/// What kind of status message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Neutral information.
    Info,
    /// Something worked.
    Ok,
    /// Something did not work, with a way around it.
    Warn,
    /// Something failed.
    Error,
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The text (already safe to draw).
    pub text: String,
    /// How to style it.
    pub level: Level,
    /// Tick after which it disappears.
    pub until: u64,
}

/// State of the paste pane.
#[derive(Debug, Clone, PartialEq)]
pub enum PastePhase {
    /// Nothing pasted yet.
    Empty,
    /// Waiting for the system clipboard.
    ReadingClipboard,
    /// Waiting for a file.
    LoadingFile,
    /// The engine is working.
    Diagnosing,
    /// The diagnosis, one entry per message of the input.
    Done(Vec<MessageDiagnosis>),
    /// The input was refused (too large, binary, empty): the engine's message.
    Refused(String),
    /// There is no system clipboard; the reason.
    NoClipboard(String),
    /// Reading the file or running the engine failed.
    Failed(String),
}

/// The paste pane: the input, its diagnosis and what is selected.
#[derive(Debug, Clone, PartialEq)]
pub struct PasteState {
    /// Where the input came from ("clipboard", "terminal paste", a file name).
    pub source: String,
    /// The input split into sanitized display lines.
    pub lines: Vec<String>,
    /// Current phase.
    pub phase: PastePhase,
    /// Selected recipient (index into [`PasteState::recipients`]).
    pub selected: usize,
    /// First visible line of the text.
    pub scroll: usize,
    /// Which evidence line of the selected recipient Tab went to last.
    pub evidence_cursor: usize,
    /// The request whose answer is awaited.
    pub request: u64,
}

impl Default for PasteState {
    fn default() -> Self {
        PasteState {
            source: String::new(),
            lines: Vec::new(),
            phase: PastePhase::Empty,
            selected: 0,
            scroll: 0,
            evidence_cursor: 0,
            request: 0,
        }
    }
}

impl PasteState {
    /// Every recipient of every message, in order.
    pub fn recipients(&self) -> Vec<&RecipientDiagnosis> {
        match &self.phase {
            PastePhase::Done(msgs) => msgs.iter().flat_map(|m| m.recipients.iter()).collect(),
            _ => Vec::new(),
        }
    }

    /// The selected recipient.
    pub fn selected_recipient(&self) -> Option<&RecipientDiagnosis> {
        self.recipients().get(self.selected).copied()
    }

    /// Whether the engine (or a read) is running.
    pub fn busy(&self) -> bool {
        matches!(
            self.phase,
            PastePhase::ReadingClipboard | PastePhase::LoadingFile | PastePhase::Diagnosing
        )
    }
}

/// The whole interface state.
pub struct Model {
    /// The knowledge base, loaded once.
    pub kb: Arc<KnowledgeBase>,
    index: Index,
    /// Styles.
    pub theme: Theme,
    /// Terminal size.
    pub size: Rect,
    /// The top-level pane.
    pub pane: Pane,
    /// Keyboard focus within the browse pane.
    pub focus: Focus,
    /// Search text.
    pub query: String,
    /// Entry indexes matching the query, best first.
    pub results: Vec<usize>,
    /// Selected row of `results`.
    pub selected: usize,
    /// First visible row of the list.
    pub list_offset: usize,
    /// First visible line of the detail pane.
    pub detail_scroll: usize,
    /// Open popup.
    pub popup: Option<Popup>,
    /// First visible line of the popup.
    pub popup_scroll: usize,
    /// Status-bar message.
    pub message: Option<Message>,
    /// The paste pane.
    pub paste: PasteState,
    /// Ticks since start.
    pub tick: u64,
    /// The remediation wizard, once opened.
    pub wizard: Option<WizardPane>,
    /// What the pending clipboard copy holds, for the status message.
    pub(super) copy_what: &'static str,
    next_request: u64,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("pane", &self.pane)
            .field("focus", &self.focus)
            .field("query", &self.query)
            .field("selected", &self.selected)
            .field("popup", &self.popup)
            .finish_non_exhaustive()
    }
}

impl Model {
    /// A model over `kb` (the search index is built here, once) for a terminal of `size`.
    pub fn new(kb: Arc<KnowledgeBase>, theme: Theme, size: Rect) -> Model {
        let index = Index::new(&kb);
        let mut m = Model {
            kb,
            index,
            theme,
            size,
            pane: Pane::Browse,
            focus: Focus::Search,
            query: String::new(),
            results: Vec::new(),
            selected: 0,
            list_offset: 0,
            detail_scroll: 0,
            popup: None,
            popup_scroll: 0,
            message: None,
            paste: PasteState::default(),
            tick: 0,
            wizard: None,
            copy_what: "the entry",
            next_request: 0,
        };
        m.search();
        m
    }

    /// Open the paste pane with a file (`--paste FILE`).
    pub fn open_file(&mut self, path: PathBuf) -> Vec<Effect> {
        self.pane = Pane::Paste;
        self.popup = None;
        self.paste = PasteState {
            source: text::sanitize(&path.display().to_string()),
            phase: PastePhase::LoadingFile,
            ..PasteState::default()
        };
        vec![Effect::LoadFile(path)]
    }

    /// The pane areas for the current size.
    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self)
    }

    /// The key context: which bindings apply now.
    pub fn context(&self) -> Context {
        if self.popup.is_some() {
            return Context::Popup;
        }
        self.pane_context()
    }

    /// The context of the pane under any popup (the help lists it first).
    pub fn pane_context(&self) -> Context {
        match (self.pane, self.focus) {
            (Pane::Wizard, _) => match self.wizard.as_ref().map(|p| p.wizard.phase) {
                Some(Phase::Inputs) | None => Context::WizardInputs,
                Some(Phase::Steps) => Context::WizardSteps,
                Some(Phase::Summary) => Context::WizardSummary,
            },
            (Pane::Paste, _) => Context::Paste,
            (Pane::Browse, Focus::Search) => Context::Search,
            (Pane::Browse, _) => Context::Browse,
        }
    }

    /// The selected knowledge-base entry.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.results
            .get(self.selected)
            .map(|&i| &self.kb.entries[i])
    }

    /// Whether some work is running (the view shows a spinner).
    pub fn busy(&self) -> bool {
        self.paste.busy() || self.wizard_busy()
    }

    pub(super) fn say(&mut self, level: Level, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            level,
            until: self.tick + MESSAGE_TICKS,
        });
    }

    fn search(&mut self) {
        self.results = self
            .index
            .search(&self.query)
            .into_iter()
            .map(|h| h.index)
            .collect();
        self.selected = 0;
        self.list_offset = 0;
        self.detail_scroll = 0;
    }

    fn list_height(&self) -> usize {
        let a = self.areas();
        a.inner(a.list).height.max(1) as usize
    }

    fn detail_height(&self) -> usize {
        let a = self.areas();
        a.inner(a.detail).height.max(1) as usize
    }

    fn detail_len(&self) -> usize {
        let a = self.areas();
        let width = a.inner(a.detail).width;
        self.selected_entry()
            .map(|e| view::detail::lines(e, width, &self.theme).len())
            .unwrap_or(0)
    }

    fn text_height(&self) -> usize {
        let a = self.areas();
        a.inner(a.paste_text).height.max(1) as usize
    }

    fn select(&mut self, row: usize) {
        if self.results.is_empty() {
            self.selected = 0;
            return;
        }
        let row = row.min(self.results.len() - 1);
        if row != self.selected {
            self.detail_scroll = 0;
        }
        self.selected = row;
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let h = self.list_height();
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + h {
            self.list_offset = self.selected + 1 - h;
        }
        let max_offset = self.results.len().saturating_sub(h);
        self.list_offset = self.list_offset.min(max_offset);
    }

    fn scroll_detail(&mut self, delta: isize) {
        let max = self.detail_len().saturating_sub(self.detail_height());
        self.detail_scroll = self.detail_scroll.saturating_add_signed(delta).min(max);
    }

    fn move_list(&mut self, delta: isize) {
        let row = self.selected.saturating_add_signed(delta);
        self.select(row);
    }

    /// Apply one action; returns the effects to run.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command(c) => self.command(c),
            Action::Insert(c) if self.pane == Pane::Wizard => {
                self.wizard_insert(c);
                Vec::new()
            }
            Action::Insert(c) => {
                self.query.push(c);
                self.search();
                Vec::new()
            }
            Action::Paste(s) if self.pane == Pane::Wizard && self.popup.is_none() => {
                self.wizard_paste(&s);
                Vec::new()
            }
            Action::Paste(s) => self.pasted(s),
            Action::CheckFinished { step, run, report } => {
                self.wizard_check_finished(step, run, report);
                Vec::new()
            }
            Action::ReportExported { path, result } => {
                self.wizard_exported(path, result);
                Vec::new()
            }
            Action::Click { column, row } => {
                self.click(column, row);
                Vec::new()
            }
            Action::Scroll { column, row, down } => {
                self.wheel(column, row, down);
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.keep_selection_visible();
                self.scroll_detail(0);
                Vec::new()
            }
            Action::Tick => {
                self.tick += 1;
                if self.message.as_ref().is_some_and(|m| m.until <= self.tick) {
                    self.message = None;
                }
                Vec::new()
            }
            Action::ClipboardRead(result) => self.clipboard_read(result),
            Action::Copied { text, result } => match result {
                Ok(()) => {
                    let what = self.copy_what;
                    self.say(
                        Level::Ok,
                        format!("Copied {what} to the clipboard as Markdown"),
                    );
                    Vec::new()
                }
                Err(reason) => {
                    self.say(
                        Level::Warn,
                        format!(
                            "Sent {} to the terminal's clipboard (OSC 52): no system clipboard ({})",
                            self.copy_what,
                            text::sanitize(&reason)
                        ),
                    );
                    vec![Effect::CopyViaTerminal(text)]
                }
            },
            Action::Diagnosed { request, result } => {
                if request == self.paste.request && self.paste.phase == PastePhase::Diagnosing {
                    self.paste.phase = match result {
                        Ok(msgs) => PastePhase::Done(msgs),
                        Err(DiagnoseFailure::Input(e)) => {
                            // Refused input (binary, huge) is not worth showing.
                            self.paste.lines.clear();
                            PastePhase::Refused(e.to_string())
                        }
                        Err(DiagnoseFailure::Engine(e)) => PastePhase::Failed(e),
                    };
                    self.paste.selected = 0;
                    self.paste.evidence_cursor = 0;
                    self.scroll_to_evidence();
                }
                Vec::new()
            }
            Action::FileLoaded { path, result } => {
                if self.paste.phase != PastePhase::LoadingFile {
                    return Vec::new();
                }
                let name = text::sanitize(&path.display().to_string());
                match result {
                    Ok(bytes) => self.diagnose(name, bytes),
                    Err(e) => {
                        self.paste.phase = PastePhase::Failed(format!(
                            "Cannot read {name}: {}",
                            text::sanitize(&e)
                        ));
                        Vec::new()
                    }
                }
            }
        }
    }

    fn command(&mut self, c: Command) -> Vec<Effect> {
        if let Some(p) = self.popup {
            return self.popup_command(p, c);
        }
        match c {
            Command::Quit => return vec![Effect::Quit],
            Command::Help => {
                self.popup = Some(Popup::Help);
                self.popup_scroll = 0;
            }
            Command::Problems => {
                if self.kb.problems.is_empty() {
                    self.say(Level::Info, "The knowledge files loaded without problems");
                } else {
                    self.popup = Some(Popup::Problems);
                    self.popup_scroll = 0;
                }
            }
            Command::PasteClipboard => {
                self.pane = Pane::Paste;
                self.paste.phase = PastePhase::ReadingClipboard;
                self.paste.source = "clipboard".into();
                self.paste.lines.clear();
                return vec![Effect::ReadClipboard];
            }
            _ => match self.pane {
                Pane::Browse => return self.browse_command(c),
                Pane::Paste => return self.paste_command(c),
                Pane::Wizard => {
                    let effects = self.wizard_command(c);
                    self.clamp_wizard_scroll();
                    return effects;
                }
            },
        }
        Vec::new()
    }

    fn popup_command(&mut self, popup: Popup, c: Command) -> Vec<Effect> {
        let len = view::help::popup_len(self, popup);
        let a = self.areas();
        let h = a.popup.height.saturating_sub(2).max(1) as usize;
        let max = len.saturating_sub(h);
        match c {
            Command::Quit => return vec![Effect::Quit],
            Command::Back | Command::Help => self.popup = None,
            Command::Problems if popup == Popup::Problems => self.popup = None,
            Command::Down => self.popup_scroll = (self.popup_scroll + 1).min(max),
            Command::Up => self.popup_scroll = self.popup_scroll.saturating_sub(1),
            Command::PageDown => self.popup_scroll = (self.popup_scroll + h).min(max),
            Command::PageUp => self.popup_scroll = self.popup_scroll.saturating_sub(h),
            _ => {}
        }
        Vec::new()
    }

    fn browse_command(&mut self, c: Command) -> Vec<Effect> {
        let in_detail = self.focus == Focus::Detail;
        match c {
            Command::FocusSearch => self.focus = Focus::Search,
            Command::NextFocus => {
                self.focus = match self.focus {
                    Focus::Search => Focus::List,
                    Focus::List => Focus::Detail,
                    Focus::Detail => Focus::Search,
                }
            }
            Command::PrevFocus => {
                self.focus = match self.focus {
                    Focus::Search => Focus::Detail,
                    Focus::List => Focus::Search,
                    Focus::Detail => Focus::List,
                }
            }
            Command::Back => match self.focus {
                Focus::Detail => self.focus = Focus::List,
                Focus::Search if !self.query.is_empty() => {
                    self.query.clear();
                    self.search();
                }
                Focus::Search => self.focus = Focus::List,
                Focus::List => {
                    if !self.query.is_empty() {
                        self.query.clear();
                        self.search();
                    }
                    self.focus = Focus::Search;
                }
            },
            Command::DeleteChar if self.query.pop().is_some() => self.search(),
            Command::ClearQuery => {
                self.query.clear();
                self.search();
            }
            Command::Down if in_detail => self.scroll_detail(1),
            Command::Up if in_detail => self.scroll_detail(-1),
            Command::PageDown if in_detail => self.scroll_detail(self.detail_height() as isize),
            Command::PageUp if in_detail => self.scroll_detail(-(self.detail_height() as isize)),
            Command::Home if in_detail => self.detail_scroll = 0,
            Command::End if in_detail => self.scroll_detail(isize::MAX / 2),
            Command::Down => {
                if self.focus == Focus::Search {
                    self.focus = Focus::List;
                }
                self.move_list(1)
            }
            Command::Up => self.move_list(-1),
            Command::PageDown => self.move_list(self.list_height() as isize),
            Command::PageUp => self.move_list(-(self.list_height() as isize)),
            Command::Home => self.select(0),
            Command::End => self.select(self.results.len().saturating_sub(1)),
            Command::CopyEntry => match self.selected_entry() {
                Some(e) => {
                    let md = KnowledgeBase::to_markdown(e);
                    self.copy_what = "the entry";
                    self.say(Level::Info, "Copying…");
                    return vec![Effect::CopyToClipboard(md)];
                }
                None => self.say(Level::Warn, "Nothing selected to copy"),
            },
            Command::StartWizard => return self.start_wizard(),
            _ => {}
        }
        Vec::new()
    }

    /// Open the remediation wizard (`w`), from the selected entry or diagnosis.
    fn start_wizard(&mut self) -> Vec<Effect> {
        self.open_wizard()
    }

    fn paste_command(&mut self, c: Command) -> Vec<Effect> {
        let n = self.paste.recipients().len();
        let h = self.text_height();
        let max_scroll = self.paste.lines.len().saturating_sub(h);
        match c {
            Command::Back => self.pane = Pane::Browse,
            Command::Down if n > 0 => {
                self.paste.selected = (self.paste.selected + 1).min(n - 1);
                self.paste.evidence_cursor = 0;
                self.scroll_to_evidence();
            }
            Command::Up => {
                self.paste.selected = self.paste.selected.saturating_sub(1);
                self.paste.evidence_cursor = 0;
                self.scroll_to_evidence();
            }
            Command::PageDown => self.paste.scroll = (self.paste.scroll + h).min(max_scroll),
            Command::PageUp => self.paste.scroll = self.paste.scroll.saturating_sub(h),
            Command::Home => self.paste.scroll = 0,
            Command::End => self.paste.scroll = max_scroll,
            Command::NextFocus => {
                let count = self
                    .paste
                    .selected_recipient()
                    .map_or(0, |r| r.evidence.len());
                if count > 0 {
                    self.paste.evidence_cursor = (self.paste.evidence_cursor + 1) % count;
                    self.scroll_to_evidence();
                }
            }
            Command::Open => self.open_entry_of_recipient(),
            Command::StartWizard => return self.start_wizard(),
            _ => {}
        }
        Vec::new()
    }

    /// Scroll the pasted text so the current evidence line is visible.
    fn scroll_to_evidence(&mut self) {
        let Some(line) = self
            .paste
            .selected_recipient()
            .and_then(|r| r.evidence.get(self.paste.evidence_cursor))
            .map(|e| e.line)
        else {
            return;
        };
        let h = self.text_height();
        let idx = line.saturating_sub(1);
        if idx < self.paste.scroll || idx >= self.paste.scroll + h {
            // A little context above the line, but no empty space below the text.
            let max = self.paste.lines.len().saturating_sub(h);
            self.paste.scroll = idx.saturating_sub(h / 3).min(max);
        }
    }

    fn open_entry_of_recipient(&mut self) {
        let Some(r) = self.paste.selected_recipient() else {
            self.say(Level::Warn, "No recipient selected");
            return;
        };
        let target = r.kb.iter().find_map(|id| self.kb.position(id));
        let fallback = r
            .status
            .clone()
            .or_else(|| r.reply_code.map(|c| c.to_string()));
        match (target, fallback) {
            (Some(pos), _) => {
                self.query.clear();
                self.search();
                if let Some(row) = self.results.iter().position(|&i| i == pos) {
                    self.pane = Pane::Browse;
                    self.focus = Focus::List;
                    self.select(row);
                    // Show the chosen entry near the top of the list.
                    self.list_offset = self.selected;
                    self.keep_selection_visible();
                }
            }
            (None, Some(code)) => {
                self.query = text::sanitize(&code);
                self.search();
                self.pane = Pane::Browse;
                self.focus = Focus::List;
                self.say(
                    Level::Info,
                    "No entry named by the diagnosis; showing entries for its code",
                );
            }
            (None, None) => self.say(Level::Warn, "The diagnosis names no knowledge-base entry"),
        }
    }

    fn clipboard_read(&mut self, result: Result<String, String>) -> Vec<Effect> {
        if self.paste.phase != PastePhase::ReadingClipboard {
            return Vec::new();
        }
        match result {
            Ok(s) if s.trim().is_empty() => {
                self.paste.phase = PastePhase::Failed(
                    "The clipboard is empty. Copy the bounce first, or paste it with your terminal (Ctrl+Shift+V)."
                        .into(),
                );
                Vec::new()
            }
            Ok(s) => self.diagnose(
                "clipboard".into(),
                text::normalize_newlines(&s).into_bytes(),
            ),
            Err(reason) => {
                self.paste.phase = PastePhase::NoClipboard(text::sanitize(&reason));
                Vec::new()
            }
        }
    }

    fn pasted(&mut self, s: String) -> Vec<Effect> {
        // A short single line typed into the search box is a search, not a bounce.
        if self.pane == Pane::Browse
            && self.focus == Focus::Search
            && self.popup.is_none()
            && !s.trim_end().contains(['\n', '\r'])
            && s.len() <= 500
        {
            self.query.push_str(&text::sanitize(s.trim_end()));
            self.search();
            return Vec::new();
        }
        self.popup = None;
        self.pane = Pane::Paste;
        self.diagnose(
            "terminal paste".into(),
            text::normalize_newlines(&s).into_bytes(),
        )
    }

    /// Start diagnosing `input`, shown as coming from `source`.
    fn diagnose(&mut self, source: String, input: Vec<u8>) -> Vec<Effect> {
        self.next_request += 1;
        let request = self.next_request;
        // Splitting a huge input into lines would stall the interface; the engine
        // refuses it anyway.
        let lines = if input.len() > MAX_INPUT {
            Vec::new()
        } else {
            text::display_lines(&input)
        };
        self.paste = PasteState {
            source,
            lines,
            phase: PastePhase::Diagnosing,
            request,
            ..PasteState::default()
        };
        vec![Effect::Diagnose { request, input }]
    }

    fn click(&mut self, column: u16, row: u16) {
        let a = self.areas();
        if a.too_small {
            return;
        }
        if self.popup.is_some() {
            if !layout::contains(a.popup, column, row) {
                self.popup = None;
            }
            return;
        }
        match self.pane {
            Pane::Browse => {
                if layout::contains(a.search, column, row) {
                    self.focus = Focus::Search;
                } else if layout::contains(a.list, column, row) {
                    self.focus = Focus::List;
                    let inner = a.inner(a.list);
                    if layout::contains(inner, column, row) {
                        let r = self.list_offset + (row - inner.y) as usize;
                        if r < self.results.len() {
                            self.select(r);
                        }
                    }
                } else if layout::contains(a.detail, column, row) {
                    self.focus = Focus::Detail;
                }
            }
            Pane::Paste => {
                let inner = a.inner(a.paste_summary);
                if layout::contains(inner, column, row) {
                    let rows = view::paste::recipient_rows(self, inner.width);
                    let clicked = (row - inner.y) as usize;
                    if let Some(&Some(i)) =
                        rows.get(clicked + view::paste::summary_offset(self, inner))
                    {
                        self.paste.selected = i;
                        self.paste.evidence_cursor = 0;
                        self.scroll_to_evidence();
                    }
                }
            }
            // The wizard is keyboard-driven; clicks only close popups (above).
            Pane::Wizard => {}
        }
    }

    fn wheel(&mut self, column: u16, row: u16, down: bool) {
        let a = self.areas();
        let d: isize = if down { 3 } else { -3 };
        if self.popup.is_some() {
            self.command(if down { Command::Down } else { Command::Up });
            return;
        }
        match self.pane {
            Pane::Browse => {
                if layout::contains(a.detail, column, row) {
                    self.scroll_detail(d);
                } else if layout::contains(a.list, column, row) {
                    self.move_list(d.signum());
                }
            }
            Pane::Paste => {
                if layout::contains(a.paste_text, column, row) {
                    let max = self.paste.lines.len().saturating_sub(self.text_height());
                    self.paste.scroll = self.paste.scroll.saturating_add_signed(d).min(max);
                } else if layout::contains(a.paste_summary, column, row) {
                    self.paste_command(if down { Command::Down } else { Command::Up });
                }
            }
            Pane::Wizard => {
                self.wizard_command(if down {
                    Command::PageDown
                } else {
                    Command::PageUp
                });
                self.clamp_wizard_scroll();
            }
        }
    }
}
