//! `bounce-doctor diagnose`: diagnose bounces from files, directories, mboxes or stdin.

use super::{JsonFlag, Paint};
use crate::diagnose::{self, MessageDiagnosis, MessageKind, Outcome, RecipientDiagnosis};
use crate::knowledge::KnowledgeBase;
use clap::Args;
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// Files, directories (all files, sorted) or mboxes; `-` or nothing reads stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// One input to diagnose: its display name and where to read it.
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }

    /// Read at most one byte more than the limit, so size errors stay cheap.
    fn read(&self) -> std::io::Result<Vec<u8>> {
        let limit = diagnose::MAX_INPUT as u64 + 1;
        let mut buf = Vec::new();
        match self {
            Input::Stdin => {
                std::io::stdin().lock().take(limit).read_to_end(&mut buf)?;
            }
            Input::File(p) => {
                std::fs::File::open(p)?.take(limit).read_to_end(&mut buf)?;
            }
        }
        Ok(buf)
    }
}

/// Expand the command-line paths: directories become their files, sorted.
fn expand(paths: &[PathBuf], errors: &mut usize) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(rd) => {
                    let mut files: Vec<PathBuf> = rd
                        .flatten()
                        .map(|e| e.path())
                        .filter(|f| f.is_file())
                        .collect();
                    files.sort();
                    out.extend(files.into_iter().map(Input::File));
                }
                Err(e) => {
                    eprintln!("error: cannot read directory {}: {e}", p.display());
                    *errors += 1;
                }
            }
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    out
}

/// The JSON object for one recipient (or for a message with no bounce).
pub fn recipient_json(
    source: &str,
    index: usize,
    msg: &MessageDiagnosis,
    r: Option<&RecipientDiagnosis>,
) -> serde_json::Value {
    match r {
        Some(r) => json!({
            "source": source,
            "index": index,
            "kind": msg.kind,
            "recipient": r.recipient,
            "action": r.action,
            "status": r.status,
            "reply_code": r.reply_code,
            "reason": r.reason,
            "severity": if r.hard { "hard" } else { "soft" },
            "acts": r.acts,
            "kb": r.kb,
            "remote_mta": r.remote_mta,
            "diagnostic": r.diagnostic,
            "evidence": r.evidence,
            "subject": msg.subject,
            "prefill": msg.prefill,
        }),
        None => json!({
            "source": source,
            "index": index,
            "kind": msg.kind,
            "recipient": null,
            "action": null,
            "status": null,
            "reply_code": null,
            "reason": match msg.kind {
                MessageKind::Feedback => "feedback",
                MessageKind::Vacation => "vacation",
                _ => "not-bounce",
            },
            "severity": "soft",
            "acts": [],
            "kb": [],
            "remote_mta": null,
            "diagnostic": null,
            "evidence": [],
            "subject": msg.subject,
        }),
    }
}

fn print_human(
    out: &mut impl Write,
    source: &str,
    msgs: &[MessageDiagnosis],
    paint: Paint,
) -> std::io::Result<()> {
    for m in msgs {
        let subject = m.subject.as_deref().unwrap_or("(no subject)");
        writeln!(
            out,
            "{} {} {}",
            paint.strong(&diagnose::sanitize(source)),
            paint.muted(&format!("line {}", m.first_line)),
            paint.muted(subject)
        )?;
        match m.kind {
            MessageKind::NotBounce => {
                writeln!(
                    out,
                    "  {}",
                    paint.muted("not a bounce: no failed delivery found")
                )?;
                continue;
            }
            MessageKind::Vacation => writeln!(
                out,
                "  {}",
                paint.warn("auto-reply (out of office), not a bounce")
            )?,
            MessageKind::Feedback => writeln!(
                out,
                "  {}",
                paint.warn("feedback/abuse report (ARF), not a bounce")
            )?,
            MessageKind::Bounce => {}
        }
        for r in &m.recipients {
            let who = r.recipient.as_deref().unwrap_or("(recipient not stated)");
            let outcome = r.outcome();
            let sev = match outcome {
                Outcome::Hard => paint.danger(outcome.short()),
                Outcome::Soft | Outcome::Delayed => paint.warn(outcome.short()),
                Outcome::Info => paint.ok(outcome.short()),
            };
            let mut codes = Vec::new();
            if let Some(c) = r.reply_code {
                codes.push(c.to_string());
            }
            if let Some(s) = &r.status {
                codes.push(s.clone());
            }
            writeln!(
                out,
                "  {} {} {} {}",
                paint.strong(who),
                paint.accent(&codes.join(" ")),
                paint.strong(r.reason.name()),
                sev
            )?;
            writeln!(out, "    {}; {}", r.reason.phrase(), outcome.advice())?;
            if !r.acts.is_empty() {
                let acts: Vec<&str> = r.acts.iter().map(|a| a.label()).collect();
                writeln!(out, "    who acts: {}", acts.join(", "))?;
            }
            if let Some(mta) = &r.remote_mta {
                writeln!(out, "    remote: {mta}")?;
            }
            if let Some(d) = &r.diagnostic {
                let short: String = d.chars().take(300).collect();
                writeln!(out, "    {}", paint.muted(&short))?;
            }
            if !r.kb.is_empty() {
                writeln!(out, "    see: {}", r.kb.join(", "))?;
            }
            for e in r.evidence.iter().take(4) {
                writeln!(
                    out,
                    "    {} {}",
                    paint.muted(&format!("{:>5}|", e.line)),
                    e.text
                )?;
            }
        }
    }
    Ok(())
}

/// Run `diagnose`; returns the exit code (2 when an input could not be read).
pub fn run(args: &DiagnoseArgs, dirs: &[PathBuf], paint: Paint) -> i32 {
    let kb = super::load_kb(dirs);
    run_with(args, &kb, paint)
}

/// Run `diagnose` with an already loaded knowledge base.
pub fn run_with(args: &DiagnoseArgs, kb: &KnowledgeBase, paint: Paint) -> i32 {
    let mut errors = 0usize;
    let inputs = expand(&args.paths, &mut errors);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for input in inputs {
        let name = input.name();
        let bytes = match input.read() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", display(&name));
                errors += 1;
                continue;
            }
        };
        let msgs = match diagnose::diagnose(&bytes, kb) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", display(&name));
                errors += 1;
                continue;
            }
        };
        let result = if args.json.json {
            write_json(&mut out, &name, &msgs)
        } else {
            print_human(&mut out, &name, &msgs, paint)
        };
        if result.is_err() {
            // Broken pipe (e.g. `| head`): stop quietly.
            return if errors > 0 { 2 } else { 0 };
        }
    }
    let _ = out.flush();
    if errors > 0 {
        2
    } else {
        0
    }
}

fn display(name: &str) -> String {
    diagnose::sanitize(&Path::new(name).display().to_string())
}

fn write_json(
    out: &mut impl Write,
    source: &str,
    msgs: &[MessageDiagnosis],
) -> std::io::Result<()> {
    let mut index = 0;
    for m in msgs {
        if m.recipients.is_empty() {
            index += 1;
            writeln!(out, "{}", recipient_json(source, index, m, None))?;
        }
        for r in &m.recipients {
            index += 1;
            writeln!(out, "{}", recipient_json(source, index, m, Some(r)))?;
        }
    }
    Ok(())
}
