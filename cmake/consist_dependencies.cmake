# Finds what consist::consist needs; shared by the build tree and the installed
# package so the two cannot drift.
find_package(Threads REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)
find_package(PkgConfig REQUIRED)
if(NOT TARGET consist::lmdb)
  pkg_check_modules(CONSIST_LMDB REQUIRED IMPORTED_TARGET lmdb)
  add_library(consist::lmdb INTERFACE IMPORTED)
  set_target_properties(consist::lmdb PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::CONSIST_LMDB)
endif()
