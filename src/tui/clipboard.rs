//! The system clipboard, through one `arboard::Clipboard` kept for the whole run
//! (on X11 the content disappears when the clipboard that set it is dropped).
//! It lives on its own thread, is created on first use, and a failure to create
//! it is remembered so later requests answer at once.

use std::sync::mpsc;
use tokio::sync::oneshot;

enum Request {
    Get(oneshot::Sender<Result<String, String>>),
    Set(String, oneshot::Sender<Result<(), String>>),
    Shutdown(oneshot::Sender<()>),
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

/// The clipboard, opened on first use; a failure to open it is remembered.
struct Board {
    board: Option<arboard::Clipboard>,
    failure: Option<String>,
}

impl Board {
    fn get(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.board.is_none() && self.failure.is_none() {
            match arboard::Clipboard::new() {
                Ok(b) => self.board = Some(b),
                Err(e) => self.failure = Some(describe(&e)),
            }
        }
        match (&mut self.board, &self.failure) {
            (Some(b), _) => Ok(b),
            (None, Some(f)) => Err(f.clone()),
            (None, None) => Err("clipboard unavailable".into()),
        }
    }
}

fn serve(rx: mpsc::Receiver<Request>) {
    let mut board = Board {
        board: None,
        failure: None,
    };
    for req in rx {
        match req {
            Request::Get(reply) => {
                let r = board.get().and_then(|b| match b.get_text() {
                    Ok(s) => Ok(s),
                    // An empty clipboard (or one holding an image) is not a broken one.
                    Err(arboard::Error::ContentNotAvailable) => Ok(String::new()),
                    Err(e) => Err(describe(&e)),
                });
                let _ = reply.send(r);
            }
            Request::Set(text, reply) => {
                let r = board
                    .get()
                    .and_then(|b| b.set_text(text).map_err(|e| describe(&e)));
                let _ = reply.send(r);
            }
            Request::Shutdown(done) => {
                // Dropping the clipboard hands what we copied to a clipboard
                // manager, if one runs; otherwise X11 forgets it when we exit.
                drop(board.board.take());
                let _ = done.send(());
                return;
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

    /// Close the clipboard before exiting, so a clipboard manager can keep what
    /// was copied. Later requests fail.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Request::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
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
