#include "bridge.h"

namespace mlbn {

torch::Device parse_device(const std::string& text) {
  if (text.empty() || text == "cpu") return torch::Device(torch::kCPU);
  if (text.rfind("cuda", 0) == 0) {
    int index = 0;
    if (text.size() > 4) {
      require(text[4] == ':' && text.size() > 5, "device '" + text + "' is not one of cpu, cuda, cuda:N");
      try {
        size_t used = 0;
        index = std::stoi(text.substr(5), &used);
        require(used == text.size() - 5 && index >= 0, "device '" + text + "' is not one of cpu, cuda, cuda:N");
      } catch (const std::logic_error&) {
        throw InvalidArgument("device '" + text + "' is not one of cpu, cuda, cuda:N");
      }
    }
    if (!torch::cuda::is_available())
      throw NotAvailable("device '" + text + "' requested, but CUDA is not available (this libtorch build or machine has no CUDA device); use --device cpu");
    int count = static_cast<int>(torch::cuda::device_count());
    if (index >= count)
      throw NotAvailable("device '" + text + "' requested, but only " + std::to_string(count) + " CUDA device(s) exist");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw InvalidArgument("device '" + text + "' is not one of cpu, cuda, cuda:N");
}

}  // namespace mlbn

MLBN_API mlbn_status mlbn_device_validate(const char* device) {
  return mlbn::guarded("device_validate", [&] { mlbn::parse_device(device ? device : ""); });
}

MLBN_API mlbn_status mlbn_cuda_device_count(int32_t* count) {
  return mlbn::guarded("cuda_device_count", [&] {
    *count = torch::cuda::is_available() ? static_cast<int32_t>(torch::cuda::device_count()) : 0;
  });
}
