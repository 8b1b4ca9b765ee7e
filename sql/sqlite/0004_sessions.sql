-- Users, sessions and login throttling.
--
-- Session times are integer milliseconds since the Unix epoch: the core
-- compares them on every resume. A session row lives until it is logged
-- out, revoked or found expired; only a BLAKE2b hash of its token is kept.

-- The store's identity: random, made once. The core prefixes cache keys
-- with it, so that stores on different databases can share one Redis and
-- stores on the same database share their cached sessions.
CREATE TABLE system_store_identity (
    id TEXT PRIMARY KEY
) STRICT;
INSERT INTO system_store_identity (id) VALUES (lower(hex(randomblob(16))));

-- A membership can be disabled without being removed.
ALTER TABLE auth_memberships ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));

CREATE TABLE auth_sessions (
    token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    tenant_id    TEXT NOT NULL REFERENCES auth_tenants (id),
    user_id      TEXT NOT NULL REFERENCES auth_users (id),
    created_ms   INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL,
    idle_ms      INTEGER NOT NULL CHECK (idle_ms > 0),
    client_key   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX auth_sessions_user ON auth_sessions (tenant_id, user_id);

-- Failed logins, per key ('email:<email>' or 'client:<client key>'),
-- pruned as they leave the throttling window.
CREATE TABLE auth_login_failures (
    key   TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    id    TEXT NOT NULL,
    PRIMARY KEY (key, at_ms, id)
) STRICT;
