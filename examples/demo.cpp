// The main demo (for now): the identity hash of a few bytes.
#include <consist.hpp>

#include <cstdio>

int main() {
  const auto tag = consist::siphash24_128(std::string_view("hello, consist"), consist::identity_key);
  std::printf("identity of \"hello, consist\": ");
  for (auto b : tag) std::printf("%02x", b);
  std::printf("\n");
  return 0;
}
