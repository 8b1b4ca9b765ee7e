/*
 * Timestamps from PostgreSQL's text output to liberp's one form,
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
 *
 * With DateStyle=ISO and TimeZone=UTC (set at connect) PostgreSQL prints
 * timestamptz as "2026-11-28 01:05:21.12+00" and timestamp as
 * "2026-11-28 01:05:21", trimming trailing zeros of the fraction. Other
 * offsets (a session that changed TimeZone) are converted to UTC.
 */
#ifndef ERP_LIB_STORAGE_PG_TIMESTAMP_H
#define ERP_LIB_STORAGE_PG_TIMESTAMP_H

#include <stddef.h>

/** Bytes of one normalised timestamp, NUL included, rounded up. */
#define ERP__PG_TIMESTAMP_SLOT 32

/**
 * Writes `text` normalised into `out` (ERP__PG_TIMESTAMP_SLOT bytes).
 *
 * @return the length written (27); 0 when `text` is not a finite timestamp
 *         of years 1 to 9999 ("infinity", BC, five-digit years), which the
 *         caller then passes on as PostgreSQL printed it.
 */
size_t erp__pg_timestamp_normalise(char *out, const char *text);

#endif
