/* Ids, timestamps and text checks (ident.h). */
#include "ident.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t uuid_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t uuid_last_ms;
static uint32_t uuid_seq;

void erp__uuid_v7(char out[ERP__UUID_LEN + 1])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	unsigned char b[16];
	randombytes_buf(b, sizeof b);

	pthread_mutex_lock(&uuid_lock);
	if (ms <= uuid_last_ms) {
		/* Same (or an earlier, clock stepped back) millisecond: count on. */
		ms = uuid_last_ms;
		if (++uuid_seq > 0xfff) {
			ms++;
			uuid_seq = b[6] & 0x3f; /* leave headroom for the next ones */
		}
	} else {
		uuid_seq = ((uint32_t)(b[6] & 0x07) << 8) | b[7]; /* random start, top bit clear */
	}
	uuid_last_ms = ms;
	uint32_t seq = uuid_seq;
	pthread_mutex_unlock(&uuid_lock);

	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | ((seq >> 8) & 0x0f));
	b[7] = (unsigned char)(seq & 0xff);
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));

	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}

bool erp__uuid_valid(const char *s)
{
	if (!s || strlen(s) != ERP__UUID_LEN)
		return false;
	for (int i = 0; i < ERP__UUID_LEN; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return true;
}

bool erp__uuid_normalize(char out[ERP__UUID_LEN + 1], const char *in)
{
	out[0] = '\0';
	if (!erp__uuid_valid(in))
		return false;
	for (int i = 0; i < ERP__UUID_LEN; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'F') ? (char)(in[i] - 'A' + 'a') : in[i];
	out[ERP__UUID_LEN] = '\0';
	return true;
}

int64_t erp__now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Formats seconds and microseconds since the epoch as a timestamp. */
static void format_timestamp(char out[ERP__TIMESTAMP_LEN + 1], time_t sec, long usec)
{
	struct tm tm;
	gmtime_r(&sec, &tm);
	/* Years 0..9999 only; the fields are range-checked so the text is fixed-width. */
	unsigned year = (unsigned)(tm.tm_year + 1900) % 10000u;
	snprintf(out, ERP__TIMESTAMP_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", year,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
	         (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u, (unsigned)usec % 1000000u);
}

void erp__now_timestamp(char out[ERP__TIMESTAMP_LEN + 1])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	format_timestamp(out, ts.tv_sec, ts.tv_nsec / 1000);
}

void erp__timestamp_from_ms(char out[ERP__TIMESTAMP_LEN + 1], int64_t ms)
{
	if (ms < 0)
		ms = 0;
	format_timestamp(out, (time_t)(ms / 1000), (long)(ms % 1000) * 1000);
}

bool erp__utf8_check(const char *s, size_t len, bool allow_newlines, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;
	while (i < len) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c == 0 || c == 0x7f)
				return false;
			if (c < 0x20 && !(allow_newlines && (c == '\t' || c == '\n' || c == '\r')))
				return false;
			i++;
		} else {
			size_t extra;
			unsigned cp;
			if (c >= 0xc2 && c <= 0xdf) { extra = 1; cp = c & 0x1f; }
			else if (c >= 0xe0 && c <= 0xef) { extra = 2; cp = c & 0x0f; }
			else if (c >= 0xf0 && c <= 0xf4) { extra = 3; cp = c & 0x07; }
			else return false;
			if (len - i <= extra)
				return false;
			for (size_t k = 1; k <= extra; k++) {
				if ((p[i + k] & 0xc0) != 0x80)
					return false;
				cp = (cp << 6) | (p[i + k] & 0x3f);
			}
			/* Overlong forms, surrogates and code points past U+10FFFF. */
			if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				return false;
			i += extra + 1;
		}
		n++;
	}
	if (chars)
		*chars = n;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

bool erp__date_valid(const char *s)
{
	if (!s || strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}
