#ifndef GRU4REC_CBLAS_SHIM_H
#define GRU4REC_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS thread control, declared here so Swift can call it whether or not
   the installed cblas.h declares it. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
#endif
