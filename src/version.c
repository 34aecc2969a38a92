/* version: lgtmtop's version and the run-time versions of libcurl (TLS, resolver), ncurses,
 * cJSON, libyaml and libmicrohttpd (with or without TLS). */
#include "lgtmtop/version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <curses.h>
#include <microhttpd.h>
#include <yaml.h>

void version_print(FILE *f)
{
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    const char *resolver = "synchronous resolver";
    char ares[64] = "";
    if (cv->ares) {
        snprintf(ares, sizeof ares, "c-ares %s", cv->ares);
        resolver = ares;
    } else if (cv->features & CURL_VERSION_ASYNCHDNS) {
        resolver = "threaded resolver";
    }
    fprintf(f, "lgtmtop %s\n", LGTMTOP_VERSION);
    fprintf(f, "libcurl %s (%s, %s%s%s)\n", cv->version, cv->ssl_version ? cv->ssl_version : "no TLS", resolver,
            cv->features & CURL_VERSION_HTTP2 ? ", HTTP/2" : "", cv->features & CURL_VERSION_IPV6 ? ", IPv6" : "");
    fprintf(f, "%s\n", curses_version());
    fprintf(f, "cJSON %s\n", cJSON_Version());
    fprintf(f, "libyaml %s\n", yaml_get_version_string());
    fprintf(f, "libmicrohttpd %s (%s)\n", MHD_get_version(),
            MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES ? "TLS" : "no TLS");
}
