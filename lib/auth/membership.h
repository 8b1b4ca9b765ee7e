/*
 * Whether someone is a member of a tenant: what every call taking a user
 * id asks first (users, sessions, invitations), answering alike for a
 * user of another tenant and for no user at all.
 */
#ifndef ERP_LIB_MEMBERSHIP_H
#define ERP_LIB_MEMBERSHIP_H

#include "core/db.h"

/**
 * ERP_OK when `user_id` has a membership (enabled or not) in `tenant_id`;
 * else raises ERP_ENOTFOUND (field "user_id"), as every user call answers
 * for someone outside the tenant. Inside a transaction of user work.
 */
int erp__member_require(erp__tx *tx, const char *tenant_id, const char *user_id);

/** Raises and returns the ERP_ENOTFOUND of erp__member_require for `user_id`. */
int erp__not_a_member(const char *user_id);

#endif
