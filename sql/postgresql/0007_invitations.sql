-- Invitations: membership by consent (erp/invitation.h).
--
-- An admin invites an email with a role; the invited person accepts with
-- the token (a random 256-bit secret handed to the admin once; only its
-- BLAKE2b-256 hash is kept, as for sessions). A row never names a user:
-- the inviting tenant learns nothing of the account until it is accepted.
-- Expiry is bigint milliseconds since the Unix epoch, as for sessions.
--
-- Like memberships and sessions, a store-level registry: accepting runs
-- before the inviting tenant is known, as the store's own login role,
-- which sees every row (RLS enabled, not forced). Inside a tenant
-- transaction (an erp_* role) the policy shows only the current tenant's
-- rows, and never a token hash.
CREATE TABLE auth.invitations (
    tenant_id   uuid NOT NULL REFERENCES auth.tenants (id),
    id          uuid NOT NULL,
    token_hash  text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    email       text NOT NULL,
    role        text NOT NULL CHECK (role IN ('readonly', 'readwrite', 'admin')),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked')),
    expires_ms  bigint NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL,
    version     bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX invitations_email ON auth.invitations (tenant_id, email);
ALTER TABLE auth.invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON auth.invitations
    TO erp_readonly, erp_readwrite, erp_admin
    USING (tenant_id = system.current_tenant()) WITH CHECK (tenant_id = system.current_tenant());
GRANT SELECT (tenant_id, id, email, role, status, expires_ms, created_at, created_by, updated_at, updated_by, version)
    ON auth.invitations TO erp_admin;
