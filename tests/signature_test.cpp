// The signature and its components: pinned values (a stored identity must
// keep matching across versions) and the components resolution records.
#include <consist/identity/signature.hpp>
#include <consist/resolve.hpp>

#include <doctest/doctest.h>

#include <boost/hana/define_struct.hpp>

#include <filesystem>
#include <string>

namespace {

struct pinned_config {
  BOOST_HANA_DEFINE_STRUCT(pinned_config, (double, alpha), (int, zones));
};

consist::digest128 digest_of(std::string_view text) { return consist::digest(std::string(text)); }

consist::identity_parts pinned_parts() {
  consist::identity_parts p;
  p.code = digest_of("code");
  p.config = digest_of("config");
  p.inputs = digest_of("inputs");
  p.identity_inputs = {{"file:a.csv", digest_of("a")}, {"value:seed", digest_of("seed")}};
  p.adapter_name = "reflect";
  p.adapter_version = 1;
  p.model = "demand";
  p.year = 2030;
  p.iteration = 2;
  p.cache_epoch = 3;
  p.cache_version = "v2";
  return p;
}

consist::resolution_context context() {
  consist::resolution_context ctx;
  ctx.code_version = "signature-test-code";
  ctx.run_dir = std::filesystem::temp_directory_path();
  ctx.precompute_code_identity();
  return ctx;
}

}  // namespace

TEST_CASE("pinned signatures: stored identities must not change between versions") {
  // If one of these fails, every identity already stored stops matching.
  CHECK(consist::to_hex(consist::compute_signature(pinned_parts())) == "bd68c86ecc60721022893eb49ab77ac2");
  consist::identity_parts bare;
  CHECK(consist::to_hex(consist::compute_signature(bare)) == "baa65f5ac8e1b800e4a5ca92574a0f56");
  CHECK(consist::to_hex(consist::combine_named(consist::detail::inputs_domain, {})) == "03d47c427132c520b2ff50e7427e81f9");
  CHECK(consist::to_hex(consist::combine_named(consist::detail::inputs_domain,
                                               {{"skims", digest_of("s")}, {"households", digest_of("h")}})) ==
        "dd360ff10c7e574528f32f52ddbeccfe");

  // The per-input digests: a plain file by its fingerprint, a produced one by its producer.
  consist::fingerprint fp{};
  fp.mode = consist::hashing_mode::full;
  fp.digest = digest_of("bytes");
  CHECK(consist::to_hex(consist::detail::file_input_digest(fp)) == "6e4a9f637b43535b0691189bb813fe77");
  fp.mode = consist::hashing_mode::fast;
  CHECK(consist::to_hex(consist::detail::file_input_digest(fp)) == "13b386f294a563d8a164ad0490785d02");
  consist::artifact a;
  a.key = "skims";
  a.fingerprint_strategy = "content";
  a.fingerprint = consist::to_hex(digest_of("bytes"));
  CHECK(consist::to_hex(consist::detail::artifact_input_digest(a)) == "6e4a9f637b43535b0691189bb813fe77");
  a.producing_signature = consist::to_hex(digest_of("producer"));
  CHECK(consist::to_hex(consist::detail::artifact_input_digest(a)) == "3315eeef2d77ca233c42f8d82a3cd763");
  // A produced artifact is named by its producer, its key and the fingerprint
  // the producer recorded: a producer re-executed under the same signature
  // (overwrite) that wrote other bytes is another input.
  const auto produced = consist::detail::artifact_input_digest(a);
  auto other = a;
  other.fingerprint = consist::to_hex(digest_of("other bytes"));
  CHECK(consist::detail::artifact_input_digest(other) != produced);
  other = a;
  other.fingerprint_strategy = "fast";
  CHECK(consist::detail::artifact_input_digest(other) != produced);
  other = a;
  other.key = "skims2";
  CHECK(consist::detail::artifact_input_digest(other) != produced);
  other = a;
  other.producing_signature = consist::to_hex(digest_of("producer 2"));
  CHECK(consist::detail::artifact_input_digest(other) != produced);
  other = a;
  other.location = "elsewhere/skims.omx";  // where it lies is not what it is
  CHECK(consist::detail::artifact_input_digest(other) == produced);
}

TEST_CASE("every signature component changes the signature") {
  const auto base = consist::compute_signature(pinned_parts());
  auto changed = [&](auto&& edit) {
    consist::identity_parts p = pinned_parts();
    edit(p);
    return consist::compute_signature(p) != base;
  };
  CHECK(changed([](auto& p) { p.code[0] ^= 1; }));
  CHECK(changed([](auto& p) { p.config[15] ^= 1; }));
  CHECK(changed([](auto& p) { p.inputs[7] ^= 1; }));
  CHECK(changed([](auto& p) { p.identity_inputs.pop_back(); }));
  CHECK(changed([](auto& p) { p.adapter_name = "json"; }));
  CHECK(changed([](auto& p) { p.adapter_version = 2; }));
  CHECK(changed([](auto& p) { p.model = "demand2"; }));
  CHECK(changed([](auto& p) { p.year.reset(); }));
  CHECK(changed([](auto& p) { p.iteration = 3; }));
  CHECK(changed([](auto& p) { p.cache_epoch = 4; }));
  CHECK(changed([](auto& p) { p.cache_version = "v3"; }));
}

TEST_CASE("resolution records the hex of exactly the digests the signature was made of") {
  const consist::resolution_context ctx = context();
  REQUIRE(ctx.default_code);
  const pinned_config cfg{0.5, 7};
  const auto r = consist::resolve_invocation<consist::reflect_adapter>(ctx, consist::name{"demand"},
                                                                      consist::config{cfg});
  CHECK(r.identity.signature == consist::to_hex(r.signature));
  CHECK(r.identity.config_hash == consist::to_hex(consist::reflect_adapter::digest(cfg)));
  CHECK(r.identity.code_hash == consist::to_hex(ctx.default_code->digest()));
  CHECK(r.identity.input_hash == consist::to_hex(consist::combine_named(consist::detail::inputs_domain, {})));
  CHECK(r.identity.code_version == "signature-test-code");
  CHECK(r.identity.model == "demand");

  consist::identity_parts p;
  p.code = ctx.default_code->digest();
  p.config = consist::reflect_adapter::digest(cfg);
  p.inputs = consist::combine_named(consist::detail::inputs_domain, {});
  p.adapter_name = std::string(consist::reflect_adapter::name);
  p.adapter_version = consist::reflect_adapter::version;
  p.model = "demand";
  CHECK(r.signature == consist::compute_signature(p));

  // An explicit code_version is hashed per call, not taken from the context.
  const auto own = consist::resolve_invocation<consist::reflect_adapter>(
      ctx, consist::name{"demand"}, consist::config{cfg}, consist::code_version{"other-code"});
  CHECK(own.identity.code_version == "other-code");
  CHECK(own.identity.code_hash != r.identity.code_hash);
  CHECK(own.identity.code_hash == consist::to_hex(consist::current_code_identity("other-code").digest()));
  CHECK(own.signature != r.signature);

  // Without a config: the "no config" digest, again the same one each call.
  const auto none1 = consist::resolve_invocation<consist::reflect_adapter>(ctx, consist::name{"demand"});
  const auto none2 = consist::resolve_invocation<consist::reflect_adapter>(ctx, consist::name{"demand"});
  consist::hash_sink none_sink;
  const std::string_view none_domain("\0consist.config.none", 20);
  none_sink.write(std::span(reinterpret_cast<const std::uint8_t*>(none_domain.data()), none_domain.size()));
  CHECK(none1.identity.config_hash == consist::to_hex(none_sink.finish()));
  // No config is no value a config can hold (it was once the digest of this string).
  const auto that_string = consist::resolve_invocation<consist::reflect_adapter>(
      ctx, consist::name{"demand"}, consist::config{std::string("consist.config.none")});
  CHECK(that_string.identity.config_hash != none1.identity.config_hash);
  CHECK(that_string.signature != none1.signature);
  CHECK(none1.signature == none2.signature);
  CHECK(none1.signature != r.signature);
}
