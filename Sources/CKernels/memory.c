#include "ckernels.h"
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Large zeroed float storage on 2 MB boundaries, with transparent huge pages asked
   for (Linux, madvise mode): the optimizer updates scattered rows of tables that
   are tens of MB for large catalogs, and with 4 KB pages nearly every row costs a
   TLB miss (a nested page walk in a virtual machine). Small blocks: 64-byte aligned. */
float *g4r_alloc_floats(size_t count) {
    size_t bytes = (count ? count : 1) * sizeof(float);
    size_t align = 64;
    if (bytes >= (1u << 20)) {
        align = 1u << 21;
        bytes = (bytes + align - 1) / align * align;
    }
    void *p = NULL;
    if (posix_memalign(&p, align, bytes) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align > 64) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return (float *)p;
}

void g4r_free_floats(float *p) { free(p); }
