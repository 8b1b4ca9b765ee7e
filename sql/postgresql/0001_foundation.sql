-- liberp foundation: schemas, roles, tenants, users, memberships, settings,
-- audit log. Every tenant table has row-level security keyed by
-- current_setting('app.current_tenant_id'), which the backend sets for each
-- transaction; FORCE makes the policies bind the table owner too.

CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS financial;
CREATE SCHEMA IF NOT EXISTS inventory;
CREATE SCHEMA IF NOT EXISTS purchase;
CREATE SCHEMA IF NOT EXISTS sales;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS projects;
CREATE SCHEMA IF NOT EXISTS system;

-- Roles are cluster-wide: create them once, tolerate a concurrent creator.
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['erp_readonly', 'erp_readwrite', 'erp_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END;
        END IF;
    END LOOP;
END
$$;

-- The connecting (migrating) role switches to these roles per transaction.
DO $$
BEGIN
    EXECUTE format('GRANT erp_readonly, erp_readwrite, erp_admin TO %I', current_user);
EXCEPTION WHEN others THEN
    IF NOT (pg_has_role(current_user, 'erp_readonly', 'MEMBER')
            AND pg_has_role(current_user, 'erp_readwrite', 'MEMBER')
            AND pg_has_role(current_user, 'erp_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'liberp: % must be a member of erp_readonly, erp_readwrite and erp_admin: %', current_user, SQLERRM;
    END IF;
END
$$;

-- The tenant id the transaction runs for; NULL when unset (no rows match).
CREATE FUNCTION system.current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT NULLIF(current_setting('app.current_tenant_id', true), '')::uuid $$;

CREATE TABLE auth.tenants (
    id            uuid PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    base_currency text NOT NULL CHECK (length(base_currency) = 3),
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL,
    version       bigint NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE TABLE auth.users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    display_name  text NOT NULL DEFAULT '',
    password_hash text,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL,
    version       bigint NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE TABLE auth.memberships (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    user_id    uuid NOT NULL REFERENCES auth.users (id),
    role       text NOT NULL CHECK (role IN ('readonly', 'readwrite', 'admin')),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON auth.memberships (user_id);

CREATE TABLE system.settings (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    key        text NOT NULL,
    value      text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE system.audit_log (
    tenant_id uuid NOT NULL REFERENCES auth.tenants (id),
    id        uuid NOT NULL,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'archive', 'post', 'reverse', 'move', 'login', 'logout', 'set')),
    entity    text NOT NULL,
    entity_id text NOT NULL,
    before    jsonb,
    after     jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_entity ON system.audit_log (tenant_id, entity, entity_id, id);

CREATE FUNCTION system.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation'; END $$;
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON system.audit_log
    FOR EACH ROW EXECUTE FUNCTION system.refuse_change();

-- Row-level security on every tenant table.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['auth.memberships', 'system.settings', 'system.audit_log'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = system.current_tenant()) WITH CHECK (tenant_id = system.current_tenant())', t);
    END LOOP;
END
$$;

-- The registries auth.tenants and auth.users have no tenant_id: store-level
-- work (as the login role, which owns them) sees every row. RLS is enabled
-- but not forced on them, so that inside a tenant transaction (running as
-- an erp_* role) only the current tenant and its members are visible.
ALTER TABLE auth.tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY current_tenant_only ON auth.tenants FOR SELECT
    TO erp_readonly, erp_readwrite, erp_admin
    USING (id = system.current_tenant());
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_of_current_tenant ON auth.users FOR SELECT
    TO erp_readonly, erp_readwrite, erp_admin
    USING (EXISTS (SELECT 1 FROM auth.memberships m
                   WHERE m.user_id = users.id AND m.tenant_id = system.current_tenant()));

-- Privileges: readonly reads; readwrite writes business data; admin also
-- settings and memberships. The audit log is insert-only for everyone.
-- Password hashes are never readable inside a tenant transaction.
GRANT USAGE ON SCHEMA auth, core, financial, inventory, purchase, sales, analytics, projects, system
    TO erp_readonly, erp_readwrite, erp_admin;
GRANT EXECUTE ON FUNCTION system.current_tenant() TO erp_readonly, erp_readwrite, erp_admin;
GRANT SELECT ON auth.tenants, auth.memberships, system.settings, system.audit_log
    TO erp_readonly, erp_readwrite, erp_admin;
GRANT SELECT (id, email, display_name, disabled, created_at, created_by, updated_at, updated_by, version)
    ON auth.users TO erp_readonly, erp_readwrite, erp_admin;
GRANT INSERT ON system.audit_log TO erp_readonly, erp_readwrite, erp_admin;
GRANT INSERT, UPDATE, DELETE ON system.settings, auth.memberships TO erp_admin;
