// glibc's allocator serves blocks above its mmap threshold (128 KiB, growing only as blocks are
// freed) with fresh mappings and returns trimmed memory to the kernel, so every training step
// page-faults its activations and gradients (megabytes each) in anew: about 3% of a step's samples
// were page faults, most under the matrix products zero-filling their outputs. Keeping such blocks
// in the heap lets each step reuse the previous step's pages. Blocks above 64 MiB still get their
// own mappings, and at most 256 MiB of free memory is kept.
#include <malloc.h>

namespace {

__attribute__((constructor)) void keep_step_sized_blocks_in_the_heap() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace
