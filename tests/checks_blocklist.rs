//! Blocklist checks against an in-process DNS server on loopback.

#[path = "support/dns_server.rs"]
mod dns_server;

use bounce_doctor::checks::blocklist::{self, ListResult, ProbeError, Verdict};
use bounce_doctor::checks::lists::{self, Blocklist, Family, ListKind, Role};
use bounce_doctor::checks::{CheckReport, Status};
use dns_server::{zone, Behaviour, DnsServer};
use std::net::IpAddr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const LISTED_IP: &str = "192.0.2.1";
const CLEAN_IP: &str = "192.0.2.99";
/// RFC 5782 IPv6 test points in nibble form: `::FFFF:7F00:2` must be listed,
/// `::FFFF:7F00:1` must not.
const V6_TEST: &str = "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0";
const V6_MUST_NOT: &str = "1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0";

fn base(zone: &str) -> Blocklist {
    *lists::CATALOGUE.iter().find(|l| l.zone == zone).unwrap()
}

/// A plain RFC 5782 list under our own name.
fn plain(zone: &'static str) -> Blocklist {
    Blocklist {
        name: zone,
        zone,
        ..base("bl.spamcop.net")
    }
}

/// A list that decodes like Spamhaus (refusal codes 127.255.255.x).
fn spamhaus_like(zone: &'static str) -> Blocklist {
    Blocklist {
        name: zone,
        zone,
        ..base("zen.spamhaus.org")
    }
}

/// Zone of a working list: test point listed, LISTED_IP listed with a reason.
fn working_zone(origin: &str, code: &str) -> String {
    zone(
        origin,
        &format!(
            "2.0.0.127 A 127.0.0.2\n2.0.0.127 TXT \"test point\"\n\
             1.2.0.192 A {code}\n1.2.0.192 TXT \"Listed for spam, see https://lists.example/lookup?ip=192.0.2.1\"\n"
        ),
    )
}

fn ips(list: &[&str]) -> Vec<IpAddr> {
    list.iter().map(|s| s.parse().unwrap()).collect()
}

fn verdict<'a>(results: &'a [ListResult], zone: &str, subject: &str) -> &'a Verdict {
    &results
        .iter()
        .find(|r| r.list.zone == zone && r.subject == subject)
        .unwrap_or_else(|| panic!("no result for {zone} / {subject}"))
        .verdict
}

fn could_not_check(v: &Verdict, why_contains: &str) {
    match v {
        Verdict::CouldNotCheck { why } => assert!(
            why.contains(why_contains),
            "expected `{why_contains}` in `{why}`"
        ),
        other => panic!("expected could-not-check ({why_contains}), got {other:?}"),
    }
}

/// One server with every kind of list behaviour the checker must tell apart.
async fn zoo() -> (DnsServer, Vec<Blocklist>) {
    let zones = vec![
        working_zone("listed.bl.test", "127.0.0.2"),
        // Working, but LISTED_IP / CLEAN_IP are not in it.
        zone("clean.bl.test", "2.0.0.127 A 127.0.0.2\n"),
        // A public-resolver refusal for every name, Spamhaus style.
        zone("pubres.bl.test", "* A 127.255.255.254\n"),
        // Served, but answered REFUSED / SERVFAIL / slowly / never by the wrapper.
        working_zone("refused.bl.test", "127.0.0.2"),
        working_zone("servfail.bl.test", "127.0.0.2"),
        working_zone("slow.bl.test", "127.0.0.2"),
        working_zone("dead.bl.test", "127.0.0.2"),
        // Lists the world, including the must-not-list point 127.0.0.1.
        zone("world.bl.test", "* A 127.0.0.2\n"),
        // Test point missing: the list answers NXDOMAIN for everything.
        zone("notest.bl.test", "1.1.1.1 A 127.0.0.2\n"),
        // Rewrites unknown names to a web server (outside 127/8).
        zone("hijack.bl.test", "* A 198.51.100.7\n"),
        // Allow list: listing is good news.
        zone(
            "allow.bl.test",
            "2.0.0.127 A 127.0.10.0\n1.2.0.192 A 127.0.15.3\n",
        ),
    ];
    let server = DnsServer::start(&zones).await;
    server.behave("refused.bl.test", Behaviour::Refuse);
    server.behave("servfail.bl.test", Behaviour::ServFail);
    server.behave("slow.bl.test", Behaviour::Delay(Duration::from_millis(150)));
    server.behave("dead.bl.test", Behaviour::Drop);
    let lists = vec![
        plain("listed.bl.test"),
        plain("clean.bl.test"),
        spamhaus_like("pubres.bl.test"),
        plain("refused.bl.test"),
        plain("servfail.bl.test"),
        plain("slow.bl.test"),
        plain("dead.bl.test"),
        plain("world.bl.test"),
        plain("notest.bl.test"),
        plain("hijack.bl.test"),
        Blocklist {
            name: "allow",
            zone: "allow.bl.test",
            ..base("list.dnswl.org")
        },
    ];
    (server, lists)
}

#[tokio::test]
async fn listed_clean_refused_code_refused_rcode_and_timeout_are_told_apart() {
    let (server, lists) = zoo().await;
    let settings = server.settings(Duration::from_millis(1000));
    let results = blocklist::ip_results(
        &lists,
        &ips(&[LISTED_IP, CLEAN_IP]),
        &settings,
        CancellationToken::new(),
    )
    .await
    .unwrap();

    match verdict(&results, "listed.bl.test", LISTED_IP) {
        Verdict::Listed { codes, txt } => {
            assert_eq!(codes[0].0.to_string(), "127.0.0.2");
            assert!(txt[0].contains("Listed for spam"), "{txt:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        verdict(&results, "listed.bl.test", CLEAN_IP),
        &Verdict::NotListed { note: None }
    );
    assert_eq!(
        verdict(&results, "clean.bl.test", LISTED_IP),
        &Verdict::NotListed { note: None }
    );
    // Slow but within the timeout: a real answer.
    assert!(matches!(
        verdict(&results, "slow.bl.test", LISTED_IP),
        Verdict::Listed { .. }
    ));
    could_not_check(
        verdict(&results, "pubres.bl.test", CLEAN_IP),
        "127.255.255.254",
    );
    could_not_check(verdict(&results, "refused.bl.test", LISTED_IP), "REFUSED");
    could_not_check(verdict(&results, "servfail.bl.test", LISTED_IP), "SERVFAIL");
    // A list that never answers is a timeout, never clean and never listed.
    could_not_check(verdict(&results, "dead.bl.test", CLEAN_IP), "timeout");
    could_not_check(verdict(&results, "dead.bl.test", LISTED_IP), "timeout");
    could_not_check(verdict(&results, "notest.bl.test", CLEAN_IP), "test entry");
    could_not_check(
        verdict(&results, "hijack.bl.test", CLEAN_IP),
        "outside 127.0.0.0/8",
    );
    assert!(matches!(
        verdict(&results, "world.bl.test", CLEAN_IP),
        Verdict::Broken { .. }
    ));
    match verdict(&results, "allow.bl.test", LISTED_IP) {
        Verdict::AllowListed { meanings } => assert!(meanings[0].contains("trust high")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        verdict(&results, "allow.bl.test", CLEAN_IP),
        &Verdict::NotListed { note: None }
    );
}

async fn report(lists: &[Blocklist], ip: &[&str], server: &DnsServer) -> CheckReport {
    blocklist::check_ips(
        lists,
        &ips(ip),
        &server.settings(Duration::from_millis(1000)),
        CancellationToken::new(),
    )
    .await
}

#[tokio::test]
async fn report_status_follows_the_worst_usable_answer() {
    let (server, all) = zoo().await;
    let pick = |zones: &[&str]| -> Vec<Blocklist> {
        all.iter()
            .filter(|l| zones.contains(&l.zone))
            .copied()
            .collect()
    };

    let r = report(
        &pick(&["listed.bl.test", "clean.bl.test"]),
        &[LISTED_IP],
        &server,
    )
    .await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(r.summary.contains("listed.bl.test"));
    assert!(r.details.iter().any(|d| d.starts_with("LISTED")
        && d.contains("Listed for spam")
        && d.contains("delisting")));
    assert!(r
        .commands
        .iter()
        .any(|c| c.contains("1.2.0.192.listed.bl.test A")
            && c.contains(&server.addr.port().to_string())));
    assert!(r
        .evidence
        .iter()
        .any(|e| e.query == "A 1.2.0.192.listed.bl.test" && e.answer == "127.0.0.2"));

    let r = report(
        &pick(&["listed.bl.test", "clean.bl.test", "allow.bl.test"]),
        &[CLEAN_IP],
        &server,
    )
    .await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");

    let r = report(
        &pick(&["clean.bl.test", "dead.bl.test", "pubres.bl.test"]),
        &[CLEAN_IP],
        &server,
    )
    .await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    assert!(
        r.summary.contains("2 could not be checked"),
        "{}",
        r.summary
    );
    assert!(r
        .details
        .iter()
        .any(|d| d.contains("pubres.bl.test") && d.contains("DQS")));

    // An allow list that cannot be asked is mentioned, but does not make the
    // block-list verdict incomplete.
    let mut lists = pick(&["clean.bl.test"]);
    lists.push(Blocklist {
        name: "dead allow list",
        zone: "dead.bl.test",
        ..base("list.dnswl.org")
    });
    let r = report(&lists, &[CLEAN_IP], &server).await;
    assert_eq!(r.status, Status::Pass, "{r:#?}");
    assert!(r
        .details
        .iter()
        .any(|d| d.contains("dead allow list") && d.contains("timeout")));

    // Nothing usable at all: an error, not a clean bill of health.
    let r = report(
        &pick(&["dead.bl.test", "refused.bl.test", "world.bl.test"]),
        &[CLEAN_IP],
        &server,
    )
    .await;
    assert_eq!(r.status, Status::Error, "{r:#?}");
    assert!(r
        .details
        .iter()
        .any(|d| d.starts_with("ignored world.bl.test")));
}

#[tokio::test]
async fn ipv6_uses_nibbles_and_mapped_ipv4_is_queried_as_ipv4() {
    let v6 = "2001:db8::1";
    let v6_name = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    // ZEN answers both test points: 127.0.0.2 and ::FFFF:7F00:2 (nibbles).
    let server = DnsServer::start(&[
        zone(
            "zen.spamhaus.org",
            &format!(
                "2.0.0.127 A 127.0.0.2\n{V6_TEST} A 127.0.0.2\n1.2.0.192 A 127.0.0.10\n1.2.0.192 TXT \"https://check.spamhaus.org/query/ip/192.0.2.1\"\n{v6_name} A 127.0.0.3\n"
            ),
        ),
        working_zone("v4only.bl.test", "127.0.0.2"),
    ])
    .await;
    let lists = vec![base("zen.spamhaus.org"), plain("v4only.bl.test")];
    let results = blocklist::ip_results(
        &lists,
        &ips(&["::ffff:192.0.2.1", v6]),
        &server.settings(Duration::from_millis(1000)),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    match verdict(&results, "zen.spamhaus.org", LISTED_IP) {
        Verdict::Listed { codes, .. } => assert!(codes[0].1.starts_with("PBL")),
        other => panic!("{other:?}"),
    }
    match verdict(&results, "zen.spamhaus.org", v6) {
        Verdict::Listed { codes, .. } => assert!(codes[0].1.starts_with("SBL-CSS")),
        other => panic!("{other:?}"),
    }
    // The IPv4-only list is not asked about the IPv6 address.
    assert!(!results
        .iter()
        .any(|r| r.list.zone == "v4only.bl.test" && r.subject == v6));

    let r = report(&lists, &["192.0.2.1"], &server).await;
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.fix.iter().any(|f| f.contains("smart host")),
        "{:#?}",
        r.fix
    );
    assert!(r.details.iter().any(|d| d.contains("smart host")));
}

#[tokio::test]
async fn default_catalogue_served_locally() {
    // The real zone names, served authoritatively on loopback; every other
    // catalogue zone is unknown to this server and answered REFUSED.
    let server = DnsServer::start(&[
        working_zone("zen.spamhaus.org", "127.0.0.4"),
        working_zone("bl.spamcop.net", "127.0.0.2"),
        zone(
            "dbl.spamhaus.org",
            "dbltest.com A 127.0.1.2\nbad.example A 127.0.1.4\n",
        ),
        zone("multi.uribl.com", "test A 127.0.0.14\n* A 127.0.0.1\n"),
    ])
    .await;
    let ip_lists = lists::default_lists(ListKind::Ip);
    let r = report(&ip_lists, &[LISTED_IP], &server).await;
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("Spamhaus ZEN") && r.summary.contains("SpamCop"));
    assert!(r.details.iter().any(|d| d.contains("XBL")));
    assert!(r
        .details
        .iter()
        .any(|d| d.starts_with("could not check") && d.contains("REFUSED")));
    assert!(r.details.iter().any(|d| d.contains("dnsbl.sorbs.net")));
    // Dead lists are never queried.
    assert!(!r.evidence.iter().any(|e| e.query.contains("sorbs.net")));

    let r = report(&ip_lists, &[CLEAN_IP], &server).await;
    assert_eq!(r.status, Status::Warn, "{}", r.summary);
    assert!(r.summary.contains("not listed"));

    let dom = lists::default_lists(ListKind::Domain);
    let settings = server.settings(Duration::from_millis(1000));
    let check = |d: &str| {
        let domains = vec![d.to_string()];
        let (dom, settings) = (&dom, &settings);
        async move { blocklist::check_domains(dom, &domains, settings, CancellationToken::new()).await }
    };
    let r = check("bad.example").await;
    assert_eq!(r.status, Status::Fail, "{r:#?}");
    assert!(r.details.iter().any(|d| d.contains("phishing")));
    // URIBL answers 127.0.0.1 (refused) for the subject: could not check, not listed.
    assert!(r
        .details
        .iter()
        .any(|d| d.contains("multi.uribl.com") && d.contains("refused")));
    let r = check("fine.example").await;
    assert_eq!(r.status, Status::Warn, "{r:#?}");
    let r = check("not a domain").await;
    assert_eq!(r.status, Status::Skipped);
}

#[tokio::test]
async fn cancellation_returns_promptly_with_a_cancelled_report() {
    let server = DnsServer::start(&[working_zone("dead.bl.test", "127.0.0.2")]).await;
    server.behave("", Behaviour::Drop);
    let cancel = CancellationToken::new();
    let r = server
        .cancel_in_flight(&cancel, |settings, cancel| async move {
            let lists = vec![plain("dead.bl.test")];
            blocklist::check_ips(&lists, &ips(&[CLEAN_IP]), &settings, cancel).await
        })
        .await;
    assert_eq!(r.status, Status::Skipped);
    assert!(r.summary.contains("cancelled"));

    let again = blocklist::ip_results(
        &[plain("dead.bl.test")],
        &ips(&[CLEAN_IP]),
        &server.settings(Duration::from_secs(120)),
        cancel,
    )
    .await;
    assert_eq!(again.unwrap_err(), ProbeError::Cancelled);
}

#[tokio::test]
async fn ipv6_senders_are_judged_by_the_ipv6_test_points() {
    let v6 = "2001:db8::1";
    let v6_name = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    let listed = format!("1.2.0.192 A 127.0.0.2\n{v6_name} A 127.0.0.2\n");
    let server = DnsServer::start(&[
        // Answers the IPv4 test point only: its IPv6 tree is not vouched for.
        zone(
            "v4test.bl.test",
            &format!("2.0.0.127 A 127.0.0.2\n{listed}"),
        ),
        // Answers the IPv6 test point only: fine for IPv6, not for IPv4.
        zone(
            "v6test.bl.test",
            &format!("{V6_TEST} A 127.0.0.2\n{listed}"),
        ),
        // Both test points, but also the IPv6 must-not-list point.
        zone(
            "v6world.bl.test",
            &format!(
                "2.0.0.127 A 127.0.0.2\n{V6_TEST} A 127.0.0.2\n{V6_MUST_NOT} A 127.0.0.2\n{listed}"
            ),
        ),
    ])
    .await;
    let both = |zone: &'static str| Blocklist {
        family: Family::Both,
        ..plain(zone)
    };
    let lists = vec![
        both("v4test.bl.test"),
        both("v6test.bl.test"),
        both("v6world.bl.test"),
    ];
    let results = blocklist::ip_results(
        &lists,
        &ips(&[LISTED_IP, v6]),
        &server.settings(Duration::from_millis(1000)),
        CancellationToken::new(),
    )
    .await
    .unwrap();

    assert!(matches!(
        verdict(&results, "v4test.bl.test", LISTED_IP),
        Verdict::Listed { .. }
    ));
    could_not_check(verdict(&results, "v4test.bl.test", v6), "::ffff:7f00:2");

    could_not_check(verdict(&results, "v6test.bl.test", LISTED_IP), "127.0.0.2");
    assert!(matches!(
        verdict(&results, "v6test.bl.test", v6),
        Verdict::Listed { .. }
    ));

    assert!(matches!(
        verdict(&results, "v6world.bl.test", LISTED_IP),
        Verdict::Listed { .. }
    ));
    match verdict(&results, "v6world.bl.test", v6) {
        Verdict::Broken { why } => assert!(why.contains(V6_MUST_NOT), "{why}"),
        other => panic!("{other:?}"),
    }

    // The evidence of an IPv6 result shows the IPv6 controls that were asked.
    let r = results
        .iter()
        .find(|r| r.list.zone == "v6test.bl.test" && r.subject == v6)
        .unwrap();
    assert!(r
        .answers
        .iter()
        .any(|a| a.name == format!("{V6_TEST}.v6test.bl.test")));
    assert!(r
        .answers
        .iter()
        .any(|a| a.name == format!("{V6_MUST_NOT}.v6test.bl.test")));
}

#[test]
fn allow_lists_exist_and_are_never_block_lists() {
    let allow: Vec<_> = lists::CATALOGUE
        .iter()
        .filter(|l| l.role == Role::Allow)
        .collect();
    assert!(allow.iter().any(|l| l.zone == "list.dnswl.org"));
    assert!(allow.iter().any(|l| l.zone == "swl.spamhaus.org"));
}
