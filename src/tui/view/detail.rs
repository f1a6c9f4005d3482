//! The detail pane: everything about the selected knowledge-base entry.

use super::{framed, pane_block};
use crate::knowledge::Entry;
use crate::tui::layout::Areas;
use crate::tui::model::{Focus, Model};
use crate::tui::text::{sanitize, wrap};
use crate::tui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Push `text` wrapped to `width`, the first line after `first`, the rest indented to match.
fn wrapped(
    out: &mut Vec<Line<'static>>,
    first: Span<'static>,
    text: &str,
    width: u16,
    style: Style,
) {
    let indent = first.content.chars().count();
    let w = (width as usize).saturating_sub(indent).max(1);
    for (i, l) in wrap(&sanitize(text), w).into_iter().enumerate() {
        let lead = if i == 0 {
            first.clone()
        } else {
            Span::raw(" ".repeat(indent))
        };
        out.push(Line::from(vec![lead, Span::styled(l, style)]));
    }
}

/// The entry rendered as lines already wrapped to `width` (the model uses the
/// count to limit scrolling).
pub fn lines(e: &Entry, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let none = Style::new();
    wrapped(&mut out, Span::raw(""), &e.title, width, t.strong);
    if !e.codes.is_empty() {
        wrapped(
            &mut out,
            Span::styled("Codes: ", t.muted),
            &e.codes.join(", "),
            width,
            t.accent,
        );
    }
    let hard = if e
        .reason
        .is_hard(e.severity == crate::knowledge::Severity::Permanent)
    {
        ", hard bounce"
    } else {
        ""
    };
    wrapped(
        &mut out,
        Span::styled("Kind: ", t.muted),
        &format!("{} ({}{hard})", e.severity.name(), e.reason),
        width,
        t.severity(e.severity),
    );
    if !e.acts.is_empty() {
        let who: Vec<&str> = e.acts.iter().map(|a| a.label()).collect();
        wrapped(
            &mut out,
            Span::styled("Who acts: ", t.muted),
            &who.join(", "),
            width,
            none,
        );
    }
    if let Some(p) = &e.provider {
        wrapped(
            &mut out,
            Span::styled("Provider: ", t.muted),
            p,
            width,
            none,
        );
    }
    out.push(Line::raw(""));
    wrapped(&mut out, Span::raw(""), &e.summary, width, t.strong);
    out.push(Line::raw(""));
    for para in e.explanation.trim().split("\n\n") {
        wrapped(&mut out, Span::raw(""), para, width, none);
    }
    if !e.steps.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled("Steps", t.strong));
        for (i, s) in e.steps.iter().enumerate() {
            wrapped(
                &mut out,
                Span::styled(format!("{:>2}. ", i + 1), t.accent),
                s,
                width,
                none,
            );
        }
    }
    if !e.links.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled("Links", t.strong));
        for l in &e.links {
            wrapped(&mut out, Span::raw(" - "), l, width, t.accent);
        }
    }
    out.push(Line::raw(""));
    wrapped(
        &mut out,
        Span::styled("Source: ", t.muted),
        &format!("{} ({})", e.source, e.id),
        width,
        t.muted,
    );
    out
}

/// Draw the detail pane.
pub fn render(frame: &mut Frame, model: &Model, a: &Areas) {
    if a.detail.width == 0 || a.detail.height == 0 {
        return;
    }
    let t = &model.theme;
    let focused = model.focus == Focus::Detail && model.popup.is_none();
    let block = pane_block(Line::from(" Detail "), focused, a.compact, t);
    let inner = framed(frame, block, a.detail);
    if inner.is_empty() {
        return;
    }
    let Some(e) = model.selected_entry() else {
        frame.render_widget(
            Paragraph::new(Span::styled("No entry selected", t.muted)),
            inner,
        );
        return;
    };
    let lines: Vec<Line> = lines(e, inner.width, t)
        .into_iter()
        .skip(model.detail_scroll)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
