//! Semantic styles: views ask for a meaning (`danger`, `muted`), never for a colour.
//!
//! With colour disabled (`--no-color` or a non-empty `NO_COLOR`) every meaning maps
//! to the default style, except selection and emphasis, which use reverse video and
//! bold so the interface stays usable without colour.

use ratatui::style::{Color, Modifier, Style};

/// The styles of every meaning the interface shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Failures, hard bounces, permanent codes.
    pub danger: Style,
    /// Warnings, soft bounces, transient codes.
    pub warn: Style,
    /// Success and good news.
    pub ok: Style,
    /// Secondary text: hints, labels, line numbers.
    pub muted: Style,
    /// Codes, identifiers, key names.
    pub accent: Style,
    /// Headings and titles.
    pub strong: Style,
    /// The selected row of a list.
    pub selection: Style,
    /// Border of the focused pane.
    pub focus_border: Style,
    /// Border of an unfocused pane.
    pub border: Style,
    /// Evidence lines highlighted in a pasted bounce.
    pub evidence: Style,
    /// Control characters shown as visible placeholders.
    pub inert: Style,
}

impl Theme {
    /// The theme for the given colour setting.
    pub fn new(no_color: bool) -> Theme {
        if no_color {
            Theme::plain()
        } else {
            Theme::colored()
        }
    }

    /// Colours for terminals that show them.
    pub fn colored() -> Theme {
        Theme {
            danger: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Yellow),
            ok: Style::new().fg(Color::Green),
            muted: Style::new().fg(Color::DarkGray),
            accent: Style::new().fg(Color::Cyan),
            strong: Style::new().add_modifier(Modifier::BOLD),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            focus_border: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            evidence: Style::new().fg(Color::Black).bg(Color::Yellow),
            inert: Style::new().fg(Color::Magenta),
        }
    }

    /// No colours at all: `NO_COLOR` and `--no-color`.
    pub fn plain() -> Theme {
        let d = Style::new();
        Theme {
            danger: d,
            warn: d,
            ok: d,
            muted: d,
            accent: d,
            // Attributes, not colours: without them a selection would be invisible.
            strong: Style::new().add_modifier(Modifier::BOLD),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            focus_border: Style::new().add_modifier(Modifier::BOLD),
            border: d,
            evidence: Style::new().add_modifier(Modifier::REVERSED),
            inert: d,
        }
    }

    /// Style for a knowledge-base severity.
    pub fn severity(&self, severity: crate::knowledge::Severity) -> Style {
        use crate::knowledge::Severity;
        match severity {
            Severity::Permanent => self.danger,
            Severity::Transient => self.warn,
            Severity::Success => self.ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_theme_has_no_colours() {
        let t = Theme::plain();
        for s in [
            t.danger,
            t.warn,
            t.ok,
            t.muted,
            t.accent,
            t.strong,
            t.selection,
            t.focus_border,
            t.border,
            t.evidence,
            t.inert,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert_ne!(Theme::colored().danger, Theme::plain().danger);
    }
}
