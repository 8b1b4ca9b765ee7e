/*
 * What the users, invitations and sessions tests share: the rows a refused
 * call must leave as they were, and addresses no other test uses.
 */
#ifndef ERP_TEST_AUTH_SUPPORT_H
#define ERP_TEST_AUTH_SUPPORT_H

#include "conformance.h"

/* Users, memberships, invitations, their versions, sessions and audit rows of the whole store. */
typedef struct {
	int64_t users, members, invitations, versions, sessions, audit;
} erp_test_auth_rows;

erp_test_auth_rows erp_test_auth_rows_of(erp_store *store);

/* Fails the test naming the first count that differs from `before`. */
void erp_test_assert_auth_unchanged(erp_store *store, erp_test_auth_rows before);

/* "who.<unique>@example.com" into out. */
void erp_test_unique_email(char out[96], const char *who);

#endif
