-- Request rate limits (DESIGN §5.5): one fixed-window counter per key, where a key is a keyed hash
-- of a client IP or of an identification number (so the table names nobody). One upsert counts a
-- request and starts a new window when the old one has ended, so parallel requests and several
-- instances share one count. Rows whose window ended are purged.
CREATE TABLE rate_limits (
    key            TEXT    PRIMARY KEY,
    hits           INTEGER NOT NULL,
    window_ends_at INTEGER NOT NULL
);
CREATE INDEX rate_limits_by_window_end ON rate_limits (window_ends_at);
