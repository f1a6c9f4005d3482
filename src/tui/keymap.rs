//! The one table of key bindings. The help popup, the status-bar hints and the
//! README key table ([`markdown_table`]) are all generated from [`BINDINGS`], so a
//! key is described in exactly one place.

use super::model::{Action, Command};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where a binding applies. [`Context::Global`] bindings apply everywhere unless a
/// more specific context binds the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere.
    Global,
    /// The search box has focus: letters are typed into it.
    Search,
    /// The result list or the detail pane has focus.
    Browse,
    /// The paste/diagnosis pane.
    Paste,
    /// A popup (help, knowledge problems) is open.
    Popup,
    /// Wizard input fields: letters are typed into the focused field.
    WizardInputs,
    /// Wizard step list.
    WizardSteps,
    /// Wizard summary.
    WizardSummary,
}

impl Context {
    /// Heading used in the help popup and the README table.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Search => "Search box",
            Context::Browse => "Result list and detail",
            Context::Paste => "Paste pane",
            Context::Popup => "Popups",
            Context::WizardInputs => "Wizard inputs",
            Context::WizardSteps => "Wizard steps",
            Context::WizardSummary => "Wizard summary",
        }
    }

    /// Every context, in help order.
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Search,
        Context::Browse,
        Context::Paste,
        Context::WizardInputs,
        Context::WizardSteps,
        Context::WizardSummary,
        Context::Popup,
    ];
}

/// One key: a code plus the modifiers that must be held (Shift is ignored for
/// characters because terminals disagree on reporting it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl/Alt that must be held.
    pub mods: KeyModifiers,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

impl Key {
    /// Whether a terminal key event is this key.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        let mods = ev.modifiers & relevant;
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                mods == self.mods
                    && (a == b
                        || (mods.contains(KeyModifiers::CONTROL) && a == b.to_ascii_lowercase()))
            }
            (a, b) => a == b && mods == self.mods,
        }
    }

    /// Human name: `j`, `Ctrl+C`, `PgDn`.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl+{base}")
        } else {
            base
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Keys that trigger the command (any of them).
    pub keys: &'static [Key],
    /// What they do.
    pub command: Command,
    /// Description for the help popup and README.
    pub description: &'static str,
    /// Where the binding applies.
    pub context: Context,
    /// Short label for the status bar; empty keeps it out of the status bar.
    pub hint: &'static str,
}

impl Binding {
    /// The keys as shown to people: `j / ↓`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::name)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

const fn b(
    keys: &'static [Key],
    command: Command,
    description: &'static str,
    context: Context,
    hint: &'static str,
) -> Binding {
    Binding {
        keys,
        command,
        description,
        context,
        hint,
    }
}

use Command as C;
use Context::{Browse, Global, Paste, Popup, Search, WizardInputs, WizardSteps, WizardSummary};

/// Every key binding of the interface.
pub static BINDINGS: &[Binding] = &[
    b(&[ctrl('c')], C::Quit, "Quit", Global, ""),
    b(
        &[ch('?'), key(KeyCode::F(1))],
        C::Help,
        "Show or hide this help",
        Global,
        "help",
    ),
    b(
        &[ctrl('v')],
        C::PasteClipboard,
        "Diagnose the bounce on the system clipboard",
        Global,
        "",
    ),
    // Search box.
    b(
        &[key(KeyCode::Enter), key(KeyCode::Tab), key(KeyCode::Down)],
        C::NextFocus,
        "Go to the result list",
        Search,
        "results",
    ),
    b(
        &[key(KeyCode::Esc)],
        C::Back,
        "Clear the search (or go to the list when empty)",
        Search,
        "clear",
    ),
    b(
        &[key(KeyCode::Backspace)],
        C::DeleteChar,
        "Delete the last character",
        Search,
        "",
    ),
    b(
        &[ctrl('u'), ctrl('w')],
        C::ClearQuery,
        "Clear the search text",
        Search,
        "",
    ),
    // Result list and detail pane.
    b(
        &[ch('/')],
        C::FocusSearch,
        "Type a search (code, words or a pasted bounce line)",
        Browse,
        "search",
    ),
    b(
        &[ch('j'), key(KeyCode::Down)],
        C::Down,
        "Next entry (scroll down in the detail pane)",
        Browse,
        "",
    ),
    b(
        &[ch('k'), key(KeyCode::Up)],
        C::Up,
        "Previous entry (scroll up in the detail pane)",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "One page down",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "One page up",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::Home), ch('g')],
        C::Home,
        "First entry / top",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::End), ch('G')],
        C::End,
        "Last entry / bottom",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::Enter), key(KeyCode::Tab)],
        C::NextFocus,
        "Move to the next pane",
        Browse,
        "next pane",
    ),
    b(
        &[key(KeyCode::BackTab)],
        C::PrevFocus,
        "Move to the previous pane",
        Browse,
        "",
    ),
    b(
        &[key(KeyCode::Esc)],
        C::Back,
        "Back to the list, then clear the search",
        Browse,
        "",
    ),
    b(
        &[ch('y')],
        C::CopyEntry,
        "Copy the selected entry as Markdown",
        Browse,
        "copy",
    ),
    b(
        &[ch('p')],
        C::PasteClipboard,
        "Open the paste pane with the clipboard's bounce",
        Browse,
        "paste bounce",
    ),
    b(
        &[ch('w')],
        C::StartWizard,
        "Start the remediation wizard for this entry",
        Browse,
        "wizard",
    ),
    b(
        &[ch('!')],
        C::Problems,
        "Show problems found while loading knowledge files",
        Browse,
        "",
    ),
    b(&[ch('q')], C::Quit, "Quit", Browse, "quit"),
    // Paste pane.
    b(
        &[ch('j'), key(KeyCode::Down)],
        C::Down,
        "Next recipient",
        Paste,
        "",
    ),
    b(
        &[ch('k'), key(KeyCode::Up)],
        C::Up,
        "Previous recipient",
        Paste,
        "",
    ),
    b(
        &[key(KeyCode::PageDown), ch(' ')],
        C::PageDown,
        "Scroll the bounce text down",
        Paste,
        "scroll",
    ),
    b(
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "Scroll the bounce text up",
        Paste,
        "",
    ),
    b(
        &[key(KeyCode::Home)],
        C::Home,
        "Top of the bounce text",
        Paste,
        "",
    ),
    b(
        &[key(KeyCode::End)],
        C::End,
        "End of the bounce text",
        Paste,
        "",
    ),
    b(
        &[key(KeyCode::Enter)],
        C::Open,
        "Open the knowledge-base entry of this recipient",
        Paste,
        "open entry",
    ),
    b(
        &[key(KeyCode::Tab), key(KeyCode::BackTab)],
        C::NextFocus,
        "Next evidence line for this recipient",
        Paste,
        "evidence",
    ),
    b(
        &[ch('p')],
        C::PasteClipboard,
        "Read the clipboard again",
        Paste,
        "clipboard",
    ),
    b(
        &[ch('w')],
        C::StartWizard,
        "Start the remediation wizard from this diagnosis",
        Paste,
        "wizard",
    ),
    b(
        &[key(KeyCode::Esc), ch('b')],
        C::Back,
        "Back to browsing",
        Paste,
        "back",
    ),
    b(&[ch('q')], C::Quit, "Quit", Paste, "quit"),
    // Popups.
    b(
        &[key(KeyCode::Esc), ch('q'), key(KeyCode::Enter)],
        C::Back,
        "Close the popup",
        Popup,
        "close",
    ),
    b(
        &[ch('j'), key(KeyCode::Down)],
        C::Down,
        "Scroll down",
        Popup,
        "",
    ),
    b(&[ch('k'), key(KeyCode::Up)], C::Up, "Scroll up", Popup, ""),
    b(
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "Page down",
        Popup,
        "",
    ),
    b(&[key(KeyCode::PageUp)], C::PageUp, "Page up", Popup, ""),
    // Wizard inputs.
    b(
        &[key(KeyCode::Enter)],
        C::Open,
        "Check the inputs and run the checks",
        WizardInputs,
        "run checks",
    ),
    b(
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        C::NextFocus,
        "Next field",
        WizardInputs,
        "next field",
    ),
    b(
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        C::PrevFocus,
        "Previous field",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Backspace)],
        C::DeleteChar,
        "Delete the character before the cursor",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Delete)],
        C::DeleteForward,
        "Delete the character under the cursor",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Left)],
        C::CursorLeft,
        "Cursor left",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Right)],
        C::CursorRight,
        "Cursor right",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Home), ctrl('a')],
        C::Home,
        "Cursor to the start of the field",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::End), ctrl('e')],
        C::End,
        "Cursor to the end of the field",
        WizardInputs,
        "",
    ),
    b(
        &[ctrl('u')],
        C::ClearQuery,
        "Clear the field",
        WizardInputs,
        "",
    ),
    b(
        &[key(KeyCode::Esc)],
        C::Back,
        "Close the wizard",
        WizardInputs,
        "close",
    ),
    // Wizard steps.
    b(
        &[ch('j'), key(KeyCode::Down)],
        C::Down,
        "Next step",
        WizardSteps,
        "",
    ),
    b(
        &[ch('k'), key(KeyCode::Up)],
        C::Up,
        "Previous step",
        WizardSteps,
        "",
    ),
    b(
        &[key(KeyCode::Home), ch('g')],
        C::Home,
        "First step",
        WizardSteps,
        "",
    ),
    b(
        &[key(KeyCode::End), ch('G')],
        C::End,
        "Last step",
        WizardSteps,
        "",
    ),
    b(
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "Scroll the step's details down",
        WizardSteps,
        "",
    ),
    b(
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "Scroll the step's details up",
        WizardSteps,
        "",
    ),
    b(
        &[ch(' ')],
        C::TickStep,
        "Tick or untick the selected checklist item",
        WizardSteps,
        "tick",
    ),
    b(
        &[ch('s')],
        C::SkipStep,
        "Skip the selected step (cancels it if running)",
        WizardSteps,
        "skip",
    ),
    b(
        &[ch('r')],
        C::RerunStep,
        "Run the selected check again",
        WizardSteps,
        "rerun",
    ),
    b(
        &[key(KeyCode::Enter)],
        C::ShowSummary,
        "Show the summary",
        WizardSteps,
        "summary",
    ),
    b(
        &[key(KeyCode::Esc), ch('b')],
        C::Back,
        "Cancel the selected running check; otherwise back to the inputs",
        WizardSteps,
        "cancel/back",
    ),
    b(&[ch('q')], C::Quit, "Quit", WizardSteps, "quit"),
    // Wizard summary.
    b(
        &[ch('e')],
        C::ExportReport,
        "Write the report to ./bounce-doctor-report-<time>.md",
        WizardSummary,
        "export",
    ),
    b(
        &[ch('y')],
        C::CopyEntry,
        "Copy the report as Markdown",
        WizardSummary,
        "copy",
    ),
    b(
        &[ch('j'), key(KeyCode::Down)],
        C::Down,
        "Scroll down",
        WizardSummary,
        "",
    ),
    b(
        &[ch('k'), key(KeyCode::Up)],
        C::Up,
        "Scroll up",
        WizardSummary,
        "",
    ),
    b(
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "Page down",
        WizardSummary,
        "",
    ),
    b(
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "Page up",
        WizardSummary,
        "",
    ),
    b(
        &[key(KeyCode::Esc), ch('b')],
        C::Back,
        "Back to the steps",
        WizardSummary,
        "steps",
    ),
    b(&[ch('q')], C::Quit, "Quit", WizardSummary, "quit"),
];

/// The command bound to `ev` in `ctx` (falling back to global bindings).
pub fn command_for(ctx: Context, ev: &KeyEvent) -> Option<Command> {
    let find = |c: Context| {
        BINDINGS
            .iter()
            .find(|b| b.context == c && b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.command)
    };
    find(ctx).or_else(|| find(Global))
}

/// True where plain characters are typed into a text box.
pub fn takes_text(ctx: Context) -> bool {
    ctx == Search || ctx == WizardInputs
}

/// Translate a key event into an action: a bound command, or a typed character
/// when the search box has focus. Key releases are ignored.
pub fn action_for(ctx: Context, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    // Where text is typed, plain characters are text, not commands.
    if takes_text(ctx) {
        if let KeyCode::Char(c) = ev.code {
            if !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                return Some(Action::Insert(c));
            }
        }
    }
    command_for(ctx, ev).map(Action::Command)
}

/// Status-bar hints for a context: `(keys, label)` pairs, most specific first.
pub fn hints(ctx: Context) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for c in [ctx, Global] {
        for b in BINDINGS
            .iter()
            .filter(|b| b.context == c && !b.hint.is_empty())
        {
            // Only the first key of each binding: the status bar is narrow.
            if let Some(k) = b.keys.first() {
                out.push((k.name(), b.hint));
            }
        }
    }
    out
}

/// Bindings of one context, for the help popup.
pub fn bindings_in(ctx: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.context == ctx)
}

/// The key table as Markdown, for the README.
pub fn markdown_table() -> String {
    let mut s = String::from("| Keys | Where | Action |\n|---|---|---|\n");
    for ctx in Context::ALL {
        for b in bindings_in(ctx) {
            let keys = b
                .keys
                .iter()
                .map(|k| format!("`{}`", k.name().replace('|', "\\|")))
                .collect::<Vec<_>>()
                .join(" ");
            s.push_str(&format!(
                "| {keys} | {} | {} |\n",
                ctx.title(),
                b.description
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn letters_type_into_search_but_command_in_list() {
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Search, &q), Some(Action::Insert('q')));
        assert_eq!(action_for(Browse, &q), Some(Action::Command(C::Quit)));
        let cc = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Search, &cc), Some(Action::Command(C::Quit)));
        let help = ev(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Browse, &help), Some(Action::Command(C::Help)));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for ctx in Context::ALL {
            let mut seen: Vec<Key> = Vec::new();
            for b in bindings_in(ctx) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{} bound twice in {ctx:?}", k.name());
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn markdown_table_lists_every_binding() {
        let md = markdown_table();
        assert_eq!(md.lines().count(), BINDINGS.len() + 2);
        assert!(md.contains("| `Ctrl+C` | Everywhere | Quit |"));
        assert!(md.contains("`y`"));
    }
}
