-- The staff console (DESIGN §3): staff accounts and sessions, in-person verifications, video
-- calls and their 24-hour block, and the foreigners a CAU agent enabled to generate a clave.

-- Staff members, created with the command line. Password: argon2id PHC string. Login also needs
-- a TOTP code (RFC 6238); each time step is accepted once (`last_totp_step`). `failures`
-- consecutive failed logins set `locked_at`; only `reset-staff-totp` lifts it.
CREATE TABLE staff (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('agente', 'supervisor', 'admin')),
    password_hash  TEXT    NOT NULL,
    -- Base32 (RFC 4648, no padding) of the TOTP secret.
    totp_secret    TEXT    NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_at      INTEGER,
    last_totp_step INTEGER,
    created_at     INTEGER NOT NULL
);

-- Staff sessions: the cookie holds a random id, the row its SHA-256.
CREATE TABLE staff_sessions (
    id_hash         TEXT    PRIMARY KEY,
    staff_id        INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    idle_expires_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (idle_expires_at);

-- An agent at a CAU counter checked the original document and registered the fingerprint: for
-- a while, that agent may act for that affiliate.
CREATE TABLE in_person_verifications (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id),
    affiliate_id INTEGER NOT NULL REFERENCES affiliates (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX in_person_verifications_by_affiliate ON in_person_verifications (affiliate_id);

-- Video calls: the questions drawn (a JSON list of what is asked, never an answer), and how the
-- call ended: NULL while open, 'verified', 'failed' or 'abandoned' (expired unanswered).
CREATE TABLE video_calls (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id),
    affiliate_id INTEGER NOT NULL REFERENCES affiliates (id),
    questions    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    outcome      TEXT CHECK (outcome IN ('verified', 'failed', 'abandoned')),
    answered_at  INTEGER,
    -- When the one action a verified call allows (the unlock) was done.
    used_at      INTEGER
);
-- At most one open call per affiliate: two agents racing cannot both draw questions.
CREATE UNIQUE INDEX video_calls_one_open ON video_calls (affiliate_id) WHERE outcome IS NULL;

-- A failed call blocks the channel for the affiliate until `blocked_until`.
CREATE TABLE video_call_blocks (
    affiliate_id  INTEGER PRIMARY KEY REFERENCES affiliates (id),
    blocked_until INTEGER NOT NULL
);

-- Foreigners may start a real first generation only once a CAU agent enabled it.
CREATE TABLE foreigner_enablements (
    affiliate_id INTEGER PRIMARY KEY REFERENCES affiliates (id),
    enabled_by   TEXT    NOT NULL,
    enabled_at   INTEGER NOT NULL
);
