#include "ckernels.h"
#include <stdint.h>
#include <string.h>

/* Whether any of x[0..<n] has all exponent bits set (NaN or infinity): an OR over
   integer compares, which the compiler vectorises (no early exit in the loop). */
static int any_nonfinite(const float *x, size_t n) {
    uint32_t found = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        found |= (bits & 0x7F800000u) == 0x7F800000u;
    }
    return found != 0;
}

long g4r_first_nonfinite(const float *x, size_t n) {
    const size_t block = 4096;
    for (size_t start = 0; start < n; start += block) {
        size_t len = n - start < block ? n - start : block;
        if (!any_nonfinite(x + start, len)) continue;
        for (size_t i = start; i < start + len; i++) {
            uint32_t bits;
            memcpy(&bits, &x[i], sizeof bits);
            if ((bits & 0x7F800000u) == 0x7F800000u) return (long)i;
        }
    }
    return -1;
}
