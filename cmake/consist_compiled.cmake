# consist::compiled: the separately compiled form of consist::consist. The same
# headers with CONSIST_SEPARATE_COMPILATION, and the library's function bodies
# compiled once, into a static library, from a unit that includes
# <consist/src.hpp> (see include/consist/detail/config.hpp). Each unit that
# includes <consist.hpp> then compiles faster. Excluded from `all`: built only
# when a target links it, with that build's compiler and flags.
#
# The project's CMakeLists.txt and the installed package's config file both
# call this, so `consist::compiled` means the same from add_subdirectory and
# from find_package; an installed package ships the unit's source, not a
# binary, and stays independent of compiler and flags.
function(consist_add_compiled_library source)
  if(TARGET consist::compiled)
    return()  # a second find_package(consist) in the same build
  endif()
  add_library(consist_compiled STATIC EXCLUDE_FROM_ALL ${source})
  add_library(consist::compiled ALIAS consist_compiled)
  target_compile_definitions(consist_compiled PUBLIC CONSIST_SEPARATE_COMPILATION)
  target_link_libraries(consist_compiled PUBLIC consist::consist)
endfunction()
