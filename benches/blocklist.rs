//! Whole blocklist step against a loopback DNS server with injected latency:
//! every list answers after 50 ms, one after 200 ms. Prints the total time of
//! the step divided by the time of its slowest single query (target <= 1.2).

#[path = "../tests/support/dns_server.rs"]
mod dns_server;

use bounce_doctor::checks::blocklist;
use bounce_doctor::checks::lists::{self, ListKind};
use bounce_doctor::checks::resolver::{Dns, Kind};
use dns_server::{zone, Behaviour, DnsServer};
use std::net::IpAddr;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(run());
}

async fn run() {
    let ip_lists = lists::default_lists(ListKind::Ip);
    let zones: Vec<String> = ip_lists
        .iter()
        .map(|l| {
            zone(
                l.zone,
                "2.0.0.127 A 127.0.0.2\n2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 A 127.0.0.2\n1.2.0.192 A 127.0.0.2\n1.2.0.192 TXT \"listed\"\n",
            )
        })
        .collect();
    let server = DnsServer::start(&zones).await;
    let slow_zone = ip_lists[0].zone;
    server.behave("", Behaviour::Delay(Duration::from_millis(50)));
    server.behave(slow_zone, Behaviour::Delay(Duration::from_millis(200)));
    let settings = server.settings(Duration::from_secs(2));
    let ips: Vec<IpAddr> = vec!["192.0.2.1".parse().unwrap(), "192.0.2.99".parse().unwrap()];

    let mut ratios = Vec::new();
    for round in 0..7 {
        // The slowest single query, on its own.
        let dns = Dns::new(&settings).expect("resolver");
        let t = Instant::now();
        let a = dns.query(&format!("1.2.0.192.{slow_zone}"), Kind::A).await;
        let single = t.elapsed();
        assert!(a.outcome.is_answer(), "{a:?}");

        let t = Instant::now();
        let report =
            blocklist::check_ips(&ip_lists, &ips, &settings, CancellationToken::new()).await;
        let total = t.elapsed();
        let ratio = total.as_secs_f64() / single.as_secs_f64();
        if round > 0 {
            // Round 0 warms up sockets and the allocator.
            ratios.push(ratio);
        }
        println!(
            "round {round}: {} lists x {} IPs, {} queries, total {:.1} ms, slowest single query {:.1} ms, ratio {:.3} ({})",
            ip_lists.len(),
            ips.len(),
            report.evidence.len(),
            total.as_secs_f64() * 1000.0,
            single.as_secs_f64() * 1000.0,
            ratio,
            report.status.name()
        );
    }
    ratios.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "blocklist step: median total/slowest-single ratio {:.3} (target <= 1.2), worst {:.3}",
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1]
    );
}
