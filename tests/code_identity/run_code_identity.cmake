# Driver of code_identity.cmake_end_to_end (see CMakeLists.txt next to it).
# Inputs (-D): CONSIST_SOURCE_DIR, PROJECT_DIR, WORK_DIR, GENERATOR,
# CXX_COMPILER, GIT_EXECUTABLE.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK_DIR}")

function(run out_var dir)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${dir}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Checks on values (not on variable names, which if() would re-read).
function(expect_equal what actual expected)
  if(NOT "${actual}" STREQUAL "${expected}")
    message(FATAL_ERROR "FAILED: ${what}: '${actual}' is not '${expected}'")
  endif()
  message(STATUS "ok: ${what}")
endfunction()
function(expect_differ what actual other)
  if("${actual}" STREQUAL "${other}")
    message(FATAL_ERROR "FAILED: ${what}: both are '${actual}'")
  endif()
  message(STATUS "ok: ${what}")
endfunction()
function(expect_match what actual regex)
  if(NOT "${actual}" MATCHES "${regex}")
    message(FATAL_ERROR "FAILED: ${what}: '${actual}' does not match '${regex}'")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

# Configures (first call) and builds <src>, runs its program, and sets
# <prefix>_mode, <prefix>_value and <prefix>_build_log.
function(build_and_run prefix src)
  set(bin "${src}/_build")
  if(NOT EXISTS "${bin}/CMakeCache.txt")
    run(ignored "${src}" "${CMAKE_COMMAND}" -S "${src}" -B "${bin}" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Release
        "-DCONSIST_SOURCE_DIR=${CONSIST_SOURCE_DIR}")
  endif()
  run(log "${src}" "${CMAKE_COMMAND}" --build "${bin}")
  run(out "${src}" "${bin}/app")
  if(NOT out MATCHES "mode=([a-z_]+)\nvalue=([^\n]*)\n")
    message(FATAL_ERROR "unexpected program output:\n${out}")
  endif()
  message(STATUS "${prefix}: mode=${CMAKE_MATCH_1} value=${CMAKE_MATCH_2}")
  set(${prefix}_mode "${CMAKE_MATCH_1}" PARENT_SCOPE)
  set(${prefix}_value "${CMAKE_MATCH_2}" PARENT_SCOPE)
  set(${prefix}_build_log "${log}" PARENT_SCOPE)
endfunction()

set(repo "${WORK_DIR}/repo")
set(git "${GIT_EXECUTABLE}" -c commit.gpgsign=false -c core.autocrlf=false)
function(head_sha out_var)
  run(sha "${repo}" ${git} rev-parse HEAD)
  string(STRIP "${sha}" sha)
  set(${out_var} "${sha}" PARENT_SCOPE)
endfunction()

# A repository holding the project, a tracked text file that is not compiled
# and an ignore rule. The build tree (_build) lies inside the repository and is
# NOT ignored: the function must leave it out of the dirty digest by itself.
file(COPY "${PROJECT_DIR}/" DESTINATION "${repo}")
file(WRITE "${repo}/README.txt" "notes\n")
file(WRITE "${repo}/.gitignore" "ignored/\n")
run(ignored "${repo}" ${git} init -q)
run(ignored "${repo}" ${git} config user.name "consist test")
run(ignored "${repo}" ${git} config user.email "consist-test@example.invalid")
run(ignored "${repo}" ${git} add -A)
run(ignored "${repo}" ${git} commit -q -m "first")
head_sha(first_sha)

build_and_run(clean "${repo}")
expect_equal("a clean tree is identified by git" "${clean_mode}" "git")
expect_equal("the value is the commit sha, with no dirty suffix" "${clean_value}" "${first_sha}")

set(relinked "Linking CXX|Building CXX")
build_and_run(again "${repo}")
expect_equal("an unchanged tree keeps its identity" "${again_value}" "${first_sha}")
if(again_build_log MATCHES "${relinked}")
  message(FATAL_ERROR "FAILED: an unchanged tree rebuilt the program:\n${again_build_log}")
endif()
message(STATUS "ok: an unchanged tree neither recompiles nor relinks")

# An edit to a tracked file that is not compiled: only the build-time check sees it.
file(APPEND "${repo}/README.txt" "an uncommitted edit\n")
build_and_run(edited "${repo}")
expect_equal("an edited tree is still identified by git" "${edited_mode}" "git")
string(REPEAT "[0-9a-f]" 32 hex32)  # CMake regexes have no {n}
expect_match("an uncommitted edit adds a dirty digest" "${edited_value}" "^${first_sha}\\+dirty:${hex32}$")

file(WRITE "${repo}/untracked.txt" "one\n")
build_and_run(untracked "${repo}")
expect_match("an untracked file keeps the tree dirty" "${untracked_value}" "^${first_sha}\\+dirty:")
expect_differ("an untracked file changes the dirty digest" "${untracked_value}" "${edited_value}")

file(WRITE "${repo}/untracked.txt" "two\n")
build_and_run(untracked2 "${repo}")
expect_differ("the content of an untracked file changes the digest" "${untracked2_value}" "${untracked_value}")

file(WRITE "${repo}/ignored/scratch.dat" "ignored\n")
build_and_run(ignored "${repo}")
expect_equal("an ignored file does not change the digest" "${ignored_value}" "${untracked2_value}")
if(ignored_build_log MATCHES "${relinked}")
  message(FATAL_ERROR "FAILED: an ignored file rebuilt the program:\n${ignored_build_log}")
endif()

file(WRITE "${repo}/untracked.txt" "one\n")
build_and_run(back "${repo}")
expect_equal("the digest is a function of the tree's content" "${back_value}" "${untracked_value}")

run(ignored "${repo}" ${git} add README.txt untracked.txt)
run(ignored "${repo}" ${git} commit -q -m "second")
head_sha(second_sha)
build_and_run(committed "${repo}")
expect_differ("the second commit has a new sha" "${second_sha}" "${first_sha}")
expect_equal("after a commit the tree is clean again, at the new sha" "${committed_value}" "${second_sha}")

# Outside any repository nothing is embedded and the build-id is used.
set(norepo "${WORK_DIR}/norepo")
file(COPY "${PROJECT_DIR}/" DESTINATION "${norepo}/src")
set(ENV{GIT_CEILING_DIRECTORIES} "${norepo}")
build_and_run(outside "${norepo}/src")
expect_equal("outside a repository the program falls back to its build-id" "${outside_mode}" "build_id")
expect_match("the build-id is lowercase hex" "${outside_value}" "^[0-9a-f]+$")

message("code identity end to end ok")
