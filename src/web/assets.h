/* assets.h - the templates and static files built into the binary
 * (tools/embed.py writes the tables; meson.build lists the files). */
#ifndef YOUYUE_WEB_ASSETS_H
#define YOUYUE_WEB_ASSETS_H

struct embedded_file {
    const char *name; /* base name: "station.html", "site.css" */
    const char *data; /* NUL-terminated */
    unsigned long len;
    const char *hash; /* the first 16 hex digits of the SHA-256 of data */
};

/* web/templates/NAME.html and web/static/FILE, in the order meson.build lists them;
 * each table ends with an all-zero entry. */
extern const struct embedded_file web_templates[];
extern const unsigned long web_templates_count;
extern const struct embedded_file web_static[];
extern const unsigned long web_static_count;

#endif
