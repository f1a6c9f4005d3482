//! Speed and memory of the diagnosis engine over the labelled corpus
//! (../shared/corpus/sisimai/lf): time per email, peak resident memory
//! (VmHWM), and the ratio to Sisimai when libsisimai-perl is installed.
//! Run: `cargo bench --bench diagnose`.
//!
//! Both sides are measured alike (benches/sisimai.pl): process start-up and
//! loading (our knowledge base, Perl's `use Sisimai`) are outside the timing;
//! one untimed warm-up pass over all files; then timed passes, each reading
//! every file from disk and diagnosing it, each pass timed on its own (wall
//! and CPU, user + system). A pass of ours takes a tenth of a second, so we
//! run more of them than of Sisimai's two-second passes, for a comparable
//! span of measuring. On a shared machine other load only ever adds time,
//! in bursts: the median pass is the main figure, and the mean over all
//! passes is printed beside it.

use bounce_doctor::diagnose::diagnose;
use bounce_doctor::knowledge::KnowledgeBase;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Timed passes of ours and of Sisimai's.
const ROUNDS: usize = 20;
const SISIMAI_ROUNDS: usize = 5;

/// The median of `v` (which is not empty).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Mean and median of per-pass seconds, per email.
fn per_email(passes: &[f64], files: usize) -> (f64, f64) {
    let mean = passes.iter().sum::<f64>() / passes.len() as f64;
    (
        mean / files as f64,
        median(&mut passes.to_vec()) / files as f64,
    )
}

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
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            std::hint::black_box(diagnose(std::hint::black_box(&bytes), &kb).ok());
        }
        wall.push(start.elapsed().as_secs_f64());
        if let Some((b, a)) = cpu_seconds().zip(cpu_start) {
            cpu.push(b - a);
        }
    }
    let n = files.len();
    let (wall_mean, wall_median) = per_email(&wall, n);
    let cpu_times = (!cpu.is_empty()).then(|| per_email(&cpu, n));
    println!(
        "bounce-doctor {wall_median:.6} s/email wall, {} s/email cpu (median of {ROUNDS} passes over {n} emails after a warm-up pass; means {wall_mean:.6} wall, {} cpu; {recipients} recipients per pass, {:.0} emails/s)",
        cpu_times.map(|c| format!("{:.6}", c.1)).unwrap_or("?".into()),
        cpu_times.map(|c| format!("{:.6}", c.0)).unwrap_or("?".into()),
        1.0 / wall_median
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
        .arg(SISIMAI_ROUNDS.to_string())
        .args(&files)
        .output()
        .expect("run perl");
    let text = String::from_utf8_lossy(&out.stdout);
    // "pass WALL CPU" lines (seconds per pass), then a summary line.
    let (mut s_wall, mut s_cpu) = (Vec::new(), Vec::new());
    for l in text.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        if let ["pass", wall, cpu] = w[..] {
            s_wall.extend(wall.parse::<f64>().ok());
            s_cpu.extend(cpu.parse::<f64>().ok());
        } else {
            println!("{l}");
        }
    }
    if s_wall.is_empty() {
        println!("sisimai: no timings read - no ratio");
        return;
    }
    let (sw_mean, sw_median) = per_email(&s_wall, n);
    let (sc_mean, sc_median) = per_email(&s_cpu, n);
    println!(
        "sisimai {sw_median:.6} s/email wall, {sc_median:.6} s/email cpu (median of {SISIMAI_ROUNDS} passes; means {sw_mean:.6} wall, {sc_mean:.6} cpu)"
    );
    println!(
        "ratio (wall): bounce-doctor is {:.1}x faster than Sisimai (means: {:.1}x)",
        sw_median / wall_median,
        sw_mean / wall_mean
    );
    if let Some((c_mean, c_median)) = cpu_times {
        println!(
            "ratio (cpu): bounce-doctor is {:.1}x faster than Sisimai (means: {:.1}x)",
            sc_median / c_median,
            sc_mean / c_mean
        );
    }
}
