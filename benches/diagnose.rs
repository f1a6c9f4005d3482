//! Speed and memory of the diagnosis engine over the labelled corpus
//! (../shared/corpus/sisimai/lf): time per email, peak resident memory
//! (VmHWM), and the ratio to Sisimai when libsisimai-perl is installed.
//! Run: `cargo bench --bench diagnose`.
//!
//! Both sides are measured alike (benches/sisimai.pl): process start-up and
//! loading (our knowledge base, Perl's `use Sisimai`) are outside the timing;
//! one untimed warm-up pass over all files; then ROUNDS timed passes, each
//! reading every file from disk and diagnosing it. The ratio is taken on CPU
//! time (user + system), which the other load of a shared machine disturbs
//! less than wall time; both are printed.

use bounce_doctor::diagnose::diagnose;
use bounce_doctor::knowledge::KnowledgeBase;
use std::path::{Path, PathBuf};
use std::time::Instant;

const ROUNDS: usize = 5;

fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "../shared/corpus/sisimai/lf",
        "../../shared/corpus/sisimai/lf",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.is_dir())
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) used by this process so far, in seconds.
#[cfg(unix)]
fn cpu_seconds() -> Option<f64> {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(secs(usage.ru_utime) + secs(usage.ru_stime))
}

/// CPU time is only read on Unix.
#[cfg(not(unix))]
fn cpu_seconds() -> Option<f64> {
    None
}

fn main() {
    let Some(dir) = corpus() else {
        println!("corpus not found: nothing to measure");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let rss_before = peak_rss_kib();
    let kb = KnowledgeBase::builtin();
    let rss_kb = peak_rss_kib();
    // Files are read one at a time, as the CLI does, so memory reflects one
    // message in flight; the first round also warms the regex caches.
    let mut recipients = 0usize;
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        if let Ok(m) = diagnose(&bytes, &kb) {
            recipients += m.iter().map(|m| m.recipients.len()).sum::<usize>();
        }
    }
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            std::hint::black_box(diagnose(std::hint::black_box(&bytes), &kb).ok());
        }
    }
    let emails = (ROUNDS * files.len()) as f64;
    let per_email = start.elapsed().as_secs_f64() / emails;
    let cpu_per_email = cpu_seconds().zip(cpu_start).map(|(b, a)| (b - a) / emails);
    println!(
        "bounce-doctor {:.6} s/email wall, {} s/email cpu ({} emails x {ROUNDS} rounds after a warm-up pass, {recipients} recipients per pass, {:.0} emails/s)",
        per_email,
        cpu_per_email.map(|c| format!("{c:.6}")).unwrap_or("?".into()),
        files.len(),
        1.0 / per_email
    );
    let mib = |k: Option<u64>| {
        k.map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
            .unwrap_or("?".into())
    };
    println!(
        "peak resident memory (VmHWM): {} total; {} after loading the knowledge base; {} at start",
        mib(peak_rss_kib()),
        mib(rss_kb),
        mib(rss_before)
    );

    // Sisimai side by side, when installed.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sisimai.pl");
    let has_sisimai = std::process::Command::new("perl")
        .args(["-MSisimai", "-e", "1"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_sisimai {
        println!("sisimai: not installed (apt-get install -y libsisimai-perl) - no ratio");
        return;
    }
    let out = std::process::Command::new("perl")
        .arg(&script)
        .arg(ROUNDS.to_string())
        .args(&files)
        .output()
        .expect("run perl");
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    let field = |n: usize| -> Option<f64> { text.split_whitespace().nth(n)?.parse().ok() };
    if let Some(t) = field(1) {
        println!(
            "ratio (wall): bounce-doctor is {:.1}x faster than Sisimai",
            t / per_email
        );
    }
    if let (Some(t), Some(ours)) = (field(4), cpu_per_email) {
        println!(
            "ratio (cpu): bounce-doctor is {:.1}x faster than Sisimai",
            t / ours
        );
    }
}
