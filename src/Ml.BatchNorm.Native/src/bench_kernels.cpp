// Internal entry points for the benchmarks under bench/: the machine's compute ceiling (a large
// oneDNN convolution and a large OpenBLAS matrix product, through the same libtorch and thread
// settings the engine uses) and the fused CReLU + max-pool kernel in isolation, so that its gain is
// measured where the end-to-end step would hide it in noise. Never used by the library itself.
#include <chrono>

#include "bridge.h"

namespace mlbn {

namespace {

// Best of `repetitions` timed runs after one untimed run: the ceiling is what the machine can do
// when nothing else gets in the way, so the fastest run is the estimate, not the median.
template <typename F>
double best_seconds(int32_t repetitions, F&& body) {
  body();
  double best = 1e300;
  for (int32_t r = 0; r < repetitions; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    body();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

}  // namespace mlbn

MLBN_API mlbn_status mlbn_bench_ceiling(int32_t repetitions, double* conv_gflops, double* sgemm_gflops) {
  return mlbn::guarded("bench_ceiling", [&] {
    mlbn::require(repetitions > 0, "repetitions must be positive");
    torch::NoGradGuard no_grad;
    // A 5x5 convolution like the seed network's second one, widened to 64 -> 64 channels on 28x28
    // at batch 64 (10.3 GFLOP) so that it is large enough to reach the ceiling.
    const int64_t n = 64, c = 64, k = 64, h = 28, w = 28, r = 5;
    auto x = torch::rand({n, c, h, w});
    auto weight = torch::rand({k, c, r, r});
    double conv_s = mlbn::best_seconds(repetitions, [&] { (void)at::conv2d(x, weight, {}, 1, 2); });
    *conv_gflops = 2.0 * n * k * h * w * c * r * r / conv_s / 1e9;
    const int64_t m = 2048;
    auto a = torch::rand({m, m});
    auto b = torch::rand({m, m});
    double mm_s = mlbn::best_seconds(repetitions, [&] { (void)at::mm(a, b); });
    *sgemm_gflops = 2.0 * m * m * m / mm_s / 1e9;
  });
}

MLBN_API mlbn_status mlbn_bench_crelu_pool(int32_t path, int64_t batch, int64_t channels, int64_t height,
                                           int64_t width, int32_t iterations, double* seconds) {
  return mlbn::guarded("bench_crelu_pool", [&] {
    mlbn::require(path == 0 || path == 1, "path must be 0 (fused kernel) or 1 (plain operators)");
    mlbn::require(batch > 0 && channels > 0 && height >= 2 && width >= 2 && iterations > 0, "invalid shape or iterations");
    auto x = torch::randn({batch, channels, height, width}).requires_grad_(true);
    auto run = [&] {
      // Forward and backward, as in a training step; the plain operators are written as PyTorch
      // users write CReLU before a pool.
      auto y = path == 0 ? mlbn::fused_crelu_max_pool(x, 2, 2, false)
                         : at::max_pool2d(at::relu(at::cat({x, -x}, 1)), {2, 2}, {2, 2});
      y.backward(torch::ones_like(y));
      x.mutable_grad() = torch::Tensor();
    };
    *seconds = mlbn::best_seconds(iterations, run);
  });
}
