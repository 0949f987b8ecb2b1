#pragma once
// The one exception hierarchy of consist. Every message has three parts,
// "Problem / Likely cause / Suggested fix", so that a user who meets it in a
// log days into a simulation campaign knows what to do without the source.

#include <consist/detail/config.hpp>

#include <stdexcept>
#include <string>

namespace consist::inline v0 {

/// Base of every exception consist throws. what() is the three-part message.
class error : public std::runtime_error {
 public:
  CONSIST_DECL error(std::string problem, std::string likely_cause, std::string suggested_fix);

  const std::string& problem() const noexcept { return problem_; }
  const std::string& likely_cause() const noexcept { return likely_cause_; }
  const std::string& suggested_fix() const noexcept { return suggested_fix_; }

 private:
  CONSIST_DECL static std::string compose(const std::string& p, const std::string& c, const std::string& f);
  std::string problem_;
  std::string likely_cause_;
  std::string suggested_fix_;
};

/// The library was called in a way that cannot work (caught at run time
/// because the offending value was not a constant).
class usage_error : public error {
 public:
  using error::error;
};

/// The store (LMDB environment, snapshot directory) failed or refused.
class store_error : public error {
 public:
  using error::error;
};

/// Bytes read back from disk are not what consist wrote (corruption, a foreign
/// file, a newer format).
class integrity_error : public error {
 public:
  using error::error;
};

/// A run, artifact or key that was asked for does not exist.
class not_found_error : public error {
 public:
  using error::error;
};

/// An identity could not be computed (a missing input file, an unreadable
/// directory); never replaced by a placeholder hash.
class identity_error : public error {
 public:
  using error::error;
};

/// A run's outputs broke the output policy set to `error`.
class output_error : public error {
 public:
  using error::error;
};

}  // namespace consist::inline v0

#if CONSIST_INCLUDE_IMPL
#include <consist/impl/error.ipp>
#endif
