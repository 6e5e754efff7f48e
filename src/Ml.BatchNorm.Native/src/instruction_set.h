// Instruction-set selection for the bridge's own vectorized kernels.
#pragma once
#include <cstdint>
#include <string>

namespace mlbn {

// Mirrors mlbn_set_instruction_set's values. Auto resolves to the widest set the CPU supports.
enum class InstructionSet : int32_t { Auto = 0, Scalar = 1, Avx2 = 2, Avx512 = 3 };

// Whether the running CPU (and the operating system's saved register state) supports `set`.
bool instruction_set_supported(InstructionSet set);
// The set the kernels use now: the forced one, or the widest supported one; never Auto.
InstructionSet active_instruction_set();
std::string instruction_set_name(InstructionSet set);

}  // namespace mlbn
