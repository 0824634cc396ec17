/* log.h - one JSON object per line on stderr, written with a single write(2)
 * so lines from different threads never interleave. */
#ifndef YOUYUE_LOG_H
#define YOUYUE_LOG_H

/* level: "info", "warn", "error".  msg is escaped as a JSON string. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Command-line mode: log_msg keeps the last "error" message (per thread)
 * instead of printing it, so a command's failure stays one line on stderr
 * (CONTRACT.md) and can still say what went wrong underneath. */
void log_capture(int on);
/* The last captured error message, "" when none. */
const char *log_last_error(void);
/* Writes a prepared line (must end with '\n'). */
void log_write_line(const char *line, unsigned long len);
/* Appends s to dst (capacity cap, NUL-terminated) as JSON string content.
 * Returns the new length, truncating quietly when out of room. */
unsigned long log_json_escape(char *dst, unsigned long len, unsigned long cap, const char *s);

#endif
