//! DNS checks (MX, PTR, HELO, SPF, DMARC, DKIM, MTA-STS) against an in-process
//! DNS server on loopback.

#[path = "support/dns_server.rs"]
mod dns_server;

use bounce_doctor::checks::{dns, CheckReport, Status, Target};
use bounce_doctor::knowledge::CheckKind;
use dns_server::{zone, Behaviour, DnsServer};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

async fn server() -> DnsServer {
    let mut many =
        String::from("@ TXT \"v=spf1 include:l1.many.test include:l2.many.test -all\"\n");
    many.push_str("l1 TXT \"v=spf1 a:h1.many.test a:h2.many.test a:h3.many.test a:h4.many.test a:h5.many.test -all\"\n");
    many.push_str("l2 TXT \"v=spf1 a:h6.many.test a:h7.many.test a:h8.many.test a:h9.many.test a:h10.many.test -all\"\n");
    for i in 1..=10 {
        many.push_str(&format!("h{i} A 192.0.2.{}\n", 100 + i));
    }
    let zones = vec![
        zone(
            "good.test",
            r#"@ MX 10 mail.good.test.
@ MX 20 mx2.good.test.
mail A 192.0.2.1
mx2 A 192.0.2.2
mismatch A 192.0.2.200
@ TXT "v=spf1 ip4:192.0.2.0/28 include:_spf.provider.test -all"
@ TXT "google-site-verification=abc"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@good.test; adkim=s"
s2048._domainkey TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnTqauDhjpSsAowW5B2wJUB+qZlchmvduYk5ELUpcIxRwaMkO8wVRbh3OVgOZR1GqLA2wp3gAUuwW0mmec8bNB5vWnKqGhyKL2vGIrNLvArtUUsyAvGlK8e46tUGVV2jlCHTThu1R8PDabQZ+IHIXk6PWrN4g" "gigKyInu8Jb6Cpi2H0AmLKXDneP9uFv16a5Rp7ldrtByenxV0mywFZCq+RU5SafjOSgpnkU++ILgs2lvZEOltnRCDbnXywoIRYfmiMKalRwyn/AbhoVKj18Bl3X0xt7amFI2eLHkonH3+XJ2o99PJEFpdPl3ipb6J/zJP4ktW3fZ8qqFImqxmbsHMwIDAQAB"
old._domainkey TXT "v=DKIM1; p="
weak._domainkey TXT "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANW7hTGv8FhwbwSsYtxTGssRc1b7+p4ph5vo/n3ZBbZkyg2hXoC0VfaapVl+bku/djyPi4E9FQ+j2NZIjtMB2UsCAwEAAQ=="
_mta-sts TXT "v=STSv1; id=20260101"
_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@good.test"
"#,
        ),
        zone("provider.test", "_spf TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n"),
        zone("many.test", &many),
        zone(
            "void.test",
            "@ TXT \"v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test ip4:192.0.2.1 -all\"\n",
        ),
        zone(
            "twospf.test",
            "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"\n@ TXT \"v=spf1 include:provider.test ~all\"\n",
        ),
        zone(
            "halfdead.test",
            "@ TXT \"v=spf1 include:dead.test include:_spf.provider.test -all\"\n",
        ),
        zone("plusall.test", "@ TXT \"v=spf1 ptr +all\"\n"),
        zone("nullmx.test", "@ MX 0 .\n"),
        zone("nomx.test", "@ A 192.0.2.50\n"),
        zone(
            "cnamemx.test",
            "@ MX 10 alias.cnamemx.test.\nalias CNAME real.cnamemx.test.\nreal A 10.0.0.5\n",
        ),
        zone(
            "nonedmarc.test",
            "_dmarc TXT \"v=DMARC1; p=none\"\n",
        ),
        zone("nodmarc.test", "@ A 192.0.2.60\n"),
        // A multi-label public suffix. Its own `_dmarc` record is a decoy: a
        // suffix's policy never applies to the domains registered under it.
        zone(
            "co.uk",
            "_dmarc TXT \"v=DMARC1; p=none\"\n\
             _dmarc.example TXT \"v=DMARC1; p=reject; rua=mailto:d@example.co.uk\"\n\
             mail.example A 192.0.2.70\n\
             nodmarc A 192.0.2.71\n",
        ),
        zone(
            "extrua.test",
            "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:r@reports.test\"\n",
        ),
        zone(
            "extok.test",
            "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:r@reports.test!10m\"\n",
        ),
        zone(
            "reports.test",
            "extok.test._report._dmarc TXT \"v=DMARC1\"\n",
        ),
        zone("badsts.test", "_mta-sts TXT \"v=STSv1; id=bad-id!\"\n"),
        zone("dead.test", "@ TXT \"v=spf1 -all\"\n_dmarc TXT \"v=DMARC1; p=reject\"\n"),
        zone(
            "2.0.192.in-addr.arpa",
            "1 PTR mail.good.test.\n2 PTR mx2.good.test.\n3 PTR mismatch.good.test.\n5 PTR 5-2-0-192.dsl.isp.test.\n",
        ),
        zone("isp.test", "5-2-0-192.dsl A 192.0.2.5\n"),
    ];
    let s = DnsServer::start(&zones).await;
    s.behave("dead.test", Behaviour::Drop);
    s.behave("_dmarc.nodmarc.test", Behaviour::ServFail);
    s
}

fn target(domain: &str) -> Target {
    Target {
        domain: Some(domain.to_string()),
        ..Target::default()
    }
}

fn with_ips(mut t: Target, ips: &[&str]) -> Target {
    t.ips = ips.iter().map(|i| i.parse().unwrap()).collect();
    t
}

async fn check(s: &DnsServer, kind: CheckKind, t: &Target) -> CheckReport {
    dns::run(
        kind,
        t,
        &s.settings(Duration::from_millis(1000)),
        CancellationToken::new(),
    )
    .await
}

/// Run `kind` for `domain` and insist on `status`; returns the report for
/// further checks.
async fn expect(s: &DnsServer, kind: CheckKind, domain: &str, status: Status) -> CheckReport {
    let r = check(s, kind, &target(domain)).await;
    assert_eq!(r.status, status, "{r:#?}");
    r
}

fn has(r: &CheckReport, text: &str) -> bool {
    r.details.iter().any(|d| d.contains(text))
}

fn complete(r: &CheckReport) {
    assert!(!r.summary.is_empty(), "{r:#?}");
    assert!(!r.evidence.is_empty(), "{r:#?}");
    assert!(r.commands.iter().all(|c| c.starts_with("dig ")), "{r:#?}");
    if matches!(r.status, Status::Fail | Status::Warn | Status::Error) {
        assert!(!r.fix.is_empty(), "no fix steps: {r:#?}");
    }
}

#[tokio::test]
async fn mx_good_null_implicit_and_cname() {
    let s = server().await;
    let r = expect(&s, CheckKind::DnsMx, "good.test", Status::Pass).await;
    assert!(has(&r, "MX mail.good.test → 192.0.2.1"));
    complete(&r);

    let r = expect(&s, CheckKind::DnsMx, "nullmx.test", Status::Fail).await;
    assert!(r.summary.contains("null MX"));
    complete(&r);

    let r = expect(&s, CheckKind::DnsMx, "nomx.test", Status::Warn).await;
    assert!(has(&r, "implicit MX") && has(&r, "192.0.2.50"));
    complete(&r);

    let r = expect(&s, CheckKind::DnsMx, "cnamemx.test", Status::Warn).await;
    assert!(has(&r, "CNAME") && has(&r, "private/loopback"));

    let r = expect(&s, CheckKind::DnsMx, "nowhere.good.test", Status::Fail).await;
    assert!(r.summary.contains("does not exist"));

    // A server that never answers: could not check, never "no MX".
    let r = expect(&s, CheckKind::DnsMx, "dead.test", Status::Error).await;
    assert!(r.evidence.iter().any(|e| e.answer.starts_with("timeout")));
    complete(&r);
}

#[tokio::test]
async fn ptr_and_forward_confirmation() {
    let s = server().await;
    let r = check(
        &s,
        CheckKind::DnsPtr,
        &with_ips(Target::default(), &["192.0.2.1"]),
    )
    .await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(has(&r, "192.0.2.1 → mail.good.test → 192.0.2.1"));
    complete(&r);

    // FCrDNS mismatch: PTR name resolves to another address.
    let r = check(
        &s,
        CheckKind::DnsPtr,
        &with_ips(Target::default(), &["192.0.2.3"]),
    )
    .await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(has(&r, "FCrDNS fails") && has(&r, "192.0.2.200"));
    complete(&r);

    // Missing PTR.
    let r = check(
        &s,
        CheckKind::DnsPtr,
        &with_ips(Target::default(), &["192.0.2.4"]),
    )
    .await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(has(&r, "no PTR"));

    // Generic PTR that does forward-confirm: a warning.
    let r = check(
        &s,
        CheckKind::DnsPtr,
        &with_ips(Target::default(), &["::ffff:192.0.2.5"]),
    )
    .await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(has(&r, "generic/dynamic"));
    assert!(r
        .evidence
        .iter()
        .any(|e| e.query == "PTR 5.2.0.192.in-addr.arpa"));

    let r = check(&s, CheckKind::DnsPtr, &Target::default()).await;
    assert_eq!(r.status, Status::Skipped);
}

#[tokio::test]
async fn helo_name_against_dns_and_ptr() {
    let s = server().await;
    let mut t = with_ips(Target::default(), &["192.0.2.1"]);
    t.mail_host = Some("mail.good.test".into());
    let r = check(&s, CheckKind::Helo, &t).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(has(&r, "matches the HELO name"));

    t.ips = vec!["192.0.2.2".parse().unwrap()];
    let r = check(&s, CheckKind::Helo, &t).await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(has(&r, "does not resolve to the sending IP") && has(&r, "mx2.good.test"));
    complete(&r);

    t.mail_host = Some("localhost".into());
    let r = check(&s, CheckKind::Helo, &t).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");

    t.mail_host = Some("nohost.good.test".into());
    let r = check(&s, CheckKind::Helo, &t).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(has(&r, "no A/AAAA"));
}

#[tokio::test]
async fn spf_record_syntax_lookups_and_evaluation() {
    let s = server().await;
    let t = with_ips(
        target("good.test"),
        &["192.0.2.1", "198.51.100.7", "203.0.113.9"],
    );
    let r = check(&s, CheckKind::Spf, &t).await;
    // 203.0.113.9 is not authorised: the check fails for it, passes for the others.
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(
        has(
            &r,
            "SPF for 192.0.2.1 sending as postmaster@good.test: pass"
        ),
        "{r:#?}"
    );
    assert!(has(&r, "matched by ip4:192.0.2.0/28 (in good.test)"));
    assert!(
        has(&r, "198.51.100.7 sending as postmaster@good.test: pass")
            && has(&r, "include:_spf.provider.test (in good.test) → ip4:198.51.100.0/24 (in _spf.provider.test)"),
        "{r:#?}"
    );
    assert!(
        has(&r, "203.0.113.9 sending as postmaster@good.test: fail") && has(&r, "matched by -all")
    );
    assert!(has(&r, "DNS lookups: 1 of the 10"));
    complete(&r);

    expect(&s, CheckKind::Spf, "good.test", Status::Pass).await;

    // Two includes with five `a` each: 12 lookups counted through the nesting.
    let r = expect(&s, CheckKind::Spf, "many.test", Status::Fail).await;
    assert!(has(&r, "needs 12 DNS lookups"), "{r:#?}");

    let r = expect(&s, CheckKind::Spf, "void.test", Status::Fail).await;
    assert!(has(&r, "3 lookups return no data"));

    let r = expect(&s, CheckKind::Spf, "twospf.test", Status::Fail).await;
    assert!(r.summary.contains("2 SPF records"));

    let r = check(
        &s,
        CheckKind::Spf,
        &with_ips(target("plusall.test"), &["203.0.113.9"]),
    )
    .await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(has(&r, "authorises every IP") && has(&r, "deprecated `ptr`"));

    let r = expect(&s, CheckKind::Spf, "nodmarc.test", Status::Fail).await;
    assert!(r.summary.contains("no SPF record"));

    // An include that times out: the lookup count is unknown, not "fine".
    let r = expect(&s, CheckKind::Spf, "halfdead.test", Status::Error).await;
    assert!(has(&r, "could not count every DNS lookup"));
    // The walk stops at the failure instead of waiting on further lookups.
    assert!(!r.evidence.iter().any(|e| e.query.contains("provider.test")));

    // Timeout: could not check, never "no SPF record".
    let r = expect(&s, CheckKind::Spf, "dead.test", Status::Error).await;
    assert!(!r.summary.contains("no SPF"));
    complete(&r);
}

#[tokio::test]
async fn dmarc_policies() {
    let s = server().await;
    let r = expect(&s, CheckKind::Dmarc, "good.test", Status::Pass).await;
    assert!(has(&r, "p=reject"));

    // Organisational-domain fallback.
    let r = expect(&s, CheckKind::Dmarc, "news.good.test", Status::Pass).await;
    assert!(has(&r, "_dmarc.good.test applies"));

    let r = expect(&s, CheckKind::Dmarc, "nonedmarc.test", Status::Warn).await;
    assert!(has(&r, "p=none") && has(&r, "no rua="));
    complete(&r);

    let r = expect(&s, CheckKind::Dmarc, "many.test", Status::Fail).await;
    assert!(r.summary.contains("no DMARC record"));

    // Reports to another domain need that domain's consent record.
    let r = expect(&s, CheckKind::Dmarc, "extrua.test", Status::Warn).await;
    assert!(has(&r, "extrua.test._report._dmarc.reports.test"));
    let r = expect(&s, CheckKind::Dmarc, "extok.test", Status::Pass).await;
    assert!(has(&r, "reports.test accepts reports for extok.test"));

    // SERVFAIL is "could not check".
    let r = expect(&s, CheckKind::Dmarc, "nodmarc.test", Status::Error).await;
    assert!(has(&r, "SERVFAIL"));
}

#[tokio::test]
async fn dmarc_fallback_stops_below_a_multi_label_public_suffix() {
    let s = server().await;
    // mail.example.co.uk falls back to example.co.uk, not to co.uk.
    let r = expect(&s, CheckKind::Dmarc, "mail.example.co.uk", Status::Pass).await;
    assert!(has(&r, "_dmarc.example.co.uk applies"), "{r:#?}");
    assert!(has(&r, "p=reject"), "{r:#?}");
    assert!(
        r.evidence.iter().all(|e| e.query != "TXT _dmarc.co.uk"),
        "asked the public suffix: {r:#?}"
    );

    // A registered domain right under the suffix has no parent policy.
    let r = expect(&s, CheckKind::Dmarc, "nodmarc.co.uk", Status::Fail).await;
    assert!(r.summary.contains("no DMARC record"), "{r:#?}");
    assert!(
        r.evidence
            .iter()
            .all(|e| !e.query.ends_with(" _dmarc.co.uk")),
        "asked the public suffix: {r:#?}"
    );
}

#[tokio::test]
async fn dkim_keys_sizes_and_revocation() {
    let s = server().await;
    let mut t = target("good.test");
    t.selectors = vec!["s2048".into()];
    let r = check(&s, CheckKind::Dkim, &t).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(has(&r, "selector s2048: rsa key, 2048 bits"), "{r:#?}");
    // The common-selector scan does not know `old`/`weak`; ask for them.
    t.selectors = vec!["old".into(), "weak".into()];
    let r = check(&s, CheckKind::Dkim, &t).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(has(&r, "selector old: key revoked"));
    assert!(has(&r, "selector weak: RSA key of 512 bits"));
    complete(&r);

    t.selectors = vec!["missing".into()];
    let r = check(&s, CheckKind::Dkim, &t).await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(has(&r, "no DKIM key at missing._domainkey.good.test"));

    let r = expect(&s, CheckKind::Dkim, "nomx.test", Status::Warn).await;
    assert!(r.summary.contains("no DKIM key found"));

    expect(&s, CheckKind::Dkim, "dead.test", Status::Error).await;
}

#[tokio::test]
async fn mta_sts_and_tls_rpt() {
    let s = server().await;
    let r = expect(&s, CheckKind::MtaSts, "good.test", Status::Pass).await;
    assert!(has(&r, "policy file not fetched"));
    expect(&s, CheckKind::MtaSts, "badsts.test", Status::Fail).await;
    let r = expect(&s, CheckKind::MtaSts, "nomx.test", Status::Warn).await;
    complete(&r);
    expect(&s, CheckKind::MtaSts, "dead.test", Status::Error).await;
}

#[tokio::test]
async fn dns_checks_cancel_promptly() {
    let s = server().await;
    let r = s
        .cancel_in_flight(&CancellationToken::new(), |settings, cancel| async move {
            dns::run(CheckKind::Spf, &target("dead.test"), &settings, cancel).await
        })
        .await;
    assert_eq!(r.status, Status::Skipped);
    assert!(r.summary.contains("cancelled"));
}
