// SwiftPM renames an executable's entry point to NAME_main (and links `main` to it),
// so a Swift fuzz target cannot rely on libFuzzer's own `main`. This file defines the
// entry point of every fuzz target: each runs libFuzzer's driver on the target's
// LLVMFuzzerTestOneInput. A target uses only its own; the others are never called.
#include "FuzzDriver.h"

// libFuzzer's entry for programs with their own main (LLVM 12 and later).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

static int run(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

int FuzzSessionFile_main(int argc, char **argv) { return run(argc, argv); }
int FuzzModelFile_main(int argc, char **argv) { return run(argc, argv); }
int FuzzParams_main(int argc, char **argv) { return run(argc, argv); }
int FuzzShellCommand_main(int argc, char **argv) { return run(argc, argv); }
