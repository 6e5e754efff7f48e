// libtorch's OpenMP thread count belongs to the calling thread, and OpenBLAS keeps its own pool
// that libtorch never configures; .NET calls in from arbitrary threads. So the configured count is
// re-applied lazily on every thread the first time it enters the bridge after a change.
#include <dlfcn.h>

#include "bridge.h"

namespace mlbn {

namespace {
std::atomic<int32_t> configured_threads{0};  // 0: not configured yet (use all cores)
std::atomic<int32_t> generation{1};
thread_local int32_t applied_generation = 0;

using blas_set_fn = void (*)(int);
using blas_get_fn = int (*)();

blas_set_fn blas_set() {
  static blas_set_fn fn = reinterpret_cast<blas_set_fn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return fn;
}
blas_get_fn blas_get() {
  static blas_get_fn fn = reinterpret_cast<blas_get_fn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return fn;
}

using omp_set_fn = void (*)(int);
using omp_get_fn = int (*)();

omp_set_fn omp_set() {
  static omp_set_fn fn = reinterpret_cast<omp_set_fn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  return fn;
}
omp_get_fn omp_get() {
  static omp_get_fn fn = reinterpret_cast<omp_get_fn>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  return fn;
}

int32_t effective_count() {
  int32_t n = configured_threads.load();
  if (n > 0) return n;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int32_t>(hw);
}
}  // namespace

namespace {
std::atomic<int32_t> selected_kernel_path{static_cast<int32_t>(KernelPath::Fused)};
}

KernelPath kernel_path() { return static_cast<KernelPath>(selected_kernel_path.load()); }

void apply_threads_to_calling_thread() {
  int32_t g = generation.load();
  if (applied_generation == g) return;
  int32_t n = effective_count();
  // Setting a count, even an unchanged one, is not free: libtorch rebuilds its pthreadpool (new
  // threads) on every at::set_num_threads, which cost about 11 ms per single-image prediction when
  // each scoring call re-applied the same count.
  if (at::get_num_threads() != n) at::set_num_threads(n);
  auto get = blas_get();
  if (auto set = blas_set(); set && (!get || get() != n)) set(n);
  applied_generation = g;
}

// OpenMP's count is a per-thread setting that libtorch's parallel loops and oneDNN read at each
// region, so it can change for one call without at::set_num_threads (which rebuilds a pool).
SingleThreadScope::SingleThreadScope(bool active) {
  auto set_omp = omp_set();
  auto get_omp = omp_get();
  if (!active || !set_omp || !get_omp) return;
  omp_before_ = get_omp();
  set_omp(1);
}

SingleThreadScope::~SingleThreadScope() {
  if (omp_before_ > 0) omp_set()(omp_before_);
}

}  // namespace mlbn

MLBN_API mlbn_status mlbn_set_threads(int32_t count) {
  return mlbn::guarded("set_threads", [&] {
    mlbn::require(count >= 0, "thread count must be 0 (all cores) or positive, got " + std::to_string(count));
    // The same count again changes nothing; only a new one makes every thread re-apply it.
    if (mlbn::configured_threads.exchange(count) != count) mlbn::generation.fetch_add(1);
    mlbn::apply_threads_to_calling_thread();
  });
}

MLBN_API mlbn_status mlbn_threads_in_effect(int32_t* torch_threads, int32_t* blas_threads) {
  return mlbn::guarded("threads_in_effect", [&] {
    *torch_threads = at::get_num_threads();
    auto get = mlbn::blas_get();
    *blas_threads = get ? get() : -1;
  });
}

MLBN_API mlbn_status mlbn_set_kernel_path(int32_t path) {
  return mlbn::guarded("set_kernel_path", [&] {
    mlbn::require(path == 0 || path == 1, "kernel path must be 0 (fused) or 1 (plain libtorch), got " + std::to_string(path));
    mlbn::selected_kernel_path.store(path);
  });
}
