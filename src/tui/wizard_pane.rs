//! The wizard pane's side of the model: starting the wizard (from nothing, a
//! knowledge entry or a diagnosis), routing keys to the [`Wizard`] state
//! machine, and turning its run requests into effects. Kept apart from
//! `model.rs` so the framework's file only carries small hooks.

use super::model::{Command, Effect, Level, Model, Pane};
use super::text;
use crate::checks::CheckReport;
use crate::wizard::{format_utc, report_file_name, Phase, RunRequest, Wizard};
use std::path::PathBuf;

/// The wizard pane's state.
#[derive(Debug, Clone)]
pub struct WizardPane {
    /// The state machine.
    pub wizard: Wizard,
    /// Pane to return to when the wizard is closed.
    pub return_to: Pane,
    /// What the wizard was started from, for the title ("entry smtp-550").
    pub origin: String,
    /// First visible line of the step detail or the summary.
    pub scroll: usize,
    /// Where the last report was written.
    pub exported: Option<PathBuf>,
}

fn run_effects(runs: Vec<RunRequest>) -> Vec<Effect> {
    runs.into_iter().map(Effect::RunCheck).collect()
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Model {
    /// Open the wizard (`w`): from the selected recipient's diagnosis in the
    /// paste pane, from the selected knowledge entry in the list, else empty.
    pub(super) fn open_wizard(&mut self) -> Vec<Effect> {
        if self.pane == Pane::Paste && self.paste.busy() {
            self.say(
                Level::Info,
                "The diagnosis is still running; press w again when it is shown",
            );
            return Vec::new();
        }
        let return_to = self.pane;
        let (wizard, origin) = match self.pane {
            Pane::Paste => match self.paste_message_for_wizard() {
                Some(msg) => (
                    Wizard::from_diagnosis(&msg, &self.kb),
                    "the pasted bounce".to_string(),
                ),
                None => (Wizard::new(Default::default()), String::new()),
            },
            Pane::Browse => match self.selected_entry() {
                // A success reply (2xx) has nothing to remediate: start plain.
                Some(e)
                    if self.focus != super::model::Focus::Search
                        && e.severity != crate::knowledge::Severity::Success =>
                {
                    (Wizard::from_entry(e), format!("entry {}", e.id))
                }
                _ => (Wizard::new(Default::default()), String::new()),
            },
            Pane::Wizard => return Vec::new(),
        };
        // A wizard replaced while its checks run: cancel them, and keep run ids
        // unique so their late answers cannot land on the new wizard's steps.
        let mut wizard = wizard;
        let mut effects = Vec::new();
        if let Some(old) = self.wizard.as_ref() {
            wizard.set_next_run(old.wizard.next_run());
            effects = old
                .wizard
                .running()
                .into_iter()
                .filter_map(|i| running_run(&old.wizard, i))
                .map(Effect::CancelCheck)
                .collect();
        }
        self.wizard = Some(WizardPane {
            wizard,
            return_to,
            origin,
            scroll: 0,
            exported: None,
        });
        self.pane = Pane::Wizard;
        self.popup = None;
        self.say(
            Level::Info,
            "Fill in what you know (Tab: next field), then Enter runs the checks",
        );
        effects
    }

    /// The diagnosed message holding the selected recipient (or the first bounce).
    fn paste_message_for_wizard(&self) -> Option<crate::diagnose::MessageDiagnosis> {
        let super::model::PastePhase::Done(msgs) = &self.paste.phase else {
            return None;
        };
        let mut seen = 0;
        for m in msgs {
            let n = m.recipients.len();
            if self.paste.selected < seen + n {
                return Some(m.clone());
            }
            seen += n;
        }
        msgs.first().cloned()
    }

    /// Keys while the wizard pane is showing.
    pub(super) fn wizard_command(&mut self, c: Command) -> Vec<Effect> {
        let Some(pane) = self.wizard.as_mut() else {
            self.pane = Pane::Browse;
            return Vec::new();
        };
        let w = &mut pane.wizard;
        match (w.phase, c) {
            (_, Command::Quit) => return vec![Effect::Quit],
            (Phase::Inputs, Command::NextFocus | Command::Down) => w.move_focus(true),
            (Phase::Inputs, Command::PrevFocus | Command::Up) => w.move_focus(false),
            (Phase::Inputs, Command::DeleteChar) => w.backspace(),
            (Phase::Inputs, Command::DeleteForward) => w.delete_forward(),
            (Phase::Inputs, Command::CursorLeft) => w.move_cursor(-1),
            (Phase::Inputs, Command::CursorRight) => w.move_cursor(1),
            (Phase::Inputs, Command::Home) => w.cursor_to(false),
            (Phase::Inputs, Command::End) => w.cursor_to(true),
            (Phase::Inputs, Command::ClearQuery) => w.clear_field(),
            (Phase::Inputs, Command::Open) => match w.start() {
                Ok(runs) => {
                    pane.scroll = 0;
                    let n = runs.len();
                    self.say(Level::Info, format!("Running {n} check(s)…"));
                    return run_effects(runs);
                }
                Err(errors) => {
                    let n = errors.len();
                    self.say(
                        Level::Warn,
                        format!("{n} field(s) need fixing before the checks can run"),
                    );
                }
            },
            (Phase::Inputs, Command::Back) => {
                self.pane = pane.return_to;
                return Vec::new();
            }
            (Phase::Steps, Command::Down) => {
                w.select(1);
                pane.scroll = 0;
            }
            (Phase::Steps, Command::Up) => {
                w.select(-1);
                pane.scroll = 0;
            }
            (Phase::Steps, Command::Home) => {
                w.selected = 0;
                pane.scroll = 0;
            }
            (Phase::Steps, Command::End) => {
                w.selected = w.steps.len().saturating_sub(1);
                pane.scroll = 0;
            }
            (Phase::Steps | Phase::Summary, Command::PageDown) => pane.scroll += 5,
            (Phase::Steps | Phase::Summary, Command::PageUp) => {
                pane.scroll = pane.scroll.saturating_sub(5)
            }
            (Phase::Summary, Command::Down) => pane.scroll += 1,
            (Phase::Summary, Command::Up) => pane.scroll = pane.scroll.saturating_sub(1),
            (Phase::Steps, Command::SkipStep) => {
                let i = w.selected;
                let run = running_run(w, i);
                w.skip(i);
                return run.map(Effect::CancelCheck).into_iter().collect();
            }
            (Phase::Steps, Command::RerunStep) => {
                let i = w.selected;
                match w.rerun(i) {
                    Some(req) => return vec![Effect::RunCheck(req)],
                    None if w.steps[i].is_manual() => self.say(
                        Level::Info,
                        "A checklist item: tick it with Space when done",
                    ),
                    None => self.say(Level::Info, "This check is already running"),
                }
            }
            // The guard does the ticking; the arm only runs when it was refused.
            (Phase::Steps, Command::TickStep) if !w.tick(w.selected) => {
                self.say(
                    Level::Info,
                    "Only checklist items are ticked; r runs this check again",
                );
            }
            (Phase::Steps, Command::Back) => {
                let i = w.selected;
                match running_run(w, i) {
                    Some(run) => {
                        w.cancel(i);
                        return vec![Effect::CancelCheck(run)];
                    }
                    None => {
                        let runs: Vec<u64> = w
                            .running()
                            .into_iter()
                            .filter_map(|i| running_run(w, i))
                            .collect();
                        w.back();
                        return runs.into_iter().map(Effect::CancelCheck).collect();
                    }
                }
            }
            (Phase::Steps, Command::ShowSummary) => {
                w.show_summary();
                pane.scroll = 0;
            }
            (Phase::Summary, Command::Back) => {
                w.back();
                pane.scroll = 0;
            }
            (Phase::Summary, Command::ExportReport) => {
                let now = now_secs();
                let path = PathBuf::from(report_file_name(now));
                let markdown = w.summary_markdown(&format_utc(now));
                self.say(Level::Info, "Writing the report…");
                return vec![Effect::ExportReport { path, markdown }];
            }
            (Phase::Summary, Command::CopyEntry) => {
                let markdown = w.summary_markdown(&format_utc(now_secs()));
                self.copy_what = "the report";
                self.say(Level::Info, "Copying…");
                return vec![Effect::CopyToClipboard(markdown)];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Keep the wizard's scroll offset within what there is to show.
    pub(super) fn clamp_wizard_scroll(&mut self) {
        let a = self.areas();
        let max = super::view::wizard::max_scroll(self, &a);
        if let Some(p) = self.wizard.as_mut() {
            p.scroll = p.scroll.min(max);
        }
    }

    /// A character typed into the focused input field.
    pub(super) fn wizard_insert(&mut self, c: char) {
        if let Some(p) = self.wizard.as_mut() {
            if p.wizard.phase == Phase::Inputs {
                p.wizard.type_char(c);
            }
        }
    }

    /// Text pasted into the focused input field (first line only).
    pub(super) fn wizard_paste(&mut self, s: &str) {
        if let Some(p) = self.wizard.as_mut() {
            if p.wizard.phase == Phase::Inputs {
                let line = s
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .unwrap_or("");
                for c in text::sanitize(line).chars() {
                    p.wizard.type_char(c);
                }
            }
        }
    }

    /// A check reported back.
    pub(super) fn wizard_check_finished(&mut self, step: usize, run: u64, report: CheckReport) {
        if let Some(p) = self.wizard.as_mut() {
            p.wizard.step_finished(step, run, report);
            if p.wizard.phase == Phase::Steps && p.wizard.settled() {
                self.say(Level::Ok, "All checks finished: Enter shows the summary");
            }
        }
    }

    /// The report file was written (or not).
    pub(super) fn wizard_exported(&mut self, path: PathBuf, result: Result<(), String>) {
        let name = text::sanitize(&path.display().to_string());
        match result {
            Ok(()) => {
                self.say(Level::Ok, format!("Report written to {name}"));
                if let Some(p) = self.wizard.as_mut() {
                    p.exported = Some(path);
                }
            }
            Err(e) => self.say(
                Level::Error,
                format!(
                    "Cannot write {name}: {} (y copies it instead)",
                    text::sanitize(&e)
                ),
            ),
        }
    }

    /// Whether wizard checks are running (the status bar shows a spinner).
    pub(super) fn wizard_busy(&self) -> bool {
        self.wizard.as_ref().is_some_and(|p| !p.wizard.settled())
    }
}

/// The run id of step `i` when it is running.
fn running_run(w: &Wizard, i: usize) -> Option<u64> {
    match w.steps.get(i).map(|s| &s.state) {
        Some(crate::wizard::StepState::Running { run }) => Some(*run),
        _ => None,
    }
}
