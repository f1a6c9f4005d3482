//! Model tests of the remediation wizard, without a terminal: prefill,
//! validation, ordering by reason, state transitions, summary and export.

use bounce_doctor::checks::{CheckReport, Evidence, Status};
use bounce_doctor::diagnose::{MessageDiagnosis, MessageKind, Prefill, RecipientDiagnosis};
use bounce_doctor::knowledge::{CheckKind, Entry, KnowledgeBase, Reason, Severity};
use bounce_doctor::wizard::{
    steps, Field, Inputs, Outcome, Phase, StepKind, StepState, Wizard, CATALOGUE, SEED_STEPS,
};

fn entry(id: &str, reason: Reason, checks: Vec<CheckKind>, steps: Vec<&str>) -> Entry {
    Entry {
        id: id.into(),
        title: format!("Title of {id}"),
        codes: vec!["550".into()],
        patterns: vec![],
        reason,
        severity: Severity::Permanent,
        acts: vec![],
        summary: "what happened".into(),
        explanation: "why it happens".into(),
        steps: steps.into_iter().map(String::from).collect(),
        checks,
        provider: None,
        links: vec![],
        source: "test".into(),
        origin: Default::default(),
    }
}

fn recipient(reason: Reason, kb: Vec<&str>) -> RecipientDiagnosis {
    RecipientDiagnosis {
        recipient: Some("user@example.net".into()),
        action: Some("failed".into()),
        status: Some("5.7.1".into()),
        reply_code: Some(550),
        reason,
        hard: false,
        acts: vec![],
        remote_mta: None,
        diagnostic: Some("554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked".into()),
        kb: kb.into_iter().map(String::from).collect(),
        evidence: vec![],
    }
}

fn diagnosis(reasons: &[Reason], kb: Vec<&str>) -> MessageDiagnosis {
    MessageDiagnosis {
        kind: MessageKind::Bounce,
        subject: Some("Undelivered Mail Returned to Sender".into()),
        recipients: reasons.iter().map(|r| recipient(*r, kb.clone())).collect(),
        prefill: Prefill {
            ips: vec![
                "192.0.2.10".parse().unwrap(),
                "2001:db8::25".parse().unwrap(),
            ],
            sender_domain: Some("example.com".into()),
            mail_host: Some("mail.example.com".into()),
        },
        first_line: 1,
    }
}

fn full_inputs() -> Inputs {
    Inputs {
        ips: "192.0.2.10".into(),
        domain: "example.com".into(),
        mail_host: "mail.example.com".into(),
        selectors: "s1".into(),
        smtp: "127.0.0.1:2525".into(),
    }
}

fn kinds(w: &Wizard) -> Vec<Option<CheckKind>> {
    w.steps.iter().map(|s| s.check_kind()).collect()
}

fn index_of(w: &Wizard, kind: CheckKind) -> usize {
    w.steps
        .iter()
        .position(|s| s.check_kind() == Some(kind))
        .unwrap()
}

fn report(kind: CheckKind, status: Status, summary: &str) -> CheckReport {
    CheckReport::new(kind, status, summary)
}

#[test]
fn prefill_from_diagnosis_fills_fields_and_orders_by_reason() {
    let kb = KnowledgeBase::from_entries(
        vec![
            entry(
                "test-blocked",
                Reason::Blocked,
                vec![CheckKind::DnsPtr],
                vec!["Look up the IP", "Request removal"],
            ),
            entry(
                "runner-up",
                Reason::Blocked,
                vec![CheckKind::Dkim],
                vec!["Something else"],
            ),
        ],
        vec![],
    );
    let w = Wizard::from_diagnosis(
        &diagnosis(
            &[Reason::Blocked],
            vec!["not-in-kb", "test-blocked", "runner-up"],
        ),
        &kb,
    );
    // Only the best entry known to the base contributes: no checklist for the runner-up.
    assert_eq!(w.context.entries.len(), 1);
    assert!(!w.steps.iter().any(|s| s.title.contains("runner-up")));
    assert_eq!(w.inputs.ips, "192.0.2.10, 2001:db8::25");
    assert_eq!(w.inputs.domain, "example.com");
    assert_eq!(w.inputs.mail_host, "mail.example.com");
    assert_eq!(w.phase, Phase::Inputs);
    assert_eq!(w.context.reasons, vec![Reason::Blocked]);
    assert!(w.context.recipients[0].contains("user@example.net: 5.7.1 blocked"));

    // The entry's own steps come first, then the entry's checks, then the reason table.
    assert_eq!(
        w.steps[0].kind,
        StepKind::EntrySteps {
            entry_id: "test-blocked".into()
        }
    );
    assert_eq!(w.steps[0].title, "Steps for Title of test-blocked");
    assert_eq!(w.steps[0].fix, vec!["Look up the IP", "Request removal"]);
    assert_eq!(w.steps[1].check_kind(), Some(CheckKind::DnsPtr));
    assert_eq!(w.steps[2].check_kind(), Some(CheckKind::Blocklist));
    assert!(w.steps[2].relevance[0].contains("diagnosed as blocked"));
    // Unrelated steps are still there, after the relevant ones, without relevance lines.
    let dkim = index_of(&w, CheckKind::Dkim);
    assert!(dkim > index_of(&w, CheckKind::ContactRecipient));
    assert!(!w.steps[dkim].is_relevant());
    assert!(w.inputs.validate().is_ok());
}

#[test]
fn the_recipients_server_is_never_prefilled_as_the_mail_host() {
    let mut d = diagnosis(&[Reason::Blocked], vec![]);
    d.prefill.mail_host = Some("MX.example.net".into());
    d.recipients[0].remote_mta = Some("mx.example.net".into());
    let w = Wizard::from_diagnosis(&d, &KnowledgeBase::default());
    assert_eq!(w.inputs.mail_host, "");
    assert_eq!(w.inputs.domain, "example.com");
    // Without a relay target the relay probe waits for one instead of guessing.
    let mut w = w;
    w.start().unwrap();
    let relay = index_of(&w, CheckKind::Relay);
    assert!(matches!(w.steps[relay].state, StepState::NotApplicable(_)));
}

#[test]
fn every_catalogue_step_is_in_every_wizard() {
    let kb = KnowledgeBase::default();
    for w in [
        Wizard::new(Inputs::default()),
        Wizard::from_diagnosis(&diagnosis(&[Reason::MailboxFull], vec![]), &kb),
        Wizard::from_entry(&entry("e", Reason::AuthFailure, vec![], vec![])),
    ] {
        let mut got: Vec<CheckKind> = kinds(&w).into_iter().flatten().collect();
        got.sort();
        assert_eq!(got, CheckKind::ALL.to_vec());
    }
}

#[test]
fn validation_messages_name_the_bad_field() {
    let mut w = Wizard::new(Inputs {
        ips: "192.0.2.10, 300.1.2.3".into(),
        domain: "exa mple.com".into(),
        mail_host: "mail".into(),
        selectors: "ok, bad/selector".into(),
        smtp: "relay.example.com:70000".into(),
    });
    let errors = w.start().unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        vec![
            Field::Ips,
            Field::Domain,
            Field::MailHost,
            Field::Selectors,
            Field::Smtp
        ]
    );
    assert!(w
        .error_for(Field::Ips)
        .unwrap()
        .contains("`300.1.2.3` is not an IPv4 or IPv6"));
    assert!(w
        .error_for(Field::Domain)
        .unwrap()
        .contains("not a valid domain"));
    assert!(w
        .error_for(Field::MailHost)
        .unwrap()
        .contains("at least one dot"));
    assert!(w
        .error_for(Field::Smtp)
        .unwrap()
        .contains("not a port number"));
    assert_eq!(w.phase, Phase::Inputs);
    assert_eq!(w.focus, Field::Ips);

    // Fixing a field while messages show removes its message at once.
    w.focus = Field::MailHost;
    w.clear_field();
    for c in "mail.example.com".chars() {
        w.type_char(c);
    }
    assert!(w.error_for(Field::MailHost).is_none());
    assert!(w.error_for(Field::Domain).is_some());
}

#[test]
fn fields_edit_at_the_cursor() {
    let mut w = Wizard::new(Inputs {
        domain: "exmple.com".into(),
        ..Inputs::default()
    });
    w.move_focus(true);
    assert_eq!(w.focus, Field::Domain);
    // Focus puts the cursor at the end of the text.
    assert_eq!(w.cursor_in_field(), "exmple.com".len());
    w.cursor_to(false);
    w.move_cursor(2);
    w.type_char('a');
    assert_eq!(w.inputs.domain, "example.com");
    assert_eq!(w.cursor_in_field(), 3);
    // Backspace deletes before the cursor, Delete under it.
    w.backspace();
    assert_eq!(w.inputs.domain, "exmple.com");
    w.delete_forward();
    assert_eq!(w.inputs.domain, "exple.com");
    // The cursor never leaves the field, and multi-byte characters are whole.
    w.move_cursor(-10);
    w.backspace();
    assert_eq!(w.inputs.domain, "exple.com");
    w.type_char('é');
    w.type_char('x');
    assert_eq!(w.inputs.domain, "éxexple.com");
    w.move_cursor(100);
    w.delete_forward();
    w.type_char('!');
    assert_eq!(w.inputs.domain, "éxexple.com!");
    // At the end, the cursor follows text set from outside (a prefill).
    w.inputs.domain.push_str("net");
    w.type_char('?');
    assert_eq!(w.inputs.domain, "éxexple.com!net?");
}

#[test]
fn empty_inputs_ask_for_something_to_check() {
    let mut w = Wizard::new(Inputs::default());
    let errors = w.start().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]
        .message
        .contains("at least a sending IP or a sending domain"));
}

#[test]
fn inputs_are_normalised_into_the_target() {
    let t = Inputs {
        ips: "[2001:db8::25] 192.0.2.10;192.0.2.10".into(),
        domain: "Postmaster@Example.COM.".into(),
        mail_host: "MAIL.example.com".into(),
        selectors: "Google selector1".into(),
        smtp: String::new(),
    }
    .validate()
    .unwrap();
    assert_eq!(t.ips.len(), 2);
    assert_eq!(t.domain.as_deref(), Some("example.com"));
    assert_eq!(t.mail_host.as_deref(), Some("mail.example.com"));
    assert_eq!(t.selectors, vec!["google", "selector1"]);
    // The relay probe defaults to the mail server.
    assert_eq!(t.smtp.as_deref(), Some("mail.example.com"));
}

#[test]
fn ordering_follows_the_reason_table() {
    let kb = KnowledgeBase::default();
    let w = Wizard::from_diagnosis(&diagnosis(&[Reason::AuthFailure], vec![]), &kb);
    assert_eq!(
        &kinds(&w)[..3],
        &[
            Some(CheckKind::Spf),
            Some(CheckKind::Dkim),
            Some(CheckKind::Dmarc)
        ]
    );
    let w = Wizard::from_diagnosis(&diagnosis(&[Reason::RequirePtr], vec![]), &kb);
    assert_eq!(kinds(&w)[0], Some(CheckKind::DnsPtr));
    let w = Wizard::from_diagnosis(&diagnosis(&[Reason::TooManyConn], vec![]), &kb);
    assert_eq!(kinds(&w)[0], Some(CheckKind::TrafficShaping));
    // Two reasons: both tables contribute, in the order the reasons were seen.
    let w = Wizard::from_diagnosis(
        &diagnosis(&[Reason::VirusDetected, Reason::AuthFailure], vec![]),
        &kb,
    );
    assert_eq!(
        &kinds(&w)[..4],
        &[
            Some(CheckKind::InfectedHosts),
            Some(CheckKind::Content),
            Some(CheckKind::Spf),
            Some(CheckKind::Dkim)
        ]
    );
    // No diagnosis: catalogue order.
    let w = Wizard::new(Inputs::default());
    assert_eq!(
        kinds(&w),
        CheckKind::ALL.iter().map(|k| Some(*k)).collect::<Vec<_>>()
    );
}

#[test]
fn from_entry_puts_its_checks_and_steps_first() {
    let e = entry(
        "mimecast-spf",
        Reason::AuthFailure,
        vec![CheckKind::Dmarc, CheckKind::Spf],
        vec!["Fix SPF"],
    );
    let w = Wizard::from_entry(&e);
    assert!(matches!(w.steps[0].kind, StepKind::EntrySteps { .. }));
    assert!(w.steps[0].is_manual());
    assert_eq!(w.steps[1].check_kind(), Some(CheckKind::Dmarc));
    assert_eq!(w.steps[2].check_kind(), Some(CheckKind::Spf));
    assert_eq!(w.steps[3].check_kind(), Some(CheckKind::Dkim));
    assert!(w.steps[1]
        .relevance
        .iter()
        .any(|r| r.contains("“Title of mimecast-spf” lists this check")));
    // An entry without steps adds no checklist step.
    let w = Wizard::from_entry(&entry("x", Reason::MailboxFull, vec![], vec![]));
    assert_eq!(w.steps[0].check_kind(), Some(CheckKind::ContactRecipient));
}

#[test]
fn start_runs_every_probe_that_has_its_input() {
    let mut w = Wizard::new(Inputs {
        domain: "example.com".into(),
        ..Inputs::default()
    });
    let runs = w.start().unwrap();
    assert_eq!(w.phase, Phase::Steps);
    let started: Vec<CheckKind> = runs.iter().map(|r| r.kind).collect();
    assert_eq!(
        started,
        vec![
            CheckKind::DomainBlocklist,
            CheckKind::DnsMx,
            CheckKind::Spf,
            CheckKind::Dmarc,
            CheckKind::Dkim,
            CheckKind::MtaSts
        ]
    );
    // Distinct run ids so results cannot be confused.
    let mut ids: Vec<u64> = runs.iter().map(|r| r.run).collect();
    ids.dedup();
    assert_eq!(ids.len(), runs.len());
    let bl = index_of(&w, CheckKind::Blocklist);
    match &w.steps[bl].state {
        StepState::NotApplicable(why) => assert!(why.contains("a sending IP address")),
        other => panic!("blocklist should not run without an IP: {other:?}"),
    }
    assert_eq!(w.steps[bl].outcome(), Outcome::Skipped);
    let relay = index_of(&w, CheckKind::Relay);
    assert!(matches!(w.steps[relay].state, StepState::NotApplicable(_)));
    // Manual steps wait for a tick.
    assert_eq!(
        w.steps[index_of(&w, CheckKind::Content)].outcome(),
        Outcome::Pending
    );
    assert_eq!(w.running().len(), runs.len());
}

#[test]
fn cancel_skip_rerun_and_stale_results() {
    let mut w = Wizard::new(full_inputs());
    let runs = w.start().unwrap();
    let spf = runs
        .iter()
        .find(|r| r.kind == CheckKind::Spf)
        .unwrap()
        .clone();

    // Cancel: no verdict, and the late result of that attempt is ignored.
    assert!(w.cancel(spf.step));
    assert_eq!(w.steps[spf.step].outcome(), Outcome::CouldNotCheck);
    assert!(!w.cancel(spf.step), "nothing left to cancel");
    assert!(!w.step_finished(
        spf.step,
        spf.run,
        report(CheckKind::Spf, Status::Pass, "late")
    ));
    assert_eq!(w.steps[spf.step].state, StepState::Cancelled);

    // Rerun: a new attempt; only its result counts.
    let again = w.rerun(spf.step).unwrap();
    assert_ne!(again.run, spf.run);
    assert!(w.rerun(spf.step).is_none(), "already running");
    assert!(!w.step_finished(
        spf.step,
        spf.run,
        report(CheckKind::Spf, Status::Pass, "old")
    ));
    assert!(w.step_finished(
        spf.step,
        again.run,
        report(CheckKind::Spf, Status::Fail, "SPF fails for 192.0.2.10")
    ));
    assert_eq!(w.steps[spf.step].outcome(), Outcome::Fail);
    assert_eq!(w.steps[spf.step].status_line(), "SPF fails for 192.0.2.10");

    // Skip a running probe: the front end must cancel it; its result is ignored.
    let mx = runs
        .iter()
        .find(|r| r.kind == CheckKind::DnsMx)
        .unwrap()
        .clone();
    assert!(w.skip(mx.step));
    assert_eq!(w.steps[mx.step].outcome(), Outcome::Skipped);
    assert!(!w.step_finished(mx.step, mx.run, report(CheckKind::DnsMx, Status::Pass, "x")));
    // Skipping a finished step needs no cancel.
    assert!(!w.skip(spf.step));

    // Manual steps tick and untick; probes cannot be ticked.
    let content = index_of(&w, CheckKind::Content);
    assert!(w.tick(content));
    assert_eq!(w.steps[content].outcome(), Outcome::Done);
    assert!(w.tick(content));
    assert_eq!(w.steps[content].outcome(), Outcome::Pending);
    assert!(!w.tick(spf.step));
    assert!(w.rerun(content).is_none(), "manual steps are not probes");
}

#[test]
fn back_cancels_running_probes_and_restart_keeps_ticks() {
    let mut w = Wizard::new(full_inputs());
    let runs = w.start().unwrap();
    let smart = index_of(&w, CheckKind::SmartHost);
    w.tick(smart);
    let first = runs[0].clone();
    assert!(w.step_finished(
        first.step,
        first.run,
        report(first.kind, Status::Pass, "ok")
    ));
    let cancelled = w.back();
    assert_eq!(w.phase, Phase::Inputs);
    assert_eq!(cancelled.len(), runs.len() - 1);
    assert!(w.settled());
    let again = w.start().unwrap();
    assert_eq!(again.len(), runs.len());
    assert!(again
        .iter()
        .all(|r| r.run > runs.iter().map(|r| r.run).max().unwrap()));
    assert_eq!(w.steps[smart].state, StepState::Ticked);
}

#[test]
fn summary_orders_by_severity_then_impact() {
    let mut w = Wizard::new(full_inputs());
    let runs = w.start().unwrap();
    let find = |k: CheckKind| runs.iter().find(|r| r.kind == k).unwrap().clone();
    let results = [
        (CheckKind::Dkim, Status::Fail, "no DKIM key for selector s1"),
        (CheckKind::MtaSts, Status::Warn, "no MTA-STS record"),
        (
            CheckKind::Blocklist,
            Status::Fail,
            "192.0.2.10 is listed in zen.spamhaus.org",
        ),
        (CheckKind::DnsPtr, Status::Error, "timeout after 3s"),
        (CheckKind::Relay, Status::Warn, "greylisted: inconclusive"),
        (CheckKind::Spf, Status::Pass, "pass"),
    ];
    for (k, st, s) in results {
        let r = find(k);
        assert!(w.step_finished(r.step, r.run, report(k, st, s)));
    }
    let sum = w.summary();
    let order: Vec<(Option<CheckKind>, Outcome)> =
        sum.problems.iter().map(|f| (f.kind, f.outcome)).collect();
    assert_eq!(
        order,
        vec![
            (Some(CheckKind::Blocklist), Outcome::Fail),
            (Some(CheckKind::Dkim), Outcome::Fail),
            (Some(CheckKind::Relay), Outcome::Warn),
            (Some(CheckKind::MtaSts), Outcome::Warn),
            (Some(CheckKind::DnsPtr), Outcome::CouldNotCheck),
        ]
    );
    assert!(sum
        .headline
        .starts_with("2 checks failed, 2 more worth fixing; 1 check could not be checked"));
    assert!(sum.headline.contains("still to run"), "{}", sum.headline);
    assert_eq!(sum.passed, vec!["SPF record".to_string()]);
    assert_eq!(sum.who, vec![bounce_doctor::knowledge::Actor::SenderAdmin]);
    assert!(sum.next_actions[0]
        .starts_with("Sending IP on blocklists (DNSBL): Find and stop the source"));
    assert!(sum.next_actions.iter().any(|a| a.contains("wait 24 hours")));
    assert!(sum.next_actions.iter().any(
        |a| a.starts_with("Reverse DNS (PTR) of the sending IP: no answer (timeout after 3s)")
    ));
    assert!(sum
        .next_actions
        .last()
        .unwrap()
        .contains("approved senders"));
    // A timeout is never reported as a pass or a fail.
    assert!(!sum.passed.iter().any(|p| p.contains("Reverse DNS")));
}

#[test]
fn summary_without_problems_says_so() {
    let mut w = Wizard::new(Inputs {
        domain: "example.com".into(),
        ..Inputs::default()
    });
    for r in w.start().unwrap() {
        w.step_finished(r.step, r.run, report(r.kind, Status::Pass, "fine"));
    }
    let contact = index_of(&w, CheckKind::ContactRecipient);
    w.tick(contact);
    let sum = w.summary();
    assert!(sum.problems.is_empty());
    assert_eq!(sum.headline, "The checks that ran found nothing wrong.");
    assert!(sum
        .done_checklist
        .contains(&"If it persists: contact the recipient".to_string()));
    assert!(!sum
        .next_actions
        .iter()
        .any(|a| a.contains("approved senders")));
    assert!(sum
        .skipped
        .iter()
        .any(|s| s.starts_with("Sending IP on blocklists")));
}

#[test]
fn markdown_report_has_commands_evidence_and_fixes() {
    let mut w = Wizard::new(full_inputs());
    let runs = w.start().unwrap();
    let bl = runs
        .iter()
        .find(|r| r.kind == CheckKind::Blocklist)
        .unwrap()
        .clone();
    let mut listed = report(
        CheckKind::Blocklist,
        Status::Fail,
        "192.0.2.10 is listed in zen.spamhaus.org (SBL)",
    );
    listed.evidence.push(Evidence {
        query: "A 10.2.0.192.zen.spamhaus.org".into(),
        answer: "127.0.0.2".into(),
    });
    listed
        .commands
        .push("dig +short A 10.2.0.192.zen.spamhaus.org @127.0.0.1 -p 5353".into());
    listed
        .fix
        .push("Request removal at https://check.spamhaus.org/".into());
    assert!(w.step_finished(bl.step, bl.run, listed));
    w.tick(index_of(&w, CheckKind::WebScripts));
    w.show_summary();
    assert_eq!(w.phase, Phase::Summary);

    let md = w.summary_markdown("2026-11-23 09:30:00 UTC");
    assert!(md.starts_with("# bounce-doctor remediation report"));
    assert!(md.contains("Generated: 2026-11-23 09:30:00 UTC"));
    assert!(md.contains("- Sending IPs: `192.0.2.10`"));
    assert!(md.contains("1. **FAIL** Sending IP on blocklists (DNSBL): 192.0.2.10 is listed"));
    // The check's own command and evidence.
    assert!(md.contains("dig +short A 10.2.0.192.zen.spamhaus.org @127.0.0.1 -p 5353"));
    assert!(md.contains("| `A 10.2.0.192.zen.spamhaus.org` | `127.0.0.2` |"));
    assert!(md.contains("- Request removal at https://check.spamhaus.org/"));
    // The general (seed) advice follows the check's own.
    let general = md.find("General advice:").expect("general advice");
    assert!(md[general..].contains("wait 24 hours and then resend"));
    // Checks that gave no commands get commands built from the inputs.
    assert!(md.contains("dig +short TXT _dmarc.example.com"));
    assert!(md.contains("dig +short TXT s1._domainkey.example.com"));
    assert!(md.contains("dig +short -x 192.0.2.10"));
    assert!(md.contains(
        "swaks --server 127.0.0.1 --port 2525 --from relaytest@example.org --to relaytest@example.net --quit-after RCPT"
    ));
    // The checklist with ticks.
    assert!(md.contains("- [x] **Exploitable web forms and PHP mail() scripts**"));
    assert!(md.contains("- [ ] **Opt-out links and list hygiene**"));
    assert!(md.contains("Some checks were still running"));
}

#[test]
fn every_seed_remediation_step_is_in_the_catalogue() {
    for seed in SEED_STEPS {
        let text: String = seed
            .kinds
            .iter()
            .map(|k| {
                let info = steps::info(*k);
                format!(
                    "{} {} {} {}",
                    info.title,
                    info.what,
                    info.why,
                    info.fix.join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        for kw in seed.keywords {
            assert!(
                text.contains(&kw.to_lowercase()),
                "seed {} step `{}`: `{kw}` not found in {:?}",
                seed.seed,
                seed.step,
                seed.kinds
            );
        }
    }
    // Each seed that carries remediation advice is represented.
    for s in ["000", "002", "003", "004"] {
        assert!(SEED_STEPS.iter().any(|x| x.seed == s), "seed {s}");
    }
    // The eight MessageLabs steps I-VIII and the closing advice.
    for numeral in ["I.", "II.", "III.", "IV.", "V.", "VI.", "VII.", "VIII."] {
        assert!(
            SEED_STEPS
                .iter()
                .any(|x| x.step.starts_with(&format!("{numeral} "))),
            "{numeral}"
        );
    }
    // Every manual kind named by the issue has its own catalogue step.
    for k in [
        CheckKind::SmartHost,
        CheckKind::Content,
        CheckKind::InfectedHosts,
        CheckKind::WebScripts,
        CheckKind::OptOut,
        CheckKind::TrafficShaping,
        CheckKind::ContactRecipient,
    ] {
        assert!(CATALOGUE.iter().any(|s| s.kind == k && s.is_manual()));
    }
}

#[test]
fn blocklist_and_ptr_findings_point_at_checklist_steps() {
    let mut w = Wizard::new(full_inputs());
    let runs = w.start().unwrap();
    let find = |k: CheckKind| runs.iter().find(|r| r.kind == k).unwrap().clone();
    let smart = index_of(&w, CheckKind::SmartHost);
    let infected = index_of(&w, CheckKind::InfectedHosts);
    assert!(!w.steps[smart].is_relevant());

    // A list that could not be asked mentions PBL too, but is no finding.
    let mut unasked = report(CheckKind::Blocklist, Status::Error, "could not check");
    unasked
        .details
        .push("could not check 192.0.2.10 on Spamhaus PBL (pbl.spamhaus.org): timeout".into());
    let bl = find(CheckKind::Blocklist);
    assert!(w.step_finished(bl.step, bl.run, unasked));
    assert!(!w.steps[smart].is_relevant());

    let again = w.rerun(bl.step).unwrap();
    let mut listed = report(CheckKind::Blocklist, Status::Fail, "192.0.2.10 listed");
    listed.details.push(
        "LISTED: 192.0.2.10 on Spamhaus ZEN (zen.spamhaus.org): 127.0.0.11 = PBL (Spamhaus-maintained): end-user space".into(),
    );
    assert!(w.step_finished(bl.step, again.run, listed));
    assert!(w.steps[smart].relevance[0].contains("Spamhaus PBL"));
    assert!(!w.steps[infected].is_relevant());
    let sum = w.summary();
    assert!(sum
        .next_actions
        .iter()
        .any(|a| a.contains("checklist items for this bounce") && a.contains("smart host")));

    let ptr = find(CheckKind::DnsPtr);
    let mut generic = report(CheckKind::DnsPtr, Status::Warn, "generic name");
    generic.details.push(
        "192.0.2.10: PTR 10-2-0-192.dsl.example.net looks generic/dynamic (the IP is in the name)"
            .into(),
    );
    assert!(w.step_finished(ptr.step, ptr.run, generic));
    assert_eq!(w.steps[smart].relevance.len(), 2);
}

#[test]
fn cursor_stays_inside_the_list() {
    let mut w = Wizard::new(Inputs::default());
    w.select(-5);
    assert_eq!(w.selected, 0);
    w.select(100);
    assert_eq!(w.selected, w.steps.len() - 1);
}

// The wizard pane of the interface, driven through `Model::update` with no terminal.
mod pane {
    use super::*;
    use bounce_doctor::tui::model::{Action, Command, Effect, Model, Pane};
    use bounce_doctor::tui::theme::Theme;
    use ratatui::layout::Rect;
    use std::sync::Arc;

    fn model() -> Model {
        let kb = KnowledgeBase::from_entries(
            vec![entry(
                "pane-entry",
                Reason::AuthFailure,
                vec![CheckKind::Spf],
                vec!["Fix SPF"],
            )],
            vec![],
        );
        Model::new(Arc::new(kb), Theme::plain(), Rect::new(0, 0, 120, 40))
    }

    fn cmd(m: &mut Model, c: Command) -> Vec<Effect> {
        m.update(Action::Command(c))
    }

    fn typed(m: &mut Model, s: &str) {
        for c in s.chars() {
            m.update(Action::Insert(c));
        }
    }

    fn wiz(m: &Model) -> &Wizard {
        &m.wizard.as_ref().unwrap().wizard
    }

    #[test]
    fn w_on_an_entry_opens_the_wizard_and_enter_runs_checks() {
        let mut m = model();
        cmd(&mut m, Command::NextFocus); // search → list
        assert!(cmd(&mut m, Command::StartWizard).is_empty());
        assert_eq!(m.pane, Pane::Wizard);
        assert_eq!(wiz(&m).steps[0].title, "Steps for Title of pane-entry");
        assert_eq!(wiz(&m).steps[1].check_kind(), Some(CheckKind::Spf));

        // Letters go into the focused field, not the search.
        typed(&mut m, "192.0.2.300");
        let effects = cmd(&mut m, Command::Open);
        assert!(effects.is_empty());
        assert!(wiz(&m).error_for(Field::Ips).is_some());
        assert!(m.query.is_empty());
        for _ in 0..3 {
            cmd(&mut m, Command::DeleteChar);
        }
        typed(&mut m, "10");
        cmd(&mut m, Command::NextFocus);
        m.update(Action::Paste("example.com\n".into()));
        assert_eq!(wiz(&m).inputs.domain, "example.com");

        let effects = cmd(&mut m, Command::Open);
        assert_eq!(wiz(&m).phase, Phase::Steps);
        let runs: Vec<_> = effects
            .iter()
            .map(|e| match e {
                Effect::RunCheck(r) => r.clone(),
                other => panic!("unexpected effect {other:?}"),
            })
            .collect();
        assert_eq!(runs[0].kind, CheckKind::Spf);
        assert!(runs.iter().all(|r| r.target.ips.len() == 1));
        assert!(m.busy(), "running checks show the spinner");

        // Results come back as actions; stale ones are ignored.
        let spf = runs[0].clone();
        m.update(Action::CheckFinished {
            step: spf.step,
            run: spf.run,
            report: report(CheckKind::Spf, Status::Fail, "SPF fails"),
        });
        assert_eq!(wiz(&m).steps[spf.step].outcome(), Outcome::Fail);

        // Esc on a running step cancels that check only.
        cmd(&mut m, Command::Down);
        cmd(&mut m, Command::Down);
        let sel = wiz(&m).selected;
        let run = runs.iter().find(|r| r.step == sel).unwrap().run;
        assert_eq!(cmd(&mut m, Command::Back), vec![Effect::CancelCheck(run)]);
        assert_eq!(wiz(&m).steps[sel].outcome(), Outcome::CouldNotCheck);
        assert_eq!(wiz(&m).phase, Phase::Steps);
        // r runs it again.
        match cmd(&mut m, Command::RerunStep).as_slice() {
            [Effect::RunCheck(r)] => assert_eq!(r.step, sel),
            other => panic!("{other:?}"),
        }
        // Space ticks only checklist items.
        cmd(&mut m, Command::Home);
        cmd(&mut m, Command::TickStep);
        assert_eq!(wiz(&m).steps[0].outcome(), Outcome::Done);

        // Summary, export and copy.
        cmd(&mut m, Command::ShowSummary);
        assert_eq!(wiz(&m).phase, Phase::Summary);
        match cmd(&mut m, Command::ExportReport).as_slice() {
            [Effect::ExportReport { path, markdown }] => {
                let name = path.display().to_string();
                assert!(name.starts_with("bounce-doctor-report-") && name.ends_with(".md"));
                assert!(markdown.contains("SPF fails"));
            }
            other => panic!("{other:?}"),
        }
        m.update(Action::ReportExported {
            path: "r.md".into(),
            result: Ok(()),
        });
        assert!(m
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("Report written to r.md"));
        match cmd(&mut m, Command::CopyEntry).as_slice() {
            [Effect::CopyToClipboard(md)] => assert!(md.starts_with("# bounce-doctor")),
            other => panic!("{other:?}"),
        }
        m.update(Action::Copied {
            text: "x".into(),
            result: Ok(()),
        });
        assert!(m
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("Copied the report"));

        // Back to the steps, back to the inputs (cancelling what still runs), close.
        cmd(&mut m, Command::Back);
        assert_eq!(wiz(&m).phase, Phase::Steps);
        cmd(&mut m, Command::Home);
        let cancels = cmd(&mut m, Command::Back);
        assert_eq!(wiz(&m).phase, Phase::Inputs);
        assert!(cancels.iter().all(|e| matches!(e, Effect::CancelCheck(_))));
        assert!(!cancels.is_empty());
        assert!(!m.busy());
        cmd(&mut m, Command::Back);
        assert_eq!(m.pane, Pane::Browse);
    }

    #[test]
    fn w_from_the_search_box_opens_an_empty_wizard() {
        let mut m = model();
        // In the search box `w` is text; the command still works when bound elsewhere.
        cmd(&mut m, Command::StartWizard);
        assert_eq!(m.pane, Pane::Wizard);
        assert!(wiz(&m).context.entries.is_empty());
        assert_eq!(wiz(&m).steps[0].check_kind(), Some(CheckKind::Blocklist));
    }
}

#[test]
fn reopening_the_wizard_cancels_old_checks_and_never_reuses_run_ids() {
    use bounce_doctor::tui::model::{Action, Command, Effect, Model, Pane};
    use bounce_doctor::tui::theme::Theme;
    use std::sync::Arc;
    let mut m = Model::new(
        Arc::new(KnowledgeBase::default()),
        Theme::plain(),
        ratatui::layout::Rect::new(0, 0, 100, 30),
    );
    m.update(Action::Command(Command::StartWizard));
    m.update(Action::Command(Command::NextFocus)); // the domain field
    for c in "example.com".chars() {
        m.update(Action::Insert(c));
    }
    let runs: Vec<u64> = m
        .update(Action::Command(Command::Open))
        .into_iter()
        .map(|e| match e {
            Effect::RunCheck(r) => r.run,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(!runs.is_empty());
    // Ctrl+V leaves for the paste pane; `w` there opens a fresh wizard.
    m.update(Action::Command(Command::PasteClipboard));
    assert_eq!(m.pane, Pane::Paste);
    // While the clipboard is being read, `w` waits for the diagnosis.
    assert!(m.update(Action::Command(Command::StartWizard)).is_empty());
    assert_eq!(m.pane, Pane::Paste);
    m.update(Action::ClipboardRead(Err("no display".into())));
    let effects = m.update(Action::Command(Command::StartWizard));
    let cancelled: Vec<u64> = effects
        .iter()
        .map(|e| match e {
            Effect::CancelCheck(r) => *r,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(cancelled, runs);
    let w = &m.wizard.as_ref().unwrap().wizard;
    assert!(w.next_run() > *runs.iter().max().unwrap());
}

#[test]
fn report_files_are_written_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(bounce_doctor::wizard::report_file_name(1_795_426_200));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let write = |md: &str| {
        rt.block_on(bounce_doctor::tui::app::write_report(
            path.clone(),
            md.to_string(),
        ))
    };
    write("# first\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# first\n");
    let err = write("# second\n").unwrap_err();
    assert!(!err.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# first\n");
    let missing = dir.path().join("no/such/dir/report.md");
    assert!(rt
        .block_on(bounce_doctor::tui::app::write_report(missing, "x".into()))
        .is_err());
}

#[test]
fn wizard_pane_draws_at_every_size_and_phase() {
    use bounce_doctor::tui::model::{Action, Command, Model};
    use bounce_doctor::tui::theme::Theme;
    use bounce_doctor::tui::view;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use std::sync::Arc;

    let screen = |term: &Terminal<TestBackend>| -> String {
        let buf = term.backend().buffer();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    };
    for (w, h) in [(20, 6), (34, 10), (60, 20), (100, 30), (200, 60)] {
        let mut m = Model::new(
            Arc::new(KnowledgeBase::default()),
            Theme::plain(),
            ratatui::layout::Rect::new(0, 0, w, h),
        );
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        m.update(Action::Command(Command::StartWizard));
        for c in "192.0.2.10 bad".chars() {
            m.update(Action::Insert(c));
        }
        m.update(Action::Command(Command::Open));
        term.draw(|f| view::render(f, &m)).unwrap();
        if w >= 100 {
            assert!(screen(&term).contains("`bad` is not an IPv4"), "{w}x{h}");
        }
        for _ in 0..4 {
            m.update(Action::Command(Command::DeleteChar));
        }
        let effects = m.update(Action::Command(Command::Open));
        assert!(!effects.is_empty());
        for _ in 0..3 {
            m.update(Action::Tick);
            term.draw(|f| view::render(f, &m)).unwrap();
        }
        if w >= 100 {
            let s = screen(&term);
            assert!(s.contains("Sending IP on blocklists"), "{s}");
            assert!(s.contains("running"), "{s}");
        }
        // Move through every step, then the summary, scrolled past its end.
        for _ in 0..20 {
            m.update(Action::Command(Command::Down));
            term.draw(|f| view::render(f, &m)).unwrap();
        }
        m.update(Action::Command(Command::ShowSummary));
        for _ in 0..30 {
            m.update(Action::Command(Command::PageDown));
        }
        term.draw(|f| view::render(f, &m)).unwrap();
        if w >= 100 {
            // Scrolling stops at the end: the last lines stay on screen.
            assert!(
                screen(&term).contains("e writes the full report"),
                "{w}x{h}"
            );
            // The offset stopped at the end, so one PageUp moves back at once.
            let at_end = m.wizard.as_ref().unwrap().scroll;
            assert!(at_end < 150, "{at_end}");
            m.update(Action::Command(Command::PageUp));
            assert_eq!(m.wizard.as_ref().unwrap().scroll, at_end.saturating_sub(5));
        }
        m.update(Action::Command(Command::Help));
        term.draw(|f| view::render(f, &m)).unwrap();
    }
}
