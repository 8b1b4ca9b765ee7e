/*
 * From PostgreSQL failures to liberp error codes.
 *
 * Statement errors are classified by SQLSTATE (PG_DIAG_SQLSTATE):
 *
 *   40001 serialization_failure, 40P01 deadlock_detected,
 *   55P03 lock_not_available, 53xxx insufficient_resources  -> ERP_ERETRY
 *   23505 unique_violation                                  -> ERP_EEXISTS
 *   other 23xxx integrity constraints, 22xxx data exceptions,
 *   P0001 raise_exception                                   -> ERP_EINVALID
 *   28xxx invalid authorization                             -> ERP_EAUTH
 *   42501 insufficient_privilege (grants, and RLS WITH CHECK)
 *   57014 query_canceled (statement_timeout)                -> ERP_EBACKEND
 *   a lost connection (08xxx, 57P01 admin shutdown...)      -> ERP_ERETRY
 *   anything else                                           -> ERP_EBACKEND
 *
 * Errors raised by libpq itself (no SQLSTATE): out of memory -> ERP_ERROR,
 * a lost connection -> ERP_ERETRY, anything else -> ERP_EBACKEND.
 *
 * Messages carry PostgreSQL's primary message, the SQLSTATE and, for
 * constraint violations, the constraint name; never the DETAIL (which can
 * quote row values).
 */
#ifndef ERP_LIB_STORAGE_PG_ERROR_H
#define ERP_LIB_STORAGE_PG_ERROR_H

#include <libpq-fe.h>

/**
 * Raises the error of a statement that failed on `pg`. `res` may be NULL
 * (libpq could not even build a result).
 *
 * @param lost receives 1 when the connection is gone (the transaction died
 *             with it; nothing was committed), else 0.
 * @return the erp_error_code raised.
 */
int erp__pg_result_error(PGconn *pg, const PGresult *res, int *lost);

/**
 * Raises the error of a connection attempt (PQconnectdbParams, PQreset)
 * that left `pg` in CONNECTION_BAD: ERP_EAUTH when the server refused the
 * credentials, ERP_EINVALID (field "url") when libpq rejected a parameter
 * value, ERP_EBACKEND otherwise (unreachable, refused, timed out, no such
 * database, server starting up), with libpq's message.
 */
int erp__pg_connect_error(const PGconn *pg);

/** Raises ERP_ERROR "out of memory" and returns it. */
int erp__pg_oom(void);

#endif
