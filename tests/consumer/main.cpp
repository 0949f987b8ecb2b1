// A downstream program: includes the single header and hashes a few bytes.
#include <consist.hpp>

#include <cstdio>

int main() {
  const auto tag = consist::siphash24_64(std::string_view("consumer"), consist::identity_key);
  std::printf("consumer ok: %016llx\n", static_cast<unsigned long long>(tag));
  return 0;
}
