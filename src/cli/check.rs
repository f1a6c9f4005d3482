//! `bounce-doctor check`.

use super::{JsonFlag, Paint};
use clap::Args;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Sending IP address (repeatable; IPv4 or IPv6).
    #[arg(long = "ip", value_name = "IP")]
    pub ips: Vec<String>,
    /// Sending domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// Mail server host name (HELO name).
    #[arg(long, value_name = "HOST")]
    pub mx: Option<String>,
    /// SMTP server to probe for open relay.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub smtp: Option<String>,
    /// DKIM selector (repeatable).
    #[arg(long = "selector", value_name = "S")]
    pub selectors: Vec<String>,
    /// Only these groups: blocklist, relay, dns (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Run `check`.
pub fn run(_args: &CheckArgs, _resolver: Option<&str>, _paint: Paint) -> i32 {
    eprintln!("check is not built yet");
    2
}
