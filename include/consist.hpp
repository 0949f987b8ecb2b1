#pragma once
// consist: tracked, cached, provenance-recorded runs for C++ simulation codes.
// The single include (everything except <consist/mpi.hpp>).

#include <consist/error.hpp>
#include <consist/hash/siphash.hpp>
#include <consist/encode/canonical.hpp>
#include <consist/encode/reflect.hpp>
#include <consist/encode/serialize.hpp>
#include <consist/encode/to_json.hpp>
#include <consist/encode/json.hpp>
#include <consist/identity/adapter.hpp>
#include <consist/identity/code.hpp>
#include <consist/identity/fingerprint.hpp>
#include <consist/identity/signature.hpp>
#include <consist/record.hpp>
#include <consist/options.hpp>
#include <consist/resolve.hpp>
#include <consist/run_context.hpp>
#include <consist/explain.hpp>
#include <consist/spans.hpp>
#include <consist/store/lmdb.hpp>
#include <consist/store/layout.hpp>
#include <consist/store/record_codec.hpp>
#include <consist/store/store.hpp>
#include <consist/store/snapshot.hpp>
#include <consist/store/listing.hpp>
#include <consist/store/export.hpp>
#include <consist/store/doctor.hpp>
#include <consist/store/merge.hpp>
#include <consist/store/compact.hpp>
#include <consist/tracker.hpp>
#include <consist/run.hpp>
#include <consist/coupler.hpp>
#include <consist/trace.hpp>
#include <consist/scenario.hpp>
#include <consist/queries.hpp>
