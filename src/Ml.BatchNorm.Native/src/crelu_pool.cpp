// Fused CReLU + max-pool for CPU float32 NCHW tensors.
//
// max_pool(relu(cat(x, -x))) == cat(relu(max_pool(x)), relu(-min_pool(x))): pooling commutes with
// the monotone ReLU. One pass over each window finds both its maximum and its minimum, so the
// forward pass reads the input once and writes a quarter-size output, and the backward pass writes
// the input gradient once, instead of negating, concatenating, applying ReLU and pooling the
// doubled tensor. Ties go to the first position in the window, as libtorch's max-pool does, so the
// gradients equal the plain path's. The per-plane work runs in scalar, AVX2 or AVX-512 variants
// (crelu_pool_scalar.cpp, crelu_pool_avx2.cpp, crelu_pool_avx512.cpp) chosen at run time.
#include <ATen/Parallel.h>

#include "bridge.h"
#include "crelu_pool_kernels.h"
#include "instruction_set.h"

namespace mlbn {

namespace {

struct PoolGeometry {
  int64_t n, c, h, w, oh, ow, kernel, stride;
};

PoolGeometry geometry(const torch::Tensor& x, int64_t kernel, int64_t stride, bool ceil_mode) {
  PoolGeometry g{x.size(0), x.size(1), x.size(2), x.size(3), 0, 0, kernel, stride};
  auto out = [&](int64_t in) {
    int64_t span = in - kernel;
    int64_t o = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
    // A window must start inside the input (libtorch's rule for ceil_mode).
    if (ceil_mode && (o - 1) * stride >= in) --o;
    return o;
  };
  g.oh = out(g.h);
  g.ow = out(g.w);
  return g;
}

// Window offsets (see crelu_pool_kernels.h), and for non-overlapping windows the owner of each
// input position. Built once per call: a few hundred integers for the seed network's planes.
struct PoolTables {
  std::vector<int32_t> offsets, owner;
};

PoolTables tables(const PoolGeometry& g, bool with_owner) {
  PoolTables t;
  const int64_t out_plane = g.oh * g.ow;
  t.offsets.resize(static_cast<size_t>(g.kernel * g.kernel * out_plane));
  for (int64_t dy = 0; dy < g.kernel; ++dy)
    for (int64_t dx = 0; dx < g.kernel; ++dx)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const int64_t yy = std::min(oy * g.stride + dy, g.h - 1), xx = std::min(ox * g.stride + dx, g.w - 1);
          t.offsets[static_cast<size_t>((dy * g.kernel + dx) * out_plane + oy * g.ow + ox)] = static_cast<int32_t>(yy * g.w + xx);
        }
  if (with_owner) {
    t.owner.assign(static_cast<size_t>(g.h * g.w), -1);
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t yy = oy * g.stride; yy < std::min(oy * g.stride + g.kernel, g.h); ++yy)
          for (int64_t xx = ox * g.stride; xx < std::min(ox * g.stride + g.kernel, g.w); ++xx)
            t.owner[static_cast<size_t>(yy * g.w + xx)] = static_cast<int32_t>(oy * g.ow + ox);
  }
  return t;
}

using ForwardKernel = void (*)(const CReluPoolForwardArgs&);
using BackwardKernel = void (*)(const CReluPoolBackwardArgs&);

ForwardKernel forward_kernel() {
  switch (active_instruction_set()) {
    case InstructionSet::Avx512: return crelu_pool_forward_avx512;
    case InstructionSet::Avx2: return crelu_pool_forward_avx2;
    default: return crelu_pool_forward_scalar;
  }
}

BackwardKernel backward_kernel() {
  switch (active_instruction_set()) {
    case InstructionSet::Avx512: return crelu_pool_backward_avx512;
    case InstructionSet::Avx2: return crelu_pool_backward_avx2;
    default: return crelu_pool_backward_scalar;
  }
}

// Writes relu(max) to the first c output channels and relu(-min) to the last c; with indices, the
// winning input position within the plane, or -1 where ReLU zeroed the value (no gradient flows).
void pool_planes(const float* x, float* out, int32_t* index, const PoolGeometry& g) {
  const int64_t planes = g.n * g.c;
  const int64_t in_plane = g.h * g.w, out_plane = g.oh * g.ow;
  const PoolTables t = tables(g, false);
  const ForwardKernel kernel = forward_kernel();
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t batch = p / g.c, channel = p % g.c;
      const int64_t max_plane = (batch * 2 * g.c + channel) * out_plane;
      const int64_t min_plane = (batch * 2 * g.c + g.c + channel) * out_plane;
      kernel({x + p * in_plane, out + max_plane, out + min_plane, index ? index + max_plane : nullptr,
              index ? index + min_plane : nullptr, t.offsets.data(), static_cast<int32_t>(g.kernel * g.kernel),
              out_plane});
    }
  });
}

// Gradient of pool_planes. Non-overlapping windows (stride == kernel, the seed network's case) write
// each input position once through the vectorized kernel; overlapping windows add into a zeroed
// gradient, since one input position can win several windows.
torch::Tensor unpool_planes(const torch::Tensor& grad, const torch::Tensor& index, const PoolGeometry& g) {
  const int64_t c = g.c, in_plane = g.h * g.w, out_plane = g.oh * g.ow;
  const float* go = grad.data_ptr<float>();
  const int32_t* ix = index.data_ptr<int32_t>();
  if (g.stride == g.kernel) {
    auto grad_input = at::empty({g.n, g.c, g.h, g.w}, grad.options());
    float* gi = grad_input.data_ptr<float>();
    const PoolTables t = tables(g, true);
    const BackwardKernel kernel = backward_kernel();
    at::parallel_for(0, g.n * c, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t batch = p / c, channel = p % c;
        const int64_t max_plane = (batch * 2 * c + channel) * out_plane;
        const int64_t min_plane = (batch * 2 * c + c + channel) * out_plane;
        kernel({gi + p * in_plane, go + max_plane, go + min_plane, ix + max_plane, ix + min_plane,
                t.owner.data(), in_plane});
      }
    });
    return grad_input;
  }
  auto grad_input = at::zeros({g.n, g.c, g.h, g.w}, grad.options());
  float* gi = grad_input.data_ptr<float>();
  at::parallel_for(0, g.n * c, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t batch = p / c, channel = p % c;
      float* gp = gi + p * in_plane;
      const int64_t max_plane = (batch * 2 * c + channel) * out_plane;
      const int64_t min_plane = (batch * 2 * c + c + channel) * out_plane;
      for (int64_t o = 0; o < out_plane; ++o) {
        if (ix[max_plane + o] >= 0) gp[ix[max_plane + o]] += go[max_plane + o];
        if (ix[min_plane + o] >= 0) gp[ix[min_plane + o]] -= go[min_plane + o];
      }
    }
  });
  return grad_input;
}

struct CReluMaxPoolFunction : public torch::autograd::Function<CReluMaxPoolFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                               int64_t kernel, int64_t stride, bool ceil_mode) {
    auto x = input.contiguous();
    auto g = geometry(x, kernel, stride, ceil_mode);
    auto out = at::empty({g.n, 2 * g.c, g.oh, g.ow}, x.options());
    auto index = at::empty({g.n, 2 * g.c, g.oh, g.ow}, x.options().dtype(torch::kInt32));
    pool_planes(x.data_ptr<float>(), out.data_ptr<float>(), index.data_ptr<int32_t>(), g);
    ctx->save_for_backward({index});
    ctx->saved_data["shape"] = x.sizes().vec();
    ctx->saved_data["kernel"] = kernel;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["ceil_mode"] = ceil_mode;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto index = ctx->get_saved_variables()[0];
    auto shape = ctx->saved_data["shape"].toIntVector();
    auto grad = grads[0].contiguous();
    PoolGeometry g{shape[0], shape[1], shape[2], shape[3], grad.size(2), grad.size(3),
                   ctx->saved_data["kernel"].toInt(), ctx->saved_data["stride"].toInt()};
    return {unpool_planes(grad, index, g), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool fused_crelu_pool_applies(const torch::Tensor& x) {
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && x.dim() == 4 &&
         x.numel() > 0 && x.size(2) * x.size(3) < (int64_t{1} << 31);
}

torch::Tensor fused_crelu_max_pool(const torch::Tensor& x, int64_t kernel, int64_t stride, bool ceil_mode) {
  if (torch::GradMode::is_enabled() && x.requires_grad())
    return CReluMaxPoolFunction::apply(x, kernel, stride, ceil_mode);
  auto input = x.contiguous();
  auto g = geometry(input, kernel, stride, ceil_mode);
  auto out = at::empty({g.n, 2 * g.c, g.oh, g.ow}, input.options());
  pool_planes(input.data_ptr<float>(), out.data_ptr<float>(), nullptr, g);
  return out;
}

}  // namespace mlbn
