/* Run-time version (erp/version.h). */
#include <erp/version.h>

const char *erp_version(void)
{
	return LIBERP_VERSION;
}

int erp_version_number(void)
{
	return LIBERP_VERSION_NUMBER;
}
