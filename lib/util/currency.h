/*
 * Built-in currencies: ISO 4217 codes with their minor-unit exponents,
 * plus BTC. Tenants may add their own (core.currency) on top.
 */
#ifndef ERP_LIB_CURRENCY_H
#define ERP_LIB_CURRENCY_H

/** The exponent (decimals) of a built-in currency code, or -1 when unknown. */
int erp__currency_exponent(const char *code);

#endif
