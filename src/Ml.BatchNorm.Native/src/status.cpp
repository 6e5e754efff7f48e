#include <cstdlib>
#include <cstring>

#include "bridge.h"

namespace mlbn {

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;
}  // namespace

std::atomic<int64_t> live_handles{0};

void set_last_error(const std::string& message) {
  last_error = message;
  has_error = true;
}

void clear_last_error() {
  last_error.clear();
  has_error = false;
}

}  // namespace mlbn

MLBN_API char* mlbn_last_error(void) {
  if (!mlbn::has_error) return nullptr;
  char* copy = static_cast<char*>(std::malloc(mlbn::last_error.size() + 1));
  if (copy != nullptr) std::memcpy(copy, mlbn::last_error.c_str(), mlbn::last_error.size() + 1);
  return copy;
}

MLBN_API void mlbn_free_string(char* text) { std::free(text); }

MLBN_API int64_t mlbn_live_handles(void) { return mlbn::live_handles.load(); }
