-- The mail outbox (DESIGN §8): a message is stored here in the same request that causes it and
-- sent by a background sender. Instants are INTEGER Unix milliseconds, as everywhere.
-- `locked_until` is the lease of the sender that claimed the row: while it is in the future no
-- other sender takes the message; if that sender dies the lease lapses and the message is retried.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    locked_until    INTEGER,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- What the `dev` transport "delivers": read at /dev/correo, never used in production.
CREATE TABLE dev_mailbox (
    id           INTEGER PRIMARY KEY,
    recipient    TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    text_body    TEXT    NOT NULL,
    html_body    TEXT,
    delivered_at INTEGER NOT NULL
);
