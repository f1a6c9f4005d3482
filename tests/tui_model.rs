//! The interface model driven through `update` alone: no terminal, no I/O.

use bounce_doctor::diagnose::{
    Evidence, InputError, MessageDiagnosis, MessageKind, Prefill, RecipientDiagnosis,
};
use bounce_doctor::knowledge::{lint, Actor, KnowledgeBase, Reason};
use bounce_doctor::tui::model::{
    Action, Command, DiagnoseFailure, Effect, Focus, Model, Pane, PastePhase, Popup,
};
use bounce_doctor::tui::theme::Theme;
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::sync::Arc;

fn fixture_kb(problems: Vec<bounce_doctor::knowledge::Problem>) -> Arc<KnowledgeBase> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tui-kb/entries.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let (entries, p) = lint::parse_and_check(&[(path.to_string(), text)], false);
    assert!(p.is_empty(), "{p:?}");
    Arc::new(KnowledgeBase::from_entries(entries, problems))
}

fn model() -> Model {
    Model::new(fixture_kb(vec![]), Theme::plain(), Rect::new(0, 0, 80, 24))
}

fn cmd(m: &mut Model, c: Command) -> Vec<Effect> {
    m.update(Action::Command(c))
}

fn typed(m: &mut Model, s: &str) {
    for c in s.chars() {
        assert!(m.update(Action::Insert(c)).is_empty());
    }
}

fn selected_id(m: &Model) -> String {
    m.selected_entry().map(|e| e.id.clone()).unwrap_or_default()
}

fn recipient(addr: &str, kb: &[&str], lines: &[usize]) -> RecipientDiagnosis {
    RecipientDiagnosis {
        recipient: Some(addr.into()),
        action: Some("failed".into()),
        status: Some("5.1.1".into()),
        reply_code: Some(550),
        reason: Reason::UserUnknown,
        hard: true,
        acts: vec![Actor::SenderUser],
        remote_mta: Some("mx.example.net".into()),
        diagnostic: Some("550 5.1.1 <bob@example.net>: User unknown".into()),
        kb: kb.iter().map(|s| s.to_string()).collect(),
        evidence: lines
            .iter()
            .map(|&line| Evidence {
                line,
                text: String::new(),
            })
            .collect(),
    }
}

fn bounce(recipients: Vec<RecipientDiagnosis>) -> Vec<MessageDiagnosis> {
    vec![MessageDiagnosis {
        kind: MessageKind::Bounce,
        subject: Some("Undelivered Mail Returned to Sender".into()),
        recipients,
        prefill: Prefill::default(),
        first_line: 1,
    }]
}

/// Paste `text` and return the request number of the diagnosis it starts.
fn paste(m: &mut Model, text: &str) -> u64 {
    let effects = m.update(Action::Paste(text.into()));
    match effects.as_slice() {
        [Effect::Diagnose { request, .. }] => *request,
        other => panic!("expected one Diagnose effect, got {other:?}"),
    }
}

#[test]
fn starts_in_search_with_every_entry_listed() {
    let m = model();
    assert_eq!(m.pane, Pane::Browse);
    assert_eq!(m.focus, Focus::Search);
    assert_eq!(m.results.len(), m.kb.entries.len());
    assert_eq!(m.selected, 0);
}

#[test]
fn typing_searches_on_every_keystroke() {
    let mut m = model();
    typed(&mut m, "relay");
    assert_eq!(m.query, "relay");
    assert_eq!(selected_id(&m), "tui-relay-access-denied");
    cmd(&mut m, Command::DeleteChar);
    assert_eq!(m.query, "rela");
    cmd(&mut m, Command::ClearQuery);
    typed(&mut m, "5.1.1");
    assert_eq!(selected_id(&m), "tui-user-unknown");
    cmd(&mut m, Command::ClearQuery);
    typed(&mut m, "qqzzxx");
    assert!(m.results.is_empty());
    assert!(m.selected_entry().is_none());
    // Copying with nothing selected says so instead of copying nothing.
    cmd(&mut m, Command::NextFocus);
    assert!(cmd(&mut m, Command::CopyEntry).is_empty());
    assert!(m
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("Nothing selected"));
}

#[test]
fn letters_are_text_in_search_and_commands_in_list() {
    use bounce_doctor::tui::keymap::action_for;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut m = model();
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    let a = action_for(m.context(), &q).unwrap();
    assert_eq!(a, Action::Insert('q'));
    m.update(a);
    assert_eq!(m.query, "q");
    cmd(&mut m, Command::ClearQuery);
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.focus, Focus::List);
    let a = action_for(m.context(), &q).unwrap();
    assert_eq!(m.update(a), vec![Effect::Quit]);
}

#[test]
fn focus_cycles_and_escape_goes_back() {
    let mut m = model();
    typed(&mut m, "mailbox");
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.focus, Focus::List);
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.focus, Focus::Detail);
    cmd(&mut m, Command::Back);
    assert_eq!(m.focus, Focus::List);
    cmd(&mut m, Command::Back);
    assert_eq!(m.focus, Focus::Search);
    assert!(m.query.is_empty(), "Esc in the list clears the search");
    typed(&mut m, "x");
    cmd(&mut m, Command::Back);
    assert!(m.query.is_empty());
    assert_eq!(m.focus, Focus::Search);
    cmd(&mut m, Command::Back);
    assert_eq!(m.focus, Focus::List);
    cmd(&mut m, Command::FocusSearch);
    assert_eq!(m.focus, Focus::Search);
    cmd(&mut m, Command::PrevFocus);
    assert_eq!(m.focus, Focus::Detail);
}

#[test]
fn list_navigation_stays_in_bounds_and_visible() {
    let mut m = model();
    m.update(Action::Resize(40, 8));
    cmd(&mut m, Command::NextFocus);
    let n = m.results.len();
    cmd(&mut m, Command::End);
    assert_eq!(m.selected, n - 1);
    cmd(&mut m, Command::Down);
    assert_eq!(m.selected, n - 1);
    let h = m.areas().inner(m.areas().list).height as usize;
    assert!(m.selected >= m.list_offset && m.selected < m.list_offset + h);
    cmd(&mut m, Command::Home);
    assert_eq!((m.selected, m.list_offset), (0, 0));
    cmd(&mut m, Command::PageDown);
    assert_eq!(m.selected, h.min(n - 1));
    cmd(&mut m, Command::PageUp);
    assert_eq!(m.selected, 0);
    cmd(&mut m, Command::Up);
    assert_eq!(m.selected, 0);
}

#[test]
fn detail_scrolls_within_its_text() {
    let mut m = model();
    m.update(Action::Resize(80, 12));
    typed(&mut m, "relay access");
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.focus, Focus::Detail);
    cmd(&mut m, Command::End);
    let end = m.detail_scroll;
    assert!(end > 0, "the entry is longer than a 12-row terminal");
    cmd(&mut m, Command::Down);
    assert_eq!(m.detail_scroll, end, "no scrolling past the end");
    cmd(&mut m, Command::Up);
    assert_eq!(m.detail_scroll, end - 1);
    cmd(&mut m, Command::Home);
    assert_eq!(m.detail_scroll, 0);
}

#[test]
fn copy_uses_markdown_and_falls_back_to_osc52() {
    let mut m = model();
    typed(&mut m, "relay access");
    cmd(&mut m, Command::NextFocus);
    let effects = cmd(&mut m, Command::CopyEntry);
    let md = KnowledgeBase::to_markdown(m.selected_entry().unwrap());
    assert_eq!(effects, vec![Effect::CopyToClipboard(md.clone())]);
    let e = m.update(Action::Copied {
        text: md.clone(),
        result: Ok(()),
    });
    assert!(e.is_empty());
    assert!(m.message.as_ref().unwrap().text.contains("Copied"));
    let e = m.update(Action::Copied {
        text: md.clone(),
        result: Err("no display".into()),
    });
    assert_eq!(e, vec![Effect::CopyViaTerminal(md)]);
    let msg = &m.message.as_ref().unwrap().text;
    assert!(
        msg.contains("OSC 52") && msg.contains("no display"),
        "{msg}"
    );
}

#[test]
fn messages_expire_with_ticks() {
    let mut m = model();
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::StartWizard);
    assert!(m.message.is_some());
    for _ in 0..bounce_doctor::tui::model::MESSAGE_TICKS {
        m.update(Action::Tick);
    }
    assert!(m.message.is_none());
}

#[test]
fn help_and_problems_popups() {
    let mut m = model();
    cmd(&mut m, Command::Help);
    assert_eq!(m.popup, Some(Popup::Help));
    cmd(&mut m, Command::Down);
    assert!(m.popup_scroll <= 1);
    // Keys in a popup do not reach the panes underneath.
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.focus, Focus::Search);
    cmd(&mut m, Command::Back);
    assert_eq!(m.popup, None);
    // No problems: `!` says so rather than opening an empty popup.
    cmd(&mut m, Command::Problems);
    assert_eq!(m.popup, None);
    let problem = bounce_doctor::knowledge::Problem {
        path: "mine.yaml".into(),
        line: 3,
        message: "bad".into(),
    };
    let mut m = Model::new(
        fixture_kb(vec![problem]),
        Theme::plain(),
        Rect::new(0, 0, 80, 24),
    );
    cmd(&mut m, Command::Problems);
    assert_eq!(m.popup, Some(Popup::Problems));
    assert_eq!(cmd(&mut m, Command::Quit), vec![Effect::Quit]);
}

#[test]
fn p_reads_the_clipboard_and_reports_when_there_is_none() {
    let mut m = model();
    cmd(&mut m, Command::NextFocus);
    assert_eq!(
        cmd(&mut m, Command::PasteClipboard),
        vec![Effect::ReadClipboard]
    );
    assert_eq!(m.pane, Pane::Paste);
    assert_eq!(m.paste.phase, PastePhase::ReadingClipboard);
    assert!(m
        .update(Action::ClipboardRead(Err("no display".into())))
        .is_empty());
    assert_eq!(m.paste.phase, PastePhase::NoClipboard("no display".into()));
    // Again, with a clipboard holding a bounce.
    cmd(&mut m, Command::PasteClipboard);
    let e = m.update(Action::ClipboardRead(Ok(
        "550 5.1.1 User unknown\r\n".into()
    )));
    match e.as_slice() {
        [Effect::Diagnose { input, .. }] => assert_eq!(input, b"550 5.1.1 User unknown\n"),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.paste.phase, PastePhase::Diagnosing);
    assert_eq!(m.paste.lines, vec!["550 5.1.1 User unknown"]);
    // An empty clipboard is not an error of the program.
    cmd(&mut m, Command::PasteClipboard);
    assert!(m.update(Action::ClipboardRead(Ok("  ".into()))).is_empty());
    assert!(matches!(&m.paste.phase, PastePhase::Failed(s) if s.contains("empty")));
}

#[test]
fn bracketed_paste_diagnoses_and_shows_the_result() {
    let mut m = model();
    cmd(&mut m, Command::NextFocus);
    let text =
        "From: MAILER-DAEMON\rTo: alice@example.org\r\r<bob@example.net>: 550 5.1.1 User unknown\r";
    let req = paste(&mut m, text);
    assert_eq!(m.pane, Pane::Paste);
    assert_eq!(
        m.paste.lines.len(),
        4,
        "terminal CRs become line ends: {:?}",
        m.paste.lines
    );
    m.update(Action::Diagnosed {
        request: req,
        result: Ok(bounce(vec![recipient(
            "bob@example.net",
            &["tui-user-unknown"],
            &[4],
        )])),
    });
    let PastePhase::Done(_) = &m.paste.phase else {
        panic!("{:?}", m.paste.phase)
    };
    assert_eq!(m.paste.recipients().len(), 1);
    // Enter opens the knowledge-base entry in the browser.
    cmd(&mut m, Command::Open);
    assert_eq!(m.pane, Pane::Browse);
    assert_eq!(m.focus, Focus::List);
    assert_eq!(selected_id(&m), "tui-user-unknown");
}

#[test]
fn a_short_paste_into_the_search_box_is_a_search() {
    let mut m = model();
    assert!(m
        .update(Action::Paste("relay access denied".into()))
        .is_empty());
    assert_eq!(m.pane, Pane::Browse);
    assert_eq!(m.query, "relay access denied");
    assert_eq!(selected_id(&m), "tui-relay-access-denied");
}

#[test]
fn stale_and_refused_diagnoses() {
    let mut m = model();
    let first = paste(&mut m, "one\ntwo\n");
    let second = paste(&mut m, "three\nfour\n");
    assert_ne!(first, second);
    m.update(Action::Diagnosed {
        request: first,
        result: Ok(bounce(vec![recipient("old@example.net", &[], &[1])])),
    });
    assert_eq!(
        m.paste.phase,
        PastePhase::Diagnosing,
        "an old answer is ignored"
    );
    m.update(Action::Diagnosed {
        request: second,
        result: Err(DiagnoseFailure::Input(InputError::Binary)),
    });
    assert_eq!(
        m.paste.phase,
        PastePhase::Refused(InputError::Binary.to_string())
    );
    let third = paste(&mut m, "x\ny\n");
    m.update(Action::Diagnosed {
        request: third,
        result: Err(DiagnoseFailure::Engine("took too long".into())),
    });
    assert_eq!(m.paste.phase, PastePhase::Failed("took too long".into()));
}

#[test]
fn oversized_input_is_not_split_on_the_ui_thread() {
    let mut m = model();
    let big = "a\n".repeat(bounce_doctor::diagnose::MAX_INPUT / 2 + 1);
    let req = paste(&mut m, &big);
    assert!(m.paste.lines.is_empty());
    let size = big.len();
    let err = InputError::TooLarge {
        size,
        limit: bounce_doctor::diagnose::MAX_INPUT,
    };
    m.update(Action::Diagnosed {
        request: req,
        result: Err(DiagnoseFailure::Input(err.clone())),
    });
    assert_eq!(m.paste.phase, PastePhase::Refused(err.to_string()));
}

#[test]
fn pasted_control_characters_are_made_inert() {
    let mut m = model();
    paste(&mut m, "ok line\n\x1b[2J\x1b]0;pwned\x07 \u{9b}6n\nend");
    for l in &m.paste.lines {
        assert!(!l.chars().any(char::is_control), "{l:?}");
    }
    assert_eq!(m.paste.lines[1], "^[[2J^[]0;pwned^G \u{fffd}6n");
}

#[test]
fn recipients_and_evidence_navigation() {
    let mut m = model();
    m.update(Action::Resize(80, 14));
    let text: String = (1..=60).map(|i| format!("line {i}\n")).collect();
    let req = paste(&mut m, &text);
    m.update(Action::Diagnosed {
        request: req,
        result: Ok(bounce(vec![
            recipient("a@example.net", &[], &[2]),
            recipient("b@example.net", &["no-such-entry"], &[40, 55]),
        ])),
    });
    assert_eq!(m.paste.scroll, 0);
    cmd(&mut m, Command::Down);
    assert_eq!(m.paste.selected, 1);
    let h = m.areas().inner(m.areas().paste_text).height as usize;
    assert!(
        m.paste.scroll <= 39 && 39 < m.paste.scroll + h,
        "line 40 visible"
    );
    cmd(&mut m, Command::NextFocus);
    assert_eq!(m.paste.evidence_cursor, 1);
    assert!(
        m.paste.scroll <= 54 && 54 < m.paste.scroll + h,
        "line 55 visible"
    );
    cmd(&mut m, Command::Down);
    assert_eq!(m.paste.selected, 1, "stays on the last recipient");
    cmd(&mut m, Command::End);
    assert_eq!(m.paste.scroll, 60 - h);
    cmd(&mut m, Command::Home);
    assert_eq!(m.paste.scroll, 0);
    // An unknown entry id falls back to searching the status code.
    cmd(&mut m, Command::Open);
    assert_eq!(m.pane, Pane::Browse);
    assert_eq!(m.query, "5.1.1");
    assert_eq!(selected_id(&m), "tui-user-unknown");
}

#[test]
fn paste_file_loads_then_diagnoses() {
    let mut m = model();
    let path = PathBuf::from("/nonexistent/bounce.eml");
    assert_eq!(
        m.open_file(path.clone()),
        vec![Effect::LoadFile(path.clone())]
    );
    assert_eq!(m.pane, Pane::Paste);
    m.update(Action::FileLoaded {
        path: path.clone(),
        result: Err("No such file".into()),
    });
    assert!(
        matches!(&m.paste.phase, PastePhase::Failed(s) if s.contains("/nonexistent/bounce.eml") && s.contains("No such file"))
    );
    m.open_file(path.clone());
    let e = m.update(Action::FileLoaded {
        path,
        result: Ok(b"550 no such user\n".to_vec()),
    });
    assert!(
        matches!(e.as_slice(), [Effect::Diagnose { input, .. }] if input == b"550 no such user\n")
    );
    assert_eq!(cmd(&mut m, Command::Back), vec![]);
    assert_eq!(m.pane, Pane::Browse);
}

#[test]
fn mouse_selects_and_scrolls() {
    let mut m = model();
    let a = m.areas();
    let inner = a.inner(a.list);
    m.update(Action::Click {
        column: inner.x + 1,
        row: inner.y + 2,
    });
    assert_eq!(m.focus, Focus::List);
    assert_eq!(m.selected, 2);
    m.update(Action::Scroll {
        column: inner.x + 1,
        row: inner.y,
        down: true,
    });
    assert_eq!(m.selected, 3);
    m.update(Action::Click {
        column: a.search.x + 2,
        row: a.search.y + 1,
    });
    assert_eq!(m.focus, Focus::Search);
    let d = a.inner(a.detail);
    m.update(Action::Click {
        column: d.x + 1,
        row: d.y + 1,
    });
    assert_eq!(m.focus, Focus::Detail);
    // A click outside everything, or on a tiny terminal, changes nothing.
    m.update(Action::Resize(10, 4));
    m.update(Action::Click { column: 1, row: 1 });
    assert_eq!(m.focus, Focus::Detail);
}

#[test]
fn resizing_down_to_tiny_keeps_the_model_consistent() {
    let mut m = model();
    cmd(&mut m, Command::NextFocus);
    cmd(&mut m, Command::End);
    for (w, h) in [
        (80, 24),
        (40, 10),
        (20, 6),
        (10, 3),
        (1, 1),
        (0, 0),
        (200, 60),
    ] {
        m.update(Action::Resize(w, h));
        cmd(&mut m, Command::PageDown);
        cmd(&mut m, Command::Up);
        assert!(m.selected < m.results.len());
    }
}

#[test]
fn evidence_scrolling_leaves_no_empty_space_below_the_text() {
    let mut m = model();
    let text: String = (1..=12).map(|i| format!("line {i}\n")).collect();
    let req = paste(&mut m, &text);
    m.update(Action::Diagnosed {
        request: req,
        result: Ok(bounce(vec![recipient("a@example.net", &[], &[11])])),
    });
    let h = m.areas().inner(m.areas().paste_text).height as usize;
    assert!(h < 12, "the text must not fit for this test");
    assert_eq!(m.paste.scroll, 12 - h);
}

#[test]
fn clicking_a_recipient_selects_it() {
    let mut m = Model::new(fixture_kb(vec![]), Theme::plain(), Rect::new(0, 0, 120, 40));
    let req = paste(&mut m, "a\nb\nc\nd\n");
    m.update(Action::Diagnosed {
        request: req,
        result: Ok(bounce(vec![
            recipient("a@example.net", &[], &[1]),
            recipient("b@example.net", &[], &[3]),
        ])),
    });
    let a = m.areas();
    let inner = a.inner(a.paste_summary);
    // Each recipient is a block of lines: click inside the second block.
    let rows = bounce_doctor::tui::view::paste::recipient_rows(&m, inner.width);
    let second = rows.iter().position(|r| *r == Some(1)).unwrap();
    m.update(Action::Click {
        column: inner.x + 3,
        row: inner.y + second as u16 + 1,
    });
    assert_eq!(m.paste.selected, 1);
    m.update(Action::Click {
        column: inner.x + 3,
        row: inner.y,
    });
    assert_eq!(m.paste.selected, 0);
}

/// Thousands of pseudo-random actions (fixed seed) at random sizes: the model
/// never panics, keeps its selections in range, and every state draws.
#[test]
fn random_actions_never_break_the_model() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n.max(1)
    };
    let commands = [
        Command::Quit,
        Command::Help,
        Command::Problems,
        Command::FocusSearch,
        Command::NextFocus,
        Command::PrevFocus,
        Command::Back,
        Command::Down,
        Command::Up,
        Command::PageDown,
        Command::PageUp,
        Command::Home,
        Command::End,
        Command::Open,
        Command::DeleteChar,
        Command::ClearQuery,
        Command::CopyEntry,
        Command::PasteClipboard,
    ];
    let texts = [
        "550 5.1.1 user unknown",
        "a\r\nb\rc\n\x1b[2J\x07\u{202e}x\n",
        "relay",
        "",
        "\n\n\n",
        "Final-Recipient: rfc822; x@example.net\nStatus: 5.2.2\n",
    ];
    let mut m = model();
    let mut pending: Vec<u64> = Vec::new();
    for _ in 0..3000 {
        let (w, h) = (m.size.width, m.size.height);
        let action = match next(10) {
            0 => Action::Resize(next(130) as u16, next(45) as u16),
            1 => Action::Paste(texts[next(texts.len() as u64) as usize].to_string()),
            2 => Action::Click {
                column: next(w as u64 + 2) as u16,
                row: next(h as u64 + 2) as u16,
            },
            3 => Action::Scroll {
                column: next(w as u64 + 2) as u16,
                row: next(h as u64 + 2) as u16,
                down: next(2) == 0,
            },
            4 => Action::Insert(['5', 'a', ' ', '.', 'é'][next(5) as usize]),
            5 => Action::Tick,
            6 => Action::ClipboardRead(if next(2) == 0 {
                Ok(texts[next(texts.len() as u64) as usize].to_string())
            } else {
                Err("no display".into())
            }),
            7 if !pending.is_empty() => {
                let request = pending.remove(next(pending.len() as u64) as usize);
                let n = next(4) as usize;
                let rs = (0..n)
                    .map(|i| recipient("r@example.net", &["tui-user-unknown"], &[i + 1, 400]))
                    .collect();
                Action::Diagnosed {
                    request,
                    result: Ok(bounce(rs)),
                }
            }
            _ => Action::Command(commands[next(commands.len() as u64) as usize]),
        };
        for e in m.update(action) {
            if let Effect::Diagnose { request, .. } = e {
                pending.push(request);
            }
        }
        assert!(m.results.is_empty() || m.selected < m.results.len());
        let n = m.paste.recipients().len();
        assert!(n == 0 || m.paste.selected < n);
        let (w, h) = (m.size.width, m.size.height);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| bounce_doctor::tui::view::render(f, &m)).unwrap();
    }
}
