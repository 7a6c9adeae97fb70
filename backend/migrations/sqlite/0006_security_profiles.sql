-- The full security profile written when a clave is generated (DESIGN §2.1): contact data, the
-- security image, the password hash and the personal questions. Replaces the placeholder table
-- of 0005, which only recorded that a profile exists and which no released code path wrote.
DROP TABLE security_profiles;

CREATE TABLE security_profiles (
    affiliate_id        INTEGER NOT NULL PRIMARY KEY REFERENCES affiliates (id),
    id_number           TEXT    NOT NULL UNIQUE,
    email               TEXT    NOT NULL,
    mobile              TEXT    NOT NULL,
    landline            TEXT,
    image               TEXT    NOT NULL,
    -- argon2id PHC string; never a password.
    password_hash       TEXT    NOT NULL,
    password_changed_at INTEGER NOT NULL,
    -- Set by "No fui yo" (and, later, by failed logins); NULL while the clave can be used.
    locked_at           INTEGER,
    created_at          INTEGER NOT NULL
);

-- The personal security questions chosen at registration, each answer normalised and hashed with
-- argon2id (DESIGN §5.3).
CREATE TABLE security_answers (
    affiliate_id INTEGER NOT NULL REFERENCES security_profiles (affiliate_id) ON DELETE CASCADE,
    question     TEXT    NOT NULL,
    answer_hash  TEXT    NOT NULL,
    PRIMARY KEY (affiliate_id, question)
);
