/**
 * @file erp/common.h
 * @brief Export and linkage macros shared by every liberp header.
 *
 * Nothing here is a function: it is included by every other public header.
 */
#ifndef ERP_COMMON_H
#define ERP_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** Marks a symbol exported from liberp.so (everything else is hidden). */
#if defined(_WIN32) && defined(ERP_BUILDING_LIBRARY)
#  define ERP_EXTERN __declspec(dllexport)
#elif defined(_WIN32) && !defined(ERP_STATIC)
#  define ERP_EXTERN __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define ERP_EXTERN __attribute__((visibility("default")))
#else
#  define ERP_EXTERN
#endif

#ifdef __cplusplus
#  define ERP_BEGIN_DECL extern "C" {
#  define ERP_END_DECL }
#else
/** Opens a block of C declarations (extern "C" in C++). */
#  define ERP_BEGIN_DECL
/** Closes a block opened by ERP_BEGIN_DECL. */
#  define ERP_END_DECL
#endif

#endif /* ERP_COMMON_H */
