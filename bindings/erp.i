/*
 * erp.i: the one SWIG interface of liberp's bindings (Python and Node).
 *
 * SWIG sees a curated, low-level view of the C API (not the headers
 * themselves), so that the generated module stays small and predictable:
 *
 * - every call that can fail is declared returning `erp_rc` (an int to the
 *   C compiler): a negative code raises (Python: erp.native.Failure with
 *   (code, field, entity, message, retry_after_ms); Node: an Error with
 *   .erpCode, .field, .entity, .message, .retryAfterMs) read from
 *   erp_error_last(); ERP_OK returns nothing, so the outputs are the
 *   return value (Node: one output alone, several as an array);
 * - `erp_buf *` outputs become str results (the buffer is disposed);
 * - `erp_store **` / `erp_ctx **` outputs become opaque handles. Handles
 *   are never freed by SWIG: the pure-Python layer (bindings/python/erp)
 *   and the JavaScript layer (bindings/node/lib) own them and free
 *   contexts before their store;
 * - posting, moves and reservations cross as JSON (the typed structs are
 *   left to C callers).
 *
 * Python: built with `swig -python -threads`: every call releases the GIL
 * while liberp works, and error details are read on the same OS thread
 * after. Node: `swig -javascript -node -c++` (V8); calls run on the
 * JavaScript thread and block it while liberp works.
 *
 * Language-specific parts sit under #ifdef SWIGPYTHON / SWIGJAVASCRIPT;
 * the declarations after them are shared.
 */
%module(package="erp") native

%{
#include <erp/erp.h>
#include <string.h>

typedef int erp_rc;
%}

#ifdef SWIGPYTHON
%{
static PyObject *erp_py_failure = NULL; /* erp.native.Failure, made at import */

/* Raises erp.native.Failure from the calling thread's last liberp error. */
static void erp_py_raise(int rc)
{
	const erp_error *e = erp_error_last();
	PyObject *args = Py_BuildValue("(izzzL)", rc, e->field, e->entity,
	                               e->message ? e->message : "",
	                               (long long)e->retry_after_ms);
	if (args) {
		PyErr_SetObject(erp_py_failure, args);
		Py_DECREF(args);
	}
}
%}

%init %{
	erp_py_failure = PyErr_NewException("erp.native.Failure", NULL, NULL);
	if (erp_py_failure)
		PyModule_AddObject(m, "Failure", erp_py_failure);
	Py_XINCREF(erp_py_failure); /* the module holds one reference, we keep one */
%}

%pythoncode %{
Failure = _native.Failure
%}

/* ---- return codes ------------------------------------------------------- */
%typemap(out) erp_rc {
	if ($1 < 0) {
		erp_py_raise($1);
		SWIG_fail;
	}
	$result = SWIG_Py_Void();
}

/* ---- erp_buf outputs: str results ---------------------------------------- */
%typemap(in, numinputs=0) erp_buf *OUT (erp_buf tmp = ERP_BUF_INIT) {
	$1 = &tmp;
}
%typemap(argout) erp_buf *OUT {
	PyObject *s = $1->ptr ? PyUnicode_DecodeUTF8($1->ptr, (Py_ssize_t)$1->size, "strict")
	                      : SWIG_Py_Void();
	if (!s)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, s);
}
%typemap(freearg) erp_buf *OUT {
	erp_buf_dispose($1);
}

/* ---- handle outputs ---------------------------------------------------- */
%typemap(in, numinputs=0) erp_store **OUT (erp_store *tmp = NULL), erp_ctx **OUT (erp_ctx *tmp = NULL) {
	$1 = &tmp;
}
%typemap(argout) erp_store **OUT {
	$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $*1_descriptor, 0));
}
%typemap(argout) erp_ctx **OUT {
	$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $*1_descriptor, 0));
}

/* ---- scalar outputs ----------------------------------------------------- */
%typemap(in, numinputs=0) int *OUT (int tmp = 0), int64_t *OUT (int64_t tmp = 0) {
	$1 = &tmp;
}
%typemap(argout) int *OUT {
	$result = SWIG_Python_AppendOutput($result, PyLong_FromLong(*$1));
}
%typemap(argout) int64_t *OUT {
	$result = SWIG_Python_AppendOutput($result, PyLong_FromLongLong((long long)*$1));
}
%typemap(in, numinputs=0) erp_stock_level *OUT (erp_stock_level tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) erp_stock_level *OUT {
	$result = SWIG_Python_AppendOutput($result, Py_BuildValue("(LLL)",
		(long long)$1->on_hand, (long long)$1->reserved, (long long)$1->available));
}
%typemap(in, numinputs=0) erp_rate_result *OUT (erp_rate_result tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) erp_rate_result *OUT {
	$result = SWIG_Python_AppendOutput($result, Py_BuildValue("(iLLLLi)", $1->allowed,
		(long long)$1->count, (long long)$1->remaining, (long long)$1->reset_ms,
		(long long)$1->retry_after_ms, $1->degraded));
}

/* int64_t inputs (versions, counts, windows). */
%typemap(in) int64_t {
	long long v = PyLong_AsLongLong($input);
	if (v == -1 && PyErr_Occurred())
		SWIG_fail;
	$1 = (int64_t)v;
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_INT64) int64_t {
	$1 = PyLong_Check($input) ? 1 : 0;
}

#endif /* SWIGPYTHON */

#ifdef SWIGJAVASCRIPT
/*
 * Node (V8, C++). Temporaries are C++ objects with destructors, so that a
 * wrapper leaving through `fail:` (which skips freearg) frees them too.
 *
 * SWIG 4.1's JavaScript backend numbers the JS arguments by C position
 * even past numinputs=0 parameters (args[i] is off by the number of
 * outputs before it), so outputs here take an ignored placeholder
 * argument instead: erp_tenant_create(null, store, name, currency). The
 * JS layer (bindings/node/lib/native.js) supplies the placeholders.
 */
%{
#include <stdlib.h>

/* A `const char *` argument: a copy of a JS string, freed on return. */
struct erp_js_str {
	char *p;
	erp_js_str() : p(NULL) {}
	~erp_js_str() { free(p); }
	erp_js_str(const erp_js_str &) = delete;
	erp_js_str &operator=(const erp_js_str &) = delete;
};

/* An erp_buf output, disposed on return. */
struct erp_js_buf {
	erp_buf b;
	erp_js_buf() { b.ptr = NULL; b.size = 0; b.reserved = 0; }
	~erp_js_buf() { erp_buf_dispose(&b); }
	erp_js_buf(const erp_js_buf &) = delete;
	erp_js_buf &operator=(const erp_js_buf &) = delete;
};

static v8::Isolate *erp_js_isolate(void) { return v8::Isolate::GetCurrent(); }

/* Throws a JS TypeError / RangeError... from a typemap and leaves the wrapper. */
#define ERP_JS_THROW(kind, msg) \
	do { \
		SWIGV8_THROW_EXCEPTION(v8::Exception::kind(SWIGV8_STRING_NEW(msg))); \
		SWIG_fail; \
	} while (0)

/* One output: the value itself; more: an array of them, in order. */
static v8::Local<v8::Value> erp_js_out(v8::Local<v8::Value> result, v8::Local<v8::Value> obj)
{
	v8::Local<v8::Context> cx = SWIGV8_CURRENT_CONTEXT();
	if (result->IsUndefined())
		return obj;
	if (result->IsArray()) {
		v8::Local<v8::Array> arr = v8::Local<v8::Array>::Cast(result);
		SWIGV8_MAYBE_CHECK(arr->Set(cx, arr->Length(), obj));
		return arr;
	}
	v8::Local<v8::Array> arr = v8::Array::New(erp_js_isolate(), 2);
	SWIGV8_MAYBE_CHECK(arr->Set(cx, 0, result));
	SWIGV8_MAYBE_CHECK(arr->Set(cx, 1, obj));
	return arr;
}

static void erp_js_set(v8::Local<v8::Object> o, const char *key, v8::Local<v8::Value> v)
{
	SWIGV8_MAYBE_CHECK(o->Set(SWIGV8_CURRENT_CONTEXT(), SWIGV8_SYMBOL_NEW(key), v));
}

static v8::Local<v8::Value> erp_js_string(const char *s, size_t n)
{
	v8::Local<v8::String> str;
	if (!s)
		return v8::Null(erp_js_isolate());
	if (!v8::String::NewFromUtf8(erp_js_isolate(), s, v8::NewStringType::kNormal, (int)n).ToLocal(&str))
		return v8::Null(erp_js_isolate());
	return str;
}

static v8::Local<v8::Value> erp_js_cstring(const char *s)
{
	return erp_js_string(s, s ? strlen(s) : 0);
}

/* Throws an Error from the calling thread's last liberp error: .erpCode,
 * .field, .entity (string or null), .message, .retryAfterMs. The JS layer
 * (bindings/node/lib/errors.js) turns it into the erp.Error subclass. */
static void erp_js_raise(int rc)
{
	const erp_error *e = erp_error_last();
	v8::Local<v8::Value> err = v8::Exception::Error(SWIGV8_STRING_NEW(e->message ? e->message : ""));
	v8::Local<v8::Object> o = SWIGV8_TO_OBJECT(err);
	erp_js_set(o, "erpCode", SWIGV8_INTEGER_NEW(rc));
	erp_js_set(o, "field", erp_js_cstring(e->field));
	erp_js_set(o, "entity", erp_js_cstring(e->entity));
	erp_js_set(o, "retryAfterMs", SWIGV8_NUMBER_NEW((double)e->retry_after_ms));
	SWIGV8_THROW_EXCEPTION(err);
}
%}

/* ---- return codes ------------------------------------------------------- */
%typemap(out) erp_rc {
	if ($1 < 0) {
		erp_js_raise($1);
		SWIG_fail;
	}
	$result = SWIGV8_UNDEFINED();
}

/* ---- strings in: null and undefined are NULL; a NUL inside is refused -- */
%typemap(in) const char * (erp_js_str tmp) {
	if ($input->IsNullOrUndefined()) {
		$1 = NULL;
	} else if ($input->IsString()) {
		v8::Local<v8::String> s = v8::Local<v8::String>::Cast($input);
		size_t n = (size_t)SWIGV8_UTF8_LENGTH(s);
		tmp.p = (char *)malloc(n + 1);
		if (!tmp.p)
			SWIG_exception_fail(SWIG_MemoryError, "out of memory");
		SWIGV8_WRITE_UTF8(s, tmp.p, (int)(n + 1));
		tmp.p[n] = '\0';
		if (strlen(tmp.p) != n)
			ERP_JS_THROW(TypeError, "in method '$symname', argument $argnum: the string contains a NUL character");
		$1 = tmp.p;
	} else {
		ERP_JS_THROW(TypeError, "in method '$symname', argument $argnum: expected a string or null");
	}
}
%typemap(freearg) const char * "";

/* ---- erp_buf outputs: strings (null when empty) ------------------------- */
%typemap(in) erp_buf *OUT (erp_js_buf tmp) {
	(void)$input;
	$1 = &tmp.b;
}
%typemap(argout) erp_buf *OUT {
	$result = erp_js_out($result, erp_js_string($1->ptr, $1->size));
}

/* ---- handle outputs ---------------------------------------------------- */
%typemap(in) erp_store **OUT (erp_store *tmp = NULL), erp_ctx **OUT (erp_ctx *tmp = NULL) {
	(void)$input;
	$1 = &tmp;
}
%typemap(argout) erp_store **OUT {
	$result = erp_js_out($result, SWIG_NewPointerObj(*$1, $*1_descriptor, 0));
}
%typemap(argout) erp_ctx **OUT {
	$result = erp_js_out($result, SWIG_NewPointerObj(*$1, $*1_descriptor, 0));
}

/* ---- scalar outputs ----------------------------------------------------- */
%typemap(in) int *OUT (int tmp = 0), int64_t *OUT (int64_t tmp = 0) {
	(void)$input;
	$1 = &tmp;
}
%typemap(argout) int *OUT {
	$result = erp_js_out($result, SWIGV8_INTEGER_NEW(*$1));
}
%typemap(argout) int64_t *OUT { /* counts: well within 2^53 */
	$result = erp_js_out($result, SWIGV8_NUMBER_NEW((double)*$1));
}
/* Minor units: int64, so BigInt. */
%typemap(in) erp_stock_level *OUT (erp_stock_level tmp) {
	(void)$input;
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) erp_stock_level *OUT {
	v8::Local<v8::Object> o = SWIGV8_OBJECT_NEW();
	erp_js_set(o, "onHand", v8::BigInt::New(erp_js_isolate(), $1->on_hand));
	erp_js_set(o, "reserved", v8::BigInt::New(erp_js_isolate(), $1->reserved));
	erp_js_set(o, "available", v8::BigInt::New(erp_js_isolate(), $1->available));
	$result = erp_js_out($result, o);
}
%typemap(in) erp_rate_result *OUT (erp_rate_result tmp) {
	(void)$input;
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) erp_rate_result *OUT {
	v8::Local<v8::Object> o = SWIGV8_OBJECT_NEW();
	erp_js_set(o, "allowed", SWIGV8_BOOLEAN_NEW($1->allowed != 0));
	erp_js_set(o, "count", SWIGV8_NUMBER_NEW((double)$1->count));
	erp_js_set(o, "remaining", SWIGV8_NUMBER_NEW((double)$1->remaining));
	erp_js_set(o, "resetMs", SWIGV8_NUMBER_NEW((double)$1->reset_ms));
	erp_js_set(o, "retryAfterMs", SWIGV8_NUMBER_NEW((double)$1->retry_after_ms));
	erp_js_set(o, "degraded", SWIGV8_BOOLEAN_NEW($1->degraded != 0));
	$result = erp_js_out($result, o);
}

/* int64_t inputs (versions, limits, windows): a safe-integer Number or a BigInt. */
%typemap(in) int64_t {
	if ($input->IsBigInt()) {
		bool lossless = false;
		$1 = (int64_t)v8::Local<v8::BigInt>::Cast($input)->Int64Value(&lossless);
		if (!lossless)
			ERP_JS_THROW(RangeError, "in method '$symname', argument $argnum: out of the int64 range");
	} else if ($input->IsNumber()) {
		double d = SWIGV8_NUMBER_VALUE($input);
		if (!(d >= -9007199254740991.0 && d <= 9007199254740991.0) || d != (double)(int64_t)d)
			ERP_JS_THROW(RangeError, "in method '$symname', argument $argnum: expected a safe integer");
		$1 = (int64_t)d;
	} else {
		ERP_JS_THROW(TypeError, "in method '$symname', argument $argnum: expected an integer");
	}
}

%rename(erp_store_open_opts) erp_py_store_open;
#endif /* SWIGJAVASCRIPT */

%apply erp_buf *OUT { erp_buf *out, erp_buf *out_id, erp_buf *out_ids, erp_buf *out_token,
                      erp_buf *out_tenant_id, erp_buf *out_user_id };
%apply erp_store **OUT { erp_store **out };
%apply erp_ctx **OUT { erp_ctx **out, erp_ctx **out_ctx };
%apply int *OUT { int *out };
%apply int64_t *OUT { int64_t *out_count };
%apply erp_stock_level *OUT { erp_stock_level *out };
%apply erp_rate_result *OUT { erp_rate_result *out };

/* ---- what Python and Node see ---------------------------------------------------- */
typedef int erp_rc;
typedef struct erp_store erp_store;
typedef struct erp_ctx erp_ctx;

/* erp_store_open with the options a script sets; 0 / None is the default. */
%inline %{
static erp_rc erp_py_store_open(erp_store **out, const char *url, const char *cache_url,
                                int sync_full, int pool_size, int busy_timeout_ms,
                                unsigned long long password_ops_limit,
                                unsigned long long password_mem_limit)
{
	erp_store_options o = ERP_STORE_OPTIONS_INIT;
	o.cache_url = cache_url;
	o.sync_full = sync_full;
	o.pool_size = pool_size;
	o.busy_timeout_ms = busy_timeout_ms;
	o.password_ops_limit = password_ops_limit;
	o.password_mem_limit = (size_t)password_mem_limit;
	return erp_store_open(out, url, &o);
}
%}

const char *erp_version(void);
const char *erp_error_name(int code);

void erp_store_close(erp_store *store);
const char *erp_store_backend(const erp_store *store);
erp_rc erp_store_schema_version(int *out, erp_store *store);
erp_rc erp_store_health(erp_buf *out, erp_store *store);
erp_rc erp_store_verify(erp_buf *out, erp_store *store);

erp_rc erp_tenant_create(erp_buf *out_id, erp_store *store, const char *name, const char *base_currency);
erp_rc erp_tenant_get(erp_buf *out, erp_store *store, const char *id);
erp_rc erp_tenant_list(erp_buf *out, erp_store *store);
erp_rc erp_tenant_create_with_admin(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store,
                                    const char *name, const char *base_currency, const char *email,
                                    const char *display_name, const char *password);

erp_rc erp_ctx_new(erp_ctx **out, erp_store *store, const char *tenant_id, const char *user_id, int role);
void erp_ctx_free(erp_ctx *ctx);
const char *erp_ctx_tenant(const erp_ctx *ctx);
const char *erp_ctx_user(const erp_ctx *ctx);
int erp_ctx_role(const erp_ctx *ctx);

erp_rc erp_setting_get(erp_buf *out, erp_ctx *ctx, const char *key);
erp_rc erp_setting_set(erp_ctx *ctx, const char *key, const char *value);
erp_rc erp_setting_list(erp_buf *out, erp_ctx *ctx);
erp_rc erp_audit_list(erp_buf *out, erp_ctx *ctx, int limit);

erp_rc erp_entity_types(erp_buf *out);
erp_rc erp_entity_create(erp_buf *out, erp_ctx *ctx, const char *type, const char *json);
erp_rc erp_entity_get(erp_buf *out, erp_ctx *ctx, const char *type, const char *id);
erp_rc erp_entity_update(erp_buf *out, erp_ctx *ctx, const char *type, const char *id,
                         int64_t version, const char *json);
erp_rc erp_entity_delete(erp_buf *out, erp_ctx *ctx, const char *type, const char *id, int64_t version);
erp_rc erp_entity_list(erp_buf *out, erp_ctx *ctx, const char *type, const char *query);
erp_rc erp_entity_history(erp_buf *out, erp_ctx *ctx, const char *type, const char *id);

erp_rc erp_ledger_post_json(erp_buf *out, erp_ctx *ctx, const char *json);
erp_rc erp_ledger_post_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json);
erp_rc erp_ledger_reverse(erp_buf *out_id, erp_ctx *ctx, const char *entry_id, const char *date);
erp_rc erp_ledger_entry_get(erp_buf *out, erp_ctx *ctx, const char *entry_id);
erp_rc erp_ledger_entry_list(erp_buf *out, erp_ctx *ctx, const char *query);
erp_rc erp_ledger_account_balance(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *as_of);
erp_rc erp_ledger_trial_balance(erp_buf *out, erp_ctx *ctx, const char *as_of);
erp_rc erp_ledger_general_ledger(erp_buf *out, erp_ctx *ctx, const char *account_id, const char *from,
                          const char *to, const char *cursor, int limit);
erp_rc erp_ledger_set_lock_date(erp_ctx *ctx, const char *date);
erp_rc erp_ledger_lock_date(erp_buf *out, erp_ctx *ctx);

erp_rc erp_stock_move_json(erp_buf *out, erp_ctx *ctx, const char *json);
erp_rc erp_stock_move_batch_json(erp_buf *out_ids, erp_ctx *ctx, const char *json);
erp_rc erp_stock_move_get(erp_buf *out, erp_ctx *ctx, const char *id);
erp_rc erp_stock_move_list(erp_buf *out, erp_ctx *ctx, const char *query);
erp_rc erp_stock_reserve_json(erp_buf *out, erp_ctx *ctx, const char *json);
erp_rc erp_stock_release(erp_ctx *ctx, const char *reservation_id);
erp_rc erp_stock_reservation_get(erp_buf *out, erp_ctx *ctx, const char *id);
erp_rc erp_stock_quantity(erp_stock_level *out, erp_ctx *ctx, const char *product_id,
                          const char *location_id, const char *as_of);
erp_rc erp_stock_quant_list(erp_buf *out, erp_ctx *ctx, const char *query);
erp_rc erp_stock_valuation(erp_buf *out, erp_ctx *ctx, const char *as_of);
erp_rc erp_stock_layer_list(erp_buf *out, erp_ctx *ctx, const char *product_id);

erp_rc erp_user_set_role(erp_ctx *ctx, const char *user_id, int role);
erp_rc erp_user_set_disabled(erp_ctx *ctx, const char *user_id, int disabled);
erp_rc erp_user_remove(erp_ctx *ctx, const char *user_id);
erp_rc erp_user_set_password(erp_ctx *ctx, const char *user_id, const char *password);
erp_rc erp_user_change_password(erp_ctx *ctx, const char *old_password, const char *new_password);
erp_rc erp_user_get(erp_buf *out, erp_ctx *ctx, const char *user_id);
erp_rc erp_user_list(erp_buf *out, erp_ctx *ctx);

/* Membership is by consent: an admin invites an email, the person accepts. */
erp_rc erp_invitation_create(erp_buf *out_token, erp_buf *out_id, erp_ctx *ctx, const char *email, int role,
                             int64_t ttl_seconds);
erp_rc erp_invitation_get(erp_buf *out, erp_ctx *ctx, const char *invitation_id);
erp_rc erp_invitation_list(erp_buf *out, erp_ctx *ctx);
erp_rc erp_invitation_revoke(erp_ctx *ctx, const char *invitation_id);
erp_rc erp_invitation_accept(erp_buf *out_tenant_id, erp_ctx *ctx, const char *token);
erp_rc erp_invitation_accept_password(erp_buf *out_tenant_id, erp_buf *out_user_id, erp_store *store,
                                      const char *token, const char *display_name, const char *password);

erp_rc erp_session_login(erp_buf *out_token, erp_ctx **out_ctx, erp_store *store, const char *email,
                         const char *password, const char *tenant_id, const char *client_key);
erp_rc erp_session_resume(erp_ctx **out_ctx, erp_store *store, const char *token);
erp_rc erp_session_logout(erp_store *store, const char *token);
erp_rc erp_session_revoke_user(int64_t *out_count, erp_ctx *ctx, const char *user_id);
erp_rc erp_session_list(erp_buf *out, erp_ctx *ctx, const char *user_id);
erp_rc erp_rate_limit(erp_rate_result *out, erp_store *store, const char *key, int64_t limit,
                      int64_t window_ms);
