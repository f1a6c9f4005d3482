//! `bounce-doctor check`: run the network checks that the given inputs allow,
//! all at once, and print one line per check (or JSON).
//!
//! Exit codes: 0 nothing failed, 1 a check failed, 2 usage error,
//! 130 interrupted with Ctrl+C (the checks that finished are still printed).

use super::{JsonFlag, Paint};
use crate::checks::{self, blocklist, relay, CheckReport, Settings, Status, Target};
use crate::knowledge::CheckKind;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Sending IP address (repeatable; IPv4 or IPv6).
    #[arg(long = "ip", value_name = "IP")]
    pub ips: Vec<String>,
    /// Sending domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// Mail server host name (HELO name).
    #[arg(long, value_name = "HOST")]
    pub mx: Option<String>,
    /// SMTP server to probe for open relay.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub smtp: Option<String>,
    /// DKIM selector (repeatable).
    #[arg(long = "selector", value_name = "S")]
    pub selectors: Vec<String>,
    /// Only these groups: blocklist, relay, dns (comma-separated; single
    /// check names such as spf or dns-ptr work too).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also print the queries made and answers received.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print the wizard's Markdown report (what is wrong, next actions,
    /// evidence, re-runnable commands) instead of the plain list.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// The check groups `--only` accepts, with their members.
const GROUPS: [(&str, &[CheckKind]); 3] = [
    (
        "blocklist",
        &[CheckKind::Blocklist, CheckKind::DomainBlocklist],
    ),
    ("relay", &[CheckKind::Relay]),
    (
        "dns",
        &[
            CheckKind::DnsMx,
            CheckKind::DnsPtr,
            CheckKind::Helo,
            CheckKind::Spf,
            CheckKind::Dmarc,
            CheckKind::Dkim,
            CheckKind::MtaSts,
        ],
    ),
];

/// Checks selected by `--only` (every network check when empty), in display order.
fn selected(only: &[String]) -> Result<Vec<CheckKind>, String> {
    let all: Vec<CheckKind> = GROUPS.iter().flat_map(|(_, k)| k.iter().copied()).collect();
    if only.is_empty() {
        return Ok(all);
    }
    let mut wanted = Vec::new();
    for name in only {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if let Some((_, kinds)) = GROUPS.iter().find(|(g, _)| *g == name) {
            wanted.extend_from_slice(kinds);
        } else if let Some(k) = CheckKind::from_name(&name).filter(|k| all.contains(k)) {
            wanted.push(k);
        } else {
            return Err(format!(
                "--only: unknown check `{name}` (groups: blocklist, relay, dns; or one of: {})",
                all.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(all.into_iter().filter(|k| wanted.contains(k)).collect())
}

/// What input a check needs, as a message for a Skipped report; `None` when it can run.
fn missing_input(kind: CheckKind, t: &Target) -> Option<&'static str> {
    let has_ip = !t.ips.is_empty();
    let has_domain = t.domain.is_some();
    match kind {
        CheckKind::Blocklist if !has_ip => Some("needs a sending IP: add --ip IP"),
        CheckKind::DomainBlocklist if !has_domain => {
            Some("needs a sending domain: add --domain DOMAIN")
        }
        CheckKind::Relay if t.smtp.is_none() && t.mail_host.is_none() => {
            Some("needs a mail server: add --smtp HOST[:PORT] or --mx HOST")
        }
        CheckKind::DnsPtr if !has_ip => Some("needs a sending IP: add --ip IP"),
        CheckKind::Helo if t.mail_host.is_none() => {
            Some("needs the mail server's HELO name: add --mx HOST")
        }
        CheckKind::DnsMx
        | CheckKind::Spf
        | CheckKind::Dmarc
        | CheckKind::Dkim
        | CheckKind::MtaSts
            if !has_domain =>
        {
            Some("needs a domain: add --domain DOMAIN")
        }
        _ => None,
    }
}

/// A host or domain name as typed: lower-cased, trailing dot removed, checked.
fn host_name(flag: &str, s: &str) -> Result<String, String> {
    let n = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if blocklist::valid_domain(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{flag}: `{s}` is not a domain name (example: example.com)"
        ))
    }
}

/// Turn the arguments into what the checks take; `Err` is a usage message.
fn build(args: &CheckArgs, resolver: Option<&str>) -> Result<(Target, Settings), String> {
    let mut target = Target::default();
    for ip in &args.ips {
        let parsed = ip
            .trim()
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
            .map_err(|_| {
                format!("--ip: `{ip}` is not an IP address (examples: 192.0.2.1, 2001:db8::1)")
            })?;
        if !target.ips.contains(&parsed) {
            target.ips.push(parsed);
        }
    }
    target.domain = args
        .domain
        .as_deref()
        .map(|d| host_name("--domain", d))
        .transpose()?;
    // --mx is taken loosely: a bad HELO name (`localhost`, `mail`, an address
    // literal) is exactly what the HELO check is there to report.
    target.mail_host = args
        .mx
        .as_deref()
        .map(|h| {
            let n = h.trim().trim_end_matches('.').to_ascii_lowercase();
            let ok = !n.is_empty()
                && n.len() <= 253
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_[]:".contains(c));
            if ok {
                Ok(n)
            } else {
                Err(format!(
                    "--mx: `{h}` is not a host name (example: mail.example.com)"
                ))
            }
        })
        .transpose()?;
    if let Some(s) = &args.smtp {
        relay::parse_smtp_target(s).map_err(|e| format!("--smtp: {e}"))?;
        target.smtp = Some(s.trim().to_string());
    }
    for s in &args.selectors {
        let ok = !s.is_empty()
            && s.split('.').all(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
        if !ok {
            return Err(format!(
                "--selector: `{s}` is not a DKIM selector (example: s1, google, k1)"
            ));
        }
        target.selectors.push(s.to_string());
    }
    if target.ips.is_empty()
        && target.domain.is_none()
        && target.mail_host.is_none()
        && target.smtp.is_none()
    {
        return Err(
            "nothing to check: give at least one of --ip IP, --domain DOMAIN, --mx HOST, --smtp HOST[:PORT]"
                .into(),
        );
    }
    let settings = Settings {
        resolver: resolver
            .map(checks::parse_resolver)
            .transpose()
            .map_err(|e| format!("--resolver: {e}"))?,
        ..Settings::default()
    };
    Ok((target, settings))
}

/// Progress on stderr, only when stderr is a terminal.
struct Progress {
    enabled: bool,
    total: usize,
    done: AtomicUsize,
    running: Mutex<Vec<&'static str>>,
}

impl Progress {
    fn show(&self) {
        if !self.enabled {
            return;
        }
        let running = self
            .running
            .lock()
            .map(|r| r.join(", "))
            .unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kchecking [{}/{}] {running}",
            self.done.load(Ordering::SeqCst),
            self.total
        );
        let _ = err.flush();
    }
    fn finished(&self, name: &'static str) {
        self.done.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut r) = self.running.lock() {
            r.retain(|n| *n != name);
        }
        self.show();
    }
    fn clear(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// Run the selected checks concurrently; Ctrl+C cancels them. Returns the
/// reports in `kinds` order and whether the run was interrupted.
async fn run_all(
    kinds: &[CheckKind],
    target: &Target,
    settings: &Settings,
    progress: Arc<Progress>,
) -> (Vec<CheckReport>, bool) {
    let cancel = CancellationToken::new();
    // Install the Ctrl+C handler before any check starts (it registers on
    // first poll): a signal arriving earlier would kill the process outright.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let _ = futures::poll!(&mut ctrl_c);
    let mut reports: Vec<Option<CheckReport>> = vec![None; kinds.len()];
    let mut set = tokio::task::JoinSet::new();
    for (i, &kind) in kinds.iter().enumerate() {
        if let Some(why) = missing_input(kind, target) {
            reports[i] = Some(CheckReport::new(kind, Status::Skipped, why));
            continue;
        }
        let (t, s, c, p) = (
            target.clone(),
            settings.clone(),
            cancel.clone(),
            progress.clone(),
        );
        if let Ok(mut r) = p.running.lock() {
            r.push(kind.name());
        }
        set.spawn(async move {
            let report = checks::run(kind, &t, &s, c).await;
            p.finished(kind.name());
            (i, report)
        });
    }
    progress.show();
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = set.join_next() => match next {
                Some(Ok((i, report))) => reports[i] = Some(report),
                Some(Err(e)) => eprintln!("a check stopped unexpectedly: {e}"),
                None => break,
            },
            _ = &mut ctrl_c, if !interrupted => {
                interrupted = true;
                cancel.cancel();
                progress.clear();
                eprintln!("interrupted: cancelling the running checks");
                // Checks honour cancellation at once; do not wait for one that doesn't.
                let grace = tokio::time::sleep(Duration::from_secs(3));
                tokio::pin!(grace);
                loop {
                    tokio::select! {
                        next = set.join_next() => match next {
                            Some(Ok((i, report))) => reports[i] = Some(report),
                            Some(Err(_)) => {}
                            None => break,
                        },
                        _ = &mut grace => { set.abort_all(); break; }
                    }
                }
                break;
            }
        }
    }
    progress.clear();
    let reports = reports
        .into_iter()
        .zip(kinds)
        .map(|(r, &k)| r.unwrap_or_else(|| CheckReport::new(k, Status::Skipped, "cancelled")))
        .collect();
    (reports, interrupted)
}

fn status_word(paint: Paint, s: Status) -> String {
    let word = format!("{:<7}", s.name().to_ascii_uppercase());
    match s {
        Status::Pass => paint.ok(&word),
        Status::Warn => paint.warn(&word),
        Status::Fail => paint.danger(&word),
        Status::Error => paint.warn(&word),
        Status::Skipped => paint.muted(&word),
    }
}

/// Human-readable report: one line per check, then its findings indented.
fn print_text(reports: &[CheckReport], verbose: bool, paint: Paint) {
    let width = reports.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for r in reports {
        let _ = writeln!(
            out,
            "{} {}  {}",
            status_word(paint, r.status),
            paint.strong(&format!("{:<width$}", r.id)),
            r.summary
        );
        if r.status == Status::Skipped {
            continue;
        }
        for d in &r.details {
            let _ = writeln!(out, "    {d}");
        }
        if !r.fix.is_empty() {
            let _ = writeln!(out, "    {}", paint.strong("fix:"));
            for (i, f) in r.fix.iter().enumerate() {
                let _ = writeln!(out, "      {}. {f}", i + 1);
            }
        }
        for c in &r.commands {
            let _ = writeln!(out, "    {} {}", paint.muted("verify:"), paint.accent(c));
        }
        if verbose {
            for e in &r.evidence {
                let _ = writeln!(out, "    {} {}", paint.muted(">"), e.query);
                for line in e.answer.lines() {
                    let _ = writeln!(out, "    {} {line}", paint.muted("<"));
                }
            }
        }
    }
    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    let _ = writeln!(
        out,
        "\n{} check{}: {} pass, {} warn, {} fail, {} error, {} skipped",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Error),
        count(Status::Skipped)
    );
}

/// Run `check`.
pub fn run(args: &CheckArgs, resolver: Option<&str>, paint: Paint) -> i32 {
    let kinds = match selected(&args.only) {
        Ok(k) => k,
        Err(e) => return usage(&e),
    };
    let (target, settings) = match build(args, resolver) {
        Ok(ts) => ts,
        Err(e) => return usage(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let progress = Arc::new(Progress {
        enabled: std::io::stderr().is_terminal(),
        total: kinds
            .iter()
            .filter(|k| missing_input(**k, &target).is_none())
            .count(),
        done: AtomicUsize::new(0),
        running: Mutex::new(Vec::new()),
    });
    let (reports, interrupted) = runtime.block_on(run_all(&kinds, &target, &settings, progress));
    // Do not let a stuck probe hold the process open after the results are in.
    runtime.shutdown_timeout(Duration::from_millis(200));

    if args.json.json {
        // A struct, not `json!`, so fields keep their declared order.
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            checks: &'a [CheckReport],
        }
        let doc =
            serde_json::to_string_pretty(&Doc { checks: &reports }).unwrap_or_else(|_| "{}".into());
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout().lock(), "{doc}");
    } else if args.markdown {
        match markdown_report(args, &reports) {
            Ok(md) => {
                let _ = write!(std::io::stdout().lock(), "{md}");
            }
            Err(e) => return usage(&e),
        }
    } else {
        print_text(&reports, args.verbose, paint);
    }
    if interrupted {
        130
    } else if reports.iter().any(|r| r.status == Status::Fail) {
        1
    } else {
        0
    }
}

/// The same report the wizard exports, built from this run's results: every
/// probe step gets its report, steps that were not run are marked skipped.
fn markdown_report(args: &CheckArgs, reports: &[CheckReport]) -> Result<String, String> {
    use crate::wizard::{format_utc, Inputs, Wizard};
    let mut wizard = Wizard::new(Inputs {
        ips: args.ips.join(", "),
        domain: args.domain.clone().unwrap_or_default(),
        mail_host: args.mx.clone().unwrap_or_default(),
        selectors: args.selectors.join(", "),
        smtp: args.smtp.clone().unwrap_or_default(),
    });
    let requests = wizard.start().map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    for request in requests {
        match reports.iter().find(|r| r.kind == request.kind) {
            Some(report) => {
                wizard.step_finished(request.step, request.run, report.clone());
            }
            None => {
                wizard.skip(request.step);
            }
        }
    }
    wizard.show_summary();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(wizard.summary_markdown(&format_utc(now)))
}

fn usage(msg: &str) -> i32 {
    eprintln!("error: {msg}");
    eprintln!("usage: bounce-doctor check [--ip IP]... [--domain D] [--mx HOST] [--smtp HOST[:PORT]] [--selector S]... [--only blocklist,relay,dns] [--json]");
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> CheckArgs {
        CheckArgs {
            ips: vec![],
            domain: None,
            mx: None,
            smtp: None,
            selectors: vec![],
            only: vec![],
            verbose: false,
            markdown: false,
            json: JsonFlag::default(),
        }
    }

    #[test]
    fn only_accepts_groups_and_check_names() {
        assert_eq!(selected(&["relay".into()]).unwrap(), vec![CheckKind::Relay]);
        let k = selected(&["spf".into(), "blocklist".into()]).unwrap();
        assert_eq!(
            k,
            vec![
                CheckKind::Blocklist,
                CheckKind::DomainBlocklist,
                CheckKind::Spf
            ]
        );
        assert_eq!(selected(&[]).unwrap().len(), 10);
        // The groups hold exactly the schema's network checks, in its order.
        let network: Vec<CheckKind> = CheckKind::ALL
            .into_iter()
            .filter(|k| !k.is_manual())
            .collect();
        assert_eq!(selected(&[]).unwrap(), network);
        assert!(selected(&["relays".into()]).unwrap_err().contains("relays"));
        assert!(
            selected(&["content".into()]).is_err(),
            "manual steps are not network checks"
        );
    }

    #[test]
    fn inputs_are_validated() {
        let mut a = args();
        assert!(build(&a, None).unwrap_err().contains("nothing to check"));
        a.ips = vec!["not-an-ip".into()];
        assert!(build(&a, None)
            .unwrap_err()
            .contains("`not-an-ip` is not an IP"));
        a.ips = vec![
            "192.0.2.1".into(),
            "[2001:db8::1]".into(),
            "192.0.2.1".into(),
        ];
        a.domain = Some("Example.COM.".into());
        let (t, s) = build(&a, Some("127.0.0.1:5353")).unwrap();
        assert_eq!(t.ips.len(), 2);
        assert_eq!(t.domain.as_deref(), Some("example.com"));
        assert_eq!(s.resolver, Some("127.0.0.1:5353".parse().unwrap()));
        assert!(build(&a, Some("dns.example"))
            .unwrap_err()
            .starts_with("--resolver"));
        a.mx = Some("localhost".into());
        assert_eq!(
            build(&a, None).unwrap().0.mail_host.as_deref(),
            Some("localhost")
        );
        a.mx = Some("mail server".into());
        assert!(build(&a, None).unwrap_err().starts_with("--mx"));
        a.mx = None;
        a.smtp = Some("mx.example.com:notaport".into());
        assert!(build(&a, None).unwrap_err().starts_with("--smtp"));
        a.smtp = None;
        a.selectors = vec!["bad selector".into()];
        assert!(build(&a, None).unwrap_err().starts_with("--selector"));
    }

    #[test]
    fn missing_inputs_name_the_flag() {
        let t = Target::default();
        assert!(missing_input(CheckKind::Relay, &t)
            .unwrap()
            .contains("--smtp"));
        assert!(missing_input(CheckKind::Blocklist, &t)
            .unwrap()
            .contains("--ip"));
        assert!(missing_input(CheckKind::Spf, &t)
            .unwrap()
            .contains("--domain"));
        let t = Target {
            mail_host: Some("mx.example.com".into()),
            ..Target::default()
        };
        assert_eq!(missing_input(CheckKind::Relay, &t), None);
        assert_eq!(missing_input(CheckKind::Helo, &t), None);
    }
}
