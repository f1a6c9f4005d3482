//! DNS checks of a sending setup: MX, PTR/FCrDNS, HELO, SPF, DMARC, DKIM, MTA-STS.
//!
//! Every lookup goes through [`Dns`], so a timeout, SERVFAIL or REFUSED is
//! reported as "could not check" (`Status::Error`) and never mistaken for a
//! missing record. Each report carries the queries and answers as evidence and
//! `dig` commands to re-run them.

use super::resolver::{self, Answer, Dns, Kind, Outcome, Rec};
use super::{CheckReport, Settings, Status, Target};
use crate::knowledge::CheckKind;
use futures::future::join_all;
use std::collections::HashSet;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::pin::Pin;
use tokio_util::sync::CancellationToken;

/// DKIM selectors tried on every domain (common provider and MTA defaults).
pub const COMMON_SELECTORS: &[&str] = &[
    "google",
    "selector1",
    "selector2",
    "k1",
    "k2",
    "k3",
    "s1",
    "s2",
    "default",
    "dkim",
    "mail",
    "mandrill",
    "fm1",
    "fm2",
    "fm3",
    "sig1",
    "protonmail",
    "protonmail2",
    "protonmail3",
    "s1024",
    "s2048",
    "zmail",
    "everlytickey1",
    "everlytickey2",
    "x",
    "selector",
    "mx",
    "smtp",
];

/// Run one DNS check.
pub async fn run(
    kind: CheckKind,
    target: &Target,
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    if cancel.is_cancelled() {
        return cancelled(kind);
    }
    let dns = match Dns::new(settings) {
        Ok(d) => d,
        Err(e) => return super::resolver_failed(kind, e),
    };
    let work = async {
        match kind {
            CheckKind::DnsPtr => ptr(target, &dns).await,
            CheckKind::Helo => helo(target, &dns).await,
            CheckKind::DnsMx
            | CheckKind::Spf
            | CheckKind::Dmarc
            | CheckKind::Dkim
            | CheckKind::MtaSts => {
                // The domain checks start alike: a valid domain and an empty report.
                let domain = match domain_of(kind, target) {
                    Ok(d) => d,
                    Err(r) => return *r,
                };
                let rep = Rep::new(kind, &dns);
                match kind {
                    CheckKind::DnsMx => mx(domain, rep, &dns).await,
                    CheckKind::Spf => spf(domain, rep, target, &dns, settings).await,
                    CheckKind::Dmarc => dmarc(domain, rep).await,
                    CheckKind::Dkim => dkim(domain, rep, target, &dns).await,
                    // The last of the five: MTA-STS.
                    _ => mta_sts(domain, rep, &dns).await,
                }
            }
            other => CheckReport::new(other, Status::Skipped, "not a DNS check"),
        }
    };
    tokio::select! {
        _ = cancel.cancelled() => cancelled(kind),
        r = work => r,
    }
}

fn cancelled(kind: CheckKind) -> CheckReport {
    super::cancelled(kind, "DNS answered")
}

/// The argument of an `ip4:`/`ip6:` mechanism: an address and an optional
/// prefix length, at most `max` (also the default when none is given).
fn parse_ip_mech<A: std::str::FromStr>(
    text: &str,
    after_colon: Option<&str>,
    max: u8,
    family: &str,
) -> Result<(A, u8), String> {
    let spec = after_colon.ok_or_else(|| format!("`{text}` needs an address"))?;
    let (addr, len) = match spec.split_once('/') {
        Some((addr, len)) => (addr, Some(len)),
        None => (spec, None),
    };
    let ip: A = addr
        .parse()
        .map_err(|_| format!("`{text}`: `{addr}` is not an {family} address"))?;
    let len: u8 = match len {
        None => max,
        Some(len) => len
            .parse()
            .ok()
            .filter(|l| *l <= max)
            .ok_or_else(|| format!("`{text}`: bad prefix length"))?,
    };
    Ok((ip, len))
}

/// A report being built: records every answer as evidence and a `dig` command.
struct Rep<'a> {
    r: CheckReport,
    dns: &'a Dns,
    worst: Status,
}

/// A and AAAA of `name`, asked at the same time.
async fn lookup_addrs(dns: &Dns, name: &str) -> (Answer, Answer) {
    futures::future::join(dns.query(name, Kind::A), dns.query(name, Kind::Aaaa)).await
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Skipped => 0,
        Status::Pass => 1,
        Status::Warn => 2,
        Status::Error => 3,
        Status::Fail => 4,
    }
}

impl<'a> Rep<'a> {
    fn new(kind: CheckKind, dns: &'a Dns) -> Rep<'a> {
        Rep {
            r: CheckReport::new(kind, Status::Pass, ""),
            dns,
            worst: Status::Pass,
        }
    }

    /// A and AAAA of `name` at once, both recorded; returns the answers and
    /// every address they hold.
    async fn ask_addrs(&mut self, name: &str) -> (Answer, Answer, Vec<IpAddr>) {
        let (v4, v6) = lookup_addrs(self.dns, name).await;
        self.saw(&v4);
        self.saw(&v6);
        let addrs = v4
            .outcome
            .ips()
            .into_iter()
            .chain(v6.outcome.ips())
            .collect();
        (v4, v6, addrs)
    }

    fn saw(&mut self, a: &Answer) {
        let ev = a.evidence(self.dns.timeout());
        if !self.r.evidence.contains(&ev) {
            self.r.evidence.push(ev);
        }
        let cmd = self.dns.dig(&a.name, a.kind);
        if !self.r.commands.contains(&cmd) {
            self.r.commands.push(cmd);
        }
    }

    async fn ask(&mut self, name: &str, kind: Kind) -> Answer {
        let a = self.dns.query(name, kind).await;
        self.saw(&a);
        a
    }

    /// Record a finding and raise the status if it is worse.
    fn note(&mut self, status: Status, line: impl Into<String>) {
        if rank(status) > rank(self.worst) {
            self.worst = status;
        }
        self.r.details.push(line.into());
    }

    fn info(&mut self, line: impl Into<String>) {
        self.r.details.push(line.into());
    }

    fn fix(&mut self, step: impl Into<String>) {
        let s = step.into();
        if !self.r.fix.contains(&s) {
            self.r.fix.push(s);
        }
    }

    fn done(mut self, summary: impl Into<String>) -> CheckReport {
        self.r.status = self.worst;
        self.r.summary = summary.into();
        self.r
    }
}

fn missing(kind: CheckKind, what: &str, flag: &str) -> CheckReport {
    let mut r = CheckReport::new(kind, Status::Skipped, format!("no {what} given ({flag})"));
    r.fix.push(format!("give the {what} with {flag}"));
    r
}

/// The target domain, normalised, or a Skipped report.
fn domain_of(kind: CheckKind, target: &Target) -> Result<String, Box<CheckReport>> {
    let Some(d) = &target.domain else {
        return Err(Box::new(missing(kind, "sending domain", "--domain")));
    };
    let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
    if !super::blocklist::valid_domain(&d) {
        let mut r = CheckReport::new(kind, Status::Skipped, format!("`{d}` is not a domain name"));
        r.fix
            .push("give the sending domain, for example --domain example.com".into());
        return Err(Box::new(r));
    }
    Ok(d)
}

fn could_not(a: &Answer) -> Option<String> {
    a.outcome
        .failure()
        .map(|why| format!("could not look up {} {}: {why}", a.kind.name(), a.name))
}

const RESOLVER_FIX: &str = "a lookup failed (timeout/SERVFAIL/REFUSED): re-run later or through another resolver (--resolver ADDR); if it persists, check that the domain's name servers answer";

// ---------------------------------------------------------------- MX

/// True for loopback, private, link-local, unspecified or documentation-only addresses
/// that other mail servers cannot reach.
pub fn unroutable(ip: IpAddr) -> bool {
    match resolver::canonical_ip(ip) {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

async fn mx(domain: String, mut rep: Rep<'_>, dns: &Dns) -> CheckReport {
    let a = rep.ask(&domain, Kind::Mx).await;
    match &a.outcome {
        Outcome::NxDomain => {
            rep.note(Status::Fail, format!("{domain} does not exist (NXDOMAIN)"));
            rep.fix("check the spelling of the domain; register it or create its DNS zone");
            return rep.done(format!("{domain} does not exist in DNS"));
        }
        Outcome::NoData => {
            // RFC 5321 §5.1: without MX the domain's own address is the mail server.
            let (v4, v6, addrs) = rep.ask_addrs(&domain).await;
            if let Some(why) = could_not(&v4).or_else(|| could_not(&v6)) {
                if addrs.is_empty() {
                    rep.note(Status::Error, why);
                    rep.fix(RESOLVER_FIX);
                    return rep.done(format!(
                        "could not check: {domain} has no MX and its address lookup failed"
                    ));
                }
            }
            if addrs.is_empty() {
                rep.note(
                    Status::Fail,
                    format!("{domain} has no MX record and no A/AAAA record: nobody can deliver mail to it, bounces to this domain fail"),
                );
                rep.fix(format!(
                    "publish an MX record for {domain} pointing to your mail server's host name (for example `{domain}. MX 10 mail.{domain}.`)"
                ));
                return rep.done(format!(
                    "{domain} cannot receive mail: no MX and no address"
                ));
            }
            rep.note(
                Status::Warn,
                format!(
                    "no MX record: mail goes to the domain's own address ({}) as an implicit MX (RFC 5321 §5.1)",
                    join(&addrs)
                ),
            );
            rep.fix(format!(
                "publish an explicit MX record for {domain}; some receivers distrust domains that cannot receive replies"
            ));
            return rep.done(format!("{domain} has no MX; implicit MX on its A/AAAA"));
        }
        Outcome::Records(_) => {}
        _ => {
            rep.note(Status::Error, could_not(&a).unwrap_or_default());
            rep.fix(RESOLVER_FIX);
            return rep.done(format!("could not check the MX of {domain}"));
        }
    }
    let mut mxs: Vec<(u16, String)> = a
        .outcome
        .records()
        .iter()
        .filter_map(|r| match r {
            Rec::Mx(p, h) => Some((*p, h.clone())),
            _ => None,
        })
        .collect();
    mxs.sort();
    if mxs.iter().any(|(_, h)| h == "." || h.is_empty()) {
        if mxs.len() == 1 {
            rep.note(
                Status::Fail,
                format!("{domain} publishes a null MX (`MX 0 .`, RFC 7505): it declares that it never accepts mail; receivers may reject mail from it with 550 5.7.27 because replies cannot be delivered"),
            );
            rep.fix(format!(
                "if {domain} sends mail, replace the null MX with real MX records; a sending domain must be able to receive bounces"
            ));
            return rep.done(format!("{domain} has a null MX: it accepts no mail"));
        }
        rep.note(
            Status::Fail,
            "a null MX (`MX 0 .`) is mixed with other MX records: a configuration error (RFC 7505)",
        );
        rep.fix("remove either the null MX or the other MX records");
    }
    rep.info(format!(
        "MX: {}",
        mxs.iter()
            .map(|(p, h)| format!("{p} {h}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let hosts: Vec<(u16, String)> = mxs.into_iter().filter(|(_, h)| h != ".").collect();
    let lookups = join_all(hosts.iter().map(|(_, h)| lookup_addrs(dns, h))).await;
    let mut reachable = 0usize;
    for ((_, host), (v4, v6)) in hosts.iter().zip(lookups) {
        rep.saw(&v4);
        rep.saw(&v6);
        if host.parse::<IpAddr>().is_ok() {
            rep.note(
                Status::Warn,
                format!(
                    "MX {host} is an IP address, not a host name (RFC 5321 §5.1 requires a name)"
                ),
            );
            rep.fix(
                "point MX records at host names that have A/AAAA records, never at IP addresses",
            );
        }
        let cname = v4
            .outcome
            .records()
            .iter()
            .chain(v6.outcome.records())
            .find_map(|r| match r {
                Rec::Cname(from, to) => Some(format!("{from} → {to}")),
                _ => None,
            });
        if let Some(c) = cname {
            rep.note(
                Status::Warn,
                format!("MX {host} is an alias (CNAME {c}); MX targets must not be CNAMEs (RFC 2181 §10.3)"),
            );
            rep.fix("point the MX record directly at the canonical host name");
        }
        let addrs: Vec<IpAddr> = v4
            .outcome
            .ips()
            .into_iter()
            .chain(v6.outcome.ips())
            .collect();
        if addrs.is_empty() {
            if let Some(why) = could_not(&v4).or_else(|| could_not(&v6)) {
                rep.note(Status::Error, format!("MX {host}: {why}"));
                rep.fix(RESOLVER_FIX);
            } else {
                rep.note(
                    Status::Fail,
                    format!("MX {host} has no A/AAAA record: mail for {domain} cannot be delivered to it"),
                );
                rep.fix(format!(
                    "add an A (and AAAA) record for {host}, or remove it from the MX set"
                ));
            }
            continue;
        }
        let bad: Vec<IpAddr> = addrs.iter().copied().filter(|ip| unroutable(*ip)).collect();
        if !bad.is_empty() {
            rep.note(
                Status::Warn,
                format!(
                    "MX {host} resolves to private/loopback addresses ({}): other mail servers cannot reach them",
                    join(&bad)
                ),
            );
            rep.fix(format!(
                "publish public addresses for {host} in the public DNS view"
            ));
        }
        if bad.len() < addrs.len() {
            reachable += 1;
        }
        rep.info(format!("MX {host} → {}", join(&addrs)));
    }
    if reachable == 0 && !hosts.is_empty() && rep.worst == Status::Warn {
        // Private-only answers may come from an internal DNS view; say so instead of failing.
        rep.info("no MX host has a public address in this resolver's view: if that is also true in public DNS, nobody outside can deliver to this domain");
    }
    let summary = match rep.worst {
        Status::Pass => format!("{domain} has {} working MX host(s)", hosts.len()),
        Status::Warn => format!("{domain} receives mail, with MX problems worth fixing"),
        Status::Error => format!("could not check every MX host of {domain}"),
        _ => format!("{domain}'s MX setup is broken"),
    };
    rep.done(summary)
}

fn join(ips: &[IpAddr]) -> String {
    ips.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- PTR

/// Words that mark a reverse name as generic/dynamic (reference §5.2).
const GENERIC_TOKENS: &[&str] = &[
    "dynamic",
    "dyn",
    "dhcp",
    "pool",
    "ppp",
    "pppoe",
    "pptp",
    "dsl",
    "adsl",
    "xdsl",
    "cable",
    "cpe",
    "client",
    "clients",
    "dial",
    "dialup",
    "broadband",
    "res",
    "residential",
    "host",
    "ip",
    "static",
    "node",
    "user",
    "users",
    "vpn",
    "wanadoo",
    "bb",
    "peer",
    "public",
    "unassigned",
    "customer",
];

/// Why a reverse name looks generic/dynamic, if it does (§5.2 heuristics).
pub fn generic_ptr(name: &str, ip: IpAddr) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let ip = resolver::canonical_ip(ip);
    if let IpAddr::V4(v4) = ip {
        let o = v4.octets();
        let fwd = [o[0], o[1], o[2], o[3]].map(|x| x.to_string());
        let rev = [o[3], o[2], o[1], o[0]].map(|x| x.to_string());
        // The numbers of the address appearing in order, with any separators.
        let digits: Vec<String> = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_start_matches('0').to_string())
            .map(|s| if s.is_empty() { "0".to_string() } else { s })
            .collect();
        let norm = |v: &[String; 4]| -> Vec<String> {
            v.iter()
                .map(|s| {
                    let t = s.trim_start_matches('0');
                    if t.is_empty() {
                        "0".into()
                    } else {
                        t.to_string()
                    }
                })
                .collect()
        };
        for pattern in [norm(&fwd), norm(&rev)] {
            if digits.windows(4).any(|w| w == pattern.as_slice()) {
                return Some(format!("the name contains the IP address {v4}"));
            }
        }
        let hex = format!("{:02x}{:02x}{:02x}{:02x}", o[0], o[1], o[2], o[3]);
        if lower.contains(&hex) {
            return Some(format!("the name contains the IP address in hex ({hex})"));
        }
    }
    for cloud in [
        ".compute.amazonaws.com",
        ".compute-1.amazonaws.com",
        ".bc.googleusercontent.com",
        ".cloudapp.azure.com",
        ".cloudapp.net",
    ] {
        if lower.ends_with(cloud) {
            return Some(format!("a cloud provider's default name (*{cloud})"));
        }
    }
    // Tokens in the host part (leftmost labels, not the registrable domain).
    let labels: Vec<&str> = lower.split('.').collect();
    let host_labels = &labels[..labels.len().saturating_sub(2)];
    for label in host_labels {
        for word in label.split(|c: char| !c.is_ascii_alphabetic()) {
            if GENERIC_TOKENS.contains(&word) {
                return Some(format!(
                    "the word `{word}` marks generic/dynamic address space"
                ));
            }
        }
    }
    None
}

struct PtrResult {
    ip: IpAddr,
    ptr: Answer,
    forwards: Vec<(String, Answer)>,
}

async fn ptr_lookup(dns: &Dns, ip: IpAddr) -> PtrResult {
    let ptr = dns.query(&resolver::reverse_name(ip), Kind::Ptr).await;
    let names: Vec<String> = ptr
        .outcome
        .records()
        .iter()
        .filter_map(|r| match r {
            Rec::Ptr(n) => Some(n.clone()),
            _ => None,
        })
        .take(10)
        .collect();
    let kind = if ip.is_ipv4() { Kind::A } else { Kind::Aaaa };
    let forwards = join_all(names.into_iter().map(|n| async move {
        let a = dns.query(&n, kind).await;
        (n, a)
    }))
    .await;
    PtrResult { ip, ptr, forwards }
}

async fn ptr(target: &Target, dns: &Dns) -> CheckReport {
    let kind = CheckKind::DnsPtr;
    if target.ips.is_empty() {
        return missing(kind, "sending IP address", "--ip");
    }
    let ips = unique_ips(&target.ips);
    let mut rep = Rep::new(kind, dns);
    let results = join_all(ips.iter().map(|ip| ptr_lookup(dns, *ip))).await;
    let mut confirmed = 0;
    for res in &results {
        let ip = res.ip;
        rep.saw(&res.ptr);
        for (_, f) in &res.forwards {
            rep.saw(f);
        }
        match &res.ptr.outcome {
            Outcome::NxDomain | Outcome::NoData => {
                rep.note(
                    Status::Fail,
                    format!("{ip} has no PTR (reverse DNS) record: Gmail, Microsoft and many others reject or throttle such senders (e.g. 550 5.7.25)"),
                );
                rep.fix(format!(
                    "ask whoever owns {ip} (your ISP or cloud console, not your own DNS zone) to set its PTR to your mail server's name, e.g. mail.<your domain>, and make that name's A/AAAA record point back to {ip}"
                ));
                continue;
            }
            Outcome::Records(_) => {}
            _ => {
                rep.note(Status::Error, could_not(&res.ptr).unwrap_or_default());
                rep.fix(RESOLVER_FIX);
                continue;
            }
        }
        if res.forwards.is_empty() {
            rep.note(
                Status::Warn,
                format!("{ip}: the PTR answer held no host name"),
            );
            continue;
        }
        if res.forwards.len() > 1 {
            rep.note(
                Status::Warn,
                format!(
                    "{ip} has {} PTR records; best practice is exactly one",
                    res.forwards.len()
                ),
            );
            rep.fix(format!("keep a single PTR for {ip}"));
        }
        let mut ok_name = None;
        let mut failed = Vec::new();
        for (name, f) in &res.forwards {
            if f.outcome
                .ips()
                .iter()
                .any(|a| resolver::canonical_ip(*a) == ip)
            {
                ok_name = Some(name.clone());
            } else if let Some(why) = could_not(f) {
                failed.push(why);
            }
        }
        match ok_name {
            Some(name) => {
                confirmed += 1;
                rep.info(format!(
                    "{ip} → {name} → {ip}: forward-confirmed reverse DNS (FCrDNS) passes"
                ));
                if let Some(why) = generic_ptr(&name, ip) {
                    rep.note(
                        Status::Warn,
                        format!("{ip}: PTR {name} looks generic/dynamic ({why}); many receivers treat such names like no PTR"),
                    );
                    rep.fix(format!(
                        "ask the owner of {ip} for a PTR naming your mail server in your own domain (e.g. mail.<your domain>), matching its HELO name"
                    ));
                }
            }
            None if !failed.is_empty() => {
                rep.note(Status::Error, format!("{ip}: {}", failed.join("; ")));
                rep.fix(RESOLVER_FIX);
            }
            None => {
                let shown: Vec<String> = res
                    .forwards
                    .iter()
                    .map(|(n, f)| format!("{n} → {}", f.answer_text(dns.timeout())))
                    .collect();
                rep.note(
                    Status::Fail,
                    format!(
                        "{ip}: FCrDNS fails: the PTR name does not resolve back to {ip} ({})",
                        shown.join("; ")
                    ),
                );
                rep.fix(format!(
                    "add an {} record for the PTR name pointing to {ip} (or change the PTR to a name that does)",
                    if ip.is_ipv4() { "A" } else { "AAAA" }
                ));
            }
        }
    }
    let n = ips.len();
    let summary = match rep.worst {
        Status::Pass => format!("reverse DNS forward-confirmed for all {n} IP(s)"),
        Status::Warn => format!("reverse DNS works for {confirmed} of {n} IP(s), with warnings"),
        Status::Error => "could not check reverse DNS for every IP".to_string(),
        _ => format!("reverse DNS missing or not forward-confirmed ({confirmed} of {n} IP(s) OK)"),
    };
    rep.done(summary)
}

fn unique_ips(ips: &[IpAddr]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for ip in ips {
        let c = resolver::canonical_ip(*ip);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------- HELO

async fn helo(target: &Target, dns: &Dns) -> CheckReport {
    let kind = CheckKind::Helo;
    let Some(raw) = &target.mail_host else {
        return missing(kind, "mail server host name (HELO name)", "--mx");
    };
    let name = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut rep = Rep::new(kind, dns);
    if name.starts_with('[') && name.ends_with(']') {
        rep.note(
            Status::Warn,
            format!("HELO {name} is an address literal: allowed by RFC 5321 but many receivers score it as suspicious"),
        );
        rep.fix(
            "give the server a host name with matching A and PTR records and use it as HELO name",
        );
        return rep.done(format!("HELO {name} is an address literal"));
    }
    if name.is_empty() || name == "localhost" || !name.contains('.') {
        rep.note(
            Status::Fail,
            format!("HELO `{name}` is not a fully-qualified domain name; receivers reject it (Postfix: 504 5.5.2 need fully-qualified hostname)"),
        );
        rep.fix("set the mail server's HELO/EHLO name to its FQDN, e.g. mail.example.com (Postfix: myhostname; Exchange: the send connector FQDN)");
        return rep.done(format!("HELO `{name}` is not a valid host name"));
    }
    if !super::blocklist::valid_domain(&name) {
        rep.note(
            Status::Fail,
            format!("HELO `{name}` has invalid characters (Gmail: 501 5.5.4 HELO/EHLO argument is invalid)"),
        );
        rep.fix("use only letters, digits, hyphens and dots in the HELO name");
        return rep.done(format!("HELO `{name}` is not a valid host name"));
    }
    let (v4, v6, addrs) = rep.ask_addrs(&name).await;
    if addrs.is_empty() {
        if let Some(why) = could_not(&v4).or_else(|| could_not(&v6)) {
            rep.note(Status::Error, why);
            rep.fix(RESOLVER_FIX);
            return rep.done(format!("could not check HELO {name}"));
        }
        rep.note(
            Status::Fail,
            format!("HELO {name} has no A/AAAA record; receivers using reject_unknown_helo_hostname answer 450 4.7.1 Host not found"),
        );
        rep.fix(format!(
            "add an A record for {name} pointing to the sending IP, or change the HELO name to one that resolves"
        ));
    } else {
        rep.info(format!("HELO {name} → {}", join(&addrs)));
    }
    let ips = unique_ips(&target.ips);
    if !ips.is_empty() && !addrs.is_empty() {
        for ip in &ips {
            if !addrs.iter().any(|a| resolver::canonical_ip(*a) == *ip) {
                rep.note(
                    Status::Warn,
                    format!("HELO {name} does not resolve to the sending IP {ip}"),
                );
                rep.fix(format!(
                    "make {name}'s A/AAAA record include {ip}, or use the name that does"
                ));
            }
        }
    }
    let ptrs = join_all(
        ips.iter()
            .map(|ip| async move { dns.query(&resolver::reverse_name(*ip), Kind::Ptr).await }),
    )
    .await;
    for (ip, p) in ips.iter().zip(ptrs) {
        rep.saw(&p);
        let names: Vec<String> = p
            .outcome
            .records()
            .iter()
            .filter_map(|r| match r {
                Rec::Ptr(n) => Some(n.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        if names.contains(&name) {
            rep.info(format!("PTR of {ip} is {name}: matches the HELO name"));
        } else if let Some(why) = could_not(&p) {
            rep.info(format!("PTR of {ip} not compared: {why}"));
        } else if names.is_empty() {
            rep.note(
                Status::Warn,
                format!("{ip} has no PTR, so HELO {name} cannot match it"),
            );
            rep.fix(format!("ask the owner of {ip} to set its PTR to {name}"));
        } else {
            rep.note(
                Status::Warn,
                format!(
                    "PTR of {ip} is {} but HELO is {name}; best practice is HELO = PTR name = a name whose A points back",
                    names.join(", ")
                ),
            );
            rep.fix(format!(
                "use the PTR name as HELO name, or set the PTR of {ip} to {name}"
            ));
        }
    }
    let summary = match rep.worst {
        Status::Pass => format!("HELO {name} resolves and is consistent"),
        Status::Warn => format!("HELO {name} works but does not match the IP/PTR"),
        Status::Error => format!("could not check HELO {name}"),
        _ => format!("HELO {name} will be rejected by strict receivers"),
    };
    rep.done(summary)
}

// ---------------------------------------------------------------- SPF

/// One SPF mechanism or modifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpfMech {
    /// `all`.
    All,
    /// `include:domain`.
    Include(String),
    /// `a[:domain][/v4][//v6]`.
    A(Option<String>, u8, u8),
    /// `mx[:domain][/v4][//v6]`.
    Mx(Option<String>, u8, u8),
    /// `ptr[:domain]` (deprecated).
    Ptr(Option<String>),
    /// `ip4:addr[/len]`.
    Ip4(Ipv4Addr, u8),
    /// `ip6:addr[/len]`.
    Ip6(Ipv6Addr, u8),
    /// `exists:domain`.
    Exists(String),
    /// `redirect=domain`.
    Redirect(String),
    /// `exp=domain`.
    Exp(String),
    /// Another modifier (ignored per RFC 7208 §6).
    Unknown(String),
}

/// One parsed term with its qualifier (`+`, `-`, `~`, `?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfTerm {
    /// The term as written.
    pub text: String,
    /// Qualifier; `+` when none was written.
    pub qualifier: char,
    /// What it is.
    pub mech: SpfMech,
}

fn parse_cidr(s: &str) -> Result<(&str, u8, u8), String> {
    // domain-spec, then optional /n (IPv4) and //n (IPv6)
    let (rest, v6) = match s.find("//") {
        Some(i) => (
            &s[..i],
            s[i + 2..]
                .parse::<u8>()
                .map_err(|_| format!("bad IPv6 prefix in `{s}`"))?,
        ),
        None => (s, 128),
    };
    let (dom, v4) = match rest.rfind('/') {
        Some(i) => (
            &rest[..i],
            rest[i + 1..]
                .parse::<u8>()
                .map_err(|_| format!("bad IPv4 prefix in `{s}`"))?,
        ),
        None => (rest, 32),
    };
    if v4 > 32 || v6 > 128 {
        return Err(format!("prefix out of range in `{s}`"));
    }
    Ok((dom, v4, v6))
}

/// Parse an SPF record (`v=spf1 ...`) into terms; the error names the bad term.
pub fn parse_spf(record: &str) -> Result<Vec<SpfTerm>, String> {
    let mut parts = record.split_ascii_whitespace();
    match parts.next() {
        Some(v) if v.eq_ignore_ascii_case("v=spf1") => {}
        _ => return Err("the record does not start with `v=spf1`".into()),
    }
    let mut terms = Vec::new();
    for text in parts {
        let lower = text.to_ascii_lowercase();
        // Modifiers: name=value where name has no ':' or '/'.
        if let Some(eq) = lower.find('=') {
            let name = &lower[..eq];
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            {
                let value = text[eq + 1..].to_string();
                let mech = match name {
                    "redirect" => SpfMech::Redirect(value),
                    "exp" => SpfMech::Exp(value),
                    _ => SpfMech::Unknown(text.to_string()),
                };
                terms.push(SpfTerm {
                    text: text.to_string(),
                    qualifier: '+',
                    mech,
                });
                continue;
            }
        }
        let (qualifier, body) = match lower.chars().next() {
            Some(q @ ('+' | '-' | '~' | '?')) => (q, &text[1..]),
            _ => ('+', text),
        };
        let body_l = body.to_ascii_lowercase();
        let (name, arg) = match body_l.find([':', '/']) {
            Some(i) => (&body_l[..i], &body[i..]),
            None => (body_l.as_str(), ""),
        };
        let after_colon = arg.strip_prefix(':');
        let mech = match name {
            "all" if arg.is_empty() => SpfMech::All,
            "include" => SpfMech::Include(
                after_colon
                    .filter(|d| !d.is_empty())
                    .ok_or_else(|| format!("`{text}` needs a domain"))?
                    .to_string(),
            ),
            "exists" => SpfMech::Exists(
                after_colon
                    .filter(|d| !d.is_empty())
                    .ok_or_else(|| format!("`{text}` needs a domain"))?
                    .to_string(),
            ),
            "a" | "mx" => {
                let spec = after_colon.unwrap_or(arg);
                let (dom, v4, v6) = parse_cidr(spec)?;
                let dom = if after_colon.is_some() {
                    if dom.is_empty() {
                        return Err(format!("`{text}` has an empty domain"));
                    }
                    Some(dom.to_string())
                } else {
                    None
                };
                if name == "a" {
                    SpfMech::A(dom, v4, v6)
                } else {
                    SpfMech::Mx(dom, v4, v6)
                }
            }
            "ptr" => SpfMech::Ptr(after_colon.map(str::to_string)),
            "ip4" => {
                let (ip, len) = parse_ip_mech::<Ipv4Addr>(text, after_colon, 32, "IPv4")?;
                SpfMech::Ip4(ip, len)
            }
            "ip6" => {
                let (ip, len) = parse_ip_mech::<Ipv6Addr>(text, after_colon, 128, "IPv6")?;
                SpfMech::Ip6(ip, len)
            }
            _ => return Err(format!("unknown mechanism `{text}`")),
        };
        terms.push(SpfTerm {
            text: text.to_string(),
            qualifier,
            mech,
        });
    }
    Ok(terms)
}

/// An SPF record with everything its terms resolved to.
#[derive(Debug, Clone)]
struct SpfNode {
    domain: String,
    terms: Vec<(SpfTerm, Vec<IpAddr>, Option<Box<SpfNode>>)>,
}

#[derive(Default)]
struct SpfWalk {
    lookups: usize,
    voids: usize,
    problems: Vec<(Status, String)>,
    failures: Vec<String>,
    answers: Vec<Answer>,
    visited: HashSet<String>,
}

impl SpfWalk {
    async fn ask(&mut self, dns: &Dns, name: &str, kind: Kind) -> Answer {
        let a = dns.query(name, kind).await;
        self.answers.push(a.clone());
        if let Some(why) = could_not(&a) {
            self.failures.push(why);
        }
        a
    }
}

/// The SPF records (starting `v=spf1`) among TXT strings.
fn spf_records(txts: &[String]) -> Vec<String> {
    txts.iter()
        .filter(|t| {
            let l = t.trim_start().to_ascii_lowercase();
            l == "v=spf1" || l.starts_with("v=spf1 ")
        })
        .cloned()
        .collect()
}

fn walk_spf<'a>(
    dns: &'a Dns,
    domain: String,
    record: String,
    depth: usize,
    w: &'a mut SpfWalk,
) -> Pin<Box<dyn Future<Output = Option<SpfNode>> + Send + 'a>> {
    Box::pin(async move {
        if depth > 10 {
            w.problems.push((
                Status::Fail,
                format!("include/redirect nesting deeper than 10 at {domain}: permerror"),
            ));
            return None;
        }
        if !w.visited.insert(domain.clone()) {
            w.problems.push((
                Status::Fail,
                format!("{domain} is included twice (loop): permerror"),
            ));
            return None;
        }
        let terms = match parse_spf(&record) {
            Ok(t) => t,
            Err(e) => {
                w.problems.push((
                    Status::Fail,
                    format!("syntax error in the SPF record of {domain}: {e} (permerror)"),
                ));
                return None;
            }
        };
        let mut node = SpfNode {
            domain: domain.clone(),
            terms: Vec::new(),
        };
        for term in terms {
            // After a failed lookup the count is incomplete anyway; stop rather than
            // wait for more timeouts.
            if !w.failures.is_empty() {
                break;
            }
            let mut addrs = Vec::new();
            let mut child = None;
            let has_macro = |s: &str| s.contains('%');
            match &term.mech {
                SpfMech::Include(d) | SpfMech::Redirect(d) => {
                    w.lookups += 1;
                    if has_macro(d) {
                        w.problems.push((
                            Status::Warn,
                            format!("{} uses a macro; not followed here", term.text),
                        ));
                    } else {
                        let a = w.ask(dns, d, Kind::Txt).await;
                        let recs = spf_records(&a.outcome.txts());
                        match (&a.outcome, recs.len()) {
                            (o, _) if !o.is_answer() => {}
                            (_, 0) => {
                                if matches!(a.outcome, Outcome::NxDomain | Outcome::NoData) {
                                    w.voids += 1;
                                }
                                w.problems.push((Status::Fail, format!("{} (in {domain}) points to {d}, which has no SPF record: permerror", term.text)));
                            }
                            (_, 1) => {
                                child = walk_spf(
                                    dns,
                                    d.to_ascii_lowercase(),
                                    recs[0].clone(),
                                    depth + 1,
                                    w,
                                )
                                .await
                                .map(Box::new);
                            }
                            (_, n) => w.problems.push((
                                Status::Fail,
                                format!("{d} (via {}) has {n} SPF records: permerror", term.text),
                            )),
                        }
                    }
                }
                SpfMech::A(d, _, _) => {
                    w.lookups += 1;
                    let target = d.clone().unwrap_or_else(|| domain.clone());
                    if !has_macro(&target) {
                        let (v4, v6) = (
                            w.ask(dns, &target, Kind::A).await,
                            w.ask(dns, &target, Kind::Aaaa).await,
                        );
                        addrs.extend(v4.outcome.ips());
                        addrs.extend(v6.outcome.ips());
                        if addrs.is_empty() && v4.outcome.is_answer() && v6.outcome.is_answer() {
                            w.voids += 1;
                        }
                    }
                }
                SpfMech::Mx(d, _, _) => {
                    w.lookups += 1;
                    let target = d.clone().unwrap_or_else(|| domain.clone());
                    if !has_macro(&target) {
                        let m = w.ask(dns, &target, Kind::Mx).await;
                        let hosts: Vec<String> = m
                            .outcome
                            .records()
                            .iter()
                            .filter_map(|r| match r {
                                Rec::Mx(_, h) if h != "." => Some(h.clone()),
                                _ => None,
                            })
                            .collect();
                        if matches!(m.outcome, Outcome::NxDomain | Outcome::NoData) {
                            w.voids += 1;
                        }
                        if hosts.len() > 10 {
                            w.problems.push((
                                Status::Fail,
                                format!(
                                    "{} resolves to {} MX hosts (more than 10): permerror",
                                    term.text,
                                    hosts.len()
                                ),
                            ));
                        }
                        for h in hosts.iter().take(10) {
                            let v4 = w.ask(dns, h, Kind::A).await;
                            let v6 = w.ask(dns, h, Kind::Aaaa).await;
                            addrs.extend(v4.outcome.ips());
                            addrs.extend(v6.outcome.ips());
                        }
                    }
                }
                SpfMech::Ptr(_) => {
                    w.lookups += 1;
                    w.problems.push((Status::Warn, format!("{} (in {domain}) uses the deprecated `ptr` mechanism: slow, and many receivers ignore it (RFC 7208 §5.5)", term.text)));
                }
                SpfMech::Exists(d) => {
                    w.lookups += 1;
                    if !has_macro(d) {
                        let a = w.ask(dns, d, Kind::A).await;
                        if matches!(a.outcome, Outcome::NxDomain | Outcome::NoData) {
                            w.voids += 1;
                        }
                    }
                }
                SpfMech::All if term.qualifier == '+' => {
                    w.problems.push((Status::Warn, format!("`{}` in {domain} authorises every IP address on the internet to send as this domain", term.text)));
                }
                _ => {}
            }
            node.terms.push((term, addrs, child));
        }
        Some(node)
    })
}

fn in_prefix(ip: IpAddr, net: IpAddr, v4len: u8, v6len: u8) -> bool {
    match (resolver::canonical_ip(ip), resolver::canonical_ip(net)) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = if v4len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(v4len))
            };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = if v6len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(v6len))
            };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

enum SpfMatch {
    /// The qualifier of the matching term and the path of terms leading to it.
    Matched(char, Vec<String>),
    NoMatch,
    Unknown(String),
}

fn eval_node(node: &SpfNode, ip: IpAddr) -> SpfMatch {
    let mut redirect = None;
    for (term, addrs, child) in &node.terms {
        let here = format!("{} (in {})", term.text, node.domain);
        let hit = match &term.mech {
            SpfMech::All => true,
            SpfMech::Ip4(net, len) => in_prefix(ip, IpAddr::V4(*net), *len, 128),
            SpfMech::Ip6(net, len) => in_prefix(ip, IpAddr::V6(*net), 32, *len),
            SpfMech::A(_, l4, l6) | SpfMech::Mx(_, l4, l6) => {
                addrs.iter().any(|a| in_prefix(ip, *a, *l4, *l6))
            }
            SpfMech::Include(_) => match child {
                Some(c) => match eval_node(c, ip) {
                    SpfMatch::Matched('+', mut path) => {
                        path.insert(0, here.clone());
                        return SpfMatch::Matched(term.qualifier, path);
                    }
                    SpfMatch::Unknown(why) => return SpfMatch::Unknown(why),
                    _ => false,
                },
                None => return SpfMatch::Unknown(format!("{here} could not be followed")),
            },
            SpfMech::Ptr(_) | SpfMech::Exists(_) => {
                return SpfMatch::Unknown(format!("{here} depends on the receiver's own lookups"))
            }
            SpfMech::Redirect(_) => {
                redirect = Some((here.clone(), child));
                false
            }
            SpfMech::Exp(_) | SpfMech::Unknown(_) => false,
        };
        if hit {
            return SpfMatch::Matched(term.qualifier, vec![here]);
        }
    }
    match redirect {
        Some((here, Some(c))) => match eval_node(c, ip) {
            SpfMatch::Matched(q, mut path) => {
                path.insert(0, here);
                SpfMatch::Matched(q, path)
            }
            other => other,
        },
        Some((here, None)) => SpfMatch::Unknown(format!("{here} could not be followed")),
        None => SpfMatch::NoMatch,
    }
}

async fn spf(
    domain: String,
    mut rep: Rep<'_>,
    target: &Target,
    dns: &Dns,
    settings: &Settings,
) -> CheckReport {
    let a = rep.ask(&domain, Kind::Txt).await;
    match &a.outcome {
        Outcome::NxDomain => {
            rep.note(
                Status::Fail,
                format!("{domain} does not exist (NXDOMAIN), so it has no SPF record"),
            );
            rep.fix("check the domain name");
            return rep.done(format!("{domain} does not exist"));
        }
        o if !o.is_answer() => {
            rep.note(Status::Error, could_not(&a).unwrap_or_default());
            rep.fix(RESOLVER_FIX);
            return rep.done(format!(
                "could not check SPF of {domain}: the TXT lookup failed"
            ));
        }
        _ => {}
    }
    let recs = spf_records(&a.outcome.txts());
    if recs.is_empty() {
        rep.note(
            Status::Fail,
            format!("{domain} has no SPF record (no TXT starting with v=spf1); Gmail and Yahoo require SPF or DKIM from every sender and both from bulk senders"),
        );
        rep.fix(format!(
            "publish one TXT record at {domain}, e.g. `v=spf1 mx ip4:<your sending IP> -all` (add include: for each provider that sends for you)"
        ));
        return rep.done(format!("{domain} has no SPF record"));
    }
    if recs.len() > 1 {
        rep.note(
            Status::Fail,
            format!("{domain} has {} SPF records; more than one is a permerror and receivers treat SPF as broken: {}", recs.len(), recs.join(" | ")),
        );
        rep.fix("merge them into a single v=spf1 TXT record and delete the others");
        return rep.done(format!(
            "{domain} has {} SPF records (permerror)",
            recs.len()
        ));
    }
    let record = recs[0].clone();
    rep.info(format!("SPF record: {record}"));
    let mut w = SpfWalk::default();
    let tree = walk_spf(dns, domain.clone(), record.clone(), 0, &mut w).await;
    for ans in &w.answers {
        rep.saw(ans);
    }
    for (s, p) in &w.problems {
        rep.note(*s, p.clone());
    }
    if w.problems
        .iter()
        .any(|(_, p)| p.contains("authorises every IP"))
    {
        rep.fix("end the record with -all (or ~all while testing), never +all");
    }
    if w.problems.iter().any(|(_, p)| p.contains("`ptr`")) {
        rep.fix("replace ptr with ip4:/ip6: or a: mechanisms");
    }
    let incomplete = !w.failures.is_empty();
    if w.lookups > 10 {
        rep.note(
            Status::Fail,
            format!("the record needs {} DNS lookups (include, a, mx, ptr, exists, redirect, nested includes counted); the limit is 10, so receivers return permerror (550 5.7.24)", w.lookups),
        );
        rep.fix("cut lookups below 10: replace a/mx with ip4:/ip6: ranges, drop includes of services you no longer use, or flatten includes into addresses");
    } else if incomplete {
        rep.note(
            Status::Error,
            format!(
                "could not count every DNS lookup ({} counted so far): {}",
                w.lookups,
                w.failures.join("; ")
            ),
        );
        rep.fix(RESOLVER_FIX);
    } else {
        rep.info(format!("DNS lookups: {} of the 10 allowed", w.lookups));
    }
    if w.voids > 2 {
        rep.note(
            Status::Fail,
            format!("{} lookups return no data (void lookups); more than 2 is a permerror (RFC 7208 §4.6.4)", w.voids),
        );
        rep.fix("remove include/a/mx/exists terms that point to names without records");
    } else if w.voids > 0 {
        rep.info(format!("void lookups: {} (limit 2)", w.voids));
    }
    if let Some(node) = &tree {
        let has_all = node
            .terms
            .iter()
            .any(|(t, _, _)| matches!(t.mech, SpfMech::All | SpfMech::Redirect(_)));
        if !has_all {
            rep.note(
                Status::Warn,
                "the record has no `all` or `redirect`: unlisted senders get `neutral`, which protects nothing",
            );
            rep.fix("end the record with -all (or ~all)");
        }
    }

    // Evaluate for each sending IP with a full SPF implementation.
    let ips = unique_ips(&target.ips);
    if ips.is_empty() {
        rep.info("no sending IP given (--ip): the record was not evaluated for an address");
    } else {
        let auth = match super::resolver::resolver_config(settings)
            .map_err(|e| e.to_string())
            .and_then(|(c, o)| {
                mail_auth::MessageAuthenticator::new(c, o).map_err(|e| e.to_string())
            }) {
            Ok(a) => Some(a),
            Err(e) => {
                rep.note(Status::Error, format!("cannot set up SPF evaluation: {e}"));
                None
            }
        };
        if let Some(auth) = auth {
            let helo = target.mail_host.clone().unwrap_or_else(|| domain.clone());
            let sender = format!("postmaster@{domain}");
            for ip in &ips {
                let out = auth
                    .verify_spf(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                        *ip, &helo, &helo, &sender,
                    ))
                    .await;
                let evaluated = if incomplete {
                    None
                } else {
                    tree.as_ref().map(|t| eval_node(t, *ip))
                };
                let matched = match evaluated {
                    Some(SpfMatch::Matched(_, path)) => format!("matched by {}", path.join(" → ")),
                    Some(SpfMatch::NoMatch) => "no mechanism matched (default neutral)".to_string(),
                    Some(SpfMatch::Unknown(why)) => format!("matching term not determined: {why}"),
                    None if incomplete => {
                        "matching term not determined: some lookups failed".to_string()
                    }
                    None => "record could not be parsed".to_string(),
                };
                use mail_auth::SpfResult as R;
                let (status, word, meaning) = match out.result() {
                    R::Pass => (Status::Pass, "pass", "the IP is authorised"),
                    R::Fail => (Status::Fail, "fail", "the domain says this IP must not send for it; receivers may reject with 550 5.7.23"),
                    R::SoftFail => (Status::Warn, "softfail", "probably not authorised; mail is accepted but marked"),
                    R::Neutral => (Status::Warn, "neutral", "the domain makes no statement about this IP"),
                    R::None => (Status::Fail, "none", "no usable SPF record found"),
                    R::TempError => (Status::Error, "temperror", "a DNS lookup failed while evaluating; receivers defer (451 4.7.24)"),
                    R::PermError => (Status::Fail, "permerror", "the record is broken; receivers may reject (550 5.7.24)"),
                };
                rep.note(
                    status,
                    format!("SPF for {ip} sending as {sender}: {word} ({meaning}); {matched}"),
                );
                if matches!(status, Status::Fail | Status::Warn)
                    && word != "permerror"
                    && word != "none"
                {
                    rep.fix(format!(
                        "authorise {ip} in the SPF record of {domain} (ip{}:{ip} or an include: of the provider that owns it)",
                        if ip.is_ipv4() { "4" } else { "6" }
                    ));
                }
            }
        }
    }
    let summary = match rep.worst {
        Status::Pass => format!(
            "SPF of {domain} is valid ({} lookups){}",
            w.lookups,
            if ips.is_empty() {
                String::new()
            } else {
                " and passes for the sending IP(s)".into()
            }
        ),
        Status::Warn => format!("SPF of {domain} works, with warnings"),
        Status::Error => format!("could not fully check SPF of {domain}"),
        _ => format!("SPF of {domain} is broken or does not authorise the sender"),
    };
    rep.done(summary)
}

// ---------------------------------------------------------------- DMARC

/// Tags of a DMARC record, in order; the error says what is wrong.
pub fn parse_tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// The organisational domain of `domain` (RFC 7489 §3.2: one label below its
/// public suffix), when it differs from `domain` itself. The suffix comes from
/// the Public Suffix List compiled into the `psl` crate, so `mail.example.co.uk`
/// falls back to `example.co.uk`, never to the suffix `co.uk`; names under an
/// unknown top-level domain take their last two labels (the list's `*` rule).
fn org_domain(domain: &str) -> Option<String> {
    let org = psl::domain_str(domain)?;
    (org != domain).then(|| org.to_string())
}

async fn dmarc(domain: String, mut rep: Rep<'_>) -> CheckReport {
    let mut candidates = vec![domain.clone()];
    if let Some(org) = org_domain(&domain) {
        candidates.push(org);
    }
    let mut found: Option<(String, Vec<String>)> = None;
    for d in &candidates {
        let a = rep.ask(&format!("_dmarc.{d}"), Kind::Txt).await;
        if !a.outcome.is_answer() {
            rep.note(Status::Error, could_not(&a).unwrap_or_default());
            rep.fix(RESOLVER_FIX);
            return rep.done(format!(
                "could not check DMARC of {domain}: the lookup failed"
            ));
        }
        let recs: Vec<String> = a
            .outcome
            .txts()
            .into_iter()
            .filter(|t| t.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"))
            .collect();
        if !recs.is_empty() {
            found = Some((d.clone(), recs));
            break;
        }
    }
    let Some((at, recs)) = found else {
        rep.note(
            Status::Fail,
            format!("no DMARC record at _dmarc.{domain}{}; Gmail, Yahoo and Outlook.com require at least p=none from bulk senders (5,000+ messages a day)",
                org_domain(&domain).map(|o| format!(" or _dmarc.{o}")).unwrap_or_default()),
        );
        rep.fix(format!(
            "publish a TXT record at _dmarc.{domain}: `v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}`, read the reports, then move to p=quarantine or p=reject"
        ));
        return rep.done(format!("{domain} has no DMARC record"));
    };
    if at != domain {
        rep.info(format!("no record at _dmarc.{domain}; the organisational domain's record at _dmarc.{at} applies (sp= if present)"));
    }
    if recs.len() > 1 {
        rep.note(
            Status::Fail,
            format!(
                "_dmarc.{at} has {} DMARC records; with more than one, receivers apply no policy",
                recs.len()
            ),
        );
        rep.fix("keep exactly one v=DMARC1 record");
        return rep.done(format!(
            "{domain} has several DMARC records (no policy applies)"
        ));
    }
    let record = &recs[0];
    rep.info(format!("DMARC record: {record}"));
    let tags = parse_tags(record);
    let get = |k: &str| tags.iter().find(|(t, _)| t == k).map(|(_, v)| v.as_str());
    let policy_tag = if at != domain {
        get("sp").or(get("p"))
    } else {
        get("p")
    };
    match policy_tag.map(|p| p.to_ascii_lowercase()) {
        None => {
            rep.note(
                Status::Fail,
                "the record has no p= tag, so it is invalid (RFC 7489 requires p)",
            );
            rep.fix("add p=none (monitoring), p=quarantine or p=reject");
        }
        Some(p) if p == "none" => {
            rep.note(
                Status::Warn,
                "policy p=none: monitoring only; receivers take no action on failing mail, so spoofing of the domain is not blocked (it does satisfy the bulk-sender minimum)",
            );
            rep.fix("once the aggregate reports show all legitimate mail passing SPF or DKIM aligned, move to p=quarantine, then p=reject");
        }
        Some(p) if p == "quarantine" || p == "reject" => {
            rep.info(format!(
                "policy p={p}: failing mail is {}",
                if p == "reject" {
                    "rejected"
                } else {
                    "sent to spam"
                }
            ));
            rep.info("with an enforcing policy, mail that passes neither aligned SPF nor aligned DKIM bounces (Gmail 550 5.7.26, Microsoft 5.7.509, Yahoo 554 5.7.9): make sure every service sending as this domain signs with DKIM for it");
        }
        Some(p) => {
            rep.note(Status::Fail, format!("unknown policy p={p}"));
            rep.fix("use p=none, p=quarantine or p=reject");
        }
    }
    if let Some(pct) = get("pct") {
        if pct != "100" {
            rep.info(format!(
                "pct={pct}: the policy applies to only part of failing mail"
            ));
        }
    }
    for (tag, what) in [
        ("sp", "subdomain policy"),
        ("adkim", "DKIM alignment"),
        ("aspf", "SPF alignment"),
        ("fo", "failure report options"),
    ] {
        if let Some(v) = get(tag) {
            rep.info(format!("{what}: {tag}={v}"));
        }
    }
    let rua = get("rua").map(str::to_string);
    match rua {
        Some(rua) => {
            rep.info(format!("aggregate reports go to {rua}"));
            // A report address in another domain must be authorised by that domain
            // (RFC 7489 §7.1), or receivers drop the reports.
            let at_org = org_domain(&at).unwrap_or_else(|| at.clone());
            for uri in rua.split(',') {
                let Some(addr) = uri.trim().strip_prefix("mailto:") else {
                    continue;
                };
                let Some((_, rdomain)) = addr.split('!').next().and_then(|a| a.rsplit_once('@'))
                else {
                    continue;
                };
                let rdomain = rdomain.trim().trim_end_matches('.').to_ascii_lowercase();
                let r_org = org_domain(&rdomain).unwrap_or_else(|| rdomain.clone());
                if r_org == at_org || !super::blocklist::valid_domain(&rdomain) {
                    continue;
                }
                let name = format!("{at}._report._dmarc.{rdomain}");
                let a = rep.ask(&name, Kind::Txt).await;
                if let Some(why) = could_not(&a) {
                    rep.info(format!(
                        "authorisation of the external report address not checked: {why}"
                    ));
                } else if a
                    .outcome
                    .txts()
                    .iter()
                    .any(|t| t.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"))
                {
                    rep.info(format!("{rdomain} accepts reports for {at} ({name})"));
                } else {
                    rep.note(
                        Status::Warn,
                        format!("reports go to {rdomain}, which does not publish {name} TXT \"v=DMARC1\": receivers will not send the reports there"),
                    );
                    rep.fix(format!(
                        "ask the operator of {rdomain} to publish `{name}. TXT \"v=DMARC1\"` (report services do this when you register the domain)"
                    ));
                }
            }
        }
        None => {
            rep.note(Status::Warn, "no rua= tag: you receive no aggregate reports, so you cannot see who sends as your domain");
            rep.fix(format!(
                "add rua=mailto:dmarc-reports@{domain} (a mailbox or a DMARC report service)"
            ));
        }
    }
    let summary = match rep.worst {
        Status::Pass => format!(
            "DMARC of {domain} is enforced ({})",
            policy_tag.unwrap_or("?")
        ),
        Status::Warn => {
            format!("DMARC of {domain} is published but does not enforce, or lacks reports")
        }
        _ => format!("DMARC record of {domain} is invalid"),
    };
    rep.done(summary)
}

// ---------------------------------------------------------------- DKIM

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'=' | b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => crate::base64_value(c)?,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, head) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = b.get(head..head + len)?;
    Some((tag, content, &b[head + len..]))
}

/// Size in bits of an RSA public key given as base64 DER (SubjectPublicKeyInfo or PKCS#1).
pub fn rsa_key_bits(p: &str) -> Option<usize> {
    let bytes = base64_decode(p)?;
    let (tag, seq, _) = der(&bytes)?;
    if tag != 0x30 {
        return None;
    }
    let (t1, c1, rest) = der(seq)?;
    let modulus = if t1 == 0x02 {
        c1
    } else if t1 == 0x30 {
        let (t2, bitstring, _) = der(rest)?;
        if t2 != 0x03 || bitstring.is_empty() {
            return None;
        }
        let (t3, inner, _) = der(&bitstring[1..])?;
        if t3 != 0x30 {
            return None;
        }
        let (t4, n, _) = der(inner)?;
        if t4 != 0x02 {
            return None;
        }
        n
    } else {
        return None;
    };
    let n: &[u8] = {
        let mut n = modulus;
        while n.first() == Some(&0) {
            n = &n[1..];
        }
        n
    };
    let first = *n.first()?;
    Some(n.len() * 8 - first.leading_zeros() as usize)
}

async fn dkim(domain: String, mut rep: Rep<'_>, target: &Target, dns: &Dns) -> CheckReport {
    let given: Vec<String> = target
        .selectors
        .iter()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let mut selectors = given.clone();
    for s in COMMON_SELECTORS {
        if !selectors.iter().any(|x| x == s) {
            selectors.push((*s).to_string());
        }
    }
    let answers = join_all(selectors.iter().map(|s| {
        let name = format!("{s}._domainkey.{domain}");
        async move { dns.query(&name, Kind::Txt).await }
    }))
    .await;
    let mut found = 0;
    let mut failed = 0;
    // The common selectors are guesses: their misses go into one evidence line.
    let misses: Vec<&str> = selectors
        .iter()
        .zip(&answers)
        .filter(|(s, a)| {
            !given.contains(s) && matches!(a.outcome, Outcome::NxDomain | Outcome::NoData)
        })
        .map(|(s, _)| s.as_str())
        .collect();
    if !misses.is_empty() {
        rep.r.evidence.push(super::Evidence {
            query: format!("TXT {{{}}}._domainkey.{domain}", misses.join(",")),
            answer: format!(
                "no record for any of these {} common selectors",
                misses.len()
            ),
        });
    }
    for (sel, a) in selectors.iter().zip(&answers) {
        let user_given = given.contains(sel);
        // Only show the misses for selectors the user named; the common ones are guesses.
        if user_given
            || a.outcome.records().iter().any(|r| matches!(r, Rec::Txt(_)))
            || !a.outcome.is_answer()
        {
            rep.saw(a);
        }
        if let Some(why) = could_not(a) {
            failed += 1;
            rep.note(
                if user_given {
                    Status::Error
                } else {
                    Status::Warn
                },
                format!("selector {sel}: {why}"),
            );
            continue;
        }
        let txts = a.outcome.txts();
        let key = txts.iter().find(|t| t.contains("p=")).or(txts.first());
        let Some(key) = key else {
            if user_given {
                rep.note(
                    Status::Fail,
                    format!("no DKIM key at {sel}._domainkey.{domain}: signatures with s={sel} fail (key not found)"),
                );
                rep.fix(format!(
                    "publish the public key for selector {sel} (TXT, or the CNAME your provider gives) at {sel}._domainkey.{domain}"
                ));
            }
            continue;
        };
        found += 1;
        let tags = parse_tags(key);
        let get = |k: &str| tags.iter().find(|(t, _)| t == k).map(|(_, v)| v.as_str());
        let ktype = get("k").unwrap_or("rsa").to_ascii_lowercase();
        let p = get("p").map(|p| p.split_whitespace().collect::<String>());
        match p.as_deref() {
            None => {
                rep.note(
                    Status::Fail,
                    format!(
                        "selector {sel}: the record has no p= tag, so it is not a usable DKIM key"
                    ),
                );
                rep.fix(format!(
                    "republish the key for {sel} with p=<base64 public key>"
                ));
            }
            Some("") => {
                rep.note(
                    if user_given {
                        Status::Fail
                    } else {
                        Status::Warn
                    },
                    format!("selector {sel}: key revoked (empty p=); signatures with s={sel} fail"),
                );
                rep.fix(format!(
                    "sign with a selector that has a current key, or publish a new key for {sel}"
                ));
            }
            Some(p) => {
                let size = if ktype == "ed25519" {
                    base64_decode(p).map(|b| b.len() * 8).filter(|b| *b == 256)
                } else {
                    rsa_key_bits(p)
                };
                match (ktype.as_str(), size) {
                    ("rsa", Some(bits)) if bits < 1024 => {
                        rep.note(Status::Fail, format!("selector {sel}: RSA key of {bits} bits; keys under 1024 bits are rejected (RFC 8301)"));
                        rep.fix(format!("generate a 2048-bit RSA key for {sel} and publish it"));
                    }
                    ("rsa", Some(bits)) if bits < 2048 => {
                        rep.note(Status::Warn, format!("selector {sel}: RSA key of {bits} bits; 2048 bits is recommended (RFC 8301)"));
                        rep.fix(format!("rotate {sel} to a 2048-bit RSA key"));
                    }
                    (t, Some(bits)) => rep.info(format!("selector {sel}: {t} key, {bits} bits")),
                    (t, None) => rep.note(Status::Warn, format!("selector {sel}: {t} key whose size could not be read (malformed base64 or DER?)")),
                }
                if get("t").is_some_and(|t| t.split(':').any(|f| f.trim() == "y")) {
                    rep.note(Status::Warn, format!("selector {sel}: t=y (testing mode): receivers may ignore its signatures"));
                    rep.fix(format!("remove t=y from {sel} once signing works"));
                }
            }
        }
    }
    let miss_note = "selectors cannot be listed through DNS: take s= from the DKIM-Signature header of a real message and pass it with --selector";
    if found == 0 {
        if failed > 0 && rep.worst != Status::Fail {
            rep.note(
                Status::Error,
                format!(
                    "{failed} selector lookups failed, so a key may exist but could not be seen"
                ),
            );
            rep.fix(RESOLVER_FIX);
            return rep.done(format!("could not check DKIM of {domain}"));
        }
        if given.is_empty() {
            rep.note(
                Status::Warn,
                format!(
                    "no DKIM key found at {} common selectors; {miss_note}",
                    COMMON_SELECTORS.len()
                ),
            );
            rep.fix(miss_note);
            rep.fix("if the domain does not sign at all, enable DKIM signing at your mail server or provider: Gmail and Yahoo require SPF or DKIM, bulk senders both");
            return rep.done(format!(
                "no DKIM key found for {domain} at common selectors"
            ));
        }
    }
    rep.info(format!(
        "checked {} selectors ({} given, the rest common defaults)",
        selectors.len(),
        given.len()
    ));
    let summary = match rep.worst {
        Status::Pass => format!("{found} DKIM key(s) published for {domain}"),
        Status::Warn => format!("DKIM keys found for {domain}, with warnings"),
        Status::Error => format!("could not check every DKIM selector of {domain}"),
        _ => format!("DKIM problem for {domain}"),
    };
    rep.done(summary)
}

// ---------------------------------------------------------------- MTA-STS

async fn mta_sts(domain: String, mut rep: Rep<'_>, dns: &Dns) -> CheckReport {
    let sts_name = format!("_mta-sts.{domain}");
    let rpt_name = format!("_smtp._tls.{domain}");
    let (sts, rpt) = futures::future::join(
        dns.query(&sts_name, Kind::Txt),
        dns.query(&rpt_name, Kind::Txt),
    )
    .await;
    rep.saw(&sts);
    rep.saw(&rpt);
    let mut sts_ok = false;
    if let Some(why) = could_not(&sts) {
        rep.note(Status::Error, why);
        rep.fix(RESOLVER_FIX);
    } else {
        let recs: Vec<String> = sts
            .outcome
            .txts()
            .into_iter()
            .filter(|t| t.trim_start().to_ascii_lowercase().starts_with("v=stsv1"))
            .collect();
        match recs.len() {
            0 => {
                rep.note(
                    Status::Warn,
                    format!("no MTA-STS record at {sts_name}: optional, but without it senders cannot insist on TLS to your MX (downgrade attacks)"),
                );
                rep.fix(format!(
                    "publish `v=STSv1; id=<date or counter>` at {sts_name} and serve the policy at https://mta-sts.{domain}/.well-known/mta-sts.txt"
                ));
            }
            1 => {
                let tags = parse_tags(&recs[0]);
                let id = tags.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone());
                match id {
                    Some(id)
                        if !id.is_empty()
                            && id.len() <= 32
                            && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
                    {
                        sts_ok = true;
                        rep.info(format!("MTA-STS record: {} (id={id})", recs[0]));
                        rep.info(format!("policy file not fetched: check https://mta-sts.{domain}/.well-known/mta-sts.txt (valid certificate, mode, mx patterns, max_age)"));
                    }
                    other => {
                        rep.note(
                            Status::Fail,
                            format!("MTA-STS record `{}` has {}: id must be 1-32 letters/digits (RFC 8461)", recs[0], other.map(|i| format!("a bad id `{i}`")).unwrap_or_else(|| "no id".into())),
                        );
                        rep.fix(format!("set `v=STSv1; id=20260101T000000` style id at {sts_name}; change it whenever the policy changes"));
                    }
                }
            }
            n => {
                rep.note(Status::Fail, format!("{sts_name} has {n} STSv1 records; with more than one, senders ignore MTA-STS (RFC 8461 §3.1)"));
                rep.fix("keep exactly one v=STSv1 record");
            }
        }
    }
    if let Some(why) = could_not(&rpt) {
        rep.note(Status::Error, why);
        rep.fix(RESOLVER_FIX);
    } else {
        let recs: Vec<String> = rpt
            .outcome
            .txts()
            .into_iter()
            .filter(|t| {
                t.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("v=tlsrptv1")
            })
            .collect();
        match recs.first() {
            Some(r)
                if parse_tags(r)
                    .iter()
                    .any(|(k, v)| k == "rua" && !v.is_empty()) =>
            {
                rep.info(format!("TLS-RPT record: {r}"));
            }
            Some(r) => {
                rep.note(
                    Status::Warn,
                    format!("TLS-RPT record `{r}` has no rua= destination"),
                );
                rep.fix(format!("add rua=mailto:tls-reports@{domain} to {rpt_name}"));
            }
            None => {
                rep.note(
                    Status::Warn,
                    format!("no TLS-RPT record at {rpt_name}: you receive no reports about TLS failures delivering to you"),
                );
                rep.fix(format!(
                    "publish `v=TLSRPTv1; rua=mailto:tls-reports@{domain}` at {rpt_name}"
                ));
            }
        }
    }
    let summary = match rep.worst {
        Status::Pass => format!("MTA-STS and TLS-RPT published for {domain}"),
        Status::Warn if sts_ok => {
            format!("MTA-STS published for {domain}; TLS-RPT missing or incomplete")
        }
        Status::Warn => format!("{domain} does not publish MTA-STS (optional)"),
        Status::Error => format!("could not check MTA-STS of {domain}"),
        _ => format!("MTA-STS record of {domain} is invalid"),
    };
    rep.done(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spf_parser_reads_every_mechanism() {
        let t = parse_spf("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:example.org/24//64 -include:_spf.example.net ~all redirect=other.example exp=exp.example").unwrap();
        assert_eq!(t[0].mech, SpfMech::Ip4("192.0.2.0".parse().unwrap(), 24));
        assert_eq!(t[1].mech, SpfMech::Ip6("2001:db8::".parse().unwrap(), 32));
        assert_eq!(t[2].mech, SpfMech::A(None, 32, 128));
        assert_eq!(t[3].mech, SpfMech::Mx(Some("example.org".into()), 24, 64));
        assert_eq!(t[4].qualifier, '-');
        assert_eq!(t[5].qualifier, '~');
        assert_eq!(t[6].mech, SpfMech::Redirect("other.example".into()));
        assert!(parse_spf("v=spf1 ipv4:1.2.3.4 -all").is_err());
        assert!(parse_spf("v=spf1 ip4:300.1.1.1").is_err());
        assert!(parse_spf("spf1 -all").is_err());
    }

    #[test]
    fn spf_ip_mechanisms_share_one_reading() {
        let t =
            parse_spf("v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 ip4:10.0.0.0/0 ip6:::/128").unwrap();
        assert_eq!(t[0].mech, SpfMech::Ip4("192.0.2.1".parse().unwrap(), 32));
        assert_eq!(t[1].mech, SpfMech::Ip6("2001:db8::1".parse().unwrap(), 128));
        assert_eq!(t[2].mech, SpfMech::Ip4("10.0.0.0".parse().unwrap(), 0));
        assert_eq!(t[3].mech, SpfMech::Ip6("::".parse().unwrap(), 128));
        for (bad, why) in [
            ("ip4:192.0.2.0/33", "bad prefix length"),
            ("ip6:2001:db8::/129", "bad prefix length"),
            ("ip4:192.0.2.0/x", "bad prefix length"),
            ("ip4", "needs an address"),
            ("ip6", "needs an address"),
            ("ip4:2001:db8::1", "is not an IPv4 address"),
            ("ip6:192.0.2.1", "is not an IPv6 address"),
        ] {
            let e = parse_spf(&format!("v=spf1 {bad} -all")).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn generic_ptr_heuristics() {
        let ip: IpAddr = "192.0.2.4".parse().unwrap();
        assert!(generic_ptr("4-2-0-192.dsl.isp.example", ip).is_some());
        assert!(generic_ptr("192-0-2-4.example.net", ip).is_some());
        assert!(generic_ptr("c0000204.example.net", ip).is_some());
        assert!(generic_ptr("pool-17.dynamic.example.net", ip).is_some());
        assert!(generic_ptr("ec2-192-0-2-4.compute-1.amazonaws.com", ip).is_some());
        assert!(generic_ptr("mail.example.com", ip).is_none());
        assert!(generic_ptr("mx1.resolute.example", ip).is_none());
    }

    #[test]
    fn rsa_sizes_from_der() {
        // 1024-bit SubjectPublicKeyInfo (RFC 6376 appendix C style key).
        let k1024 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";
        assert_eq!(rsa_key_bits(k1024), Some(1024));
        assert_eq!(rsa_key_bits("not base64!"), None);
        assert!(in_prefix(
            "192.0.2.77".parse().unwrap(),
            "192.0.2.0".parse().unwrap(),
            24,
            128
        ));
        assert!(!in_prefix(
            "192.0.3.1".parse().unwrap(),
            "192.0.2.0".parse().unwrap(),
            24,
            128
        ));
        assert!(unroutable("10.1.2.3".parse().unwrap()));
        assert!(
            !unroutable("192.0.2.1".parse().unwrap()) || unroutable("127.0.0.1".parse().unwrap())
        );
    }
}
