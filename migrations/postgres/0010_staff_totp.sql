-- Two-factor login for staff: the TOTP secret (base32), a secret being set
-- up, and the last time step accepted (a code is never accepted twice).
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_pending TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT;

-- A password that was right, waiting for the second factor.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    reader_id  BIGINT NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    next       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
