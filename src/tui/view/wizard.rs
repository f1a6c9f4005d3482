//! The remediation wizard pane: the input form, the step list with the
//! selected step's details (what, why, evidence, fix), and the summary.
//! Every string that came from the network or the user is sanitized.

use super::{framed, pane_block, spinner};
use crate::tui::layout::Areas;
use crate::tui::model::Model;
use crate::tui::text::{ellipsize, sanitize, wrap};
use crate::tui::theme::Theme;
use crate::tui::wizard_pane::WizardPane;
use crate::wizard::{Field, Outcome, Phase, Step, StepState, Wizard};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draw the wizard pane into `a.body`.
pub fn render(frame: &mut Frame, model: &Model, a: &Areas) {
    let area = a.body;
    if area.width == 0 || area.height == 0 {
        return;
    }
    let t = &model.theme;
    let Some(pane) = model.wizard.as_ref() else {
        frame.render_widget(
            Paragraph::new(Span::styled("The wizard is not open", t.muted)),
            area,
        );
        return;
    };
    match pane.wizard.phase {
        Phase::Inputs => {
            let title = title_line(pane, "inputs", t);
            let block = pane_block(title, model.popup.is_none(), a.compact, t);
            let inner = framed(frame, block, area);
            let lines = input_lines(&pane.wizard, inner.width, t);
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Phase::Steps => render_steps(frame, model, pane, a),
        Phase::Summary => {
            let title = title_line(pane, "summary", t);
            let block = pane_block(title, model.popup.is_none(), a.compact, t);
            let inner = framed(frame, block, area);
            let all = summary_lines(&pane.wizard, pane, inner.width, model.tick, t);
            let lines: Vec<Line> = visible(all, pane.scroll, inner.height);
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

/// The lines a pane of `height` shows at `scroll`, never scrolled past the end.
fn visible(lines: Vec<Line<'static>>, scroll: usize, height: u16) -> Vec<Line<'static>> {
    let h = height as usize;
    let start = scroll.min(lines.len().saturating_sub(h));
    lines.into_iter().skip(start).take(h).collect()
}

fn title_line<'a>(pane: &WizardPane, phase: &str, t: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(
        format!(" Remediation wizard: {phase} "),
        t.strong,
    )];
    if !pane.origin.is_empty() {
        spans.push(Span::styled(
            format!("(from {}) ", sanitize(&pane.origin)),
            t.muted,
        ));
    }
    Line::from(spans)
}

/// Lines of the input form: each field with its hint or validation message,
/// then what the diagnosis said and the planned steps.
pub fn input_lines(w: &Wizard, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let width = width.max(10) as usize;
    let label_w = Field::ALL
        .iter()
        .map(|f| f.label().chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let mut out = Vec::new();
    for line in context_lines(w) {
        for l in wrap(&line, width) {
            out.push(Line::styled(l, t.muted));
        }
    }
    if !out.is_empty() {
        out.push(Line::raw(""));
    }
    for f in Field::ALL {
        let focused = f == w.focus;
        let marker = if focused { "> " } else { "  " };
        let value = sanitize(w.inputs.get(f));
        let room = width.saturating_sub(label_w + 3).max(4);
        let mut spans = vec![
            Span::styled(marker.to_string(), t.accent),
            Span::styled(
                format!("{:<label_w$}", format!("{}:", f.label())),
                if focused { t.strong } else { Style::new() },
            ),
        ];
        if value.is_empty() && !focused {
            spans.push(Span::styled(f.hint().to_string(), t.muted));
        } else if focused {
            spans.extend(field_with_cursor(
                w.inputs.get(f),
                w.cursor_in_field(),
                room,
                t,
            ));
            if value.is_empty() {
                spans.push(Span::styled(format!(" {}", f.hint()), t.muted));
            }
        } else {
            // Show the end of a long value: that is where editing left off.
            let n = value.chars().count();
            let shown: String = value.chars().skip(n.saturating_sub(room)).collect();
            spans.push(Span::raw(shown));
        }
        out.push(Line::from(spans));
        if let Some(msg) = w.error_for(f) {
            for l in wrap(
                &format!("✘ {}", sanitize(msg)),
                width.saturating_sub(label_w + 2).max(4),
            ) {
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w + 2)),
                    Span::styled(l, t.danger),
                ]));
            }
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Enter runs the checks · Tab/↓ next field · Esc closes the wizard",
        t.muted,
    ));
    out.push(Line::raw(""));
    out.push(Line::styled("Steps, most relevant first:", t.strong));
    for (i, s) in w.steps.iter().enumerate() {
        let mark = if s.is_relevant() { "*" } else { " " };
        let kind = if s.is_manual() { "checklist" } else { "check" };
        out.push(Line::from(vec![
            Span::styled(format!("{mark}{:>2}. ", i + 1), t.accent),
            Span::raw(ellipsize(&s.title, width.saturating_sub(18).max(4))),
            Span::styled(format!("  {kind}"), t.muted),
        ]));
    }
    out
}

fn context_lines(w: &Wizard) -> Vec<String> {
    let mut out = Vec::new();
    for r in &w.context.recipients {
        out.push(format!("Bounce: {}", sanitize(r)));
    }
    for r in &w.context.reasons {
        out.push(format!("Reason: {r} — {}", r.phrase()));
    }
    for e in &w.context.entries {
        out.push(format!(
            "Knowledge entry: {} ({})",
            sanitize(&e.title),
            sanitize(&e.id)
        ));
    }
    out
}

fn outcome_style(o: Outcome, t: &Theme) -> Style {
    match o {
        Outcome::Pass | Outcome::Done => t.ok,
        Outcome::Warn => t.warn,
        Outcome::Fail => t.danger,
        Outcome::CouldNotCheck => t.warn,
        Outcome::Running => t.accent,
        Outcome::Pending | Outcome::Skipped => t.muted,
    }
}

/// The icon of a step; a running step shows the spinner frame of `tick`.
pub fn icon(step: &Step, tick: u64) -> String {
    match step.outcome() {
        Outcome::Running => spinner(tick).to_string(),
        Outcome::Pending if step.is_manual() => "☐".into(),
        o => o.icon().into(),
    }
}

/// One row per step: icon, title and status word.
pub fn step_rows(w: &Wizard, width: u16, tick: u64, t: &Theme) -> Vec<Line<'static>> {
    let width = width as usize;
    w.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let o = s.outcome();
            let status = o.label();
            let title_w = width.saturating_sub(status.chars().count() + 5).max(4);
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", icon(s, tick)), outcome_style(o, t)),
                Span::raw(format!("{:<title_w$}", ellipsize(&s.title, title_w))),
                Span::styled(format!(" {status}"), outcome_style(o, t)),
            ]);
            if i == w.selected {
                line = line.style(t.selection);
            }
            line
        })
        .collect()
}

/// The selected step's details: status, what, why (for this bounce), evidence,
/// findings, fix and commands to verify.
pub fn detail_lines(step: &Step, width: u16, tick: u64, t: &Theme) -> Vec<Line<'static>> {
    let width = (width as usize).max(10);
    let mut out = Vec::new();
    let o = step.outcome();
    for (i, l) in wrap(&sanitize(&step.title), width.saturating_sub(2).max(4))
        .into_iter()
        .enumerate()
    {
        let lead = if i == 0 {
            Span::styled(format!("{} ", icon(step, tick)), outcome_style(o, t))
        } else {
            Span::raw("  ")
        };
        out.push(Line::from(vec![lead, Span::styled(l, t.strong)]));
    }
    for l in wrap(
        &sanitize(&step.status_line()),
        width.saturating_sub(2).max(4),
    ) {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(l, outcome_style(o, t)),
        ]));
    }
    let section = |out: &mut Vec<Line<'static>>, heading: &str, items: &[String], style: Style| {
        if items.is_empty() {
            return;
        }
        out.push(Line::raw(""));
        out.push(Line::styled(heading.to_string(), t.strong));
        for item in items {
            for (i, l) in wrap(&sanitize(item), width.saturating_sub(4).max(4))
                .into_iter()
                .enumerate()
            {
                let lead = if i == 0 { "  • " } else { "    " };
                out.push(Line::from(vec![Span::raw(lead), Span::styled(l, style)]));
            }
        }
    };
    section(
        &mut out,
        "What it checks",
        std::slice::from_ref(&step.what),
        Style::new(),
    );
    let mut why = step.relevance.clone();
    why.push(step.why.clone());
    section(&mut out, "Why it matters", &why, Style::new());
    if let Some(r) = step.report() {
        let evidence: Vec<String> = r
            .evidence
            .iter()
            .map(|e| format!("{} → {}", e.query, e.answer))
            .collect();
        section(&mut out, "Evidence (query → answer)", &evidence, t.accent);
        section(&mut out, "Findings", &r.details, Style::new());
    }
    let heading = if step.is_manual() {
        "Checklist (Space ticks when done)"
    } else {
        "How to fix"
    };
    match step.report() {
        // The check's own advice is specific to what it found; the general
        // steps (from the seed documents and the playbook) still follow.
        Some(r) if !r.fix.is_empty() => {
            section(&mut out, heading, &r.fix, Style::new());
            section(&mut out, "General advice", &step.fix, Style::new());
        }
        _ => section(&mut out, heading, &step.fix, Style::new()),
    }
    if let Some(r) = step.report() {
        section(&mut out, "Verify yourself", &r.commands, t.accent);
    }
    if matches!(step.state, StepState::NotApplicable(_)) {
        out.push(Line::raw(""));
        out.push(Line::styled(
            "Esc goes back to the inputs to fill in what is missing.",
            t.muted,
        ));
    }
    out
}

/// The step list and the step detail rectangles: side by side when wide
/// enough, else the list on top of the details.
pub fn steps_split(area: Rect) -> (Rect, Rect) {
    if area.width >= 90 {
        let lw = (area.width * 2 / 5).max(40).min(area.width);
        (
            Rect::new(area.x, area.y, lw, area.height),
            Rect::new(area.x + lw, area.y, area.width - lw, area.height),
        )
    } else {
        let lh = (area.height / 2).max(3).min(area.height);
        (
            Rect::new(area.x, area.y, area.width, lh),
            Rect::new(area.x, area.y + lh, area.width, area.height - lh),
        )
    }
}

/// How many lines the scrollable part (step detail or summary) has beyond
/// what fits: the largest useful scroll offset.
pub fn max_scroll(model: &Model, a: &Areas) -> usize {
    let Some(pane) = model.wizard.as_ref() else {
        return 0;
    };
    let t = &model.theme;
    let w = &pane.wizard;
    let (len, height) = match w.phase {
        Phase::Inputs => return 0,
        Phase::Steps => {
            let inner = a.inner(steps_split(a.body).1);
            let len = w
                .steps
                .get(w.selected)
                .map_or(0, |s| detail_lines(s, inner.width, model.tick, t).len());
            (len, inner.height)
        }
        Phase::Summary => {
            let inner = a.inner(a.body);
            (
                summary_lines(w, pane, inner.width, model.tick, t).len(),
                inner.height,
            )
        }
    };
    len.saturating_sub(height as usize)
}

fn render_steps(frame: &mut Frame, model: &Model, pane: &WizardPane, a: &Areas) {
    let t = &model.theme;
    let w = &pane.wizard;
    let area = a.body;
    let (list_area, detail_area) = steps_split(area);
    let done = w
        .steps
        .iter()
        .filter(|s| !matches!(s.outcome(), Outcome::Pending | Outcome::Running))
        .count();
    let mut title = title_line(pane, "steps", t);
    title.push_span(Span::styled(format!("{done}/{} ", w.steps.len()), t.muted));
    let block = pane_block(title, model.popup.is_none(), a.compact, t);
    let inner = framed(frame, block, list_area);
    let h = inner.height.max(1) as usize;
    let offset = w.selected.saturating_sub(h.saturating_sub(1));
    let rows: Vec<Line> = step_rows(w, inner.width, model.tick, t)
        .into_iter()
        .skip(offset)
        .take(h)
        .collect();
    frame.render_widget(Paragraph::new(rows), inner);

    let block = pane_block(Line::from(" Step "), false, a.compact, t);
    let inner = framed(frame, block, detail_area);
    if let Some(step) = w.steps.get(w.selected) {
        let all = detail_lines(step, inner.width, model.tick, t);
        let lines: Vec<Line> = visible(all, pane.scroll, inner.height);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Lines of the summary: verdict, problems worst first, who acts, next
/// actions, what passed, the checklist, and how to export.
pub fn summary_lines(
    w: &Wizard,
    pane: &WizardPane,
    width: u16,
    tick: u64,
    t: &Theme,
) -> Vec<Line<'static>> {
    let width = (width as usize).max(10);
    let sum = w.summary();
    let mut out = Vec::new();
    let head_style = if sum.problems.iter().any(|f| f.outcome == Outcome::Fail) {
        t.danger
    } else if sum.problems.is_empty() {
        t.ok
    } else {
        t.warn
    };
    for l in wrap(&sum.headline, width) {
        out.push(Line::styled(l, head_style));
    }
    if !w.settled() {
        out.push(Line::styled(
            format!(
                "{} checks still running: this summary updates as they finish",
                spinner(tick)
            ),
            t.accent,
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("What is wrong", t.strong));
    if sum.problems.is_empty() {
        out.push(Line::styled("  No check found a problem.", t.muted));
    }
    for f in &sum.problems {
        let text = format!("{}: {}", f.title, sanitize(&f.summary));
        for (i, l) in wrap(&text, width.saturating_sub(4).max(4))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                Span::styled(
                    format!("  {} ", f.outcome.icon()),
                    outcome_style(f.outcome, t),
                )
            } else {
                Span::raw("    ")
            };
            out.push(Line::from(vec![lead, Span::raw(l)]));
        }
    }
    if !sum.who.is_empty() {
        out.push(Line::raw(""));
        let who: Vec<&str> = sum.who.iter().map(|a| a.label()).collect();
        out.push(Line::from(vec![
            Span::styled("Who must act: ", t.strong),
            Span::raw(who.join(", ")),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Next actions", t.strong));
    for (n, a) in sum.next_actions.iter().enumerate() {
        let lead = format!("  {}. ", n + 1);
        let pad = lead.chars().count();
        for (i, l) in wrap(&sanitize(a), width.saturating_sub(pad).max(4))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(pad)
            };
            out.push(Line::from(vec![Span::styled(lead, t.accent), Span::raw(l)]));
        }
    }
    let lists: [(&str, &Vec<String>, Style); 5] = [
        ("Passed", &sum.passed, t.ok),
        ("Checklist done", &sum.done_checklist, t.ok),
        ("Checklist still open", &sum.open_checklist, Style::new()),
        ("Skipped", &sum.skipped, t.muted),
        ("Not finished", &sum.unfinished, t.muted),
    ];
    for (heading, items, style) in lists {
        if items.is_empty() {
            continue;
        }
        out.push(Line::raw(""));
        out.push(Line::styled(heading.to_string(), t.strong));
        for item in items {
            for l in wrap(&sanitize(item), width.saturating_sub(4).max(4)) {
                out.push(Line::from(vec![Span::raw("  "), Span::styled(l, style)]));
            }
        }
    }
    out.push(Line::raw(""));
    if let Some(p) = &pane.exported {
        out.push(Line::styled(
            format!("Report written to {}", sanitize(&p.display().to_string())),
            t.ok,
        ));
    }
    out.push(Line::styled(
        "e writes the full report (evidence, fixes, dig/swaks commands) to a Markdown file · y copies it · Esc back to the steps",
        t.muted,
    ));
    out
}

/// A field's text with the cursor drawn at character `cursor`, scrolled so
/// that the cursor stays within `room` columns.
fn field_with_cursor(text: &str, cursor: usize, room: usize, t: &Theme) -> Vec<Span<'static>> {
    let chars: Vec<char> = text.chars().collect();
    let room = room.max(2);
    // Keep the cursor cell visible; with the cursor at the end this shows the
    // end of the text, as typing does.
    let start = (cursor + 1).saturating_sub(room);
    let end = (start + room).min(chars.len());
    let before: String = chars[start..cursor.min(end)].iter().collect();
    let mut spans = vec![Span::raw(sanitize(&before))];
    if let Some(&c) = chars.get(cursor) {
        let after: String = chars[(cursor + 1).min(end)..end].iter().collect();
        // The character under the cursor, drawn reversed.
        spans.push(Span::styled(
            sanitize(&c.to_string()),
            t.accent.add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(sanitize(&after)));
    } else {
        // A steady block cursor; blinking would redraw for nothing.
        spans.push(Span::styled("█", t.accent));
    }
    spans
}
