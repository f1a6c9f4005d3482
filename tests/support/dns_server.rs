//! In-process authoritative DNS server on 127.0.0.1:<random port> for tests
//! and benchmarks.
//!
//! Include it with `#[path = "support/dns_server.rs"] mod dns_server;`.
//! Zones are given as zone-file text ([`zone`] adds the SOA/NS boilerplate).
//! A wrapper around the catalogue can, for names under a chosen suffix, delay
//! answers (slow list), drop them (dead list / timeout), answer REFUSED or
//! answer SERVFAIL. Traffic never leaves the loopback interface.
#![allow(dead_code)]

use bounce_doctor::checks::{CheckReport, Settings};
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, MessageResponseBuilder, ZoneType};
use hickory_server::Server;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What the server does with queries under a suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer normally after this delay.
    Delay(Duration),
    /// Never answer (a dead server: the client times out).
    Drop,
    /// Answer REFUSED.
    Refuse,
    /// Answer SERVFAIL.
    ServFail,
}

#[derive(Default)]
struct Rules {
    /// (suffix, behaviour); the longest matching suffix wins, "" matches everything.
    rules: Vec<(String, Behaviour)>,
}

impl Rules {
    fn find(&self, name: &str) -> Option<Behaviour> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.rules
            .iter()
            .filter(|(s, _)| s.is_empty() || name == *s || name.ends_with(&format!(".{s}")))
            .max_by_key(|(s, _)| s.len())
            .map(|(_, b)| *b)
    }
}

struct Handler {
    catalog: Catalog,
    rules: Arc<Mutex<Rules>>,
    queries: Arc<AtomicUsize>,
}

fn plain_info(request: &Request, code: ResponseCode) -> ResponseInfo {
    let mut metadata = Metadata::response_from_request(&request.metadata);
    metadata.response_code = code;
    ResponseInfo::from(Header {
        metadata,
        counts: HeaderCounts::default(),
    })
}

impl RequestHandler for Handler {
    // Written out by hand because the trait uses `async_trait`'s boxed-future shape
    // (the impl must repeat the trait's bound layout exactly).
    #[allow(clippy::multiple_bound_locations)]
    fn handle_request<'life0, 'life1, 'async_trait, R: ResponseHandler, T: Time>(
        &'life0 self,
        request: &'life1 Request,
        mut response_handle: R,
    ) -> Pin<Box<dyn Future<Output = ResponseInfo> + Send + 'async_trait>>
    where
        R: 'async_trait,
        T: 'async_trait,
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            self.queries.fetch_add(1, Ordering::Relaxed);
            let name = request
                .queries
                .queries()
                .first()
                .map(|q| q.name().to_string())
                .unwrap_or_default();
            let rule = self.rules.lock().unwrap().find(&name);
            match rule {
                Some(Behaviour::Drop) => return plain_info(request, ResponseCode::NoError),
                Some(Behaviour::Delay(d)) => tokio::time::sleep(d).await,
                Some(code @ (Behaviour::Refuse | Behaviour::ServFail)) => {
                    let rcode = if code == Behaviour::Refuse {
                        ResponseCode::Refused
                    } else {
                        ResponseCode::ServFail
                    };
                    let response = MessageResponseBuilder::from_message_request(request)
                        .error_msg(&request.metadata, rcode);
                    return match response_handle.send_response(response).await {
                        Ok(info) => info,
                        Err(_) => plain_info(request, rcode),
                    };
                }
                None => {}
            }
            self.catalog
                .handle_request::<R, T>(request, response_handle)
                .await
        })
    }
}

/// A running server; stops when dropped.
pub struct DnsServer {
    /// Where it listens (UDP and TCP).
    pub addr: SocketAddr,
    rules: Arc<Mutex<Rules>>,
    queries: Arc<AtomicUsize>,
    _server: Server<Handler>,
}

/// Zone text with `$ORIGIN`, `$TTL`, SOA and NS added; `records` uses names
/// relative to `origin` (or absolute with a trailing dot).
pub fn zone(origin: &str, records: &str) -> String {
    let origin = origin.trim_end_matches('.');
    format!(
        "$ORIGIN {origin}.\n$TTL 60\n@ IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60\n@ IN NS ns.{origin}.\n{records}\n"
    )
}

impl DnsServer {
    /// Start serving `zones` (zone-file texts, each with `$ORIGIN` and a SOA,
    /// see [`zone`]) on 127.0.0.1 at a random port, over UDP and TCP.
    pub async fn start(zones: &[String]) -> DnsServer {
        let mut catalog = Catalog::new();
        for text in zones {
            let (origin, records) = Parser::new(text.as_str(), None, None)
                .parse()
                .unwrap_or_else(|e| panic!("bad zone text: {e}\n{text}"));
            let handler = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
                origin.clone(),
                records,
                ZoneType::Primary,
                AxfrPolicy::Deny,
            )
            .unwrap_or_else(|e| panic!("bad zone {origin}: {e}"));
            catalog.upsert(LowerName::from(&origin), vec![Arc::new(handler)]);
        }
        let rules = Arc::new(Mutex::new(Rules::default()));
        let queries = Arc::new(AtomicUsize::new(0));
        let handler = Handler {
            catalog,
            rules: rules.clone(),
            queries: queries.clone(),
        };
        // Same port for UDP and TCP; retry if the TCP side of a random port is taken.
        let (udp, tcp) = loop {
            let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("bind UDP on loopback");
            let port = udp.local_addr().unwrap().port();
            if let Ok(tcp) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
                break (udp, tcp);
            }
        };
        let addr = udp.local_addr().unwrap();
        let mut server = Server::new(handler);
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        DnsServer {
            addr,
            rules,
            queries,
            _server: server,
        }
    }

    /// Apply `behaviour` to every name at or under `suffix` ("" = every name).
    pub fn behave(&self, suffix: &str, behaviour: Behaviour) {
        let suffix = suffix.trim_end_matches('.').to_ascii_lowercase();
        let mut rules = self.rules.lock().unwrap();
        rules.rules.retain(|(s, _)| *s != suffix);
        rules.rules.push((suffix, behaviour));
    }

    /// Number of queries received so far.
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::Relaxed)
    }

    /// Settings pointing the resolver at this server with the given per-query timeout.
    pub fn settings(&self, dns_timeout: Duration) -> Settings {
        Settings {
            resolver: Some(self.addr),
            dns_timeout,
            ..Settings::default()
        }
    }

    /// Start a check against this server with a per-query timeout far longer
    /// than the liveness guard here, cancel `cancel` as soon as the server has
    /// seen a query, and return the check's report. Panics if the check does
    /// not return within 60 s of the cancellation.
    pub async fn cancel_in_flight<F, Fut>(
        &self,
        cancel: &CancellationToken,
        start: F,
    ) -> CheckReport
    where
        F: FnOnce(Settings, CancellationToken) -> Fut,
        Fut: Future<Output = CheckReport> + Send + 'static,
    {
        let task = tokio::spawn(start(
            self.settings(Duration::from_secs(120)),
            cancel.clone(),
        ));
        // Wait until the queries are in flight, then cancel.
        while self.queries() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cancel.cancel();
        tokio::time::timeout(Duration::from_secs(60), task)
            .await
            .expect("a cancelled check must return long before its DNS timeout")
            .unwrap()
    }
}

/// Name helper so callers need not import hickory types.
pub fn fqdn(name: &str) -> Name {
    Name::from_ascii(format!("{}.", name.trim_end_matches('.'))).expect("valid name")
}
