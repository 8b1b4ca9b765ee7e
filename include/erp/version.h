/**
 * @file erp/version.h
 * @brief Compile-time and run-time version of liberp.
 *
 * Compare the header with the library you run against, as SQLite does:
 *
 *     if (erp_version_number() != LIBERP_VERSION_NUMBER) ... mismatch ...
 */
#ifndef ERP_VERSION_H
#define ERP_VERSION_H

#include "common.h"

/** Major version: changes when the API or ABI breaks. */
#define LIBERP_VERSION_MAJOR 0
/** Minor version: grows when functions or fields are added. */
#define LIBERP_VERSION_MINOR 1
/** Patch version: fixes only. */
#define LIBERP_VERSION_PATCH 0
/** The version as text, "MAJOR.MINOR.PATCH". */
#define LIBERP_VERSION "0.1.0"
/** The version as one number: MAJOR*1000000 + MINOR*1000 + PATCH. */
#define LIBERP_VERSION_NUMBER \
	(LIBERP_VERSION_MAJOR * 1000000 + LIBERP_VERSION_MINOR * 1000 + LIBERP_VERSION_PATCH)

ERP_BEGIN_DECL

/**
 * The version of the liberp library linked at run time, "MAJOR.MINOR.PATCH".
 *
 * @return a static string; never NULL. Thread-safe.
 */
ERP_EXTERN const char *erp_version(void);

/**
 * The run-time library version as LIBERP_VERSION_NUMBER computes it.
 *
 * @return the number; compare with LIBERP_VERSION_NUMBER. Thread-safe.
 */
ERP_EXTERN int erp_version_number(void);

ERP_END_DECL

#endif /* ERP_VERSION_H */
