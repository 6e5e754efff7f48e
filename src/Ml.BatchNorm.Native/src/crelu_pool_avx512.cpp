// AVX-512 variant of the fused CReLU + max-pool kernels: sixteen output (or input) positions per
// step, window elements fetched with masked gathers through the offset table, and the tail handled
// by masks instead of a scalar loop. Compiled with a function-level target so that the rest of the
// bridge stays baseline x86-64; only called after the CPU check.
#include <immintrin.h>

#include "crelu_pool_kernels.h"

namespace mlbn {

namespace {
__attribute__((target("avx512f"))) inline __mmask16 tail_mask(int64_t remaining) {
  return remaining >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}
}  // namespace

__attribute__((target("avx512f"))) void crelu_pool_forward_avx512(const CReluPoolForwardArgs& a) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512i none = _mm512_set1_epi32(-1);
  for (int64_t o = 0; o < a.out_plane; o += 16) {
    const __mmask16 m = tail_mask(a.out_plane - o);
    __m512i hi_at = _mm512_maskz_loadu_epi32(m, a.offsets + o);
    __m512i lo_at = hi_at;
    __m512 hi = _mm512_mask_i32gather_ps(zero, m, hi_at, a.input, 4);
    __m512 lo = hi;
    for (int32_t j = 1; j < a.window; ++j) {
      const __m512i at = _mm512_maskz_loadu_epi32(m, a.offsets + j * a.out_plane + o);
      const __m512 v = _mm512_mask_i32gather_ps(zero, m, at, a.input, 4);
      const __mmask16 gt = _mm512_cmp_ps_mask(v, hi, _CMP_GT_OQ);
      const __mmask16 lt = _mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ);
      hi = _mm512_mask_blend_ps(gt, hi, v);
      lo = _mm512_mask_blend_ps(lt, lo, v);
      hi_at = _mm512_mask_blend_epi32(gt, hi_at, at);
      lo_at = _mm512_mask_blend_epi32(lt, lo_at, at);
    }
    const __mmask16 pos = _mm512_cmp_ps_mask(hi, zero, _CMP_GT_OQ);
    const __mmask16 neg = _mm512_cmp_ps_mask(lo, zero, _CMP_LT_OQ);
    _mm512_mask_storeu_ps(a.out_max + o, m, _mm512_maskz_mov_ps(pos, hi));
    _mm512_mask_storeu_ps(a.out_min + o, m, _mm512_maskz_sub_ps(neg, zero, lo));
    if (a.index_max) {
      _mm512_mask_storeu_epi32(a.index_max + o, m, _mm512_mask_blend_epi32(pos, none, hi_at));
      _mm512_mask_storeu_epi32(a.index_min + o, m, _mm512_mask_blend_epi32(neg, none, lo_at));
    }
  }
}

__attribute__((target("avx512f"))) void crelu_pool_backward_avx512(const CReluPoolBackwardArgs& a) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512i none = _mm512_set1_epi32(-1);
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int64_t i = 0; i < a.in_plane; i += 16) {
    const __mmask16 m = tail_mask(a.in_plane - i);
    const __m512i o = _mm512_mask_loadu_epi32(none, m, a.owner + i);
    const __mmask16 has = _mm512_cmpgt_epi32_mask(o, none);
    const __m512i me = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(i)), iota);
    const __m512i jmax = _mm512_mask_i32gather_epi32(none, has, o, a.index_max, 4);
    const __m512i jmin = _mm512_mask_i32gather_epi32(none, has, o, a.index_min, 4);
    const __m512 gmax = _mm512_mask_i32gather_ps(zero, has, o, a.grad_max, 4);
    const __m512 gmin = _mm512_mask_i32gather_ps(zero, has, o, a.grad_min, 4);
    const __m512 up = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(jmax, me), gmax);
    const __m512 down = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(jmin, me), gmin);
    _mm512_mask_storeu_ps(a.grad_input + i, m, _mm512_sub_ps(up, down));
  }
}

}  // namespace mlbn
