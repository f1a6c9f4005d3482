//! Rendered screens, drawn with ratatui's `TestBackend` and compared with the
//! accepted snapshots in `tests/snapshots/`. The knowledge base is the small
//! fixture in `tests/fixtures/tui-kb`, so the screens do not change when the
//! built-in base grows. Review changes with `cargo insta review`, or run with
//! `INSTA_UPDATE=always` and read the `.snap` diff.

use bounce_doctor::diagnose::{
    Evidence, InputError, MessageDiagnosis, MessageKind, Prefill, RecipientDiagnosis,
};
use bounce_doctor::knowledge::{lint, Actor, KnowledgeBase, Problem, Reason};
use bounce_doctor::tui::model::{Action, Command, DiagnoseFailure, Effect, Model};
use bounce_doctor::tui::theme::Theme;
use bounce_doctor::tui::view;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::sync::Arc;

fn kb(problems: Vec<Problem>) -> Arc<KnowledgeBase> {
    static BASE: std::sync::OnceLock<KnowledgeBase> = std::sync::OnceLock::new();
    let mut base = BASE.get_or_init(load_fixture).clone();
    base.problems = problems;
    Arc::new(base)
}

fn load_fixture() -> KnowledgeBase {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tui-kb/entries.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let (entries, p) = lint::parse_and_check(&[("entries.yaml".to_string(), text)], false);
    assert!(p.is_empty(), "{p:?}");
    KnowledgeBase::from_entries(entries, Vec::new())
}

fn model(w: u16, h: u16) -> Model {
    Model::new(kb(vec![]), Theme::plain(), Rect::new(0, 0, w, h))
}

fn draw(m: &Model) -> String {
    let mut t = Terminal::new(TestBackend::new(m.size.width, m.size.height)).unwrap();
    t.draw(|f| view::render(f, m)).unwrap();
    t.backend().to_string()
}

fn typed(m: &mut Model, s: &str) {
    for c in s.chars() {
        m.update(Action::Insert(c));
    }
}

fn cmd(m: &mut Model, c: Command) {
    m.update(Action::Command(c));
}

const BOUNCE: &str = "\
From: MAILER-DAEMON@mail.example.org
Subject: Undelivered Mail Returned to Sender
To: alice@example.org

This is the mail system at host mail.example.org.

<bob@example.net>: host mx.example.net[192.0.2.25] said: 550 5.1.1
    <bob@example.net>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

<carol@example.com>: host mx.example.com[198.51.100.7] said: 452 4.2.2
    Mailbox full (in reply to RCPT TO command)
";

fn diagnosis() -> Vec<MessageDiagnosis> {
    let ev = |line: usize| Evidence {
        line,
        text: BOUNCE.lines().nth(line - 1).unwrap().to_string(),
    };
    vec![MessageDiagnosis {
        kind: MessageKind::Bounce,
        subject: Some("Undelivered Mail Returned to Sender".into()),
        recipients: vec![
            RecipientDiagnosis {
                recipient: Some("bob@example.net".into()),
                action: Some("failed".into()),
                status: Some("5.1.1".into()),
                reply_code: Some(550),
                reason: Reason::UserUnknown,
                hard: true,
                acts: vec![Actor::SenderUser],
                remote_mta: Some("mx.example.net".into()),
                diagnostic: Some(
                    "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown".into(),
                ),
                kb: vec!["tui-user-unknown".into()],
                evidence: vec![ev(7), ev(8)],
            },
            RecipientDiagnosis {
                recipient: Some("carol@example.com".into()),
                action: Some("delayed".into()),
                status: Some("4.2.2".into()),
                reply_code: Some(452),
                reason: Reason::MailboxFull,
                hard: false,
                acts: vec![Actor::RecipientUser],
                remote_mta: Some("mx.example.com".into()),
                diagnostic: Some("452 4.2.2 Mailbox full".into()),
                kb: vec!["tui-mailbox-full".into()],
                evidence: vec![ev(11), ev(12)],
            },
        ],
        prefill: Prefill::default(),
        first_line: 1,
    }]
}

/// A model showing the diagnosis of [`BOUNCE`].
fn diagnosed(w: u16, h: u16) -> Model {
    let mut m = model(w, h);
    let effects = m.update(Action::Paste(BOUNCE.into()));
    let [Effect::Diagnose { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    m.update(Action::Diagnosed {
        request: *request,
        result: Ok(diagnosis()),
    });
    m
}

#[test]
fn browse_80x24() {
    insta::assert_snapshot!(draw(&model(80, 24)));
}

#[test]
fn browse_search_80x24() {
    let mut m = model(80, 24);
    typed(&mut m, "relay access denied");
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn browse_no_results_80x24() {
    let mut m = model(80, 24);
    typed(&mut m, "no such thing here");
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn detail_narrow_50x16() {
    let mut m = model(50, 16);
    typed(&mut m, "mailbox");
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::NextFocus);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn detail_20x6() {
    let mut m = model(20, 6);
    typed(&mut m, "relay access");
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::Down);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn browse_20x6() {
    let mut m = model(20, 6);
    typed(&mut m, "550");
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn too_small_15x5() {
    insta::assert_snapshot!(draw(&model(15, 5)));
}

#[test]
fn help_popup_80x24() {
    let mut m = model(80, 24);
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::Help);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn help_popup_20x6() {
    let mut m = model(20, 6);
    cmd(&mut m, Command::Help);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn problems_popup_80x24() {
    let problems = vec![Problem {
        path: "/home/pm/.config/bounce-doctor/knowledge/mine.yaml".into(),
        line: 4,
        message: "unknown reason `userunknwn`".into(),
    }];
    let mut m = Model::new(kb(problems), Theme::plain(), Rect::new(0, 0, 80, 24));
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::Problems);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn paste_diagnosis_80x24() {
    insta::assert_snapshot!(draw(&diagnosed(80, 24)));
}

#[test]
fn paste_diagnosis_second_recipient_120x30() {
    let mut m = diagnosed(120, 30);
    cmd(&mut m, Command::Down);
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn paste_diagnosis_20x6() {
    insta::assert_snapshot!(draw(&diagnosed(20, 6)));
}

#[test]
fn no_clipboard_80x24() {
    let mut m = model(80, 24);
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::PasteClipboard);
    m.update(Action::ClipboardRead(Err(
        "no graphical display: DISPLAY and WAYLAND_DISPLAY are not set (an SSH session?)".into(),
    )));
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn no_clipboard_20x6() {
    let mut m = model(20, 6);
    cmd(&mut m, Command::PasteClipboard);
    m.update(Action::ClipboardRead(Err("no display".into())));
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn paste_refused_80x24() {
    let mut m = model(80, 24);
    let effects = m.update(Action::Paste("\u{0}\u{1}binary\n\u{0}\n".into()));
    let [Effect::Diagnose { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    m.update(Action::Diagnosed {
        request: *request,
        result: Err(DiagnoseFailure::Input(InputError::Binary)),
    });
    insta::assert_snapshot!(draw(&m));
}

#[test]
fn hostile_paste_is_inert_80x24() {
    let mut m = model(80, 24);
    m.update(Action::Paste(
        "Subject: \x1b[2J\x1b[31mURGENT\x1b[0m\n\x1b]0;owned\x07title\n\u{202e}txt.exe\n".into(),
    ));
    let screen = draw(&m);
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!(screen);
}

/// Every screen at sizes around each layout threshold draws without panicking.
#[test]
fn every_size_renders() {
    let states: Vec<Box<dyn Fn(u16, u16) -> Model>> = vec![
        Box::new(model),
        Box::new(|w, h| {
            let mut m = model(w, h);
            typed(&mut m, "550");
            cmd(&mut m, Command::NextFocus);
            cmd(&mut m, Command::NextFocus);
            cmd(&mut m, Command::End);
            m
        }),
        Box::new(|w, h| {
            let mut m = model(w, h);
            cmd(&mut m, Command::Help);
            cmd(&mut m, Command::PageDown);
            m
        }),
        Box::new(diagnosed),
        Box::new(|w, h| {
            let mut m = diagnosed(w, h);
            cmd(&mut m, Command::Down);
            cmd(&mut m, Command::End);
            m
        }),
    ];
    for state in &states {
        for w in [
            0, 1, 2, 5, 19, 20, 21, 29, 30, 49, 50, 51, 69, 70, 71, 80, 99, 100, 101, 160,
        ] {
            for h in [0, 1, 2, 3, 5, 6, 7, 8, 10, 13, 14, 15, 24, 30, 60] {
                let m = state(w, h);
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| view::render(f, &m)).unwrap();
            }
        }
    }
}
