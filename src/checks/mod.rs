//! Network checks for the sending side: blocklists, open relay, DNS.
//! Pure data in and out; every probe has a timeout and can be cancelled.

pub mod blocklist;
pub mod dns;
pub mod lists;
pub mod relay;
pub mod report;
pub mod resolver;

pub use report::{CheckReport, Evidence, Status};

use crate::knowledge::CheckKind;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// Sending IP addresses (IPv4 and IPv6).
    pub ips: Vec<IpAddr>,
    /// Sending domain (envelope sender / From domain).
    pub domain: Option<String>,
    /// The mail server's host name (HELO name).
    pub mail_host: Option<String>,
    /// SMTP server to probe for open relay, `host[:port]` (default port 25).
    pub smtp: Option<String>,
    /// DKIM selectors to look up (common ones are tried too).
    pub selectors: Vec<String>,
}

/// How to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// DNS server to use; `None` = the system resolver.
    pub resolver: Option<SocketAddr>,
    /// Timeout for one DNS query.
    pub dns_timeout: Duration,
    /// Timeout for one SMTP step (connect, each reply).
    pub smtp_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            resolver: None,
            dns_timeout: Duration::from_secs(3),
            smtp_timeout: Duration::from_secs(15),
        }
    }
}

/// Parse `ADDR` or `ADDR:PORT` (IPv6 as `[::1]:53`) into a resolver address, port 53 by default.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa);
    }
    if let Ok(ip) = s.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "`{s}` is not an IP address or IP:PORT (example: 127.0.0.1:53 or [::1]:5353)"
    ))
}

/// The report for a check cancelled while it was `waiting` for answers:
/// skipped, never failed, so a Ctrl+C does not read as a finding.
pub(crate) fn cancelled(kind: CheckKind, waiting: &str) -> CheckReport {
    CheckReport::new(kind, Status::Skipped, format!("cancelled before {waiting}"))
}

/// The report for a check that could not set up its DNS client.
pub(crate) fn resolver_failed(kind: CheckKind, e: impl std::fmt::Display) -> CheckReport {
    let mut r = CheckReport::new(kind, Status::Error, format!("could not check: {e}"));
    r.fix
        .push("pass a working DNS server with --resolver ADDR[:PORT]".into());
    r
}

/// Run one network check. Manual kinds return a `Skipped` report (the wizard handles them).
pub async fn run(
    kind: CheckKind,
    target: &Target,
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    match kind {
        CheckKind::Blocklist | CheckKind::DomainBlocklist => {
            blocklist::run(kind, target, settings, cancel).await
        }
        CheckKind::Relay => relay::run(target, settings, cancel).await,
        CheckKind::DnsMx
        | CheckKind::DnsPtr
        | CheckKind::Helo
        | CheckKind::Spf
        | CheckKind::Dmarc
        | CheckKind::Dkim
        | CheckKind::MtaSts => dns::run(kind, target, settings, cancel).await,
        manual => CheckReport::new(
            manual,
            Status::Skipped,
            "manual step: no network probe can answer this",
        ),
    }
}
