#include "membership.h"

#include "util/error.h"

int erp__not_a_member(const char *user_id)
{
	return erp__error(ERP_ENOTFOUND, "auth.user", "user_id", "user %s is not a member of this tenant", user_id);
}

int erp__member_require(erp__tx *tx, const char *tenant_id, const char *user_id)
{
	erp_value p[2] = { erp__v_text(tenant_id), erp__v_text(user_id) };
	int rc = erp__db_exists(tx, "SELECT 1 FROM {auth.memberships} WHERE tenant_id = $1 AND user_id = $2", p, 2);
	if (rc < 0)
		return rc;
	return rc == 1 ? ERP_OK : erp__not_a_member(user_id);
}
