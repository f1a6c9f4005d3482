//! Randomised mutation test of the diagnosis engine (a plain-Rust stand-in for
//! the cargo-fuzz target in fuzz/, which needs a nightly toolchain): a few
//! thousand mutated bounces, fixed seed, asserting no panic, bounded output
//! and no raw control characters in anything printable.

use bounce_doctor::diagnose::diagnose;
use bounce_doctor::knowledge::KnowledgeBase;
use std::path::Path;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("tests/fixtures/diagnose")];
    for c in [
        "../shared/corpus/sisimai/lf",
        "../../shared/corpus/sisimai/lf",
    ] {
        if root.join(c).exists() {
            dirs.push(root.join(c));
            break;
        }
    }
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        // Every 4th corpus file keeps the run short while covering many layouts.
        for (i, f) in files.iter().enumerate() {
            if d.ends_with("lf") && i % 4 != 0 {
                continue;
            }
            if let Ok(b) = std::fs::read(f) {
                out.push(b);
            }
        }
    }
    out
}

const TOKENS: &[&[u8]] = &[
    b"\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"z\"\n\n--z\n",
    b"\nContent-Type: message/delivery-status\n\n",
    b"\nContent-Type: message/rfc822\n\n",
    b"\nContent-Transfer-Encoding: base64\n\n",
    b"\nContent-Transfer-Encoding: quoted-printable\n\n=\n=4",
    b"\nFinal-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.1.1\n",
    b"\nDiagnostic-Code: smtp; 550 5.1.1 <x@y.example>: ",
    b">>> RCPT To:<a@b.example>\n<<< 550-5.7.1 ",
    b"\n> > > ",
    b"\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2024\n",
    b"\x1b[2J\x1b]0;t\x07",
    b"=?ISO-2022-JP?B?GyRCJCIbKEI=?=",
    b"\r",
    b"\r\n",
    b"<@>:",
    b"550 ",
    b"{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{\"emailAddress\":",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(6) {
        let len = v.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] = (rng.next() & 0xff) as u8;
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                v.splice(i..i, t.iter().copied());
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(200)).min(len);
                v.drain(a..b);
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(400)).min(len);
                let chunk = v[a..b].to_vec();
                let i = rng.below(len + 1);
                v.splice(i..i, chunk);
            }
            4 if !other.is_empty() => {
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            5 => {
                let cut = rng.below(len + 1);
                v.truncate(cut);
            }
            6 if len > 0 => {
                // Swap line endings in a region.
                let a = rng.below(len);
                for b in v[a..].iter_mut().take(500) {
                    if *b == b'\n' {
                        *b = b'\r';
                    }
                }
            }
            _ => {
                let i = rng.below(len + 1);
                v.insert(i, b'>');
            }
        }
    }
    v
}

#[test]
fn mutated_bounces_never_panic_and_output_stays_bounded() {
    let kb = KnowledgeBase::builtin();
    let seeds = seeds();
    assert!(!seeds.is_empty());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut diagnosed = 0;
    for _ in 0..3000 {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, a, b);
        let Ok(msgs) = diagnose(&input, &kb) else {
            continue;
        };
        diagnosed += 1;
        assert!(msgs.len() <= input.len() / 5 + 1);
        for m in &msgs {
            assert!(m.recipients.len() <= 1000);
            let json = serde_json::to_string(m).expect("serialises");
            assert!(
                json.len() <= 64 * 1024 + input.len() * 4,
                "output too large"
            );
            for r in &m.recipients {
                for s in r
                    .diagnostic
                    .iter()
                    .chain(r.evidence.iter().map(|e| &e.text))
                    .chain(r.recipient.iter())
                    .chain(m.subject.iter())
                {
                    assert!(
                        !s.chars().any(|c| c.is_control()),
                        "control character in output: {s:?}"
                    );
                }
            }
        }
    }
    assert!(
        diagnosed > 1000,
        "only {diagnosed} mutated inputs were diagnosable"
    );
}
