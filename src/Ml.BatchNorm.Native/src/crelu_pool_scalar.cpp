// Scalar variant of the fused CReLU + max-pool kernels: the fallback on any CPU, and the variant
// the vectorized ones are checked against.
#include "crelu_pool_kernels.h"

namespace mlbn {

void crelu_pool_forward_scalar(const CReluPoolForwardArgs& a) { crelu_pool_forward_positions(a, 0, a.out_plane); }

void crelu_pool_backward_scalar(const CReluPoolBackwardArgs& a) { crelu_pool_backward_positions(a, 0, a.in_plane); }

}  // namespace mlbn
