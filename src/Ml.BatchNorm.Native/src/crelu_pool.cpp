// Fused CReLU + max-pool for CPU float32 NCHW tensors.
//
// max_pool(relu(cat(x, -x))) == cat(relu(max_pool(x)), relu(-min_pool(x))): pooling commutes with
// the monotone ReLU. One pass over each window finds both its maximum and its minimum, so the
// forward pass reads the input once and writes a quarter-size output, and the backward pass writes
// the input gradient once, instead of negating, concatenating, applying ReLU and pooling the
// doubled tensor. Ties go to the first position in the window, as libtorch's max-pool does, so the
// gradients equal the plain path's.
#include <ATen/Parallel.h>

#include "bridge.h"

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

// Writes relu(max) to out_max and relu(-min) to out_min; with indices, the winning input position
// within the plane, or -1 where ReLU zeroed the value (no gradient flows there).
void pool_planes(const float* x, float* out, int32_t* index, const PoolGeometry& g) {
  const int64_t planes = g.n * g.c;
  const int64_t in_plane = g.h * g.w, out_plane = g.oh * g.ow;
  at::parallel_for(0, planes, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t batch = p / g.c, channel = p % g.c;
      const float* xp = x + p * in_plane;
      const int64_t max_plane = (batch * 2 * g.c + channel) * out_plane;
      const int64_t min_plane = (batch * 2 * g.c + g.c + channel) * out_plane;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const int64_t y0 = oy * g.stride, y1 = std::min(y0 + g.kernel, g.h);
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const int64_t x0 = ox * g.stride, x1 = std::min(x0 + g.kernel, g.w);
          float hi = xp[y0 * g.w + x0], lo = hi;
          int32_t hi_at = static_cast<int32_t>(y0 * g.w + x0), lo_at = hi_at;
          for (int64_t yy = y0; yy < y1; ++yy) {
            for (int64_t xx = x0; xx < x1; ++xx) {
              const float v = xp[yy * g.w + xx];
              if (v > hi) { hi = v; hi_at = static_cast<int32_t>(yy * g.w + xx); }
              if (v < lo) { lo = v; lo_at = static_cast<int32_t>(yy * g.w + xx); }
            }
          }
          const int64_t o = oy * g.ow + ox;
          out[max_plane + o] = hi > 0.0f ? hi : 0.0f;
          out[min_plane + o] = lo < 0.0f ? -lo : 0.0f;
          if (index) {
            index[max_plane + o] = hi > 0.0f ? hi_at : -1;
            index[min_plane + o] = lo < 0.0f ? lo_at : -1;
          }
        }
      }
    }
  });
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
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto index = ctx->get_saved_variables()[0];
    auto shape = ctx->saved_data["shape"].toIntVector();
    auto grad = grads[0].contiguous();
    auto grad_input = at::zeros(shape, grad.options());
    const int64_t c = shape[1], in_plane = shape[2] * shape[3];
    const int64_t out_plane = grad.size(2) * grad.size(3);
    const float* go = grad.data_ptr<float>();
    const int32_t* ix = index.data_ptr<int32_t>();
    float* gi = grad_input.data_ptr<float>();
    at::parallel_for(0, shape[0] * c, 1, [&](int64_t begin, int64_t end) {
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
    return {grad_input, torch::Tensor(), torch::Tensor(), torch::Tensor()};
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
