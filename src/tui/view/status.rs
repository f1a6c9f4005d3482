//! The status bar: a message or the key hints of the current context, and the
//! count of knowledge problems.

use crate::tui::keymap;
use crate::tui::model::{Level, Model};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draw the status bar.
pub fn render(frame: &mut Frame, model: &Model, area: Rect) {
    let t = &model.theme;
    let mut right: Vec<Span> = Vec::new();
    if model.busy() {
        right.push(Span::styled(
            format!("{} working ", super::spinner(model.tick)),
            t.accent,
        ));
    }
    let n = model.kb.problems.len();
    if n > 0 {
        right.push(Span::styled(
            format!("{n} knowledge problem(s), ! shows "),
            t.warn,
        ));
    }
    let right_w: usize = right.iter().map(|s| s.content.chars().count()).sum();
    let left_w = (area.width as usize).saturating_sub(right_w);
    let mut left: Vec<Span> = Vec::new();
    if let Some(m) = &model.message {
        let style = match m.level {
            Level::Info => t.accent,
            Level::Ok => t.ok,
            Level::Warn => t.warn,
            Level::Error => t.danger,
        };
        left.push(Span::styled(m.text.clone(), style));
    } else {
        let mut used = 0;
        for (keys, label) in keymap::hints(model.context()) {
            let w = keys.chars().count() + label.chars().count() + 3;
            if used + w > left_w {
                break;
            }
            left.push(Span::styled(keys, t.accent));
            left.push(Span::styled(format!(" {label}  "), t.muted));
            used += w;
        }
    }
    let used: usize = left.iter().map(|s| s.content.chars().count()).sum();
    let mut spans = left;
    if used < left_w {
        spans.push(Span::raw(" ".repeat(left_w - used)));
    }
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
