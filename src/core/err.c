/* err.c - error kinds mapped to HTTP statuses and default texts. */
#include "core/err.h"

#include <stddef.h>

enum yy_err yy_fail(struct yy_error *e, enum yy_err kind, const char *code, const char *message,
                    const char *field)
{
    if (e) {
        e->kind = kind;
        e->code = code ? code : err_default_code(kind);
        e->message = message ? message : err_default_message(kind);
        e->field = field;
        e->allowed = NULL;
        e->n_allowed = 0;
    }
    return kind;
}

int err_http_status(enum yy_err kind)
{
    switch (kind) {
    case YY_OK: return 200;
    case YY_BAD_INPUT: return 400;
    case YY_UNAUTHORIZED: return 401;
    case YY_FORBIDDEN: return 403;
    case YY_NOT_FOUND: return 404;
    case YY_METHOD_NOT_ALLOWED: return 405;
    case YY_CONFLICT: return 409;
    case YY_TOO_LARGE: return 413;
    case YY_THROTTLED: return 429;
    case YY_UNAVAILABLE: return 503;
    case YY_INTERNAL:
    case YY_NOMEM:
    case YY_IO: return 500;
    }
    return 500;
}

const char *err_default_code(enum yy_err kind)
{
    switch (kind) {
    case YY_OK: return "ok";
    case YY_BAD_INPUT: return "bad_request";
    case YY_UNAUTHORIZED: return "login_required";
    case YY_FORBIDDEN: return "forbidden";
    case YY_NOT_FOUND: return "not_found";
    case YY_METHOD_NOT_ALLOWED: return "method_not_allowed";
    case YY_CONFLICT: return "conflict";
    case YY_TOO_LARGE: return "body_too_large";
    case YY_THROTTLED: return "too_many_requests";
    case YY_UNAVAILABLE: return "unavailable";
    case YY_INTERNAL: return "internal_error";
    case YY_NOMEM: return "out_of_memory";
    case YY_IO: return "io_error";
    }
    return "internal_error";
}

const char *err_default_message(enum yy_err kind)
{
    switch (kind) {
    case YY_OK: return "成功";
    case YY_BAD_INPUT: return "请求内容有误";
    case YY_UNAUTHORIZED: return "请先登录";
    case YY_FORBIDDEN: return "没有权限执行此操作";
    case YY_NOT_FOUND: return "请求的内容不存在";
    case YY_METHOD_NOT_ALLOWED: return "不支持该请求方法";
    case YY_CONFLICT: return "当前状态不允许此操作";
    case YY_TOO_LARGE: return "提交的内容过大";
    case YY_THROTTLED: return "操作过于频繁,请稍后再试";
    case YY_UNAVAILABLE: return "服务繁忙,请稍后再试";
    case YY_INTERNAL: return "服务器内部错误";
    case YY_NOMEM: return "服务器内存不足";
    case YY_IO: return "数据读写失败";
    }
    return "服务器内部错误";
}
