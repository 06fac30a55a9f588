// libFuzzer entry points for the Swift fuzz executables (see driver.c).
#ifndef GRU4REC_FUZZ_DRIVER_H
#define GRU4REC_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Each fuzz target defines this (in Swift, with @_cdecl): one input, return 0.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
