# CPack: a Debian package (cpack -G DEB in a build configured with -DCMAKE_INSTALL_PREFIX=/usr,
# see scripts/package.sh). Depends come from the shared libraries the binary links
# (dpkg-shlibdeps); the copyright file and Debian changelog go where Debian policy wants them.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lgtmtop)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "lgtmtop developers <dev@lgtmtop.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "health checker and live view for Grafana LGTM stacks")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/lgtmtop/lgtmtop")
# CPack puts the summary first and indents every line of this by one space itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "lgtmtop checks Loki, Grafana, Tempo, Mimir and Prometheus concurrently:
readiness, versions, real queries, data flow rates, Tempo's OTLP receivers,
Grafana's datasources (from Grafana and directly), dashboards that reference
missing datasources, alert rules and optional write-then-read canaries.
.
It offers a live terminal view, a one-shot check with Nagios-style exit codes
and JSON for CI and post-deploy gates, lgtmtop init to write a config from
Grafana's datasources, and lgtmtop config check to validate one.")

set(changelog_gz ${CMAKE_BINARY_DIR}/changelog.Debian.gz)
add_custom_command(OUTPUT ${changelog_gz}
  COMMAND ${GZIP} -9nc ${CMAKE_SOURCE_DIR}/packaging/debian/changelog > ${changelog_gz}
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/debian/changelog VERBATIM)
add_custom_target(debian_changelog ALL DEPENDS ${changelog_gz})
install(FILES ${changelog_gz} packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr") # the package's prefix
  install(FILES packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
          RENAME lgtmtop)
endif()

include(CPack)
