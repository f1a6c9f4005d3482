//! blocklist checks.

use super::{CheckReport, Settings, Status, Target};
use crate::knowledge::CheckKind;
use tokio_util::sync::CancellationToken;

/// Run a blocklist check.
pub async fn run(
    kind: CheckKind,
    _target: &Target,
    _settings: &Settings,
    _cancel: CancellationToken,
) -> CheckReport {
    CheckReport::new(kind, Status::Skipped, "not implemented yet")
}
