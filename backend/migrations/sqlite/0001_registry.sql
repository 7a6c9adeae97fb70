-- The affiliate registry, imported by the operator (DESIGN §4). Instants are INTEGER Unix
-- milliseconds and dates ISO-8601 TEXT, the same in SQLite and PostgreSQL.
CREATE TABLE affiliates (
    id                 INTEGER PRIMARY KEY,
    id_kind            TEXT    NOT NULL CHECK (id_kind IN ('cedula', 'extranjero')),
    id_number          TEXT    NOT NULL UNIQUE,
    names              TEXT    NOT NULL,
    surnames           TEXT    NOT NULL,
    birth_date         TEXT    NOT NULL,
    email              TEXT,
    mobile             TEXT,
    landline           TEXT,
    employer           TEXT,
    first_contribution TEXT,
    huella_registrada  BOOLEAN NOT NULL DEFAULT FALSE,
    nationality        TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

-- Values every instance must share, such as the generated secret key.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
