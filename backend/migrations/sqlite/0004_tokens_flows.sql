-- Emailed-link tokens: only the SHA-256 of the token is stored (DESIGN §5.4).
CREATE TABLE tokens (
    hash       TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX tokens_by_subject ON tokens (purpose, subject) WHERE used_at IS NULL;
CREATE INDEX tokens_by_expiry ON tokens (expires_at);

-- Wizard state kept on the server (DESIGN §2): the cookie holds a random id, the row its hash.
CREATE TABLE flows (
    id_hash    TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX flows_by_expiry ON flows (expires_at);
