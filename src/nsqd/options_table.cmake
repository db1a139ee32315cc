# nsqd's option table: flags and config keys bound to nsqd::options (options_table.h).
# Included from src/nsqd/CMakeLists.txt.
add_library(nsqpp_nsqd_options ${CMAKE_CURRENT_LIST_DIR}/options_table.cc)
target_link_libraries(nsqpp_nsqd_options PUBLIC nsqpp_config)

if(NSQPP_BUILD_TESTS)
  nsqpp_test(nsqd_options_tests
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tests/options_table_test.cc
    LIBS nsqpp_nsqd_options)
endif()
