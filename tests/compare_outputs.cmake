# SPDX-License-Identifier: MIT
# cmake -DFIRST=<program> -DSECOND=<program> -P compare_outputs.cmake: runs both programs and fails unless
# both succeed and print the same bytes (test compiled_mode_matches_header_only).
foreach(program FIRST SECOND)
  execute_process(COMMAND "${${program}}" RESULT_VARIABLE code OUTPUT_VARIABLE out_${program} ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${${program}} failed (${code}): ${err}")
  endif()
endforeach()
if(NOT out_FIRST STREQUAL out_SECOND)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/compiled_mode_first.txt" "${out_FIRST}")
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/compiled_mode_second.txt" "${out_SECOND}")
  message(FATAL_ERROR "${FIRST} and ${SECOND} print different figures: see compiled_mode_first.txt and "
                      "compiled_mode_second.txt in ${CMAKE_CURRENT_BINARY_DIR}")
endif()
string(REGEX MATCHALL "\n" lines "${out_FIRST}")
list(LENGTH lines count)
message(STATUS "the same ${count} lines from both programs")
