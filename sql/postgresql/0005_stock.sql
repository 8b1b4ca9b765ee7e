-- Stock: moves, quants, reservations and valuation layers.
--
-- Quantities are integers in minor units of the product's unit of measure,
-- values in minor units of the product's currency. Moves and the quantity
-- and value of layers are immutable; a FIFO layer's remaining quantity and
-- value are consumed in place. Daily totals per quant and per product let
-- past quantities and values be read without replaying moves.

-- The journal that a category's perpetual valuation entries go to.
ALTER TABLE core.product_categories ADD COLUMN "stock_journal_id" uuid;
ALTER TABLE core.product_categories ADD FOREIGN KEY (tenant_id, "stock_journal_id") REFERENCES financial.journals (tenant_id, id);
CREATE INDEX product_categories_stock_journal_id ON core.product_categories (tenant_id, "stock_journal_id");

-- Per product: stock in internal locations and its value (the sum of the
-- layers), the last layer's number and the last known unit cost (what
-- units are valued at when there is no stock). Its row is the product's lock.
CREATE TABLE inventory.product_stock (
    tenant_id  uuid NOT NULL REFERENCES auth.tenants (id),
    product_id uuid NOT NULL,
    quantity   bigint NOT NULL DEFAULT 0,
    value      bigint NOT NULL DEFAULT 0,
    last_layer bigint NOT NULL DEFAULT 0 CHECK (last_layer >= 0),
    unit_cost  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core.products (tenant_id, id)
);

CREATE TABLE inventory.quants (
    tenant_id   uuid NOT NULL REFERENCES auth.tenants (id),
    product_id  uuid NOT NULL,
    location_id uuid NOT NULL,
    quantity    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id, location_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core.products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES inventory.locations (tenant_id, id)
);

CREATE TABLE inventory.quant_days (
    tenant_id   uuid NOT NULL,
    product_id  uuid NOT NULL,
    location_id uuid NOT NULL,
    day         date NOT NULL,
    quantity    bigint NOT NULL,
    PRIMARY KEY (tenant_id, product_id, location_id, day),
    FOREIGN KEY (tenant_id, product_id, location_id) REFERENCES inventory.quants (tenant_id, product_id, location_id)
);

CREATE TABLE inventory.reservations (
    tenant_id       uuid NOT NULL REFERENCES auth.tenants (id),
    id              uuid NOT NULL,
    product_id      uuid NOT NULL,
    location_id     uuid NOT NULL,
    quantity        bigint NOT NULL CHECK (quantity > 0),
    consumed        bigint NOT NULL DEFAULT 0 CHECK (consumed >= 0),
    state           text NOT NULL CHECK (state IN ('pending', 'consumed', 'released')),
    created_ms      bigint NOT NULL,
    expires_ms      bigint,
    ended_ms        bigint,
    move_id         uuid,
    reference       text,
    idempotency_key text,
    request_hash    text,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text NOT NULL,
    version         bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, product_id, location_id) REFERENCES inventory.quants (tenant_id, product_id, location_id)
);
CREATE INDEX reservations_quant ON inventory.reservations (tenant_id, product_id, location_id, state);

CREATE TABLE inventory.moves (
    tenant_id        uuid NOT NULL REFERENCES auth.tenants (id),
    id               uuid NOT NULL,
    product_id       uuid NOT NULL,
    quantity         bigint NOT NULL CHECK (quantity > 0),
    location_id      uuid NOT NULL,
    location_dest_id uuid NOT NULL,
    date             date NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('in', 'out', 'internal', 'external')),
    unit_cost        bigint,
    value            bigint NOT NULL DEFAULT 0,
    currency         text NOT NULL,
    reference        text,
    idempotency_key  text,
    request_hash     text,
    reservation_id   uuid,
    entry_id         uuid,
    created_at       timestamptz NOT NULL,
    created_by       text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, product_id) REFERENCES core.products (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES inventory.locations (tenant_id, id),
    FOREIGN KEY (tenant_id, location_dest_id) REFERENCES inventory.locations (tenant_id, id),
    FOREIGN KEY (tenant_id, reservation_id) REFERENCES inventory.reservations (tenant_id, id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES financial.entries (tenant_id, id)
);
CREATE INDEX moves_product ON inventory.moves (tenant_id, product_id, date, id);
CREATE INDEX moves_location ON inventory.moves (tenant_id, location_id, date, id);
CREATE INDEX moves_location_dest ON inventory.moves (tenant_id, location_dest_id, date, id);
CREATE INDEX moves_date ON inventory.moves (tenant_id, date, id);

CREATE TABLE inventory.layers (
    tenant_id       uuid NOT NULL,
    product_id      uuid NOT NULL,
    seq             bigint NOT NULL CHECK (seq >= 1),
    move_id         uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('in', 'out', 'correction')),
    date            date NOT NULL,
    quantity        bigint NOT NULL,
    value           bigint NOT NULL,
    remaining_qty   bigint NOT NULL DEFAULT 0,
    remaining_value bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id, seq),
    FOREIGN KEY (tenant_id, product_id) REFERENCES inventory.product_stock (tenant_id, product_id),
    FOREIGN KEY (tenant_id, move_id) REFERENCES inventory.moves (tenant_id, id)
);
CREATE INDEX layers_open ON inventory.layers (tenant_id, product_id, seq) WHERE remaining_qty <> 0;
CREATE INDEX layers_move ON inventory.layers (tenant_id, move_id);

CREATE TABLE inventory.layer_days (
    tenant_id  uuid NOT NULL,
    product_id uuid NOT NULL,
    day        date NOT NULL,
    quantity   bigint NOT NULL,
    value      bigint NOT NULL,
    PRIMARY KEY (tenant_id, product_id, day),
    FOREIGN KEY (tenant_id, product_id) REFERENCES inventory.product_stock (tenant_id, product_id)
);

-- Done moves are immutable; a layer's quantity and value too.
CREATE TRIGGER moves_immutable BEFORE UPDATE OR DELETE ON inventory.moves
    FOR EACH ROW EXECUTE FUNCTION system.refuse_change();
CREATE FUNCTION inventory.layer_guard() RETURNS trigger
LANGUAGE plpgsql AS
$$ BEGIN
    IF TG_OP = 'DELETE' OR NEW.tenant_id <> OLD.tenant_id OR NEW.product_id <> OLD.product_id OR NEW.seq <> OLD.seq
       OR NEW.move_id <> OLD.move_id OR NEW.kind <> OLD.kind OR NEW.date <> OLD.date
       OR NEW.quantity <> OLD.quantity OR NEW.value <> OLD.value THEN
        RAISE EXCEPTION 'valuation layers are immutable' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER layers_immutable BEFORE UPDATE OR DELETE ON inventory.layers
    FOR EACH ROW EXECUTE FUNCTION inventory.layer_guard();

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inventory.product_stock', 'inventory.quants', 'inventory.quant_days', 'inventory.reservations',
                             'inventory.moves', 'inventory.layers', 'inventory.layer_days'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = system.current_tenant()) WITH CHECK (tenant_id = system.current_tenant())', t);
        EXECUTE format('GRANT SELECT ON %s TO erp_readonly, erp_readwrite, erp_admin', t);
    END LOOP;
END
$$;
GRANT INSERT ON inventory.moves TO erp_readwrite, erp_admin;
GRANT INSERT, UPDATE ON inventory.product_stock, inventory.quants, inventory.quant_days, inventory.reservations,
    inventory.layers, inventory.layer_days TO erp_readwrite, erp_admin;
