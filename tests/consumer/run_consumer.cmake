# Configures, builds and runs the consumer project against consist, either from
# an install prefix (MODE=install links the header-only consist::consist,
# MODE=install_separate consist::compiled) or through add_subdirectory
# (MODE=subdirectory links consist::consist, MODE=separate consist::compiled,
# MODE=precompiled consist::compiled with <consist.hpp> precompiled).
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}")
  endif()
endfunction()
if(MODE MATCHES "^install")
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/lib -G ${GENERATOR}
      -DCONSIST_BUILD_TESTS=OFF -DCONSIST_BUILD_EXAMPLES=OFF
      -DCONSIST_BUILD_BENCHMARKS=OFF -DCONSIST_BUILD_TOOLS=OFF)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/lib --prefix ${WORK_DIR}/prefix)
  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/app -G ${GENERATOR}
      -DCONSUMER_MODE=${MODE} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()  # subdirectory, separate or precompiled: through add_subdirectory
  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/app -G ${GENERATOR}
      -DCONSUMER_MODE=${MODE} -DCONSIST_SOURCE_DIR=${SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/app)
if(MODE MATCHES "separate|precompiled")
  # The bodies were compiled into consist::compiled's library, in this build.
  file(GLOB_RECURSE compiled ${WORK_DIR}/app/*libconsist_compiled.a)
  if(NOT compiled)
    message(FATAL_ERROR "consist::compiled was not built for the consumer in ${WORK_DIR}/app")
  endif()
endif()
if(MODE STREQUAL "precompiled")
  # The unit was compiled with the precompiled header, not merely beside it.
  file(GLOB_RECURSE pch ${WORK_DIR}/app/CMakeFiles/consumer.dir/cmake_pch.hxx.gch
       ${WORK_DIR}/app/CMakeFiles/consumer.dir/cmake_pch.hxx.pch)
  if(NOT pch)
    message(FATAL_ERROR "no precompiled header was built for the consumer in ${WORK_DIR}/app")
  endif()
endif()
run(${WORK_DIR}/app/consumer)
