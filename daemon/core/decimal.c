/* SPDX-License-Identifier: MIT */
/* Strict decimal integers (decimal.h). */
#include "config.h"

#include "decimal.h"

bool decimal_parse(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
        bool neg = len > 0 && s[0] == '-';
        if (neg) {
                s++;
                len--;
        }
        /* 19 digits hold every int64 (9223372036854775807 has 19). */
        if (len == 0 || len > 19 || (s[0] == '0' && (len > 1 || neg)))
                return false;
        uint64_t v = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint64_t)(s[i] - '0'); /* < 10^19 < 2^64: no overflow */
        }
        if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
                return false;
        int64_t x = neg ? (int64_t)(0 - v) : (int64_t)v;
        if (x < min || x > max)
                return false;
        *out = x;
        return true;
}
