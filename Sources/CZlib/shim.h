#ifndef GRU4REC_CZLIB_SHIM_H
#define GRU4REC_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot import it. */
static inline int gru4rec_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
