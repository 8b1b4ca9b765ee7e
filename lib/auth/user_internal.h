/*
 * What users and memberships (user.c) share with invitations
 * (invitation.c): checks of a new user, the inserts of a user and a
 * membership (whether someone is a member: membership.h).
 * Each runs inside a transaction of user work (the tenant, as the store:
 * scope role 0).
 */
#ifndef ERP_LIB_USER_INTERNAL_H
#define ERP_LIB_USER_INTERNAL_H

#include "core/context_internal.h"
#include "core/db.h"
#include "util/email.h"
#include "util/ident.h"
#include "membership.h"

/**
 * Checks a new user's email (lower-cased into `mail`), display name (NULL
 * becomes "") and password; raises ERP_EINVALID naming "email",
 * "display_name" or "password".
 */
int erp__user_new_check(char mail[ERP__EMAIL_MAX + 1], const char *email, const char **display_name,
                        const char *password);

/** Checks a display name (NULL becomes ""); ERP_EINVALID (field "display_name"). */
int erp__user_display_name_check(const char **display_name);

/**
 * Inserts a new user (id made here, into `out_id`) with a checked email
 * and display name and a password hash, made by `actor` (NULL: by the new
 * user themself, who accepted an invitation). ERP_EEXISTS
 * (field "email") when a user has that email.
 */
int erp__user_insert(erp__tx *tx, char out_id[ERP__UUID_LEN + 1], const char *email, const char *display_name,
                     const char *hash, const char *actor);

/**
 * Makes `user_id` a member of the context's tenant with `role`, made by
 * the context's user, and audits it (entity "auth.user", "create").
 * ERP_EEXISTS (field "email") when they are a member already.
 */
int erp__member_insert(erp__tx *tx, const erp_ctx *ctx, const char *user_id, int role);

#endif
