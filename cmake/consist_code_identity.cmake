# consist_embed_code_identity(<target> [SOURCE_DIR <dir>])
#
# Embeds the git identity of the source tree into <target>: the commit of HEAD
# and, when the tree has uncommitted changes, "+dirty:<digest>" over the diff
# against HEAD and the names and contents of untracked, non-ignored files.
# consist::current_code_identity() reads it at run time (mode "git").
#
# The identity is computed at BUILD time by a custom target that runs on every
# build, so a new commit or an edit is picked up without re-running CMake. The
# generated source is rewritten only when the identity changes, so an unchanged
# tree does not recompile or relink <target>.
#
# SOURCE_DIR defaults to CMAKE_SOURCE_DIR; the repository containing it is used.
# Without git, outside a repository, or before the first commit nothing is
# embedded and the program falls back to its ELF build-id (mode "build_id").
#
# Call it on the executable (or shared library) whose identity is recorded: a
# static library's object would be dropped by the linker, since nothing
# references it strongly. Keep the build directory outside the source tree or
# git-ignored: files the build writes there would otherwise count as changes.
include_guard(GLOBAL)

# Captured here: inside the function CMAKE_CURRENT_LIST_DIR is the caller's.
set(_consist_code_identity_script "${CMAKE_CURRENT_LIST_DIR}/consist_code_identity_generate.cmake")

function(consist_embed_code_identity target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SOURCE_DIR" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "consist_embed_code_identity(${target}): unknown arguments "
                        "'${arg_UNPARSED_ARGUMENTS}'; the only option is SOURCE_DIR <dir>")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "consist_embed_code_identity(${target}): no target named '${target}'; "
                        "call it after add_executable(${target} ...)")
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "INTERFACE_LIBRARY")
    message(FATAL_ERROR "consist_embed_code_identity(${target}): '${target}' is a ${type}, whose "
                        "identity object the linker would not keep; call it on the executable that "
                        "links '${target}'")
  endif()
  set(helper ${target}_consist_code_identity)
  if(TARGET ${helper})
    message(FATAL_ERROR "consist_embed_code_identity(${target}) was called twice for '${target}'; "
                        "call it once per target")
  endif()
  if(NOT arg_SOURCE_DIR)
    set(arg_SOURCE_DIR "${CMAKE_SOURCE_DIR}")
  endif()
  get_filename_component(source_dir "${arg_SOURCE_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  find_package(Git QUIET)
  if(NOT Git_FOUND)
    message(STATUS "consist: git not found; '${target}' embeds no code identity and will "
                   "use its ELF build-id")
    return()
  endif()

  set(output "${CMAKE_CURRENT_BINARY_DIR}/consist_code_identity/${target}.cpp")
  add_custom_target(${helper}
    COMMAND "${CMAKE_COMMAND}"
            "-DGIT_EXECUTABLE=${GIT_EXECUTABLE}"
            "-DSOURCE_DIR=${source_dir}"
            "-DBINARY_DIR=${CMAKE_BINARY_DIR}"
            "-DOUTPUT=${output}"
            "-DTARGET_NAME=${target}"
            -P "${_consist_code_identity_script}"
    BYPRODUCTS "${output}"
    COMMENT "consist: code identity of ${target}"
    VERBATIM)
  set_source_files_properties("${output}" TARGET_DIRECTORY ${target} PROPERTIES GENERATED TRUE)
  target_sources(${target} PRIVATE "${output}")
  add_dependencies(${target} ${helper})
endfunction()
