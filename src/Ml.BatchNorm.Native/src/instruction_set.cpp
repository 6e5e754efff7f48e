// Run-time choice of the vectorized kernels' instruction set. The kernels are compiled with
// function-level target attributes, so one build runs on any x86-64; which variant runs is decided
// here from the CPU's features, or forced by the caller so that tests cover every variant that the
// machine can execute.
#include "instruction_set.h"

#include <atomic>

#include "bridge.h"

namespace mlbn {

namespace {
std::atomic<int32_t> forced_set{static_cast<int32_t>(InstructionSet::Auto)};

InstructionSet widest_supported() {
  if (instruction_set_supported(InstructionSet::Avx512)) return InstructionSet::Avx512;
  if (instruction_set_supported(InstructionSet::Avx2)) return InstructionSet::Avx2;
  return InstructionSet::Scalar;
}
}  // namespace

bool instruction_set_supported(InstructionSet set) {
  switch (set) {
    case InstructionSet::Auto:
    case InstructionSet::Scalar:
      return true;
#if defined(__x86_64__) || defined(__i386__)
    // libgcc's checks include the operating system's XSAVE state, not only CPUID.
    case InstructionSet::Avx2:
      return __builtin_cpu_supports("avx2");
    case InstructionSet::Avx512:
      return __builtin_cpu_supports("avx512f");
#else
    default:
      return false;
#endif
  }
  return false;
}

InstructionSet active_instruction_set() {
  auto set = static_cast<InstructionSet>(forced_set.load(std::memory_order_relaxed));
  if (set != InstructionSet::Auto) return set;
  static const InstructionSet widest = widest_supported();
  return widest;
}

std::string instruction_set_name(InstructionSet set) {
  switch (set) {
    case InstructionSet::Auto: return "auto";
    case InstructionSet::Scalar: return "scalar";
    case InstructionSet::Avx2: return "avx2";
    case InstructionSet::Avx512: return "avx512";
  }
  return "unknown";
}

}  // namespace mlbn

MLBN_API mlbn_status mlbn_set_instruction_set(int32_t set) {
  return mlbn::guarded("set_instruction_set", [&] {
    mlbn::require(set >= 0 && set <= 3,
                  "instruction set must be 0 (auto), 1 (scalar), 2 (avx2) or 3 (avx512), got " + std::to_string(set));
    auto requested = static_cast<mlbn::InstructionSet>(set);
    if (!mlbn::instruction_set_supported(requested)) {
      std::string supported = "scalar";
      if (mlbn::instruction_set_supported(mlbn::InstructionSet::Avx2)) supported += ", avx2";
      throw mlbn::NotAvailable("this CPU does not support " + mlbn::instruction_set_name(requested) +
                               " (supported here: " + supported + ")");
    }
    mlbn::forced_set.store(set);
  });
}

MLBN_API mlbn_status mlbn_instruction_set_in_effect(int32_t* set) {
  return mlbn::guarded("instruction_set_in_effect", [&] {
    mlbn::require(set != nullptr, "set must not be null");
    *set = static_cast<int32_t>(mlbn::active_instruction_set());
  });
}
