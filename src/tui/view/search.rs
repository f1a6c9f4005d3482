//! The search box of the browse pane.

use super::{framed, pane_block};
use crate::tui::layout::Areas;
use crate::tui::model::{Focus, Model};
use crate::tui::text;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draw the search box.
pub fn render(frame: &mut Frame, model: &Model, a: &Areas) {
    let t = &model.theme;
    let focused = model.focus == Focus::Search && model.popup.is_none();
    let block = pane_block(Line::from(" Search "), focused, a.compact, t);
    let inner = framed(frame, block, a.search);
    if inner.is_empty() {
        return;
    }
    let prompt = if a.compact { "/ " } else { "" };
    let width = inner.width as usize;
    // Show the end of a long query: that is where the typing happens.
    let query = text::sanitize(&model.query);
    let room = width.saturating_sub(prompt.len() + 1);
    let shown: String = {
        let n = query.chars().count();
        query.chars().skip(n.saturating_sub(room)).collect()
    };
    let mut spans = vec![Span::styled(prompt, t.accent)];
    if shown.is_empty() && !focused {
        spans.push(Span::styled(
            "press / and type a code (550, 5.7.1) or bounce text",
            t.muted,
        ));
    } else if shown.is_empty() {
        spans.push(Span::styled(
            "type a code (550, 5.7.1) or bounce text",
            t.muted,
        ));
    } else {
        spans.push(Span::raw(shown.clone()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), inner);
    if focused {
        let x = inner.x + (prompt.len() + shown.chars().count()) as u16;
        frame.set_cursor_position(Position::new(x.min(inner.x + inner.width - 1), inner.y));
    }
}
