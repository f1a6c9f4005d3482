//! Mail server log lines: what a postmaster copies out of the log when a
//! delivery failed. Postfix (`to=<…>, relay=…, dsn=5.1.1, status=bounced (…)`
//! and `NOQUEUE: reject: RCPT from …`), Sendmail (`to=<…>, …, dsn=5.1.1,
//! stat=User unknown`), Exim (`** addr … : SMTP error …`, `== addr … defer`,
//! `rejected RCPT <addr>: …`) and qmail (`delivery N: failure: …`).
//!
//! Each failed or deferred delivery becomes one recipient with the log's own
//! verdict (bounced, deferred, expired), its DSN code and the reply text. A
//! recipient logged several times (deferred, then bounced) keeps its last line,
//! which is the final state.

use super::classify::Stage;
use super::rx::cached as re;
use super::rx::Caps;
use crate::diagnose::text::Trimmed;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One delivery attempt found in a log.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogRcpt {
    /// Recipient address, lower-case.
    pub addr: Option<String>,
    /// `failed` or `delayed`, as in a DSN.
    pub action: &'static str,
    /// DSN code the MTA logged (`dsn=5.1.1`).
    pub status: Option<String>,
    /// The reply or explanation.
    pub text: String,
    /// Index of the line (into the scanned lines).
    pub line: usize,
    /// The remote server, when the log names it.
    pub remote_mta: Option<String>,
    /// The SMTP stage, when the log line says it plainly.
    pub stage: Option<Stage>,
}

/// A host from a log's relay or host field (`mx.example.net[192.0.2.1]:25`,
/// `mx.example.net. [192.0.2.1]`, `H=mx.example.net`), without the address;
/// none for `none`, `local` and bare IP literals.
fn host_of(v: &str) -> Option<String> {
    let h = v
        .split(['[', ' ', ','])
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .trim_start_matches('(')
        .trim_end_matches(')')
        .to_ascii_lowercase();
    (h.contains('.') && !h.chars().all(|c| c.is_ascii_digit() || c == '.')).then_some(h)
}

/// Postfix and Sendmail delivery lines: key=value fields with `to=<…>`.
fn keyed(line: &str, idx: usize) -> Option<LogRcpt> {
    static TO: OnceLock<Regex> = OnceLock::new();
    static DSN: OnceLock<Regex> = OnceLock::new();
    static STATUS: OnceLock<Regex> = OnceLock::new();
    static STAT: OnceLock<Regex> = OnceLock::new();
    static RELAY: OnceLock<Regex> = OnceLock::new();
    // Sendmail writes the address without brackets in some set-ups.
    let to = re(&TO, r"(?i)\bto=<?([^<>\s,]+@[^<>\s,]+)>?(?:,|\s|$)");
    let addr = to.caps(line)?[1].to_ascii_lowercase();
    let status = re(&DSN, r"\bdsn=([245]\.\d{1,3}\.\d{1,3})\b")
        .caps(line)
        .map(|c| c[1].to_string());
    // Postfix: status=bounced (text); Sendmail: stat=text to the end.
    let (verdict, text) = if let Some(c) = re(
        &STATUS,
        r"(?i)\bstatus=([a-z]+)(?:,[^(]*)?(?: \((.*)\))?\s*$",
    )
    .caps(line)
    {
        (
            c[1].to_ascii_lowercase(),
            c.get(2).map_or("", |m| m.as_str()).to_string(),
        )
    } else {
        let c = re(&STAT, r"\bstat=(.*)$").caps(line)?;
        let text = c[1].trimmed().to_string();
        let lower = text.to_ascii_lowercase();
        let verdict = if lower.starts_with("sent") {
            "sent"
        } else if lower.starts_with("deferred") {
            "deferred"
        } else {
            "bounced"
        };
        (verdict.to_string(), text)
    };
    let action = match verdict.as_str() {
        "bounced" | "expired" | "undeliverable" => "failed",
        // soft_bounce=yes turns bounces into deferrals.
        "deferred" | "softbounce" => "delayed",
        // sent, delivered, deliverable, …: nothing failed.
        _ => return None,
    };
    // A deferral that says nothing: the DSN class still tells.
    let text = if text.is_empty() && verdict == "expired" {
        "message expired in the queue".to_string()
    } else {
        text
    };
    let remote_mta = re(&RELAY, r"\brelay=([^,]+)")
        .caps(line)
        .and_then(|c| host_of(c[1].trimmed()));
    Some(LogRcpt {
        addr: Some(addr),
        action,
        status,
        text,
        line: idx,
        remote_mta,
        stage: None,
    })
}

/// Postfix smtpd/postscreen/cleanup refusals of incoming mail:
/// `NOQUEUE: reject: RCPT from host[ip]: 550 5.1.1 <…>: text; from=<…> to=<…>`.
fn postfix_reject(line: &str, idx: usize) -> Option<LogRcpt> {
    static R: OnceLock<Regex> = OnceLock::new();
    static TO: OnceLock<Regex> = OnceLock::new();
    let c = re(
        &R,
        r"(?i)\b(?:milter-)?reject: (RCPT|MAIL|DATA|END-OF-MESSAGE|CONNECT|HELO|EHLO|VRFY|BDAT) from ([^\s:]+)(?::\d+)?: (.*?)(?:; (?:from|to|proto|helo)=.*)?$",
    )
    .caps(line)?;
    let stage = match c[1].to_ascii_uppercase().as_str() {
        "RCPT" | "VRFY" => Stage::Rcpt,
        "MAIL" => Stage::Mail,
        "DATA" | "END-OF-MESSAGE" | "BDAT" => Stage::Data,
        "HELO" | "EHLO" => Stage::Helo,
        _ => Stage::Connect,
    };
    let addr = re(&TO, r"(?i)\bto=<([^<>\s]+@[^<>\s]+)>")
        .caps(line)
        .map(|c| c[1].to_ascii_lowercase());
    let text = c[3].trimmed().to_string();
    let action = if text.starts_with('4') {
        "delayed"
    } else {
        "failed"
    };
    Some(LogRcpt {
        addr,
        action,
        status: None,
        text,
        line: idx,
        remote_mta: None,
        stage: Some(stage),
    })
}

/// Exim main log: `** addr …: text` (failed), `== addr … defer (…) …: text`
/// (deferred) and `rejected RCPT <addr>: text` (refused incoming).
fn exim(line: &str, idx: usize) -> Option<LogRcpt> {
    static DELIVERY: OnceLock<Regex> = OnceLock::new();
    static REJECT: OnceLock<Regex> = OnceLock::new();
    static HOST: OnceLock<Regex> = OnceLock::new();
    let host = re(&HOST, r"\bH=(\S+)");
    if let Some(c) = re(
        &DELIVERY,
        r"(?:^|\s[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} )(\*\*|==) <?([^\s:<>]+@[^\s:<>]+)>?(.*)$",
    )
    .caps(line)
    {
        let rest = &c[3];
        let text = rest.split_once(": ").map_or("", |(_, t)| t).trimmed();
        let action = if &c[1] == "**" { "failed" } else { "delayed" };
        return Some(LogRcpt {
            addr: Some(c[2].to_ascii_lowercase()),
            action,
            status: None,
            text: text.to_string(),
            line: idx,
            remote_mta: host.caps(rest).and_then(|h| host_of(&h[1])),
            stage: None,
        });
    }
    let c = re(
        &REJECT,
        r"(?i)\brejected (RCPT|MAIL) <([^<>\s]*)>(?::| [^:]*:) (.*)$",
    )
    .caps(line)?;
    let stage = if c[1].eq_ignore_ascii_case("rcpt") {
        Stage::Rcpt
    } else {
        Stage::Mail
    };
    let text = c[3].trimmed().to_string();
    let addr = (stage == Stage::Rcpt && c[2].contains('@')).then(|| c[2].to_ascii_lowercase());
    Some(LogRcpt {
        addr,
        action: if text.starts_with('4') || text.contains("temporarily") {
            "delayed"
        } else {
            "failed"
        },
        status: None,
        text,
        line: idx,
        remote_mta: None,
        stage: Some(stage),
    })
}

/// qmail-send: `starting delivery N: msg M to remote addr`, later
/// `delivery N: failure: text_with_underscores/`.
fn qmail(line: &str, idx: usize, deliveries: &mut HashMap<String, String>) -> Option<LogRcpt> {
    static START: OnceLock<Regex> = OnceLock::new();
    static END: OnceLock<Regex> = OnceLock::new();
    if let Some(c) = re(
        &START,
        r"\bstarting delivery (\d+): msg \d+ to (?:remote|local) (\S+@\S+)",
    )
    .caps(line)
    {
        deliveries.insert(c[1].to_string(), c[2].to_ascii_lowercase());
        return None;
    }
    let c = re(&END, r"\bdelivery (\d+): (failure|deferral): (.*)$").caps(line)?;
    let text = c[3]
        .replace('_', " ")
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some(LogRcpt {
        addr: deliveries.get(&c[1]).cloned(),
        action: if &c[2] == "failure" {
            "failed"
        } else {
            "delayed"
        },
        status: None,
        text,
        line: idx,
        remote_mta: None,
        stage: None,
    })
}

/// Words that mark a log line of each format: Postfix reject lines;
/// `to=` with `status=` (Postfix) or `stat=` (Sendmail); Exim's `**`, `==`
/// and `rejected`; qmail's `delivery`.
const MARKS: [&str; 8] = [
    "reject: ",
    " to=",
    "status=",
    "stat=",
    "** ",
    "== ",
    "rejected ",
    "delivery ",
];

/// Bits for the bytes the marker words are made of ([`MARK_BYTES`]).
const SPACE: u8 = 1;
const COLON: u8 = 2;
const EQUALS: u8 = 4;
const STAR: u8 = 8;
const J: u8 = 16;
const V: u8 = 32;

/// The bit of each byte that some marker word needs.
const MARK_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = SPACE;
    t[b':' as usize] = COLON;
    t[b'=' as usize] = EQUALS;
    t[b'*' as usize] = STAR;
    t[b'j' as usize] = J;
    t[b'v' as usize] = V;
    t
};

/// The bytes each of [`MARKS`] has in it: a line without them cannot hold it.
const MARK_NEEDS: [u8; MARKS.len()] = {
    let mut needs = [0u8; MARKS.len()];
    let mut k = 0;
    while k < MARKS.len() {
        let w = MARKS[k].as_bytes();
        let mut i = 0;
        while i < w.len() {
            needs[k] |= MARK_BYTES[w[i] as usize];
            i += 1;
        }
        k += 1;
    }
    needs
};

/// A prepared vectorised searcher per word: on lines of a few dozen bytes
/// eight of them cost less than one automaton stepping through each byte.
static FINDERS: super::text::Finders = super::text::Finders::new(&MARKS);

/// Every failed or deferred delivery in log lines; the last line per
/// recipient wins. Empty when the lines are not a mail log.
pub(crate) fn scan<T: AsRef<str>>(lines: &[T]) -> Vec<LogRcpt> {
    let mut found: Vec<LogRcpt> = Vec::new();
    let mut deliveries = HashMap::new();
    for (idx, line) in lines.iter().enumerate() {
        let line = line.as_ref();
        // Log lines are single lines of bounded length; anything longer is
        // not a log line worth reading as one.
        if line.len() > 4000 {
            continue;
        }
        // One pass notes which of the bytes the marker words need the line
        // has: most prose lacks them, and its words are not looked for.
        let b = line.as_bytes();
        let bytes = b.iter().fold(0u8, |f, &c| f | MARK_BYTES[usize::from(c)]);
        if bytes & SPACE == 0 {
            continue;
        }
        let m = FINDERS.get();
        let has = |k: usize| bytes & MARK_NEEDS[k] == MARK_NEEDS[k] && m[k].find(b).is_some();
        let hit = if has(0) {
            postfix_reject(line, idx)
        } else if has(1) && (has(2) || has(3)) {
            keyed(line, idx)
        } else if has(4) || has(5) || has(6) {
            exim(line, idx)
        } else if has(7) {
            qmail(line, idx, &mut deliveries)
        } else {
            None
        };
        if let Some(r) = hit {
            if r.addr.is_some() {
                found.retain(|f| f.addr != r.addr);
            }
            found.push(r);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_delivery_lines() {
        let lines = [
            "Nov 23 09:12:01 mx postfix/smtp[1234]: 4F1B2C0A1B: to=<Bob@example.net>, relay=mx.example.net[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=4.7.1, status=deferred (host mx.example.net[192.0.2.1] said: 450 4.7.1 Greylisted (in reply to RCPT TO command))",
            "Nov 23 10:12:01 mx postfix/smtp[1234]: 4F1B2C0A1B: to=<bob@example.net>, relay=mx.example.net[192.0.2.1]:25, delay=3601, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.1] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
            "Nov 23 10:12:02 mx postfix/smtp[1235]: 5A6B7C8D9E: to=<carol@example.com>, relay=mx.example.com[198.51.100.7]:25, delay=0.4, delays=0/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)",
            "Nov 23 10:12:03 mx postfix/smtp[1236]: 6A6B7C8D9E: to=<dave@example.org>, relay=none, delay=0.1, delays=0/0/0.1/0, dsn=4.4.1, status=deferred (connect to mx.example.org[203.0.113.9]:25: Connection timed out)",
        ];
        let found = scan(&lines);
        assert_eq!(found.len(), 2, "{found:#?}");
        // The deferral of bob was superseded by the bounce.
        assert_eq!(found[0].addr.as_deref(), Some("bob@example.net"));
        assert_eq!(found[0].action, "failed");
        assert_eq!(found[0].status.as_deref(), Some("5.1.1"));
        assert_eq!(found[0].line, 1);
        assert_eq!(found[0].remote_mta.as_deref(), Some("mx.example.net"));
        assert!(found[0]
            .text
            .starts_with("host mx.example.net[192.0.2.1] said: 550"));
        // Sent lines are not failures; relay=none names no host.
        assert_eq!(found[1].addr.as_deref(), Some("dave@example.org"));
        assert_eq!(found[1].action, "delayed");
        assert_eq!(found[1].remote_mta, None);
    }

    #[test]
    fn postfix_rejections_of_incoming_mail() {
        let line = "Nov 23 09:12:01 mx postfix/smtpd[99]: NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; from=<a@example.com> to=<bob@example.org> proto=ESMTP helo=<x.example.com>";
        let r = &scan(&[line])[0];
        assert_eq!(r.addr.as_deref(), Some("bob@example.org"));
        assert_eq!(r.stage, Some(Stage::Rcpt));
        assert_eq!(
            r.text,
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"
        );
    }

    #[test]
    fn sendmail_exim_and_qmail_lines() {
        let sendmail = "Nov 23 09:12:01 mx sm-mta[1234]: 0ANxxxxx012345: to=<bob@example.net>, ctladdr=<alice@example.org> (1000/1000), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120532, relay=mx.example.net. [192.0.2.1], dsn=5.1.1, stat=User unknown";
        let r = &scan(&[sendmail])[0];
        assert_eq!(
            (
                r.addr.as_deref(),
                r.action,
                r.status.as_deref(),
                r.text.as_str()
            ),
            (
                Some("bob@example.net"),
                "failed",
                Some("5.1.1"),
                "User unknown"
            )
        );
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));

        let exim = [
            "2026-11-23 09:12:01 1tEXyz-000ABC-DE ** bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.1] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote mail server after RCPT TO:<bob@example.net>: 550 5.1.1 User unknown",
            "2026-11-23 09:12:02 1tEXyz-000ABD-DE == carol@example.com R=dnslookup T=remote_smtp defer (-44) H=mx.example.com [198.51.100.7]: SMTP error from remote mail server after RCPT TO:<carol@example.com>: 451 4.7.1 Greylisted",
            "2026-11-23 09:12:03 H=(helo.example) [192.0.2.9] F=<spam@example.biz> rejected RCPT <dave@example.org>: relay not permitted",
        ];
        let found = scan(&exim);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].action, "failed");
        assert_eq!(
            found[0].text,
            "SMTP error from remote mail server after RCPT TO:<bob@example.net>: 550 5.1.1 User unknown"
        );
        assert_eq!(found[0].remote_mta.as_deref(), Some("mx.example.net"));
        assert_eq!(found[1].action, "delayed");
        assert_eq!(found[2].addr.as_deref(), Some("dave@example.org"));
        assert_eq!(found[2].text, "relay not permitted");

        let qmail = [
            "@400000005f5e6b0e1c2d3e4f starting delivery 123: msg 456789 to remote bob@example.net",
            "@400000005f5e6b0e1c2d3e50 delivery 123: failure: 192.0.2.1_does_not_like_recipient./Remote_host_said:_550_5.1.1_<bob@example.net>..._User_unknown/Giving_up_on_192.0.2.1./",
        ];
        let r = &scan(&qmail)[0];
        assert_eq!(r.addr.as_deref(), Some("bob@example.net"));
        assert_eq!(
            r.text,
            "192.0.2.1 does not like recipient. Remote host said: 550 5.1.1 <bob@example.net>... User unknown Giving up on 192.0.2.1."
        );
    }

    #[test]
    fn partial_and_variant_lines() {
        let lines = [
            "** bob@example.net R=dnslookup T=remote_smtp: retry timeout exceeded",
            "sm-mta[1]: 0AN1: to=carol@example.com, delay=5+00:00:00, mailer=esmtp, dsn=4.4.7, stat=Deferred: Connection timed out with mx.example.com.",
            "postfix/smtp[1]: 4F: to=<dave@example.org>, relay=none, delay=1, dsn=4.4.1, status=SOFTBOUNCE (connect to mx.example.org[203.0.113.9]:25: Connection refused)",
        ];
        let found = scan(&lines);
        let got: Vec<_> = found
            .iter()
            .map(|r| (r.addr.as_deref().unwrap_or(""), r.action))
            .collect();
        assert_eq!(
            got,
            [
                ("bob@example.net", "failed"),
                ("carol@example.com", "delayed"),
                ("dave@example.org", "delayed")
            ]
        );
        assert_eq!(found[0].text, "retry timeout exceeded");
    }

    #[test]
    fn prose_is_not_a_log() {
        let lines = [
            "Please send the report to=<bob@example.net> when you can.",
            "Delivery 3 of the report is late.",
            "He was rejected for the job.",
        ];
        assert!(scan(&lines).is_empty());
    }
}
