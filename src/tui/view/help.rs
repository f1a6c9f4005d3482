//! Popups: the key help (generated from the key table) and the knowledge
//! load problems.

use super::framed;
use crate::tui::keymap::{self, Context};
use crate::tui::model::{Model, Popup};
use crate::tui::text::{sanitize, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The help text: every binding, grouped by context, plus a pointer to problems.
fn help_lines(model: &Model, width: u16) -> Vec<Line<'static>> {
    let t = &model.theme;
    let mut out = Vec::new();
    let n = model.kb.problems.len();
    if n > 0 {
        out.push(Line::styled(
            format!("{n} problem(s) in knowledge files: press ! in the list to see them"),
            t.warn,
        ));
        out.push(Line::raw(""));
    }
    let key_w = keymap::BINDINGS
        .iter()
        .map(|b| b.keys_label().chars().count())
        .max()
        .unwrap_or(0)
        .min(width as usize / 2)
        + 2;
    // The bindings that apply where the user is come first.
    let here = model.pane_context();
    let order = std::iter::once(here).chain(Context::ALL.into_iter().filter(|c| *c != here));
    for ctx in order {
        out.push(Line::styled(ctx.title(), t.strong));
        for b in keymap::bindings_in(ctx) {
            let desc_w = (width as usize).saturating_sub(key_w + 2).max(1);
            for (i, d) in wrap(b.description, desc_w).into_iter().enumerate() {
                let keys = if i == 0 {
                    crate::tui::text::ellipsize(&b.keys_label(), key_w - 1)
                } else {
                    String::new()
                };
                out.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(format!("{keys:<key_w$}"), t.accent),
                    Span::raw(d),
                ]));
            }
        }
        out.push(Line::raw(""));
    }
    out.push(Line::styled(
        "Mouse: click to select, wheel to scroll. Paste a bounce with your terminal's paste at any time.",
        t.muted,
    ));
    out
}

fn problem_lines(model: &Model, width: u16) -> Vec<Line<'static>> {
    let t = &model.theme;
    let mut out: Vec<Line<'static>> = wrap(
        "The built-in knowledge base is loaded; these user entries were skipped:",
        width as usize,
    )
    .into_iter()
    .map(|l| Line::styled(l, t.muted))
    .collect();
    for p in &model.kb.problems {
        for (i, l) in wrap(&sanitize(&p.to_string()), width as usize)
            .into_iter()
            .enumerate()
        {
            out.push(Line::styled(
                l,
                if i == 0 { t.warn } else { Default::default() },
            ));
        }
    }
    out
}

fn popup_lines(model: &Model, popup: Popup, width: u16) -> Vec<Line<'static>> {
    match popup {
        Popup::Help => help_lines(model, width),
        Popup::Problems => problem_lines(model, width),
    }
}

/// Number of lines of a popup's content at the current size (limits scrolling).
pub fn popup_len(model: &Model, popup: Popup) -> usize {
    let a = model.areas();
    popup_lines(model, popup, a.popup.width.saturating_sub(2)).len()
}

/// Draw a popup over the panes.
pub fn render(frame: &mut Frame, model: &Model, popup: Popup, area: Rect) {
    let t = &model.theme;
    let title = match popup {
        Popup::Help => " Help: keys (Esc closes) ",
        Popup::Problems => " Knowledge problems (Esc closes) ",
    };
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.focus_border)
        .title(title);
    let inner = framed(frame, block, area);
    let lines: Vec<Line> = popup_lines(model, popup, inner.width)
        .into_iter()
        .skip(model.popup_scroll)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
