-- orgforge.db: one run in relational form, written by orgforge-output in a single transaction.
-- Holds no wall-clock data, so identical runs give byte-identical files. JSON columns hold the
-- same values as events.jsonl and snapshot.json.

-- The ground-truth event log (events.jsonl), one row per event, in seq order.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,           -- "EVT-000042"
    seq         INTEGER NOT NULL UNIQUE,    -- from 1, no gaps
    type        TEXT NOT NULL,              -- snake_case event type
    day         INTEGER NOT NULL,           -- business-day index, from 1
    date        TEXT NOT NULL,              -- local date, YYYY-MM-DD
    timestamp   TEXT NOT NULL,              -- RFC 3339 with the company's UTC offset
    actors      TEXT NOT NULL,              -- JSON array of person ids
    facts       TEXT NOT NULL,              -- JSON object, typed per event type
    after_hours INTEGER NOT NULL,           -- 1 when deliberately outside business hours
    summary     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,              -- hash of the previous event; 64 zeros for the first
    hash        TEXT NOT NULL               -- sha256 of the canonical JSON of the event without hash
);
CREATE INDEX events_type ON events (type);
CREATE INDEX events_day ON events (day);

-- Every corpus file with its kind (NULL for Slack metadata: users.json, channels.json).
CREATE TABLE artifacts (
    path   TEXT PRIMARY KEY,                -- relative to the run directory
    kind   TEXT,                            -- slack, jira, confluence, git, ...
    sha256 TEXT NOT NULL
);

-- Provenance: the events each artifact was rendered from.
CREATE TABLE artifact_events (
    path     TEXT NOT NULL REFERENCES artifacts (path),
    event_id TEXT NOT NULL REFERENCES events (id),
    PRIMARY KEY (path, event_id)
);
CREATE INDEX artifact_events_event ON artifact_events (event_id);

-- Everyone who worked at the company during the run.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    department  TEXT NOT NULL,
    is_lead     INTEGER NOT NULL,
    style       TEXT NOT NULL,
    quirks      TEXT NOT NULL,              -- JSON array
    hours_start TEXT NOT NULL,              -- "HH:MM", company time zone
    hours_end   TEXT NOT NULL,
    joined_day  INTEGER NOT NULL,           -- first business day present
    left_day    INTEGER                     -- business day of departure (absent from it on), or NULL
);

-- The social graph at the end of the run: undirected weighted edges, a < b between employees;
-- a tie with an external contact has the employee id in a and the contact's email address in b.
CREATE TABLE edges (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (a, b)
);

-- The social graph right after each departure, edges as in `edges`.
CREATE TABLE graph_history (
    day    INTEGER NOT NULL,
    label  TEXT NOT NULL,                   -- e.g. "departure of dmitri"
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (day, label, a, b)
);

-- State at the end of each business day.
CREATE TABLE daily (
    day            INTEGER PRIMARY KEY,
    date           TEXT NOT NULL,
    morale         REAL NOT NULL,           -- in [0, 1]
    health         REAL NOT NULL,           -- mean system health in [0, 1]
    stress_mean    REAL NOT NULL,
    incidents_open INTEGER NOT NULL,
    on_call        TEXT,                    -- person id, or NULL
    tickets_open   INTEGER NOT NULL,
    prs_open       INTEGER NOT NULL
);

-- Per person present at the end of each business day.
CREATE TABLE daily_people (
    day        INTEGER NOT NULL REFERENCES daily (day),
    person     TEXT NOT NULL,
    stress     REAL NOT NULL,               -- in [0, 100]
    centrality REAL NOT NULL,               -- normalized betweenness
    burnt_out  INTEGER NOT NULL,            -- 0 or 1
    key_player INTEGER NOT NULL,            -- 0 or 1
    PRIMARY KEY (day, person)
);

-- Per system at the end of each business day.
CREATE TABLE daily_systems (
    day      INTEGER NOT NULL REFERENCES daily (day),
    system   TEXT NOT NULL,
    health   REAL NOT NULL,                 -- in [0, 1]
    coverage REAL NOT NULL,                 -- documentation coverage in [0, 1]
    orphaned INTEGER NOT NULL,              -- 0 or 1: nobody present knows it
    PRIMARY KEY (day, system)
);

-- Causal chains (chains/<id>.json): one row per chain; kind "incident" (later "email").
CREATE TABLE chains (
    id      TEXT PRIMARY KEY,               -- "INC-3"
    kind    TEXT NOT NULL,                  -- incident, email
    root    TEXT NOT NULL REFERENCES events (id),
    path    TEXT NOT NULL,                  -- chains/<id>.json
    subject TEXT NOT NULL,                  -- JSON object: what the root names
    related TEXT NOT NULL                   -- JSON array of related chain ids
);

-- Members of each chain, in chain order: events (by id) and artifacts (by path).
CREATE TABLE chain_nodes (
    chain     TEXT NOT NULL REFERENCES chains (id),
    position  INTEGER NOT NULL,             -- 0 is the root
    node      TEXT NOT NULL,                -- event id or artifact path
    node_kind TEXT NOT NULL,                -- event, artifact
    type      TEXT NOT NULL,                -- event type or artifact kind
    at        TEXT NOT NULL,                -- RFC 3339
    PRIMARY KEY (chain, position)
);
CREATE INDEX chain_nodes_node ON chain_nodes (node);

-- Edges of each chain, from the earlier node to the later one.
CREATE TABLE chain_edges (
    chain    TEXT NOT NULL REFERENCES chains (id),
    position INTEGER NOT NULL,
    source   TEXT NOT NULL,                 -- node id (earlier)
    target   TEXT NOT NULL,                 -- node id (later)
    type     TEXT NOT NULL,                 -- caused, responds_to, fixes, documents, produced
    PRIMARY KEY (chain, position)
);
