//! What an incident looks like to the people who meet it: noisy, seeded alert and postmortem text.
//!
//! The engine knows the structured truth of an incident (system × failure mode × severity). The
//! organization only ever sees text: the alert the monitoring fires at detection time, and, for
//! severe incidents, the root-cause statement of the postmortem. This module turns the truth into
//! such text, deliberately imperfectly:
//!
//! - every failure mode has several headlines, symptom sentences and error-signature templates,
//!   filled with random numbers, hostnames, pool names and percentages;
//! - failure modes share symptom *groups* (timeouts for pool exhaustion, rate limiting and
//!   dependency outages; restarts for memory leaks and bad deploys; lag for replication and consumer
//!   lag; ...), and every alert may draw from a generic group and carry a misleading aside;
//! - failure modes that scenario authors invent and this catalogue does not know get a generic but
//!   equally noisy description built from their kind.
//!
//! Neither the text nor the system tag alone therefore tells whether two incidents are the same
//! failure; that is the job of the detector in [`crate::recurrence`]. All draws come from the
//! caller's seeded stream, in a fixed order, so the text is a pure function of the stream state.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The text of an incident as the organization perceives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentText {
    /// The incident id (for example `INC-12`).
    pub id: String,
    /// The id of the system the alert fired on (for example `payments-api`).
    pub system: String,
    /// The alert title.
    pub title: String,
    /// The alert body: symptom sentences, possibly with an unrelated aside.
    pub body: String,
    /// The error signature quoted in the alert (a log line or metric expression).
    pub signature: String,
}

impl IncidentText {
    /// Title, body and signature joined into one searchable string.
    pub fn full_text(&self) -> String {
        format!("{}\n{}\n{}", self.title, self.body, self.signature)
    }
}

/// Symptom groups shared between failure modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Timeout,
    Restart,
    Lag,
    ErrorRate,
    Tls,
    Storage,
    Throttle,
    Generic,
}

/// The phrasings of one symptom group or failure mode.
struct Phrasings {
    headlines: &'static [&'static str],
    symptoms: &'static [&'static str],
    signatures: &'static [&'static str],
}

/// A known failure mode.
struct Mode {
    kind: &'static str,
    label: &'static str,
    own: Phrasings,
    shared: &'static [Group],
    root_causes: &'static [&'static str],
}

fn group(g: Group) -> Phrasings {
    match g {
        Group::Timeout => Phrasings {
            headlines: &[
                "request timeouts",
                "p99 latency above SLO",
                "slow responses",
            ],
            symptoms: &[
                "Requests to {sys} are timing out after {ms} ms.",
                "p99 latency is {ms} ms against an SLO of 300 ms.",
                "Worker threads on {host} are busy waiting and the request queue keeps growing.",
            ],
            signatures: &[
                "DeadlineExceeded: call on {host} did not complete within {ms}ms",
                "TimeoutError after {ms}ms (attempt {n} of 3) on {host}",
            ],
        },
        Group::Restart => Phrasings {
            headlines: &["pods restarting", "crash loop", "instances flapping"],
            symptoms: &[
                "{n} instances of {sys} restarted in the last {n} minutes.",
                "Health checks fail and the orchestrator keeps replacing instances.",
                "Instance {host} was killed and came back {n} times.",
            ],
            signatures: &[
                "container {host} exited with code 137, restart count {n}",
                "liveness probe failed on {host}: connection refused",
            ],
        },
        Group::Lag => Phrasings {
            headlines: &["lag growing", "stale data reported", "processing delayed"],
            symptoms: &[
                "Readers see data that is {n} minutes old.",
                "Lag has been climbing steadily for {n} minutes.",
                "A freshness check on {sys} fails repeatedly.",
            ],
            signatures: &[
                "lag_seconds={big} threshold=60 on {host}",
                "freshness check failed: newest record is {big}s old",
            ],
        },
        Group::ErrorRate => Phrasings {
            headlines: &["elevated 5xx rate", "error rate spike", "failing requests"],
            symptoms: &[
                "{pct}% of requests to {sys} return 5xx.",
                "Error budget burn rate is {n}x the sustainable rate.",
                "Synthetic checks against {sys} fail from {n} regions.",
            ],
            signatures: &[
                "HTTP 5xx ratio {pct}% over 5m on {host}",
                "unhandled exception count jumped to {big}/min on {host}",
            ],
        },
        Group::Tls => Phrasings {
            headlines: &["TLS handshake failures", "secure connections failing"],
            symptoms: &[
                "Clients report TLS handshake errors when connecting to {sys}.",
                "Mutual TLS between {sys} and its callers is failing.",
            ],
            signatures: &[
                "SSL handshake failed with {host}: alert 46 (certificate unknown)",
                "tls: handshake error from {ip}:443: remote error",
            ],
        },
        Group::Storage => Phrasings {
            headlines: &["write errors", "storage latency high", "IO wait high"],
            symptoms: &[
                "Writes on {host} are slow and some of them fail.",
                "IO wait on {host} is at {pct}%.",
            ],
            signatures: &[
                "IOError: fsync on {host} took {ms}ms",
                "storage write stalled for {ms}ms on volume /data ({host})",
            ],
        },
        Group::Throttle => Phrasings {
            headlines: &["requests rejected", "429 responses"],
            symptoms: &[
                "A share of {pct}% of calls is rejected with 429 Too Many Requests.",
                "Callers retry and back off; the retry volume keeps growing.",
            ],
            signatures: &["HTTP 429 Too Many Requests from {host} (retry-after {n}s)"],
        },
        Group::Generic => Phrasings {
            headlines: &[
                "service degraded",
                "SLO burn alert",
                "anomaly detected",
                "health check warning",
            ],
            symptoms: &[
                "Customer-facing impact is being assessed.",
                "Dashboards show the anomaly started about {n} minutes ago.",
                "Support has {n} tickets mentioning problems with {sys}.",
                "The on-call runbook for {sys} was opened.",
            ],
            signatures: &[
                "monitor {monitor} fired: value {big} above threshold on {host}",
                "alert {monitor} state=CRITICAL host={host}",
            ],
        },
    }
}

/// Probability that a headline or symptom comes from the mode's own phrasings ...
const OWN: f64 = 0.80;
/// ... or from one of its shared symptom groups (else from the generic group).
const SHARED: f64 = 0.14;
/// The same two probabilities for the error signature.
const SIG_OWN: f64 = 0.85;
/// See [`SIG_OWN`].
const SIG_SHARED: f64 = 0.10;

/// Asides that carry no information about the failure (and sometimes point the wrong way).
const ASIDES: &[&str] = &[
    "A deploy of {ver} went out {n} hours earlier; unclear if related.",
    "Traffic is about {pct}% above the usual level for this hour.",
    "A similar alert fired on a neighbouring service last week.",
    "The dependency dashboard shows upstream calls slower than usual.",
    "Memory and CPU on {host} look normal so far.",
    "Nobody on the current shift has touched {sys} recently.",
];

const MODES: &[Mode] = &[
    Mode {
        kind: "connection_pool_exhaustion",
        label: "connection pool exhaustion",
        own: Phrasings {
            headlines: &[
                "connection pool saturated",
                "no free database connections",
                "pool wait time spiking",
                "connection acquisition failures",
            ],
            symptoms: &[
                "Pool {pool} reports {n} of {n} connections in use with {n} waiters queued.",
                "Threads block waiting for a database connection for up to {ms} ms.",
                "Connection checkout time on {host} went from 2 ms to {ms} ms.",
                "Active connections are pinned at the configured maximum.",
            ],
            signatures: &[
                "PoolExhausted: could not check out a connection from '{pool}' within {ms}ms (in use {n}, max {n})",
                "ConnectionAcquireTimeout pool={pool} waited={ms}ms queue_depth={n}",
                "db.pool.checkout failed on {host}: all {n} slots busy",
            ],
        },
        shared: &[Group::Timeout],
        root_causes: &[
            "A slow query on {sys} held connections from pool {pool} for seconds at a time, and retries from callers drained the remaining slots until the pool was exhausted.",
            "Connections leaked on an error path in {sys} were never returned to pool {pool}, so the pool hit its maximum of {n} and new requests waited for a connection that never came.",
            "Traffic to {sys} grew {pct}% when a batch job started, and the connection pool of {n} connections was too small for that concurrency, so checkouts queued and timed out.",
        ],
    },
    Mode {
        kind: "disk_full",
        label: "disk full",
        own: Phrasings {
            headlines: &[
                "disk usage critical",
                "volume out of space",
                "writes failing: no space left",
                "data volume almost full",
            ],
            symptoms: &[
                "Volume /data on {host} is {pct}% used and grows about {n} GB per hour.",
                "Writes are rejected because the filesystem has no space left.",
                "Free inodes on {host} dropped below {big}.",
                "Log segments and temporary files are filling the data disk.",
            ],
            signatures: &[
                "ENOSPC: write /data/{file} failed: no space left on device",
                "DiskPressure host={host} mount=/data used={pct}% free={mb}MB",
                "segment flush aborted on {host}: device full ({n}G of {n}G)",
            ],
        },
        shared: &[Group::Storage],
        root_causes: &[
            "Log retention on {sys} was disabled during a migration and never re-enabled, so old segments filled the data volume until writes failed.",
            "A runaway job on {sys} wrote temporary files to /data without cleaning up and the disk ran out of space.",
            "The data volume of {sys} was sized for last year's volume; growth of {pct}% filled it and there was no disk usage alert before 100%.",
        ],
    },
    Mode {
        kind: "replication_lag",
        label: "replication lag",
        own: Phrasings {
            headlines: &[
                "replica lag high",
                "read replica behind primary",
                "replication delay",
            ],
            symptoms: &[
                "Replica {host} is {big} s behind the primary.",
                "WAL replay on the standby cannot keep up with the write rate.",
                "Read-after-write checks fail because replicas serve old rows.",
            ],
            signatures: &[
                "replication_delay_seconds replica={host} value={big}",
                "standby {host} WAL receiver behind by {mb}MB",
                "ReplicaLagExceeded replica={host} lag={big}s max=30s",
            ],
        },
        shared: &[Group::Lag, Group::Storage],
        root_causes: &[
            "A bulk backfill on {sys} generated more writes than the replicas could replay, so replication lag grew to {big} seconds and replica reads returned stale rows.",
            "Replica {host} ran on a smaller instance class; under the nightly load its WAL apply fell behind and replication lag kept growing.",
            "A long analytical query on a replica of {sys} blocked WAL replay, which let replication lag build up for {n} minutes.",
        ],
    },
    Mode {
        kind: "consumer_lag",
        label: "consumer lag",
        own: Phrasings {
            headlines: &[
                "consumer group lagging",
                "backlog growing on topic",
                "events delayed",
            ],
            symptoms: &[
                "Consumer group {group} is {big} messages behind on topic {topic}.",
                "Partition {n} of {topic} has not been consumed for {n} minutes.",
                "Downstream services receive events late, by up to {n} minutes.",
            ],
            signatures: &[
                "consumer_lag group={group} topic={topic} partition={n} lag={big}",
                "rebalance storm: group {group} rebalanced {n} times in 10m",
                "offset commit failed for {group}: member evicted (poll interval exceeded)",
            ],
        },
        shared: &[Group::Lag],
        root_causes: &[
            "Consumers in group {group} of {sys} spent too long per batch, exceeded the poll interval and kept rebalancing, so the backlog on {topic} grew to {big} messages.",
            "A malformed message on partition {n} of {topic} made the consumer retry forever and the lag piled up behind it.",
            "Producers doubled the event rate on {topic} while the consumer group of {sys} ran only {n} instances, so consumption fell behind.",
        ],
    },
    Mode {
        kind: "certificate_expiry",
        label: "certificate expiry",
        own: Phrasings {
            headlines: &[
                "certificate expired",
                "TLS certificate expiring",
                "certificate validation errors",
            ],
            symptoms: &[
                "The certificate for {cn} expired {n} hours ago.",
                "Certificate monitoring shows {cn} valid for 0 more days.",
                "Clients reject the server certificate as expired.",
            ],
            signatures: &[
                "x509: certificate has expired or is not yet valid (CN={cn})",
                "CertificateExpired: chain for {cn} ended {n} minutes ago",
                "tls: bad certificate from {host} (expired)",
            ],
        },
        shared: &[Group::Tls, Group::ErrorRate],
        root_causes: &[
            "The TLS certificate for {cn} used by {sys} expired because the renewal job had been failing silently for {n} days.",
            "The certificate of {sys} was issued by hand a year ago, was missing from the rotation inventory and expired.",
            "An intermediate certificate in the chain served by {sys} expired; the leaf had been renewed but the bundle had not.",
        ],
    },
    Mode {
        kind: "bad_deploy",
        label: "bad deploy",
        own: Phrasings {
            headlines: &[
                "errors after deploy",
                "release {ver} failing",
                "rollback candidate {ver}",
            ],
            symptoms: &[
                "Errors started minutes after release {ver} reached {pct}% of instances.",
                "The canary for {ver} fails its health checks.",
                "A config change shipped with {ver} is rejected at startup.",
            ],
            signatures: &[
                "panic at startup in {ver}: missing config key '{key}'",
                "NullReference in request handler after release {ver} on {host}",
                "migration {n} failed: column '{key}' does not exist",
            ],
        },
        shared: &[Group::Restart, Group::ErrorRate],
        root_causes: &[
            "Release {ver} of {sys} shipped a configuration change that removed key '{key}'; instances failed on startup until the release was rolled back.",
            "A code change in {ver} broke a request handler on a path the tests did not cover, and {sys} returned errors until the rollback.",
            "Release {ver} ran a schema migration out of order, so {sys} queried a column that did not exist yet.",
        ],
    },
    Mode {
        kind: "rate_limiting",
        label: "rate limiting",
        own: Phrasings {
            headlines: &["requests throttled", "rate limit hit", "quota exhausted"],
            symptoms: &[
                "The limiter on {sys} rejects {pct}% of requests.",
                "A single client key is sending {big} requests per minute.",
                "The quota of tenant {tenant} is used up for the current window.",
            ],
            signatures: &[
                "RateLimitExceeded key={tenant} limit={n}/s window=1s",
                "quota exceeded for tenant {tenant} on route /v1/{route}",
                "token bucket empty for route /v1/{route} (capacity {n})",
            ],
        },
        shared: &[Group::Throttle, Group::Timeout],
        root_causes: &[
            "A partner integration retried without backoff and pushed {big} requests per minute through {sys}, so the rate limiter throttled every tenant on the shared bucket.",
            "The rate limits on {sys} were configured per cluster instead of per tenant, so one busy tenant used up the shared quota.",
            "A limit of {n} requests per second on {sys} was copied from staging, far below production traffic.",
        ],
    },
    Mode {
        kind: "memory_leak",
        label: "memory leak",
        own: Phrasings {
            headlines: &["memory usage climbing", "out of memory", "heap exhaustion"],
            symptoms: &[
                "Memory on {host} grows about {mb} MB per hour and is never released.",
                "Garbage collection takes {pct}% of CPU time.",
                "Processes are killed by the OOM killer after a few hours of uptime.",
            ],
            signatures: &[
                "OutOfMemoryError: heap space ({mb}MB used of {mb}MB)",
                "oom-kill: process on {host} rss={mb}MB exceeded limit",
                "GC overhead limit exceeded on {host}",
            ],
        },
        shared: &[Group::Restart],
        root_causes: &[
            "A cache in {sys} kept a reference to every request object, so memory grew until the process was killed for exceeding its limit.",
            "A listener registered per connection was never removed, so {sys} leaked memory with each reconnect.",
            "A buffer pool in {sys} grew without bound under large payloads, leaking roughly {mb} MB per hour.",
        ],
    },
    Mode {
        kind: "dependency_outage",
        label: "dependency outage",
        own: Phrasings {
            headlines: &[
                "upstream unavailable",
                "dependency failing",
                "external calls failing",
            ],
            symptoms: &[
                "Calls from {sys} to {dep} fail with 503.",
                "The circuit breaker for {dep} is open.",
                "The status page of {dep} reports a partial outage.",
            ],
            signatures: &[
                "UpstreamUnavailable: {dep} returned 503 after {ms}ms",
                "circuit breaker OPEN for {dep} (failures {n} in 60s)",
                "dial tcp {ip}:443: connect: connection refused ({dep})",
            ],
        },
        shared: &[Group::Timeout, Group::ErrorRate, Group::Throttle],
        root_causes: &[
            "{dep}, which {sys} depends on, had an outage; {sys} had no fallback and failed requests for its duration.",
            "Calls from {sys} to {dep} had no timeout, so during the {dep} outage request threads piled up behind it.",
            "A DNS change at {dep} pointed {sys} to a decommissioned endpoint, so every call failed until the record was fixed.",
        ],
    },
];

/// Phrasings for failure modes the catalogue does not know; `{label}` is the humanized kind.
const UNKNOWN: Phrasings = Phrasings {
    headlines: &["suspected {label}", "{label} suspected", "service degraded"],
    symptoms: &[
        "Monitoring suspects {label} on {sys}.",
        "The symptoms on {host} resemble {label}.",
    ],
    signatures: &[
        "alert {monitor}: {label} detected on {host}",
        "{label} check failed on {host} (value {big})",
    ],
};

const UNKNOWN_ROOT_CAUSES: &[&str] = &[
    "{sys} suffered {label}; the safeguards that should have caught it earlier were missing.",
    "The postmortem traced the outage of {sys} to {label} that had been building for {n} hours.",
];

const POOLS: &[&str] = &[
    "primary-rw",
    "reporting-ro",
    "orders-main",
    "default",
    "batch",
    "hikari-main",
];
const DEPS: &[&str] = &[
    "carrier-rates",
    "geo-lookup",
    "ledger-sync",
    "sms-gateway",
    "kyc-check",
    "tax-engine",
    "maps-tiles",
];
const TOPICS: &[&str] = &[
    "shipments.events",
    "orders.created",
    "tracking.pings",
    "invoices.issued",
];
const GROUPS: &[&str] = &[
    "tracker-ingest",
    "route-planner",
    "billing-sink",
    "warehouse-loader",
];
const KEYS: &[&str] = &[
    "db_url",
    "retry_budget",
    "feature_flags",
    "region",
    "tenant_id",
    "shard_map",
];
const TENANTS: &[&str] = &[
    "acme-freight",
    "northwind",
    "bluefin",
    "tradewinds",
    "globex",
];
const ROUTES: &[&str] = &["quotes", "shipments", "labels", "tracking", "auth/token"];
const FILES: &[&str] = &[
    "wal/000000A3",
    "segments/seg-4471.log",
    "tmp/export.csv",
    "base/16384",
];

/// The catalogue entry of a failure mode kind, if known.
fn mode(kind: &str) -> Option<&'static Mode> {
    MODES.iter().find(|m| m.kind == kind)
}

/// A human title for the failure mode, e.g. "connection pool exhaustion". Unknown kinds are
/// humanized (underscores and dashes become spaces).
pub fn failure_mode_label(failure_mode: &str) -> String {
    match mode(failure_mode) {
        Some(m) => m.label.to_string(),
        None => failure_mode.replace(['_', '-'], " ").trim().to_string(),
    }
}

/// Values that templates refer to.
struct Ctx<'a> {
    system_id: &'a str,
    system_name: &'a str,
    label: String,
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// Fills `{placeholder}`s of `template`, each occurrence with a fresh draw.
fn fill(rng: &mut ChaCha8Rng, template: &str, ctx: &Ctx<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match placeholder(rng, name, ctx) {
            Some(value) => out.push_str(&value),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn placeholder(rng: &mut ChaCha8Rng, name: &str, ctx: &Ctx<'_>) -> Option<String> {
    let value = match name {
        "sys" => ctx.system_name.to_string(),
        "label" => ctx.label.clone(),
        "host" => format!("{}-{}", ctx.system_id, rng.random_range(1..=12u32)),
        "ms" => rng.random_range(800..=30_000u32).to_string(),
        "n" => rng.random_range(2..=64u32).to_string(),
        "big" => rng.random_range(120..=250_000u32).to_string(),
        "pct" => rng.random_range(12..=99u32).to_string(),
        "mb" => rng.random_range(256..=16_384u32).to_string(),
        "ver" => format!(
            "v{}.{}.{}",
            rng.random_range(1..=4u32),
            rng.random_range(0..=30u32),
            rng.random_range(0..=9u32)
        ),
        "ip" => format!(
            "10.{}.{}.{}",
            rng.random_range(0..=255u32),
            rng.random_range(0..=255u32),
            rng.random_range(1..=254u32)
        ),
        "monitor" => format!(
            "{}-{}",
            ctx.system_id,
            pick(rng, &["sli", "health", "golden", "slo"])
        ),
        "cn" => format!(
            "{}.{}",
            ctx.system_id,
            pick(rng, &["internal", "prod.svc", "example.net"])
        ),
        "pool" => home(rng, ctx, POOLS, 0),
        "dep" => home(rng, ctx, DEPS, 1),
        "topic" => home(rng, ctx, TOPICS, 2),
        "group" => home(rng, ctx, GROUPS, 3),
        "key" => pick(rng, KEYS).to_string(),
        "tenant" => home(rng, ctx, TENANTS, 4),
        "route" => home(rng, ctx, ROUTES, 5),
        "file" => pick(rng, FILES).to_string(),
        _ => return None,
    };
    Some(value)
}

/// Probability that an entity (pool, dependency, topic, ...) is the system's usual one.
const HOME_ENTITY: f64 = 0.75;

/// An entity name: usually the one the system always uses (fixed by its name), sometimes another.
fn home(rng: &mut ChaCha8Rng, ctx: &Ctx<'_>, items: &[&str], salt: u64) -> String {
    if rng.random::<f64>() < HOME_ENTITY {
        // FNV-1a over the system name: a stable choice, independent of the stream.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
        for b in ctx.system_name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        items[(h % items.len() as u64) as usize].to_string()
    } else {
        pick(rng, items).to_string()
    }
}

/// Where a phrase is drawn from: the mode's own phrasings, a shared group, or the generic group.
fn source(rng: &mut ChaCha8Rng, own: f64, shared: f64) -> u8 {
    let x: f64 = rng.random();
    if x < own {
        0
    } else if x < own + shared {
        1
    } else {
        2
    }
}

fn draw_phrase(
    rng: &mut ChaCha8Rng,
    known: Option<&'static Mode>,
    own: f64,
    shared: f64,
    part: fn(&Phrasings) -> &'static [&'static str],
) -> &'static str {
    let from = source(rng, own, shared);
    match (known, from) {
        (Some(m), 0) => pick(rng, part(&m.own)),
        (Some(m), 1) if !m.shared.is_empty() => {
            let g = m.shared[rng.random_range(0..m.shared.len())];
            pick(rng, part(&group(g)))
        }
        (None, 0 | 1) => pick(rng, part(&UNKNOWN)),
        _ => pick(rng, part(&group(Group::Generic))),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The alert as the pager/monitoring shows it at detection time.
///
/// Draws, in order: the title (the mode's own headline with probability 0.80, a shared symptom
/// group's with 0.14, a generic one otherwise), three symptom sentences (0.80 / 0.14 / 0.06 each),
/// an unrelated aside with probability 0.4, and the error signature (0.85 / 0.10 / 0.05).
pub fn alert(
    rng: &mut ChaCha8Rng,
    id: &str,
    system_id: &str,
    system_name: &str,
    failure_mode: &str,
) -> IncidentText {
    let known = mode(failure_mode);
    let ctx = Ctx {
        system_id,
        system_name,
        label: failure_mode_label(failure_mode),
    };

    let headline = draw_phrase(rng, known, OWN, SHARED, |p| p.headlines);
    let headline = fill(rng, headline, &ctx);
    let title = match rng.random_range(0..3u32) {
        0 => format!("{system_name}: {headline}"),
        1 => format!("[{system_id}] {headline}"),
        _ => format!("{} on {system_name}", capitalize(&headline)),
    };

    let mut sentences = Vec::with_capacity(4);
    for _ in 0..3 {
        let symptom = draw_phrase(rng, known, OWN, SHARED, |p| p.symptoms);
        let sentence = fill(rng, symptom, &ctx);
        if !sentences.contains(&sentence) {
            sentences.push(sentence);
        }
    }
    if rng.random::<f64>() < 0.4 {
        let aside = pick(rng, ASIDES);
        let aside = fill(rng, aside, &ctx);
        let at = rng.random_range(0..=sentences.len());
        sentences.insert(at, aside);
    }
    let body = sentences.join(" ");

    let signature = draw_phrase(rng, known, SIG_OWN, SIG_SHARED, |p| p.signatures);
    let signature = fill(rng, signature, &ctx);

    IncidentText {
        id: id.to_string(),
        system: system_id.to_string(),
        title,
        body,
        signature,
    }
}

/// The root-cause sentence(s) a postmortem states (known only after resolution; appended to the
/// indexed text of the incident).
pub fn root_cause(rng: &mut ChaCha8Rng, system_name: &str, failure_mode: &str) -> String {
    let host_prefix = system_name.to_lowercase().replace(' ', "-");
    let ctx = Ctx {
        system_id: &host_prefix,
        system_name,
        label: failure_mode_label(failure_mode),
    };
    let templates = match mode(failure_mode) {
        Some(m) => m.root_causes,
        None => UNKNOWN_ROOT_CAUSES,
    };
    let template = pick(rng, templates);
    let mut text = fill(rng, template, &ctx);
    text.push_str(" Root cause category: ");
    text.push_str(&ctx.label);
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    #[test]
    fn same_stream_same_text() {
        let a = alert(&mut rng(7), "INC-1", "orders-db", "Orders DB", "disk_full");
        let b = alert(&mut rng(7), "INC-1", "orders-db", "Orders DB", "disk_full");
        assert_eq!(a, b);
        assert_eq!(a.system, "orders-db");
        assert_eq!(a.id, "INC-1");
    }

    #[test]
    fn every_known_mode_fills_all_placeholders() {
        let mut r = rng(1);
        for m in MODES {
            for _ in 0..200 {
                let t = alert(&mut r, "INC-9", "payments-api", "Payments API", m.kind);
                for part in [&t.title, &t.body, &t.signature] {
                    assert!(!part.contains('{'), "{part}");
                    assert!(!part.is_empty());
                }
                let rc = root_cause(&mut r, "Payments API", m.kind);
                assert!(!rc.contains('{'), "{rc}");
                assert!(rc.contains(m.label));
            }
        }
    }

    #[test]
    fn unknown_modes_get_a_generic_noisy_text() {
        assert_eq!(failure_mode_label("cache_stampede"), "cache stampede");
        assert_eq!(failure_mode_label("disk_full"), "disk full");
        let mut r = rng(3);
        let mut distinct = Vec::new();
        for _ in 0..50 {
            let t = alert(
                &mut r,
                "INC-2",
                "api-gateway",
                "API Gateway",
                "cache_stampede",
            );
            assert!(!t.full_text().contains('{'));
            if !distinct.contains(&t.signature) {
                distinct.push(t.signature.clone());
            }
        }
        assert!(distinct.len() > 10, "signatures should vary: {distinct:?}");
        let rc = root_cause(&mut r, "API Gateway", "cache_stampede");
        assert!(rc.contains("cache stampede"));
    }

    #[test]
    fn alerts_are_noisy() {
        // The same truth must not always produce the same wording.
        let mut r = rng(11);
        let mut titles = Vec::new();
        for _ in 0..100 {
            let t = alert(
                &mut r,
                "INC-3",
                "postgres-core",
                "Core Postgres Cluster",
                "connection_pool_exhaustion",
            );
            if !titles.contains(&t.title) {
                titles.push(t.title);
            }
        }
        assert!(titles.len() > 8);
    }
}
