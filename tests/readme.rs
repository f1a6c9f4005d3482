//! The README stays true to the code: its key table is the one key-binding
//! table, and its screenshot is rendered from the real interface.

use bounce_doctor::knowledge::KnowledgeBase;
use bounce_doctor::tui::keymap::markdown_table;
use bounce_doctor::tui::model::{Action, Model};
use bounce_doctor::tui::theme::Theme;
use bounce_doctor::tui::view;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

const START: &str = "<!-- keys:start -->\n";
const END: &str = "<!-- keys:end -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fails when the README's key table differs from `keymap::markdown_table()`.
/// Run with `UPDATE_README=1` to rewrite it.
#[test]
fn readme_key_table_is_the_keymap() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(s), Some(e)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START:?} / {END:?} markers");
    };
    let current = &readme[s + START.len()..e];
    let wanted = markdown_table();
    if current != wanted {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{START}{wanted}{}", &readme[..s], &readme[e..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("README key table is out of date; run UPDATE_README=1 cargo test --test readme");
        }
    }
}

fn hex(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Black => "#1e1e1e".into(),
        Color::Red => "#cd3131".into(),
        Color::Green => "#0dbc79".into(),
        Color::Yellow => "#e5e510".into(),
        Color::Blue => "#2472c8".into(),
        Color::Magenta => "#bc3fbc".into(),
        Color::Cyan => "#11a8cd".into(),
        Color::Gray => "#cccccc".into(),
        Color::DarkGray => "#767676".into(),
        Color::LightRed => "#f14c4c".into(),
        Color::LightGreen => "#23d18b".into(),
        Color::LightYellow => "#f5f543".into(),
        Color::LightBlue => "#3b8eea".into(),
        Color::LightMagenta => "#d670d6".into(),
        Color::LightCyan => "#29b8db".into(),
        Color::White => "#f2f2f2".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => format!("#{0:02x}{0:02x}{0:02x}", i),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Render a buffer as an SVG picture of a dark terminal.
fn to_svg(buf: &Buffer) -> String {
    let (cw, ch) = (8.4f32, 17.0f32);
    let area = buf.area;
    let (w, h) = (
        area.width as f32 * cw + 16.0,
        area.height as f32 * ch + 16.0,
    );
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" rx=\"6\" fill=\"#1e1e1e\"/>\n"
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buf[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let c = &buf[(x, y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let (fg, bg, m) = style;
            let reversed = m.contains(Modifier::REVERSED);
            let (fg, bg) = if reversed {
                (hex(bg, "#1e1e1e"), hex(fg, "#d4d4d4"))
            } else {
                (hex(fg, "#d4d4d4"), hex(bg, "none"))
            };
            let px = 8.0 + start as f32 * cw;
            let py = 8.0 + y as f32 * ch;
            if bg != "none" {
                let _ = writeln!(
                    svg,
                    "<rect x=\"{px}\" y=\"{py}\" width=\"{}\" height=\"{ch}\" fill=\"{bg}\"/>",
                    (x - start) as f32 * cw
                );
            }
            if !text.trim().is_empty() {
                let weight = if m.contains(Modifier::BOLD) {
                    " font-weight=\"bold\""
                } else {
                    ""
                };
                let _ = writeln!(
                    svg,
                    "<text x=\"{px}\" y=\"{}\" fill=\"{fg}\"{weight} xml:space=\"preserve\" textLength=\"{}\">{}</text>",
                    py + ch - 4.0,
                    (x - start) as f32 * cw,
                    escape(&text)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Regenerates assets/screenshot.svg from the real interface:
/// `cargo test --test readme -- --ignored`.
#[test]
#[ignore = "writes assets/screenshot.svg"]
fn render_readme_screenshot() {
    let (w, h) = (100u16, 30u16);
    let kb = Arc::new(KnowledgeBase::builtin());
    let mut model = Model::new(kb, Theme::colored(), Rect::new(0, 0, w, h));
    for c in "relay access denied".chars() {
        model.update(Action::Insert(c));
    }
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::render(f, &model)).unwrap();
    let svg = to_svg(terminal.backend().buffer());
    std::fs::create_dir_all(root().join("assets")).unwrap();
    std::fs::write(root().join("assets/screenshot.svg"), svg).unwrap();
}
