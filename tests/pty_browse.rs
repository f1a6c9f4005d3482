//! End-to-end: the real binary in a pseudo-terminal, browsing the knowledge base.

#[path = "support/pty.rs"]
mod pty;

use pty::{keys, Pty, DEADLINE};
use std::path::PathBuf;

fn fixture_kb() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui-kb")
}

/// The program with the test knowledge base, no user config and no display.
fn start(cols: u16, rows: u16, config: &tempfile::TempDir) -> Pty {
    Pty::builder()
        .arg("--knowledge")
        .arg(fixture_kb())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("NO_COLOR")
        .size(cols, rows)
        .spawn()
}

#[test]
fn search_help_and_quit() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(100, 30, &config);
    t.wait_for("Search", DEADLINE);
    t.send_str("relay access denied");
    t.try_wait_until(DEADLINE, |s| {
        s.contains("relay access denied")
            && s.contains("Results")
            // The query, the list rows and the selected entry's title.
            && s.to_lowercase().matches("relay access denied").count() >= 3
            && s.contains("Steps")
    })
    .unwrap_or_else(|s| panic!("entry and its steps not shown:\n{s}"));
    // Enter moves to the list, where letters are commands.
    t.send_str(keys::ENTER);
    t.send_str("?");
    t.wait_for("Help: keys", DEADLINE);
    t.wait_for("Copy the selected entry as Markdown", DEADLINE);
    t.send_str(keys::ESC);
    t.wait_gone("Help: keys", DEADLINE);
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
    // The terminal was restored: back on the main screen.
    t.wait_screen(DEADLINE, "the main screen", |s| !s.alternate_screen());
}

#[test]
fn code_search_and_empty_results() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(80, 24, &config);
    t.wait_for("Search", DEADLINE);
    t.send_str("5.1.1");
    // The best match for a code lists that code in its detail.
    // (Poll for the whole condition: a frame may be read half-drawn.)
    t.try_wait_until(DEADLINE, |s| {
        s.contains("Results")
            && s.lines()
                .any(|l| l.contains("Codes:") && l.contains("5.1.1"))
    })
    .unwrap_or_else(|s| panic!("no entry with code 5.1.1 in the detail:\n{s}"));
    t.send_str("\x15"); // Ctrl+U clears the search
    t.send_str("zzqqxx");
    t.wait_for("No entries match", DEADLINE);
    // Ctrl+C quits from the search box too.
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn mouse_click_selects_a_row() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(100, 30, &config);
    // Wait for the list's third row and the detail to be drawn (a frame may be
    // read half-drawn).
    let screen = t
        .try_wait_until(DEADLINE, |s| {
            s.contains("Entries")
                && s.lines()
                    .nth(6)
                    .is_some_and(|l| l.chars().nth(10).is_some_and(|c| c != ' '))
                && s.lines().last().is_some_and(|l| l.contains("help"))
        })
        .unwrap_or_else(|s| panic!("list not drawn:\n{s}"));
    // The third row of the list (screen row 7, 1-based): read its title, click it,
    // and expect the detail pane to show that entry.
    let row = 6;
    let line: Vec<char> = screen.lines().nth(row).unwrap().chars().collect();
    let title: String = line[8..38].iter().collect();
    let title = title.trim_end().trim_end_matches('…').to_string();
    let prefix: String = title.chars().take(15).collect();
    assert!(!prefix.trim().is_empty(), "no third row:\n{screen}");
    let detail_top = |s: &str| {
        s.lines()
            .nth(4)
            .map(|l| l.chars().skip(40).collect::<String>())
    };
    assert!(
        !detail_top(&screen).unwrap_or_default().contains(&prefix),
        "the third entry must differ from the first for this test:\n{screen}"
    );
    t.send_str(&format!("\x1b[<0;5;{}M\x1b[<0;5;{}m", row + 1, row + 1));
    t.try_wait_until(DEADLINE, |s| {
        detail_top(s).is_some_and(|l| l.contains(&prefix))
    })
    .unwrap_or_else(|s| panic!("detail did not show {prefix:?}:\n{s}"));
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn tiny_terminal_and_resize() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(15, 5, &config);
    t.wait_for("Too small", DEADLINE);
    t.resize(20, 6);
    t.wait_gone("Too small", DEADLINE);
    t.resize(80, 24);
    t.wait_for("Detail", DEADLINE);
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn knowledge_problems_are_shown_and_builtin_base_still_loads() {
    let config = tempfile::tempdir().unwrap();
    let user = config.path().join("bounce-doctor/knowledge");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("broken.yaml"), "- id: [unclosed\n  title: x\n").unwrap();
    let mut t = start(100, 30, &config);
    t.wait_for("knowledge problem", DEADLINE);
    t.send_str("tui-relay");
    t.wait_for("Relay access denied", DEADLINE);
    t.send_str(keys::TAB);
    t.send_str("!");
    t.wait_for("Knowledge problems", DEADLINE);
    t.wait_for("broken.yaml", DEADLINE);
    t.send_str(keys::ESC);
    // Wait before the next key: ESC followed at once by `q` reads as Alt+Q.
    t.wait_gone("Knowledge problems", DEADLINE);
    t.send_str("q");
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn no_color_draws_no_colours() {
    let config = tempfile::tempdir().unwrap();
    let mut t = Pty::builder()
        .arg("--knowledge")
        .arg(fixture_kb())
        .env("XDG_CONFIG_HOME", config.path())
        .env("NO_COLOR", "1")
        .size(80, 24)
        .spawn();
    t.wait_for("Search", DEADLINE);
    t.send_str("tui-");
    t.wait_for("Relay access denied", DEADLINE);
    let coloured = t.with_screen(|s| {
        let (rows, cols) = s.size();
        let mut n = 0;
        for r in 0..rows.get() {
            for c in 0..cols.get() {
                let cell = s.cell(r, c).unwrap();
                if cell.fgcolor() != vt100::Color::Default
                    || cell.bgcolor() != vt100::Color::Default
                {
                    n += 1;
                }
            }
        }
        n
    });
    assert_eq!(
        coloured,
        0,
        "coloured cells with NO_COLOR set:\n{}",
        t.screen()
    );
    t.send_str(keys::CTRL_C);
    assert_eq!(t.wait_exit(DEADLINE), Some(0));
}

#[test]
fn sigterm_restores_the_terminal() {
    let config = tempfile::tempdir().unwrap();
    let mut t = start(80, 24, &config);
    t.wait_for("Search", DEADLINE);
    assert!(t.with_screen(|s| s.alternate_screen()));
    let pid = t.process_id().expect("child pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(t.wait_exit(DEADLINE), Some(143));
    // (Polled: the last bytes may still be on their way from the PTY.)
    t.wait_screen(DEADLINE, "the terminal to be restored", |s| {
        !s.alternate_screen()
            && !s.bracketed_paste()
            && s.mouse_protocol_mode() == vt100::MouseProtocolMode::None
    });
}
