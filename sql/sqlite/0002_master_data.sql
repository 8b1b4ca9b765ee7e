-- Master data of the nine areas, described once in lib/entity_types.c:
-- every row carries tenant_id, id (UUIDv7), created/updated at/by, version
-- and archived. Keys lead with tenant_id; references are composite foreign
-- keys (tenant_id, x) so that no row can point into another tenant.
-- Money, quantities and decimals are integers in minor units.

CREATE TABLE core_currencies (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "exponent"                   INTEGER NOT NULL,
    "symbol"                     TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code")
) STRICT;

CREATE TABLE core_uoms (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "precision"                  INTEGER NOT NULL,
    "category"                   TEXT NOT NULL CHECK ("category" IN ('unit', 'weight', 'volume', 'length', 'time', 'other')),
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "name")
) STRICT;

CREATE TABLE financial_accounts (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "type"                       TEXT NOT NULL CHECK ("type" IN ('asset', 'liability', 'equity', 'income', 'expense')),
    "currency"                   TEXT,
    "reconcilable"               INTEGER NOT NULL CHECK ("reconcilable" IN (0, 1)),
    "allow_posting"              INTEGER NOT NULL CHECK ("allow_posting" IN (0, 1)),
    "parent_id"                  TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES financial_accounts (tenant_id, id)
) STRICT;
CREATE INDEX financial_accounts_parent_id ON financial_accounts (tenant_id, "parent_id");

CREATE TABLE core_product_categories (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "parent_id"                  TEXT,
    "stock_valuation_account_id" TEXT,
    "stock_input_account_id"     TEXT,
    "stock_output_account_id"    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES core_product_categories (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_valuation_account_id") REFERENCES financial_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_input_account_id") REFERENCES financial_accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, "stock_output_account_id") REFERENCES financial_accounts (tenant_id, id)
) STRICT;
CREATE INDEX core_product_categories_parent_id ON core_product_categories (tenant_id, "parent_id");
CREATE INDEX core_product_categories_stock_valuation_account_id ON core_product_categories (tenant_id, "stock_valuation_account_id");
CREATE INDEX core_product_categories_stock_input_account_id ON core_product_categories (tenant_id, "stock_input_account_id");
CREATE INDEX core_product_categories_stock_output_account_id ON core_product_categories (tenant_id, "stock_output_account_id");

CREATE TABLE core_products (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "sku"                        TEXT,
    "barcode"                    TEXT,
    "type"                       TEXT NOT NULL CHECK ("type" IN ('storable', 'consumable', 'service')),
    "uom_id"                     TEXT NOT NULL,
    "category_id"                TEXT,
    "cost_method"                TEXT NOT NULL CHECK ("cost_method" IN ('standard', 'average', 'fifo')),
    "currency"                   TEXT NOT NULL,
    "standard_price"             INTEGER,
    "list_price"                 INTEGER,
    "description"                TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "sku"),
    UNIQUE (tenant_id, "barcode"),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core_uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "category_id") REFERENCES core_product_categories (tenant_id, id)
) STRICT;
CREATE INDEX core_products_uom_id ON core_products (tenant_id, "uom_id");
CREATE INDEX core_products_category_id ON core_products (tenant_id, "category_id");

CREATE TABLE core_partners (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "kind"                       TEXT NOT NULL CHECK ("kind" IN ('company', 'person')),
    "parent_id"                  TEXT,
    "ref"                        TEXT,
    "email"                      TEXT,
    "phone"                      TEXT,
    "vat"                        TEXT,
    "street"                     TEXT,
    "city"                       TEXT,
    "zip"                        TEXT,
    "country"                    TEXT,
    "is_customer"                INTEGER NOT NULL CHECK ("is_customer" IN (0, 1)),
    "is_supplier"                INTEGER NOT NULL CHECK ("is_supplier" IN (0, 1)),
    "currency"                   TEXT NOT NULL,
    "credit_limit"               INTEGER,
    "tags"                       TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES core_partners (tenant_id, id),
    UNIQUE (tenant_id, "ref")
) STRICT;
CREATE INDEX core_partners_parent_id ON core_partners (tenant_id, "parent_id");

CREATE TABLE financial_journals (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "type"                       TEXT NOT NULL CHECK ("type" IN ('sale', 'purchase', 'cash', 'bank', 'general')),
    "default_account_id"         TEXT,
    "currency"                   TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "default_account_id") REFERENCES financial_accounts (tenant_id, id)
) STRICT;
CREATE INDEX financial_journals_default_account_id ON financial_journals (tenant_id, "default_account_id");

CREATE TABLE financial_taxes (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "rate"                       INTEGER NOT NULL,
    "type_tax_use"               TEXT NOT NULL CHECK ("type_tax_use" IN ('sale', 'purchase', 'none')),
    "price_include"              INTEGER NOT NULL CHECK ("price_include" IN (0, 1)),
    "account_id"                 TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "name"),
    FOREIGN KEY (tenant_id, "account_id") REFERENCES financial_accounts (tenant_id, id)
) STRICT;
CREATE INDEX financial_taxes_account_id ON financial_taxes (tenant_id, "account_id");

CREATE TABLE inventory_warehouses (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "partner_id"                 TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core_partners (tenant_id, id)
) STRICT;
CREATE INDEX inventory_warehouses_partner_id ON inventory_warehouses (tenant_id, "partner_id");

CREATE TABLE inventory_locations (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "usage"                      TEXT NOT NULL CHECK ("usage" IN ('internal', 'supplier', 'customer', 'inventory', 'transit', 'view')),
    "warehouse_id"               TEXT,
    "parent_id"                  TEXT,
    "allow_negative"             INTEGER NOT NULL CHECK ("allow_negative" IN (0, 1)),
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "warehouse_id") REFERENCES inventory_warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES inventory_locations (tenant_id, id)
) STRICT;
CREATE INDEX inventory_locations_warehouse_id ON inventory_locations (tenant_id, "warehouse_id");
CREATE INDEX inventory_locations_parent_id ON inventory_locations (tenant_id, "parent_id");

CREATE TABLE sales_orders (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "number"                     TEXT,
    "partner_id"                 TEXT NOT NULL,
    "date"                       TEXT NOT NULL,
    "currency"                   TEXT NOT NULL,
    "state"                      TEXT NOT NULL CHECK ("state" IN ('draft', 'confirmed', 'done', 'cancelled')),
    "amount_total"               INTEGER NOT NULL,
    "note"                       TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "number"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core_partners (tenant_id, id)
) STRICT;
CREATE INDEX sales_orders_partner_id ON sales_orders (tenant_id, "partner_id");

CREATE TABLE sales_order_lines (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "order_id"                   TEXT NOT NULL,
    "sequence"                   INTEGER NOT NULL,
    "product_id"                 TEXT,
    "description"                TEXT,
    "uom_id"                     TEXT NOT NULL,
    "quantity"                   INTEGER NOT NULL,
    "price_unit"                 INTEGER NOT NULL,
    "tax_id"                     TEXT,
    "amount"                     INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "order_id") REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, "product_id") REFERENCES core_products (tenant_id, id),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core_uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "tax_id") REFERENCES financial_taxes (tenant_id, id)
) STRICT;
CREATE INDEX sales_order_lines_order_id ON sales_order_lines (tenant_id, "order_id");
CREATE INDEX sales_order_lines_product_id ON sales_order_lines (tenant_id, "product_id");
CREATE INDEX sales_order_lines_uom_id ON sales_order_lines (tenant_id, "uom_id");
CREATE INDEX sales_order_lines_tax_id ON sales_order_lines (tenant_id, "tax_id");

CREATE TABLE purchase_orders (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "number"                     TEXT,
    "partner_id"                 TEXT NOT NULL,
    "date"                       TEXT NOT NULL,
    "currency"                   TEXT NOT NULL,
    "state"                      TEXT NOT NULL CHECK ("state" IN ('draft', 'confirmed', 'done', 'cancelled')),
    "amount_total"               INTEGER NOT NULL,
    "note"                       TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "number"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core_partners (tenant_id, id)
) STRICT;
CREATE INDEX purchase_orders_partner_id ON purchase_orders (tenant_id, "partner_id");

CREATE TABLE purchase_order_lines (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "order_id"                   TEXT NOT NULL,
    "sequence"                   INTEGER NOT NULL,
    "product_id"                 TEXT,
    "description"                TEXT,
    "uom_id"                     TEXT NOT NULL,
    "quantity"                   INTEGER NOT NULL,
    "price_unit"                 INTEGER NOT NULL,
    "tax_id"                     TEXT,
    "amount"                     INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "order_id") REFERENCES purchase_orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, "product_id") REFERENCES core_products (tenant_id, id),
    FOREIGN KEY (tenant_id, "uom_id") REFERENCES core_uoms (tenant_id, id),
    FOREIGN KEY (tenant_id, "tax_id") REFERENCES financial_taxes (tenant_id, id)
) STRICT;
CREATE INDEX purchase_order_lines_order_id ON purchase_order_lines (tenant_id, "order_id");
CREATE INDEX purchase_order_lines_product_id ON purchase_order_lines (tenant_id, "product_id");
CREATE INDEX purchase_order_lines_uom_id ON purchase_order_lines (tenant_id, "uom_id");
CREATE INDEX purchase_order_lines_tax_id ON purchase_order_lines (tenant_id, "tax_id");

CREATE TABLE analytics_accounts (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT,
    "name"                       TEXT NOT NULL,
    "parent_id"                  TEXT,
    "active"                     INTEGER NOT NULL CHECK ("active" IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "parent_id") REFERENCES analytics_accounts (tenant_id, id)
) STRICT;
CREATE INDEX analytics_accounts_parent_id ON analytics_accounts (tenant_id, "parent_id");

CREATE TABLE projects_projects (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "code"                       TEXT,
    "name"                       TEXT NOT NULL,
    "partner_id"                 TEXT,
    "analytic_account_id"        TEXT,
    "state"                      TEXT NOT NULL CHECK ("state" IN ('active', 'closed')),
    "start_date"                 TEXT,
    "end_date"                   TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, "code"),
    FOREIGN KEY (tenant_id, "partner_id") REFERENCES core_partners (tenant_id, id),
    FOREIGN KEY (tenant_id, "analytic_account_id") REFERENCES analytics_accounts (tenant_id, id)
) STRICT;
CREATE INDEX projects_projects_partner_id ON projects_projects (tenant_id, "partner_id");
CREATE INDEX projects_projects_analytic_account_id ON projects_projects (tenant_id, "analytic_account_id");

CREATE TABLE projects_tasks (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "project_id"                 TEXT NOT NULL,
    "name"                       TEXT NOT NULL,
    "state"                      TEXT NOT NULL CHECK ("state" IN ('todo', 'doing', 'done', 'cancelled')),
    "assignee"                   TEXT,
    "due_date"                   TEXT,
    "planned_hours"              INTEGER,
    "closed_at"                  TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "project_id") REFERENCES projects_projects (tenant_id, id)
) STRICT;
CREATE INDEX projects_tasks_project_id ON projects_tasks (tenant_id, "project_id");

CREATE TABLE projects_timesheets (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    id         TEXT NOT NULL,
    "task_id"                    TEXT NOT NULL,
    "date"                       TEXT NOT NULL,
    "employee"                   TEXT NOT NULL,
    "hours"                      INTEGER NOT NULL,
    "description"                TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, "task_id") REFERENCES projects_tasks (tenant_id, id)
) STRICT;
CREATE INDEX projects_timesheets_task_id ON projects_timesheets (tenant_id, "task_id");

