/* yaml_depth: how deep a YAML text nests, found from libyaml's events before anything builds
 * a document from it. */
#include "lgtmtop/yaml_depth.h"

#include <yaml.h>

#include "lgtmtop/util.h"

bool yaml_too_deep(const char *text, size_t len, int max, int *line)
{
    yaml_parser_t yp;
    if (!yaml_parser_initialize(&yp))
        fatal("out of memory (YAML parser)");
    yaml_parser_set_input_string(&yp, (const unsigned char *)(text ? text : ""), text ? len : 0);
    int depth = 0;
    bool deep = false, done = false;
    while (!done && !deep) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&yp, &ev))
            break;
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > max) {
                deep = true;
                *line = (int)ev.start_mark.line + 1;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_STREAM_END_EVENT: done = true; break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&yp);
    return deep;
}
