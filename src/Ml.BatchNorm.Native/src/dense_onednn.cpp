// Dense layers' matrix products through oneDNN's matmul.
//
// libtorch computes linear layers with the BLAS it links (OpenBLAS here), whose kernels are chosen
// by OpenBLAS's own CPU detection (or pinned by OPENBLAS_CORETYPE); oneDNN, which libtorch already
// uses for its convolutions, JIT-compiles its matmul for the instruction set at hand. Measured on
// the project's machine for the seed's first dense layer (128 x 3136 x 1024): oneDNN 340-470
// GFLOP/s for the forward and both backward products, OpenBLAS 100-240 (docs/PERFORMANCE.md).
// The products are exact rewrites of the same sums, accumulated in another order.
#include "bridge.h"

#if MLBN_HAVE_DNNL
#include <dnnl.hpp>

namespace mlbn {

namespace {

// c[m, n] = op(a)[m, k] * op(b)[k, n] on row-major float32 buffers; op transposes when asked.
struct MatmulShape {
  int64_t m, k, n;
  bool trans_a, trans_b;
  bool operator<(const MatmulShape& o) const {
    return std::tie(m, k, n, trans_a, trans_b) < std::tie(o.m, o.k, o.n, o.trans_a, o.trans_b);
  }
};

struct Matmul {
  dnnl::memory::desc a, b, c;
  dnnl::matmul primitive;
};

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Primitives are built once per shape (building JIT-compiles them) and executed from any thread.
// Each batch size is a shape of its own, so a caller scoring many different batch sizes would grow
// the cache without end: past a bound it starts over. Entries are shared, so a primitive another
// thread is executing outlives its removal from the cache.
std::shared_ptr<const Matmul> matmul_for(const MatmulShape& s) {
  constexpr size_t max_entries = 256;
  static std::mutex mutex;
  static std::map<MatmulShape, std::shared_ptr<const Matmul>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(s);
  if (found != cache.end()) return found->second;
  using dims = dnnl::memory::dims;
  const auto f32 = dnnl::memory::data_type::f32;
  dnnl::memory::desc a({s.m, s.k}, f32, s.trans_a ? dims{1, s.m} : dims{s.k, 1});
  dnnl::memory::desc b({s.k, s.n}, f32, s.trans_b ? dims{1, s.k} : dims{s.n, 1});
  dnnl::memory::desc c({s.m, s.n}, f32, dims{s.n, 1});
  dnnl::matmul primitive(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), cpu_engine()));
  if (cache.size() >= max_entries) cache.clear();
  auto entry = std::make_shared<const Matmul>(Matmul{a, b, c, primitive});
  cache.emplace(s, entry);
  return entry;
}

void matmul(const torch::Tensor& a, bool trans_a, const torch::Tensor& b, bool trans_b, torch::Tensor& c) {
  const int64_t m = c.size(0), n = c.size(1), k = trans_a ? a.size(0) : a.size(1);
  const auto mm = matmul_for({m, k, n, trans_a, trans_b});
  auto& engine = cpu_engine();
  dnnl::stream stream(engine);
  dnnl::memory ma(mm->a, engine, a.data_ptr<float>());
  dnnl::memory mb(mm->b, engine, b.data_ptr<float>());
  dnnl::memory mc(mm->c, engine, c.data_ptr<float>());
  mm->primitive.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  stream.wait();
}

// y = x W^T for x [batch, in] and W [out, in]; backward dx = dy W and dW = dy^T x.
class DenseProduct : public torch::autograd::Function<DenseProduct> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in, const torch::Tensor& w_in) {
    auto x = x_in.contiguous();
    auto w = w_in.contiguous();
    auto y = at::empty({x.size(0), w.size(0)}, x.options());
    matmul(x, false, w, true, y);
    ctx->save_for_backward({x, w});
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& w = saved[1];
    auto dy = grads[0].contiguous();
    torch::Tensor dx, dw;
    if (ctx->needs_input_grad(0)) {
      dx = at::empty_like(x);
      matmul(dy, false, w, false, dx);
    }
    if (ctx->needs_input_grad(1)) {
      dw = at::empty_like(w);
      matmul(dy, true, x, false, dw);
    }
    return {dx, dw};
  }
};

}  // namespace

bool onednn_dense_applies(const torch::Tensor& x, const torch::Tensor& weight) {
  // A shape mismatch goes to at::linear, whose error names it.
  return x.dim() == 2 && x.size(0) > 1 && weight.dim() == 2 && x.size(1) == weight.size(1) && x.device().is_cpu() &&
         weight.device().is_cpu() && x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat;
}

torch::Tensor onednn_dense(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  auto y = DenseProduct::apply(x, weight);
  return bias.defined() ? y + bias : y;
}

}  // namespace mlbn

#else

namespace mlbn {

bool onednn_dense_applies(const torch::Tensor&, const torch::Tensor&) { return false; }

torch::Tensor onednn_dense(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  return at::linear(x, weight, bias);
}

}  // namespace mlbn

#endif
