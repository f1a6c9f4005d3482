//! The wizard's input fields as typed by the user, and their validation into a
//! [`checks::Target`](crate::checks::Target).

use crate::checks::Target;
use std::fmt;
use std::net::IpAddr;

/// One input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Sending IP addresses, comma or space separated.
    Ips,
    /// Sending domain.
    Domain,
    /// Mail server host name.
    MailHost,
    /// DKIM selectors, comma or space separated.
    Selectors,
    /// SMTP server for the relay probe, `host[:port]`.
    Smtp,
}

impl Field {
    /// Every field, in form order.
    pub const ALL: [Field; 5] = [
        Field::Ips,
        Field::Domain,
        Field::MailHost,
        Field::Selectors,
        Field::Smtp,
    ];

    /// Label shown next to the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Ips => "Sending IP(s)",
            Field::Domain => "Sending domain",
            Field::MailHost => "Mail server host name",
            Field::Selectors => "DKIM selector(s)",
            Field::Smtp => "SMTP server for relay test",
        }
    }

    /// Hint shown when the field is empty.
    pub fn hint(self) -> &'static str {
        match self {
            Field::Ips => "e.g. 192.0.2.10, 2001:db8::25",
            Field::Domain => "e.g. example.com",
            Field::MailHost => "e.g. mail.example.com",
            Field::Selectors => "optional, e.g. google, selector1",
            Field::Smtp => "optional host[:port], default: the mail server",
        }
    }

    /// The next field (wrapping).
    pub fn next(self) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Field::ALL[(i + 1) % Field::ALL.len()]
    }

    /// The previous field (wrapping).
    pub fn prev(self) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Field::ALL[(i + Field::ALL.len() - 1) % Field::ALL.len()]
    }
}

/// A validation message for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field that is wrong.
    pub field: Field,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

/// The raw text of every field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Sending IPs.
    pub ips: String,
    /// Sending domain.
    pub domain: String,
    /// Mail server host name.
    pub mail_host: String,
    /// DKIM selectors.
    pub selectors: String,
    /// SMTP server for the relay probe.
    pub smtp: String,
}

impl Inputs {
    /// The text of a field.
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Ips => &self.ips,
            Field::Domain => &self.domain,
            Field::MailHost => &self.mail_host,
            Field::Selectors => &self.selectors,
            Field::Smtp => &self.smtp,
        }
    }

    /// The text of a field, for editing.
    pub fn get_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Ips => &mut self.ips,
            Field::Domain => &mut self.domain,
            Field::MailHost => &mut self.mail_host,
            Field::Selectors => &mut self.selectors,
            Field::Smtp => &mut self.smtp,
        }
    }

    /// Check every field; on success the target the checks run against.
    /// All problems are reported at once so the user can fix them in one go.
    pub fn validate(&self) -> Result<Target, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field, message: String| errors.push(FieldError { field, message });

        let mut ips: Vec<IpAddr> = Vec::new();
        for item in split_list(&self.ips) {
            match parse_ip(item) {
                Some(ip) if !ips.contains(&ip) => ips.push(ip),
                Some(_) => {}
                None => err(
                    Field::Ips,
                    format!("`{item}` is not an IPv4 or IPv6 address (example: 192.0.2.10 or 2001:db8::25)"),
                ),
            }
        }

        let domain = match self.domain.trim() {
            "" => None,
            raw => {
                // People paste whole addresses; the domain is what is checked.
                let d = raw.rsplit('@').next().unwrap_or(raw);
                match normalise_host(d) {
                    Ok(d) => Some(d),
                    Err(why) => {
                        err(
                            Field::Domain,
                            format!("`{raw}` is not a valid domain: {why}"),
                        );
                        None
                    }
                }
            }
        };

        let mail_host = match self.mail_host.trim() {
            "" => None,
            raw => match normalise_host(raw) {
                Ok(h) => Some(h),
                Err(why) => {
                    err(
                        Field::MailHost,
                        format!("`{raw}` is not a valid host name: {why}"),
                    );
                    None
                }
            },
        };

        let mut selectors = Vec::new();
        for s in split_list(&self.selectors) {
            let s = s.to_ascii_lowercase();
            let ok = s.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
            if !ok {
                err(
                    Field::Selectors,
                    format!("`{s}` is not a DKIM selector (letters, digits, '-', '_' and dots)"),
                );
            } else if !selectors.contains(&s) {
                selectors.push(s);
            }
        }

        let smtp = match self.smtp.trim() {
            "" => None,
            raw => match normalise_smtp(raw) {
                Ok(s) => Some(s),
                Err(why) => {
                    err(Field::Smtp, format!("`{raw}`: {why}"));
                    None
                }
            },
        };

        // Only when nothing at all was typed: otherwise the field messages say enough.
        let typed = [&self.ips, &self.domain, &self.mail_host, &self.smtp];
        if typed.iter().all(|f| f.trim().is_empty()) {
            err(
                Field::Ips,
                "enter at least a sending IP or a sending domain so there is something to check"
                    .to_string(),
            );
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        // The relay probe defaults to the mail server itself.
        let smtp = smtp.or_else(|| mail_host.clone());
        Ok(Target {
            ips,
            domain,
            mail_host,
            smtp,
            selectors,
        })
    }
}

/// Split a list typed with commas, semicolons or spaces.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
}

/// Parse an IP, tolerating `[...]` brackets and the `IPv6:` prefix of address literals.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim_matches(|c| c == '[' || c == ']');
    let s = s
        .strip_prefix("IPv6:")
        .or_else(|| s.strip_prefix("ipv6:"))
        .unwrap_or(s);
    s.parse().ok()
}

/// Lower-case a host or domain name, drop a trailing dot, and check its syntax.
pub fn normalise_host(raw: &str) -> Result<String, String> {
    let name = raw.trim().trim_end_matches('.').to_lowercase();
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.parse::<IpAddr>().is_ok() {
        return Err("that is an IP address, not a name".into());
    }
    if name.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    if !name.contains('.') {
        return Err("a full name has at least one dot (example.com)".into());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row)".into());
        }
        if label.len() > 63 {
            return Err(format!("label `{label}` is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label `{label}` starts or ends with '-'"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("`{c}` is not allowed in a name"));
        }
    }
    Ok(name)
}

/// Check `host[:port]`, `ip`, `ip:port` or `[v6]:port`; returns it normalised.
fn normalise_smtp(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if let Ok(sa) = raw.parse::<std::net::SocketAddr>() {
        return if sa.port() == 0 {
            Err("port 0 is not a valid port".into())
        } else {
            Ok(sa.to_string())
        };
    }
    if let Some(ip) = parse_ip(raw) {
        return Ok(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        });
    }
    let (host, port) = match raw.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (raw, None),
    };
    let host = normalise_host(host).map_err(|why| format!("not a host name or IP: {why}"))?;
    match port {
        None => Ok(host),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Ok(format!("{host}:{n}")),
            _ => Err(format!("`{p}` is not a port number (1-65535)")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_forms() {
        assert_eq!(
            normalise_smtp("mail.example.com").unwrap(),
            "mail.example.com"
        );
        assert_eq!(
            normalise_smtp("Mail.Example.com:2525").unwrap(),
            "mail.example.com:2525"
        );
        assert_eq!(normalise_smtp("127.0.0.1:2525").unwrap(), "127.0.0.1:2525");
        assert_eq!(normalise_smtp("[::1]:25").unwrap(), "[::1]:25");
        assert_eq!(normalise_smtp("::1").unwrap(), "[::1]");
        assert!(normalise_smtp("mail.example.com:99999").is_err());
        assert!(normalise_smtp("mail:25").is_err());
    }

    #[test]
    fn host_syntax() {
        assert_eq!(normalise_host("Example.COM.").unwrap(), "example.com");
        assert!(normalise_host("exa mple.com").is_err());
        assert!(normalise_host("-bad.example").is_err());
        assert!(normalise_host("a..b").is_err());
        assert!(normalise_host("localhost").is_err());
        assert!(normalise_host("192.0.2.1").is_err());
    }

    #[test]
    fn field_cycle() {
        let mut f = Field::Ips;
        for _ in 0..Field::ALL.len() {
            f = f.next();
        }
        assert_eq!(f, Field::Ips);
        assert_eq!(Field::Ips.prev(), Field::Smtp);
    }
}
