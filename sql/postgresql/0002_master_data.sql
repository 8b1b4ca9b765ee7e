-- Master data of the nine areas, described once in lib/entity_types.c:
-- every row carries tenant_id, id (UUIDv7), created/updated at/by, version
-- and archived. Keys lead with tenant_id; references are composite foreign
-- keys (tenant_id, x) so that no row can point into another tenant.
-- Money, quantities and decimals are integers in minor units.

CREATE TABLE core.currencies (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text NOT NULL,
    "name"                       text NOT NULL,
    "exponent"                   bigint NOT NULL,
    "symbol"                     text,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code")
);

CREATE TABLE core.uoms (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "precision"                  bigint NOT NULL,
    "category"                   text NOT NULL CHECK ("category" IN ('unit', 'weight', 'volume', 'length', 'time', 'other')),
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "name")
);

CREATE TABLE financial.accounts (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text NOT NULL,
    "name"                       text NOT NULL,
    "type"                       text NOT NULL CHECK ("type" IN ('asset', 'liability', 'equity', 'income', 'expense')),
    "currency"                   text,
    "reconcilable"               boolean NOT NULL,
    "allow_posting"              boolean NOT NULL,
    "parent_id"                  uuid,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES financial.accounts (tenant_id, id)
);
CREATE INDEX accounts_parent_id ON financial.accounts (tenant_id, "parent_id");

CREATE TABLE core.product_categories (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "parent_id"                  uuid,
    "stock_valuation_account_id" uuid,
    "stock_input_account_id"     uuid,
    "stock_output_account_id"    uuid,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES core.product_categories (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_valuation_account_id") REFERENCES financial.accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_input_account_id") REFERENCES financial.accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_output_account_id") REFERENCES financial.accounts (tenant_id, id)
);
CREATE INDEX product_categories_parent_id ON core.product_categories (tenant_id, "parent_id");
CREATE INDEX product_categories_stock_valuation_account_id ON core.product_categories (tenant_id, "stock_valuation_account_id");
CREATE INDEX product_categories_stock_input_account_id ON core.product_categories (tenant_id, "stock_input_account_id");
CREATE INDEX product_categories_stock_output_account_id ON core.product_categories (tenant_id, "stock_output_account_id");

CREATE TABLE core.products (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "sku"                        text,
    "barcode"                    text,
    "type"                       text NOT NULL CHECK ("type" IN ('storable', 'consumable', 'service')),
    "uom_id"                     uuid NOT NULL,
    "category_id"                uuid,
    "cost_method"                text NOT NULL CHECK ("cost_method" IN ('standard', 'average', 'fifo')),
    "currency"                   text NOT NULL,
    "standard_price"             bigint,
    "list_price"                 bigint,
    "description"                text,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "sku"),
    UNIQUE (tenant_id, "barcode"),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core.uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "category_id") REFERENCES core.product_categories (tenant_id, id)
);
CREATE INDEX products_uom_id ON core.products (tenant_id, "uom_id");
CREATE INDEX products_category_id ON core.products (tenant_id, "category_id");

CREATE TABLE core.partners (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "kind"                       text NOT NULL CHECK ("kind" IN ('company', 'person')),
    "parent_id"                  uuid,
    "ref"                        text,
    "email"                      text,
    "phone"                      text,
    "vat"                        text,
    "street"                     text,
    "city"                       text,
    "zip"                        text,
    "country"                    text,
    "is_customer"                boolean NOT NULL,
    "is_supplier"                boolean NOT NULL,
    "currency"                   text NOT NULL,
    "credit_limit"               bigint,
    "tags"                       jsonb,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES core.partners (tenant_id, id),
    UNIQUE (tenant_id, "ref")
);
CREATE INDEX partners_parent_id ON core.partners (tenant_id, "parent_id");

CREATE TABLE financial.journals (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text NOT NULL,
    "name"                       text NOT NULL,
    "type"                       text NOT NULL CHECK ("type" IN ('sale', 'purchase', 'cash', 'bank', 'general')),
    "default_account_id"         uuid,
    "currency"                   text,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "default_account_id") REFERENCES financial.accounts (tenant_id, id)
);
CREATE INDEX journals_default_account_id ON financial.journals (tenant_id, "default_account_id");

CREATE TABLE financial.taxes (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "rate"                       bigint NOT NULL,
    "type_tax_use"               text NOT NULL CHECK ("type_tax_use" IN ('sale', 'purchase', 'none')),
    "price_include"              boolean NOT NULL,
    "account_id"                 uuid,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "name"),
    FOREIGN KEY (tenant_id, "account_id") REFERENCES financial.accounts (tenant_id, id)
);
CREATE INDEX taxes_account_id ON financial.taxes (tenant_id, "account_id");

CREATE TABLE inventory.warehouses (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text NOT NULL,
    "name"                       text NOT NULL,
    "partner_id"                 uuid,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core.partners (tenant_id, id)
);
CREATE INDEX warehouses_partner_id ON inventory.warehouses (tenant_id, "partner_id");

CREATE TABLE inventory.locations (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "name"                       text NOT NULL,
    "usage"                      text NOT NULL CHECK ("usage" IN ('internal', 'supplier', 'customer', 'inventory', 'transit', 'view')),
    "warehouse_id"               uuid,
    "parent_id"                  uuid,
    "allow_negative"             boolean NOT NULL,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "warehouse_id") REFERENCES inventory.warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES inventory.locations (tenant_id, id)
);
CREATE INDEX locations_warehouse_id ON inventory.locations (tenant_id, "warehouse_id");
CREATE INDEX locations_parent_id ON inventory.locations (tenant_id, "parent_id");

CREATE TABLE sales.orders (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "number"                     text,
    "partner_id"                 uuid NOT NULL,
    "date"                       date NOT NULL,
    "currency"                   text NOT NULL,
    "state"                      text NOT NULL CHECK ("state" IN ('draft', 'confirmed', 'done', 'cancelled')),
    "amount_total"               bigint NOT NULL,
    "note"                       text,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "number"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core.partners (tenant_id, id)
);
CREATE INDEX orders_partner_id ON sales.orders (tenant_id, "partner_id");

CREATE TABLE sales.order_lines (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "order_id"                   uuid NOT NULL,
    "sequence"                   bigint NOT NULL,
    "product_id"                 uuid,
    "description"                text,
    "uom_id"                     uuid NOT NULL,
    "quantity"                   bigint NOT NULL,
    "price_unit"                 bigint NOT NULL,
    "tax_id"                     uuid,
    "amount"                     bigint NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "order_id") REFERENCES sales.orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, "product_id") REFERENCES core.products (tenant_id, id),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core.uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "tax_id") REFERENCES financial.taxes (tenant_id, id)
);
CREATE INDEX order_lines_order_id ON sales.order_lines (tenant_id, "order_id");
CREATE INDEX order_lines_product_id ON sales.order_lines (tenant_id, "product_id");
CREATE INDEX order_lines_uom_id ON sales.order_lines (tenant_id, "uom_id");
CREATE INDEX order_lines_tax_id ON sales.order_lines (tenant_id, "tax_id");

CREATE TABLE purchase.orders (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "number"                     text,
    "partner_id"                 uuid NOT NULL,
    "date"                       date NOT NULL,
    "currency"                   text NOT NULL,
    "state"                      text NOT NULL CHECK ("state" IN ('draft', 'confirmed', 'done', 'cancelled')),
    "amount_total"               bigint NOT NULL,
    "note"                       text,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "number"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core.partners (tenant_id, id)
);
CREATE INDEX orders_partner_id ON purchase.orders (tenant_id, "partner_id");

CREATE TABLE purchase.order_lines (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "order_id"                   uuid NOT NULL,
    "sequence"                   bigint NOT NULL,
    "product_id"                 uuid,
    "description"                text,
    "uom_id"                     uuid NOT NULL,
    "quantity"                   bigint NOT NULL,
    "price_unit"                 bigint NOT NULL,
    "tax_id"                     uuid,
    "amount"                     bigint NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "order_id") REFERENCES purchase.orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, "product_id") REFERENCES core.products (tenant_id, id),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core.uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "tax_id") REFERENCES financial.taxes (tenant_id, id)
);
CREATE INDEX order_lines_order_id ON purchase.order_lines (tenant_id, "order_id");
CREATE INDEX order_lines_product_id ON purchase.order_lines (tenant_id, "product_id");
CREATE INDEX order_lines_uom_id ON purchase.order_lines (tenant_id, "uom_id");
CREATE INDEX order_lines_tax_id ON purchase.order_lines (tenant_id, "tax_id");

CREATE TABLE analytics.accounts (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text,
    "name"                       text NOT NULL,
    "parent_id"                  uuid,
    "active"                     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES analytics.accounts (tenant_id, id)
);
CREATE INDEX accounts_parent_id ON analytics.accounts (tenant_id, "parent_id");

CREATE TABLE projects.projects (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "code"                       text,
    "name"                       text NOT NULL,
    "partner_id"                 uuid,
    "analytic_account_id"        uuid,
    "state"                      text NOT NULL CHECK ("state" IN ('active', 'closed')),
    "start_date"                 date,
    "end_date"                   date,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core.partners (tenant_id, id),
    FOREIGN KEY (tenant_id, "analytic_account_id") REFERENCES analytics.accounts (tenant_id, id)
);
CREATE INDEX projects_partner_id ON projects.projects (tenant_id, "partner_id");
CREATE INDEX projects_analytic_account_id ON projects.projects (tenant_id, "analytic_account_id");

CREATE TABLE projects.tasks (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "project_id"                 uuid NOT NULL,
    "name"                       text NOT NULL,
    "state"                      text NOT NULL CHECK ("state" IN ('todo', 'doing', 'done', 'cancelled')),
    "assignee"                   text,
    "due_date"                   date,
    "planned_hours"              bigint,
    "closed_at"                  timestamptz,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "project_id") REFERENCES projects.projects (tenant_id, id)
);
CREATE INDEX tasks_project_id ON projects.tasks (tenant_id, "project_id");

CREATE TABLE projects.timesheets (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    id         uuid NOT NULL,
    "task_id"                    uuid NOT NULL,
    "date"                       date NOT NULL,
    "employee"                   text NOT NULL,
    "hours"                      bigint NOT NULL,
    "description"                text,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "task_id") REFERENCES projects.tasks (tenant_id, id)
);
CREATE INDEX timesheets_task_id ON projects.timesheets (tenant_id, "task_id");

-- Row-level security and privileges on every table of this migration.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['core.currencies', 'core.uoms', 'financial.accounts', 'core.product_categories', 'core.products', 'core.partners', 'financial.journals', 'financial.taxes', 'inventory.warehouses', 'inventory.locations', 'sales.orders', 'sales.order_lines', 'purchase.orders', 'purchase.order_lines', 'analytics.accounts', 'projects.projects', 'projects.tasks', 'projects.timesheets'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = system.current_tenant()) WITH CHECK (tenant_id = system.current_tenant())', t);
        EXECUTE format('GRANT SELECT ON %s TO erp_readonly, erp_readwrite, erp_admin', t);
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO erp_readwrite, erp_admin', t);
    END LOOP;
END
$$;
