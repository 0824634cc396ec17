/* log.c - JSON lines on stderr; see log.h. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"

void log_write_line(const char *line, unsigned long len)
{
    while (len > 0) {
        ssize_t w = write(2, line, len);
        if (w <= 0)
            return;
        line += w;
        len -= (unsigned long)w;
    }
}

unsigned long log_json_escape(char *dst, unsigned long len, unsigned long cap, const char *s)
{
    for (; *s && len + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            dst[len++] = '\\';
            dst[len++] = (char)c;
        } else if (c < 0x20) {
            len += (unsigned long)snprintf(dst + len, cap - len, "\\u%04x", c);
        } else {
            dst[len++] = (char)c;
        }
    }
    dst[len] = '\0';
    return len;
}

static int capture;
static _Thread_local char last_error[1024];

void log_capture(int on)
{
    capture = on;
}

const char *log_last_error(void)
{
    return last_error;
}

void log_msg(const char *level, const char *fmt, ...)
{
    char msg[1024];
    char line[2048];
    char ts[TIME_RFC3339_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (capture) {
        if (!strcmp(level, "error"))
            snprintf(last_error, sizeof(last_error), "%s", msg);
        return;
    }
    time_format_rfc3339(time_now(), ts);
    int n = snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, level);
    unsigned long len = (unsigned long)n;
    len = log_json_escape(line, len, sizeof(line) - 3, msg);
    line[len++] = '"';
    line[len++] = '}';
    line[len++] = '\n';
    log_write_line(line, len);
}
