//! Speed and memory of the diagnosis engine over the labelled corpus
//! (../shared/corpus/sisimai/lf): time per email, peak resident memory
//! (VmHWM), and the ratio to Sisimai when libsisimai-perl is installed.
//! Run: `cargo bench --bench diagnose`.
//!
//! Both sides are measured alike (benches/sisimai.pl): process start-up and
//! loading (our knowledge base, Perl's `use Sisimai`) are outside the timing;
//! one untimed warm-up pass over all files; then timed passes, each reading
//! every file from disk and diagnosing it, each pass timed on its own (wall
//! and CPU, user + system).
//!
//! The two sides take turns: a few passes of ours, one pass of Sisimai's,
//! a few of ours, and so on. On a shared machine other load comes in bursts
//! that can slow everything by a third for a second or more, and only ever
//! adds time; measured one after the other, the two sides would see
//! different bursts. Taking turns, each Sisimai pass is compared with our
//! passes just before and after it, and the ratio printed is the median of
//! those paired ratios, with their range. Each side's median pass, the
//! means, and the ratio of the two medians are printed beside it.

use bounce_doctor::diagnose::diagnose;
use bounce_doctor::knowledge::KnowledgeBase;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// Timed passes of Sisimai's (about half a second each), and of ours
/// before and after each of them (about a fiftieth of a second each); ours
/// alone when Sisimai is not installed.
const SISIMAI_ROUNDS: usize = 9;
const AROUND: usize = 8;
const ALONE: usize = 40;

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

/// One timed pass of ours: every file read and diagnosed. Wall and CPU
/// seconds.
fn our_pass(files: &[PathBuf], kb: &KnowledgeBase) -> (f64, Option<f64>) {
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    for f in files {
        let bytes = std::fs::read(f).expect("read");
        std::hint::black_box(diagnose(std::hint::black_box(&bytes), kb).ok());
    }
    let wall = start.elapsed().as_secs_f64();
    (wall, cpu_seconds().zip(cpu_start).map(|(b, a)| b - a))
}

/// benches/sisimai.pl in paired mode: it loads Sisimai, makes its warm-up
/// pass, and then makes one timed pass per line it reads.
struct Sisimai {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Sisimai {
    /// Started and warmed up; `Err` says why there is no Sisimai side.
    fn start(files: &[PathBuf]) -> Result<Sisimai, String> {
        let has_sisimai = Command::new("perl")
            .args(["-MSisimai", "-e", "1"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_sisimai {
            return Err("not installed (apt-get install -y libsisimai-perl)".into());
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sisimai.pl");
        let mut child = Command::new("perl")
            .arg(&script)
            .arg("--paired")
            .args(files)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run perl: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut s = Sisimai {
            child,
            stdin,
            stdout,
        };
        match s.line().as_deref() {
            Some("ready") => Ok(s),
            other => Err(format!("unexpected start: {other:?}")),
        }
    }

    fn line(&mut self) -> Option<String> {
        let mut l = String::new();
        (self.stdout.read_line(&mut l).ok()? > 0).then(|| l.trim_end().to_string())
    }

    /// One timed pass: wall and CPU seconds.
    fn pass(&mut self) -> Option<(f64, f64)> {
        writeln!(self.stdin.as_mut()?, "pass").ok()?;
        let l = self.line()?;
        let w: Vec<&str> = l.split_whitespace().collect();
        match w[..] {
            ["pass", wall, cpu] => Some((wall.parse().ok()?, cpu.parse().ok()?)),
            _ => None,
        }
    }

    /// Ends the script; returns what it printed last (its result count).
    fn finish(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let rest = std::iter::from_fn(|| self.line()).collect();
        let _ = self.child.wait();
        rest
    }
}

/// "min-max" of a list of ratios.
fn range(v: &[f64]) -> String {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(0.0, f64::max);
    format!("{lo:.1}-{hi:.1}")
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

    let n = files.len();
    let mut sisimai = Sisimai::start(&files);
    let mut ours: Vec<(f64, Option<f64>)> = Vec::new();
    let mut theirs: Vec<(f64, f64)> = Vec::new();
    let (mut pair_wall, mut pair_cpu) = (Vec::new(), Vec::new());
    match &mut sisimai {
        Ok(s) => {
            let mut before: Vec<_> = (0..AROUND).map(|_| our_pass(&files, &kb)).collect();
            ours.extend(&before);
            for _ in 0..SISIMAI_ROUNDS {
                let Some((sw, sc)) = s.pass() else {
                    break;
                };
                let after: Vec<_> = (0..AROUND).map(|_| our_pass(&files, &kb)).collect();
                let around = || before.iter().chain(&after);
                pair_wall.push(sw / median(&mut around().map(|p| p.0).collect::<Vec<_>>()));
                let mut cpus: Vec<f64> = around().filter_map(|p| p.1).collect();
                if cpus.len() == 2 * AROUND {
                    pair_cpu.push(sc / median(&mut cpus));
                }
                theirs.push((sw, sc));
                ours.extend(&after);
                before = after;
            }
        }
        Err(_) => ours.extend((0..ALONE).map(|_| our_pass(&files, &kb))),
    }

    let wall: Vec<f64> = ours.iter().map(|p| p.0).collect();
    let cpu: Vec<f64> = ours.iter().filter_map(|p| p.1).collect();
    let (wall_mean, wall_median) = per_email(&wall, n);
    let cpu_times = (cpu.len() == ours.len()).then(|| per_email(&cpu, n));
    println!(
        "bounce-doctor {wall_median:.6} s/email wall, {} s/email cpu (median of {} passes over {n} emails after a warm-up pass; means {wall_mean:.6} wall, {} cpu; {recipients} recipients per pass, {:.0} emails/s)",
        cpu_times.map(|c| format!("{:.6}", c.1)).unwrap_or("?".into()),
        ours.len(),
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

    let s = match sisimai {
        Ok(s) => s,
        Err(why) => {
            println!("sisimai: {why} - no ratio");
            return;
        }
    };
    for l in s.finish() {
        println!("{l}");
    }
    if theirs.is_empty() {
        println!("sisimai: no timings read - no ratio");
        return;
    }
    let s_wall: Vec<f64> = theirs.iter().map(|p| p.0).collect();
    let s_cpu: Vec<f64> = theirs.iter().map(|p| p.1).collect();
    let (sw_mean, sw_median) = per_email(&s_wall, n);
    let (sc_mean, sc_median) = per_email(&s_cpu, n);
    println!(
        "sisimai {sw_median:.6} s/email wall, {sc_median:.6} s/email cpu (median of {} passes; means {sw_mean:.6} wall, {sc_mean:.6} cpu)",
        theirs.len()
    );
    // Per email: (mean, median) of theirs and of ours.
    let ratio = |what: &str, pairs: &[f64], theirs: (f64, f64), ours: (f64, f64)| {
        println!(
            "ratio ({what}): bounce-doctor is {:.1}x faster than Sisimai (median of {} paired ratios, range {}; ratio of the medians {:.1}x, of the means {:.1}x)",
            median(&mut pairs.to_vec()),
            pairs.len(),
            range(pairs),
            theirs.1 / ours.1,
            theirs.0 / ours.0
        );
    };
    ratio(
        "wall",
        &pair_wall,
        (sw_mean, sw_median),
        (wall_mean, wall_median),
    );
    if let (Some(ours), false) = (cpu_times, pair_cpu.is_empty()) {
        ratio("cpu", &pair_cpu, (sc_mean, sc_median), ours);
    }
}
