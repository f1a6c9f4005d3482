//! A panic while the interface owns the terminal restores the terminal (main
//! screen, no raw mode, no mouse capture, no bracketed paste) before the panic
//! message is printed. The test runs itself in a pseudo-terminal: the child
//! takes over the terminal with the real setup code and panics.

#[path = "support/pty.rs"]
mod pty;

use pty::{Pty, DEADLINE};
use ratatui::widgets::Paragraph;

const CHILD: &str = "BOUNCE_DOCTOR_PANIC_CHILD";

#[test]
fn panic_restores_the_terminal() {
    if std::env::var_os(CHILD).is_some() {
        bounce_doctor::tui::app::install_panic_hook();
        let mut term = bounce_doctor::tui::app::enter_terminal().unwrap();
        term.draw(|f| f.render_widget(Paragraph::new("interface is up"), f.area()))
            .unwrap();
        panic!("deliberate panic for the hook test");
    }
    let mut t = Pty::builder()
        .program(std::env::current_exe().unwrap())
        .arg("panic_restores_the_terminal")
        .arg("--exact")
        .arg("--nocapture")
        .arg("--test-threads=1")
        .env(CHILD, "1")
        .size(100, 30)
        .spawn();
    let code = t.wait_exit(DEADLINE);
    let screen = t
        .try_wait_until(DEADLINE, |s| s.contains("deliberate panic"))
        .unwrap_or_else(|s| panic!("no panic message:\n{s}"));
    assert_ne!(code, Some(0), "the child must fail:\n{screen}");
    let raw = String::from_utf8_lossy(&t.raw_output()).into_owned();
    // The interface really was up: alternate screen entered and text drawn.
    assert!(
        raw.contains("\x1b[?1049h") && raw.contains("interface"),
        "{raw:?}"
    );
    t.with_screen(|s| {
        assert!(
            !s.alternate_screen(),
            "still on the alternate screen:\n{screen}"
        );
        assert!(!s.bracketed_paste(), "bracketed paste left on");
        assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
        assert!(!s.hide_cursor(), "cursor left hidden");
    });
    // Raw mode off: the message's lines start at the left margin instead of
    // stepping right at each line feed.
    let line = screen
        .lines()
        .find(|l| l.contains("deliberate panic"))
        .unwrap();
    assert!(line.starts_with("deliberate panic"), "{screen}");
}
