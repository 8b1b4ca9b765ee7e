/**
 * @file erp/erp.h
 * @brief Umbrella header: `#include <erp/erp.h>` gives the whole public API.
 *
 * Conventions, once for every header:
 * - Names are `erp_<noun>_<verb>`; types `erp_<noun>`; macros `ERP_`.
 * - Functions that can fail return ERP_OK (0) or a negative erp_error_code;
 *   details are in erp_error_last() (erp/errors.h).
 * - Outputs come first (named `out`), then the handle, then inputs.
 * - Handles are opaque; every free/close function accepts NULL.
 * - Text returned to the caller arrives in an erp_buf (erp/buf.h).
 * - Strings are UTF-8; ids are UUIDv7 text; money and quantities are exact
 *   integers in minor units, written as decimal strings in JSON.
 */
#ifndef ERP_ERP_H
#define ERP_ERP_H

#include "common.h"
#include "version.h"
#include "errors.h"
#include "buf.h"
#include "store.h"
#include "tenant.h"
#include "context.h"
#include "setting.h"
#include "audit.h"
#include "entity.h"
#include "ledger.h"
#include "user.h"
#include "invitation.h"
#include "session.h"
#include "rate_limit.h"
#include "stock.h"

#endif /* ERP_ERP_H */
