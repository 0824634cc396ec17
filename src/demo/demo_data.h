/* demo_data.h - the demo district: Jianghan (江汉区), Wuhan, as the article
 * describes it.  Static tables only; demo.c loads them through the store.
 *
 * Street and community names are real; deputies' names and phone numbers are
 * fictional.  Coordinates lie inside the district (about 30.56-30.64 N,
 * 114.23-114.31 E).  Tables refer to each other by index.
 */
#ifndef YOUYUE_DEMO_DATA_H
#define YOUYUE_DEMO_DATA_H

#include <stddef.h>

struct demo_street {
    const char *name;   /* e.g. "民族街道" */
    int dev_zone;       /* 1 for the development zone (江汉经济开发区) */
    double lat, lon;    /* rough centre */
};

struct demo_community {
    const char *name;   /* e.g. "大夹社区" */
    size_t street;      /* index into demo_streets */
};

/* kind is the contract's name: work_office reception_room central_station
 * building_station park_home */
struct demo_station {
    const char *kind;
    const char *name;
    size_t street;          /* index into demo_streets */
    long community;         /* index into demo_communities, or -1 */
    const char *address;
    double lat, lon;
    const char *opening_hours;
    const char *reception_rule;
};

/* levels: bit 0 national, 1 provincial, 2 municipal, 3 district */
struct demo_deputy {
    const char *name;
    unsigned levels;
    const char *sector;
    const char *phone;
    double lat, lon;        /* where they live or work; placed at the nearest station */
};

/* kind: department street_office utility procuratorate other */
struct demo_unit {
    const char *name;
    const char *kind;
};

extern const struct demo_street demo_streets[];
extern const size_t demo_streets_n;
extern const struct demo_community demo_communities[];
extern const size_t demo_communities_n;
extern const struct demo_station demo_stations[];
extern const size_t demo_stations_n;
extern const struct demo_deputy demo_deputies[];
extern const size_t demo_deputies_n;
extern const struct demo_unit demo_units[];
extern const size_t demo_units_n;

/* 代表有约 activities (docs/ACTIVITIES.md), placed in time relative to the
 * day the demo is loaded: held ones (closed, with their record) and coming
 * ones (open for registration, or a draft).  kind: learn talk build supervise
 * evaluate share; status: draft open closed.  The deputies invited are the
 * first three placed at station deputies_at (the first two attended a held
 * one).  They sit in the demo community (大夹社区), so the demo street and
 * community logins run them. */
struct demo_activity {
    const char *kind, *title, *theme;
    long station;      /* index into demo_stations, or -1 for the venue */
    long deputies_at;  /* index into demo_stations */
    const char *venue; /* NULL with a station */
    int day;           /* days from the load day; negative: already held */
    int hour, minute, duration_min;
    int capacity;
    const char *status;
    const char *unit; /* the department invited (a demo_units name), or NULL */
    const char *minutes, *question, *answer; /* the record of a held one */
};
extern const struct demo_activity demo_activities[];
extern const size_t demo_activities_n;

#endif
