-- Logging in, sessions and the security activity (DESIGN §2.3, §5.5, §5.7).
--
-- Two kinds of lock (DESIGN §2.3, lockout as a weapon): `locked_at` (from 0006) locks the clave
-- for every browser ("No fui yo", failures on a trusted browser); `unknown_locked_at` locks it
-- only for browsers this person never logged in from, after `unknown_failures` consecutive
-- failures from such browsers. A trusted browser counts its own failures in `trusted_devices`.
ALTER TABLE security_profiles ADD COLUMN unknown_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE security_profiles ADD COLUMN unknown_locked_at INTEGER;

-- A browser where this person logged in: the cookie holds a random id, the row its SHA-256.
CREATE TABLE trusted_devices (
    device_hash   TEXT    NOT NULL,
    affiliate_id  INTEGER NOT NULL REFERENCES security_profiles (affiliate_id) ON DELETE CASCADE,
    failures      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    PRIMARY KEY (device_hash, affiliate_id)
);
CREATE INDEX trusted_devices_by_affiliate ON trusted_devices (affiliate_id);
CREATE INDEX trusted_devices_by_expiry ON trusted_devices (expires_at);

-- Logged-in sessions: the cookie holds a random id, the row its SHA-256. A session ends when it
-- is idle past `idle_expires_at`, at `expires_at` (absolute), or when its row is deleted.
CREATE TABLE sessions (
    id_hash         TEXT    PRIMARY KEY,
    affiliate_id    INTEGER NOT NULL REFERENCES security_profiles (affiliate_id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    idle_expires_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX sessions_by_affiliate ON sessions (affiliate_id);
CREATE INDEX sessions_by_expiry ON sessions (idle_expires_at);

-- The audit trail (DESIGN §3): every security event and staff action. Append-only: the database
-- itself refuses to change or delete a row.
CREATE TABLE security_events (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    affiliate_id INTEGER REFERENCES affiliates (id),
    -- 'afiliado', 'sistema' or a staff member's user name.
    actor        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    ip           TEXT,
    user_agent   TEXT,
    case_number  TEXT,
    reason       TEXT
);
CREATE INDEX security_events_by_affiliate ON security_events (affiliate_id, at);
CREATE INDEX security_events_by_time ON security_events (at);

CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events
BEGIN
    SELECT RAISE(ABORT, 'security_events is append-only');
END;

CREATE TRIGGER security_events_no_delete BEFORE DELETE ON security_events
BEGIN
    SELECT RAISE(ABORT, 'security_events is append-only');
END;
