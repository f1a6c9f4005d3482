//! The system clipboard, through one `arboard::Clipboard` kept for the whole run
//! (on X11 the content disappears when the clipboard that set it is dropped).
//! It lives on its own thread, is created on first use, and a failure to create
//! it is remembered so later requests answer at once.

use std::sync::mpsc;
use tokio::sync::oneshot;

enum Request {
    Get(oneshot::Sender<Result<String, String>>),
    Set(String, oneshot::Sender<Result<(), String>>),
}

/// Handle to the clipboard thread. Cheap to clone.
#[derive(Clone)]
pub struct Clipboard {
    tx: mpsc::Sender<Request>,
}

impl Default for Clipboard {
    fn default() -> Self {
        Clipboard::start()
    }
}

/// Why `arboard` could not be used, in words a user can act on.
fn describe(e: &arboard::Error) -> String {
    match e {
        arboard::Error::ClipboardNotSupported => {
            "this system has no clipboard the program can reach".into()
        }
        arboard::Error::ClipboardOccupied => "the clipboard is busy; try again".into(),
        other => {
            let no_display = std::env::var_os("DISPLAY").is_none_or(|v| v.is_empty())
                && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|v| v.is_empty());
            if no_display {
                // arboard's own text ("connection timed out") would mislead here.
                "no graphical display: DISPLAY and WAYLAND_DISPLAY are not set (an SSH session?)"
                    .into()
            } else {
                format!("cannot reach the display's clipboard: {other}")
            }
        }
    }
}

fn serve(rx: mpsc::Receiver<Request>) {
    let mut board: Option<arboard::Clipboard> = None;
    let mut failure: Option<String> = None;
    for req in rx {
        if board.is_none() && failure.is_none() {
            match arboard::Clipboard::new() {
                Ok(b) => board = Some(b),
                Err(e) => failure = Some(describe(&e)),
            }
        }
        match req {
            Request::Get(reply) => {
                let r = match (&mut board, &failure) {
                    (Some(b), _) => match b.get_text() {
                        Ok(s) => Ok(s),
                        // An empty clipboard (or one holding an image) is not a broken one.
                        Err(arboard::Error::ContentNotAvailable) => Ok(String::new()),
                        Err(e) => Err(describe(&e)),
                    },
                    (None, Some(f)) => Err(f.clone()),
                    (None, None) => Err("clipboard unavailable".into()),
                };
                let _ = reply.send(r);
            }
            Request::Set(text, reply) => {
                let r = match (&mut board, &failure) {
                    (Some(b), _) => b.set_text(text).map_err(|e| describe(&e)),
                    (None, Some(f)) => Err(f.clone()),
                    (None, None) => Err("clipboard unavailable".into()),
                };
                let _ = reply.send(r);
            }
        }
    }
}

impl Clipboard {
    /// Start the clipboard thread (the clipboard itself is opened on first use).
    pub fn start() -> Clipboard {
        let (tx, rx) = mpsc::channel();
        // If the thread cannot be spawned, requests fail with a message instead.
        let _ = std::thread::Builder::new()
            .name("clipboard".into())
            .spawn(move || serve(rx));
        Clipboard { tx }
    }

    /// Read the clipboard's text; `Err(reason)` when there is no clipboard.
    pub async fn get(&self) -> Result<String, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Get(tx))
            .map_err(|_| "the clipboard thread is not running".to_string())?;
        rx.await
            .map_err(|_| "the clipboard thread stopped".to_string())?
    }

    /// Put text on the clipboard; `Err(reason)` when there is no clipboard.
    pub async fn set(&self, text: String) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Set(text, tx))
            .map_err(|_| "the clipboard thread is not running".to_string())?;
        rx.await
            .map_err(|_| "the clipboard thread stopped".to_string())?
    }
}
