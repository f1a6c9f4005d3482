//! Check results as plain data.

use crate::knowledge::CheckKind;
use serde::Serialize;

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing wrong found.
    Pass,
    /// Something worth fixing, not a cause of bounces by itself.
    Warn,
    /// A problem that explains bounces.
    Fail,
    /// Could not check (timeout, refused, unreachable): never a verdict.
    Error,
    /// Not run (missing input, cancelled, not applicable).
    Skipped,
}

impl Status {
    /// JSON/text name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

/// One query made and the answer received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What was asked (`A 2.0.0.127.zen.spamhaus.org`, `RCPT TO:<x@y>`).
    pub query: String,
    /// What came back (`127.0.0.2`, `NXDOMAIN`, `554 5.7.1 Relay access denied`, `timeout after 3s`).
    pub answer: String,
}

/// Result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// Check id (`blocklist`, `relay`, `spf`, ...).
    pub id: String,
    /// The check kind.
    #[serde(skip)]
    pub kind: CheckKind,
    /// Outcome.
    pub status: Status,
    /// One line for people.
    pub summary: String,
    /// Further findings, one per line.
    pub details: Vec<String>,
    /// Queries and answers.
    pub evidence: Vec<Evidence>,
    /// What to do about it, in order.
    pub fix: Vec<String>,
    /// Commands someone else can run to verify (`dig ...`, `swaks ...`).
    pub commands: Vec<String>,
}

impl CheckReport {
    /// A report with just a status and summary.
    pub fn new(kind: CheckKind, status: Status, summary: impl Into<String>) -> CheckReport {
        CheckReport {
            id: kind.name().to_string(),
            kind,
            status,
            summary: summary.into(),
            details: Vec::new(),
            evidence: Vec::new(),
            fix: Vec::new(),
            commands: Vec::new(),
        }
    }
}
