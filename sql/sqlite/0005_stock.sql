-- Stock: moves, quants, reservations and valuation layers.
--
-- Quantities are integers in minor units of the product's unit of measure,
-- values in minor units of the product's currency. Moves and the quantity
-- and value of layers are immutable; a FIFO layer's remaining quantity and
-- value are consumed in place. Daily totals per quant and per product let
-- past quantities and values be read without replaying moves.

-- The journal that a category's perpetual valuation entries go to.
ALTER TABLE core_product_categories ADD COLUMN stock_journal_id TEXT;

-- Per product: stock in internal locations and its value (the sum of the
-- layers), the last layer's number and the last known unit cost (what
-- units are valued at when there is no stock). Its row is the product's lock.
CREATE TABLE inventory_product_stock (
    tenant_id  TEXT NOT NULL REFERENCES auth_tenants (id),
    product_id TEXT NOT NULL,
    quantity   INTEGER NOT NULL DEFAULT 0,
    value      INTEGER NOT NULL DEFAULT 0,
    last_layer INTEGER NOT NULL DEFAULT 0 CHECK (last_layer >= 0),
    unit_cost  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core_products (tenant_id, id)
) STRICT;

CREATE TABLE inventory_quants (
    tenant_id   TEXT NOT NULL REFERENCES auth_tenants (id),
    product_id  TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id, location_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core_products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES inventory_locations (tenant_id, id)
) STRICT;

CREATE TABLE inventory_quant_days (
    tenant_id   TEXT NOT NULL,
    product_id  TEXT NOT NULL,
    location_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, product_id, location_id, day),
    FOREIGN KEY (tenant_id, product_id, location_id) REFERENCES inventory_quants (tenant_id, product_id, location_id)
) STRICT;

CREATE TABLE inventory_reservations (
    tenant_id       TEXT NOT NULL REFERENCES auth_tenants (id),
    id              TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    location_id     TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    consumed        INTEGER NOT NULL DEFAULT 0 CHECK (consumed >= 0),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'consumed', 'released')),
    created_ms      INTEGER NOT NULL,
    expires_ms      INTEGER,
    ended_ms        INTEGER,
    move_id         TEXT,
    reference       TEXT,
    idempotency_key TEXT,
    request_hash    TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, product_id, location_id) REFERENCES inventory_quants (tenant_id, product_id, location_id)
) STRICT;
CREATE INDEX inventory_reservations_quant ON inventory_reservations (tenant_id, product_id, location_id, state);

CREATE TABLE inventory_moves (
    tenant_id        TEXT NOT NULL REFERENCES auth_tenants (id),
    id               TEXT NOT NULL,
    product_id       TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    location_id      TEXT NOT NULL,
    location_dest_id TEXT NOT NULL,
    date             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('in', 'out', 'internal', 'external')),
    unit_cost        INTEGER,
    value            INTEGER NOT NULL DEFAULT 0,
    currency         TEXT NOT NULL,
    reference        TEXT,
    idempotency_key  TEXT,
    request_hash     TEXT,
    reservation_id   TEXT,
    entry_id         TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core_products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES inventory_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, location_dest_id) REFERENCES inventory_locations (tenant_id, id),
    FOREIGN KEY (tenant_id, reservation_id) REFERENCES inventory_reservations (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES financial_entries (tenant_id, id)
) STRICT;
CREATE INDEX inventory_moves_product ON inventory_moves (tenant_id, product_id, date, id);
CREATE INDEX inventory_moves_location ON inventory_moves (tenant_id, location_id, date, id);
CREATE INDEX inventory_moves_location_dest ON inventory_moves (tenant_id, location_dest_id, date, id);
CREATE INDEX inventory_moves_date ON inventory_moves (tenant_id, date, id);

CREATE TABLE inventory_layers (
    tenant_id       TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    move_id         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('in', 'out', 'correction')),
    date            TEXT NOT NULL,
    quantity        INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    remaining_qty   INTEGER NOT NULL DEFAULT 0,
    remaining_value INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id, seq),
    FOREIGN KEY (tenant_id, product_id) REFERENCES inventory_product_stock (tenant_id, product_id),
    FOREIGN KEY (tenant_id, move_id) REFERENCES inventory_moves (tenant_id, id)
) STRICT;
CREATE INDEX inventory_layers_open ON inventory_layers (tenant_id, product_id, remaining_qty, seq);
CREATE INDEX inventory_layers_move ON inventory_layers (tenant_id, move_id);

CREATE TABLE inventory_layer_days (
    tenant_id  TEXT NOT NULL,
    product_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, product_id, day),
    FOREIGN KEY (tenant_id, product_id) REFERENCES inventory_product_stock (tenant_id, product_id)
) STRICT;

-- Done moves are immutable; a layer's quantity and value too.
CREATE TRIGGER inventory_moves_no_update BEFORE UPDATE ON inventory_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are immutable'); END;
CREATE TRIGGER inventory_moves_no_delete BEFORE DELETE ON inventory_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are immutable'); END;
CREATE TRIGGER inventory_layers_no_change BEFORE UPDATE OF tenant_id, product_id, seq, move_id, kind, date, quantity, value ON inventory_layers
BEGIN SELECT RAISE(ABORT, 'valuation layers are immutable'); END;
CREATE TRIGGER inventory_layers_no_delete BEFORE DELETE ON inventory_layers
BEGIN SELECT RAISE(ABORT, 'valuation layers are immutable'); END;
