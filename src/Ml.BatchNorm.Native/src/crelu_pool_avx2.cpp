// AVX2 variant of the fused CReLU + max-pool kernels: eight output (or input) positions per step,
// window elements fetched with gathers through the offset table. Compiled with a function-level
// target so that the rest of the bridge stays baseline x86-64; only called after the CPU check.
#include <immintrin.h>

#include "crelu_pool_kernels.h"

namespace mlbn {

__attribute__((target("avx2"))) void crelu_pool_forward_avx2(const CReluPoolForwardArgs& a) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256i none = _mm256_set1_epi32(-1);
  int64_t o = 0;
  for (; o + 8 <= a.out_plane; o += 8) {
    __m256i hi_at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.offsets + o));
    __m256i lo_at = hi_at;
    __m256 hi = _mm256_i32gather_ps(a.input, hi_at, 4);
    __m256 lo = hi;
    for (int32_t j = 1; j < a.window; ++j) {
      const __m256i at = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.offsets + j * a.out_plane + o));
      const __m256 v = _mm256_i32gather_ps(a.input, at, 4);
      const __m256 gt = _mm256_cmp_ps(v, hi, _CMP_GT_OQ);
      const __m256 lt = _mm256_cmp_ps(v, lo, _CMP_LT_OQ);
      hi = _mm256_blendv_ps(hi, v, gt);
      lo = _mm256_blendv_ps(lo, v, lt);
      hi_at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(hi_at), _mm256_castsi256_ps(at), gt));
      lo_at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(lo_at), _mm256_castsi256_ps(at), lt));
    }
    const __m256 pos = _mm256_cmp_ps(hi, zero, _CMP_GT_OQ);
    const __m256 neg = _mm256_cmp_ps(lo, zero, _CMP_LT_OQ);
    _mm256_storeu_ps(a.out_max + o, _mm256_and_ps(hi, pos));
    _mm256_storeu_ps(a.out_min + o, _mm256_and_ps(_mm256_sub_ps(zero, lo), neg));
    if (a.index_max) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(a.index_max + o),
                          _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(none), _mm256_castsi256_ps(hi_at), pos)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(a.index_min + o),
                          _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(none), _mm256_castsi256_ps(lo_at), neg)));
    }
  }
  // The last out_plane % 8 positions: a gather must not read past the offset table's end.
  crelu_pool_forward_positions(a, o, a.out_plane);
}

__attribute__((target("avx2"))) void crelu_pool_backward_avx2(const CReluPoolBackwardArgs& a) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256i none = _mm256_set1_epi32(-1);
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  int64_t i = 0;
  for (; i + 8 <= a.in_plane; i += 8) {
    const __m256i o = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.owner + i));
    const __m256i has = _mm256_cmpgt_epi32(o, none);
    const __m256i me = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(i)), iota);
    const __m256i jmax = _mm256_mask_i32gather_epi32(none, a.index_max, o, has, 4);
    const __m256i jmin = _mm256_mask_i32gather_epi32(none, a.index_min, o, has, 4);
    const __m256 gmax = _mm256_mask_i32gather_ps(zero, a.grad_max, o, _mm256_castsi256_ps(has), 4);
    const __m256 gmin = _mm256_mask_i32gather_ps(zero, a.grad_min, o, _mm256_castsi256_ps(has), 4);
    const __m256 up = _mm256_and_ps(gmax, _mm256_castsi256_ps(_mm256_cmpeq_epi32(jmax, me)));
    const __m256 down = _mm256_and_ps(gmin, _mm256_castsi256_ps(_mm256_cmpeq_epi32(jmin, me)));
    _mm256_storeu_ps(a.grad_input + i, _mm256_sub_ps(up, down));
  }
  crelu_pool_backward_positions(a, i, a.in_plane);
}

}  // namespace mlbn
