/*
 * --demo: a tenant "Demo Company" (USD), its admin admin@demo.example with
 * a random password printed once on stdout as
 *   {"demo":{"tenant_id":"...","email":"...","password":"..."}}
 * and sample data made through the C API: a chart of accounts, journals,
 * units, a stocked product category, three products (standard, average,
 * FIFO), partners, a warehouse with its locations, postings and stock
 * moves.
 *
 * A store that already has "Demo Company" keeps it untouched: the demo is
 * made again as "Demo Company 2" (admin2@demo.example), and so on, since
 * the first admin's password was shown only once.
 */
#include "handlers.h"

#include <sodium.h>
#include <stdarg.h>
#include <time.h>

#define DEMO_MAX_TRIES 50

typedef struct {
	erp_ctx *ctx;
	int rc;                 /* the first failure; later steps are skipped */
	const char *step;
} demo;

static void fail(demo *d, int rc, const char *step)
{
	if (d->rc != ERP_OK)
		return;
	d->rc = rc;
	d->step = step;
	const erp_error *e = erp_error_last();
	srv_log(SRV_LOG_ERROR, "demo: a step failed",
	        json_pack("{s:s, s:s, s:s, s:s?}", "step", step, "code", erp_error_name(rc), "error",
	                  e->message ? e->message : "", "field", e->field));
}

/* Creates an entity; its id into `id` (37 bytes). */
static void make(demo *d, char id[37], const char *type, const char *json)
{
	id[0] = 0;
	if (d->rc != ERP_OK)
		return;
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_entity_create(&out, d->ctx, type, json);
	if (rc != ERP_OK) {
		erp_buf_dispose(&out);
		fail(d, rc, type);
		return;
	}
	json_t *v = erp__json_loads(out.ptr, 0, NULL);
	const char *s = v ? json_string_value(json_object_get(v, "id")) : NULL;
	snprintf(id, 37, "%s", s ? s : "");
	json_decref(v);
	erp_buf_dispose(&out);
	if (!id[0])
		fail(d, ERP_ERROR, type);
}

static void makef(demo *d, char id[37], const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void makef(demo *d, char id[37], const char *type, const char *fmt, ...)
{
	char json[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(json, sizeof json, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof json) {
		fail(d, ERP_ERROR, type);
		return;
	}
	make(d, id, type, json);
}

static void post(demo *d, const char *journal, const char *date, const char *ref, const char *debit_account,
                 const char *credit_account, const char *amount)
{
	if (d->rc != ERP_OK)
		return;
	char json[1024];
	snprintf(json, sizeof json,
	         "{\"journal_id\":\"%s\",\"date\":\"%s\",\"reference\":\"%s\",\"lines\":["
	         "{\"account_id\":\"%s\",\"debit\":\"%s\"},{\"account_id\":\"%s\",\"credit\":\"%s\"}]}",
	         journal, date, ref, debit_account, amount, credit_account, amount);
	int rc = erp_ledger_post_json(NULL, d->ctx, json);
	if (rc != ERP_OK)
		fail(d, rc, "journal entry");
}

static void move(demo *d, const char *product, const char *qty, const char *from, const char *to, const char *unit_cost,
                 const char *ref)
{
	if (d->rc != ERP_OK)
		return;
	char json[1024], cost[64] = "";
	if (unit_cost)
		snprintf(cost, sizeof cost, ",\"unit_cost\":\"%s\"", unit_cost);
	snprintf(json, sizeof json,
	         "{\"product_id\":\"%s\",\"quantity\":\"%s\",\"location_id\":\"%s\",\"location_dest_id\":\"%s\","
	         "\"reference\":\"%s\"%s}",
	         product, qty, from, to, ref, cost);
	erp_buf out = ERP_BUF_INIT;
	int rc = erp_stock_move_json(&out, d->ctx, json);
	erp_buf_dispose(&out);
	if (rc != ERP_OK)
		fail(d, rc, "stock move");
}

static void sample_data(demo *d)
{
	char unit[37], kg[37];
	char cash[37], receivable[37], valuation[37], payable[37], input[37], output[37], equity[37], revenue[37];
	char general[37], stockj[37], sales[37], category[37];
	char standard[37], average[37], fifo[37], supplier_partner[37], customer_partner[37];
	char warehouse[37], view[37], stock[37], shelf[37], suppliers[37], customers[37], adjust[37];
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);

	makef(d, unit, "core.uom", "{\"name\":\"Unit\",\"precision\":0,\"category\":\"unit\"}");
	makef(d, kg, "core.uom", "{\"name\":\"kg\",\"precision\":3,\"category\":\"weight\"}");

	makef(d, cash, "financial.account", "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}");
	makef(d, receivable, "financial.account",
	      "{\"code\":\"1100\",\"name\":\"Accounts receivable\",\"type\":\"asset\",\"reconcilable\":true}");
	makef(d, valuation, "financial.account", "{\"code\":\"1300\",\"name\":\"Stock valuation\",\"type\":\"asset\"}");
	makef(d, payable, "financial.account",
	      "{\"code\":\"2000\",\"name\":\"Accounts payable\",\"type\":\"liability\",\"reconcilable\":true}");
	makef(d, input, "financial.account",
	      "{\"code\":\"2300\",\"name\":\"Stock input (goods received not invoiced)\",\"type\":\"liability\"}");
	makef(d, equity, "financial.account", "{\"code\":\"3000\",\"name\":\"Share capital\",\"type\":\"equity\"}");
	makef(d, revenue, "financial.account", "{\"code\":\"4000\",\"name\":\"Revenue\",\"type\":\"income\"}");
	makef(d, output, "financial.account",
	      "{\"code\":\"5000\",\"name\":\"Cost of goods sold\",\"type\":\"expense\"}");

	makef(d, general, "financial.journal", "{\"code\":\"GEN\",\"name\":\"General\",\"type\":\"general\"}");
	makef(d, stockj, "financial.journal", "{\"code\":\"STK\",\"name\":\"Stock valuation\",\"type\":\"general\"}");
	makef(d, sales, "financial.journal",
	      "{\"code\":\"SAL\",\"name\":\"Sales\",\"type\":\"sale\",\"default_account_id\":\"%s\"}", revenue);

	makef(d, category, "core.product_category",
	      "{\"name\":\"Stocked goods\",\"stock_valuation_account_id\":\"%s\",\"stock_input_account_id\":\"%s\","
	      "\"stock_output_account_id\":\"%s\",\"stock_journal_id\":\"%s\"}",
	      valuation, input, output, stockj);
	makef(d, standard, "core.product",
	      "{\"name\":\"Widget\",\"sku\":\"WIDGET\",\"type\":\"storable\",\"uom_id\":\"%s\",\"category_id\":\"%s\","
	      "\"cost_method\":\"standard\",\"currency\":\"USD\",\"standard_price\":\"10.00\",\"list_price\":\"25.00\"}",
	      unit, category);
	makef(d, average, "core.product",
	      "{\"name\":\"Gadget\",\"sku\":\"GADGET\",\"type\":\"storable\",\"uom_id\":\"%s\",\"category_id\":\"%s\","
	      "\"cost_method\":\"average\",\"currency\":\"USD\",\"list_price\":\"12.00\"}",
	      unit, category);
	makef(d, fifo, "core.product",
	      "{\"name\":\"Gizmo\",\"sku\":\"GIZMO\",\"type\":\"storable\",\"uom_id\":\"%s\",\"category_id\":\"%s\","
	      "\"cost_method\":\"fifo\",\"currency\":\"USD\",\"list_price\":\"20.00\"}",
	      unit, category);

	makef(d, supplier_partner, "core.partner",
	      "{\"name\":\"Acme Supplies\",\"ref\":\"SUP-1\",\"is_supplier\":true,\"email\":\"orders@acme.example\"}");
	makef(d, customer_partner, "core.partner",
	      "{\"name\":\"Globex Corporation\",\"ref\":\"CUS-1\",\"is_customer\":true,\"email\":\"ap@globex.example\"}");

	makef(d, warehouse, "inventory.warehouse", "{\"code\":\"WH\",\"name\":\"Main warehouse\"}");
	makef(d, view, "inventory.location", "{\"name\":\"WH\",\"usage\":\"view\",\"warehouse_id\":\"%s\"}", warehouse);
	makef(d, stock, "inventory.location",
	      "{\"name\":\"WH/Stock\",\"usage\":\"internal\",\"warehouse_id\":\"%s\",\"parent_id\":\"%s\"}", warehouse, view);
	makef(d, shelf, "inventory.location",
	      "{\"name\":\"WH/Shelf\",\"usage\":\"internal\",\"warehouse_id\":\"%s\",\"parent_id\":\"%s\"}", warehouse, view);
	makef(d, suppliers, "inventory.location", "{\"name\":\"Partners/Suppliers\",\"usage\":\"supplier\"}");
	makef(d, customers, "inventory.location", "{\"name\":\"Partners/Customers\",\"usage\":\"customer\"}");
	makef(d, adjust, "inventory.location", "{\"name\":\"Virtual/Inventory adjustment\",\"usage\":\"inventory\"}");

	/* Postings: the owners' capital, a sale on credit and part of its payment. */
	post(d, general, today, "DEMO-CAPITAL", cash, equity, "50000.00");
	post(d, sales, today, "DEMO-INV-1", receivable, revenue, "1500.00");
	post(d, general, today, "DEMO-PAY-1", cash, receivable, "500.00");

	/* Receipts (valued, posted to the stock journal), a transfer, deliveries. */
	move(d, standard, "100", suppliers, stock, "10.00", "DEMO-REC-1");
	move(d, average, "50", suppliers, stock, "4.00", "DEMO-REC-2");
	move(d, average, "50", suppliers, stock, "5.00", "DEMO-REC-3");
	move(d, fifo, "20", suppliers, stock, "7.00", "DEMO-REC-4");
	move(d, fifo, "30", suppliers, stock, "8.00", "DEMO-REC-5");
	move(d, standard, "10", stock, shelf, NULL, "DEMO-INT-1");
	move(d, fifo, "25", stock, customers, NULL, "DEMO-DEL-1");
	move(d, average, "5", stock, customers, NULL, "DEMO-DEL-2");
}

/* 18 random bytes as base64url: 24 characters. */
static int random_password(char out[32])
{
	unsigned char raw[18];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 32, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

int srv_demo(erp_store *store)
{
	if (sodium_init() < 0)
		return -1;
	erp_buf tenant_id = ERP_BUF_INIT, user_id = ERP_BUF_INIT;
	char name[64], email[64], password[32];
	int rc = ERP_EEXISTS;
	int n;
	for (n = 1; n <= DEMO_MAX_TRIES && rc == ERP_EEXISTS; n++) {
		if (n == 1)
			snprintf(name, sizeof name, "Demo Company");
		else
			snprintf(name, sizeof name, "Demo Company %d", n);
		rc = erp_tenant_create(&tenant_id, store, name, "USD");
		if (rc == ERP_EEXISTS)
			srv_log(SRV_LOG_WARN, "demo: the tenant exists already; it is left as it is",
			        json_pack("{s:s}", "tenant", name));
	}
	n--;
	if (rc != ERP_OK) {
		srv_log(SRV_LOG_ERROR, "demo: could not create the tenant",
		        json_pack("{s:s, s:s}", "code", erp_error_name(rc), "error", erp_error_last()->message));
		erp_buf_dispose(&tenant_id);
		return -1;
	}
	if (n == 1)
		snprintf(email, sizeof email, "admin@demo.example");
	else
		snprintf(email, sizeof email, "admin%d@demo.example", n);
	random_password(password);

	demo d = { NULL, ERP_OK, NULL };
	erp_ctx *setup = NULL;
	rc = erp_ctx_new(&setup, store, tenant_id.ptr, "demo", ERP_ROLE_ADMIN);
	erp_buf invitation = ERP_BUF_INIT;
	if (rc == ERP_OK)
		rc = erp_invitation_create(&invitation, NULL, setup, email, ERP_ROLE_ADMIN, 0);
	if (rc == ERP_OK)
		rc = erp_invitation_accept_password(NULL, &user_id, store, invitation.ptr, "Demo admin", password);
	erp_buf_dispose(&invitation);
	if (rc != ERP_OK) {
		fail(&d, rc, "admin user");
		goto out;
	}
	/* The credentials, once. */
	json_t *line = json_pack("{s:{s:s, s:s, s:s, s:s}}", "demo", "tenant_id", tenant_id.ptr, "tenant", name, "email",
	                         email, "password", password);
	char *text = line ? erp__json_dumps(line, JSON_COMPACT) : NULL;
	json_decref(line);
	if (!text) {
		fail(&d, ERP_ERROR, "printing the credentials");
		goto out;
	}
	printf("%s\n", text);
	fflush(stdout);
	free(text);

	/* The sample data, made by the admin. */
	if ((rc = erp_ctx_new(&d.ctx, store, tenant_id.ptr, user_id.ptr, ERP_ROLE_ADMIN)) != ERP_OK) {
		fail(&d, rc, "context");
		goto out;
	}
	sample_data(&d);
	if (d.rc == ERP_OK)
		srv_log(SRV_LOG_INFO, "demo: tenant, admin and sample data created",
		        json_pack("{s:s, s:s, s:s}", "tenant", name, "tenant_id", tenant_id.ptr, "email", email));
out:
	sodium_memzero(password, sizeof password);
	erp_ctx_free(d.ctx);
	erp_ctx_free(setup);
	erp_buf_dispose(&tenant_id);
	erp_buf_dispose(&user_id);
	return d.rc == ERP_OK ? 0 : -1;
}
