#include <consist/identity/code.hpp>

#include <doctest/doctest.h>

#include <dlfcn.h>
#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string self_executable() {
  std::array<char, 4096> buf{};
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  REQUIRE(n > 0);
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

// The build-id as `readelf -n` prints it, or "" when readelf is not installed.
std::string build_id_by_readelf(const std::string& exe) {
  const std::string cmd = "readelf -n '" + exe + "' 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), static_cast<int>(chunk.size()), pipe) != nullptr) out += chunk.data();
  ::pclose(pipe);
  const auto at = out.find("Build ID: ");
  if (at == std::string::npos) return {};
  const auto begin = at + std::strlen("Build ID: ");
  return out.substr(begin, out.find_first_of(" \n", begin) - begin);
}

// A second parse, independent of the library's: the .note.gnu.build-id section
// of the executable file, found through the section headers.
std::string build_id_from_file(const std::string& exe) {
  std::ifstream in(exe, std::ios::binary);
  const std::vector<char> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(file.size() > sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  REQUIRE(eh.e_ident[EI_CLASS] == ELFCLASS64);
  const auto section = [&](std::size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, file.data() + eh.e_shoff + i * eh.e_shentsize, sizeof sh);
    return sh;
  };
  const Elf64_Shdr names = section(eh.e_shstrndx);
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = section(i);
    if (std::string(file.data() + names.sh_offset + sh.sh_name) != ".note.gnu.build-id") continue;
    std::uint32_t namesz = 0, descsz = 0;
    std::memcpy(&namesz, file.data() + sh.sh_offset, 4);
    std::memcpy(&descsz, file.data() + sh.sh_offset + 4, 4);
    const char* desc = file.data() + sh.sh_offset + 12 + ((namesz + 3) / 4 * 4);
    std::string hex;
    char two[3];
    for (std::uint32_t j = 0; j < descsz; ++j) {
      std::snprintf(two, sizeof two, "%02x", static_cast<unsigned char>(desc[j]));
      hex += two;
    }
    return hex;
  }
  return {};
}

// Appends one note (header, padded name, padded descriptor) to a segment image.
void append_note(std::vector<std::uint8_t>& seg, std::uint32_t type, std::string_view name,
                 std::vector<std::uint8_t> desc, std::size_t align) {
  const auto pad = [&] {
    while (seg.size() % align != 0) seg.push_back(0);
  };
  const std::uint32_t header[3] = {static_cast<std::uint32_t>(name.size() + 1),
                                   static_cast<std::uint32_t>(desc.size()), type};
  const auto* h = reinterpret_cast<const std::uint8_t*>(header);
  seg.insert(seg.end(), h, h + sizeof header);
  seg.insert(seg.end(), name.begin(), name.end());
  seg.push_back(0);
  pad();
  seg.insert(seg.end(), desc.begin(), desc.end());
  pad();
}

}  // namespace

TEST_CASE("an explicit version wins and is recorded as explicit") {
  const auto id = consist::current_code_identity("solver-2.4.1");
  CHECK(id.mode == consist::code_mode::explicit_version);
  CHECK(id.value == "solver-2.4.1");
  CHECK(consist::to_string(id.mode) == "explicit");
  // The detected identity of this program is something else.
  CHECK(consist::current_code_identity().mode != consist::code_mode::explicit_version);
}

TEST_CASE("an empty explicit version is refused") {
  CHECK_THROWS_AS(consist::current_code_identity(std::string{}), consist::usage_error);
}

TEST_CASE("mode names") {
  CHECK(consist::to_string(consist::code_mode::git) == "git");
  CHECK(consist::to_string(consist::code_mode::build_id) == "build_id");
  CHECK(consist::to_string(consist::code_mode::explicit_version) == "explicit");
}

TEST_CASE("this test program, built without the CMake function, is identified by its build-id") {
  const auto id = consist::current_code_identity();
  REQUIRE(id.mode == consist::code_mode::build_id);
  CHECK(consist::to_string(id.mode) == "build_id");
  const std::string exe = self_executable();
  const std::string from_file = build_id_from_file(exe);
  REQUIRE_MESSAGE(!from_file.empty(), exe << " has no .note.gnu.build-id section");
  CHECK(id.value == from_file);
  const std::string from_readelf = build_id_by_readelf(exe);
  if (from_readelf.empty()) {
    MESSAGE("readelf not available; compared with the section-header parse only");
  } else {
    CHECK(id.value == from_readelf);
  }
}

TEST_CASE("the detected identity is computed once and shared by threads") {
  const auto* first = &consist::detail::detected_code_identity();
  std::vector<const consist::code_identity*> seen(8);
  std::vector<std::thread> threads;
  for (auto& s : seen) threads.emplace_back([&s] { s = &consist::detail::detected_code_identity(); });
  for (auto& t : threads) t.join();
  for (const auto* s : seen) CHECK(s == first);
}

TEST_CASE("resolution: embedded git identity, build-id fallback, and the error when neither exists") {
  using consist::detail::resolve_code_identity;
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  const std::vector<std::uint8_t> build_id{0xde, 0xad, 0xbe, 0xef};

  const auto clean = resolve_code_identity(("git:" + sha).c_str(), build_id);
  CHECK(clean.mode == consist::code_mode::git);
  CHECK(clean.value == sha);

  const std::string dirty = sha + "+dirty:00112233445566778899aabbccddeeff";
  CHECK(resolve_code_identity(("git:" + dirty).c_str(), std::nullopt).value == dirty);

  const auto fallback = resolve_code_identity(nullptr, build_id);
  CHECK(fallback.mode == consist::code_mode::build_id);
  CHECK(fallback.value == "deadbeef");

  for (const std::string& bad : std::vector<std::string>{"", "git:", "git:" + sha.substr(1), "svn:" + sha, "git:" + sha + "+dirty:",
                                "git:" + sha + "+dirty:0011", "git:" + std::string(40, 'G')}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(resolve_code_identity(bad.c_str(), build_id), consist::identity_error);
  }

  try {
    resolve_code_identity(nullptr, std::nullopt);
    FAIL("expected identity_error");
  } catch (const consist::identity_error& e) {
    const std::string what = e.what();
    CHECK(what.find("Problem: ") != std::string::npos);
    CHECK(what.find("Likely cause: ") != std::string::npos);
    CHECK(what.find("consist_embed_code_identity") != std::string::npos);
    CHECK(what.find("-Wl,--build-id") != std::string::npos);
    CHECK(what.find("code_version") != std::string::npos);
  }
}

TEST_CASE("identity digests separate modes and values") {
  using consist::code_identity;
  using consist::code_mode;
  const code_identity a{code_mode::explicit_version, "1.0"};
  CHECK(a.digest() == code_identity{code_mode::explicit_version, "1.0"}.digest());
  CHECK(a.digest() != code_identity{code_mode::explicit_version, "1.1"}.digest());
  CHECK(a.digest() != code_identity{code_mode::build_id, "1.0"}.digest());
  CHECK(a == code_identity{code_mode::explicit_version, "1.0"});
  CHECK(a != code_identity{code_mode::git, "1.0"});
}

TEST_CASE("note parsing: alignment, other notes before the build-id, truncation") {
  using consist::detail::find_gnu_build_id;
  const std::vector<std::uint8_t> id{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  for (const std::size_t align : {std::size_t{4}, std::size_t{8}}) {
    CAPTURE(align);
    std::vector<std::uint8_t> seg;
    append_note(seg, NT_GNU_ABI_TAG, "GNU", {0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, align);
    append_note(seg, NT_GNU_BUILD_ID, "Go", {9, 9, 9}, align);  // the right type, another owner
    append_note(seg, NT_GNU_BUILD_ID, "GNU", id, align);
    CHECK(find_gnu_build_id(seg, align) == id);
    seg.resize(seg.size() - 8);
    CHECK(find_gnu_build_id(seg, align) == std::nullopt);
  }
  CHECK(find_gnu_build_id({}, 4) == std::nullopt);
}

TEST_CASE("hex encoding is lowercase and round-trips") {
  using namespace consist::detail;
  const std::vector<std::uint8_t> bytes{0x00, 0x0f, 0xa0, 0xff, 0x5c};
  CHECK(hex_encode(bytes) == "000fa0ff5c");
  CHECK(hex_decode("000fa0ff5c") == bytes);
  CHECK(hex_decode("") == std::vector<std::uint8_t>{});
  CHECK(hex_decode("abc") == std::nullopt);
  CHECK(hex_decode("0F") == std::nullopt);
  CHECK(hex_decode("zz") == std::nullopt);
  std::array<std::uint8_t, 2> two{};
  CHECK(hex_decode_into("beef", two));
  CHECK(two == std::array<std::uint8_t, 2>{0xbe, 0xef});
  CHECK_FALSE(hex_decode_into("bee", two));
  static_assert(is_lower_hex("00ff") && !is_lower_hex("00FF") && !is_lower_hex("0"));
}

namespace {

std::string plugin_file(const std::string& variant) {
  return (std::filesystem::path(CONSIST_TEST_PLUGIN_DIR) / ("libconsist_test_plugin_" + variant + ".so")).string();
}

// Runs the step of one build of the plugin over the store in `dir`.
std::string run_plugin(const std::string& variant, const std::filesystem::path& dir) {
  const auto host = std::filesystem::path(CONSIST_TEST_PROGRAM_DIR) / "prog_plugin_host";
  const std::string cmd = host.string() + " '" + plugin_file(variant) + "' '" + dir.string() + "' 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) out += buf.data();
  ::pclose(p);
  return out;
}

std::string field(const std::string& out, const std::string& name) {
  const auto at = out.find(name + "=");
  if (at == std::string::npos) return "";
  const auto from = at + name.size() + 1;
  return out.substr(from, out.find_first_of(" \n", from) - from);
}

}  // namespace

TEST_CASE("a step compiled into a shared library is identified by the library's build-id, not the program's") {
  const auto dir = std::filesystem::path(CONSIST_TEST_BINARY_DIR) / "plugin_identity";
  std::filesystem::remove_all(dir);
  const auto a1 = run_plugin("a", dir);
  INFO(a1);
  REQUIRE(field(a1, "value") == "1");
  CHECK(field(a1, "hit") == "0");
  CHECK(field(a1, "mode") == "build_id");
  const std::string plugin_a = field(a1, "code");
  CHECK(plugin_a == build_id_from_file(plugin_file("a")));
  CHECK(plugin_a != field(a1, "host"));
  // The same library again: a hit.
  const auto a2 = run_plugin("a", dir);
  INFO(a2);
  CHECK(field(a2, "hit") == "1");
  CHECK(field(a2, "value") == "1");
  // The library rebuilt (another value), the program unchanged: a miss that runs the new code.
  const auto b = run_plugin("b", dir);
  INFO(b);
  CHECK(field(b, "hit") == "0");
  CHECK(field(b, "value") == "2");
  CHECK(field(b, "code") != plugin_a);
  CHECK(field(b, "host") == field(a1, "host"));
  // A library without a build-id: an identity_error naming it, not the program's identity.
  const auto none = run_plugin("no_build_id", dir);
  INFO(none);
  CHECK(none.find("error: ") != std::string::npos);
  CHECK(none.find("libconsist_test_plugin_no_build_id.so") != std::string::npos);
  CHECK(none.find("-Wl,--build-id") != std::string::npos);
  CHECK(field(none, "value").empty());
  // A library with a git identity of its own (consist_embed_code_identity on it): that one, not its build-id.
  const auto git = run_plugin("git", dir);
  INFO(git);
  CHECK(field(git, "hit") == "0");
  CHECK(field(git, "value") == "4");
  CHECK(field(git, "mode") == "git");
  CHECK(field(git, "code") == "0123456789abcdef0123456789abcdef01234567");
}

TEST_CASE("code in the main program is in it; code in a loaded library is not, and is found there") {
  CHECK(consist::detail::in_main_program(consist::detail::calling_code()));
  const auto self = consist::detail::object_containing(consist::detail::calling_code());
  REQUIRE(self.has_value());
  CHECK(self->name.empty());  // the dynamic loader names the main program ""
  REQUIRE(self->build_id.has_value());
  CHECK(consist::detail::hex_encode(*self->build_id) == build_id_from_file(self_executable()));
  CHECK_FALSE(consist::detail::object_containing(nullptr).has_value());
  const unsigned long long before = consist::detail::loaded_objects_generation();
  void* lib = ::dlopen(plugin_file("a").c_str(), RTLD_NOW);
  REQUIRE(lib != nullptr);
  const void* in_lib = ::dlsym(lib, "consist_test_plugin_run");
  REQUIRE(in_lib != nullptr);
  CHECK(consist::detail::loaded_objects_generation() != before);
  CHECK_FALSE(consist::detail::in_main_program(in_lib));
  const auto plugin = consist::detail::object_containing(in_lib);
  REQUIRE(plugin.has_value());
  CHECK(plugin->name.ends_with("libconsist_test_plugin_a.so"));
  REQUIRE(plugin->build_id.has_value());
  const auto id = consist::detail::shared_library_code_identity(in_lib);
  CHECK(id.mode == consist::code_mode::build_id);
  CHECK(id.value == consist::detail::hex_encode(*plugin->build_id));
  CHECK(consist::detail::shared_library_code_identity(in_lib) == id);  // remembered, the same
  ::dlclose(lib);
}
