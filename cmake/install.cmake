# Install layout (cmake --install): the binary, man pages (gzip -9n, as Debian wants them),
# shell completions where bash-completion, zsh and fish look for them under the prefix, and the
# examples with the documentation.
include(GNUInstallDirs)

install(TARGETS lgtmtop RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

find_program(GZIP gzip REQUIRED)
set(LGTMTOP_MAN_PAGES lgtmtop.1 lgtmtop.yaml.5)
set(man_gz "")
foreach(page ${LGTMTOP_MAN_PAGES})
  set(src ${CMAKE_SOURCE_DIR}/docs/man/${page})
  set(out ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${GZIP} -9nc ${src} > ${out}
    DEPENDS ${src} VERBATIM)
  list(APPEND man_gz ${out})
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man ALL DEPENDS ${man_gz})

# zsh: Debian's zsh reads vendor-completions under /usr; elsewhere site-functions is on fpath.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(LGTMTOP_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions CACHE STRING
    "bash completion directory (relative to the prefix)")
set(LGTMTOP_ZSH_COMPLETION_DIR ${zsh_default} CACHE STRING "zsh completion directory (relative to the prefix)")
set(LGTMTOP_FISH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d CACHE STRING
    "fish completion directory (relative to the prefix)")
install(FILES completions/lgtmtop.bash DESTINATION ${LGTMTOP_BASH_COMPLETION_DIR} RENAME lgtmtop)
install(FILES completions/_lgtmtop DESTINATION ${LGTMTOP_ZSH_COMPLETION_DIR})
install(FILES completions/lgtmtop.fish DESTINATION ${LGTMTOP_FISH_COMPLETION_DIR})

install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
