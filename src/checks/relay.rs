//! Open-relay probe.
//!
//! One SMTP session against the target: read the greeting, EHLO (HELO as a
//! fallback), then a battery of relay address forms, each `RSET` → `MAIL FROM`
//! → `RCPT TO`, and `QUIT`. The probe never sends `DATA` or `BDAT`, so even an
//! open relay relays nothing; acceptance at RCPT is the evidence. Every command
//! and reply goes into the report's evidence.
//!
//! When EHLO offers STARTTLS the probe negotiates it, says EHLO again over TLS
//! and runs the battery inside TLS, as a real sending server would. It does not
//! judge the certificate (that is another check's job): any certificate is
//! accepted, but handshake signatures are still verified. If the server
//! refuses STARTTLS the battery runs on in plain text; if the handshake fails
//! the probe reconnects in plain text, so a broken TLS stack never hides the
//! relay verdict. A server that insists on TLS before MAIL and could not
//! negotiate it answers `530`, which is reported as "could not test".

use super::{CheckReport, Evidence, Settings, Status, Target};
use crate::knowledge::CheckKind;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// Recipient (and foreign sender) domain of every relay test. `.invalid` can
/// never resolve (RFC 2606), so no accepted address can lead anywhere real.
pub const PROBE_DOMAIN: &str = "relay-test.bounce-doctor.invalid";
/// Name the probe gives in EHLO/HELO.
pub const PROBE_HELO: &str = "relay-probe.bounce-doctor.invalid";
/// Local part of test senders.
const FROM_LOCAL: &str = "relay-probe";
/// Local part of test recipients.
const TO_LOCAL: &str = "relay-test";
/// Longest reply line accepted (RFC 5321 allows 512; be generous, but bounded).
const MAX_LINE: u64 = 4096;
/// Most lines accepted in one multi-line reply.
const MAX_REPLY_LINES: usize = 200;
/// Default SMTP port.
pub const SMTP_PORT: u16 = 25;

/// Why an SMTP step did not produce a reply.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The host name did not resolve.
    #[error("cannot resolve {host}: {reason}")]
    Resolve {
        /// Host name asked for.
        host: String,
        /// Resolver message.
        reason: String,
    },
    /// TCP connection refused or failed.
    #[error("connection to {addr} failed: {reason}")]
    Connect {
        /// Address tried.
        addr: String,
        /// Operating system message.
        reason: String,
    },
    /// No answer within the per-step timeout.
    #[error("no reply within {}", secs(*.0))]
    Timeout(Duration),
    /// The server closed the connection.
    #[error("connection closed by the server")]
    Closed,
    /// Something that is not an SMTP reply came back.
    #[error("not an SMTP reply: {0:?}")]
    Garbage(String),
    /// Read or write failed.
    #[error("network error: {0}")]
    Io(#[from] std::io::Error),
    /// The caller cancelled the probe.
    #[error("cancelled")]
    Cancelled,
}

/// One SMTP reply (possibly multi-line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Three-digit reply code.
    pub code: u16,
    /// Every line as received, without CRLF.
    pub lines: Vec<String>,
}

impl Reply {
    /// The reply as one string, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
    /// Text after the codes, lines joined by spaces (for matching words).
    fn words(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.get(4..).unwrap_or("").trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
    fn positive(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// One relay test: the envelope sender and recipient to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayForm {
    /// Short name of the trick (`percent hack via IP literal`).
    pub name: String,
    /// Argument of MAIL FROM, exactly as sent (`<from@example>` or `<>`).
    pub mail_from: String,
    /// Argument of RCPT TO, exactly as sent (usually in angle brackets).
    pub rcpt_to: String,
}

impl RelayForm {
    fn new(name: &str, mail_from: String, rcpt_to: String) -> RelayForm {
        RelayForm {
            name: name.to_string(),
            mail_from,
            rcpt_to,
        }
    }
}

/// Split `host`, `host:port`, `IP`, `[IPv6]:port` into host and port (25 by default).
pub fn parse_smtp_target(s: &str) -> Result<(String, u16), String> {
    let s = s.trim();
    let bad = || {
        format!("`{s}` is not HOST or HOST:PORT (examples: mail.example.com, 192.0.2.1:25, [2001:db8::1]:587)")
    };
    if s.is_empty() {
        return Err(bad());
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (ip, after) = rest.split_once(']').ok_or_else(bad)?;
        let ip: IpAddr = ip.parse().map_err(|_| bad())?;
        let port = match after {
            "" => SMTP_PORT,
            p => parse_port(p.strip_prefix(':').ok_or_else(bad)?).ok_or_else(bad)?,
        };
        return Ok((ip.to_string(), port));
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok((ip.to_string(), SMTP_PORT));
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, parse_port(p).ok_or_else(bad)?),
        None => (s, SMTP_PORT),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
    if !host_ok {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

fn parse_port(p: &str) -> Option<u16> {
    p.parse::<u16>().ok().filter(|&p| p != 0)
}

/// The battery of relay tests for a server named `server_name` (from its
/// banner, EHLO reply or the given host name) at `server_ip`.
///
/// Forms that need the server's name are left out when it is unknown.
pub fn relay_forms(server_name: Option<&str>, server_ip: IpAddr) -> Vec<RelayForm> {
    let d = PROBE_DOMAIN;
    let from = FROM_LOCAL;
    let to = TO_LOCAL;
    let ip = match server_ip {
        IpAddr::V4(v4) => format!("[{v4}]"),
        IpAddr::V6(v6) => format!("[IPv6:{v6}]"),
    };
    let from_ip = format!("<{from}@{ip}>");
    let mut forms = vec![
        RelayForm::new(
            "plain foreign sender and recipient",
            format!("<{from}@{d}>"),
            format!("<{to}@{d}>"),
        ),
        RelayForm::new(
            "empty sender (bounce path)",
            "<>".into(),
            format!("<{to}@{d}>"),
        ),
    ];
    if let Some(t) = server_name {
        forms.push(RelayForm::new(
            "sender spoofed as the server's own domain",
            format!("<{from}@{t}>"),
            format!("<{to}@{d}>"),
        ));
    }
    forms.extend([
        RelayForm::new(
            "sender at the server's IP literal",
            from_ip.clone(),
            format!("<{to}@{d}>"),
        ),
        RelayForm::new(
            "sender at localhost",
            format!("<{from}@localhost>"),
            format!("<{to}@{d}>"),
        ),
        RelayForm::new(
            "percent hack via IP literal",
            from_ip.clone(),
            format!("<{to}%{d}@{ip}>"),
        ),
    ]);
    if let Some(t) = server_name {
        forms.push(RelayForm::new(
            "percent hack via host name",
            from_ip.clone(),
            format!("<{to}%{d}@{t}>"),
        ));
    }
    forms.extend([
        RelayForm::new(
            "quoted full address",
            from_ip.clone(),
            format!("<\"{to}@{d}\">"),
        ),
        RelayForm::new(
            "quoted local part with @ at IP literal",
            from_ip.clone(),
            format!("<\"{to}@{d}\"@{ip}>"),
        ),
        RelayForm::new(
            "double @ at IP literal",
            from_ip.clone(),
            format!("<{to}@{d}@{ip}>"),
        ),
        RelayForm::new(
            "source route via IP literal",
            from_ip.clone(),
            format!("<@{ip}:{to}@{d}>"),
        ),
    ]);
    if let Some(t) = server_name {
        forms.push(RelayForm::new(
            "source route via host name",
            from_ip.clone(),
            format!("<@{t}:{to}@{d}>"),
        ));
    }
    forms.extend([
        RelayForm::new("UUCP bang path", from_ip.clone(), format!("<{d}!{to}>")),
        RelayForm::new(
            "bang path at IP literal",
            from_ip.clone(),
            format!("<{d}!{to}@{ip}>"),
        ),
        RelayForm::new("percent without @", from_ip.clone(), format!("<{to}%{d}>")),
        RelayForm::new(
            "recipient without angle brackets",
            format!("<{from}@{d}>"),
            format!("{to}@{d}"),
        ),
    ]);
    forms
}

/// How the server answered one relay form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// RCPT got 2xx: relayed (open for this form).
    Accepted(Reply),
    /// RCPT got 5xx, or a 4xx that names relaying: closed for this form.
    Refused(Reply),
    /// 530: authentication (or TLS) required before relaying.
    AuthRequired(Reply),
    /// 4xx not about relaying (greylisting, rate limit): inconclusive.
    Temporary(Reply),
    /// MAIL FROM refused (5xx): the form could not be tested.
    SenderRefused(Reply),
}

/// Replies that say "relaying denied" in the words of the common MTAs.
fn names_relaying(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["relay", "rcpthosts", "not permitted", "not allowed"]
        .iter()
        .any(|w| t.contains(w))
}

/// Refusals that come from checks other than the relay decision (HELO name,
/// client reputation, recipient domain in DNS): they do not exercise relay rules.
fn other_reason(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "helo",
        "client host",
        "domain not found",
        "host not found",
        "does not accept mail",
        "blocked",
        "listed",
        "sender address rejected",
    ]
    .iter()
    .any(|w| t.contains(w))
}

fn classify_rcpt(reply: Reply) -> Outcome {
    match reply.code {
        200..=299 => Outcome::Accepted(reply),
        530 => Outcome::AuthRequired(reply),
        400..=499 if !names_relaying(&reply.words()) => Outcome::Temporary(reply),
        _ => Outcome::Refused(reply),
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 || s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// A byte stream the session can talk over: plain TCP, or TLS on top of it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An SMTP client session that records every command and reply.
struct Session {
    /// The connection; `BufReader` passes writes straight through.
    io: BufReader<Box<dyn Io>>,
    step_timeout: Duration,
    cancel: CancellationToken,
    transcript: Vec<Evidence>,
    /// Steps whose reply took long enough to look like a tarpit.
    slow: Vec<String>,
}

impl Session {
    /// Replies slower than this are reported as "slow / tarpit".
    fn slow_threshold(&self) -> Duration {
        (self.step_timeout / 2).min(Duration::from_secs(5))
    }

    async fn read_line(&mut self) -> Result<String, SmtpError> {
        let mut buf = Vec::new();
        let n = (&mut self.io)
            .take(MAX_LINE)
            .read_until(b'\n', &mut buf)
            .await?;
        if n == 0 {
            return Err(SmtpError::Closed);
        }
        let line = String::from_utf8_lossy(&buf);
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    async fn read_reply_inner(&mut self) -> Result<Reply, SmtpError> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let line = self.read_line().await?;
            let b = line.as_bytes();
            let digits = b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit);
            let sep = b.get(3).copied();
            if !digits
                || !matches!(sep, None | Some(b' ') | Some(b'-'))
                || !(b'2'..=b'5').contains(&b[0])
            {
                return Err(SmtpError::Garbage(line.chars().take(120).collect()));
            }
            let this: u16 = line[..3].parse().unwrap_or(0);
            if code.is_some_and(|c| c != this) {
                return Err(SmtpError::Garbage(line.chars().take(120).collect()));
            }
            code = Some(this);
            lines.push(line);
            if sep != Some(b'-') {
                return Ok(Reply { code: this, lines });
            }
            if lines.len() >= MAX_REPLY_LINES {
                return Err(SmtpError::Garbage(format!(
                    "reply longer than {MAX_REPLY_LINES} lines"
                )));
            }
        }
    }

    /// Read one reply within the step timeout, honouring cancellation.
    async fn read_reply(&mut self, step: &str) -> Result<Reply, SmtpError> {
        let started = Instant::now();
        let timeout = self.step_timeout;
        let cancel = self.cancel.clone();
        let result = tokio::select! {
            _ = cancel.cancelled() => Err(SmtpError::Cancelled),
            r = tokio::time::timeout(timeout, self.read_reply_inner()) => {
                r.unwrap_or(Err(SmtpError::Timeout(timeout)))
            }
        };
        let took = started.elapsed();
        if took >= self.slow_threshold() && !matches!(result, Err(SmtpError::Cancelled)) {
            self.slow.push(format!("{step} took {}", secs(took)));
        }
        result
    }

    /// Send one command and read its reply; both go into the transcript.
    async fn command(&mut self, cmd: &str) -> Result<Reply, SmtpError> {
        // The probe must never start a message transfer: refuse outright
        // rather than rely on every caller getting it right.
        let verb = cmd
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if verb == "DATA" || verb == "BDAT" {
            return Err(SmtpError::Garbage(format!("refusing to send {verb}")));
        }
        let line = format!("{cmd}\r\n");
        let cancel = self.cancel.clone();
        let timeout = self.step_timeout;
        let write = async {
            self.io.write_all(line.as_bytes()).await?;
            self.io.flush().await
        };
        let written = tokio::select! {
            _ = cancel.cancelled() => Err(SmtpError::Cancelled),
            r = tokio::time::timeout(timeout, write) => match r {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) if is_closed(&e) => Err(SmtpError::Closed),
                Ok(Err(e)) => Err(SmtpError::Io(e)),
                Err(_) => Err(SmtpError::Timeout(timeout)),
            },
        };
        let result = match written {
            Ok(()) => self.read_reply(cmd).await,
            Err(e) => Err(e),
        };
        self.record(cmd, &result);
        result
    }

    /// TLS handshake after the server's `220` to STARTTLS, within the step
    /// timeout. Returns the negotiated version and cipher suite.
    async fn upgrade(&mut self, host: &str) -> Result<String, String> {
        // Anything already buffered was sent before TLS started; accepting it
        // would let plain-text data pose as protected (STARTTLS injection).
        if !self.io.buffer().is_empty() {
            return Err("the server sent data before the TLS handshake".into());
        }
        let placeholder: Box<dyn Io> = Box::new(tokio::io::duplex(1).0);
        let plain = std::mem::replace(&mut self.io, BufReader::new(placeholder)).into_inner();
        let name = match host.parse::<IpAddr>() {
            // An IP literal gets no SNI (rustls sends none for addresses).
            Ok(ip) => rustls::pki_types::ServerName::IpAddress(ip.into()),
            Err(_) => rustls::pki_types::ServerName::try_from(host.to_string())
                .map_err(|e| format!("{host} is not a valid TLS server name: {e}"))?,
        };
        let connector = tokio_rustls::TlsConnector::from(tls_config().map_err(|e| e.to_string())?);
        let timeout = self.step_timeout;
        let cancel = self.cancel.clone();
        let tls = tokio::select! {
            _ = cancel.cancelled() => return Err(SmtpError::Cancelled.to_string()),
            r = tokio::time::timeout(timeout, connector.connect(name, plain)) => match r {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err(format!("no handshake within {}", secs(timeout))),
            },
        };
        let conn = tls.get_ref().1;
        let version = match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
            Some(v) => format!("{v:?}"),
            None => "TLS".to_string(),
        };
        let suite = conn
            .negotiated_cipher_suite()
            .map(|s| format!(" {:?}", s.suite()))
            .unwrap_or_default();
        self.io = BufReader::new(Box::new(tls));
        Ok(format!("{version}{suite}"))
    }

    fn record(&mut self, query: &str, result: &Result<Reply, SmtpError>) {
        let answer = match result {
            Ok(r) => r.text(),
            Err(SmtpError::Timeout(d)) => {
                format!("no reply within {} (slow server or tarpit)", secs(*d))
            }
            Err(e) => e.to_string(),
        };
        self.transcript.push(Evidence {
            query: query.to_string(),
            answer,
        });
    }
}

/// Accepts any server certificate, because judging certificates belongs to
/// another check and a relay test must reach the RCPT stage regardless; the
/// handshake signatures are still verified, so the session really is TLS.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Client TLS settings for STARTTLS: ring, TLS 1.2 and 1.3, no certificate judgement.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn is_closed(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof
    )
}

/// Resolve and connect with the step timeout, trying each address in turn.
async fn connect(
    host: &str,
    port: u16,
    step_timeout: Duration,
    cancel: &CancellationToken,
) -> Result<(TcpStream, SocketAddr), SmtpError> {
    let lookup = tokio::select! {
        _ = cancel.cancelled() => return Err(SmtpError::Cancelled),
        r = tokio::time::timeout(step_timeout, tokio::net::lookup_host((host, port))) => r,
    };
    let addrs: Vec<SocketAddr> = match lookup {
        Ok(Ok(a)) => a.collect(),
        Ok(Err(e)) => {
            return Err(SmtpError::Resolve {
                host: host.to_string(),
                reason: e.to_string(),
            })
        }
        Err(_) => {
            return Err(SmtpError::Resolve {
                host: host.to_string(),
                reason: format!("no answer within {}", secs(step_timeout)),
            })
        }
    };
    let mut last = SmtpError::Resolve {
        host: host.to_string(),
        reason: "no addresses".into(),
    };
    for addr in addrs {
        let attempt = tokio::select! {
            _ = cancel.cancelled() => return Err(SmtpError::Cancelled),
            r = tokio::time::timeout(step_timeout, TcpStream::connect(addr)) => r,
        };
        match attempt {
            Ok(Ok(stream)) => return Ok((stream, addr)),
            Ok(Err(e)) => {
                last = SmtpError::Connect {
                    addr: addr.to_string(),
                    reason: e.to_string(),
                }
            }
            Err(_) => {
                last = SmtpError::Connect {
                    addr: addr.to_string(),
                    reason: format!("no answer within {}", secs(step_timeout)),
                }
            }
        }
    }
    Err(last)
}

/// The server's own name from a greeting or EHLO line (`220 mx.example.com ESMTP`).
fn name_from_reply(reply: &Reply) -> Option<String> {
    let first = reply.lines.first()?;
    let word = first.get(4..)?.split_whitespace().next()?;
    let word = word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let looks_like_host = word.contains('.')
        && word.len() <= 253
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && word.parse::<IpAddr>().is_err();
    looks_like_host.then(|| word.to_ascii_lowercase())
}

/// What EHLO revealed.
#[derive(Debug, Default)]
struct Capabilities {
    ehlo: bool,
    starttls: bool,
    auth: Option<String>,
}

fn capabilities(reply: &Reply, ehlo: bool) -> Capabilities {
    let mut caps = Capabilities {
        ehlo,
        ..Capabilities::default()
    };
    for line in reply.lines.iter().skip(1) {
        let kw = line.get(4..).unwrap_or("").trim();
        let upper = kw.to_ascii_uppercase();
        if upper == "STARTTLS" {
            caps.starttls = true;
        } else if let Some(m) = upper.strip_prefix("AUTH") {
            caps.auth = Some(m.trim_start_matches(['=', ' ']).to_string());
        }
    }
    caps
}

/// Quote a value for a POSIX shell command line when needed.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%.-_:+/=,".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn swaks_line(host: &str, port: u16, form: &RelayForm) -> String {
    let strip = |s: &str| {
        s.strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .unwrap_or(s)
            .to_string()
    };
    format!(
        "swaks --server {} --port {port} --ehlo {PROBE_HELO} --from {} --to {} --quit-after RCPT",
        shell_quote(host),
        shell_quote(&strip(&form.mail_from)),
        shell_quote(&strip(&form.rcpt_to)),
    )
}

/// What became of STARTTLS in this probe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Tls {
    /// Not offered, or not reached (the session ended first).
    #[default]
    NotTried,
    /// Negotiated: version and cipher suite.
    Negotiated(String),
    /// The server answered STARTTLS with something other than 220.
    Refused(String),
    /// The handshake (or the STARTTLS step itself) failed.
    Failed(String),
}

/// Everything one probe session produced, before it is turned into a report.
struct Run {
    /// STARTTLS outcome.
    tls: Tls,
    transcript: Vec<Evidence>,
    slow: Vec<String>,
    banner: Option<Reply>,
    caps: Capabilities,
    results: Vec<(RelayForm, Outcome)>,
    forms_planned: usize,
    /// What stopped the session early, and at which command.
    stopped: Option<(String, SmtpError)>,
}

/// Run the open-relay probe against `Target::smtp` (or `Target::mail_host` on port 25).
pub async fn run(target: &Target, settings: &Settings, cancel: CancellationToken) -> CheckReport {
    let spec = match (&target.smtp, &target.mail_host) {
        (Some(s), _) => s.clone(),
        (None, Some(h)) => h.clone(),
        (None, None) => {
            return CheckReport::new(
                CheckKind::Relay,
                Status::Skipped,
                "needs an SMTP server to probe: give --smtp HOST[:PORT] or --mx HOST",
            )
        }
    };
    let (host, port) = match parse_smtp_target(&spec) {
        Ok(hp) => hp,
        Err(e) => return CheckReport::new(CheckKind::Relay, Status::Error, e),
    };
    probe(&host, port, settings, cancel).await
}

/// Probe `host:port` for open relaying.
pub async fn probe(
    host: &str,
    port: u16,
    settings: &Settings,
    cancel: CancellationToken,
) -> CheckReport {
    let step_timeout = settings.smtp_timeout;
    let where_ = format!("{host}:{port}");
    let (stream, addr) = match connect(host, port, step_timeout, &cancel).await {
        Ok(c) => c,
        Err(SmtpError::Cancelled) => return super::cancelled(CheckKind::Relay, "connecting"),
        Err(e) => return unreachable_report(host, port, e),
    };
    let new_session = |stream: TcpStream| Session {
        io: BufReader::new(Box::new(stream) as Box<dyn Io>),
        step_timeout,
        cancel: cancel.clone(),
        transcript: Vec::new(),
        slow: Vec::new(),
    };
    let mut session = new_session(stream);
    let mut run = dialogue(&mut session, host, addr, true).await;
    if matches!(run.tls, Tls::Failed(_)) && !cancel.is_cancelled() {
        // The connection is unusable after a failed handshake; a broken TLS
        // stack must not hide the relay verdict, so test again in plain text.
        let first = std::mem::take(&mut run.transcript);
        let first_slow = std::mem::take(&mut run.slow);
        let tls = run.tls.clone();
        run = match connect(host, port, step_timeout, &cancel).await {
            Ok((stream, addr)) => {
                let mut session = new_session(stream);
                dialogue(&mut session, host, addr, false).await
            }
            Err(SmtpError::Cancelled) => return super::cancelled(CheckKind::Relay, "reconnecting"),
            Err(e) => return unreachable_report(host, port, e),
        };
        run.tls = tls;
        let mut transcript = first;
        transcript.append(&mut run.transcript);
        run.transcript = transcript;
        let mut slow = first_slow;
        slow.append(&mut run.slow);
        run.slow = slow;
    }
    report(host, port, &where_, addr, run)
}

/// The whole SMTP conversation; stops early on the first transport problem.
///
/// With `try_tls`, STARTTLS is negotiated when offered. A failed handshake
/// returns at once with `Tls::Failed` so the caller can reconnect.
async fn dialogue(s: &mut Session, host: &str, addr: SocketAddr, try_tls: bool) -> Run {
    let mut run = Run {
        tls: Tls::NotTried,
        transcript: Vec::new(),
        slow: Vec::new(),
        banner: None,
        caps: Capabilities::default(),
        results: Vec::new(),
        forms_planned: 0,
        stopped: None,
    };
    let connect_step = format!("(connect to {addr}, read greeting)");
    let banner = s.read_reply("greeting").await;
    s.record(&connect_step, &banner);
    let banner = match banner {
        Ok(b) => b,
        Err(e) => return finish(s, run, connect_step, e),
    };
    run.banner = Some(banner.clone());
    if banner.code != 220 {
        // The server refuses this session (421 busy, 554 no service for you).
        quit(s).await;
        return finish_ok(s, run);
    }

    let ehlo_cmd = format!("EHLO {PROBE_HELO}");
    let ehlo = match s.command(&ehlo_cmd).await {
        Ok(r) => r,
        Err(e) => return finish(s, run, ehlo_cmd, e),
    };
    let (greeting, used_ehlo) = if ehlo.positive() {
        (ehlo, true)
    } else {
        let helo_cmd = format!("HELO {PROBE_HELO}");
        match s.command(&helo_cmd).await {
            Ok(r) if r.positive() => (r, false),
            Ok(_) => {
                quit(s).await;
                return finish_with(s, run, helo_cmd, "the server refused both EHLO and HELO");
            }
            Err(e) => return finish(s, run, helo_cmd, e),
        }
    };
    run.caps = capabilities(&greeting, used_ehlo);
    let mut greeting = greeting;

    if run.caps.starttls && try_tls {
        match s.command("STARTTLS").await {
            Ok(r) if r.code == 220 => {
                let shake = s.upgrade(host).await;
                let answer = match &shake {
                    Ok(v) => format!("{v} (certificate not validated)"),
                    Err(e) => format!("failed: {e}"),
                };
                s.transcript.push(Evidence {
                    query: "TLS handshake".into(),
                    answer,
                });
                match shake {
                    Ok(v) => run.tls = Tls::Negotiated(v),
                    Err(e) => {
                        run.tls = Tls::Failed(format!("TLS handshake failed: {e}"));
                        return finish_ok(s, run);
                    }
                }
                // RFC 3207: forget what was learnt in plain text and ask again.
                let ehlo_cmd = format!("EHLO {PROBE_HELO}");
                match s.command(&ehlo_cmd).await {
                    Ok(r) if r.positive() => {
                        let offered = run.caps.starttls;
                        run.caps = capabilities(&r, true);
                        run.caps.starttls = offered;
                        greeting = r;
                    }
                    Ok(r) => {
                        quit(s).await;
                        let why = format!(
                            "the server refused EHLO over TLS: {}",
                            r.lines.last().cloned().unwrap_or_default()
                        );
                        return finish_with(s, run, ehlo_cmd, &why);
                    }
                    Err(e) => return finish(s, run, ehlo_cmd, e),
                }
            }
            Ok(r) => {
                // RFC 3207 lets the client carry on in plain text after a refusal.
                run.tls = Tls::Refused(r.lines.last().cloned().unwrap_or_default());
            }
            Err(SmtpError::Cancelled) => {
                return finish(s, run, "STARTTLS".into(), SmtpError::Cancelled)
            }
            Err(e) => {
                run.tls = Tls::Failed(format!("STARTTLS got no usable reply: {e}"));
                return finish_ok(s, run);
            }
        }
    }

    let name = name_from_reply(&banner)
        .or_else(|| name_from_reply(&greeting))
        .or_else(|| {
            (host.parse::<IpAddr>().is_err() && host.contains('.'))
                .then(|| host.to_ascii_lowercase())
        });
    let forms = relay_forms(name.as_deref(), addr.ip());
    run.forms_planned = forms.len();

    for form in forms {
        if s.cancel.is_cancelled() {
            return finish(s, run, "RSET".into(), SmtpError::Cancelled);
        }
        let rset = match s.command("RSET").await {
            Ok(r) => r,
            Err(e) => return finish(s, run, "RSET".into(), e),
        };
        if rset.code == 530 {
            run.results.push((form, Outcome::AuthRequired(rset)));
            break;
        }
        let mail_cmd = format!("MAIL FROM:{}", form.mail_from);
        let mail = match s.command(&mail_cmd).await {
            Ok(r) => r,
            Err(e) => return finish(s, run, mail_cmd, e),
        };
        match mail.code {
            200..=299 => {}
            530 => {
                // Authentication (or TLS) is required before any MAIL: every
                // other form would get the same answer, so stop here like nmap.
                run.results.push((form, Outcome::AuthRequired(mail)));
                break;
            }
            421 => {
                run.results.push((form, Outcome::Temporary(mail)));
                return finish_with(s, run, mail_cmd, "the server closed the session (421)");
            }
            400..=499 => {
                run.results.push((form, Outcome::Temporary(mail)));
                continue;
            }
            _ => {
                run.results.push((form, Outcome::SenderRefused(mail)));
                continue;
            }
        }
        let rcpt_cmd = format!("RCPT TO:{}", form.rcpt_to);
        let rcpt = match s.command(&rcpt_cmd).await {
            Ok(r) => r,
            Err(e) => return finish(s, run, rcpt_cmd, e),
        };
        let closing = rcpt.code == 421;
        let outcome = classify_rcpt(rcpt);
        let auth = matches!(outcome, Outcome::AuthRequired(_));
        run.results.push((form, outcome));
        if closing {
            return finish_with(s, run, rcpt_cmd, "the server closed the session (421)");
        }
        if auth {
            break;
        }
    }
    quit(s).await;
    finish_ok(s, run)
}

/// Send QUIT and wait briefly for the reply; failures here change nothing.
async fn quit(s: &mut Session) {
    let _ = s.command("QUIT").await;
}

fn finish_ok(s: &mut Session, mut run: Run) -> Run {
    run.transcript = std::mem::take(&mut s.transcript);
    run.slow = std::mem::take(&mut s.slow);
    run
}

fn finish(s: &mut Session, mut run: Run, step: String, e: SmtpError) -> Run {
    run.stopped = Some((step, e));
    finish_ok(s, run)
}

fn finish_with(s: &mut Session, run: Run, step: String, why: &str) -> Run {
    finish(s, run, step, SmtpError::Garbage(why.to_string()))
}

fn unreachable_report(host: &str, port: u16, e: SmtpError) -> CheckReport {
    let summary = match &e {
        SmtpError::Resolve { .. } => format!("cannot look up {host}: {e}"),
        _ if port == SMTP_PORT => "port 25 cannot be reached from here — outbound port 25 is often blocked by ISPs and clouds; test from another network".to_string(),
        _ => format!("port {port} on {host} cannot be reached from here; check the address and that the server is running, or test from another network"),
    };
    let mut r = CheckReport::new(CheckKind::Relay, Status::Error, summary);
    r.details.push(format!("{e}"));
    r.details.push(
        "this is not a verdict: an unreachable port says nothing about whether the server relays"
            .into(),
    );
    r.evidence.push(Evidence {
        query: format!("connect {host}:{port}"),
        answer: e.to_string(),
    });
    r.fix.push(format!(
        "Run the probe from a network that allows outbound connections to port {port} (another ISP, a VPS that permits SMTP), but outside the server's own network"
    ));
    r.commands
        .push(format!("nc -vz {} {port}", shell_quote(host)));
    r
}

fn report(host: &str, port: u16, where_: &str, addr: SocketAddr, run: Run) -> CheckReport {
    let mut accepted = Vec::new();
    let mut refused = 0usize;
    let mut refused_other = 0usize;
    let mut temporary = 0usize;
    let mut sender_refused = 0usize;
    let mut auth: Option<&Reply> = None;
    let mut lines = Vec::new();
    for (form, outcome) in &run.results {
        let (word, reply, rcpt_sent) = match outcome {
            Outcome::Accepted(r) => {
                accepted.push(form);
                ("ACCEPTED", r, true)
            }
            Outcome::Refused(r) => {
                refused += 1;
                if other_reason(&r.words()) && !names_relaying(&r.words()) {
                    refused_other += 1;
                }
                ("refused", r, true)
            }
            Outcome::AuthRequired(r) => {
                auth = Some(r);
                ("auth required", r, true)
            }
            Outcome::Temporary(r) => {
                temporary += 1;
                ("temporary", r, true)
            }
            Outcome::SenderRefused(r) => {
                sender_refused += 1;
                ("sender refused", r, false)
            }
        };
        let rcpt = if rcpt_sent {
            format!(" RCPT TO:{}", form.rcpt_to)
        } else {
            String::new()
        };
        lines.push(format!(
            "{word}: {} — MAIL FROM:{}{rcpt} → {}",
            form.name,
            form.mail_from,
            reply.lines.last().map(String::as_str).unwrap_or("")
        ));
    }
    let tested = run.results.len();

    let (status, summary) = if !accepted.is_empty() {
        (
            Status::Fail,
            format!(
                "open relay: {where_} accepted a foreign recipient for {} of {} forms (first: {}: MAIL FROM:{} RCPT TO:{})",
                accepted.len(),
                tested,
                accepted[0].name,
                accepted[0].mail_from,
                accepted[0].rcpt_to
            ),
        )
    } else if let Some((step, e)) = &run.stopped {
        match e {
            SmtpError::Cancelled => (Status::Skipped, "cancelled".to_string()),
            SmtpError::Timeout(d) => (
                Status::Error,
                format!(
                    "slow / tarpit: no reply to `{step}` within {}; relay could not be fully tested",
                    secs(*d)
                ),
            ),
            SmtpError::Closed => (
                Status::Error,
                format!("the server closed the connection after `{step}`; relay could not be fully tested"),
            ),
            SmtpError::Garbage(g) if run.banner.is_none() => (
                Status::Error,
                format!("{where_} does not answer like an SMTP server: {g:?}"),
            ),
            other => (
                Status::Error,
                format!("stopped at `{step}`: {other}; relay could not be fully tested"),
            ),
        }
    } else if let Some(b) = run.banner.as_ref().filter(|b| b.code != 220) {
        (
            Status::Error,
            format!(
                "the server refused the session: {}",
                b.lines.last().cloned().unwrap_or_default()
            ),
        )
    } else if let Some(a) = auth {
        if a.words().to_ascii_lowercase().contains("tls") {
            let why = if matches!(run.tls, Tls::Negotiated(_)) {
                "even though TLS was negotiated"
            } else {
                "and TLS could not be negotiated"
            };
            (
                Status::Error,
                format!(
                    "could not test: the server requires STARTTLS before MAIL ({}) {why}",
                    a.lines.last().cloned().unwrap_or_default()
                ),
            )
        } else {
            (
                Status::Pass,
                format!(
                    "not an open relay: {where_} requires authentication before relaying ({})",
                    a.lines.last().cloned().unwrap_or_default()
                ),
            )
        }
    } else if refused == 0 && temporary == 0 {
        (
            Status::Error,
            "could not test: the server refused every test sender at MAIL FROM".to_string(),
        )
    } else if refused == 0 {
        (
            Status::Error,
            format!(
                "inconclusive: {temporary} forms got temporary (4xx) replies — greylisting or rate limiting; try again in 15 minutes"
            ),
        )
    } else if temporary > 0 {
        (
            Status::Warn,
            format!(
                "no form was accepted: {refused} refused, {temporary} inconclusive (temporary replies)"
            ),
        )
    } else if refused_other == refused {
        (
            Status::Warn,
            format!(
                "no form was accepted, but all {refused} refusals were for other reasons (HELO, client or domain checks), so the relay rules may not have been exercised"
            ),
        )
    } else {
        (
            Status::Pass,
            format!("not an open relay: {where_} refused all {refused} relay forms tested"),
        )
    };

    let mut r = CheckReport::new(CheckKind::Relay, status, summary);
    if let Some(b) = &run.banner {
        r.details.push(format!("greeting: {}", b.lines.join(" / ")));
    }
    r.details.push(format!(
        "connected to {addr}; {} of {} forms tested; recipient domain {PROBE_DOMAIN} (reserved, cannot receive mail); DATA is never sent, so nothing was relayed",
        tested, run.forms_planned
    ));
    if run.caps.starttls {
        r.details.push(match &run.tls {
            Tls::Negotiated(v) => format!(
                "STARTTLS was offered and negotiated ({v}); the relay tests ran over TLS; the certificate was not validated (certificate checks are separate)"
            ),
            Tls::Refused(reply) => format!(
                "STARTTLS was offered but refused ({reply}); the relay tests ran in plain text"
            ),
            Tls::Failed(why) => format!(
                "STARTTLS was offered but could not be negotiated ({why}); the probe reconnected and ran the relay tests in plain text"
            ),
            Tls::NotTried => {
                "STARTTLS was offered; the session ended before it was tried".into()
            }
        });
    } else if run.banner.as_ref().is_some_and(|b| b.code == 220) && run.caps.ehlo {
        r.details.push("STARTTLS was not offered".into());
    }
    if run.banner.is_some() && !run.caps.ehlo && run.forms_planned > 0 {
        r.details
            .push("EHLO was refused; the probe fell back to HELO".into());
    }
    if let Some(mech) = &run.caps.auth {
        r.details.push(format!(
            "AUTH offered ({mech}); the probe never authenticates"
        ));
    }
    r.details.extend(lines);
    if sender_refused > 0 {
        r.details.push(format!(
            "{sender_refused} forms could not be tested: the server refused the sender at MAIL FROM"
        ));
    }
    if refused_other > 0 {
        r.details.push(format!(
            "{refused_other} refusals name HELO, client or domain checks rather than relaying"
        ));
    }
    if !run.slow.is_empty() {
        r.details
            .push(format!("slow / tarpit: {}", run.slow.join("; ")));
    }
    if !accepted.is_empty() {
        r.details.push(
            "a gateway that accepts every recipient and bounces later also answers 250 here; it still accepted a foreign recipient from an untrusted client".into(),
        );
    }
    r.details.push(
        "a test from inside the server's own network (mynetworks, office LAN, VPN) can show an open relay that the Internet does not see: run it from outside to be sure"
            .into(),
    );
    r.evidence = run.transcript;

    match status {
        Status::Fail => {
            r.fix = vec![
                "Allow relaying only for authenticated users and your own networks. Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, and check that mynetworks lists only your own addresses".into(),
                "Exchange: remove anonymous relay permission from receive connectors; Exim: keep relay_from_hosts to your own networks; Sendmail: no promiscuous_relay or relay_entire_domain".into(),
                "Re-run this probe from a network outside the server's own, then ask the blocklists that listed you for removal".into(),
            ];
        }
        Status::Error
            if run
                .stopped
                .as_ref()
                .is_some_and(|(_, e)| matches!(e, SmtpError::Timeout(_))) =>
        {
            r.fix.push("Re-run later or with a longer SMTP timeout; a server that stalls on every reply is tarpitting this client".into());
        }
        Status::Error if temporary > 0 && refused == 0 => {
            r.fix
                .push("Re-run after 15 minutes: greylisting accepts the retry".into());
        }
        _ => {}
    }
    let shown = accepted
        .first()
        .map(|f| (*f).clone())
        .unwrap_or_else(|| relay_forms(None, addr.ip()).remove(0));
    r.commands.push(swaks_line(host, port, &shown));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_forms() {
        assert_eq!(
            parse_smtp_target("mx.example.com").unwrap(),
            ("mx.example.com".into(), 25)
        );
        assert_eq!(
            parse_smtp_target("127.0.0.1:2525").unwrap(),
            ("127.0.0.1".into(), 2525)
        );
        assert_eq!(parse_smtp_target("[::1]:587").unwrap(), ("::1".into(), 587));
        assert_eq!(parse_smtp_target("::1").unwrap(), ("::1".into(), 25));
        assert!(parse_smtp_target("mx.example.com:99999").is_err());
        assert!(parse_smtp_target("").is_err());
        assert!(parse_smtp_target("a b").is_err());
    }

    #[test]
    fn battery_has_the_classic_forms() {
        let forms = relay_forms(Some("mx.example.com"), "192.0.2.1".parse().unwrap());
        assert!(forms.len() >= 8);
        let rcpts: Vec<&str> = forms.iter().map(|f| f.rcpt_to.as_str()).collect();
        assert!(rcpts.iter().any(|r| r.contains('%')));
        assert!(rcpts.iter().any(|r| r.contains('!')));
        assert!(rcpts.iter().any(|r| r.starts_with("<@")));
        assert!(rcpts.iter().any(|r| r.contains('"')));
        assert!(forms.iter().any(|f| f.mail_from == "<>"));
        assert!(forms
            .iter()
            .any(|f| f.mail_from.ends_with("@mx.example.com>")));
        // Every recipient stays inside the reserved probe domain.
        assert!(rcpts.iter().all(|r| r.contains(PROBE_DOMAIN)));
        let v6 = relay_forms(None, "2001:db8::1".parse().unwrap());
        assert!(v6.iter().any(|f| f.rcpt_to.contains("[IPv6:2001:db8::1]")));
    }

    #[test]
    fn names_come_from_greeting() {
        let r = Reply {
            code: 220,
            lines: vec!["220 mx.example.com ESMTP Postfix".into()],
        };
        assert_eq!(name_from_reply(&r).as_deref(), Some("mx.example.com"));
        let r = Reply {
            code: 220,
            lines: vec!["220 ESMTP ready".into()],
        };
        assert_eq!(name_from_reply(&r), None);
    }

    #[test]
    fn rcpt_replies_are_classified() {
        let reply = |code, text: &str| Reply {
            code,
            lines: vec![format!("{code} {text}")],
        };
        assert!(matches!(
            classify_rcpt(reply(250, "2.1.5 Ok")),
            Outcome::Accepted(_)
        ));
        assert!(matches!(
            classify_rcpt(reply(252, "2.1.5 maybe")),
            Outcome::Accepted(_)
        ));
        assert!(matches!(
            classify_rcpt(reply(554, "5.7.1 <x>: Relay access denied")),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            classify_rcpt(reply(454, "4.7.1 <x>: Relay access denied")),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            classify_rcpt(reply(450, "4.2.0 Greylisted, try later")),
            Outcome::Temporary(_)
        ));
        assert!(matches!(
            classify_rcpt(reply(530, "5.7.0 Authentication required")),
            Outcome::AuthRequired(_)
        ));
    }

    #[test]
    fn swaks_quotes_odd_addresses() {
        let f = RelayForm::new("x", "<>".into(), "<\"a@b\">".into());
        let line = swaks_line("mx.example.com", 25, &f);
        assert!(line.contains("--from ''"), "{line}");
        assert!(line.contains("--to '\"a@b\"'"), "{line}");
        assert!(line.ends_with("--quit-after RCPT"));
    }
}
