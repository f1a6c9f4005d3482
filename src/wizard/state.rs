//! The wizard state machine: inputs → steps → summary. No I/O: the front end
//! runs the checks a [`RunRequest`] asks for and feeds the reports back.

use super::inputs::{Field, FieldError, Inputs};
use super::steps::{self, Need};
use crate::checks::{CheckReport, Status, Target};
use crate::diagnose::MessageDiagnosis;
use crate::knowledge::{Actor, CheckKind, Entry, KnowledgeBase, Reason};

/// At most this many knowledge entries contribute their own checklist step.
const MAX_ENTRY_STEPS: usize = 3;

/// Which screen of the wizard is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Editing the input fields.
    Inputs,
    /// The step list, checks running or done.
    Steps,
    /// The summary of findings.
    Summary,
}

/// What a step is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// A catalogue step: a network probe, or a manual item when `kind.is_manual()`.
    Check(CheckKind),
    /// The remediation steps of a knowledge entry, ticked by hand.
    EntrySteps {
        /// The entry's id.
        entry_id: String,
    },
}

/// Where a step stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    /// Not run (probe) or not ticked (manual).
    Pending,
    /// A probe is running; `run` identifies this attempt so late results of
    /// cancelled attempts are ignored.
    Running {
        /// Attempt number.
        run: u64,
    },
    /// The probe reported.
    Finished(CheckReport),
    /// The user cancelled the running probe.
    Cancelled,
    /// The user skipped the step.
    Skipped,
    /// The probe cannot run: an input it needs is missing.
    NotApplicable(String),
    /// A manual step the user has ticked as done.
    Ticked,
}

/// The status shown for a step (one icon each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Waiting to run, or a checklist item not yet ticked.
    Pending,
    /// Probe under way.
    Running,
    /// Nothing wrong found.
    Pass,
    /// Worth fixing.
    Warn,
    /// A problem that explains bounces.
    Fail,
    /// Timeout, refusal, cancellation: no verdict either way.
    CouldNotCheck,
    /// Skipped by the user or not applicable.
    Skipped,
    /// Checklist item ticked.
    Done,
}

impl Outcome {
    /// One-character icon (the running spinner is drawn by the view).
    pub fn icon(self) -> &'static str {
        match self {
            Outcome::Pending => "·",
            Outcome::Running => "◌",
            Outcome::Pass => "✔",
            Outcome::Warn => "!",
            Outcome::Fail => "✘",
            Outcome::CouldNotCheck => "?",
            Outcome::Skipped => "-",
            Outcome::Done => "☑",
        }
    }

    /// Word for the status (`could not check`).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Running => "running",
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::CouldNotCheck => "could not check",
            Outcome::Skipped => "skipped",
            Outcome::Done => "done",
        }
    }

    /// Sort key for the summary: failures first, then warnings, then unknowns.
    pub fn severity_rank(self) -> u8 {
        match self {
            Outcome::Fail => 0,
            Outcome::Warn => 1,
            Outcome::CouldNotCheck => 2,
            Outcome::Running | Outcome::Pending => 3,
            Outcome::Skipped => 4,
            Outcome::Pass | Outcome::Done => 5,
        }
    }

    /// The outcome of a finished check report.
    pub fn from_status(status: Status) -> Outcome {
        match status {
            Status::Pass => Outcome::Pass,
            Status::Warn => Outcome::Warn,
            Status::Fail => Outcome::Fail,
            Status::Error => Outcome::CouldNotCheck,
            Status::Skipped => Outcome::Skipped,
        }
    }
}

/// One step of this wizard run.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What the step is.
    pub kind: StepKind,
    /// Title for the step list.
    pub title: String,
    /// What it checks.
    pub what: String,
    /// Why it matters in general.
    pub why: String,
    /// Why it matters for this bounce (empty when unrelated to the diagnosis).
    pub relevance: Vec<String>,
    /// How to fix what it finds, or the checklist for manual steps.
    pub fix: Vec<String>,
    /// Who acts when it finds a problem.
    pub who: Vec<Actor>,
    /// Input needed to run.
    pub needs: Need,
    /// Where it stands.
    pub state: StepState,
}

impl Step {
    /// The check kind, for catalogue steps.
    pub fn check_kind(&self) -> Option<CheckKind> {
        match self.kind {
            StepKind::Check(k) => Some(k),
            StepKind::EntrySteps { .. } => None,
        }
    }

    /// True for checklist items the user ticks.
    pub fn is_manual(&self) -> bool {
        self.check_kind().is_none_or(|k| k.is_manual())
    }

    /// True when the diagnosis or knowledge entry points at this step.
    pub fn is_relevant(&self) -> bool {
        !self.relevance.is_empty()
    }

    /// The status to show.
    pub fn outcome(&self) -> Outcome {
        match &self.state {
            StepState::Pending => Outcome::Pending,
            StepState::Running { .. } => Outcome::Running,
            StepState::Finished(r) => Outcome::from_status(r.status),
            StepState::Cancelled => Outcome::CouldNotCheck,
            StepState::Skipped | StepState::NotApplicable(_) => Outcome::Skipped,
            StepState::Ticked => Outcome::Done,
        }
    }

    /// The probe's report, once finished.
    pub fn report(&self) -> Option<&CheckReport> {
        match &self.state {
            StepState::Finished(r) => Some(r),
            _ => None,
        }
    }

    /// One line saying where the step stands (report summary, skip reason, ...).
    pub fn status_line(&self) -> String {
        match &self.state {
            StepState::Pending if self.is_manual() => "to do: tick when done (space)".into(),
            StepState::Pending => "not run yet".into(),
            StepState::Running { .. } => "checking…".into(),
            StepState::Finished(r) => r.summary.clone(),
            StepState::Cancelled => "cancelled before it finished: no verdict".into(),
            StepState::Skipped => "skipped".into(),
            StepState::NotApplicable(why) => why.clone(),
            StepState::Ticked => "done".into(),
        }
    }
}

/// A probe the front end must run, and how to report back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// Step index.
    pub step: usize,
    /// Attempt number, to pass back to [`Wizard::step_finished`].
    pub run: u64,
    /// What to check.
    pub kind: CheckKind,
    /// Against what.
    pub target: Target,
}

/// A knowledge entry the wizard was started from (or that the diagnosis found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    /// Entry id.
    pub id: String,
    /// Entry title.
    pub title: String,
    /// The entry's reason.
    pub reason: Reason,
}

/// What the wizard knows about the bounce it is helping with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Diagnosed reasons, in the order first seen.
    pub reasons: Vec<Reason>,
    /// Knowledge entries that apply, best first.
    pub entries: Vec<EntryRef>,
    /// One line per failed recipient (`user@example.net: 5.7.1 blocked`).
    pub recipients: Vec<String>,
}

/// The remediation wizard.
#[derive(Debug, Clone)]
pub struct Wizard {
    /// The input fields.
    pub inputs: Inputs,
    /// The field being edited.
    pub focus: Field,
    /// Cursor position in the focused field, in characters from its start;
    /// `None` keeps it at the end, wherever the text ends (after a prefill too).
    pub cursor: Option<usize>,
    /// Validation messages from the last start attempt (kept current while editing).
    pub errors: Vec<FieldError>,
    /// Which screen shows.
    pub phase: Phase,
    /// The steps, most relevant first.
    pub steps: Vec<Step>,
    /// The step under the cursor.
    pub selected: usize,
    /// The validated target of the current run.
    pub target: Option<Target>,
    /// The bounce this run is about.
    pub context: Context,
    next_run: u64,
}

impl Wizard {
    /// A wizard with these inputs and no diagnosis: steps in default order.
    pub fn new(inputs: Inputs) -> Wizard {
        Wizard::build(inputs, Context::default(), &[])
    }

    /// A wizard prefilled from a diagnosed bounce: IPs, sender domain and mail
    /// host from the prefill, steps ordered by the recipients' reasons and the
    /// knowledge entries the diagnosis found.
    pub fn from_diagnosis(diagnosis: &MessageDiagnosis, kb: &KnowledgeBase) -> Wizard {
        let p = &diagnosis.prefill;
        let inputs = Inputs {
            ips: p
                .ips
                .iter()
                .map(|ip| ip.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            domain: p.sender_domain.clone().unwrap_or_default(),
            // The server that wrote the error is the recipient's: never offer it as
            // the sender's mail host, or the relay probe would test a third party.
            mail_host: p
                .mail_host
                .clone()
                .filter(|h| {
                    !diagnosis.recipients.iter().any(|r| {
                        r.remote_mta
                            .as_deref()
                            .is_some_and(|m| m.eq_ignore_ascii_case(h))
                    })
                })
                .unwrap_or_default(),
            ..Inputs::default()
        };
        let mut context = Context::default();
        let mut entries: Vec<&Entry> = Vec::new();
        for r in &diagnosis.recipients {
            if !context.reasons.contains(&r.reason) {
                context.reasons.push(r.reason);
            }
            // Only each recipient's best entry: the others are alternatives the
            // diagnosis ranked lower, and their checklists would mislead.
            if let Some(e) = r.kb.iter().find_map(|id| kb.get(id)) {
                if !entries.iter().any(|x| x.id == e.id) {
                    entries.push(e);
                }
            }
            let mut line = r
                .recipient
                .clone()
                .unwrap_or_else(|| "(recipient not stated)".into());
            line.push(':');
            if let Some(s) = r.status.as_ref() {
                line.push_str(&format!(" {s}"));
            } else if let Some(c) = r.reply_code {
                line.push_str(&format!(" {c}"));
            }
            line.push_str(&format!(" {}", r.reason));
            if let Some(d) = &r.diagnostic {
                line.push_str(&format!(" — {}", one_line(d, 160)));
            }
            context.recipients.push(line);
        }
        context.entries = entries
            .iter()
            .map(|e| EntryRef {
                id: e.id.clone(),
                title: e.title.clone(),
                reason: e.reason,
            })
            .collect();
        Wizard::build(inputs, context, &entries)
    }

    /// A wizard started from a knowledge entry: its checks first, its own steps as a checklist.
    pub fn from_entry(entry: &Entry) -> Wizard {
        let context = Context {
            reasons: vec![entry.reason],
            entries: vec![EntryRef {
                id: entry.id.clone(),
                title: entry.title.clone(),
                reason: entry.reason,
            }],
            recipients: Vec::new(),
        };
        Wizard::build(Inputs::default(), context, &[entry])
    }

    fn build(inputs: Inputs, context: Context, entries: &[&Entry]) -> Wizard {
        // Priority: the entries' own checks, then the reason table, then the rest.
        let mut order: Vec<CheckKind> = Vec::new();
        let push = |k: CheckKind, order: &mut Vec<CheckKind>| {
            if !order.contains(&k) {
                order.push(k);
            }
        };
        for e in entries {
            for k in &e.checks {
                push(*k, &mut order);
            }
        }
        for r in &context.reasons {
            for k in steps::reason_checks(*r) {
                push(*k, &mut order);
            }
        }
        for k in CheckKind::ALL {
            push(k, &mut order);
        }

        let mut list: Vec<Step> = Vec::new();
        for e in entries
            .iter()
            .filter(|e| !e.steps.is_empty())
            .take(MAX_ENTRY_STEPS)
        {
            list.push(Step {
                kind: StepKind::EntrySteps {
                    entry_id: e.id.clone(),
                },
                title: format!("Steps for {}", e.title),
                what: e.summary.clone(),
                why: one_line(&e.explanation, 600),
                relevance: vec![format!(
                    "The bounce matches the knowledge entry “{}” ({}).",
                    e.title, e.id
                )],
                fix: e.steps.clone(),
                who: if e.acts.is_empty() {
                    e.reason.default_actors().to_vec()
                } else {
                    e.acts.clone()
                },
                needs: Need::Nothing,
                state: StepState::Pending,
            });
        }
        for k in order {
            let info = steps::info(k);
            let mut relevance = Vec::new();
            for e in entries.iter().filter(|e| e.checks.contains(&k)) {
                relevance.push(format!(
                    "The knowledge entry “{}” lists this check.",
                    e.title
                ));
            }
            for r in context
                .reasons
                .iter()
                .filter(|r| steps::reason_checks(**r).contains(&k))
            {
                relevance.push(format!("The bounce was diagnosed as {r}: {}.", r.phrase()));
            }
            list.push(Step {
                kind: StepKind::Check(k),
                title: info.title.to_string(),
                what: info.what.to_string(),
                why: info.why.to_string(),
                relevance,
                fix: info.fix.iter().map(|s| s.to_string()).collect(),
                who: info.who.to_vec(),
                needs: info.needs,
                state: StepState::Pending,
            });
        }
        Wizard {
            inputs,
            focus: Field::Ips,
            cursor: None,
            errors: Vec::new(),
            phase: Phase::Inputs,
            steps: list,
            selected: 0,
            target: None,
            context,
            next_run: 1,
        }
    }

    /// Validate the inputs and start every probe that has what it needs.
    /// On success the wizard shows the step list and returns the probes to run
    /// (all independent: run them concurrently). Ticks on manual steps are kept.
    pub fn start(&mut self) -> Result<Vec<RunRequest>, Vec<FieldError>> {
        let target = match self.inputs.validate() {
            Ok(t) => t,
            Err(errors) => {
                self.errors = errors.clone();
                if let Some(e) = errors.first() {
                    self.focus_field(e.field);
                }
                self.phase = Phase::Inputs;
                return Err(errors);
            }
        };
        self.errors.clear();
        self.target = Some(target);
        self.phase = Phase::Steps;
        self.selected = 0;
        let mut runs = Vec::new();
        for i in 0..self.steps.len() {
            if self.steps[i].is_manual() {
                if self.steps[i].state != StepState::Ticked {
                    self.steps[i].state = StepState::Pending;
                }
                continue;
            }
            if let Some(req) = self.launch(i) {
                runs.push(req);
            }
        }
        Ok(runs)
    }

    /// Whether the target has what a step needs; `Err` says what is missing.
    fn missing(&self, need: Need) -> Option<String> {
        let t = self.target.as_ref()?;
        let have = match need {
            Need::Ip => !t.ips.is_empty(),
            Need::Domain => t.domain.is_some(),
            Need::MailHost => t.mail_host.is_some(),
            Need::Smtp => t.smtp.is_some(),
            Need::Nothing => true,
        };
        (!have).then(|| {
            format!(
                "not run: needs {} (go back to the inputs to add it)",
                need.label()
            )
        })
    }

    /// Put a probe step into Running (or NotApplicable) and make its request.
    fn launch(&mut self, i: usize) -> Option<RunRequest> {
        let kind = self.steps.get(i)?.check_kind()?;
        if kind.is_manual() {
            return None;
        }
        let target = self.target.clone()?;
        if let Some(why) = self.missing(self.steps[i].needs) {
            self.steps[i].state = StepState::NotApplicable(why);
            return None;
        }
        let run = self.next_run;
        self.next_run += 1;
        self.steps[i].state = StepState::Running { run };
        Some(RunRequest {
            step: i,
            run,
            kind,
            target,
        })
    }

    /// Run a probe step again (after a fix, a cancel or a skip). `None` for
    /// manual steps, running steps, or before the inputs were validated.
    pub fn rerun(&mut self, i: usize) -> Option<RunRequest> {
        if self.target.is_none() || self.is_running(i) {
            return None;
        }
        self.launch(i)
    }

    /// The run id the next probe will get.
    pub fn next_run(&self) -> u64 {
        self.next_run
    }

    /// Continue run ids from `next` (at least 1), so a wizard replacing another
    /// never reuses an id whose late result may still arrive.
    pub fn set_next_run(&mut self, next: u64) {
        self.next_run = next.max(1);
    }

    /// Mark a probe step as started (for front ends that schedule runs themselves).
    pub fn step_started(&mut self, i: usize, run: u64) {
        if let Some(s) = self.steps.get_mut(i) {
            if !s.is_manual() {
                s.state = StepState::Running { run };
            }
        }
    }

    /// A probe reported. Returns false (and changes nothing) when the report
    /// belongs to an attempt that was cancelled, skipped or superseded.
    pub fn step_finished(&mut self, i: usize, run: u64, report: CheckReport) -> bool {
        match self.steps.get_mut(i) {
            Some(s) if s.state == (StepState::Running { run }) => {
                let kind = s.check_kind();
                let notes = kind.map(|k| follow_ups(k, &report)).unwrap_or_default();
                s.state = StepState::Finished(report);
                for (k, note) in notes {
                    if let Some(t) = self.steps.iter_mut().find(|t| t.check_kind() == Some(k)) {
                        if !t.relevance.iter().any(|r| r == note) {
                            t.relevance.push(note.to_string());
                        }
                    }
                }
                true
            }
            _ => false,
        }
    }

    /// True while step `i` has a probe running.
    pub fn is_running(&self, i: usize) -> bool {
        matches!(
            self.steps.get(i).map(|s| &s.state),
            Some(StepState::Running { .. })
        )
    }

    /// Indices of running steps.
    pub fn running(&self) -> Vec<usize> {
        (0..self.steps.len())
            .filter(|i| self.is_running(*i))
            .collect()
    }

    /// Cancel a running probe. Returns true when the front end must cancel its task.
    pub fn cancel(&mut self, i: usize) -> bool {
        if self.is_running(i) {
            self.steps[i].state = StepState::Cancelled;
            true
        } else {
            false
        }
    }

    /// Skip a step (a running probe is cancelled). Returns true when the front
    /// end must cancel a running task.
    pub fn skip(&mut self, i: usize) -> bool {
        let was_running = self.is_running(i);
        if let Some(s) = self.steps.get_mut(i) {
            s.state = StepState::Skipped;
        }
        was_running
    }

    /// Tick (or untick) a manual step. Returns false for probe steps.
    pub fn tick(&mut self, i: usize) -> bool {
        match self.steps.get_mut(i) {
            Some(s) if s.is_manual() => {
                s.state = if s.state == StepState::Ticked {
                    StepState::Pending
                } else {
                    StepState::Ticked
                };
                true
            }
            _ => false,
        }
    }

    /// Go back one screen. Leaving the step list cancels running probes; the
    /// returned indices are the steps whose tasks the front end must cancel.
    pub fn back(&mut self) -> Vec<usize> {
        match self.phase {
            Phase::Summary => {
                self.phase = Phase::Steps;
                Vec::new()
            }
            Phase::Steps => {
                let running = self.running();
                for i in &running {
                    self.steps[*i].state = StepState::Cancelled;
                }
                self.phase = Phase::Inputs;
                running
            }
            Phase::Inputs => Vec::new(),
        }
    }

    /// Show the summary (probes still running keep running and update it).
    pub fn show_summary(&mut self) {
        if self.target.is_some() {
            self.phase = Phase::Summary;
        }
    }

    /// True when no probe is running.
    pub fn settled(&self) -> bool {
        self.running().is_empty()
    }

    /// Move the cursor in the step list.
    pub fn select(&mut self, delta: isize) {
        if self.steps.is_empty() {
            return;
        }
        let last = self.steps.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    /// Type a character into the focused field at the cursor.
    pub fn type_char(&mut self, c: char) {
        if !c.is_control() {
            let at = self.cursor_byte();
            let next = self.cursor.map(|_| self.cursor_in_field() + 1);
            self.inputs.get_mut(self.focus).insert(at, c);
            self.cursor = next;
            self.revalidate();
        }
    }

    /// Delete the character before the cursor.
    pub fn backspace(&mut self) {
        let pos = self.cursor_in_field();
        if pos == 0 {
            return;
        }
        self.cursor = self.cursor.map(|_| pos - 1);
        let at = self.byte_at(pos - 1);
        self.inputs.get_mut(self.focus).remove(at);
        self.revalidate();
    }

    /// Delete the character under the cursor.
    pub fn delete_forward(&mut self) {
        let at = self.cursor_byte();
        let field = self.inputs.get_mut(self.focus);
        if at < field.len() {
            field.remove(at);
            self.revalidate();
        }
    }

    /// Clear the focused field.
    pub fn clear_field(&mut self) {
        self.inputs.get_mut(self.focus).clear();
        self.cursor = None;
        self.revalidate();
    }

    /// Move the cursor by `delta` characters within the focused field.
    pub fn move_cursor(&mut self, delta: isize) {
        let len = self.field_len();
        let pos = (self.cursor_in_field() as isize + delta).clamp(0, len as isize) as usize;
        self.cursor = (pos < len).then_some(pos);
    }

    /// Put the cursor at the start (`false`) or end (`true`) of the field.
    pub fn cursor_to(&mut self, end: bool) {
        self.cursor = if end || self.field_len() == 0 {
            None
        } else {
            Some(0)
        };
    }

    /// Move focus to the next (`forward`) or previous field.
    pub fn move_focus(&mut self, forward: bool) {
        let next = if forward {
            self.focus.next()
        } else {
            self.focus.prev()
        };
        self.focus_field(next);
    }

    /// Focus a field with the cursor at the end of its text, where typing
    /// usually continues.
    fn focus_field(&mut self, field: Field) {
        self.focus = field;
        self.cursor = None;
    }

    /// Characters in the focused field.
    fn field_len(&self) -> usize {
        self.inputs.get(self.focus).chars().count()
    }

    /// The cursor, kept inside the field (fields can also change from outside,
    /// e.g. a prefill).
    pub fn cursor_in_field(&self) -> usize {
        let len = self.field_len();
        self.cursor.map_or(len, |c| c.min(len))
    }

    /// Byte offset of the cursor in the focused field.
    fn cursor_byte(&self) -> usize {
        self.byte_at(self.cursor_in_field())
    }

    /// Byte offset of character `n` of the focused field (its length past the end).
    fn byte_at(&self, n: usize) -> usize {
        let text = self.inputs.get(self.focus);
        text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
    }

    /// The validation message for a field, if any.
    pub fn error_for(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Once messages are showing, keep them current while the user edits, so a
    /// fixed field loses its message at once.
    fn revalidate(&mut self) {
        if !self.errors.is_empty() {
            self.errors = self.inputs.validate().err().unwrap_or_default();
        }
    }
}

/// Checklist steps a probe's findings point at, with the reason in words: a
/// PBL listing or a generic PTR name means end-user address space (smart
/// host), an exploited-host listing means infected machines or abused scripts.
/// Read from the report's listing lines, so a list that could not be asked
/// never triggers a note.
fn follow_ups(kind: CheckKind, report: &CheckReport) -> Vec<(CheckKind, &'static str)> {
    let lower: Vec<String> = report.details.iter().map(|d| d.to_lowercase()).collect();
    let mut notes = Vec::new();
    match kind {
        CheckKind::Blocklist if report.status == Status::Fail => {
            let listed: Vec<&String> = lower.iter().filter(|l| l.starts_with("listed")).collect();
            if listed.iter().any(|l| l.contains("pbl")) {
                notes.push((
                    CheckKind::SmartHost,
                    "The blocklist check found the sending IP in Spamhaus PBL: end-user address space that should send through a smart host.",
                ));
            }
            if listed
                .iter()
                .any(|l| l.contains("xbl") || l.contains("exploited") || l.contains("botnet"))
            {
                notes.push((
                    CheckKind::InfectedHosts,
                    "The blocklist check found the sending IP on a list of exploited hosts (such as Spamhaus XBL): look for infected machines.",
                ));
                notes.push((
                    CheckKind::WebScripts,
                    "The blocklist check found the sending IP on a list of exploited hosts: abused web scripts send from the same address.",
                ));
            }
        }
        CheckKind::DnsPtr if lower.iter().any(|l| l.contains("generic/dynamic")) => {
            notes.push((
                CheckKind::SmartHost,
                "The reverse DNS check found a generic or dynamic-looking PTR name: receivers treat it like a home connection.",
            ));
        }
        _ => {}
    }
    notes
}

/// Collapse whitespace and cut to `max` characters (for one-line displays).
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= max {
        joined
    } else {
        let cut: String = joined.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
