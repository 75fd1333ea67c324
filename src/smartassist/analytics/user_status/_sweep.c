/* UserStatus: one agent's `timeInterval` JSON text, from its status events and interactions (rules in
 * buckets.py).
 *
 * Why C: on a 7-day page (50 agents x 672 buckets) the Python sweep and renderer took ~28 ms and ~45 ms,
 * each more than the whole database fetch. Python keeps what is shared by every agent of a request (the
 * bucket heads, the text of each status's entries); this module does the per-agent, per-bucket work.
 *
 * Ownership: the tuples made from `events` and `interactions` keep every status string alive while
 * Python code may run (a mapping's __missing__); each segment owns a reference to its entry texts; no
 * Python code runs while the JSON is written, and every path out of render() goes through `done`.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_buffer.h"

/* Every time is checked to lie in (-2**62, 2**62) (as_ms), so the difference or sum of any two fits in
 * int64: the sweep cannot overflow. */

typedef struct { int64_t start, end; } Span;
typedef struct { int64_t start, end; PyObject *texts; } Segment;      /* texts: owned reference */
typedef struct { PyObject *texts; int64_t status_ms, busy_ms; } Entry; /* one status in one bucket */

/* The first two items of a row; more may follow (the database rows end with the agent id). */
static int
as_pair(PyObject *item, const char *what, PyObject **first, PyObject **second)
{
    if (!PyTuple_Check(item)) {
        PyErr_Format(PyExc_TypeError, "%s must be tuples, not %.100s", what, Py_TYPE(item)->tp_name);
        return -1;
    }
    if (PyTuple_GET_SIZE(item) < 2) {
        PyErr_Format(PyExc_ValueError, "%s must have at least 2 items, got %zd", what, PyTuple_GET_SIZE(item));
        return -1;
    }
    *first = PyTuple_GET_ITEM(item, 0);
    *second = PyTuple_GET_ITEM(item, 1);
    return 0;
}

/* Text is copied byte for byte into the output, which must stay ASCII (it is sent as is). */
static int
check_ascii(PyObject *obj, const char *what)
{
    if (PyUnicode_Check(obj) && PyUnicode_IS_ASCII(obj))
        return 0;
    PyErr_Format(PyExc_TypeError, "%s must be ASCII str", what);
    return -1;
}

/* ---- output buffer ---- */

static int
put_str(Buffer *buf, PyObject *ascii)
{
    return put(buf, (const char *)PyUnicode_DATA(ascii), PyUnicode_GET_LENGTH(ascii));
}

/* Whole seconds rounded half-up; ms is never negative here. */
static int
put_seconds(Buffer *buf, int64_t ms)
{
    char digits[20];
    Py_ssize_t n = 0;
    uint64_t sec = (uint64_t)(ms + 500) / 1000;
    do {
        digits[sizeof digits - ++n] = (char)('0' + sec % 10);
        sec /= 10;
    } while (sec);
    return put(buf, digits + sizeof digits - n, n);
}

/* texts = (before AgentStatus sum, before Idle sum, before Interacting sum, after it). */
static int
put_entry(Buffer *buf, const Entry *entry)
{
    PyObject *texts = entry->texts;
    return put_str(buf, PyTuple_GET_ITEM(texts, 0)) || put_seconds(buf, entry->status_ms)
        || put_str(buf, PyTuple_GET_ITEM(texts, 1)) || put_seconds(buf, entry->status_ms - entry->busy_ms)
        || put_str(buf, PyTuple_GET_ITEM(texts, 2)) || put_seconds(buf, entry->busy_ms)
        || put_str(buf, PyTuple_GET_ITEM(texts, 3)) ? -1 : 0;
}

/* ---- inputs ---- */

/* Appends [max(ts, window_start), end) of `status` unless it is empty or the status is not reported
 * (entry_texts maps it to None). */
static int
add_segment(Segment *segs, Py_ssize_t *count, PyObject *entry_texts, int64_t window_start, int64_t ts,
            int64_t end, PyObject *status)
{
    int64_t start = ts > window_start ? ts : window_start;
    if (end <= start)
        return 0;
    PyObject *texts = PyObject_GetItem(entry_texts, status);
    if (texts == NULL)
        return -1;
    if (texts == Py_None) {
        Py_DECREF(texts);
        return 0;
    }
    if (!PyTuple_Check(texts) || PyTuple_GET_SIZE(texts) != 4) {
        Py_DECREF(texts);
        PyErr_SetString(PyExc_TypeError, "entry texts must be a 4-tuple of str or None");
        return -1;
    }
    for (Py_ssize_t i = 0; i < 4; i++) {
        if (check_ascii(PyTuple_GET_ITEM(texts, i), "entry texts") < 0) {
            Py_DECREF(texts);
            return -1;
        }
    }
    segs[(*count)++] = (Segment){start, end, texts};
    return 0;
}

/* Status segments clipped to [window_start, stop), in time order: each event lasts until the next one,
 * the last until `stop`; of events with the same ts only the last holds time. *count is kept up to date
 * on failure too, so the caller releases every segment taken. */
static int
read_segments(PyObject *events, PyObject *entry_texts, int64_t window_start, int64_t stop, Segment *segs,
              Py_ssize_t *count)
{
    PyObject *prev_status = NULL;
    int64_t prev_ts = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(events); i++) {
        PyObject *ts_obj, *status;
        int64_t ts;
        if (as_pair(PyTuple_GET_ITEM(events, i), "events", &ts_obj, &status) < 0
            || as_ms(ts_obj, "event ts", &ts) < 0)
            return -1;
        if (!PyUnicode_Check(status)) {
            PyErr_Format(PyExc_TypeError, "event status must be str, not %.100s", Py_TYPE(status)->tp_name);
            return -1;
        }
        if (prev_status != NULL) {
            if (ts < prev_ts) {
                PyErr_SetString(PyExc_ValueError, "events must be in time order");
                return -1;
            }
            if (add_segment(segs, count, entry_texts, window_start, prev_ts, ts < stop ? ts : stop,
                            prev_status) < 0)
                return -1;
        }
        prev_ts = ts;
        prev_status = status;
    }
    if (prev_status != NULL && add_segment(segs, count, entry_texts, window_start, prev_ts, stop, prev_status) < 0)
        return -1;
    return 0;
}

static int
by_start(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* Union of the interactions as sorted disjoint spans; a None end means `now`, empty ones are dropped. */
static Py_ssize_t
read_busy(PyObject *interactions, int64_t now, Span *spans)
{
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(interactions); i++) {
        PyObject *start_obj, *end_obj;
        int64_t start, end = now;
        if (as_pair(PyTuple_GET_ITEM(interactions, i), "interactions", &start_obj, &end_obj) < 0
            || as_ms(start_obj, "interaction start", &start) < 0
            || (end_obj != Py_None && as_ms(end_obj, "interaction end", &end) < 0))
            return -1;
        if (end > start)
            spans[count++] = (Span){start, end};
    }
    qsort(spans, (size_t)count, sizeof *spans, by_start);
    Py_ssize_t merged = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (merged && spans[i].start <= spans[merged - 1].end) {
            if (spans[i].end > spans[merged - 1].end)
                spans[merged - 1].end = spans[i].end;
        }
        else {
            spans[merged++] = spans[i];
        }
    }
    return merged;
}

/* ---- the sweep ---- */

/* Interacting ms within [start, end); busy spans are sorted and disjoint. */
static int64_t
busy_ms(const Span *busy, Py_ssize_t count, int64_t start, int64_t end)
{
    int64_t total = 0;
    for (Py_ssize_t k = 0; k < count && busy[k].start < end; k++) {
        if (busy[k].end > start)
            total += (busy[k].end < end ? busy[k].end : end) - (busy[k].start > start ? busy[k].start : start);
    }
    return total;
}

/* Buckets, segments and busy spans walked together once, in time order, each bucket written as soon as
 * it is complete. `entries` has room for every segment (a bucket never holds more statuses). */
static int
write_buckets(Buffer *buf, PyObject *heads, int64_t window_start, int64_t window_end, int64_t g,
              const Segment *segs, Py_ssize_t seg_count, const Span *busy, Py_ssize_t busy_count, Entry *entries)
{
    Py_ssize_t seg = 0, first_busy = 0, bucket = 0;
    if (put(buf, "[", 1) < 0)
        return -1;
    for (int64_t bucket_start = window_start, bucket_end; bucket_start < window_end;
         bucket_start = bucket_end, bucket++) {
        bucket_end = window_end - bucket_start > g ? bucket_start + g : window_end;
        while (first_busy < busy_count && busy[first_busy].end <= bucket_start)
            first_busy++;
        Py_ssize_t n = 0;
        for (; seg < seg_count && segs[seg].start < bucket_end; seg++) {
            const Segment *s = &segs[seg];
            int64_t start = s->start > bucket_start ? s->start : bucket_start;
            int64_t end = s->end < bucket_end ? s->end : bucket_end;
            int64_t busy_part = busy_ms(busy + first_busy, busy_count - first_busy, start, end);
            Py_ssize_t k = 0;
            while (k < n && entries[k].texts != s->texts)  /* a status back within the bucket */
                k++;
            if (k == n)
                entries[n++] = (Entry){s->texts, 0, 0};
            entries[k].status_ms += end - start;
            entries[k].busy_ms += busy_part;
            if (s->end > bucket_end)
                break;  /* the segment goes on in the next bucket */
        }
        if ((bucket && put(buf, ",", 1) < 0) || put_str(buf, PyTuple_GET_ITEM(heads, bucket)) < 0)
            return -1;
        for (Py_ssize_t k = 0; k < n; k++) {
            if ((k && put(buf, ",", 1) < 0) || put_entry(buf, &entries[k]) < 0)
                return -1;
        }
        if (put(buf, "]}", 2) < 0)
            return -1;
    }
    return put(buf, "]", 1);
}

PyDoc_STRVAR(render_doc,
"render(window_start, window_end, granularity_ms, now, heads, entry_texts, events, interactions, /) -> bytes\n\n"
"One agent's timeInterval JSON array ('[]' when it had no reported status time in the window).\n"
"heads: one ASCII str per bucket, written before the bucket's entries. entry_texts: a mapping from raw\n"
"status to None (not reported) or a 4-tuple of ASCII str around the AgentStatus, Idle and Interacting\n"
"sums; statuses mapped to the same tuple object are one status. events: (ts, status, ...) in time order.\n"
"interactions: (start, end or None, ...); items after the first two are ignored.");

static PyObject *
render(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_Format(PyExc_TypeError, "render() takes 8 positional arguments (%zd given)", nargs);
        return NULL;
    }
    int64_t window_start, window_end, g, now;
    if (as_ms(args[0], "window_start", &window_start) < 0 || as_ms(args[1], "window_end", &window_end) < 0
        || as_ms(args[2], "granularity_ms", &g) < 0 || as_ms(args[3], "now", &now) < 0)
        return NULL;
    if (g <= 0) {
        PyErr_SetString(PyExc_ValueError, "granularity_ms must be positive");
        return NULL;
    }
    PyObject *heads = args[4], *entry_texts = args[5];
    int64_t bucket_count = window_end > window_start ? (window_end - window_start - 1) / g + 1 : 0;
    if (!PyTuple_Check(heads) || (int64_t)PyTuple_GET_SIZE(heads) != bucket_count) {
        PyErr_Format(PyExc_ValueError, "heads must be a tuple of %lld str, one per bucket", (long long)bucket_count);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(heads); i++) {
        if (check_ascii(PyTuple_GET_ITEM(heads, i), "heads") < 0)
            return NULL;
    }

    PyObject *result = NULL, *events = NULL, *interactions = NULL;
    Segment *segs = NULL;
    Span *busy = NULL;
    Entry *entries = NULL;
    Buffer buf = {NULL, 0};
    Py_ssize_t seg_count = 0, busy_count = 0;
    int64_t stop = window_end < now ? window_end : now;

    if ((events = PySequence_Tuple(args[6])) == NULL || (interactions = PySequence_Tuple(args[7])) == NULL)
        goto done;
    segs = PyMem_New(Segment, PyTuple_GET_SIZE(events));
    busy = PyMem_New(Span, PyTuple_GET_SIZE(interactions));
    if (segs == NULL || busy == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_segments(events, entry_texts, window_start, stop, segs, &seg_count) < 0
        || (busy_count = read_busy(interactions, now, busy)) < 0)
        goto done;
    if (seg_count == 0) {
        result = PyBytes_FromStringAndSize("[]", 2);
        goto done;
    }
    entries = PyMem_New(Entry, seg_count);
    if (entries == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if ((buf.bytes = PyBytes_FromStringAndSize(NULL, 4096)) == NULL
        || write_buckets(&buf, heads, window_start, window_end, g, segs, seg_count, busy, busy_count, entries) < 0
        || _PyBytes_Resize(&buf.bytes, buf.len) < 0)
        goto done;
    result = buf.bytes;
    buf.bytes = NULL;

done:
    for (Py_ssize_t i = 0; i < seg_count; i++)
        Py_DECREF(segs[i].texts);
    Py_XDECREF(buf.bytes);
    PyMem_Free(entries);
    PyMem_Free(busy);
    PyMem_Free(segs);
    Py_XDECREF(interactions);
    Py_XDECREF(events);
    return result;
}

static PyMethodDef methods[] = {
    {"render", (PyCFunction)(void (*)(void))render, METH_FASTCALL, render_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {{0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_sweep", "UserStatus sweep and JSON writer for one agent (see buckets.py).", 0,
    methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__sweep(void)
{
    return PyModuleDef_Init(&module);
}
