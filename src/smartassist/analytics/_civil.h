/* The calendar arithmetic the C extensions share (analytics/agent_status/_spans.c, contactcenter/_call_rows.c):
 * floored division, two-digit fields, and days since 1970-01-01 to a proleptic Gregorian date. Static
 * functions: each extension includes this once. */
#ifndef SMARTASSIST_ANALYTICS_CIVIL_H
#define SMARTASSIST_ANALYTICS_CIVIL_H

#include <stdint.h>

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static char *
two_digits(char *p, int value)
{
    p[0] = (char)('0' + value / 10);
    p[1] = (char)('0' + value % 10);
    return p + 2;
}

/* Days since 1970-01-01 -> civil date (H. Hinnant's civil_from_days; proleptic Gregorian). */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

#endif
