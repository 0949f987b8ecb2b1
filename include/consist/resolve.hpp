#pragma once
// The one invocation-resolution path. consist::run, consist::trace,
// tracker::run/trace and scenario_context::run/trace all come through
// resolve_invocation(), so option validation and identity composition cannot
// drift between them.

#include <consist/detail/config.hpp>
#include <consist/detail/option_access.hpp>
#include <consist/detail/validate.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/error.hpp>
#include <consist/identity/adapter.hpp>
#include <consist/identity/code.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/identity/signature.hpp>
#include <consist/options.hpp>
#include <consist/record.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace consist::inline v0 {

/// One input after resolution: where it is and the digest it contributes.
struct resolved_input {
  std::string key;
  std::filesystem::path path;       // absolute
  digest128 digest{};
  std::optional<fingerprint> file;   // set for a plain file or directory
  std::optional<artifact> upstream;  // set for an artifact of an earlier run
};

/// What resolution needs from the tracker.
struct resolution_context {
  hashing_mode hashing = hashing_mode::full;
  std::optional<std::string> code_version;  // the tracker's default explicit code version
  std::filesystem::path run_dir;            // absolute
  /// The code identity (and its digest) of runs without a code_version option,
  /// when known in advance; computed per call otherwise.
  std::optional<code_identity> default_code;
  digest128 default_code_digest{};
  std::string default_code_hex;  // to_hex(default_code_digest), so a run does not hex it again

  /// Fills default_code from code_version (or detection); leaves it empty when
  /// that fails, so that the error is raised by the run that needs it.
  CONSIST_DECL void precompute_code_identity();
};

/// Everything a run/trace needs, validated, with its identity computed.
struct resolved_invocation {
  std::string name;
  std::string model;
  std::string description;
  std::string stage;
  std::string phase;
  std::string run_id;  // empty: generate one
  std::vector<std::string> tags;
  boost::json::object meta;
  cache_mode mode = cache_mode::reuse;
  cache_validation validate = cache_validation::lazy;
  hit_recording record_hits = hit_recording::full;
  output_policy_options output_policy;
  std::vector<std::string> output_keys;
  std::vector<resolved_input> inputs;
  identity_components identity;  // the record's view (hex strings)
  digest128 signature{};
};

namespace detail {

/// The artifact's contribution to an input hash: an artifact some run
/// produced is named by that run's signature and its key (so a change
/// upstream changes every run downstream) and by the fingerprint the run
/// recorded (so does a producer re-executed under the same signature, with
/// cache_options{.mode = overwrite}, that wrote other bytes); any other by
/// its fingerprint.
CONSIST_DECL digest128 artifact_input_digest(const artifact& a);

// Plain files are named by their fingerprint; the mode is part of it, so a
// content digest never equals a size+mtime digest.
CONSIST_DECL digest128 file_input_digest(const fingerprint& fp);

CONSIST_DECL std::filesystem::path artifact_path(const artifact& a, const std::filesystem::path& run_dir);

/// Whether the file (or folder) at `path` still has the fingerprint `a`
/// recorded, taken with the strategy it was taken with; an identity_error when
/// it is missing.
CONSIST_DECL bool file_matches_artifact(const artifact& a, const std::filesystem::path& path);

/// An input artifact no run produced (what log_input or add_input returned
/// for a plain file) is named by the fingerprint recorded then, which must
/// still be the file's at `path`: an identity_error otherwise, since the step
/// would read other bytes than its identity says.
CONSIST_DECL void check_file_artifact(const std::string& key, const artifact& a, const std::filesystem::path& path);

/// A digest with its hex text.
struct digest_text {
  digest128 digest{};
  std::string hex;
};

/// The input hash of a run without inputs and the config hash of a run
/// without a config: the same for every run, so computed once.
CONSIST_DECL const digest_text& no_inputs_digest();
CONSIST_DECL const digest_text& no_config_digest();

template <class Item>
std::pair<std::string, digest128> identity_item_digest(const Item& item, hashing_mode mode) {
  if constexpr (std::is_same_v<Item, std::filesystem::path>) {
    // Named by the path as given, spelled one way: "./a", "a" and "b/../a" are one name.
    std::filesystem::path named = item.lexically_normal();
    if (!named.has_filename() && named.has_relative_path()) named = named.parent_path();  // "dir/" is "dir"
    return {"file:" + named.generic_string(), file_input_digest(fingerprint_path(item, mode))};
  } else {
    static_assert(encodable<typename Item::identity_value_type>,
                  "consist::identity_value{name, value}: the value's type is not encodable; reflect it "
                  "with BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT or give it consist_encode");
    return {"value:" + item.name, consist::digest(item.value)};
  }
}

}  // namespace detail

/// Validates the options and computes the identity. Throws usage_error for a
/// bad value and identity_error for an input that cannot be hashed, before
/// anything executes.
template <class Adapter, class... Opts>
resolved_invocation resolve_invocation(const resolution_context& ctx, const Opts&... opts) {
  using namespace detail;
  resolved_invocation r;

  // Names.
  if constexpr (has_kind<name, Opts...>) r.name = get_kind<name>(opts...).value;
  if constexpr (has_kind<model, Opts...>) r.model = get_kind<model>(opts...).value;
  // Each error names the option the user gave: without consist::name the model is the run's name.
  const bool named = !r.name.empty();
  const bool modelled = !r.model.empty();
  if (!modelled) r.model = r.name;
  if (!named) r.name = r.model;
  validate_label(named || !modelled ? "name" : "model", r.name);
  validate_length(named ? "name" : "model (the run's name when consist::name is not given)", r.name,
                  limits::name_chars);
  validate_label("model", r.model);
  if constexpr (has_kind<description, Opts...>) r.description = get_kind<description>(opts...).value;
  validate_length("description", r.description, limits::description_chars);
  if constexpr (has_kind<stage, Opts...>) r.stage = get_kind<stage>(opts...).value;
  if constexpr (has_kind<phase, Opts...>) r.phase = get_kind<phase>(opts...).value;
  // Optional labels: when given, limited as names are.
  constexpr std::string_view label_use = "a stage or phase is a label with the characters of a name, not free text";
  if (!r.stage.empty()) validate_label("stage", r.stage, label_use);
  if (!r.phase.empty()) validate_label("phase", r.phase, label_use);
  if constexpr (has_kind<run_id, Opts...>) {
    r.run_id = get_kind<run_id>(opts...).value;
    validate_label("run_id", r.run_id);
  }
  if constexpr (has_kind<tags, Opts...>) r.tags = get_kind<tags>(opts...).values;
  validate_tags(r.tags);
  if constexpr (has_kind<meta, Opts...>) r.meta = get_kind<meta>(opts...).values;
  validate_meta(r.meta);

  // Policies.
  std::string cache_version;
  std::uint64_t cache_epoch = 0;
  if constexpr (has_kind<cache_options, Opts...>) {
    const cache_options& c = get_kind<cache_options>(opts...);
    check_cache_options(c.mode, c.validate, c.record_hits);
    r.mode = c.mode;
    r.validate = c.validate;
    r.record_hits = c.record_hits;
    cache_epoch = c.epoch;
    cache_version = std::string(c.version);
    validate_length("cache_options.version", cache_version, limits::label_chars);
  }
  if constexpr (has_kind<output_policy_options, Opts...>) r.output_policy = get_kind<output_policy_options>(opts...);
  if constexpr (has_kind<outputs, Opts...>) {
    r.output_keys = get_kind<outputs>(opts...).keys;
    validate_output_keys(r.output_keys);  // (no outputs: nothing to check)
  }

  // Identity: code.
  std::optional<code_identity> own_code;
  identity_parts parts;
  if constexpr (has_kind<code_version, Opts...>) {
    own_code = current_code_identity(get_kind<code_version>(opts...).value);
  } else if (const void* here = calling_code(); !ctx.code_version && !in_main_program(here)) {
    own_code = shared_library_code_identity(here);  // this call is compiled into a shared library
  } else if (!ctx.default_code) {
    own_code = current_code_identity(ctx.code_version);
  }
  const code_identity& code = own_code ? *own_code : *ctx.default_code;
  parts.code = own_code ? code.digest() : ctx.default_code_digest;
  parts.adapter_name = std::string(Adapter::name);
  parts.adapter_version = Adapter::version;
  parts.model = r.model;
  if constexpr (has_kind<year, Opts...>) parts.year = get_kind<year>(opts...).value;
  if constexpr (has_kind<iteration, Opts...>) parts.iteration = get_kind<iteration>(opts...).value;
  parts.cache_epoch = cache_epoch;
  parts.cache_version = cache_version;

  // Identity: config.
  const digest_text* config_text = nullptr;  // set when the hex is known already
  if constexpr (has_kind<config<void>, Opts...>) {
    parts.config = Adapter::digest(get_kind<config<void>>(opts...).value);
  } else {
    config_text = &no_config_digest();
    parts.config = config_text->digest;
  }

  // Identity: inputs (a missing file is an error here, before anything runs).
  named_digests input_digests;
  if constexpr (has_kind<inputs, Opts...>) {
    const auto& in = get_kind<inputs>(opts...);
    std::vector<std::string> keys;
    for (const input_entry& e : in.entries) {
      validate_key("input", e.key);
      keys.push_back(e.key);
      resolved_input ri;
      ri.key = e.key;
      if (const auto* p = std::get_if<std::filesystem::path>(&e.source)) {
        ri.path = std::filesystem::absolute(*p);
        ri.file = fingerprint_path(ri.path, ctx.hashing);  // identity_error when missing
        ri.digest = file_input_digest(*ri.file);
      } else {
        const artifact& a = std::get<artifact>(e.source);
        ri.path = artifact_path(a, ctx.run_dir);
        if (a.producing_signature.empty()) check_file_artifact(e.key, a, ri.path);
        ri.digest = artifact_input_digest(a);
        ri.upstream = a;
      }
      input_digests.emplace_back(ri.key, ri.digest);
      r.inputs.push_back(std::move(ri));
    }
    validate_unique("input key", keys);
  }
  const digest_text* inputs_text = nullptr;
  if (input_digests.empty()) {
    inputs_text = &no_inputs_digest();
    parts.inputs = inputs_text->digest;
  } else {
    parts.inputs = combine_named(inputs_domain, input_digests);
  }

  // Identity: hash-only identity inputs.
  if constexpr (has_kind<identity_inputs<>, Opts...>) {
    std::apply([&](const auto&... item) { (parts.identity_inputs.push_back(identity_item_digest(item, ctx.hashing)), ...); },
               get_kind<identity_inputs<>>(opts...).items);
    sort_named(parts.identity_inputs);
    validate_unique_names("identity input", parts.identity_inputs);
  }

  r.signature = compute_signature(parts);

  identity_components& id = r.identity;
  id.signature = to_hex(r.signature);
  // (if/else, not ?: — a conditional expression would copy the new hex text once more)
  if (config_text) id.config_hash = config_text->hex;
  else id.config_hash = to_hex(parts.config);
  if (inputs_text) id.input_hash = inputs_text->hex;
  else id.input_hash = to_hex(parts.inputs);
  if (!own_code && !ctx.default_code_hex.empty()) id.code_hash = ctx.default_code_hex;
  else id.code_hash = to_hex(parts.code);
  id.code_mode = std::string(to_string(code.mode));
  id.code_version = code.value;
  // parts is spent: its strings move.
  id.adapter_name = std::move(parts.adapter_name);
  id.adapter_version = parts.adapter_version;
  id.model = std::move(parts.model);
  id.year = parts.year;
  id.iteration = parts.iteration;
  id.cache_epoch = parts.cache_epoch;
  id.cache_version = std::move(parts.cache_version);
  for (const auto& [n, d] : parts.identity_inputs) id.identity_inputs.emplace_back(n, to_hex(d));
  sort_named(input_digests);
  for (const auto& [n, d] : input_digests) id.inputs.emplace_back(n, to_hex(d));
  return r;
}

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/resolve.ipp>
#endif
