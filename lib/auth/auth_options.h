/*
 * The store options of users and sessions (erp/store.h, version 2 fields):
 * their checks and defaults.
 */
#ifndef ERP_LIB_AUTH_OPTIONS_H
#define ERP_LIB_AUTH_OPTIONS_H

#include <erp/store.h>

/**
 * Checks the password, session and login-throttling options and fills in
 * the defaults of those left 0.
 *
 * @return ERP_OK; ERP_EINVALID naming the field out of range.
 */
int erp__auth_options_fill(erp_store_options *o);

#endif
