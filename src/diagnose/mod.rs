//! Diagnosis: bytes of a bounce (DSN, forwarded copy, mbox, SMTP line or
//! transcript) in, one verdict per failed recipient out, with evidence lines.

use crate::knowledge::{Actor, KnowledgeBase, Reason};
use serde::Serialize;
use std::net::IpAddr;

/// Inputs larger than this are refused (bytes).
pub const MAX_INPUT: usize = 10 * 1024 * 1024;

/// Why an input could not be diagnosed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// More than [`MAX_INPUT`] bytes.
    #[error("input is {size} bytes; the limit is {limit} bytes (10 MiB)")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Binary data (NUL bytes or mostly non-text).
    #[error("input looks like binary data, not an email or SMTP text")]
    Binary,
    /// Nothing but whitespace.
    #[error("input is empty")]
    Empty,
}

/// A line of the input that supports a conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// 1-based line number in the input as given (after line-ending normalisation).
    pub line: usize,
    /// The line's text (control characters removed).
    pub text: String,
}

/// What kind of message the input (or one message of an mbox) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// A delivery failure or delay report.
    Bounce,
    /// A feedback/abuse report (ARF).
    Feedback,
    /// An auto-reply (out of office).
    Vacation,
    /// Not a bounce at all.
    NotBounce,
}

/// Verdict for one recipient of one bounce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecipientDiagnosis {
    /// Failed address, if stated.
    pub recipient: Option<String>,
    /// DSN action: failed, delayed, delivered, relayed, expanded.
    pub action: Option<String>,
    /// Enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// SMTP reply code (`550`).
    pub reply_code: Option<u16>,
    /// Classification.
    pub reason: Reason,
    /// Hard bounce (retrying is pointless) or soft.
    pub hard: bool,
    /// Who must act.
    pub acts: Vec<Actor>,
    /// The MTA that gave the error.
    pub remote_mta: Option<String>,
    /// The raw diagnostic text (reply from the remote server).
    pub diagnostic: Option<String>,
    /// Knowledge-base entry ids that apply, best first.
    pub kb: Vec<String>,
    /// Input lines that led to the conclusions.
    pub evidence: Vec<Evidence>,
}

/// Values the remediation wizard can be prefilled with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Prefill {
    /// Sending IPs quoted in the bounce (e.g. in a blocklist rejection).
    pub ips: Vec<IpAddr>,
    /// The sender's domain (envelope sender or From of the original message).
    pub sender_domain: Option<String>,
    /// The sending mail server's host name, when the bounce names it.
    pub mail_host: Option<String>,
}

/// Diagnosis of one message of the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageDiagnosis {
    /// What the message is.
    pub kind: MessageKind,
    /// Subject of the bounce, if any.
    pub subject: Option<String>,
    /// One entry per recipient (empty unless `kind` is `Bounce`, `Feedback` or `Vacation`).
    pub recipients: Vec<RecipientDiagnosis>,
    /// Wizard prefill values.
    pub prefill: Prefill,
    /// First line of this message within the input (1-based), for mboxes.
    pub first_line: usize,
}

/// Diagnose raw input. An mbox yields one `MessageDiagnosis` per message.
pub fn diagnose(input: &[u8], _kb: &KnowledgeBase) -> Result<Vec<MessageDiagnosis>, InputError> {
    if input.len() > MAX_INPUT {
        return Err(InputError::TooLarge {
            size: input.len(),
            limit: MAX_INPUT,
        });
    }
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::Empty);
    }
    if input.contains(&0) {
        return Err(InputError::Binary);
    }
    Ok(vec![MessageDiagnosis {
        kind: MessageKind::NotBounce,
        subject: None,
        recipients: Vec::new(),
        prefill: Prefill::default(),
        first_line: 1,
    }])
}
