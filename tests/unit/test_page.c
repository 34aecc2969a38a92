#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/page.h"
#include "lgtmtop/verdict.h"

static const struct check_def defs[] = {{.id = CID_READY, .name = "ready"}, {.id = CID_METRICS, .name = "metrics"}};

static void test_escape(void **st)
{
    (void)st;
    struct buf b;
    buf_init(&b);
    page_escape(&b, "<script>alert('x') & \"y\"</script>\x1b[2J\x07ok\nnext");
    assert_string_equal(b.data, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt; [2J ok\nnext");
    buf_free(&b);
}

static void test_page_of_a_hostile_state(void **st)
{
    (void)st;
    struct check_state checks[2];
    struct comp_state comp;
    struct stack_state stack;
    struct state s;
    memset(checks, 0, sizeof checks);
    memset(&comp, 0, sizeof comp);
    comp.kind = COMP_GRAFANA;
    comp.url = "http://***@grafana:3000";
    comp.checks = checks;
    comp.nchecks = 2;
    for (int j = 0; j < 2; j++) {
        checks[j].def = &defs[j];
        checks[j].comp = &comp;
        checks[j].idx = (size_t)j;
    }
    stack = (struct stack_state){.name = "<img src=x onerror=alert(1)>", .comps = &comp, .ncomps = 1};
    s = (struct state){.stacks = &stack, .nstacks = 1, .interval_ms = 5000, .sweeps = 1};
    struct obs o;
    struct http_response r;
    memset(&r, 0, sizeof r);
    r.err = NET_REFUSED;
    r.err_text = "";
    obs_init(&o);
    obs_set(&o, ST_FAIL, "%s", "datasource <script>alert(1)</script> failing");
    o.detail = xstrdup("NAME\n<script>x</script>");
    state_record(&comp, 0, &o, &r, 1000);
    obs_free(&o);
    obs_init(&o); /* a change: FAIL -> OK, with markup in its message */
    obs_set(&o, ST_OK, "%s", "ok <now>");
    state_record(&comp, 1, &o, NULL, 1200);
    obs_set(&o, ST_FAIL, "%s", "broke <b>badly</b>");
    state_record(&comp, 1, &o, NULL, 1500);
    obs_free(&o);
    verdict_update(&s, 0);
    struct page_meta m = {.now_mono_ms = 2000,
                          .now_wall_ms = 1764442807000LL,
                          .ready = true,
                          .sweep_wall_ms = 1764442806000LL,
                          .sweep_ms = 80,
                          .reload_error = "lgtmtop.yaml:3: <bad>"};
    char *page = page_html(&s, &m);
    /* one document, no script, no tag from a string */
    assert_non_null(strstr(page, "<!doctype html>"));
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<bad>"));
    assert_non_null(strstr(page, "datasource &lt;script&gt;alert(1)&lt;/script&gt; failing"));
    assert_non_null(strstr(page, "<pre>NAME\n&lt;script&gt;x&lt;/script&gt;</pre>"));
    assert_non_null(strstr(page, "data-stack=\"&lt;img src=x onerror=alert(1)&gt;\""));
    assert_non_null(strstr(page, "id=\"reload-error\""));
    assert_non_null(strstr(page, "swept 2025-11-29 19:00:06 UTC in 80ms"));
    assert_non_null(strstr(page, "<tr class=\"comp\" data-stack=\"&lt;img src=x onerror=alert(1)&gt;\" "
                                 "data-component=\"grafana\" data-status=\"FAIL\">"));
    assert_non_null(strstr(page, "class=\"finding sev-FAIL\"")); /* grafana unreachable */
    assert_non_null(strstr(page, "<meta http-equiv=\"refresh\" content=\"5\">"));
    assert_non_null(strstr(page, "<a href=\"metrics\">")); /* relative: behind a proxy's path prefix too */
    assert_null(strstr(page, "href=\"/"));
    assert_non_null(strstr(
            page, "<tr class=\"change\" data-stack=\"&lt;img src=x onerror=alert(1)&gt;\" "
                  "data-component=\"grafana\" data-check=\"metrics\" data-from=\"OK\" "
                  "data-to=\"FAIL\"><td class=\"num\">2025-11-29 19:00:06</td><td class=\"num lat\">500ms</td>"));
    assert_non_null(strstr(page, "broke &lt;b&gt;badly&lt;/b&gt;"));
    free(page);
    for (int j = 0; j < 2; j++)
        check_state_release(&checks[j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_escape),
            cmocka_unit_test(test_page_of_a_hostile_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
