//! Blocklist checks: the sending IPs against DNS IP lists, the domain against
//! domain lists.
//!
//! Every list is asked four things at once: the subject (A and TXT), the
//! list's documented test entry (must be listed) and the must-not-list point
//! (`127.0.0.1` / `invalid`; for IPv6 senders the RFC 5782 IPv6 pair
//! `::FFFF:7F00:2` / `::FFFF:7F00:1` in nibble form). Only a list that answers its test entry and does
//! not list the must-not point can say "listed" or "not listed"; everything
//! else is "could not check", with the reason. All lists run concurrently, so
//! the step takes about as long as its slowest single query.

use super::lists::{self, Blocklist, Decode, ListKind, Role};
use super::resolver::{self, Answer, Dns, Kind, Outcome};
use super::{CheckReport, Settings, Status, Target};
use crate::knowledge::CheckKind;
use futures::future::join_all;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use tokio_util::sync::CancellationToken;

/// What one list said about one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// On a block list: each returned code with its meaning, plus the TXT reason.
    Listed {
        /// Returned A records and their meaning.
        codes: Vec<(Ipv4Addr, String)>,
        /// TXT reason texts.
        txt: Vec<String>,
    },
    /// On an allow list (good news), with the meaning of each code.
    AllowListed {
        /// Meanings of the returned codes.
        meanings: Vec<String>,
    },
    /// Not listed (NXDOMAIN, or NODATA which is flagged in `note`).
    NotListed {
        /// Something odd worth mentioning (NODATA, informational code).
        note: Option<String>,
    },
    /// The list could not answer for this subject: never a verdict.
    CouldNotCheck {
        /// Why.
        why: String,
    },
    /// The list lists the must-not-list point: broken, ignored.
    Broken {
        /// Why.
        why: String,
    },
}

/// One list's result for one subject, with the queries that led to it.
#[derive(Debug, Clone)]
pub struct ListResult {
    /// The list.
    pub list: Blocklist,
    /// The IP or domain checked.
    pub subject: String,
    /// Outcome.
    pub verdict: Verdict,
    /// Name queried for the subject.
    pub query_name: String,
    /// Every query made for this result (subject A/TXT, test entry, must-not point).
    pub answers: Vec<Answer>,
}

/// How one answer decodes against a list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decoded {
    Listed(Vec<(Ipv4Addr, String)>),
    Info(Vec<String>),
    NotListed(Option<String>),
    Refused(String),
    Failed(String),
}

fn decode(list: &Blocklist, outcome: &Outcome) -> Decoded {
    match outcome {
        Outcome::NxDomain => return Decoded::NotListed(None),
        Outcome::NoData => {
            return Decoded::NotListed(Some(
                "the name exists but has no A record (NODATA): treated as not listed".into(),
            ))
        }
        Outcome::Records(_) => {}
        other => {
            return Decoded::Failed(
                other
                    .failure()
                    .unwrap_or_else(|| "lookup failed".to_string()),
            )
        }
    }
    let addrs = outcome.ipv4();
    if addrs.is_empty() {
        return Decoded::NotListed(Some("answer carried no A record".into()));
    }
    let mut listed = Vec::new();
    let mut infos = Vec::new();
    for a in addrs {
        if a.octets()[0] != 127 {
            return Decoded::Failed(format!(
                "answer {a} is outside 127.0.0.0/8: the resolver rewrites unknown names (ISP search page, captive portal), so its answers mean nothing"
            ));
        }
        if let Some(r) = list.refusals.iter().find(|r| r.addr == a) {
            return Decoded::Refused(format!("{a} = {}", r.meaning));
        }
        match list.decode {
            Decode::Table => match list.codes.iter().find(|c| c.addr == a) {
                Some(c) if c.listing => listed.push((a, c.meaning.to_string())),
                Some(c) => infos.push(format!("{a} = {}", c.meaning)),
                None if list.any_answer_lists => listed.push((
                    a,
                    "listed (code not documented; this list counts any answer as a listing)"
                        .to_string(),
                )),
                None => {
                    return Decoded::Failed(format!(
                        "undocumented answer {a}: cannot tell what it means"
                    ))
                }
            },
            Decode::Bitmask => {
                let o = a.octets();
                if o[1] != 0 || o[2] != 0 {
                    return Decoded::Failed(format!(
                        "undocumented answer {a}: cannot tell what it means"
                    ));
                }
                let mut bad = Vec::new();
                let mut good = Vec::new();
                for c in list.codes {
                    let bit = c.addr.octets()[3];
                    if o[3] & bit != 0 {
                        if c.listing {
                            bad.push(c.meaning);
                        } else {
                            good.push(c.meaning);
                        }
                    }
                }
                if bad.is_empty() && good.is_empty() {
                    return Decoded::Failed(format!("undocumented answer {a}: no known bit set"));
                }
                if bad.is_empty() {
                    infos.push(format!("{a} = {}", good.join(" + ")));
                } else {
                    bad.extend(good);
                    listed.push((a, bad.join(" + ")));
                }
            }
            Decode::Dnswl => {
                let o = a.octets();
                let trust = match o[3] {
                    0 => "none",
                    1 => "low",
                    2 => "medium",
                    3 => "high",
                    _ => {
                        return Decoded::Failed(format!(
                            "undocumented answer {a}: cannot tell what it means"
                        ))
                    }
                };
                infos.push(format!("{a} = category {}, trust {trust}", o[2]));
            }
        }
    }
    if !listed.is_empty() {
        Decoded::Listed(listed)
    } else {
        Decoded::Info(infos)
    }
}

/// The query name for an IP in an IP list (no IPv4-mapped conversion: the
/// IPv6 test point `::ffff:7f00:2` must stay in nibble form).
fn ip_query_name(ip: IpAddr, zone: &str) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{}.{zone}", resolver::reversed_v4(v4)),
        IpAddr::V6(v6) => format!("{}.{zone}", resolver::nibbles(v6)),
    }
}

/// One thing to look up: display text and the query label prefix maker.
#[derive(Debug, Clone)]
enum Subject {
    Ip(IpAddr),
    Domain(String),
}

impl Subject {
    fn text(&self) -> String {
        match self {
            Subject::Ip(ip) => ip.to_string(),
            Subject::Domain(d) => d.clone(),
        }
    }

    fn name_in(&self, zone: &str) -> String {
        match self {
            Subject::Ip(ip) => ip_query_name(*ip, zone),
            Subject::Domain(d) => format!("{d}.{zone}"),
        }
    }

    /// Which test points vouch for a list's answer about this subject.
    fn control_set(&self) -> ControlSet {
        match self {
            Subject::Ip(IpAddr::V4(_)) => ControlSet::V4,
            Subject::Ip(IpAddr::V6(_)) => ControlSet::V6,
            Subject::Domain(_) => ControlSet::Domain,
        }
    }

    fn applies_to(&self, list: &Blocklist) -> bool {
        match self {
            Subject::Ip(ip) => list.kind == ListKind::Ip && list.covers(ip.is_ipv4()),
            Subject::Domain(_) => list.kind == ListKind::Domain,
        }
    }
}

/// RFC 5782 section 5 test points for IPv6 lists: `::FFFF:7F00:2` must be
/// listed, `::FFFF:7F00:1` must not. They are asked in nibble form, never
/// folded to their IPv4 equivalents.
const V6_TEST_POINT: Ipv6Addr = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x7f00, 2);
const V6_MUST_NOT_LIST: Ipv6Addr = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1);

/// Which set of control queries a subject is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ControlSet {
    /// IPv4 subjects of an IP list.
    V4,
    /// IPv6 subjects of an IP list.
    V6,
    /// Subjects of a domain list.
    Domain,
}

/// The control queries of a list for one kind of subject: the test entry
/// (as shown to the user, and as queried) and the must-not-list point.
/// An IPv6 sender is judged by the IPv6 test points, since a list that
/// answers for IPv4 may still not answer in the IPv6 tree.
fn control_names(list: &Blocklist, set: ControlSet) -> (String, String, String) {
    let ip_controls = |label: String, test: IpAddr, guard: IpAddr| {
        (
            label,
            ip_query_name(test, list.zone),
            ip_query_name(guard, list.zone),
        )
    };
    match set {
        ControlSet::V4 => {
            let test = list
                .test_subject
                .parse::<Ipv4Addr>()
                .unwrap_or(Ipv4Addr::new(127, 0, 0, 2));
            ip_controls(
                test.to_string(),
                IpAddr::V4(test),
                IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
            )
        }
        ControlSet::V6 => {
            // Shown in hex as RFC 5782 writes it (Display would print the
            // IPv4-mapped form `::ffff:127.0.0.2`).
            let (label, test) = match list.test_subject.parse::<Ipv6Addr>() {
                Ok(ip) => (list.test_subject.to_string(), ip),
                Err(_) => ("::ffff:7f00:2".to_string(), V6_TEST_POINT),
            };
            ip_controls(label, IpAddr::V6(test), IpAddr::V6(V6_MUST_NOT_LIST))
        }
        ControlSet::Domain => (
            list.test_subject.to_string(),
            format!("{}.{}", list.test_subject, list.zone),
            format!("invalid.{}", list.zone),
        ),
    }
}

/// The outcome of a list's control queries for one kind of subject.
struct Controls {
    test: Answer,
    guard: Answer,
    /// Why the test entry does not vouch for the list, if it does not.
    problem: Option<String>,
    /// Why the list is ignored as broken, if it lists the must-not point.
    broken: Option<String>,
}

/// Ask a list's test entry and must-not-list point for one kind of subject.
async fn controls(dns: &Dns, list: &Blocklist, set: ControlSet) -> Controls {
    let (label, test_name, guard_name) = control_names(list, set);
    let (test, guard) = futures::future::join(
        dns.query(&test_name, Kind::A),
        dns.query(&guard_name, Kind::A),
    )
    .await;
    let problem = match decode(list, &test.outcome) {
        Decoded::Listed(_) | Decoded::Info(_) => None,
        Decoded::NotListed(_) => Some(format!(
            "its test entry {label} is not listed ({}), so the list is not answering properly through this resolver",
            test.answer_text(dns.timeout())
        )),
        Decoded::Refused(why) | Decoded::Failed(why) => {
            Some(format!("its test entry {label} could not be checked: {why}"))
        }
    };
    let broken = match decode(list, &guard.outcome) {
        Decoded::Listed(codes) => Some(format!(
            "it lists the must-not-list test point ({} answered {}): the list is broken or lists the whole world, so it is ignored",
            guard.name,
            codes
                .iter()
                .map(|(a, _)| a.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    };
    Controls {
        test,
        guard,
        problem,
        broken,
    }
}

/// Probe one list for all subjects it applies to; every query runs at once.
async fn probe_list(dns: &Dns, list: Blocklist, subjects: &[Subject]) -> Vec<ListResult> {
    let subjects: Vec<&Subject> = subjects.iter().filter(|s| s.applies_to(&list)).collect();
    if subjects.is_empty() {
        return Vec::new();
    }
    // One set of controls for each kind of subject present, in first-seen order.
    let mut sets: Vec<ControlSet> = Vec::new();
    for s in &subjects {
        if !sets.contains(&s.control_set()) {
            sets.push(s.control_set());
        }
    }
    let all_controls = join_all(sets.iter().map(|set| controls(dns, &list, *set)));
    let per_subject = join_all(subjects.iter().map(|s| {
        let name = s.name_in(list.zone);
        async move {
            let (a, txt) =
                futures::future::join(dns.query(&name, Kind::A), dns.query(&name, Kind::Txt)).await;
            (name, a, txt)
        }
    }));
    let (all_controls, answers) = futures::future::join(all_controls, per_subject).await;

    subjects
        .into_iter()
        .zip(answers)
        .map(|(subject, (name, a, txt))| {
            let set = sets
                .iter()
                .position(|c| *c == subject.control_set())
                .unwrap_or(0);
            let c = &all_controls[set];
            let verdict = match decode(&list, &a.outcome) {
                Decoded::Refused(why) | Decoded::Failed(why) => Verdict::CouldNotCheck { why },
                _ if c.problem.is_some() => Verdict::CouldNotCheck {
                    why: c.problem.clone().unwrap_or_default(),
                },
                _ if c.broken.is_some() => Verdict::Broken {
                    why: c.broken.clone().unwrap_or_default(),
                },
                Decoded::Listed(codes) => match list.role {
                    Role::Block => Verdict::Listed {
                        codes,
                        txt: txt.outcome.txts(),
                    },
                    Role::Allow => Verdict::AllowListed {
                        meanings: codes
                            .into_iter()
                            .map(|(a, m)| format!("{a} = {m}"))
                            .collect(),
                    },
                },
                Decoded::Info(meanings) => match list.role {
                    Role::Allow => Verdict::AllowListed { meanings },
                    Role::Block => Verdict::NotListed {
                        note: Some(meanings.join("; ")),
                    },
                },
                Decoded::NotListed(note) => Verdict::NotListed { note },
            };
            ListResult {
                list,
                subject: subject.text(),
                verdict,
                query_name: name,
                answers: vec![a, txt, c.test.clone(), c.guard.clone()],
            }
        })
        .collect()
}

/// Query every list for every subject, all at once.
async fn probe_all(dns: &Dns, lists: &[Blocklist], subjects: &[Subject]) -> Vec<ListResult> {
    join_all(lists.iter().map(|l| probe_list(dns, *l, subjects)))
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Why [`ip_results`] / [`domain_results`] returned no results.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The cancellation token fired.
    #[error("cancelled")]
    Cancelled,
    /// No resolver could be set up.
    #[error("{0}")]
    Resolver(String),
}

async fn results(
    lists: &[Blocklist],
    subjects: &[Subject],
    settings: &Settings,
    cancel: &CancellationToken,
) -> Result<(Dns, Vec<ListResult>), ProbeError> {
    if cancel.is_cancelled() {
        return Err(ProbeError::Cancelled);
    }
    let dns = Dns::new(settings).map_err(|e| ProbeError::Resolver(e.to_string()))?;
    let results = tokio::select! {
        _ = cancel.cancelled() => return Err(ProbeError::Cancelled),
        r = probe_all(&dns, lists, subjects) => r,
    };
    Ok((dns, results))
}

fn ip_subjects(ips: &[IpAddr]) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::new();
    for ip in ips {
        let s = Subject::Ip(resolver::canonical_ip(*ip));
        if !subjects.iter().any(|x| x.text() == s.text()) {
            subjects.push(s);
        }
    }
    subjects
}

/// Per-list results for IP addresses (the data behind [`check_ips`]).
pub async fn ip_results(
    lists: &[Blocklist],
    ips: &[IpAddr],
    settings: &Settings,
    cancel: CancellationToken,
) -> Result<Vec<ListResult>, ProbeError> {
    results(lists, &ip_subjects(ips), settings, &cancel)
        .await
        .map(|(_, r)| r)
}

/// Per-list results for domains (the data behind [`check_domains`]).
pub async fn domain_results(
    lists: &[Blocklist],
    domains: &[String],
    settings: &Settings,
    cancel: CancellationToken,
) -> Result<Vec<ListResult>, ProbeError> {
    let subjects: Vec<Subject> = domains
        .iter()
        .map(|d| Subject::Domain(d.trim().trim_end_matches('.').to_ascii_lowercase()))
        .collect();
    results(lists, &subjects, settings, &cancel)
        .await
        .map(|(_, r)| r)
}

/// Check IP addresses against `lists` (use [`lists::default_lists`] for the catalogue).
/// IPv4-mapped IPv6 addresses are checked as IPv4.
pub async fn check_ips(
    lists: &[Blocklist],
    ips: &[IpAddr],
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    let kind = CheckKind::Blocklist;
    if ips.is_empty() {
        return CheckReport::new(kind, Status::Skipped, "no sending IP address given (--ip)");
    }
    check(kind, lists, &ip_subjects(ips), settings, cancel).await
}

/// Check domains against the domain `lists`.
pub async fn check_domains(
    lists: &[Blocklist],
    domains: &[String],
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    let kind = CheckKind::DomainBlocklist;
    let mut subjects = Vec::new();
    for d in domains {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        if d.is_empty() {
            continue;
        }
        if !valid_domain(&d) {
            let mut r =
                CheckReport::new(kind, Status::Skipped, format!("`{d}` is not a domain name"));
            r.fix
                .push("give the sending domain, for example --domain example.com".into());
            return r;
        }
        subjects.push(Subject::Domain(d));
    }
    if subjects.is_empty() {
        return CheckReport::new(kind, Status::Skipped, "no sending domain given (--domain)");
    }
    check(kind, lists, &subjects, settings, cancel).await
}

/// True for a plausible DNS name (letters, digits, hyphens, underscores, dots; at least one dot).
pub fn valid_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

async fn check(
    kind: CheckKind,
    lists: &[Blocklist],
    subjects: &[Subject],
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    let (dns, results) = match results(lists, subjects, settings, &cancel).await {
        Ok(x) => x,
        Err(ProbeError::Cancelled) => return super::cancelled(kind, "the lists answered"),
        Err(ProbeError::Resolver(e)) => return super::resolver_failed(kind, e),
    };
    build_report(kind, lists, subjects, &dns, &results)
}

fn build_report(
    kind: CheckKind,
    lists: &[Blocklist],
    subjects: &[Subject],
    dns: &Dns,
    results: &[ListResult],
) -> CheckReport {
    let what = if kind == CheckKind::Blocklist {
        "an IP address"
    } else {
        "a domain"
    };
    let subjects_text = subjects
        .iter()
        .map(Subject::text)
        .collect::<Vec<_>>()
        .join(", ");
    let mut r = CheckReport::new(kind, Status::Pass, "");
    let listed: Vec<&ListResult> = results
        .iter()
        .filter(|x| matches!(x.verdict, Verdict::Listed { .. }))
        .collect();
    // Allow lists never decide the verdict: a refusing allow list is mentioned
    // in the details but does not make the block-list result incomplete.
    let blocking: Vec<&ListResult> = results
        .iter()
        .filter(|x| x.list.role == Role::Block)
        .collect();
    let unchecked: Vec<&ListResult> = blocking
        .iter()
        .copied()
        .filter(|x| {
            matches!(
                x.verdict,
                Verdict::CouldNotCheck { .. } | Verdict::Broken { .. }
            )
        })
        .collect();
    let checked = blocking.len() - unchecked.len();
    let total = blocking.len();

    r.details.push(format!(
        "asked {} through {}",
        plural(
            lists
                .iter()
                .filter(|l| subjects.iter().any(|s| s.applies_to(l)))
                .count(),
            "list"
        ),
        dns.server_text()
    ));

    let mut pbl = false;
    for x in &listed {
        if let Verdict::Listed { codes, txt } = &x.verdict {
            let meanings = codes
                .iter()
                .map(|(a, m)| format!("{a} = {m}"))
                .collect::<Vec<_>>()
                .join("; ");
            let mut line = format!(
                "LISTED: {} on {} ({}): {meanings}",
                x.subject, x.list.name, x.list.zone
            );
            if !txt.is_empty() {
                line.push_str(&format!("; reason: {}", txt.join(" ")));
            }
            line.push_str(&format!("; delisting: {}", x.list.delist));
            if codes.iter().any(|(a, _)| {
                x.list.zone.ends_with("spamhaus.org") && matches!(a.octets()[3], 10 | 11)
            }) {
                pbl = true;
                line.push_str("; this is a policy listing, not a spam accusation");
            }
            r.details.push(line);
            r.commands.push(dns.dig(&x.query_name, Kind::A));
            r.commands.push(dns.dig(&x.query_name, Kind::Txt));
        }
    }
    for x in results {
        match &x.verdict {
            Verdict::CouldNotCheck { why } => {
                // Many lists failing the same way (an unreachable resolver) make one line.
                let same = results
                    .iter()
                    .filter(|y| {
                        y.subject == x.subject
                            && y.list.refused_help == x.list.refused_help
                            && matches!(&y.verdict, Verdict::CouldNotCheck { why: w } if w == why)
                    })
                    .collect::<Vec<_>>();
                if same.len() > 3 {
                    if std::ptr::eq(same[0], x) {
                        r.details.push(format!(
                            "could not check {} on {} lists ({}): {why}; what to do: {}",
                            x.subject,
                            same.len(),
                            same.iter()
                                .map(|y| y.list.zone)
                                .collect::<Vec<_>>()
                                .join(", "),
                            x.list.refused_help
                        ));
                    }
                } else {
                    r.details.push(format!(
                        "could not check {} on {} ({}): {why}; what to do: {}",
                        x.subject, x.list.name, x.list.zone, x.list.refused_help
                    ));
                }
                r.commands.push(dns.dig(&x.query_name, Kind::A));
            }
            Verdict::Broken { why } => {
                r.details
                    .push(format!("ignored {} ({}): {why}", x.list.name, x.list.zone));
            }
            Verdict::AllowListed { meanings } => {
                r.details.push(format!(
                    "good: {} is on the allow list {} ({})",
                    x.subject,
                    x.list.name,
                    meanings.join("; ")
                ));
            }
            Verdict::NotListed { note: Some(n) } => {
                r.details
                    .push(format!("not listed: {} on {}: {n}", x.subject, x.list.name));
            }
            _ => {}
        }
    }
    if let Some(Subject::Ip(_)) = subjects.first() {
        let v4_only = lists
            .iter()
            .filter(|l| l.kind == ListKind::Ip && !l.covers(false))
            .count();
        if subjects
            .iter()
            .any(|s| matches!(s, Subject::Ip(IpAddr::V6(_))))
            && v4_only > 0
        {
            r.details.push(format!(
                "{v4_only} of the lists answer only for IPv4 and were not asked about IPv6 addresses"
            ));
        }
    }
    let off: Vec<String> = lists::disabled_lists()
        .iter()
        .filter(|l| {
            l.kind
                == if kind == CheckKind::Blocklist {
                    ListKind::Ip
                } else {
                    ListKind::Domain
                }
        })
        .map(|l| format!("{} ({})", l.zone, l.off_reason))
        .collect();
    if !off.is_empty() {
        r.details
            .push(format!("not queried by default: {}", off.join("; ")));
    }

    for x in results {
        for a in &x.answers {
            let ev = a.evidence(dns.timeout());
            if !r.evidence.contains(&ev) {
                r.evidence.push(ev);
            }
        }
    }
    r.commands.dedup();

    if !listed.is_empty() {
        r.status = Status::Fail;
        let mut names: Vec<&str> = listed.iter().map(|x| x.list.name).collect();
        names.dedup();
        r.summary = format!(
            "{subjects_text} listed on {}: {}",
            plural(names.len(), "blocklist"),
            names.join(", ")
        );
        if pbl {
            r.fix.push("Spamhaus PBL: this address is end-user/dynamic space. Send mail through your ISP's or provider's smart host (authenticated relay) instead of directly; only a static IP running a real mail server may request removal at https://check.spamhaus.org/".into());
        }
        r.fix.push(format!(
            "find and stop the cause first (infected machine, open relay, compromised account or web form, bad list hygiene); {what} that is delisted while the cause remains is listed again"
        ));
        r.fix.push("then request removal at each list's delisting page (in the details); some lists expire on their own".into());
        r.fix
            .push("re-run this check after delisting; the commands below show each listing".into());
    } else if checked == 0 {
        r.status = Status::Error;
        r.summary = format!(
            "could not check {subjects_text}: none of the {total} list lookups gave a usable answer"
        );
        r.fix.push(format!(
            "use your own recursive resolver (Unbound/BIND on the mail server) with --resolver ADDR; public resolvers (8.8.8.8, 1.1.1.1, 9.9.9.9) are refused by Spamhaus, URIBL and others (currently {})",
            dns.server_text()
        ));
        r.fix.push(
            "for Spamhaus, a free Data Query Service (DQS) key avoids public-mirror refusals"
                .into(),
        );
    } else if !unchecked.is_empty() {
        r.status = Status::Warn;
        r.summary = format!(
            "{subjects_text} not listed on the {checked} blocklist lookups that worked; {} could not be checked",
            unchecked.len()
        );
        r.fix.push("the lists that could not be checked are neither clean nor listed: re-run through your own recursive resolver (--resolver ADDR), or with a Spamhaus DQS key for Spamhaus zones".into());
    } else {
        r.status = Status::Pass;
        r.summary = format!("{subjects_text} not listed on any of the {checked} blocklist lookups");
    }
    r
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Run a blocklist check with the default catalogue.
pub async fn run(
    kind: CheckKind,
    target: &Target,
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    match kind {
        CheckKind::DomainBlocklist => {
            let domains: Vec<String> = target.domain.iter().cloned().collect();
            check_domains(
                &lists::default_lists(ListKind::Domain),
                &domains,
                settings,
                cancel,
            )
            .await
        }
        _ => {
            check_ips(
                &lists::default_lists(ListKind::Ip),
                &target.ips,
                settings,
                cancel,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::resolver::Rec;

    fn zen() -> Blocklist {
        lists::default_lists(ListKind::Ip)
            .into_iter()
            .find(|l| l.zone == "zen.spamhaus.org")
            .unwrap()
    }

    fn a(list: &Blocklist, addrs: &[[u8; 4]]) -> Decoded {
        let recs = addrs
            .iter()
            .map(|o| Rec::A(Ipv4Addr::new(o[0], o[1], o[2], o[3])))
            .collect();
        decode(list, &Outcome::Records(recs))
    }

    #[test]
    fn zen_codes_decode_into_sub_lists() {
        let z = zen();
        match a(&z, &[[127, 0, 0, 2], [127, 0, 0, 4], [127, 0, 0, 10]]) {
            Decoded::Listed(c) => {
                assert!(c[0].1.starts_with("SBL"));
                assert!(c[1].1.starts_with("XBL"));
                assert!(c[2].1.contains("smart host"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            a(&z, &[[127, 255, 255, 254]]),
            Decoded::Refused(_)
        ));
        assert!(matches!(
            a(&z, &[[127, 255, 255, 252]]),
            Decoded::Refused(_)
        ));
        assert!(matches!(a(&z, &[[192, 0, 2, 1]]), Decoded::Failed(_)));
        assert!(matches!(a(&z, &[[127, 0, 0, 77]]), Decoded::Failed(_)));
        assert_eq!(decode(&z, &Outcome::NxDomain), Decoded::NotListed(None));
        assert!(matches!(decode(&z, &Outcome::Timeout), Decoded::Failed(_)));
    }

    #[test]
    fn bitmasks_and_refusals_of_domain_lists() {
        let all = lists::default_lists(ListKind::Domain);
        let uribl = all.iter().find(|l| l.zone == "multi.uribl.com").unwrap();
        assert!(matches!(a(uribl, &[[127, 0, 0, 1]]), Decoded::Refused(_)));
        match a(uribl, &[[127, 0, 0, 14]]) {
            Decoded::Listed(c) => {
                assert!(
                    c[0].1.contains("black") && c[0].1.contains("grey") && c[0].1.contains("red")
                )
            }
            other => panic!("{other:?}"),
        }
        let surbl = all.iter().find(|l| l.zone == "multi.surbl.org").unwrap();
        match a(surbl, &[[127, 0, 0, 80]]) {
            Decoded::Listed(c) => assert!(c[0].1.contains("MW") && c[0].1.contains("ABUSE")),
            other => panic!("{other:?}"),
        }
        // Disposable-only is informational, not a listing.
        assert!(matches!(a(surbl, &[[127, 0, 0, 4]]), Decoded::Info(_)));
    }

    #[test]
    fn allow_list_codes_are_never_listings() {
        let dnswl = lists::default_lists(ListKind::Ip)
            .into_iter()
            .find(|l| l.zone == "list.dnswl.org")
            .unwrap();
        assert!(matches!(a(&dnswl, &[[127, 0, 15, 3]]), Decoded::Info(_)));
        assert!(matches!(
            a(&dnswl, &[[127, 0, 0, 255]]),
            Decoded::Refused(_)
        ));
    }

    #[test]
    fn query_names() {
        assert_eq!(
            ip_query_name("192.0.2.99".parse().unwrap(), "zen.spamhaus.org"),
            "99.2.0.192.zen.spamhaus.org"
        );
        let l = lists::CATALOGUE
            .iter()
            .find(|l| l.zone == "bl.ipv6.spameatingmonkey.net")
            .unwrap();
        let (_, test, guard) = control_names(l, ControlSet::V6);
        assert_eq!(
            test,
            "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.ipv6.spameatingmonkey.net"
        );
        assert!(guard.starts_with("1.0.0.0.0.0.f.7"));
        // A list for both families uses the IPv6 pair for IPv6 senders and
        // the IPv4 pair for IPv4 senders.
        let zen = zen();
        let (label, test, guard) = control_names(&zen, ControlSet::V6);
        assert_eq!(label, "::ffff:7f00:2");
        assert_eq!(
            test,
            "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.zen.spamhaus.org"
        );
        assert_eq!(
            guard,
            "1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.zen.spamhaus.org"
        );
        let (label, test, guard) = control_names(&zen, ControlSet::V4);
        assert_eq!(label, "127.0.0.2");
        assert_eq!(test, "2.0.0.127.zen.spamhaus.org");
        assert_eq!(guard, "1.0.0.127.zen.spamhaus.org");
        assert!(valid_domain("example.com"));
        assert!(!valid_domain("exa mple.com"));
        assert!(!valid_domain("localhost"));
    }
}
