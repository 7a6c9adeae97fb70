-- Captcha challenges already accepted (DESIGN §5.6). The primary key makes spending one atomic
-- `INSERT … ON CONFLICT DO NOTHING`; a row is kept until its challenge expires, after which a
-- replay is refused as expired anyway and the purge deletes it. `expires_at`: Unix milliseconds.
CREATE TABLE spent_captchas (
    challenge  TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX spent_captchas_by_expiry ON spent_captchas (expires_at);
