//! What a verdict means for the person holding the bounce: stop sending,
//! fix and resend, wait, or nothing failed. Shared by the terminal interface
//! and the command line so both say it in the same words.

use super::RecipientDiagnosis;
use crate::knowledge::Reason;

/// The practical outcome of one recipient's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The address or domain does not work: retrying is pointless.
    Hard,
    /// Refused this time; it can succeed once the cause is fixed.
    Soft,
    /// Not failed yet: the sending server is still retrying.
    Delayed,
    /// Nothing failed (a delivery report, an auto-reply, a spam report).
    Info,
}

impl Outcome {
    /// A few words for a headline (`hard bounce`).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Hard => "hard bounce",
            Outcome::Soft => "soft bounce",
            Outcome::Delayed => "delayed",
            Outcome::Info => "not a failure",
        }
    }

    /// One word for compact output (`hard`).
    pub fn short(self) -> &'static str {
        match self {
            Outcome::Hard => "hard",
            Outcome::Soft => "soft",
            Outcome::Delayed => "delayed",
            Outcome::Info => "info",
        }
    }

    /// What it means for the sender, in plain words.
    pub fn advice(self) -> &'static str {
        match self {
            Outcome::Hard => "retrying will not help: correct or remove the address",
            Outcome::Soft => "refused this time: resend once the cause is fixed",
            Outcome::Delayed => "not failed yet: the sending server keeps retrying for a while",
            Outcome::Info => "nothing failed",
        }
    }
}

impl RecipientDiagnosis {
    /// The practical outcome of this verdict.
    pub fn outcome(&self) -> Outcome {
        if matches!(
            self.reason,
            Reason::Delivered | Reason::Vacation | Reason::Feedback
        ) {
            return Outcome::Info;
        }
        if self.hard {
            return Outcome::Hard;
        }
        let delayed = self
            .action
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("delayed"));
        let temporary_code = self.status.as_deref().is_some_and(|s| s.starts_with('4'))
            || self.reply_code.is_some_and(|c| (400..500).contains(&c));
        let failed = self
            .action
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("failed"));
        // A temporary code in a final failure (retries ran out) is a failure.
        if delayed || (temporary_code && !failed && self.reason != Reason::Expired) {
            Outcome::Delayed
        } else {
            Outcome::Soft
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(reason: Reason, hard: bool, action: &str, status: &str) -> RecipientDiagnosis {
        RecipientDiagnosis {
            recipient: Some("bob@example.net".into()),
            action: Some(action.into()),
            status: Some(status.into()),
            reply_code: None,
            reason,
            hard,
            acts: Vec::new(),
            remote_mta: None,
            diagnostic: None,
            kb: Vec::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn outcomes() {
        let o = |r, h, a, s| verdict(r, h, a, s).outcome();
        assert_eq!(
            o(Reason::UserUnknown, true, "failed", "5.1.1"),
            Outcome::Hard
        );
        assert_eq!(o(Reason::Blocked, false, "failed", "5.7.1"), Outcome::Soft);
        assert_eq!(
            o(Reason::MailboxFull, false, "delayed", "4.2.2"),
            Outcome::Delayed
        );
        // Retries that ran out are a failure, whatever the last code was.
        assert_eq!(o(Reason::Expired, false, "failed", "4.4.7"), Outcome::Soft);
        assert_eq!(o(Reason::Vacation, false, "", ""), Outcome::Info);
    }
}
