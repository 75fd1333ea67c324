/* Agent Status Details: one agent's `status` JSON array, from its status events (rules in render.py).
 *
 * Why C: a 7-day page of 50 agents is ~15 000 spans; written in Python (a dict or an f-string per span, two
 * local times and a duration each) the page took ~4x its database fetch (bench/bench_agent_status.py).
 * Python keeps what needs Unicode rules (upper-casing a status, JSON-quoting it, recognising Offline), once
 * per distinct string, in the `texts` mapping; this module does the per-span work.
 *
 * Ownership: `events` is held as a fast sequence (a list keeps its tuples, and so their strings, alive while
 * the mapping's __missing__ runs Python code); each looked-up text is a new reference released before the
 * next span; every path out of spans() goes through `done`.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../_buffer.h"
#include "../_civil.h"

/* `YYYY-MM-DDTHH:MM:SS` of local_ms floored to the second, written at p; returns the length. */
static int
local_time(char *p, int64_t local_ms)
{
    int64_t seconds = floor_div(local_ms, 1000);
    int64_t days = floor_div(seconds, 86400);
    int second_of_day = (int)(seconds - days * 86400);
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    char *start = p;
    if (year >= 0 && year <= 9999) {
        p = two_digits(p, (int)(year / 100));
        p = two_digits(p, (int)(year % 100));
    } else {
        p += snprintf(p, 24, "%lld", (long long)year);
    }
    *p++ = '-';
    p = two_digits(p, month);
    *p++ = '-';
    p = two_digits(p, day);
    *p++ = 'T';
    p = two_digits(p, second_of_day / 3600);
    *p++ = ':';
    p = two_digits(p, second_of_day / 60 % 60);
    *p++ = ':';
    p = two_digits(p, second_of_day % 60);
    return (int)(p - start);
}

/* `HH:MM:SS` of the whole seconds in length_ms >= 0 (hours not wrapped); returns the length. */
static int
duration(char *p, int64_t length_ms)
{
    int64_t seconds = length_ms / 1000;
    int64_t hours = seconds / 3600;
    char *start = p;
    if (hours < 100)
        p = two_digits(p, (int)hours);
    else
        p += snprintf(p, 24, "%lld", (long long)hours);
    *p++ = ':';
    p = two_digits(p, (int)(seconds / 60 % 60));
    *p++ = ':';
    p = two_digits(p, (int)(seconds % 60));
    return (int)(p - start);
}

/* texts[key] -> (quoted: bytes, offline: bool), a new reference checked for shape. */
static PyObject *
lookup(PyObject *texts, PyObject *key)
{
    PyObject *value = PyObject_GetItem(texts, key);
    if (value == NULL)
        return NULL;
    if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != 2 || !PyBytes_Check(PyTuple_GET_ITEM(value, 0))) {
        Py_DECREF(value);
        PyErr_SetString(PyExc_TypeError, "texts values must be (bytes, bool) tuples");
        return NULL;
    }
    return value;
}

static int
row(PyObject *item, int64_t *ts, PyObject **status, PyObject **reason)
{
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 3) {
        PyErr_SetString(PyExc_TypeError, "events must be (ts, status, reason) tuples");
        return -1;
    }
    if (as_ms(PyTuple_GET_ITEM(item, 0), "ts", ts) < 0)
        return -1;
    *status = PyTuple_GET_ITEM(item, 1);
    *reason = PyTuple_GET_ITEM(item, 2);
    if (!PyUnicode_Check(*status) || (*reason != Py_None && !PyUnicode_Check(*reason))) {
        PyErr_SetString(PyExc_TypeError, "status must be str and reason str or None");
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(spans_doc,
"spans(events, start, end, offset_minutes, texts, /) -> bytes\n\n"
"One agent's `status` array as ASCII JSON bytes, b'' when no span is listed. events: (ts, status, reason)\n"
"ordered by (ts, id). texts: a mapping (filled by its __missing__) from a status or reason to\n"
"(its upper-cased JSON string as bytes, whether it is Offline).");

static PyObject *
spans(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "spans() takes 5 positional arguments");
        return NULL;
    }
    int64_t window_start, window_end, offset_minutes;
    if (as_ms(args[1], "start", &window_start) < 0 || as_ms(args[2], "end", &window_end) < 0
        || as_ms(args[3], "offset_minutes", &offset_minutes) < 0)
        return NULL;
    if (offset_minutes < -1440 || offset_minutes > 1440) {
        PyErr_SetString(PyExc_ValueError, "offset_minutes out of range");
        return NULL;
    }
    int64_t offset_ms = offset_minutes * 60000;
    PyObject *texts = args[4];
    PyObject *events = PySequence_Fast(args[0], "events must be a sequence");
    if (events == NULL)
        return NULL;
    PyObject *result = NULL, *primary = NULL, *secondary = NULL;
    Buffer buf = {NULL, 0};
    Py_ssize_t count = PySequence_Fast_GET_SIZE(events);
    PyObject **items = PySequence_Fast_ITEMS(events);
    Py_ssize_t listed = 0;
    char text[160];
    int64_t written_ts = 0; /* the last end time written, in `last_end` (a span often starts there) */
    char last_end[40];
    int last_end_len = 0;

    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t ts, next_ts = 0;
        PyObject *status, *reason, *next_status, *next_reason;
        if (row(items[i], &ts, &status, &reason) < 0)
            goto done;
        if (ts >= window_end)
            break;
        int open = i + 1 >= count;
        if (!open) {
            if (row(items[i + 1], &next_ts, &next_status, &next_reason) < 0)
                goto done;
            if (next_ts <= window_start || next_ts == ts)
                continue;
        }
        if ((primary = lookup(texts, status)) == NULL)
            goto done;
        if (PyObject_IsTrue(PyTuple_GET_ITEM(primary, 1))) {
            Py_CLEAR(primary);
            continue;
        }
        if (reason != Py_None && PyUnicode_GET_LENGTH(reason) > 0) {
            if ((secondary = lookup(texts, reason)) == NULL)
                goto done;
        } else {
            secondary = Py_NewRef(primary);
        }
        if (buf.bytes == NULL && (buf.bytes = PyBytes_FromStringAndSize(NULL, 4096)) == NULL)
            goto done;
        PyObject *p = PyTuple_GET_ITEM(primary, 0), *s = PyTuple_GET_ITEM(secondary, 0);
        if (put(&buf, listed ? ",{\"primaryStatus\":" : "[{\"primaryStatus\":", 18) < 0
            || put(&buf, PyBytes_AS_STRING(p), PyBytes_GET_SIZE(p)) < 0
            || PUT_LITERAL(&buf, ",\"secondaryStatus\":") < 0
            || put(&buf, PyBytes_AS_STRING(s), PyBytes_GET_SIZE(s)) < 0
            || PUT_LITERAL(&buf, ",\"startTime\":\"") < 0)
            goto done;
        Py_CLEAR(primary);
        Py_CLEAR(secondary);
        int n;
        if (last_end_len && written_ts == ts) {
            memcpy(text, last_end, (size_t)last_end_len);
            n = last_end_len;
        } else {
            n = local_time(text, ts - offset_ms);
        }
        if (open) {
            memcpy(text + n, "\",\"endTime\":\"-\",\"duration\":\"-\"}", 31);
            n += 31;
        } else {
            memcpy(text + n, "\",\"endTime\":\"", 13);
            n += 13;
            last_end_len = local_time(last_end, next_ts - offset_ms);
            written_ts = next_ts;
            memcpy(text + n, last_end, (size_t)last_end_len);
            n += last_end_len;
            memcpy(text + n, "\",\"duration\":\"", 14);
            n += 14;
            n += duration(text + n, next_ts - ts);
            memcpy(text + n, "\"}", 2);
            n += 2;
        }
        if (put(&buf, text, n) < 0)
            goto done;
        listed++;
    }
    if (!listed) {
        result = PyBytes_FromStringAndSize("", 0);
        goto done;
    }
    if (PUT_LITERAL(&buf, "]") < 0 || _PyBytes_Resize(&buf.bytes, buf.len) < 0)
        goto done;
    result = buf.bytes;
    buf.bytes = NULL;

done:
    Py_XDECREF(primary);
    Py_XDECREF(secondary);
    Py_XDECREF(buf.bytes);
    Py_DECREF(events);
    return result;
}

static PyMethodDef methods[] = {
    {"spans", (PyCFunction)(void (*)(void))spans, METH_FASTCALL, spans_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {{0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_spans", "Agent Status Details span writer for one agent (see render.py).", 0,
    methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__spans(void)
{
    return PyModuleDef_Init(&module);
}
