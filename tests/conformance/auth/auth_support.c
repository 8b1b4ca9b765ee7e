#include "auth/auth_support.h"

#include <stdio.h>

erp_test_auth_rows erp_test_auth_rows_of(erp_store *store)
{
	int64_t v[6];
	erp_test_scalars(v, 6, store, NULL,
	                 "SELECT (SELECT count(*) FROM {auth.users}), (SELECT count(*) FROM {auth.memberships}), "
	                 "(SELECT count(*) FROM {auth.invitations}), "
	                 "(SELECT coalesce(sum(version), 0) FROM {auth.users}) + "
	                 "(SELECT coalesce(sum(version), 0) FROM {auth.memberships}) + "
	                 "(SELECT coalesce(sum(version), 0) FROM {auth.invitations}), "
	                 "(SELECT count(*) FROM {auth.sessions}), (SELECT count(*) FROM {system.audit_log})");
	erp_test_auth_rows s = { v[0], v[1], v[2], v[3], v[4], v[5] };
	return s;
}

void erp_test_assert_auth_unchanged(erp_store *store, erp_test_auth_rows before)
{
	erp_test_auth_rows now = erp_test_auth_rows_of(store);
	assert_int_equal(now.users, before.users);
	assert_int_equal(now.members, before.members);
	assert_int_equal(now.invitations, before.invitations);
	assert_int_equal(now.versions, before.versions);
	assert_int_equal(now.sessions, before.sessions);
	assert_int_equal(now.audit, before.audit);
}

void erp_test_unique_email(char out[96], const char *who)
{
	char u[16];
	erp_test_unique(u);
	snprintf(out, 96, "%s.%s@example.com", who, u);
}
