# SPDX-License-Identifier: MIT
# Warnings for the project's own tests, examples and benchmarks; never applied to the interface target.
function(hedgemetrics_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(HEDGEMETRICS_DEV_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wsign-conversion -Wold-style-cast -Wdouble-promotion -Wnon-virtual-dtor -Wcast-align
      -Woverloaded-virtual -Wnull-dereference)
    if(HEDGEMETRICS_DEV_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
