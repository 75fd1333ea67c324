/* What the C extensions share (analytics/user_status/_sweep.c, analytics/agent_status/_spans.c,
 * contactcenter/_call_rows.c): epoch-millisecond arguments checked for range, and the output buffer their JSON
 * is written into.
 *
 * The buffer is the result itself, bytes of ASCII JSON written in place, grown by doubling and trimmed at the
 * end: no scratch copy of what is 200+ kB per agent on a 7-day page, and no encode of the page later (it is
 * joined and sent as bytes). Static functions: each extension includes this once. */
#ifndef SMARTASSIST_ANALYTICS_BUFFER_H
#define SMARTASSIST_ANALYTICS_BUFFER_H

#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Every time is checked to lie in (-2**62, 2**62), so the difference of any two fits in int64. */
#define MS_LIMIT ((int64_t)1 << 62)

typedef struct { PyObject *bytes; Py_ssize_t len; } Buffer;

static int
as_ms(PyObject *obj, const char *what, int64_t *out)
{
    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow;
    long long value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (overflow || value <= -MS_LIMIT || value >= MS_LIMIT) {
        PyErr_Format(PyExc_ValueError, "%s out of range (|ms| must be below 2**62)", what);
        return -1;
    }
    *out = value;
    return 0;
}

static int
put(Buffer *buf, const char *text, Py_ssize_t n)
{
    Py_ssize_t cap = PyBytes_GET_SIZE(buf->bytes);
    if (cap - buf->len < n) {
        while (cap - buf->len < n) {
            if (cap > PY_SSIZE_T_MAX / 2) {
                PyErr_NoMemory();
                return -1;
            }
            cap *= 2;
        }
        if (_PyBytes_Resize(&buf->bytes, cap) < 0)  /* on failure buf->bytes is released and NULL */
            return -1;
    }
    memcpy(PyBytes_AS_STRING(buf->bytes) + buf->len, text, (size_t)n);
    buf->len += n;
    return 0;
}

#define PUT_LITERAL(buf, s) put((buf), (s), (Py_ssize_t)(sizeof(s) - 1))

#endif
