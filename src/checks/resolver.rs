//! One DNS client for every check, built from [`Settings`].
//!
//! `Settings.resolver` names an explicit server (queried over UDP, TCP on
//! truncation); without it the system resolver from `/etc/resolv.conf` is used.
//! Every query has the per-query timeout from `Settings.dns_timeout` and is
//! retried once after a timeout. Outcomes are mapped into [`Outcome`] so that
//! callers can tell "no such name" from "could not ask", which is the whole
//! point of an honest check.

use super::{Evidence, Settings};
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError, NoRecords};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Why no resolver could be built.
#[derive(Debug, thiserror::Error)]
pub enum ResolverError {
    /// The system configuration (`/etc/resolv.conf`) could not be read.
    #[error("cannot read the system resolver configuration (/etc/resolv.conf): {0}; pass --resolver ADDR")]
    SystemConfig(String),
    /// The resolver could not be constructed.
    #[error("cannot set up the DNS resolver: {0}")]
    Build(String),
}

/// The record kinds the checks ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Text.
    Txt,
    /// Mail exchanger.
    Mx,
    /// Reverse pointer.
    Ptr,
    /// Alias.
    Cname,
}

impl Kind {
    /// The name `dig` uses for this type.
    pub fn name(self) -> &'static str {
        match self {
            Kind::A => "A",
            Kind::Aaaa => "AAAA",
            Kind::Txt => "TXT",
            Kind::Mx => "MX",
            Kind::Ptr => "PTR",
            Kind::Cname => "CNAME",
        }
    }

    fn record_type(self) -> RecordType {
        match self {
            Kind::A => RecordType::A,
            Kind::Aaaa => RecordType::AAAA,
            Kind::Txt => RecordType::TXT,
            Kind::Mx => RecordType::MX,
            Kind::Ptr => RecordType::PTR,
            Kind::Cname => RecordType::CNAME,
        }
    }
}

/// One answer record, reduced to what the checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rec {
    /// IPv4 address.
    A(Ipv4Addr),
    /// IPv6 address.
    Aaaa(Ipv6Addr),
    /// TXT strings joined without separator (RFC 7208 §3.3: long records are split).
    Txt(String),
    /// Preference and exchange host (no trailing dot; `.` stays `.` for a null MX).
    Mx(u16, String),
    /// Target name of a PTR.
    Ptr(String),
    /// Owner and target of an alias met on the way.
    Cname(String, String),
    /// Anything else, as text.
    Other(String),
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::A(a) => write!(f, "{a}"),
            Rec::Aaaa(a) => write!(f, "{a}"),
            Rec::Txt(t) => write!(f, "\"{t}\""),
            Rec::Mx(p, h) => write!(f, "{p} {h}"),
            Rec::Ptr(p) => write!(f, "{p}"),
            Rec::Cname(from, to) => write!(f, "{from} CNAME {to}"),
            Rec::Other(o) => write!(f, "{o}"),
        }
    }
}

/// What a query came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The name has records of that type (aliases followed are included as `Rec::Cname`).
    Records(Vec<Rec>),
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no record of that type.
    NoData,
    /// The server refused to answer (REFUSED rcode).
    Refused,
    /// The server failed (SERVFAIL rcode): broken zone, DNSSEC failure, upstream refusal.
    ServFail,
    /// No answer in time, even after one retry.
    Timeout,
    /// Any other failure.
    Other(String),
}

impl Outcome {
    /// True when the answer says something about the name (records, NXDOMAIN or NODATA);
    /// false when we simply could not find out.
    pub fn is_answer(&self) -> bool {
        matches!(
            self,
            Outcome::Records(_) | Outcome::NxDomain | Outcome::NoData
        )
    }

    /// The records, or an empty slice for any other outcome.
    pub fn records(&self) -> &[Rec] {
        match self {
            Outcome::Records(r) => r,
            _ => &[],
        }
    }

    /// IPv4 addresses in the answer.
    pub fn ipv4(&self) -> Vec<Ipv4Addr> {
        self.records()
            .iter()
            .filter_map(|r| match r {
                Rec::A(a) => Some(*a),
                _ => None,
            })
            .collect()
    }

    /// IPv4 and IPv6 addresses in the answer.
    pub fn ips(&self) -> Vec<IpAddr> {
        self.records()
            .iter()
            .filter_map(|r| match r {
                Rec::A(a) => Some(IpAddr::V4(*a)),
                Rec::Aaaa(a) => Some(IpAddr::V6(*a)),
                _ => None,
            })
            .collect()
    }

    /// TXT strings in the answer.
    pub fn txts(&self) -> Vec<String> {
        self.records()
            .iter()
            .filter_map(|r| match r {
                Rec::Txt(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    /// A short description of why the question could not be answered, if it could not.
    pub fn failure(&self) -> Option<String> {
        match self {
            Outcome::Refused => Some("the DNS server refused the query (REFUSED)".into()),
            Outcome::ServFail => Some("the DNS server failed to answer (SERVFAIL)".into()),
            Outcome::Timeout => Some("no answer in time, even after a retry (timeout)".into()),
            Outcome::Other(e) => Some(format!("lookup failed: {e}")),
            _ => None,
        }
    }
}

/// One query and what came back; turns into evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Fully qualified name asked for (no trailing dot).
    pub name: String,
    /// Record type asked for.
    pub kind: Kind,
    /// What came back.
    pub outcome: Outcome,
}

impl Answer {
    /// The query as `TYPE name`.
    pub fn query_text(&self) -> String {
        format!("{} {}", self.kind.name(), self.name)
    }

    /// The answer as one line.
    pub fn answer_text(&self, timeout: Duration) -> String {
        match &self.outcome {
            Outcome::Records(r) => r
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            Outcome::NxDomain => "NXDOMAIN".into(),
            Outcome::NoData => "NOERROR, no records (NODATA)".into(),
            Outcome::Refused => "REFUSED".into(),
            Outcome::ServFail => "SERVFAIL".into(),
            Outcome::Timeout => format!("timeout after {} ms (tried twice)", timeout.as_millis()),
            Outcome::Other(e) => format!("error: {e}"),
        }
    }

    /// Evidence line for a report.
    pub fn evidence(&self, timeout: Duration) -> Evidence {
        Evidence {
            query: self.query_text(),
            answer: self.answer_text(timeout),
        }
    }
}

/// The DNS client every check uses.
#[derive(Clone)]
pub struct Dns {
    inner: TokioResolver,
    timeout: Duration,
    server: Option<SocketAddr>,
}

impl fmt::Debug for Dns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dns")
            .field("server", &self.server)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Resolver options shared by our own client and the SPF evaluator.
pub fn resolver_options(settings: &Settings) -> ResolverOpts {
    let mut opts = ResolverOpts::default();
    opts.timeout = settings.dns_timeout;
    // Our own retry loop does the single retry, so timeouts stay predictable.
    opts.attempts = 0;
    // A blocklist step sends a few hundred queries at once through one server.
    opts.max_active_requests = 1024;
    opts.num_concurrent_reqs = 1;
    opts.cache_size = 1024;
    opts.use_hosts_file = hickory_resolver::config::ResolveHosts::Never;
    opts.edns0 = true;
    opts
}

/// Resolver configuration for the settings: the explicit server (UDP and TCP) or the system one.
pub fn resolver_config(
    settings: &Settings,
) -> Result<(ResolverConfig, ResolverOpts), ResolverError> {
    match settings.resolver {
        Some(addr) => {
            let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
            for c in &mut ns.connections {
                c.port = addr.port();
            }
            Ok((
                ResolverConfig::from_name_servers(vec![ns]),
                resolver_options(settings),
            ))
        }
        None => {
            let (config, _) = hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| ResolverError::SystemConfig(e.to_string()))?;
            Ok((config, resolver_options(settings)))
        }
    }
}

impl Dns {
    /// Build the client for these settings.
    pub fn new(settings: &Settings) -> Result<Dns, ResolverError> {
        let (config, opts) = resolver_config(settings)?;
        let inner = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(opts)
            .build()
            .map_err(|e| ResolverError::Build(e.to_string()))?;
        Ok(Dns {
            inner,
            timeout: settings.dns_timeout,
            server: settings.resolver,
        })
    }

    /// The per-query timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Which server is asked, for the report (`127.0.0.1:53` or `system resolver`).
    pub fn server_text(&self) -> String {
        match self.server {
            Some(a) => a.to_string(),
            None => "the system resolver (/etc/resolv.conf)".into(),
        }
    }

    /// `dig` command line reproducing a query against the same server.
    pub fn dig(&self, name: &str, kind: Kind) -> String {
        match self.server {
            Some(a) if a.port() == 53 => format!("dig +short @{} {name} {}", a.ip(), kind.name()),
            Some(a) => format!(
                "dig +short @{} -p {} {name} {}",
                a.ip(),
                a.port(),
                kind.name()
            ),
            None => format!("dig +short {name} {}", kind.name()),
        }
    }

    /// Ask once, retrying once after a timeout.
    pub async fn query(&self, name: &str, kind: Kind) -> Answer {
        let clean = name.trim_end_matches('.').to_ascii_lowercase();
        let mut outcome = self.query_once(&clean, kind).await;
        if outcome == Outcome::Timeout {
            outcome = self.query_once(&clean, kind).await;
        }
        Answer {
            name: clean,
            kind,
            outcome,
        }
    }

    async fn query_once(&self, name: &str, kind: Kind) -> Outcome {
        let fqdn = format!("{name}.");
        // The resolver has its own deadline; this outer one guards against anything
        // inside it (connection set-up, TCP fallback) taking longer.
        let limit = self.timeout + Duration::from_millis(200);
        match tokio::time::timeout(limit, self.inner.lookup(fqdn, kind.record_type())).await {
            Err(_) => Outcome::Timeout,
            Ok(Ok(lookup)) => {
                let mut recs = Vec::new();
                for r in lookup.answers() {
                    let owner = r.name.to_string().trim_end_matches('.').to_string();
                    recs.push(match &r.data {
                        RData::A(a) => Rec::A(a.0),
                        RData::AAAA(a) => Rec::Aaaa(a.0),
                        RData::TXT(t) => Rec::Txt(
                            t.txt_data
                                .iter()
                                .map(|s| String::from_utf8_lossy(s).into_owned())
                                .collect::<String>(),
                        ),
                        RData::MX(mx) => {
                            let host = mx.exchange.to_string();
                            let host = if host == "." {
                                host
                            } else {
                                host.trim_end_matches('.').to_string()
                            };
                            Rec::Mx(mx.preference, host)
                        }
                        RData::PTR(p) => Rec::Ptr(p.0.to_string().trim_end_matches('.').into()),
                        RData::CNAME(c) => {
                            Rec::Cname(owner, c.0.to_string().trim_end_matches('.').into())
                        }
                        other => Rec::Other(other.to_string()),
                    });
                }
                if recs.is_empty() {
                    return Outcome::NoData;
                }
                Outcome::Records(recs)
            }
            Ok(Err(e)) => map_error(&e),
        }
    }
}

fn map_error(e: &NetError) -> Outcome {
    match e {
        NetError::Timeout => Outcome::Timeout,
        NetError::Dns(DnsError::NoRecordsFound(NoRecords { response_code, .. })) => {
            match *response_code {
                ResponseCode::NXDomain => Outcome::NxDomain,
                ResponseCode::NoError => Outcome::NoData,
                ResponseCode::ServFail => Outcome::ServFail,
                ResponseCode::Refused => Outcome::Refused,
                other => Outcome::Other(format!("response code {other}")),
            }
        }
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => Outcome::Refused,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => Outcome::ServFail,
        NetError::Dns(DnsError::ResponseCode(code)) => {
            Outcome::Other(format!("response code {code}"))
        }
        other => Outcome::Other(other.to_string()),
    }
}

/// Reverse-lookup name of an IP (`4.3.2.1.in-addr.arpa`, nibbles under `ip6.arpa`);
/// IPv4-mapped IPv6 is treated as the IPv4 address.
pub fn reverse_name(ip: IpAddr) -> String {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => format!("{}.in-addr.arpa", reversed_v4(v4)),
        IpAddr::V6(v6) => format!("{}.ip6.arpa", nibbles(v6)),
    }
}

/// `a.b.c.d` → `d.c.b.a`.
pub fn reversed_v4(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}", o[3], o[2], o[1], o[0])
}

/// The 32 reversed nibbles of an IPv6 address, dot-separated, lower-case (RFC 5782 §2.4).
pub fn nibbles(ip: Ipv6Addr) -> String {
    let hex: Vec<String> = ip
        .octets()
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .rev()
        .map(|n| format!("{n:x}"))
        .collect();
    hex.join(".")
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes the IPv4 address; others stay as they are.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names_follow_rfc5782() {
        assert_eq!(
            reverse_name("192.0.2.99".parse().unwrap()),
            "99.2.0.192.in-addr.arpa"
        );
        assert_eq!(
            nibbles("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
        );
        assert_eq!(
            reverse_name("::ffff:192.0.2.1".parse().unwrap()),
            "1.2.0.192.in-addr.arpa"
        );
    }
}
