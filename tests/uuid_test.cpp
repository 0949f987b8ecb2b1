#include <consist/detail/uuid.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

TEST_CASE("name_uuid is RFC 4122 version 5 (the values Python's uuid.uuid5 gives)") {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") and uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/a")
  CHECK(consist::detail::name_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") ==
        "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  CHECK(consist::detail::name_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://example.org/a") ==
        "77980eae-c343-5b01-9823-eb6ac1da021f");
}

TEST_CASE("random_uuid is version 4 with the RFC 4122 variant and does not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto u = consist::detail::random_uuid();
    REQUIRE(u.size() == 36);
    CHECK(u[14] == '4');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    seen.insert(u);
  }
  CHECK(seen.size() == 1000);
}
