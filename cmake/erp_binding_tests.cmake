# erp_add_binding_tests(LANG <name> RUNNER <command...> EXAMPLE <file> ENV <var=value...>)
#
# Registers a binding's test suite once per storage backend
# (bindings_<name>_sqlite, and bindings_<name>_postgresql when PostgreSQL is
# built) and its example (bindings_<name>_example), labelled
# "bindings;<name>;<backend>". The suite learns its backend from
# ERP_TEST_BINDINGS_BACKEND; the PostgreSQL run needs ERP_TEST_PG_URL (a
# role that may CREATE DATABASE; psql on PATH), else it exits 77 and CTest
# reports it skipped. It shares the PostgreSQL server with the conformance
# runs, one of which restarts it (RESOURCE_LOCK). The example runs on an
# in-memory SQLite store (ERP_EXAMPLE_URL).
function(erp_add_binding_tests)
  cmake_parse_arguments(ARG "" "LANG;EXAMPLE" "RUNNER;ENV" ${ARGN})
  set(backends sqlite)
  if(ERP_WITH_POSTGRES)
    list(APPEND backends postgresql)
  endif()
  foreach(backend IN LISTS backends)
    set(name bindings_${ARG_LANG}_${backend})
    add_test(NAME ${name} COMMAND ${ARG_RUNNER})
    set_tests_properties(${name} PROPERTIES
                         LABELS "bindings;${ARG_LANG};${backend}"
                         ENVIRONMENT "${ARG_ENV};ERP_TEST_BINDINGS_BACKEND=${backend}"
                         SKIP_RETURN_CODE 77 TIMEOUT 600)
    if(backend STREQUAL "postgresql")
      set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "server_postgresql")
    endif()
  endforeach()
  list(GET ARG_RUNNER 0 interpreter)
  add_test(NAME bindings_${ARG_LANG}_example COMMAND ${interpreter} ${ARG_EXAMPLE})
  set_tests_properties(bindings_${ARG_LANG}_example PROPERTIES
                       LABELS "bindings;${ARG_LANG};sqlite"
                       ENVIRONMENT "${ARG_ENV};ERP_EXAMPLE_URL=sqlite::memory:"
                       TIMEOUT 120)
endfunction()
