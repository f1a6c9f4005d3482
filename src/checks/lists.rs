//! The blocklist catalogue, as data.
//!
//! Zones, return codes, refusal codes and delisting pages come from the
//! reference catalogue (RFC 5782 conventions and each operator's published
//! documentation). Adding a list is an edit to [`CATALOGUE`], not new code.

use std::net::Ipv4Addr;

/// What a list is keyed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Connecting IP address (DNSBL).
    Ip,
    /// Domain name (RHSBL / URIBL).
    Domain,
}

/// Address families an IP list answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// IPv4 only.
    V4,
    /// IPv6 only (nibble format).
    V6,
    /// Both.
    Both,
}

/// Whether a positive answer is bad news or good news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A block list: a positive answer is a listing.
    Block,
    /// An allow list: a positive answer is a good sign, never a listing.
    Allow,
}

/// How the returned A records are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    /// Each returned address is looked up in `codes`.
    Table,
    /// The last octet is a bit mask; `codes` holds one entry per bit (last octet = bit value).
    Bitmask,
    /// dnswl.org: `127.0.X.Y`, X = category, Y = trust level.
    Dnswl,
}

/// One documented answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The A record returned.
    pub addr: Ipv4Addr,
    /// What it means, in plain words.
    pub meaning: &'static str,
    /// True when this answer is a listing (false for informational or good codes).
    pub listing: bool,
}

const fn code(last: u8, meaning: &'static str) -> Code {
    code4([127, 0, 0, last], meaning)
}

const fn code4(a: [u8; 4], meaning: &'static str) -> Code {
    Code {
        addr: Ipv4Addr::new(a[0], a[1], a[2], a[3]),
        meaning,
        listing: true,
    }
}

const fn info(last: u8, meaning: &'static str) -> Code {
    info4([127, 0, 0, last], meaning)
}

const fn info4(a: [u8; 4], meaning: &'static str) -> Code {
    Code {
        listing: false,
        ..code4(a, meaning)
    }
}

/// One DNS list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocklist {
    /// Human name (`Spamhaus ZEN`).
    pub name: &'static str,
    /// DNS zone queried (`zen.spamhaus.org`).
    pub zone: &'static str,
    /// IP or domain list.
    pub kind: ListKind,
    /// Address families answered (ignored for domain lists).
    pub family: Family,
    /// Block or allow list.
    pub role: Role,
    /// Queried by default; dead or key-only lists are not.
    pub enabled: bool,
    /// Why the list is off by default (empty when enabled).
    pub off_reason: &'static str,
    /// The documented test entry that must be listed (`127.0.0.2`, `test`, `dbltest.com`).
    pub test_subject: &'static str,
    /// How to read answers.
    pub decode: Decode,
    /// Documented answers.
    pub codes: &'static [Code],
    /// True when any `127.x` answer not in `codes` still counts as listed.
    pub any_answer_lists: bool,
    /// Answers that mean "your query was refused", never a listing.
    pub refusals: &'static [Code],
    /// Where to look up and request removal.
    pub delist: &'static str,
    /// What to do when the list refuses to answer.
    pub refused_help: &'static str,
    /// What the list is about, one line.
    pub about: &'static str,
}

impl Blocklist {
    /// True if the list answers for IPv4 (`v4 = true`) or IPv6 addresses.
    pub fn covers(&self, v4: bool) -> bool {
        match self.family {
            Family::Both => true,
            Family::V4 => v4,
            Family::V6 => !v4,
        }
    }
}

/// Spamhaus answers that mean "this query was refused" on every Spamhaus zone.
const SPAMHAUS_REFUSAL_CODES: [Code; 5] = [
    code4(
        [127, 255, 255, 250],
        "Spamhaus DQS: the key is disabled or not accepted",
    ),
    code4(
        [127, 255, 255, 251],
        "Spamhaus DQS: the key is disabled or not accepted",
    ),
    code4(
        [127, 255, 255, 252],
        "Spamhaus: typing error in the zone name",
    ),
    code4(
        [127, 255, 255, 254],
        "Spamhaus: query came through a public/open resolver or one without attributable reverse DNS",
    ),
    code4(
        [127, 255, 255, 255],
        "Spamhaus: excessive number of queries from this resolver",
    ),
];

const SPAMHAUS_REFUSALS: &[Code] = &SPAMHAUS_REFUSAL_CODES;

/// The domain zones add one refusal of their own (an IP asked of a domain
/// list) in front of the shared ones, so both tables stay in step.
const SPAMHAUS_DBL_REFUSALS: &[Code] = &prepend::<5, 6>(
    code4(
        [127, 0, 1, 255],
        "Spamhaus DBL: an IP address was queried against a domain list",
    ),
    SPAMHAUS_REFUSAL_CODES,
);

/// `first` followed by `rest`; `M` must be `N + 1` (checked at compile time).
const fn prepend<const N: usize, const M: usize>(first: Code, rest: [Code; N]) -> [Code; M] {
    assert!(M == N + 1, "prepend: M must be N + 1");
    let mut out = [first; M];
    let mut i = 0;
    while i < N {
        out[i + 1] = rest[i];
        i += 1;
    }
    out
}

const SPAMHAUS_HELP: &str = "use your own recursive resolver (Unbound/BIND) with proper reverse DNS instead of a public one such as 8.8.8.8/1.1.1.1, or register for a free Spamhaus Data Query Service (DQS) key";
const GENERIC_HELP: &str = "query from your own recursive resolver instead of a public or ISP resolver (pass --resolver ADDR), and stay within the list's free-use limits";

const ZEN_CODES: &[Code] = &[
    code(2, "SBL: Spamhaus Blocklist, a known spam source or spam operation"),
    code(3, "SBL-CSS: automated detection of low-reputation/snowshoe sending"),
    code(4, "XBL: exploited host (infected machine, botnet, open proxy)"),
    code(9, "SBL-DROP: hijacked or criminal netblock"),
    code(10, "PBL (ISP-maintained): end-user address space that should not send mail directly; send through your ISP's smart host"),
    code(11, "PBL (Spamhaus-maintained): end-user/dynamic address space that should not send mail directly; send through your ISP's smart host, or request removal for a static IP running a real mail server"),
    code(30, "BCL: botnet controller"),
];

const DBL_CODES: &[Code] = &[
    code4([127, 0, 1, 2], "DBL: spam domain (low reputation)"),
    code4([127, 0, 1, 4], "DBL: phishing domain"),
    code4([127, 0, 1, 5], "DBL: malware domain"),
    code4([127, 0, 1, 6], "DBL: botnet command-and-control domain"),
    code4([127, 0, 1, 102], "DBL: abused legitimate domain (spam)"),
    code4(
        [127, 0, 1, 103],
        "DBL: abused legitimate redirector/URL shortener",
    ),
    code4([127, 0, 1, 104], "DBL: abused legitimate domain (phishing)"),
    code4([127, 0, 1, 105], "DBL: abused legitimate domain (malware)"),
    code4(
        [127, 0, 1, 106],
        "DBL: abused legitimate domain (botnet C&C)",
    ),
];

const MAILSPIKE_HELP: &str =
    "use your own resolver; public DNS use is limited to 100,000 queries a day";

const PLAIN_LISTED: &[Code] = &[code(2, "listed")];

/// The full catalogue: IP lists first, then domain lists, then lists off by default.
pub const CATALOGUE: &[Blocklist] = &[
    // ---- Spamhaus IP zones ----
    spamhaus_ip("Spamhaus ZEN", "zen.spamhaus.org", "combined Spamhaus SBL, CSS, XBL, DROP and PBL"),
    spamhaus_ip("Spamhaus SBL", "sbl.spamhaus.org", "spam sources and operations, snowshoe (CSS), hijacked ranges (DROP)"),
    spamhaus_ip("Spamhaus XBL", "xbl.spamhaus.org", "exploited hosts and botnets (formerly CBL); clean the infection, then self-service removal"),
    spamhaus_ip("Spamhaus PBL", "pbl.spamhaus.org", "end-user/dynamic address space; not a 'bad' listing: relay through the ISP's smart host"),
    // ---- other IP lists ----
    Blocklist {
        name: "Barracuda BRBL",
        zone: "b.barracudacentral.org",
        delist: "https://www.barracudacentral.org/rbl/removal-request",
        refused_help: "register your resolver's public IP (free) at barracudacentral.org, or query from a registered resolver",
        about: "Barracuda reputation list, from its spam traps and appliances",
        ..V4_BLOCK
    },
    other_ip("SpamCop", "bl.spamcop.net", "https://www.spamcop.net/bl.shtml (listings expire on their own once reports stop)", "user reports and spam traps; expires automatically"),
    other_ip("UCEPROTECT Level 1", "dnsbl-1.uceprotect.net", "https://www.uceprotect.net/en/rblcheck.php (expires 7 days after the last abuse)", "single IPs that hit spam traps"),
    other_ip("UCEPROTECT Level 2", "dnsbl-2.uceprotect.net", "https://www.uceprotect.net/en/rblcheck.php (the provider must act on the range)", "allocations with several Level 1 listings"),
    other_ip("UCEPROTECT Level 3", "dnsbl-3.uceprotect.net", "https://www.uceprotect.net/en/rblcheck.php (whole networks; low impact)", "whole autonomous systems; heavy collateral, few receivers use it"),
    other_ip("Backscatterer", "ips.backscatterer.org", "https://www.backscatterer.org/ (expires after 4 weeks)", "servers sending misdirected bounces, auto-replies or sender callouts"),
    other_ip("PSBL", "psbl.surriel.com", "https://psbl.org/ (instant self-service removal)", "spam-trap hits from IPs that are not known mail servers"),
    Blocklist {
        name: "Mailspike BL",
        zone: "bl.mailspike.net",
        codes: &[
            code(2, "Mailspike Z: part of a spam wave right now"),
            code(10, "Mailspike L5: worst reputation"),
            code(11, "Mailspike L4: very bad reputation"),
            code(12, "Mailspike L3: bad reputation"),
        ],
        delist: "https://mailspike.org/ (self-service form, processed within hours)",
        refused_help: MAILSPIKE_HELP,
        about: "zero-hour spam waves plus poor reputation levels L3-L5",
        ..V4_BLOCK
    },
    Blocklist {
        name: "Mailspike Z",
        zone: "z.mailspike.net",
        codes: &[code(2, "Mailspike Z: part of a distributed spam wave right now")],
        delist: "https://mailspike.org/ (expires quickly on its own)",
        refused_help: MAILSPIKE_HELP,
        about: "IPs taking part in a spam wave right now",
        ..V4_BLOCK
    },
    Blocklist {
        name: "Mailspike reputation",
        zone: "rep.mailspike.net",
        codes: &[
            code(2, "Mailspike: test/zero-hour entry"),
            code(10, "Mailspike L5: worst reputation"),
            code(11, "Mailspike L4: very bad reputation"),
            code(12, "Mailspike L3: bad reputation"),
            code(13, "Mailspike L2: suspicious reputation"),
            code(14, "Mailspike L1: slightly poor reputation"),
            info(15, "Mailspike: neutral reputation"),
            info(16, "Mailspike H1: good reputation"),
            info(17, "Mailspike H2: good reputation"),
            info(18, "Mailspike H3: very good reputation"),
            info(19, "Mailspike H4: very good reputation"),
            info(20, "Mailspike H5: excellent reputation"),
        ],
        any_answer_lists: false,
        delist: "https://mailspike.org/ (reputation improves with behaviour)",
        refused_help: MAILSPIKE_HELP,
        about: "reputation score from L5 (worst) to H5 (excellent)",
        ..V4_BLOCK
    },
    Blocklist {
        name: "SpamRATS Dyna",
        zone: "dyna.spamrats.com",
        codes: &[code(36, "SpamRATS Dyna: generic/dynamic-looking reverse DNS plus abuse; set a proper static PTR")],
        delist: "https://www.spamrats.com/removal.php (needs a proper static reverse DNS name first)",
        about: "generic/dynamic-looking reverse DNS sending abuse",
        ..V4_BLOCK
    },
    Blocklist {
        name: "SpamRATS NoPtr",
        zone: "noptr.spamrats.com",
        codes: &[code(37, "SpamRATS NoPtr: no reverse DNS; add a PTR record")],
        delist: "https://www.spamrats.com/removal.php (add a PTR record first)",
        about: "IPs without reverse DNS sending abuse",
        ..V4_BLOCK
    },
    Blocklist {
        name: "SpamRATS Spam",
        zone: "spam.spamrats.com",
        codes: &[code(38, "SpamRATS Spam: confirmed abusive source")],
        delist: "https://www.spamrats.com/removal.php",
        about: "confirmed abusive sources",
        ..V4_BLOCK
    },
    Blocklist {
        name: "SpamRATS All",
        zone: "all.spamrats.com",
        codes: &[
            code(36, "SpamRATS Dyna: generic/dynamic-looking reverse DNS plus abuse"),
            code(37, "SpamRATS NoPtr: no reverse DNS"),
            code(38, "SpamRATS Spam: confirmed abusive source"),
        ],
        delist: "https://www.spamrats.com/removal.php",
        about: "union of the SpamRATS lists",
        ..V4_BLOCK
    },
    Blocklist {
        name: "s5h",
        zone: "all.s5h.net",
        family: Family::Both,
        delist: "https://www.usenix.org.uk/content/rblremove (visit from the listed IP; instant)",
        about: "honeypot and spam-source aggregate",
        ..V4_BLOCK
    },
    Blocklist {
        name: "DroneBL",
        zone: "dnsbl.dronebl.org",
        family: Family::Both,
        codes: &[
            code(1, "DroneBL: test entry"),
            code(2, "DroneBL: sample"),
            code(3, "DroneBL: IRC spam drone"),
            code(5, "DroneBL: bottler"),
            code(6, "DroneBL: unknown worm or spambot"),
            code(7, "DroneBL: DDoS drone"),
            code(8, "DroneBL: open SOCKS proxy"),
            code(9, "DroneBL: open HTTP proxy"),
            code(10, "DroneBL: proxy chain"),
            code(11, "DroneBL: web page proxy"),
            code(12, "DroneBL: open DNS resolver"),
            code(13, "DroneBL: brute-force/dictionary attacker"),
            code(14, "DroneBL: open WinGate proxy"),
            code(15, "DroneBL: compromised router/gateway"),
            code(16, "DroneBL: autorooting worm"),
            code(17, "DroneBL: auto-detected botnet member"),
            code(18, "DroneBL: DNS/MX host name seen on IRC"),
            code(19, "DroneBL: abused VPN"),
            code(255, "DroneBL: uncategorised"),
        ],
        delist: "https://dronebl.org/lookup (volunteer review after fixing)",
        about: "compromised hosts and open proxies rather than spam",
        ..V4_BLOCK
    },
    other_ip("0spam BL", "bl.0spam.org", "https://0spam.org/ (account required)", "spam-trap hits"),
    other_ip("0spam NBL", "nbl.0spam.org", "https://0spam.org/ (account required)", "/24 ranges with several spam-trap hits"),
    other_ip("LashBack UBL", "ubl.unsubscore.com", "https://www.lashback.com/ (free removal once every 30 days)", "senders mailing addresses harvested from unsubscribe lists"),
    other_ip("SpamEatingMonkey BL", "bl.spameatingmonkey.net", "https://spameatingmonkey.com/ (automatic expiry only)", "spam-trap hits"),
    Blocklist {
        name: "SpamEatingMonkey BL IPv6",
        zone: "bl.ipv6.spameatingmonkey.net",
        family: Family::V6,
        test_subject: "::ffff:7f00:2",
        delist: "https://spameatingmonkey.com/ (automatic expiry only)",
        about: "spam-trap hits from IPv6 senders",
        ..V4_BLOCK
    },
    other_ip("SpamEatingMonkey Backscatter", "backscatter.spameatingmonkey.net", "https://spameatingmonkey.com/ (automatic expiry only)", "null-sender (bounce) trap hits"),
    other_ip("SpamEatingMonkey NetBL", "netbl.spameatingmonkey.net", "https://spameatingmonkey.com/ (automatic expiry only)", "networks with repeated trap hits"),
    other_ip("Validity Sender Score RNBL", "bl.score.senderscore.com", "https://senderscore.org/", "reputation-based list cited in Rackspace and Comcast bounces"),
    other_ip("blocklist.de", "bl.blocklist.de", "https://www.blocklist.de/", "fail2ban attack reports"),
    other_ip("GBUdb Truncate", "truncate.gbudb.net", "https://www.gbudb.com/", "IPs that send almost only spam"),
    other_ip("WPBL", "db.wpbl.info", "https://www.wpbl.info/", "weighted private block list"),
    other_ip("JustSpam", "dnsbl.justspam.org", "http://www.justspam.org/", "spam-trap hits"),
    other_ip("NordSpam", "bl.nordspam.com", "https://www.nordspam.com/", "spam sources"),
    other_ip("InterServer RBL", "rbl.interserver.net", "https://rbl.interserver.net/", "attack and spam sources"),
    other_ip("IMP SpamRBL", "spamrbl.imp.ch", "https://antispam.imp.ch/", "spam sources"),
    other_ip("Nether relays", "relays.nether.net", "https://relays.nether.net/", "open relays and spam sources"),
    other_ip("Woody's blacklist", "blacklist.woody.ch", "https://blacklist.woody.ch/", "spam sources"),
    other_ip("SPFBL", "dnsbl.spfbl.net", "https://spfbl.net/", "spam sources"),
    other_ip("Korea Services", "korea.services.net", "http://korea.services.net/", "South Korean address space"),
    // ---- allow lists: a positive answer is good, never a listing ----
    Blocklist {
        name: "dnswl.org",
        zone: "list.dnswl.org",
        family: Family::Both,
        role: Role::Allow,
        decode: Decode::Dnswl,
        codes: &[],
        any_answer_lists: false,
        refusals: &[code4(
            [127, 0, 0, 255],
            "dnswl.org: query blocked (excessive queries from this resolver)",
        )],
        delist: "https://www.dnswl.org/",
        refused_help: "use your own resolver; heavy users need the dnswl.org data feed",
        about: "allow list of known-good mail servers",
        ..V4_BLOCK
    },
    Blocklist {
        name: "Spamhaus SWL",
        zone: "swl.spamhaus.org",
        family: Family::Both,
        role: Role::Allow,
        codes: &[
            info4([127, 0, 2, 2], "Spamhaus SWL: allow-listed"),
            info4([127, 0, 2, 3], "Spamhaus SWL: allow-listed"),
            info4([127, 0, 2, 102], "Spamhaus SWL: allow-listed"),
            info4([127, 0, 2, 103], "Spamhaus SWL: allow-listed"),
        ],
        any_answer_lists: false,
        refusals: SPAMHAUS_REFUSALS,
        delist: "https://www.spamhaus.org/",
        refused_help: SPAMHAUS_HELP,
        about: "Spamhaus allow list",
        ..V4_BLOCK
    },
    Blocklist {
        name: "Mailspike WL",
        zone: "wl.mailspike.net",
        role: Role::Allow,
        codes: &[
            info(17, "Mailspike H2: good reputation"),
            info(18, "Mailspike H3: very good reputation"),
            info(19, "Mailspike H4: very good reputation"),
            info(20, "Mailspike H5: excellent reputation"),
        ],
        any_answer_lists: false,
        delist: "https://mailspike.org/",
        refused_help: MAILSPIKE_HELP,
        about: "Mailspike allow list (reputation H2-H5)",
        ..V4_BLOCK
    },
    // ---- domain lists ----
    Blocklist {
        name: "Spamhaus DBL",
        zone: "dbl.spamhaus.org",
        kind: ListKind::Domain,
        family: Family::Both,
        test_subject: "dbltest.com",
        codes: DBL_CODES,
        any_answer_lists: false,
        refusals: SPAMHAUS_DBL_REFUSALS,
        delist: "https://check.spamhaus.org/",
        refused_help: SPAMHAUS_HELP,
        about: "domains in spam, phishing and malware",
        ..V4_BLOCK
    },
    Blocklist {
        name: "SURBL multi",
        zone: "multi.surbl.org",
        kind: ListKind::Domain,
        family: Family::Both,
        test_subject: "test.surbl.org",
        decode: Decode::Bitmask,
        codes: &[
            info(4, "SURBL DM: disposable domain (informational)"),
            code(8, "SURBL PH: phishing"),
            code(16, "SURBL MW: malware"),
            info(32, "SURBL CT: click-tracker (informational)"),
            code(64, "SURBL ABUSE: spam"),
            code(128, "SURBL CR: cracked site"),
        ],
        any_answer_lists: false,
        refusals: &[code(1, "SURBL: access blocked for this resolver")],
        delist: "https://www.surbl.org/surbl-analysis (after cleaning)",
        refused_help: "use your own resolver; larger users need the SURBL data feed",
        about: "domains in message bodies: phishing, malware, spam, cracked sites",
        ..V4_BLOCK
    },
    Blocklist {
        name: "URIBL multi",
        zone: "multi.uribl.com",
        kind: ListKind::Domain,
        family: Family::Both,
        test_subject: "test.uribl.com",
        decode: Decode::Bitmask,
        codes: &[
            code(2, "URIBL black: spam domain"),
            code(4, "URIBL grey: bulk/opt-out sender domain"),
            code(8, "URIBL red: new or private-whois domain seen in spam"),
        ],
        any_answer_lists: false,
        refusals: &[code(1, "URIBL: query refused (volume or public resolver)")],
        delist: "https://admin.uribl.com/ (login required)",
        refused_help: "use your own recursive resolver, not a large public one",
        about: "registered domains seen in spam",
        ..V4_BLOCK
    },
    Blocklist {
        name: "0spam URL",
        zone: "url.0spam.org",
        kind: ListKind::Domain,
        family: Family::Both,
        test_subject: "test",
        delist: "https://0spam.org/ (account required)",
        about: "domains in spam bodies",
        ..V4_BLOCK
    },
    Blocklist {
        name: "0spam DBL",
        zone: "dbl.0spam.org",
        kind: ListKind::Domain,
        family: Family::Both,
        test_subject: "test",
        delist: "https://0spam.org/ (account required)",
        about: "sender domains with spam-trap hits",
        ..V4_BLOCK
    },
    // ---- off by default: dead, legacy or key-only ----
    dead_ip("SORBS", "dnsbl.sorbs.net", "decommissioned by Proofpoint on 2024-06-05; any answer is meaningless"),
    dead_ip("SORBS spam", "spam.dnsbl.sorbs.net", "decommissioned by Proofpoint on 2024-06-05"),
    dead_ip("SORBS DUL", "dul.dnsbl.sorbs.net", "decommissioned by Proofpoint on 2024-06-05"),
    dead_ip("NiX Spam", "ix.dnsbl.manitu.net", "ceased on 2025-01-16"),
    dead_ip("CBL", "cbl.abuseat.org", "merged into Spamhaus XBL"),
    dead_ip("Spamhaus SBL-XBL", "sbl-xbl.spamhaus.org", "legacy zone; ZEN replaces it"),
    dead_ip("Hostkarma", "hostkarma.junkemailfilter.com", "status unclear, reported discontinued; 127.0.0.1 means allow-listed there"),
    dead_ip("SpamRATS Auth", "auth.spamrats.com", "meant for blocking login brute force, not mail filtering"),
    Blocklist {
        name: "Spamhaus ZRD",
        zone: "zrd.spamhaus.org",
        kind: ListKind::Domain,
        family: Family::Both,
        enabled: false,
        off_reason: "Spamhaus DQS data set; public-mirror availability unconfirmed",
        test_subject: "dbltest.com",
        codes: &[],
        refusals: SPAMHAUS_DBL_REFUSALS,
        delist: "none: entries expire 24 hours after the domain was first seen",
        refused_help: SPAMHAUS_HELP,
        about: "zero-reputation domains first seen in the last 24 hours (127.0.2.2-24 = hours since first seen)",
        ..V4_BLOCK
    },
    dead_ip("Abusix combined", "combined.mail.abusix.zone", "needs an Abusix API key prefix (<key>.combined.mail.abusix.zone)"),
];

/// The shape most IP lists share: IPv4 only, any `127.x` answer is a listing,
/// no refusal codes of their own, the generic resolver advice. Entries below
/// spell out only what differs from it.
const V4_BLOCK: Blocklist = Blocklist {
    name: "",
    zone: "",
    kind: ListKind::Ip,
    family: Family::V4,
    role: Role::Block,
    enabled: true,
    off_reason: "",
    test_subject: "127.0.0.2",
    decode: Decode::Table,
    codes: PLAIN_LISTED,
    any_answer_lists: true,
    refusals: &[],
    delist: "",
    refused_help: GENERIC_HELP,
    about: "",
};

/// A plain IPv4 list that differs from [`V4_BLOCK`] only in name, zone and text.
const fn other_ip(
    name: &'static str,
    zone: &'static str,
    delist: &'static str,
    about: &'static str,
) -> Blocklist {
    Blocklist {
        name,
        zone,
        delist,
        about,
        ..V4_BLOCK
    }
}

/// A Spamhaus IP zone: both families, the ZEN return codes and Spamhaus refusals.
const fn spamhaus_ip(name: &'static str, zone: &'static str, about: &'static str) -> Blocklist {
    Blocklist {
        name,
        zone,
        family: Family::Both,
        codes: ZEN_CODES,
        any_answer_lists: false,
        refusals: SPAMHAUS_REFUSALS,
        delist: "https://check.spamhaus.org/",
        refused_help: SPAMHAUS_HELP,
        about,
        ..V4_BLOCK
    }
}

/// A list that is off by default, with the reason.
const fn dead_ip(name: &'static str, zone: &'static str, off_reason: &'static str) -> Blocklist {
    Blocklist {
        name,
        zone,
        enabled: false,
        off_reason,
        delist: "none",
        about: "off by default",
        ..V4_BLOCK
    }
}

/// Lists queried by default for this kind.
pub fn default_lists(kind: ListKind) -> Vec<Blocklist> {
    CATALOGUE
        .iter()
        .filter(|l| l.enabled && l.kind == kind)
        .copied()
        .collect()
}

/// Lists that are not queried by default, with the reason.
pub fn disabled_lists() -> Vec<Blocklist> {
    CATALOGUE.iter().filter(|l| !l.enabled).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_is_large_enough_and_consistent() {
        let ip = default_lists(ListKind::Ip);
        let dom = default_lists(ListKind::Domain);
        assert!(ip.len() >= 30, "{} IP lists", ip.len());
        assert!(dom.len() >= 5, "{} domain lists", dom.len());
        assert!(ip.iter().filter(|l| l.covers(false)).count() >= 5);
        let mut zones = HashSet::new();
        for l in CATALOGUE {
            assert!(zones.insert(l.zone), "duplicate zone {}", l.zone);
            assert!(!l.zone.ends_with('.'));
            assert_eq!(l.enabled, l.off_reason.is_empty(), "{}", l.zone);
            // Refusal codes must never double as listings.
            for r in l.refusals {
                assert!(!l.codes.iter().any(|c| c.addr == r.addr), "{}", l.zone);
            }
        }
        for dead in ["dnsbl.sorbs.net", "ix.dnsbl.manitu.net"] {
            assert!(disabled_lists().iter().any(|l| l.zone == dead));
            assert!(!ip.iter().any(|l| l.zone == dead));
        }
    }
}
