-- Failed logins are counted per client address and user name, not per account: a run of wrong
-- passwords from one address delays that address (longer with each failure), and never locks the
-- account itself, so nobody can lock the last SuperUser out by guessing from elsewhere. A row is
-- claimed (failures + 1) before the password is checked, so parallel guesses each count.
CREATE TABLE login_failures (
    client_address  TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    failures        INT NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (client_address, user_name)
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
CREATE INDEX login_failures_user ON login_failures (user_name);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

-- The oldest of a user's live tokens are revoked beyond a cap; existing tokens count as issued now.
ALTER TABLE access_tokens ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX access_tokens_user ON access_tokens (user_id, created_at);
