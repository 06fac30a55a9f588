#define _GNU_SOURCE
#include <time.h>
#include <string.h>
#include "ckernels.h"

int g4r_parse_time_utc(const char *text, const char *pattern, double *seconds) {
    struct tm t;
    memset(&t, 0, sizeof t);
    const char *end = strptime(text, pattern, &t);
    if (!end || *end != '\0') return 0;
    *seconds = (double)timegm(&t);
    return 1;
}
