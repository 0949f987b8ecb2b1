// Prints the code identity this program was built with.
#include <consist/identity/code.hpp>

#include <cstdio>
#include <string>

int main() {
  const auto id = consist::current_code_identity();
  std::printf("mode=%s\nvalue=%s\n", std::string(consist::to_string(id.mode)).c_str(), id.value.c_str());
  return 0;
}
