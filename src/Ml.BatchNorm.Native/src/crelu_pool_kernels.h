// Per-plane kernels of the fused CReLU + max-pool, one set per instruction set.
//
// Windows are described by an offset table built once per call: for window element j (row-major
// within the window) and output position o, offsets[j * out_plane + o] is the input position read.
// Windows that stick out of the input (ceil mode) have their offsets clamped to the last row and
// column; a clamped position repeats one already visited earlier in the scan, so with strict
// comparisons it never wins and ties still go to the first position, as in libtorch.
#pragma once
#include <cstdint>

namespace mlbn {

struct CReluPoolForwardArgs {
  const float* input;        // one input plane
  float* out_max;            // relu(max) per output position
  float* out_min;            // relu(-min) per output position
  int32_t* index_max;        // winning input position, -1 where ReLU zeroed it; null: not wanted
  int32_t* index_min;
  const int32_t* offsets;    // window * out_plane entries
  int32_t window;            // kernel * kernel
  int64_t out_plane;
};

// Only for non-overlapping windows (stride == kernel): owner[i] is the output position whose
// window holds input position i, or -1. Every input position is written exactly once, so the
// gradient needs no zero-filling beforehand.
struct CReluPoolBackwardArgs {
  float* grad_input;         // one input plane
  const float* grad_max;
  const float* grad_min;
  const int32_t* index_max;
  const int32_t* index_min;
  const int32_t* owner;      // in_plane entries
  int64_t in_plane;
};

// Scalar loops over positions [begin, end): the scalar variant, and the vector variants' tails.
inline void crelu_pool_forward_positions(const CReluPoolForwardArgs& a, int64_t begin, int64_t end) {
  for (int64_t o = begin; o < end; ++o) {
    int32_t hi_at = a.offsets[o], lo_at = hi_at;
    float hi = a.input[hi_at], lo = hi;
    for (int32_t j = 1; j < a.window; ++j) {
      const int32_t at = a.offsets[j * a.out_plane + o];
      const float v = a.input[at];
      if (v > hi) { hi = v; hi_at = at; }
      if (v < lo) { lo = v; lo_at = at; }
    }
    a.out_max[o] = hi > 0.0f ? hi : 0.0f;
    a.out_min[o] = lo < 0.0f ? 0.0f - lo : 0.0f;
    if (a.index_max) {
      a.index_max[o] = hi > 0.0f ? hi_at : -1;
      a.index_min[o] = lo < 0.0f ? lo_at : -1;
    }
  }
}

inline void crelu_pool_backward_positions(const CReluPoolBackwardArgs& a, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const int32_t o = a.owner[i];
    float g = 0.0f;
    if (o >= 0) {
      const float up = a.index_max[o] == i ? a.grad_max[o] : 0.0f;
      const float down = a.index_min[o] == i ? a.grad_min[o] : 0.0f;
      g = up - down;
    }
    a.grad_input[i] = g;
  }
}

void crelu_pool_forward_scalar(const CReluPoolForwardArgs& a);
void crelu_pool_forward_avx2(const CReluPoolForwardArgs& a);
void crelu_pool_forward_avx512(const CReluPoolForwardArgs& a);
void crelu_pool_backward_scalar(const CReluPoolBackwardArgs& a);
void crelu_pool_backward_avx2(const CReluPoolBackwardArgs& a);
void crelu_pool_backward_avx512(const CReluPoolBackwardArgs& a);

}  // namespace mlbn
