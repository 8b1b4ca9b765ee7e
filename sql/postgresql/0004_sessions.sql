-- Users, sessions and login throttling.
--
-- Session times are bigint milliseconds since the Unix epoch: the core
-- compares them on every resume. A session row lives until it is logged
-- out, revoked or found expired; only a BLAKE2b hash of its token is kept.
--
-- Users, memberships, sessions and login failures are store-level
-- registries: logins and resumes run before any tenant is known, as the
-- store's own login role, which sees every row (RLS enabled, not forced).
-- Inside a tenant transaction (an erp_* role) the policies show only the
-- current tenant's rows, and never a password hash or login failure.

-- The store's identity: random, made once. The core prefixes cache keys
-- with it, so that stores on different databases can share one Redis and
-- stores on the same database share their cached sessions.
CREATE TABLE system.store_identity (
    id text PRIMARY KEY
);
INSERT INTO system.store_identity (id) VALUES (replace(gen_random_uuid()::text, '-', ''));

-- A membership can be disabled without being removed.
ALTER TABLE auth.memberships ADD COLUMN disabled boolean NOT NULL DEFAULT false;
ALTER TABLE auth.memberships NO FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.sessions (
    token_hash   text PRIMARY KEY CHECK (length(token_hash) = 64),
    tenant_id    uuid NOT NULL REFERENCES auth.tenants (id),
    user_id      uuid NOT NULL REFERENCES auth.users (id),
    created_ms   bigint NOT NULL,
    last_seen_ms bigint NOT NULL,
    expires_ms   bigint NOT NULL,
    idle_ms      bigint NOT NULL CHECK (idle_ms > 0),
    client_key   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON auth.sessions (tenant_id, user_id);
ALTER TABLE auth.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY current_tenant_only ON auth.sessions FOR SELECT
    TO erp_readonly, erp_readwrite, erp_admin
    USING (tenant_id = system.current_tenant());
GRANT SELECT (tenant_id, user_id, created_ms, last_seen_ms, expires_ms, idle_ms, client_key)
    ON auth.sessions TO erp_readonly, erp_readwrite, erp_admin;

CREATE TABLE auth.login_failures (
    key   text NOT NULL,
    at_ms bigint NOT NULL,
    id    uuid NOT NULL,
    PRIMARY KEY (key, at_ms, id)
);
ALTER TABLE auth.login_failures ENABLE ROW LEVEL SECURITY;

ALTER TABLE system.store_identity ENABLE ROW LEVEL SECURITY;
