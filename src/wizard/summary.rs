//! The wizard's summary: what is wrong (worst first), who must act, what to do
//! next, and a Markdown report someone else can use to verify the findings.

use super::state::{one_line, Outcome, Step, StepKind, StepState, Wizard};
use super::steps::impact_rank;
use crate::checks::Target;
use crate::knowledge::{Actor, CheckKind};
use std::fmt::Write as _;
use std::net::IpAddr;

/// One problem (or unanswered question) found by a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Step index.
    pub step: usize,
    /// The check kind (None for knowledge-entry steps).
    pub kind: Option<CheckKind>,
    /// Step title.
    pub title: String,
    /// Fail, warn or could-not-check.
    pub outcome: Outcome,
    /// What the check found, in one line.
    pub summary: String,
    /// What to do about it.
    pub fix: Vec<String>,
    /// Commands to verify it again.
    pub commands: Vec<String>,
    /// Who must act.
    pub who: Vec<Actor>,
}

/// The wizard's conclusions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// One sentence: the overall verdict.
    pub headline: String,
    /// Failures, then warnings, then checks that could not answer; within each,
    /// the likely impact decides (blocklists and open relay before cosmetics).
    pub problems: Vec<Finding>,
    /// Titles of probes that passed.
    pub passed: Vec<String>,
    /// Titles of checklist items not ticked yet, relevant ones first.
    pub open_checklist: Vec<String>,
    /// Titles of checklist items ticked.
    pub done_checklist: Vec<String>,
    /// Titles of skipped or not-applicable steps, with the reason.
    pub skipped: Vec<String>,
    /// Titles of probes still running or not run.
    pub unfinished: Vec<String>,
    /// Who must act, most important first.
    pub who: Vec<Actor>,
    /// The next actions, in order.
    pub next_actions: Vec<String>,
}

impl Wizard {
    /// Build the summary from the current state of the steps.
    pub fn summary(&self) -> Summary {
        let target = self.target.clone().unwrap_or_default();
        let mut problems = Vec::new();
        let mut passed = Vec::new();
        let mut open_checklist = Vec::new();
        let mut done_checklist = Vec::new();
        let mut skipped = Vec::new();
        let mut unfinished = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let outcome = step.outcome();
            match outcome {
                Outcome::Fail | Outcome::Warn | Outcome::CouldNotCheck => {
                    problems.push(finding(i, step, outcome, &target))
                }
                Outcome::Pass => passed.push(step.title.clone()),
                Outcome::Done => done_checklist.push(step.title.clone()),
                Outcome::Pending if step.is_manual() => open_checklist.push(step.title.clone()),
                Outcome::Pending | Outcome::Running => unfinished.push(step.title.clone()),
                Outcome::Skipped => {
                    skipped.push(format!("{} ({})", step.title, step.status_line()))
                }
            }
        }
        problems.sort_by_key(|f| {
            (
                f.outcome.severity_rank(),
                f.kind.map_or(u8::MAX, impact_rank),
                f.step,
            )
        });

        let mut who: Vec<Actor> = Vec::new();
        for f in problems
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Warn))
        {
            for a in &f.who {
                if !who.contains(a) {
                    who.push(*a);
                }
            }
        }
        if who.is_empty() {
            for r in &self.context.reasons {
                for a in r.default_actors() {
                    if !who.contains(a) {
                        who.push(*a);
                    }
                }
            }
        }

        let fails = count(&problems, Outcome::Fail);
        let warns = count(&problems, Outcome::Warn);
        let unknown = count(&problems, Outcome::CouldNotCheck);
        let mut headline = match (fails, warns) {
            (0, 0) if passed.is_empty() => "No check has given a verdict yet".to_string(),
            (0, 0) => "The checks that ran found nothing wrong".to_string(),
            (f, 0) => format!("{} failed", plural(f, "check")),
            (0, w) => format!("{} worth fixing", plural(w, "finding")),
            (f, w) => format!("{} failed, {w} more worth fixing", plural(f, "check")),
        };
        if unknown > 0 {
            headline.push_str(&format!(
                "; {} could not be checked",
                plural(unknown, "check")
            ));
        }
        if !unfinished.is_empty() {
            headline.push_str(&format!("; {} still to run", unfinished.len()));
        }
        headline.push('.');

        let mut next_actions = Vec::new();
        for f in problems
            .iter()
            .filter(|f| f.outcome != Outcome::CouldNotCheck)
        {
            if let Some(first) = f.fix.first() {
                next_actions.push(format!("{}: {}", f.title, first));
            }
        }
        // Unanswered checks share one remedy; one line keeps the list readable.
        let unanswered: Vec<&Finding> = problems
            .iter()
            .filter(|f| f.outcome == Outcome::CouldNotCheck)
            .collect();
        match unanswered.as_slice() {
            [] => {}
            [f] => next_actions.push(format!(
                "{}: no answer ({}). Run it again (r), from another network or with another resolver (--resolver), or verify with the commands in the report.",
                f.title, f.summary
            )),
            many => {
                let titles: Vec<&str> = many.iter().map(|f| f.title.as_str()).collect();
                next_actions.push(format!(
                    "{} checks gave no answer ({}): neither clean nor listed. Run them again (r), from another network or with another resolver (--resolver), or verify with the commands in the report.",
                    many.len(),
                    titles.join("; ")
                ));
            }
        }
        let delist = problems.iter().any(|f| {
            f.outcome == Outcome::Fail
                && matches!(
                    f.kind,
                    Some(CheckKind::Blocklist | CheckKind::DomainBlocklist | CheckKind::Relay)
                )
        });
        if delist {
            next_actions.push(
                "After fixing the cause and requesting removal, wait 24 hours, run the wizard again, then resend.".into(),
            );
        }
        let relevant_open: Vec<&str> = self
            .steps
            .iter()
            .filter(|s| s.is_manual() && s.is_relevant() && s.state == StepState::Pending)
            .map(|s| s.title.as_str())
            .collect();
        if !relevant_open.is_empty() {
            next_actions.push(format!(
                "Work through the checklist items for this bounce: {}.",
                relevant_open.join("; ")
            ));
        }
        let contacted = self.steps.iter().any(|s| {
            s.check_kind() == Some(CheckKind::ContactRecipient) && s.state == StepState::Ticked
        });
        if !contacted {
            next_actions.push(
                "If mail still bounces after the fixes, contact the recipient by phone or another channel and ask to be added to their approved senders list.".into(),
            );
        }

        Summary {
            headline,
            problems,
            passed,
            open_checklist,
            done_checklist,
            skipped,
            unfinished,
            who,
            next_actions,
        }
    }

    /// The whole run as Markdown: inputs, diagnosis, what is wrong, next
    /// actions, each step's evidence, fixes and re-runnable commands, and the
    /// checklist. `generated` is a timestamp line supplied by the caller.
    pub fn summary_markdown(&self, generated: &str) -> String {
        let sum = self.summary();
        let target = self.target.clone().unwrap_or_default();
        let mut md = String::new();
        let _ = writeln!(md, "# bounce-doctor remediation report\n");
        if !generated.is_empty() {
            let _ = writeln!(md, "Generated: {generated}\n");
        }

        md.push_str("## Inputs\n\n");
        let ips: Vec<String> = target.ips.iter().map(|ip| ip.to_string()).collect();
        let rows = [
            ("Sending IPs", ips.join(", ")),
            ("Sending domain", target.domain.clone().unwrap_or_default()),
            ("Mail server", target.mail_host.clone().unwrap_or_default()),
            ("DKIM selectors", target.selectors.join(", ")),
            (
                "SMTP server probed",
                target.smtp.clone().unwrap_or_default(),
            ),
        ];
        for (k, v) in rows {
            let v = if v.is_empty() {
                "—".to_string()
            } else {
                format!("`{v}`")
            };
            let _ = writeln!(md, "- {k}: {v}");
        }
        md.push('\n');

        if !self.context.reasons.is_empty() || !self.context.recipients.is_empty() {
            md.push_str("## The bounce\n\n");
            for line in &self.context.recipients {
                let _ = writeln!(md, "- {}", md_inline(line));
            }
            for r in &self.context.reasons {
                let _ = writeln!(md, "- Diagnosed reason: **{r}** — {}", r.phrase());
            }
            for e in &self.context.entries {
                let _ = writeln!(
                    md,
                    "- Knowledge entry: {} (`{}`)",
                    md_inline(&e.title),
                    e.id
                );
            }
            md.push('\n');
        }

        md.push_str("## What is wrong\n\n");
        let _ = writeln!(md, "{}\n", sum.headline);
        if sum.problems.is_empty() {
            md.push_str("No check found a problem.\n\n");
        } else {
            for (n, f) in sum.problems.iter().enumerate() {
                let who: Vec<&str> = f.who.iter().map(|a| a.label()).collect();
                let _ = writeln!(
                    md,
                    "{}. **{}** {}: {} (who acts: {})",
                    n + 1,
                    f.outcome.label().to_uppercase(),
                    md_inline(&f.title),
                    md_inline(&f.summary),
                    who.join(", ")
                );
            }
            md.push('\n');
        }
        if !sum.who.is_empty() {
            let who: Vec<&str> = sum.who.iter().map(|a| a.label()).collect();
            let _ = writeln!(md, "**Who must act:** {}\n", who.join(", "));
        }

        md.push_str("## Next actions\n\n");
        for (n, a) in sum.next_actions.iter().enumerate() {
            let _ = writeln!(md, "{}. {}", n + 1, md_inline(a));
        }
        md.push('\n');

        md.push_str("## Checks\n\n");
        for (i, step) in self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_manual())
        {
            write_check(&mut md, i, step, &target);
        }

        md.push_str("## Checklist\n\n");
        for step in self.steps.iter().filter(|s| s.is_manual()) {
            let mark = match step.state {
                StepState::Ticked => "x",
                _ => " ",
            };
            let skipped = if step.state == StepState::Skipped {
                " (skipped)"
            } else {
                ""
            };
            let _ = writeln!(md, "- [{mark}] **{}**{skipped}", md_inline(&step.title));
            for line in &step.fix {
                let _ = writeln!(md, "  - {}", md_inline(line));
            }
        }
        md.push('\n');
        if !self.settled() {
            md.push_str("_Some checks were still running when this report was made._\n");
        }
        md
    }
}

fn count(problems: &[Finding], outcome: Outcome) -> usize {
    problems.iter().filter(|f| f.outcome == outcome).count()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn finding(i: usize, step: &Step, outcome: Outcome, target: &Target) -> Finding {
    let report = step.report();
    let fix = match report {
        Some(r) if !r.fix.is_empty() => r.fix.clone(),
        _ => step.fix.clone(),
    };
    Finding {
        step: i,
        kind: step.check_kind(),
        title: step.title.clone(),
        outcome,
        summary: step.status_line(),
        fix,
        commands: commands_for(step, target),
        who: step.who.clone(),
    }
}

/// The report's own commands, or commands built from the target when the
/// check did not give any (not run, cancelled, skipped).
fn commands_for(step: &Step, target: &Target) -> Vec<String> {
    if let Some(r) = step.report() {
        if !r.commands.is_empty() {
            return r.commands.clone();
        }
    }
    match step.kind {
        StepKind::Check(k) => verify_commands(k, target),
        StepKind::EntrySteps { .. } => Vec::new(),
    }
}

fn write_check(md: &mut String, i: usize, step: &Step, target: &Target) {
    let outcome = step.outcome();
    let _ = writeln!(
        md,
        "### {} {} — {}\n",
        outcome.icon(),
        md_inline(&step.title),
        outcome.label()
    );
    let _ = writeln!(md, "{}\n", md_inline(&step.status_line()));
    if let Some(r) = step.report() {
        for d in &r.details {
            let _ = writeln!(md, "- {}", md_inline(d));
        }
        if !r.details.is_empty() {
            md.push('\n');
        }
        if !r.evidence.is_empty() {
            md.push_str("| query | answer |\n|---|---|\n");
            for e in &r.evidence {
                let _ = writeln!(md, "| `{}` | `{}` |", md_cell(&e.query), md_cell(&e.answer));
            }
            md.push('\n');
        }
    }
    if matches!(
        outcome,
        Outcome::Fail | Outcome::Warn | Outcome::CouldNotCheck
    ) {
        let fix = finding(i, step, outcome, target).fix;
        md.push_str("Fix:\n\n");
        for f in &fix {
            let _ = writeln!(md, "- {}", md_inline(f));
        }
        md.push('\n');
        // The check's own advice replaced the general steps above; keep them too.
        if fix != step.fix {
            md.push_str("General advice:\n\n");
            for f in &step.fix {
                let _ = writeln!(md, "- {}", md_inline(f));
            }
            md.push('\n');
        }
    }
    let commands = commands_for(step, target);
    if !commands.is_empty() {
        md.push_str("Verify:\n\n```sh\n");
        for c in commands {
            let _ = writeln!(md, "{c}");
        }
        md.push_str("```\n\n");
    }
}

/// Commands anyone can run to repeat a check by hand (`dig`, `swaks`, `curl`).
/// The relay command stops after RCPT, like the probe: nothing is ever sent.
pub fn verify_commands(kind: CheckKind, target: &Target) -> Vec<String> {
    let mut out = Vec::new();
    let domain = target.domain.as_deref();
    match kind {
        CheckKind::Blocklist => {
            for ip in &target.ips {
                let rev = reversed_ip(*ip);
                out.push(format!("dig +short A {rev}.zen.spamhaus.org"));
                out.push(format!("dig +short TXT {rev}.zen.spamhaus.org"));
                out.push(format!("dig +short A {rev}.bl.spamcop.net"));
                out.push(format!("dig +short A {rev}.b.barracudacentral.org"));
            }
        }
        CheckKind::DomainBlocklist => {
            if let Some(d) = domain {
                out.push(format!("dig +short A {d}.dbl.spamhaus.org"));
                out.push(format!("dig +short A {d}.multi.surbl.org"));
                out.push(format!("dig +short A {d}.multi.uribl.com"));
            }
        }
        CheckKind::Relay => {
            if let Some(s) = &target.smtp {
                let (host, port) = split_host_port(s);
                out.push(format!(
                    "swaks --server {host} --port {port} --from relaytest@example.org --to relaytest@example.net --quit-after RCPT"
                ));
            }
        }
        CheckKind::DnsMx => {
            if let Some(d) = domain {
                out.push(format!("dig +short MX {d}"));
                out.push(format!("dig +short A {d}"));
            }
        }
        CheckKind::DnsPtr => {
            for ip in &target.ips {
                out.push(format!("dig +short -x {ip}"));
            }
        }
        CheckKind::Helo => {
            if let Some(h) = &target.mail_host {
                out.push(format!("dig +short A {h}"));
                out.push(format!("dig +short AAAA {h}"));
            }
        }
        CheckKind::Spf => {
            if let Some(d) = domain {
                out.push(format!("dig +short TXT {d}"));
            }
        }
        CheckKind::Dmarc => {
            if let Some(d) = domain {
                out.push(format!("dig +short TXT _dmarc.{d}"));
            }
        }
        CheckKind::Dkim => {
            if let Some(d) = domain {
                for s in &target.selectors {
                    out.push(format!("dig +short TXT {s}._domainkey.{d}"));
                }
                if target.selectors.is_empty() {
                    out.push(format!("dig +short TXT default._domainkey.{d}"));
                }
            }
        }
        CheckKind::MtaSts => {
            if let Some(d) = domain {
                out.push(format!("dig +short TXT _mta-sts.{d}"));
                out.push(format!(
                    "curl -sS https://mta-sts.{d}/.well-known/mta-sts.txt"
                ));
                out.push(format!("dig +short TXT _smtp._tls.{d}"));
            }
        }
        _ => {}
    }
    out
}

/// Split a normalised `host`, `host:port`, `[v6]` or `[v6]:port` (port 25 by default).
fn split_host_port(s: &str) -> (String, u16) {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => (rest, None),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = port.and_then(|p| p.parse().ok()).unwrap_or(25);
    (host.to_string(), port)
}

/// The DNSBL query label of an IP: reversed octets, or reversed nibbles for IPv6.
fn reversed_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return reversed_ip(IpAddr::V4(v4));
            }
            let mut nibbles = Vec::with_capacity(32);
            for b in v6.octets().iter().rev() {
                nibbles.push(format!("{:x}", b & 0x0f));
                nibbles.push(format!("{:x}", b >> 4));
            }
            nibbles.join(".")
        }
    }
}

/// Text for a Markdown paragraph or list item: one line, no stray HTML.
fn md_inline(s: &str) -> String {
    one_line(s, 2000).replace('<', "&lt;").replace('>', "&gt;")
}

/// Text for a table cell inside backticks.
fn md_cell(s: &str) -> String {
    one_line(s, 500).replace('|', "\\|").replace('`', "'")
}

/// `bounce-doctor-report-YYYYMMDD-HHMMSS.md` for a Unix time (UTC).
pub fn report_file_name(unix_secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix_secs);
    format!("bounce-doctor-report-{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}.md")
}

/// `YYYY-MM-DD HH:MM:SS UTC` for a Unix time.
pub fn format_utc(unix_secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix_secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// Calendar date and time (UTC) from Unix seconds (Howard Hinnant's days-to-civil).
fn civil(unix_secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(
            report_file_name(1_795_426_200),
            "bounce-doctor-report-20261123-093000.md"
        );
    }

    #[test]
    fn reversed_labels() {
        assert_eq!(reversed_ip("192.0.2.99".parse().unwrap()), "99.2.0.192");
        assert_eq!(
            reversed_ip("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
        );
        assert_eq!(
            reversed_ip("::ffff:127.0.0.2".parse().unwrap()),
            "2.0.0.127"
        );
    }
}
