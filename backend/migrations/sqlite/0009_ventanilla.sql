-- Ventanilla Virtual (DESIGN §2.5): cases filed with three documents, reviewed by staff.

-- The last case number given out in each year (Ecuador time): one upsert per filing hands out
-- the next one, so parallel filings never share a number.
CREATE TABLE ventanilla_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE ventanilla_cases (
    id              INTEGER PRIMARY KEY,
    -- VV-YYYY-NNNNNN
    number          TEXT    NOT NULL UNIQUE,
    request_type    TEXT    NOT NULL
        CHECK (request_type IN ('desbloqueo', 'recuperacion', 'actualizacion_correo')),
    -- As typed and validated; the case exists whether or not the registry knows the number.
    id_number       TEXT    NOT NULL,
    -- The registry row at filing time, when there is one.
    affiliate_id    INTEGER REFERENCES affiliates (id),
    contact_email   TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'recibido'
        CHECK (status IN ('recibido', 'en_revision', 'aprobado', 'rechazado')),
    decision_reason TEXT,
    -- The staff member who decided (user name).
    reviewer        TEXT,
    filed_at        INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    -- Closed exactly when decided.
    CHECK ((closed_at IS NULL) = (status IN ('recibido', 'en_revision')))
);
CREATE INDEX ventanilla_cases_open ON ventanilla_cases (filed_at) WHERE closed_at IS NULL;
CREATE INDEX ventanilla_cases_closed ON ventanilla_cases (closed_at) WHERE closed_at IS NOT NULL;

-- The attachments, in the database so every instance serves them (DESIGN §9). Deleted a
-- configurable time after the case closes; the case row and its audit events stay.
CREATE TABLE ventanilla_documents (
    case_id INTEGER NOT NULL REFERENCES ventanilla_cases (id) ON DELETE CASCADE,
    slot    TEXT    NOT NULL CHECK (slot IN ('anverso', 'reverso', 'selfie')),
    -- Sniffed from the bytes, never the browser's word.
    kind    TEXT    NOT NULL CHECK (kind IN ('jpeg', 'pdf')),
    size    INTEGER NOT NULL,
    content BLOB    NOT NULL,
    PRIMARY KEY (case_id, slot)
);
