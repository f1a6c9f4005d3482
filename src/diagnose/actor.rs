//! Who must act on a failure: the reason's usual actors, refined by details
//! of the failure that shift the responsibility.

use super::classify::Stage;
use crate::knowledge::{Actor, Reason};

/// Actors for a recipient's failure, most responsible first.
pub fn actors(reason: Reason, stage: Option<Stage>, temporary: bool) -> Vec<Actor> {
    let mut acts: Vec<Actor> = reason.default_actors().to_vec();
    match reason {
        // A refusal of the envelope sender is the sending side's to fix.
        Reason::Rejected if stage == Some(Stage::Mail) => {
            acts = vec![Actor::SenderAdmin, Actor::SenderUser]
        }
        // A temporary full mailbox can clear by itself; the sender may just retry.
        Reason::MailboxFull if !temporary => acts = vec![Actor::RecipientUser, Actor::SenderUser],
        _ => {}
    }
    acts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_user_is_for_the_sender() {
        assert_eq!(
            actors(Reason::UserUnknown, Some(Stage::Rcpt), false),
            vec![Actor::SenderUser]
        );
        assert!(actors(Reason::Vacation, None, false).is_empty());
    }
}
