//! The remediation wizard: inputs, an ordered list of steps (network checks and
//! manual checklist items), and a summary. A state machine with no I/O.
