//! A scripted SMTP peer on 127.0.0.1 for tests.
//!
//! Include it with `#[path = "support/smtp_peer.rs"] mod smtp_peer;`.
//! `SmtpPeer::start(Script::open_relay())` listens on a random loopback port,
//! plays the script to every connection and records each command received.
//! Scripts are plain data plus one responder function, so new behaviours are
//! a few lines: see the constructors on [`Script`].
//!
//! STARTTLS: every script offers it in EHLO. Without [`Script::tls`] the peer
//! answers `454` (TLS not available); with it, the peer answers `220` and
//! upgrades the connection with the self-signed fixture certificate in
//! `tests/fixtures/tls/`.
#![allow(dead_code)]

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the peer does in answer to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send these lines (each gets CRLF), after the script's delay.
    Reply(Vec<String>),
    /// Send nothing and keep the connection open (a tarpit that never answers).
    Silence,
    /// Close the connection without a reply.
    Close,
    /// Send these raw bytes as they are.
    Raw(Vec<u8>),
    /// Answer STARTTLS: `220` and a TLS handshake when the script has TLS,
    /// `454` otherwise.
    StartTls,
    /// Answer `220` to STARTTLS, then hang up instead of doing the handshake.
    BrokenTls,
}

impl Action {
    /// A reply of one or more lines given as one string with `\n` between lines.
    pub fn lines(text: &str) -> Action {
        Action::Reply(text.lines().map(str::to_string).collect())
    }
}

/// Maps a received command line (without CRLF) and its index in the session
/// (0 = first command after the greeting) to what the peer does.
pub type Responder = Arc<dyn Fn(&str, usize) -> Action + Send + Sync>;

/// One scripted behaviour.
#[derive(Clone)]
pub struct Script {
    /// What to send on connect (`Silence` = never greet).
    pub greeting: Action,
    /// Delay before every reply to a command (not the greeting).
    pub delay: Duration,
    /// The dialogue.
    pub respond: Responder,
    /// Server TLS settings, when STARTTLS really upgrades.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// Multi-line greeting used by most scripts.
pub const GREETING: &str = "220-peer.example.test ESMTP ready\n220-no UCE\n220 go ahead";
/// Multi-line EHLO reply offering STARTTLS, as many servers do.
pub const EHLO: &str =
    "250-peer.example.test Hello\n250-PIPELINING\n250-SIZE 10240000\n250-STARTTLS\n250-8BITMIME\n250 SMTPUTF8";

fn verb(cmd: &str) -> String {
    cmd.split([' ', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// The usual answers to everything except RCPT, which `rcpt` decides.
fn standard(rcpt: impl Fn(&str) -> Action + Send + Sync + 'static) -> Responder {
    Arc::new(move |cmd: &str, _| match verb(cmd).as_str() {
        "EHLO" => Action::lines(EHLO),
        "HELO" => Action::lines("250 peer.example.test"),
        "RSET" => Action::lines("250 2.0.0 Ok"),
        "MAIL" => Action::lines("250 2.1.0 Ok"),
        "RCPT" => rcpt(cmd),
        "QUIT" => Action::lines("221 2.0.0 Bye"),
        "NOOP" => Action::lines("250 2.0.0 Ok"),
        "STARTTLS" => Action::StartTls,
        // A real server would answer DATA with 354; tests assert it never comes.
        "DATA" | "BDAT" => Action::lines("554 5.5.1 test peer: no message transfer here"),
        _ => Action::lines("502 5.5.2 Error: command not recognized"),
    })
}

impl Script {
    fn with(respond: Responder) -> Script {
        Script {
            greeting: Action::lines(GREETING),
            delay: Duration::ZERO,
            respond,
            tls: None,
        }
    }

    /// Same script, but STARTTLS really upgrades to TLS (fixture certificate).
    pub fn tls(mut self) -> Script {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(format!("{dir}/cert.pem"))
                .expect("read cert.pem")
                .collect::<Result<_, _>>()
                .expect("parse cert.pem");
        let key = PrivateKeyDer::from_pem_file(format!("{dir}/key.pem")).expect("read key.pem");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("fixture certificate and key");
        self.tls = Some(Arc::new(config));
        self
    }

    /// Offers STARTTLS, answers it with `220`, then hangs up before the handshake.
    pub fn broken_tls(self) -> Script {
        let inner = self.respond.clone();
        Script {
            respond: Arc::new(move |cmd, i| {
                if verb(cmd) == "STARTTLS" {
                    Action::BrokenTls
                } else {
                    inner(cmd, i)
                }
            }),
            ..self
        }
    }

    /// Accepts every recipient: an open relay.
    pub fn open_relay() -> Script {
        Script::with(standard(|_| Action::lines("250 2.1.5 Ok")))
    }

    /// Accepts only recipients whose RCPT line contains `needle`; refuses the rest.
    pub fn open_for(needle: &'static str) -> Script {
        Script::with(standard(move |cmd| {
            if cmd.contains(needle) {
                Action::lines("250 2.1.5 Ok")
            } else {
                Action::lines("554 5.7.1 Relay access denied")
            }
        }))
    }

    /// Refuses every foreign recipient the way Postfix does.
    pub fn closed_relay() -> Script {
        Script::with(standard(|cmd| {
            let addr = cmd.split_once(':').map(|x| x.1).unwrap_or("");
            Action::Reply(vec![format!("554 5.7.1 {addr}: Relay access denied")])
        }))
    }

    /// Requires authentication: `530` to MAIL FROM.
    pub fn auth_required() -> Script {
        let inner = standard(|_| Action::lines("250 2.1.5 Ok"));
        Script::with(Arc::new(move |cmd, i| {
            if verb(cmd) == "MAIL" {
                Action::lines("530 5.7.0 Authentication required")
            } else {
                inner(cmd, i)
            }
        }))
    }

    /// Requires STARTTLS before MAIL: `530 5.7.0 Must issue a STARTTLS command first`.
    pub fn tls_required() -> Script {
        let inner = standard(|_| Action::lines("250 2.1.5 Ok"));
        Script::with(Arc::new(move |cmd, i| {
            if verb(cmd) == "MAIL" {
                Action::lines("530 5.7.0 Must issue a STARTTLS command first")
            } else {
                inner(cmd, i)
            }
        }))
    }

    /// Greylists every recipient with `450 4.2.0`.
    pub fn greylisting() -> Script {
        Script::with(standard(|_| {
            Action::lines("450 4.2.0 Greylisted, please try again in 300 seconds")
        }))
    }

    /// Answers greeting and EHLO at once, then never answers MAIL/RCPT (a tarpit).
    pub fn tarpit() -> Script {
        let inner = standard(|_| Action::lines("250 2.1.5 Ok"));
        Script::with(Arc::new(move |cmd, i| match verb(cmd).as_str() {
            "EHLO" | "HELO" | "RSET" | "STARTTLS" => inner(cmd, i),
            _ => Action::Silence,
        }))
    }

    /// Replies to everything, but only after `delay` (a slow server).
    pub fn slow(delay: Duration) -> Script {
        Script {
            delay,
            ..Script::closed_relay()
        }
    }

    /// Never sends a greeting.
    pub fn silent() -> Script {
        Script {
            greeting: Action::Silence,
            ..Script::closed_relay()
        }
    }

    /// Closes the connection after answering `n` commands.
    pub fn drop_after(n: usize) -> Script {
        let inner = standard(|_| Action::lines("554 5.7.1 Relay access denied"));
        Script::with(Arc::new(
            move |cmd, i| {
                if i >= n {
                    Action::Close
                } else {
                    inner(cmd, i)
                }
            },
        ))
    }

    /// Greets with something that is not SMTP at all.
    pub fn garbage_greeting() -> Script {
        Script {
            greeting: Action::Raw(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()),
            ..Script::closed_relay()
        }
    }

    /// Greets properly, then answers MAIL with noise.
    pub fn garbage_after_ehlo() -> Script {
        let inner = standard(|_| Action::lines("250 2.1.5 Ok"));
        Script::with(Arc::new(move |cmd, i| match verb(cmd).as_str() {
            "EHLO" | "HELO" | "RSET" | "STARTTLS" => inner(cmd, i),
            _ => Action::Raw(b"\x00\xffwhat?\r\n".to_vec()),
        }))
    }

    /// An old server: EHLO gets `502`, HELO works; relaying refused.
    pub fn helo_only() -> Script {
        let inner = standard(|_| Action::lines("550 5.7.1 Unable to relay"));
        Script::with(Arc::new(move |cmd, i| {
            if verb(cmd) == "EHLO" {
                Action::lines("502 5.5.2 Error: command not recognized")
            } else {
                inner(cmd, i)
            }
        }))
    }

    /// Greets with `554` (no service for this client).
    pub fn refuses_session() -> Script {
        Script {
            greeting: Action::lines("554 5.7.1 peer.example.test: no SMTP service here"),
            ..Script::closed_relay()
        }
    }

    /// Same script, different greeting.
    pub fn greeting(mut self, text: &str) -> Script {
        self.greeting = Action::lines(text);
        self
    }
}

/// A running scripted peer.
pub struct SmtpPeer {
    /// Address it listens on (127.0.0.1, random port).
    pub addr: SocketAddr,
    commands: Arc<Mutex<Vec<Command>>>,
    connections: Arc<Mutex<usize>>,
    task: JoinHandle<()>,
}

/// One received command line and whether it came over TLS.
#[derive(Debug, Clone)]
struct Command {
    line: String,
    tls: bool,
}

impl SmtpPeer {
    /// Listen on 127.0.0.1:0 and play `script` to every connection.
    pub async fn start(script: Script) -> SmtpPeer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let commands = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let (cmds, conns) = (commands.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                *conns.lock().unwrap() += 1;
                let script = script.clone();
                let cmds = cmds.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, script, cmds).await;
                });
            }
        });
        SmtpPeer {
            addr,
            commands,
            connections,
            task,
        }
    }

    /// Port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:PORT`, as `--smtp` takes it.
    pub fn target(&self) -> String {
        self.addr.to_string()
    }

    /// Every command line received so far, over all connections, in order.
    pub fn commands(&self) -> Vec<String> {
        let cmds = self.commands.lock().unwrap();
        cmds.iter().map(|c| c.line.clone()).collect()
    }

    /// Every command line received so far, each with whether it came over TLS.
    pub fn commands_with_tls(&self) -> Vec<(String, bool)> {
        let cmds = self.commands.lock().unwrap();
        cmds.iter().map(|c| (c.line.clone(), c.tls)).collect()
    }

    /// Number of connections accepted so far.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A connection the peer talks over: plain TCP, or TLS on top of it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

type Conn = BufReader<Box<dyn Io>>;

async fn write_lines(w: &mut Conn, lines: &[&str]) -> std::io::Result<()> {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push_str("\r\n");
    }
    w.write_all(out.as_bytes()).await?;
    w.flush().await
}

/// What became of one reply.
enum Sent {
    /// Carry on over the same connection.
    Continue,
    /// Carry on over this new (TLS) connection.
    Upgraded(Conn),
    /// Hang up.
    Close,
}

async fn send(
    w: &mut Conn,
    action: &Action,
    tls: Option<&Arc<rustls::ServerConfig>>,
) -> std::io::Result<Sent> {
    match action {
        Action::Reply(lines) => {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            write_lines(w, &lines).await?;
        }
        Action::Raw(bytes) => {
            w.write_all(bytes).await?;
            w.flush().await?;
        }
        Action::Silence => {
            // Hold the connection open without answering, until the client leaves.
            std::future::pending::<()>().await;
        }
        Action::Close => return Ok(Sent::Close),
        Action::BrokenTls => {
            write_lines(w, &["220 2.0.0 Ready to start TLS"]).await?;
            return Ok(Sent::Close);
        }
        Action::StartTls => match tls {
            None => {
                write_lines(w, &["454 4.7.0 TLS not available due to temporary reason"]).await?
            }
            Some(config) => {
                write_lines(w, &["220 2.0.0 Ready to start TLS"]).await?;
                let placeholder: Box<dyn Io> = Box::new(tokio::io::duplex(1).0);
                let plain = std::mem::replace(w, BufReader::new(placeholder)).into_inner();
                let acceptor = tokio_rustls::TlsAcceptor::from(config.clone());
                let stream = acceptor.accept(plain).await?;
                return Ok(Sent::Upgraded(BufReader::new(Box::new(stream))));
            }
        },
    }
    Ok(Sent::Continue)
}

async fn serve(
    stream: tokio::net::TcpStream,
    script: Script,
    commands: Arc<Mutex<Vec<Command>>>,
) -> std::io::Result<()> {
    let mut conn: Conn = BufReader::new(Box::new(stream));
    let mut over_tls = false;
    let record = |line: &str, tls: bool| {
        commands.lock().unwrap().push(Command {
            line: line.trim_end_matches(['\r', '\n']).to_string(),
            tls,
        })
    };
    if !matches!(
        send(&mut conn, &script.greeting, None).await?,
        Sent::Continue
    ) {
        return Ok(());
    }
    let mut index = 0;
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end_matches(['\r', '\n']).to_string();
        record(&cmd, over_tls);
        let action = (script.respond)(&cmd, index);
        index += 1;
        if !script.delay.is_zero() {
            tokio::time::sleep(script.delay).await;
        }
        // Keep reading while a silent reply is pending, so the client's
        // later commands (or its leaving) are still seen.
        if action == Action::Silence {
            loop {
                let mut more = String::new();
                if conn.read_line(&mut more).await? == 0 {
                    return Ok(());
                }
                record(&more, over_tls);
            }
        }
        let quit = verb(&cmd) == "QUIT";
        match send(&mut conn, &action, script.tls.as_ref()).await? {
            Sent::Continue if !quit => {}
            Sent::Continue | Sent::Close => return Ok(()),
            Sent::Upgraded(tls) => {
                conn = tls;
                over_tls = true;
            }
        }
    }
}
