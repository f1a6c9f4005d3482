//! A reusable pseudo-terminal harness for end-to-end tests: runs the real
//! `bounce-doctor` binary in a PTY of a given size, parses what it draws with
//! `vt100`, sends keys and bytes, and polls the screen with a deadline (never a
//! fixed sleep).
//!
//! ```ignore
//! #[path = "support/pty.rs"]
//! mod pty;
//! let mut t = pty::Pty::builder().arg("--knowledge").arg(dir).size(100, 30).spawn();
//! t.wait_for("Search", pty::DEADLINE);
//! t.send_str("550");
//! ```
#![allow(dead_code)]

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A generous deadline for screens to appear on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Keys as the bytes a terminal sends.
pub mod keys {
    /// Escape.
    pub const ESC: &str = "\x1b";
    /// Enter.
    pub const ENTER: &str = "\r";
    /// Tab.
    pub const TAB: &str = "\t";
    /// Arrow up.
    pub const UP: &str = "\x1b[A";
    /// Arrow down.
    pub const DOWN: &str = "\x1b[B";
    /// Page down.
    pub const PAGE_DOWN: &str = "\x1b[6~";
    /// Page up.
    pub const PAGE_UP: &str = "\x1b[5~";
    /// Ctrl+C.
    pub const CTRL_C: &str = "\x03";
    /// Ctrl+V.
    pub const CTRL_V: &str = "\x16";
    /// Backspace.
    pub const BACKSPACE: &str = "\x7f";
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

/// Wrap text in bracketed-paste markers, as a terminal does when the user pastes.
pub fn bracketed(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

/// How to start the program.
pub struct PtyBuilder {
    program: std::ffi::OsString,
    args: Vec<String>,
    env: Vec<(String, String)>,
    env_remove: Vec<String>,
    cols: u16,
    rows: u16,
}

impl PtyBuilder {
    /// Run another program instead of `bounce-doctor` (e.g. the test binary itself).
    pub fn program(mut self, p: impl AsRef<std::ffi::OsStr>) -> Self {
        self.program = p.as_ref().to_os_string();
        self
    }

    /// Add a command-line argument.
    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(a.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Set an environment variable.
    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env
            .push((k.to_string(), v.as_ref().to_string_lossy().into_owned()));
        self
    }

    /// Remove an inherited environment variable.
    pub fn env_remove(mut self, k: &str) -> Self {
        self.env_remove.push(k.to_string());
        self
    }

    /// Terminal size in columns and rows (set before the program starts).
    pub fn size(mut self, cols: u16, rows: u16) -> Self {
        self.cols = cols;
        self.rows = rows;
        self
    }

    /// Start the program.
    pub fn spawn(self) -> Pty {
        let system = native_pty_system();
        let pair = system
            .openpty(PtySize {
                rows: self.rows,
                cols: self.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(&self.program);
        cmd.args(&self.args);
        cmd.env("TERM", "xterm-256color");
        for k in &self.env_remove {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn bounce-doctor");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            nz(self.rows),
            nz(self.cols),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Pty {
            parser,
            raw,
            writer,
            master: pair.master,
            child,
            _reader: reader_thread,
        }
    }
}

/// A running program in a pseudo-terminal.
pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    _reader: JoinHandle<()>,
}

impl Pty {
    /// Start describing a program run (80x24, no arguments).
    pub fn builder() -> PtyBuilder {
        PtyBuilder {
            program: env!("CARGO_BIN_EXE_bounce-doctor").into(),
            args: Vec::new(),
            env: Vec::new(),
            env_remove: Vec::new(),
            cols: 80,
            rows: 24,
        }
    }

    /// Send raw bytes to the program.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Send a string (keys from [`keys`] or text).
    pub fn send_str(&mut self, s: &str) {
        self.send(s.as_bytes());
    }

    /// Paste text the way a terminal does (bracketed paste).
    pub fn paste(&mut self, text: &str) {
        self.send_str(&bracketed(text));
    }

    /// The screen's text right now.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Run a check against the parsed screen.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Poll until `pred(screen)` holds (e.g. the alternate screen was left);
    /// panics with the screen text at the deadline.
    pub fn wait_screen(
        &self,
        deadline: Duration,
        what: &str,
        pred: impl Fn(&vt100::Screen) -> bool,
    ) {
        let end = Instant::now() + deadline;
        while !self.with_screen(&pred) {
            if Instant::now() >= end {
                panic!("timed out waiting for {what}; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the program has written so far, unparsed.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Poll until `pred(screen text)` holds; `Err(screen)` at the deadline.
    pub fn try_wait_until(
        &self,
        deadline: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let end = Instant::now() + deadline;
        loop {
            let s = self.screen();
            if pred(&s) {
                return Ok(s);
            }
            if Instant::now() >= end {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Poll until the screen contains `text`; panics with the screen at the deadline.
    pub fn wait_for(&self, text: &str, deadline: Duration) -> String {
        self.try_wait_until(deadline, |s| s.contains(text))
            .unwrap_or_else(|s| panic!("timed out waiting for {text:?}; screen:\n{s}"))
    }

    /// Poll until the screen no longer contains `text`.
    pub fn wait_gone(&self, text: &str, deadline: Duration) -> String {
        self.try_wait_until(deadline, |s| !s.contains(text))
            .unwrap_or_else(|s| panic!("timed out waiting for {text:?} to go; screen:\n{s}"))
    }

    /// Change the terminal size (the program gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
    }

    /// The program's process id.
    pub fn process_id(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Wait for the program to exit; returns its exit code, or `None` at the deadline.
    pub fn wait_exit(&mut self, deadline: Duration) -> Option<u32> {
        let end = Instant::now() + deadline;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.exit_code());
            }
            if Instant::now() >= end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
