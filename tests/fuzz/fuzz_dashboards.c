/* The dashboard walker (dashboards lint and the Grafana check): any JSON document against a
 * datasource list, online and offline, with library panels served from the same document. The
 * whole input is the document (fixtures are seeds as they are); the mode comes from its size. */
#include <cjson/cJSON.h>

#include "fuzz.h"
#include "lgtmtop/dashboards.h"

static const cJSON *library(void *ud, const char *uid)
{
    const cJSON *libs = cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, "__libs");
    return uid ? cJSON_GetObjectItemCaseSensitive(libs, uid) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (!doc)
        return 0;
    unsigned mode = (unsigned)(size * 7 + data[size / 2]);
    static const struct dash_ds fixed[] = {
            {"prom", "Prometheus", "prometheus", true},
            {"loki", "Loki", "loki", false},
            {"tempo", "Tempo", "tempo", false},
    };
    struct dash_ds *listed = NULL;
    size_t nlisted = dash_ds_from_json(cJSON_GetObjectItemCaseSensitive(doc, "__datasources"), &listed);
    static const char *const deprecated[] = {"old", "prom", "loki", "new"};
    struct dash_ctx ctx = {
            .ds = nlisted ? listed : fixed,
            .nds = nlisted ? nlisted : 3,
            .ds_known = (mode & 1u) != 0,
            .types_known = (mode & 2u) != 0,
            .deprecated = deprecated,
            .ndeprecated = (mode & 4u) ? 2 : 0,
            .lint = (mode & 8u) != 0,
            .library = (mode & 16u) ? library : NULL,
            .library_ud = doc,
    };
    (void)dash_is_dashboard(doc);
    struct dash_report rep;
    dash_analyze(doc, &ctx, &rep);
    (void)dash_report_worst(&rep, ctx.lint);
    for (size_t i = 0; i < rep.nrefs; i++) {
        (void)dref_kind_name(rep.refs[i].kind);
        (void)dref_status_name(rep.refs[i].status);
    }
    dash_report_free(&rep);
    free(listed);
    cJSON_Delete(doc);
    return 0;
}
