/* The described entity types and the migrated tables agree, on every backend. */
#include "conformance.h"

#include "entity/entity_row.h"

#include <stdio.h>

typedef struct {
	const erp__entity_type *type;
} schema_job;

static int select_every_column(erp__tx *tx, void *payload)
{
	schema_job *job = payload;
	erp__strbuf sql = ERP__STRBUF_INIT;
	erp__strbuf_puts(&sql, "SELECT tenant_id, ");
	erp__row_select_list(&sql, job->type, NULL);
	erp__strbuf_printf(&sql, " FROM %s WHERE 1 = 0", job->type->table);
	erp_storage_rows *rows;
	int rc = erp__db_query(&rows, tx, erp__strbuf_cstr(&sql), NULL, 0);
	if (rc == ERP_OK) {
		rc = erp__db_next(tx, rows);
		erp__db_close(tx, rows);
	}
	erp__strbuf_free(&sql);
	return rc < 0 ? rc : ERP_OK;
}

void test_schema__every_described_column_exists(void **state)
{
	erp_conformance_fixture *f = *state;
	char tenant[37];
	erp_test_tenant(tenant, f->store);
	size_t n;
	const erp__entity_type *types = erp__entity_types(&n);
	assert_true(n >= 18);
	for (size_t i = 0; i < n; i++) {
		schema_job job = { &types[i] };
		erp_storage_scope scope = { tenant, "tester", ERP_ROLE_READONLY };
		int rc = erp__tx_run(f->store, ERP_TX_READ, &scope, select_every_column, &job);
		if (rc != ERP_OK)
			fail_msg("%s: %s", types[i].name, erp_error_last()->message);
		for (size_t k = 0; k < types[i].field_count; k++) {
			const erp__field *fd = &types[i].fields[k];
			if (fd->kind == ERP__F_REFERENCE)
				assert_non_null(erp__entity_type_find(fd->references));
			if (fd->kind == ERP__F_MONEY || fd->kind == ERP__F_QUANTITY) {
				const char *sf = fd->scale_field[0] == '^' ? fd->scale_field + 1 : fd->scale_field;
				const erp__entity_type *owner = &types[i];
				if (fd->scale_field[0] == '^')
					owner = erp__entity_type_find(erp__entity_parent_field(&types[i])->references);
				if (!erp__entity_field(owner, sf))
					fail_msg("%s.%s: scale field %s is not a field of %s", types[i].name, fd->name, sf, owner->name);
			}
		}
	}
}

ERP_CONFORMANCE_GROUP(100, erp_conformance_fresh_setup, erp_conformance_fresh_teardown);
