//! Open-relay probe.

use super::{CheckReport, Settings, Status, Target};
use crate::knowledge::CheckKind;
use tokio_util::sync::CancellationToken;

/// Run the open-relay probe.
pub async fn run(
    _target: &Target,
    _settings: &Settings,
    _cancel: CancellationToken,
) -> CheckReport {
    CheckReport::new(CheckKind::Relay, Status::Skipped, "not implemented yet")
}
