/* registry.h - the network (阵地): regions, stations, deputies, handling units.
 *
 * Pure domain types and rules (DOMAIN.md §2); no I/O.  Strings inside these
 * structs are owned by whoever filled them (usually a request arena).
 * Ids are positive; 0 means "none".
 */
#ifndef YOUYUE_DOMAIN_REGISTRY_H
#define YOUYUE_DOMAIN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum region_kind { REGION_DISTRICT, REGION_STREET, REGION_DEV_ZONE, REGION_COMMUNITY };

struct region {
    int64_t id;
    enum region_kind kind;
    const char *name;
    int64_t parent_id; /* 0 for the district */
};

enum station_kind {
    STATION_WORK_OFFICE,    /* 街道代表工作室 */
    STATION_RECEPTION_ROOM, /* 社区代表接待室/站 */
    STATION_CENTRAL,        /* 中心代表联络站 */
    STATION_BUILDING,       /* 楼宇代表联络站 */
    STATION_PARK_HOME,      /* 园区代表之家 */
};

struct station {
    int64_t id;
    enum station_kind kind;
    const char *name;
    int64_t street_id;    /* a street or the development zone */
    int64_t community_id; /* 0 when the station is not in one community */
    const char *address;
    double lat, lon;
    const char *opening_hours;  /* free text, e.g. "周一至周五 9:00-17:00" */
    const char *reception_rule; /* free text, e.g. "每月15日 9:00-11:00" */
};

/* Deputy levels as bits; a deputy holds a set of them. */
enum deputy_level {
    LEVEL_NATIONAL = 1 << 0,   /* 全国 */
    LEVEL_PROVINCIAL = 1 << 1, /* 省 */
    LEVEL_MUNICIPAL = 1 << 2,  /* 市 */
    LEVEL_DISTRICT = 1 << 3,   /* 区 */
};
#define LEVEL_ALL (LEVEL_NATIONAL | LEVEL_PROVINCIAL | LEVEL_MUNICIPAL | LEVEL_DISTRICT)

struct deputy {
    int64_t id;
    const char *name;
    unsigned levels; /* enum deputy_level bits, never 0 */
    const char *sector; /* 界别/行业, e.g. "律师", "企业" */
    const char *phone;  /* personal data: never in public output */
    bool has_location;  /* where they live or work, for nearest-station placement */
    double lat, lon;
    int64_t *station_ids;
    size_t n_station_ids;
};

enum unit_kind {
    UNIT_DEPARTMENT,    /* 区政府部门 */
    UNIT_STREET_OFFICE, /* 街道办事处 */
    UNIT_UTILITY,       /* 公用事业单位/企业 */
    UNIT_PROCURATORATE, /* 区检察院 */
    UNIT_OTHER,
};

struct unit {
    int64_t id;
    const char *name;
    enum unit_kind kind;
};

/* Names as the contract spells them, and back.  *_from_name returns false for
 * an unknown name. */
const char *region_kind_name(enum region_kind k);
bool region_kind_from_name(const char *s, enum region_kind *out);
const char *station_kind_name(enum station_kind k);
bool station_kind_from_name(const char *s, enum station_kind *out);
const char *station_kind_label_zh(enum station_kind k);
const char *deputy_level_name(enum deputy_level l);
bool deputy_level_from_name(const char *s, enum deputy_level *out);
const char *unit_kind_name(enum unit_kind k);
bool unit_kind_from_name(const char *s, enum unit_kind *out);

/* Coordinates plausible for a place on Earth: lat in [-90,90], lon in
 * [-180,180], finite. */
bool geo_valid(double lat, double lon);

/* Validation of records before they are stored.  Each returns YY_OK or
 * YY_BAD_INPUT with *e naming the field (field names as in the contract). */
enum yy_err station_validate(const struct station *s, struct yy_error *e);
/* A region's name, and its place in the tree: a district has no parent, a
 * street or the development zone hangs under a district, a community under a
 * street or the zone.  parent_kind is ignored when r has no parent. */
enum yy_err region_validate(const struct region *r, enum region_kind parent_kind,
                            struct yy_error *e);
enum yy_err deputy_validate(const struct deputy *d, struct yy_error *e);
enum yy_err unit_validate(const struct unit *u, struct yy_error *e);

/* Longest accepted name/address/free text, in code points. */
#define REGISTRY_NAME_MAX 100
#define REGISTRY_TEXT_MAX 500



/* The next reception day from a station's rule text, for rules of the form
 * "每月15日 9:00-11:00" (the 15th of every month).  Sets *start and *end
 * (unix seconds, China time) to the first such slot ending after now.
 * Returns false when the rule is empty or not of that form.  Holidays are not
 * considered here (reception-day schedules do that). */
bool reception_next(const char *rule, int64_t now, int64_t *start, int64_t *end);

#endif
