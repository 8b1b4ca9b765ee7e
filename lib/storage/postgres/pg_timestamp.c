/*
 * Timestamps from PostgreSQL's text output (see pg_timestamp.h).
 */
#include "pg_timestamp.h"

#include <stdint.h>

static int digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static char *put(char *p, int64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

size_t erp__pg_timestamp_normalise(char *out, const char *text)
{
	const char *p = text;
	int year, mon, day, hour, min, sec, usec = 0, n, oh, om = 0, os = 0, sign;
	int64_t y, secs, days;
	char *start = out;

	if (!digits(p, 4, &year) || p[4] != '-' || !digits(p + 5, 2, &mon) || p[7] != '-' ||
	    !digits(p + 8, 2, &day) || (p[10] != ' ' && p[10] != 'T') || !digits(p + 11, 2, &hour) ||
	    p[13] != ':' || !digits(p + 14, 2, &min) || p[16] != ':' || !digits(p + 17, 2, &sec))
		return 0;
	p += 19;
	if (*p == '.') {
		for (p++, n = 0; *p >= '0' && *p <= '9'; p++, n++) {
			if (n < 6)
				usec = usec * 10 + (*p - '0');
		}
		if (n == 0)
			return 0;
		for (; n < 6; n++)
			usec *= 10;
	}
	y = year;
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh))
			return 0;
		p += 3;
		if (*p == ':') {
			if (!digits(p + 1, 2, &om))
				return 0;
			p += 3;
			if (*p == ':') {
				if (!digits(p + 1, 2, &os))
					return 0;
				p += 3;
			}
		}
		secs = days_from_civil(y, mon, day) * 86400 + hour * 3600 + min * 60 + sec -
		       sign * (oh * 3600 + om * 60 + os);
		days = (secs >= 0 ? secs : secs - 86399) / 86400;
		secs -= days * 86400;
		civil_from_days(days, &y, &mon, &day);
		hour = (int)(secs / 3600);
		min = (int)(secs / 60 % 60);
		sec = (int)(secs % 60);
	} else if (*p == 'Z') {
		p++;
	}
	if (*p != '\0' || y < 1 || y > 9999)
		return 0; /* " BC", "infinity", anything unexpected */

	out = put(out, y, 4);
	*out++ = '-';
	out = put(out, mon, 2);
	*out++ = '-';
	out = put(out, day, 2);
	*out++ = 'T';
	out = put(out, hour, 2);
	*out++ = ':';
	out = put(out, min, 2);
	*out++ = ':';
	out = put(out, sec, 2);
	*out++ = '.';
	out = put(out, usec, 6);
	*out++ = 'Z';
	*out = '\0';
	return (size_t)(out - start);
}
