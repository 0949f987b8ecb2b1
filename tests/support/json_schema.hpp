#pragma once
// A JSON Schema (2020-12) validator for the subset the test schemas use:
// $ref to "#/$defs/<name>", type, required, properties,
// additionalProperties (true/false), items, enum and pattern (ECMAScript,
// unanchored as the standard says). A schema keyword outside that subset is
// refused when the schema is loaded, so a schema can never rely on a check
// that silently does not happen.

#include <boost/json.hpp>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace consist_test {

class json_schema {
 public:
  explicit json_schema(boost::json::value schema) : root_(std::move(schema)) { check_keywords(root_, "#"); }

  /// Every violation as "<instance path>: <what>", empty when the instance is valid.
  std::vector<std::string> errors(const boost::json::value& instance) const {
    std::vector<std::string> out;
    validate(root_, instance, "$", out, 0);
    return out;
  }

 private:
  static const std::set<std::string>& known_keywords() {
    static const std::set<std::string> k{"$schema", "$id",        "$defs",    "$ref",  "title",
                                         "description", "type",   "required", "properties",
                                         "additionalProperties", "items", "enum", "pattern"};
    return k;
  }

  static void check_keywords(const boost::json::value& s, const std::string& where) {
    if (!s.is_object()) throw std::invalid_argument("schema at " + where + " is not an object");
    for (const auto& kv : s.get_object()) {
      const std::string key(kv.key());
      if (!known_keywords().contains(key))
        throw std::invalid_argument("schema keyword '" + key + "' at " + where + " is not supported by the validator");
      if (key == "$defs" || key == "properties")
        for (const auto& d : kv.value().as_object())
          check_keywords(d.value(), where + "/" + key + "/" + std::string(d.key()));
      if (key == "items") check_keywords(kv.value(), where + "/items");
      if (key == "additionalProperties" && !kv.value().is_bool())
        throw std::invalid_argument("additionalProperties at " + where + " must be true or false here");
    }
  }

  const boost::json::value& resolve(const std::string& ref) const {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::invalid_argument("unsupported $ref '" + ref + "'");
    const auto* defs = root_.as_object().if_contains("$defs");
    const auto* target = defs ? defs->as_object().if_contains(ref.substr(prefix.size())) : nullptr;
    if (!target) throw std::invalid_argument("$ref '" + ref + "' names no definition");
    return *target;
  }

  static bool has_type(const boost::json::value& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "integer") return v.is_int64() || v.is_uint64();
    if (type == "number") return v.is_number();
    throw std::invalid_argument("unknown type '" + type + "'");
  }

  void validate(const boost::json::value& s, const boost::json::value& v, const std::string& path,
                std::vector<std::string>& out, int depth) const {
    if (depth > 64) throw std::invalid_argument("schema recursion deeper than 64 at " + path);
    const auto& o = s.as_object();
    if (const auto* ref = o.if_contains("$ref"))
      validate(resolve(std::string(ref->as_string())), v, path, out, depth + 1);
    if (const auto* type = o.if_contains("type")) {
      bool ok = false;
      std::string names;
      if (type->is_string()) {
        ok = has_type(v, std::string(type->as_string()));
        names = type->as_string();
      } else {
        for (const auto& t : type->as_array()) {
          ok = ok || has_type(v, std::string(t.as_string()));
          names += (names.empty() ? "" : "|") + std::string(t.as_string());
        }
      }
      if (!ok) {
        out.push_back(path + ": expected " + names);
        return;  // the other keywords assume the type
      }
    }
    if (const auto* e = o.if_contains("enum")) {
      bool found = false;
      for (const auto& allowed : e->as_array()) found = found || allowed == v;
      if (!found)
        out.push_back(path + ": " + boost::json::serialize(v) + " is not one of " + boost::json::serialize(*e));
    }
    if (const auto* p = o.if_contains("pattern"); p && v.is_string()) {
      const std::regex re(std::string(p->as_string()), std::regex::ECMAScript);
      if (!std::regex_search(std::string(v.as_string()), re))
        out.push_back(path + ": '" + std::string(v.as_string()) + "' does not match " + std::string(p->as_string()));
    }
    if (v.is_object()) {
      const auto& obj = v.get_object();
      if (const auto* req = o.if_contains("required"))
        for (const auto& name : req->as_array())
          if (!obj.contains(name.as_string()))
            out.push_back(path + ": required '" + std::string(name.as_string()) + "' is missing");
      const auto* props = o.if_contains("properties");
      const auto* extra = o.if_contains("additionalProperties");
      for (const auto& kv : obj) {
        const auto* sub = props ? props->as_object().if_contains(kv.key()) : nullptr;
        if (sub) validate(*sub, kv.value(), path + "." + std::string(kv.key()), out, depth + 1);
        else if (extra && extra->is_bool() && !extra->as_bool())
          out.push_back(path + ": property '" + std::string(kv.key()) + "' is not allowed");
      }
    }
    if (const auto* items = o.if_contains("items"); items && v.is_array()) {
      const auto& arr = v.get_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        validate(*items, arr[i], path + "[" + std::to_string(i) + "]", out, depth + 1);
    }
  }

  boost::json::value root_;
};

}  // namespace consist_test
