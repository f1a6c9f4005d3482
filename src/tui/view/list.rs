//! The result list of the browse pane: code, title, severity colour.

use super::{framed, pane_block};
use crate::tui::layout::Areas;
use crate::tui::model::{Focus, Model};
use crate::tui::text::{ellipsize, sanitize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Width of the code column.
const CODE_W: usize = 7;

/// Draw the result list.
pub fn render(frame: &mut Frame, model: &Model, a: &Areas) {
    if a.list.width == 0 || a.list.height == 0 {
        return;
    }
    let t = &model.theme;
    let focused = model.focus == Focus::List && model.popup.is_none();
    let title = if model.query.trim().is_empty() {
        format!(" Entries ({}) ", model.results.len())
    } else {
        format!(" Results ({}) ", model.results.len())
    };
    let block = pane_block(Line::from(title), focused, a.compact, t);
    let inner = framed(frame, block, a.list);
    if inner.is_empty() {
        return;
    }
    if model.results.is_empty() {
        let msg = if model.kb.entries.is_empty() {
            "The knowledge base is empty.".to_string()
        } else {
            format!(
                "No entries match \"{}\". Try a code like 550 or 5.7.1, or fewer words.",
                ellipsize(&sanitize(model.query.trim()), 40)
            )
        };
        frame.render_widget(
            Paragraph::new(Span::styled(msg, t.muted)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let width = inner.width as usize;
    let lines: Vec<Line> = model
        .results
        .iter()
        .enumerate()
        .skip(model.list_offset)
        .take(inner.height as usize)
        .map(|(row, &i)| {
            let e = &model.kb.entries[i];
            let code = e.codes.first().map(|c| sanitize(c)).unwrap_or_default();
            let code_w = CODE_W.min(width);
            let code = format!("{:<code_w$}", ellipsize(&code, code_w.saturating_sub(1)));
            let title = ellipsize(&sanitize(&e.title), width.saturating_sub(code_w));
            let pad = width.saturating_sub(code_w + title.chars().count());
            let mut line = Line::from(vec![
                Span::styled(code, t.severity(e.severity)),
                Span::raw(title),
                Span::raw(" ".repeat(pad)),
            ]);
            if row == model.selected {
                line = line.style(t.selection);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
