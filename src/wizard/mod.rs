//! The remediation wizard: inputs, an ordered list of steps (network checks and
//! manual checklist items), and a summary. A state machine with no I/O: the
//! front end runs the checks it asks for and feeds the reports back.
//!
//! Flow: [`Wizard::new`] / [`Wizard::from_diagnosis`] / [`Wizard::from_entry`],
//! edit [`Wizard::inputs`], [`Wizard::start`] → [`RunRequest`]s, then
//! [`Wizard::step_finished`] for each report; [`Wizard::skip`], [`Wizard::rerun`],
//! [`Wizard::cancel`], [`Wizard::tick`] along the way; [`Wizard::summary`] and
//! [`Wizard::summary_markdown`] at the end.

pub mod inputs;
pub mod state;
pub mod steps;
pub mod summary;

pub use inputs::{Field, FieldError, Inputs};
pub use state::{Context, EntryRef, Outcome, Phase, RunRequest, Step, StepKind, StepState, Wizard};
pub use steps::{StepInfo, CATALOGUE, SEED_STEPS};
pub use summary::{format_utc, report_file_name, verify_commands, Finding, Summary};
