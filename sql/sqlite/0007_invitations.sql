-- Invitations: membership by consent (erp/invitation.h).
--
-- An admin invites an email with a role; the invited person accepts with
-- the token (a random 256-bit secret handed to the admin once; only its
-- BLAKE2b-256 hash is kept, as for sessions). A row never names a user:
-- the inviting tenant learns nothing of the account until it is accepted.
-- Expiry is integer milliseconds since the Unix epoch, as for sessions.
CREATE TABLE auth_invitations (
    tenant_id   TEXT NOT NULL REFERENCES auth_tenants (id),
    id          TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('readonly', 'readwrite', 'admin')),
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked')),
    expires_ms  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX auth_invitations_email ON auth_invitations (tenant_id, email);
