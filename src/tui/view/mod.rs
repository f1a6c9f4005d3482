//! Drawing. One file per pane; every view takes `&Model` and a `Rect` and never
//! mutates the model. [`render`] puts them together using the one layout in
//! `tui::layout`.

pub mod detail;
pub mod help;
pub mod list;
pub mod paste;
pub mod search;
pub mod status;
pub mod wizard;

use super::model::{Model, Pane};
use super::theme::Theme;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Draw the whole interface.
pub fn render(frame: &mut Frame, model: &Model) {
    let area = frame.area();
    let a = super::layout::areas(area, model);
    if a.too_small {
        too_small(frame, area);
        return;
    }
    match model.pane {
        Pane::Browse => {
            search::render(frame, model, &a);
            list::render(frame, model, &a);
            detail::render(frame, model, &a);
        }
        Pane::Paste => paste::render(frame, model, &a),
        Pane::Wizard => wizard::render(frame, model, &a),
    }
    status::render(frame, model, a.status);
    if let Some(popup) = model.popup {
        help::render(frame, model, popup, a.popup);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Too small"),
        Line::from(format!(
            "need {}x{}",
            super::layout::MIN_WIDTH,
            super::layout::MIN_HEIGHT
        )),
        Line::from("q quits"),
    ];
    let p = Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(p, area);
}

/// Draw a pane's frame and return the area inside it (empty when the pane
/// has no room left for content).
pub fn framed(frame: &mut Frame, block: Block, area: Rect) -> Rect {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A pane's frame: a bordered block with a title, or nothing when compact.
pub fn pane_block<'a>(title: Line<'a>, focused: bool, compact: bool, theme: &Theme) -> Block<'a> {
    if compact {
        return Block::new();
    }
    Block::new()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.focus_border
        } else {
            theme.border
        })
        .title(title)
}

/// Spinner frame for a tick.
pub fn spinner(tick: u64) -> char {
    const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
    FRAMES[(tick % 4) as usize]
}
