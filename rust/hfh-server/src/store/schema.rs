//! SQLite schema. Migrations are applied in order, all in one transaction, and the schema
//! version is kept in `PRAGMA user_version`. Never edit a released migration: append one.

use rusqlite::Connection;

const V1: &str = r#"
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'org')),
    hub_id      TEXT NOT NULL,
    fullname    TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE org_members (
    org_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
-- Tokens are stored as the SHA-256 of their value, never in clear.
CREATE TABLE tokens (
    token_sha256 TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('read', 'write')),
    display_name TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE TABLE repos (
    id            INTEGER PRIMARY KEY,
    hub_id        TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('model', 'dataset', 'space')),
    namespace     TEXT NOT NULL COLLATE NOCASE,
    name          TEXT NOT NULL COLLATE NOCASE,
    private       INTEGER NOT NULL DEFAULT 0,
    gated         TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    sdk           TEXT,
    created_at    INTEGER NOT NULL,
    last_modified INTEGER NOT NULL,
    UNIQUE (type, namespace, name)
);
-- Commits are git commits: oid = sha1 of the commit object (see git.rs).
CREATE TABLE commits (
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    oid         TEXT NOT NULL,
    tree_oid    TEXT NOT NULL,
    parents     TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL,
    title       TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (repo_id, oid)
) WITHOUT ROWID;
-- Full ref names: refs/heads/main, refs/tags/v1, refs/pr/1, refs/convert/parquet.
CREATE TABLE refs (
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    commit_oid  TEXT NOT NULL,
    PRIMARY KEY (repo_id, name)
) WITHOUT ROWID;
-- Git trees, content-addressed and shared by every commit and repository.
CREATE TABLE trees (
    oid TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE tree_entries (
    tree_oid    TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('file', 'dir')),
    oid         TEXT NOT NULL,   -- git blob id (of the pointer for LFS files) or sub-tree id
    size        INTEGER NOT NULL, -- content size (0 for directories)
    sha256      TEXT,            -- content sha256 = blob-store key (files only)
    lfs         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tree_oid, name)
) WITHOUT ROWID;
"#;

/// Renamed and transferred repositories: the old names keep answering with a redirect to
/// the repository's current name until a repository is created under them.
const V2_REPO_REDIRECTS: &str = r#"
CREATE TABLE repo_redirects (
    type        TEXT NOT NULL,
    namespace   TEXT NOT NULL COLLATE NOCASE,
    name        TEXT NOT NULL COLLATE NOCASE,
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (type, namespace, name)
) WITHOUT ROWID;
CREATE INDEX repo_redirects_by_repo ON repo_redirects (repo_id);
"#;

/// Community features: discussions and pull requests (with their events), likes, gated-access
/// requests and collections.
const V3_COMMUNITY: &str = r#"
-- Discussions and pull requests share one counter per repository (num 1, 2, ...).
CREATE TABLE discussions (
    id              INTEGER PRIMARY KEY,
    repo_id         INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    num             INTEGER NOT NULL,
    hub_id          TEXT NOT NULL,
    author_id       INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'merged')),
    is_pull_request INTEGER NOT NULL,
    target_ref      TEXT,            -- pull requests: the branch to merge into (refs/heads/..)
    merge_commit    TEXT,            -- pull requests: set once merged
    created_at      INTEGER NOT NULL,
    UNIQUE (repo_id, num)
);
-- Timeline of a discussion. `data` is JSON whose shape depends on `kind`.
CREATE TABLE discussion_events (
    id            INTEGER PRIMARY KEY,
    discussion_id INTEGER NOT NULL REFERENCES discussions(id) ON DELETE CASCADE,
    hub_id        TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('comment', 'status-change', 'title-change', 'commit')),
    author_id     INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    data          TEXT NOT NULL
);
CREATE INDEX discussion_events_by_discussion ON discussion_events (discussion_id, id);
CREATE TABLE likes (
    user_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    repo_id    INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, repo_id)
);  -- with a rowid: listings are newest first by insertion order
CREATE INDEX likes_by_repo ON likes (repo_id, created_at);
-- One request per (gated repository, user).
CREATE TABLE access_requests (
    repo_id          INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    fields           TEXT,            -- JSON object of the access form answers, if any
    rejection_reason TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (repo_id, user_id)
) WITHOUT ROWID;
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    hub_id      TEXT NOT NULL UNIQUE,  -- 24 hex, the stable tail of the slug
    owner_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT,
    private     INTEGER NOT NULL DEFAULT 0,
    theme       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
-- Items point at a repository, another collection or a paper id.
CREATE TABLE collection_items (
    id             INTEGER PRIMARY KEY,
    collection_id  INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    hub_id         TEXT NOT NULL UNIQUE,
    item_type      TEXT NOT NULL CHECK (item_type IN ('model', 'dataset', 'space', 'paper', 'collection')),
    repo_id        INTEGER REFERENCES repos(id) ON DELETE CASCADE,
    ref_collection INTEGER REFERENCES collections(id) ON DELETE CASCADE,
    paper_id       TEXT,
    note           TEXT,
    position       INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX collection_items_by_collection ON collection_items (collection_id, position);
"#;

/// LFS objects belong to repositories: the blob store keeps each content once, but a repository
/// only sees the objects uploaded to it (or referenced by its commits, recorded when first met).
const V4_LFS_OBJECTS: &str = r#"
CREATE TABLE lfs_objects (
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    oid         TEXT NOT NULL,     -- content sha256 = blob-store key
    size        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,  -- when the repository got it
    PRIMARY KEY (repo_id, oid)
) WITHOUT ROWID;
"#;

/// What `list_lfs_files` reports about an object (the first path and ref a commit gave it),
/// tombstones of permanently deleted objects (so that a commit walk never re-adds them), and
/// who follows whom.
const V5_LFS_FILES_AND_FOLLOWS: &str = r#"
ALTER TABLE lfs_objects ADD COLUMN filename TEXT;      -- first path a commit gave it
ALTER TABLE lfs_objects ADD COLUMN ref TEXT;           -- the ref of that commit
ALTER TABLE lfs_objects ADD COLUMN deleted_at INTEGER; -- set once permanently deleted
CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    target_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, target_id)
);
CREATE INDEX follows_by_target ON follows (target_id, created_at);
"#;

/// Spaces runtime settings. The local Hub runs no Space code: these are the settings a Space
/// owner asked for (reported back by `/runtime`), the variables, the names of the secrets (their
/// values are never stored: nothing here could read them), and the runtime events that make up
/// the Space's logs.
const V6_SPACES_RUNTIME: &str = r#"
CREATE TABLE space_runtime (
    repo_id     INTEGER PRIMARY KEY REFERENCES repos(id) ON DELETE CASCADE,
    hardware    TEXT,                       -- requested flavor; NULL = cpu-basic
    sleep_time  INTEGER,                    -- gcTimeout in seconds; NULL = the flavor's default
    storage     TEXT,                       -- small | medium | large (deprecated on the Hub)
    dev_mode    INTEGER NOT NULL DEFAULT 0,
    paused      INTEGER NOT NULL DEFAULT 0,
    stage       TEXT,                       -- set by the local Hub's operator; NULL = derived
    volumes     TEXT                        -- JSON array of volume objects; NULL = none
);
CREATE TABLE space_secrets (
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    description TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (repo_id, key)
) WITHOUT ROWID;
CREATE TABLE space_variables (
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    description TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (repo_id, key)
) WITHOUT ROWID;
CREATE TABLE space_events (
    id          INTEGER PRIMARY KEY,
    repo_id     INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    log         TEXT NOT NULL CHECK (log IN ('run', 'build')),
    line        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX space_events_by_repo ON space_events (repo_id, log, id);
"#;

/// Small blobs live in the database rather than one file each (see `store::small_blobs`): they
/// are written in the transaction of the commit that brings them. `sha256` is the blob-store
/// key, as in `tree_entries.sha256`; `size` is `length(data)`, kept so that sizes are read
/// without the content.
const V7_SMALL_BLOBS: &str = r#"
CREATE TABLE small_blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    data    BLOB NOT NULL
);
"#;

/// Xet storage (see `store::xet`): the xorbs the CAS received (their chunk layout and hashes, the
/// bytes themselves are files under `blobs/xorbs/`) and the files uploaded shards described
/// (how to rebuild them from xorbs, and the sha256 that links them to commits' `lfsFile`s).
const V8_XET: &str = r#"
CREATE TABLE xet_xorbs (
    hash          TEXT PRIMARY KEY,  -- Xet hex form
    num_chunks    INTEGER NOT NULL,
    stored_bytes  INTEGER NOT NULL,  -- serialized chunks, footer excluded
    chunk_ends    BLOB NOT NULL,     -- u32 LE per chunk: end of its serialized form
    unpacked_ends BLOB NOT NULL,     -- u32 LE per chunk: end of its uncompressed data
    chunk_hashes  BLOB NOT NULL,     -- 32 raw bytes per chunk
    created_at    INTEGER NOT NULL
);
CREATE TABLE xet_files (
    hash        TEXT PRIMARY KEY,    -- Xet file hash, hex form
    sha256      TEXT NOT NULL,       -- as the uploaded shard declared it
    size        INTEGER NOT NULL,
    segments    BLOB NOT NULL,       -- per segment: raw xorb hash, u32 LE chunk start, end
    created_at  INTEGER NOT NULL
);
CREATE INDEX xet_files_by_sha256 ON xet_files (sha256);
"#;

const MIGRATIONS: &[&str] = &[
    V1,
    V2_REPO_REDIRECTS,
    V3_COMMUNITY,
    V4_LFS_OBJECTS,
    V5_LFS_FILES_AND_FOLLOWS,
    V6_SPACES_RUNTIME,
    V7_SMALL_BLOBS,
    V8_XET,
];

/// Brings the database to the latest schema version in a single transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > current {
            tx.execute_batch(sql)?;
        }
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()
}

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}
