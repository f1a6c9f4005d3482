//! The paste pane: per-recipient diagnosis on one side, the pasted bounce with
//! its evidence lines highlighted on the other. Every string that came from the
//! input is sanitized before it is drawn.

use super::{framed, pane_block};
use crate::diagnose::{MessageKind, Outcome, RecipientDiagnosis};
use crate::tui::layout::Areas;
use crate::tui::model::{Model, PastePhase};
use crate::tui::text::{ellipsize, sanitize, wrap};
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// How to paste when there is no system clipboard.
pub const HOW_TO_PASTE: &str = "Paste the bounce with your terminal instead (Ctrl+Shift+V or Shift+Insert; it arrives as a bracketed paste), or run `bounce-doctor --paste FILE`, or `bounce-doctor diagnose < FILE`.";

fn label_value(
    out: &mut Vec<(Line<'static>, Option<usize>)>,
    owner: usize,
    label: &str,
    value: &str,
    width: u16,
    style: Style,
    t: &Theme,
) {
    let indent = 2 + label.chars().count();
    let w = (width as usize).saturating_sub(indent).max(1);
    for (i, l) in wrap(&sanitize(value), w).into_iter().enumerate() {
        let lead = if i == 0 {
            vec![Span::raw("  "), Span::styled(label.to_string(), t.muted)]
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        let mut spans = lead;
        spans.push(Span::styled(l, style));
        out.push((Line::from(spans), Some(owner)));
    }
}

fn recipient_block(
    out: &mut Vec<(Line<'static>, Option<usize>)>,
    i: usize,
    r: &RecipientDiagnosis,
    selected: bool,
    width: u16,
    t: &Theme,
) {
    let addr = r
        .recipient
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| "(recipient not stated)".into());
    let outcome = r.outcome();
    let kind = outcome.label();
    let kind_style = match outcome {
        Outcome::Hard => t.danger,
        Outcome::Soft | Outcome::Delayed => t.warn,
        Outcome::Info => t.ok,
    };
    let marker = if selected { "> " } else { "  " };
    let room = (width as usize).saturating_sub(marker.len() + kind.len() + 2);
    let mut head = Line::from(vec![
        Span::raw(marker),
        Span::styled(ellipsize(&addr, room), t.strong),
        Span::raw("  "),
        Span::styled(kind, kind_style),
    ]);
    if selected {
        head = head.style(t.selection);
    }
    out.push((head, Some(i)));
    label_value(
        out,
        i,
        "Reason: ",
        &format!("{} — {}", r.reason.name(), r.reason.phrase()),
        width,
        kind_style,
        t,
    );
    label_value(
        out,
        i,
        "Meaning: ",
        outcome.advice(),
        width,
        Style::new(),
        t,
    );
    if !r.acts.is_empty() {
        let who: Vec<&str> = r.acts.iter().map(|a| a.label()).collect();
        label_value(
            out,
            i,
            "Who acts: ",
            &who.join(", "),
            width,
            Style::new(),
            t,
        );
    }
    let mut codes = Vec::new();
    if let Some(s) = &r.status {
        codes.push(s.clone());
    }
    if let Some(c) = r.reply_code {
        codes.push(c.to_string());
    }
    if !codes.is_empty() {
        label_value(out, i, "Code: ", &codes.join(" / "), width, t.accent, t);
    }
    if let Some(m) = &r.remote_mta {
        label_value(out, i, "Remote MTA: ", m, width, Style::new(), t);
    }
    if let Some(d) = &r.diagnostic {
        label_value(out, i, "Diagnostic: ", d, width, Style::new(), t);
    }
    if !r.kb.is_empty() {
        // The best few; Enter opens the first, the rest are a search away.
        const SHOWN: usize = 3;
        let mut ids =
            r.kb.iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
        if r.kb.len() > SHOWN {
            ids.push_str(&format!(" (+{} more)", r.kb.len() - SHOWN));
        }
        label_value(out, i, "See: ", &ids, width, t.accent, t);
    }
    out.push((Line::raw(""), Some(i)));
}

/// The summary lines, each tagged with the recipient it belongs to.
fn summary(model: &Model, width: u16) -> Vec<(Line<'static>, Option<usize>)> {
    let t = &model.theme;
    let p = &model.paste;
    let mut out: Vec<(Line<'static>, Option<usize>)> = Vec::new();
    let mut para = |text: &str, style: Style| {
        for l in wrap(text, width as usize) {
            out.push((Line::styled(l, style), None));
        }
    };
    match &p.phase {
        PastePhase::Empty => {
            para("Nothing pasted yet.", t.strong);
            para("Press p to diagnose the bounce on the clipboard, or paste it with your terminal (Ctrl+Shift+V).", Style::new());
        }
        PastePhase::ReadingClipboard => para("Reading the clipboard...", t.muted),
        PastePhase::LoadingFile => para("Reading the file...", t.muted),
        PastePhase::Diagnosing => para(
            &format!("{} Diagnosing...", super::spinner(model.tick)),
            t.accent,
        ),
        PastePhase::Refused(msg) => {
            para(&format!("Refused: {}", sanitize(msg)), t.danger);
        }
        PastePhase::Failed(msg) => para(&sanitize(msg), t.danger),
        PastePhase::NoClipboard(reason) => {
            para("No clipboard available", t.warn);
            para(&format!("({})", sanitize(reason)), t.muted);
            para("", Style::new());
            para(HOW_TO_PASTE, Style::new());
        }
        PastePhase::Done(msgs) => {
            let recipients = p.recipients();
            if recipients.is_empty() {
                let kinds: Vec<&str> = msgs
                    .iter()
                    .map(|m| match m.kind {
                        MessageKind::Bounce => "a bounce without a failed recipient",
                        MessageKind::Feedback => "a feedback (abuse) report",
                        MessageKind::Vacation => "an auto-reply",
                        MessageKind::NotBounce => "not a bounce",
                    })
                    .collect();
                para("No failed recipient found.", t.strong);
                para(
                    &format!("This looks like {}.", kinds.join(", ")),
                    Style::new(),
                );
            } else {
                // An mbox holds several bounces: say which one each block is from.
                let many = msgs.len() > 1;
                let mut i = 0;
                for (n, m) in msgs.iter().enumerate() {
                    if many && !m.recipients.is_empty() {
                        let subject = m.subject.as_deref().map(sanitize).unwrap_or_default();
                        let head = format!("Message {} (line {}) {subject}", n + 1, m.first_line);
                        out.push((
                            Line::styled(ellipsize(&head, width as usize), t.muted),
                            None,
                        ));
                    }
                    for r in &m.recipients {
                        recipient_block(&mut out, i, r, i == p.selected, width, t);
                        i += 1;
                    }
                }
            }
        }
    }
    out
}

/// For each summary line, the recipient it belongs to (for mouse clicks).
pub fn recipient_rows(model: &Model, width: u16) -> Vec<Option<usize>> {
    summary(model, width).into_iter().map(|(_, o)| o).collect()
}

/// First visible summary line: keeps the selected recipient's block in view.
pub fn summary_offset(model: &Model, inner: Rect) -> usize {
    let rows = recipient_rows(model, inner.width);
    let sel = model.paste.selected;
    let start = rows.iter().position(|o| *o == Some(sel)).unwrap_or(0);
    let end = rows.iter().rposition(|o| *o == Some(sel)).unwrap_or(0) + 1;
    let h = inner.height as usize;
    if end <= h {
        0
    } else if end - start <= h {
        end - h
    } else {
        start
    }
}

/// Draw the paste pane.
pub fn render(frame: &mut Frame, model: &Model, a: &Areas) {
    let t = &model.theme;
    let p = &model.paste;
    let n = p.recipients().len();
    let mut head = vec![Span::styled("Paste a bounce", t.strong)];
    if !p.source.is_empty() {
        head.push(Span::styled(format!("  from {}", p.source), t.muted));
    }
    if let PastePhase::Done(_) = p.phase {
        head.push(Span::styled(format!("  {n} recipient(s)"), t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), a.paste_header);

    let block = pane_block(Line::from(" Diagnosis "), true, a.compact, t);
    let inner = framed(frame, block, a.paste_summary);
    if !inner.is_empty() {
        let off = summary_offset(model, inner);
        let lines: Vec<Line> = summary(model, inner.width)
            .into_iter()
            .skip(off)
            .take(inner.height as usize)
            .map(|(l, _)| l)
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
    text(frame, model, a);
}

fn text(frame: &mut Frame, model: &Model, a: &Areas) {
    if a.paste_text.height == 0 {
        return;
    }
    let t = &model.theme;
    let p = &model.paste;
    let title = format!(" Bounce text ({} lines) ", p.lines.len());
    let block = pane_block(Line::from(title), false, a.compact, t);
    let inner = framed(frame, block, a.paste_text);
    if inner.is_empty() {
        return;
    }
    if p.lines.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("(no text)", t.muted)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let selected: Vec<usize> = p
        .selected_recipient()
        .map(|r| r.evidence.iter().map(|e| e.line).collect())
        .unwrap_or_default();
    let current = p
        .selected_recipient()
        .and_then(|r| r.evidence.get(p.evidence_cursor))
        .map(|e| e.line);
    let num_w = p.lines.len().to_string().len();
    let text_w = (inner.width as usize).saturating_sub(num_w + 1);
    let lines: Vec<Line> = p
        .lines
        .iter()
        .enumerate()
        .skip(p.scroll)
        .take(inner.height as usize)
        .map(|(i, l)| {
            let n = i + 1;
            let mark = if current == Some(n) { ">" } else { " " };
            let style = if selected.contains(&n) {
                t.evidence
            } else {
                Style::new()
            };
            // Lines were sanitized when the input arrived.
            Line::from(vec![
                Span::styled(format!("{n:>num_w$}{mark}"), t.muted),
                Span::styled(ellipsize(l, text_w), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
