-- Challenge attempt counters (DESIGN §2.1, §5.5): one row per (subject, process). `subject` is a
-- keyed hash of the identification, the same derivation for known and unknown numbers, so this
-- table says nothing about who is in the registry. `day` is the America/Guayaquil calendar day
-- (ISO-8601 TEXT) that `day_count` counts; a reservation on another day starts it again at 1.
-- Every change is one conditional UPDATE, so parallel requests never exceed a limit.
CREATE TABLE attempt_counters (
    subject    TEXT    NOT NULL,
    process    TEXT    NOT NULL CHECK (process IN ('generation', 'recovery')),
    day        TEXT    NOT NULL,
    day_count  INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (subject, process)
);

-- Who already has a clave. Only the columns generation needs to tell "first time" from "use
-- recovery"; the security questions, image and password hash are added with the later steps.
CREATE TABLE security_profiles (
    affiliate_id INTEGER NOT NULL PRIMARY KEY REFERENCES affiliates (id),
    id_number    TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
);
