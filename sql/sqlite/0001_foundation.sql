-- liberp foundation: tenants, users, memberships, settings, audit log.
-- SQLite names tables <area>_<table>; the core filters every statement by
-- tenant_id. Timestamps are TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC).

CREATE TABLE auth_tenants (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    base_currency TEXT NOT NULL CHECK (length(base_currency) = 3),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE auth_users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE auth_memberships (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    user_id    TEXT NOT NULL REFERENCES auth_users (id),
    role       TEXT NOT NULL CHECK (role IN ('readonly', 'readwrite', 'admin')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, user_id)
) STRICT;
CREATE INDEX auth_memberships_user ON auth_memberships (user_id);

CREATE TABLE system_settings (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, key)
) STRICT;

CREATE TABLE system_audit_log (
    tenant_id TEXT NOT NULL REFERENCES auth_tenants (id),
    id        TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'archive', 'post', 'reverse', 'move', 'login', 'logout', 'set')),
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX system_audit_log_entity ON system_audit_log (tenant_id, entity, entity_id, id);

-- The audit log is append-only.
CREATE TRIGGER system_audit_log_no_update BEFORE UPDATE ON system_audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows are immutable'); END;
CREATE TRIGGER system_audit_log_no_delete BEFORE DELETE ON system_audit_log
BEGIN SELECT RAISE(ABORT, 'audit log rows are immutable'); END;
