# Installs the nsqpp_client component into a temporary prefix, then configures and builds
# examples/ as a separate project with find_package(nsqpp) against that prefix.
# Variables: BUILD_DIR, EXAMPLES_DIR, WORK_DIR, CXX, BUILD_TYPE, CXX_FLAGS, LAUNCHER.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
          --component nsqpp_client
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(f include/nsqpp/producer.h include/nsqpp/consumer.h lib/cmake/nsqpp/nsqppConfig.cmake)
  if(NOT EXISTS ${WORK_DIR}/prefix/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${EXAMPLES_DIR} -B ${WORK_DIR}/build -G Ninja
          -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_CXX_COMPILER=${CXX}
          -DCMAKE_BUILD_TYPE=${BUILD_TYPE} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
          "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}" -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring examples against the installed package failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build -j1 RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building examples against the installed package failed: ${rc}")
endif()
foreach(exe producer_example consumer_example)
  if(NOT EXISTS ${WORK_DIR}/build/${exe})
    message(FATAL_ERROR "missing ${exe}")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
