//! Generic work vocabulary the engine draws titles and topics from. Company-specific names
//! (systems, departments, people) always come from the scenario; these words never name any.

/// Story titles: `{}` is replaced by the system name.
pub const STORY_TITLES: &[&str] = &[
    "Add rate limiting to {}",
    "Add audit logging to {}",
    "Support bulk export in {}",
    "Add a retry budget to {} outbound calls",
    "Paginate list endpoints of {}",
    "Put {} behind a feature flag",
    "Add health checks to {}",
    "Build a metrics dashboard for {}",
    "Sign webhooks sent by {}",
    "Add a read-through cache to {}",
    "Trace requests end to end through {}",
    "Backfill missing records in {}",
    "Reload {} configuration without a restart",
    "Add idempotency keys to {} writes",
    "Expose a status endpoint for {}",
];

/// Task titles.
pub const TASK_TITLES: &[&str] = &[
    "Upgrade the runtime of {}",
    "Remove dead code from {}",
    "Document the deploy steps of {}",
    "Rotate service credentials of {}",
    "Split the integration tests of {}",
    "Tune the connection pool of {}",
    "Archive old logs of {}",
    "Pin dependency versions in {}",
];

/// Bug titles.
pub const BUG_TITLES: &[&str] = &[
    "{}: timeouts under load",
    "{}: duplicate records on retry",
    "{}: wrong time zone in reports",
    "{}: memory grows after deploy",
    "{}: flaky integration test",
    "{}: 500 on an empty payload",
    "{}: stale cache after an update",
    "{}: slow query on large accounts",
];

/// Titles for departments that do not ship code.
pub const NON_CODE_TITLES: &[&str] = &[
    "Write release notes for {}",
    "Draft an FAQ for {}",
    "Plan user research on {}",
    "Run a training session on {}",
    "Prepare a launch plan for {}",
    "Update the onboarding checklist for {}",
    "Specify a usage dashboard for {}",
    "Review pricing feedback about {}",
];

/// Design topics, each with options the engine chooses between: `{}` is the system name.
pub const DESIGN_TOPICS: &[(&str, &[&str])] = &[
    (
        "caching strategy for {}",
        &[
            "a read-through cache with a 5-minute TTL",
            "write-through caching",
            "no cache, faster queries",
        ],
    ),
    (
        "retry policy for {}",
        &[
            "exponential backoff with jitter",
            "a fixed retry budget per request",
            "a dead-letter queue",
        ],
    ),
    (
        "schema migration plan for {}",
        &[
            "expand and contract in three deploys",
            "a one-shot migration in a maintenance window",
            "dual writes behind a flag",
        ],
    ),
    (
        "API versioning for {}",
        &[
            "versioned URL paths",
            "a version header",
            "additive changes only",
        ],
    ),
    (
        "alerting thresholds for {}",
        &[
            "alerts on error-budget burn rate",
            "static latency thresholds",
            "paging only on customer impact",
        ],
    ),
    (
        "deploy pipeline for {}",
        &[
            "canary releases at 5 percent",
            "blue-green deploys",
            "a manual approval gate",
        ],
    ),
    (
        "data retention for {}",
        &[
            "90 days hot, one year archived",
            "30 days, then aggregates only",
            "retention set per customer",
        ],
    ),
];

/// Ad-hoc page titles: `{}` is the system name.
pub const PAGE_TITLES: &[&str] = &[
    "How to debug {}",
    "How to deploy {}",
    "How to roll back {}",
    "{} runbook",
    "{} architecture overview",
    "Onboarding notes for {}",
    "Load testing {}",
    "Known limits of {}",
];

/// Fills the `{}` of a pattern.
pub fn fill(pattern: &str, name: &str) -> String {
    pattern.replacen("{}", name, 1)
}
