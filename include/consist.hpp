#pragma once
// consist: tracked, cached, provenance-recorded runs for C++ simulation codes.
// The single include (everything except <consist/mpi.hpp>).

#include <consist/error.hpp>
#include <consist/hash/siphash.hpp>
