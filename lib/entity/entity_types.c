/*
 * The entity types of the nine areas (entity_types.h). Each table is
 * created by the migrations of both dialects; a conformance test checks
 * that every described column exists.
 */
#include "entity_types.h"

#include <string.h>

#define FIELD(n, k, fl, len, sc, mn, mx, vals, ref, sf, def) { n, k, fl, len, sc, mn, mx, vals, ref, sf, def }
#define TEXT(n, len, fl) FIELD(n, ERP__F_TEXT, fl, len, 0, 0, 0, NULL, NULL, NULL, NULL)
#define INTEGER(n, mn, mx, fl, def) FIELD(n, ERP__F_INTEGER, fl, 0, 0, mn, mx, NULL, NULL, NULL, def)
#define DECIMAL(n, sc, fl) FIELD(n, ERP__F_DECIMAL, fl, 0, sc, 0, 0, NULL, NULL, NULL, NULL)
#define MONEY(n, cur, fl) FIELD(n, ERP__F_MONEY, fl, 0, 0, 0, 0, NULL, NULL, cur, NULL)
#define QUANTITY(n, unit, fl) FIELD(n, ERP__F_QUANTITY, fl, 0, 0, 0, 0, NULL, NULL, unit, NULL)
#define DATE(n, fl) FIELD(n, ERP__F_DATE, fl, 0, 0, 0, 0, NULL, NULL, NULL, NULL)
#define DATETIME(n, fl) FIELD(n, ERP__F_DATETIME, fl, 0, 0, 0, 0, NULL, NULL, NULL, NULL)
#define BOOLEAN(n, def) FIELD(n, ERP__F_BOOLEAN, 0, 0, 0, 0, 0, NULL, NULL, NULL, def)
#define ENUM(n, vals, fl, def) FIELD(n, ERP__F_ENUM, fl, 0, 0, 0, 0, vals, NULL, NULL, def)
#define REF(n, type, fl) FIELD(n, ERP__F_REFERENCE, fl, 0, 0, 0, 0, NULL, type, NULL, NULL)
#define JSONF(n) FIELD(n, ERP__F_JSON, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL)
#define CURRENCY(n, fl, def) FIELD(n, ERP__F_CURRENCY, fl, 0, 0, 0, 0, NULL, NULL, NULL, def)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE(n, tbl, f, lines) { n, tbl, f, COUNT(f), lines, NULL }

#define REQ ERP__REQUIRED
#define UNQ ERP__UNIQUE
#define RO ERP__READONLY
#define IMM ERP__IMMUTABLE
#define PARENT ERP__PARENT
#define BASE "\"$base_currency\""

/* ---- core ---------------------------------------------------------------- */

static const erp__field currency_fields[] = {
	TEXT("code", 3, REQ | UNQ | IMM),
	TEXT("name", 100, REQ),
	INTEGER("exponent", 0, 18, REQ | IMM, NULL),
	TEXT("symbol", 8, 0),
	BOOLEAN("active", "true"),
};

static const char *const uom_categories[] = { "unit", "weight", "volume", "length", "time", "other", NULL };
static const erp__field uom_fields[] = {
	TEXT("name", 50, REQ | UNQ),
	INTEGER("precision", 0, 9, REQ | IMM, NULL),
	ENUM("category", uom_categories, 0, "\"unit\""),
	BOOLEAN("active", "true"),
};

static const erp__field product_category_fields[] = {
	TEXT("name", 100, REQ),
	REF("parent_id", "core.product_category", 0),
	REF("stock_valuation_account_id", "financial.account", 0),
	REF("stock_input_account_id", "financial.account", 0),
	REF("stock_output_account_id", "financial.account", 0),
	REF("stock_journal_id", "financial.journal", 0),
};

static const char *const product_types[] = { "storable", "consumable", "service", NULL };
static const char *const cost_methods[] = { "standard", "average", "fifo", NULL };
static const erp__field product_fields[] = {
	TEXT("name", 200, REQ),
	TEXT("sku", 64, UNQ),
	TEXT("barcode", 64, UNQ),
	ENUM("type", product_types, 0, "\"storable\""),
	REF("uom_id", "core.uom", REQ | IMM),
	REF("category_id", "core.product_category", 0),
	ENUM("cost_method", cost_methods, 0, "\"standard\""),
	CURRENCY("currency", REQ | IMM, BASE),
	MONEY("standard_price", "currency", 0),
	MONEY("list_price", "currency", 0),
	TEXT("description", 4000, 0),
	BOOLEAN("active", "true"),
};

static const char *const partner_kinds[] = { "company", "person", NULL };
static const erp__field partner_fields[] = {
	TEXT("name", 200, REQ),
	ENUM("kind", partner_kinds, 0, "\"company\""),
	REF("parent_id", "core.partner", 0),
	TEXT("ref", 64, UNQ),
	TEXT("email", 254, 0),
	TEXT("phone", 50, 0),
	TEXT("vat", 50, 0),
	TEXT("street", 200, 0),
	TEXT("city", 100, 0),
	TEXT("zip", 20, 0),
	TEXT("country", 2, 0),
	BOOLEAN("is_customer", "false"),
	BOOLEAN("is_supplier", "false"),
	CURRENCY("currency", REQ | IMM, BASE),
	MONEY("credit_limit", "currency", 0),
	JSONF("tags"),
	BOOLEAN("active", "true"),
};

/* ---- financial ------------------------------------------------------------ */

static const char *const account_types[] = { "asset", "liability", "equity", "income", "expense", NULL };
static const erp__field account_fields[] = {
	TEXT("code", 32, REQ | UNQ),
	TEXT("name", 200, REQ),
	ENUM("type", account_types, REQ, NULL),
	CURRENCY("currency", IMM, NULL), /* posted lines are in it */
	BOOLEAN("reconcilable", "false"),
	BOOLEAN("allow_posting", "true"),
	REF("parent_id", "financial.account", 0),
};

static const char *const journal_types[] = { "sale", "purchase", "cash", "bank", "general", NULL };
static const erp__field journal_fields[] = {
	TEXT("code", 16, REQ | UNQ),
	TEXT("name", 100, REQ),
	ENUM("type", journal_types, 0, "\"general\""),
	REF("default_account_id", "financial.account", 0),
	CURRENCY("currency", 0, NULL),
	BOOLEAN("active", "true"),
};

static const char *const tax_uses[] = { "sale", "purchase", "none", NULL };
static const erp__field tax_fields[] = {
	TEXT("name", 100, REQ | UNQ),
	DECIMAL("rate", 4, REQ),
	ENUM("type_tax_use", tax_uses, 0, "\"sale\""),
	BOOLEAN("price_include", "false"),
	REF("account_id", "financial.account", 0),
	BOOLEAN("active", "true"),
};

/* ---- inventory ------------------------------------------------------------ */

static const erp__field warehouse_fields[] = {
	TEXT("code", 16, REQ | UNQ),
	TEXT("name", 100, REQ),
	REF("partner_id", "core.partner", 0),
	BOOLEAN("active", "true"),
};

static const char *const location_usages[] = { "internal", "supplier", "customer", "inventory", "transit", "view", NULL };
static const erp__field location_fields[] = {
	TEXT("name", 100, REQ),
	ENUM("usage", location_usages, REQ | IMM, NULL),
	REF("warehouse_id", "inventory.warehouse", 0),
	REF("parent_id", "inventory.location", 0),
	BOOLEAN("allow_negative", "false"),
	BOOLEAN("active", "true"),
};

/* ---- sales and purchase ----------------------------------------------------- */

static const char *const order_states[] = { "draft", "confirmed", "done", "cancelled", NULL };

/* Sales and purchase orders have the same header; their lines differ by the document they belong to. */
static const erp__field order_fields[] = {
	TEXT("number", 64, UNQ),
	REF("partner_id", "core.partner", REQ),
	DATE("date", REQ),
	CURRENCY("currency", REQ | IMM, BASE),
	ENUM("state", order_states, 0, "\"draft\""),
	MONEY("amount_total", "currency", RO),
	TEXT("note", 4000, 0),
};
/* The fields of an order line, for the order type `doc`. */
#define ORDER_LINE_FIELDS(doc)                                  \
	{                                                       \
		REF("order_id", doc, REQ | PARENT),                 \
		INTEGER("sequence", 0, 1000000, 0, "0"),            \
		REF("product_id", "core.product", 0),               \
		TEXT("description", 1000, 0),                       \
		REF("uom_id", "core.uom", REQ | IMM),               \
		QUANTITY("quantity", "uom_id", REQ),                \
		MONEY("price_unit", "^currency", REQ),              \
		REF("tax_id", "financial.tax", 0),                  \
		MONEY("amount", "^currency", RO),                   \
	}
static const erp__field sales_line_fields[] = ORDER_LINE_FIELDS("sales.order");
static const erp__field purchase_line_fields[] = ORDER_LINE_FIELDS("purchase.order");

/* ---- analytics and projects --------------------------------------------------- */

static const erp__field analytic_account_fields[] = {
	TEXT("code", 32, UNQ),
	TEXT("name", 200, REQ),
	REF("parent_id", "analytics.account", 0),
	BOOLEAN("active", "true"),
};

static const char *const project_states[] = { "active", "closed", NULL };
static const erp__field project_fields[] = {
	TEXT("code", 32, UNQ),
	TEXT("name", 200, REQ),
	REF("partner_id", "core.partner", 0),
	REF("analytic_account_id", "analytics.account", 0),
	ENUM("state", project_states, 0, "\"active\""),
	DATE("start_date", 0),
	DATE("end_date", 0),
};

static const char *const task_states[] = { "todo", "doing", "done", "cancelled", NULL };
static const erp__field task_fields[] = {
	REF("project_id", "projects.project", REQ),
	TEXT("name", 200, REQ),
	ENUM("state", task_states, 0, "\"todo\""),
	TEXT("assignee", 200, 0),
	DATE("due_date", 0),
	DECIMAL("planned_hours", 2, 0),
	DATETIME("closed_at", 0),
};

static const erp__field timesheet_fields[] = {
	REF("task_id", "projects.task", REQ),
	DATE("date", REQ),
	TEXT("employee", 200, REQ),
	DECIMAL("hours", 2, REQ),
	TEXT("description", 1000, 0),
};

static const erp__entity_type types[] = {
	TYPE("core.currency", "{core.currencies}", currency_fields, NULL),
	TYPE("core.uom", "{core.uoms}", uom_fields, NULL),
	TYPE("core.product_category", "{core.product_categories}", product_category_fields, NULL),
	TYPE("core.product", "{core.products}", product_fields, NULL),
	TYPE("core.partner", "{core.partners}", partner_fields, NULL),
	TYPE("financial.account", "{financial.accounts}", account_fields, NULL),
	TYPE("financial.journal", "{financial.journals}", journal_fields, NULL),
	TYPE("financial.tax", "{financial.taxes}", tax_fields, NULL),
	TYPE("inventory.warehouse", "{inventory.warehouses}", warehouse_fields, NULL),
	TYPE("inventory.location", "{inventory.locations}", location_fields, NULL),
	TYPE("sales.order", "{sales.orders}", order_fields, "sales.order_line"),
	TYPE("sales.order_line", "{sales.order_lines}", sales_line_fields, NULL),
	TYPE("purchase.order", "{purchase.orders}", order_fields, "purchase.order_line"),
	TYPE("purchase.order_line", "{purchase.order_lines}", purchase_line_fields, NULL),
	TYPE("analytics.account", "{analytics.accounts}", analytic_account_fields, NULL),
	TYPE("projects.project", "{projects.projects}", project_fields, NULL),
	TYPE("projects.task", "{projects.tasks}", task_fields, NULL),
	TYPE("projects.timesheet", "{projects.timesheets}", timesheet_fields, NULL),
};

const erp__entity_type *erp__entity_type_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < COUNT(types); i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const erp__entity_type *erp__entity_types(size_t *count)
{
	*count = COUNT(types);
	return types;
}

const erp__field *erp__entity_field(const erp__entity_type *type, const char *name)
{
	for (size_t i = 0; i < type->field_count; i++)
		if (strcmp(type->fields[i].name, name) == 0)
			return &type->fields[i];
	return NULL;
}

const erp__field *erp__entity_parent_field(const erp__entity_type *type)
{
	for (size_t i = 0; i < type->field_count; i++)
		if (type->fields[i].flags & ERP__PARENT)
			return &type->fields[i];
	return NULL;
}

const char *erp__field_kind_name(erp__field_kind kind)
{
	static const char *const names[] = { "text", "integer", "decimal", "money", "quantity", "date",
	                                      "datetime", "boolean", "enum", "reference", "json", "currency" };
	return (unsigned)kind < COUNT(names) ? names[kind] : "unknown";
}
