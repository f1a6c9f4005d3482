//! Where every pane goes, in one place. Both the views (to draw) and the model
//! (to map mouse clicks and size pages) use [`areas`], so they always agree.

use super::model::{Focus, Model, Pane};
use ratatui::layout::Rect;

/// Below this width or height the interface shows "terminal too small".
pub const MIN_WIDTH: u16 = 20;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 6;

/// The rectangles of one frame. Hidden panes get an empty rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    /// The terminal is below the minimum size; only a message is drawn.
    pub too_small: bool,
    /// Small terminal: panes are drawn without borders.
    pub compact: bool,
    /// Search box (browse pane).
    pub search: Rect,
    /// Result list (browse pane).
    pub list: Rect,
    /// Detail of the selected entry (browse pane).
    pub detail: Rect,
    /// Title line of the paste pane.
    pub paste_header: Rect,
    /// Recipients and their diagnosis (paste pane).
    pub paste_summary: Rect,
    /// The pasted text with evidence highlighted (paste pane).
    pub paste_text: Rect,
    /// Area for panes added on top of the framework (the wizard).
    pub body: Rect,
    /// The status bar.
    pub status: Rect,
    /// Centered popup (help, problems).
    pub popup: Rect,
}

impl Areas {
    /// The inside of a pane: its rectangle minus the border, unless compact.
    pub fn inner(&self, r: Rect) -> Rect {
        if self.compact || r.width < 2 || r.height < 2 {
            r
        } else {
            Rect::new(r.x + 1, r.y + 1, r.width - 2, r.height - 2)
        }
    }
}

/// Split `area` into non-overlapping rows of the given heights (the last takes the rest).
fn rows(area: Rect, heights: &[u16]) -> Vec<Rect> {
    let mut y = area.y;
    let bottom = area.y + area.height;
    let mut out = Vec::new();
    for (i, h) in heights.iter().enumerate() {
        let h = if i + 1 == heights.len() {
            bottom.saturating_sub(y)
        } else {
            (*h).min(bottom.saturating_sub(y))
        };
        out.push(Rect::new(area.x, y, area.width, h));
        y += h;
    }
    out
}

/// Compute the areas for the model's pane and the given terminal size.
pub fn areas(area: Rect, model: &Model) -> Areas {
    let mut a = Areas::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        a.too_small = true;
        return a;
    }
    a.compact = area.height < 14 || area.width < 50;
    let parts = rows(area, &[area.height - 1, 1]);
    let (main, status) = (parts[0], parts[1]);
    a.status = status;
    a.body = main;
    match model.pane {
        Pane::Browse => {
            let search_h = if a.compact { 1 } else { 3 };
            let parts = rows(main, &[search_h, 0]);
            a.search = parts[0];
            let body = parts[1];
            if area.width >= 70 {
                let list_w = (body.width * 2 / 5).max(28);
                a.list = Rect::new(body.x, body.y, list_w, body.height);
                a.detail = Rect::new(body.x + list_w, body.y, body.width - list_w, body.height);
            } else if model.focus == Focus::Detail {
                a.detail = body;
                a.list = Rect::new(body.x, body.y, 0, 0);
            } else {
                a.list = body;
                a.detail = Rect::new(body.x, body.y, 0, 0);
            }
        }
        // The wizard draws inside `body` (its own split lives in its view).
        Pane::Wizard => {}
        Pane::Paste => {
            let parts = rows(main, &[1, 0]);
            a.paste_header = parts[0];
            let body = parts[1];
            if model.paste.lines.is_empty() {
                // Nothing to show beside the messages: give them the room.
                a.paste_summary = body;
                a.paste_text = Rect::new(body.x, body.y + body.height, body.width, 0);
            } else if area.width >= 100 {
                let w = body.width * 9 / 20;
                a.paste_summary = Rect::new(body.x, body.y, w, body.height);
                a.paste_text = Rect::new(body.x + w, body.y, body.width - w, body.height);
            } else {
                let h = (body.height / 2).max(1);
                let parts = rows(body, &[h, 0]);
                a.paste_summary = parts[0];
                a.paste_text = parts[1];
            }
        }
    }
    let pw = (area.width * 4 / 5)
        .max(area.width.min(MIN_WIDTH))
        .min(area.width);
    let ph = (main.height * 4 / 5)
        .max(main.height.min(5))
        .min(main.height);
    a.popup = Rect::new(
        area.x + (area.width - pw) / 2,
        main.y + (main.height - ph) / 2,
        pw,
        ph,
    );
    a
}

/// Whether the point is inside the rectangle.
pub fn contains(r: Rect, column: u16, row: u16) -> bool {
    column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
}
