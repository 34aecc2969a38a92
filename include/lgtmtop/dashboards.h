/* dashboards: every datasource reference in a Grafana dashboard's JSON, in every form it takes
 * (object {type, uid}, legacy name/uid string, ${var}/$var/[[var]] through templating,
 * ${DS_X} export placeholders from __inputs, null/absent = default, the special -- Mixed --,
 * -- Grafana --, -- Dashboard -- and expression sources), resolved against Grafana's datasource
 * list. Pure: JSON in, a list of references out; never fails on any JSON shape. */
#ifndef LGTMTOP_DASHBOARDS_H
#define LGTMTOP_DASHBOARDS_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* What a reference points at. */
enum dref_kind {
    DREF_DATASOURCE = 0, /* a concrete datasource (by uid, name, or through a variable) */
    DREF_DEFAULT,        /* null / absent / "default": the default datasource */
    DREF_MIXED,          /* "-- Mixed --": each target names its own */
    DREF_GRAFANA,        /* "-- Grafana --" / uid "grafana": the built-in source */
    DREF_DASHBOARD,      /* "-- Dashboard --": reuses another panel's results */
    DREF_EXPR,           /* "__expr__" / "-100": server-side expressions */
    DREF_INPUT,          /* "${DS_X}" export placeholder declared in __inputs */
    DREF_LIBRARY,        /* a library panel whose model was not available */
    DREF_INVALID,        /* a value of a type Grafana does not accept (number, list...) */
};

/* Ordered by severity. */
enum dref_status {
    DREF_OK = 0,
    DREF_NOTE,       /* not checked (library panel without model, odd value): said so */
    DREF_UNRESOLVED, /* export placeholder: fine before import (lint), broken when live */
    DREF_DEPRECATED, /* exists, but listed in deprecated_datasources */
    DREF_MISSING,    /* no such datasource (or no datasource of the variable's type) */
};

const char *dref_kind_name(enum dref_kind k);     /* "datasource", "default", "mixed", ... */
const char *dref_status_name(enum dref_status s); /* "ok", "note", "unresolved-input", ... */

/* One reference. Strings are owned; NULL when not applicable. */
struct dref {
    char *path;        /* 'row "Overview" > panel "Latency" > target B' */
    char *where;       /* path without the target part: 'row "Overview" > panel "Latency"' */
    char *jpath;       /* JSON path in the file: "panels[3].targets[0]", "spec.elements.p1..." */
    char *panel;       /* panel title (or annotation / variable name) for messages */
    char *target;      /* refId ("B") or "#2"; NULL at panel level */
    char *raw;         /* the value as written, compact JSON ("null" when absent) */
    char *lookup;      /* what was looked up after variables ("grafana_prometheus") */
    char *uid;         /* the datasource it resolved to */
    char *name;        /* its name */
    char *type;        /* plugin type (of the datasource, else as written) */
    char *replacement; /* from deprecated_datasources */
    char *note;        /* how it resolved, or why not ("via $datasource", ...) */
    enum dref_kind kind;
    enum dref_status status;
};

struct dash_report {
    char *uid;   /* the dashboard's uid ("" if none) */
    char *title; /* "" if none */
    struct dref *refs;
    size_t nrefs, cap;
    size_t nmissing, ndeprecated, nunresolved, nnotes;
    char **library_uids; /* library panels used (distinct), for fetching their models */
    size_t nlibrary;
};

/* A datasource as Grafana lists it. Strings are borrowed. */
struct dash_ds {
    const char *uid, *name, *type;
    bool is_default;
};

/* Returns the model of a library panel (the "model" object of /api/library-elements/<uid>),
 * or NULL when it is not available. */
typedef const struct cJSON *(*dash_library_fn)(void *ud, const char *uid);

struct dash_ctx {
    const struct dash_ds *ds; /* Grafana's datasources */
    size_t nds;
    bool ds_known;                 /* false: no list at all; only deprecated uids are reported */
    bool types_known;              /* the list carries plugin types (datasource variables) */
    const char *const *deprecated; /* pairs: old uid, new uid */
    size_t ndeprecated;            /* number of pairs */
    bool lint;                     /* offline: placeholders are fine, library panels noted */
    dash_library_fn library;       /* may be NULL */
    void *library_ud;
};

/* True when the document is a dashboard: a classic model (a panels or rows list), bare or in an
 * envelope {"dashboard": ...}, or a Grafana 12 resource (apiVersion dashboard.grafana.app/v1beta1
 * with the classic model in spec, or v2 with spec.elements). */
bool dash_is_dashboard(const struct cJSON *doc);

/* Walks the document (bare model or envelope) and resolves every reference. out is
 * overwritten; free with dash_report_free. */
void dash_analyze(const struct cJSON *doc, const struct dash_ctx *ctx, struct dash_report *out);
void dash_report_free(struct dash_report *r);

/* The worst status among the references (DREF_OK when none). */
enum dref_status dash_report_worst(const struct dash_report *r, bool lint);

/* Datasources from an /api/datasources array (or a provisioning list of the same keys);
 * strings borrow from arr. Entries without uid and name are skipped. Returns the count;
 * *out is NULL when 0 (free with free()). */
size_t dash_ds_from_json(const struct cJSON *arr, struct dash_ds **out);

#endif
