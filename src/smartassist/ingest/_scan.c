/* Ingest: three questions about a batch's raw JSON body, each answered in one pass over its bytes, before it is
 * parsed. The Python they stand in for is the reference (ingest/conversations.py _plain_numbers and
 * _PLAIN_STRING_MARKERS, ingest/parsing.py count_array_records); tests/ingest/test_scan.py compares them under
 * hypothesis.
 *
 * Why C: py-spy on the server during bench_simulate_http (30 days x 200 agents) had 10 % of its CPU in
 * _plain_numbers' regex search and 4.5 % in count_array_records' (each ~11 ns a byte: Python's re tries a
 * match at every `,` `:` `[` and space of a 6 MB body); this scan takes ~1 ns a byte. plain_strings does in one
 * pass what five substring searches did (3.6 % of the server's CPU after that).
 *
 * Strings are lexed as the JSON_STRING pattern of ingest/parsing.py lexes them: from a quote to the next
 * unescaped quote, a backslash escaping any one byte but a newline. A string that does not end so (or a raw
 * newline in one) stops the scan: plain_numbers answers False (the exact checks decide then) and
 * count_array_records None (Python counts then), so what the regexes do with such text never matters here.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define LONG_DIGITS 19 /* conversations._LONG_DIGITS: 19 digits may not fit orjson's 64 bits */
#define RECORD_DEPTH 2 /* parsing._RECORD_DEPTH */

/* The bytes of `arg`, a body: 0, or -1 with a TypeError. */
static int
body_of(PyObject *arg, const char **start, const char **end)
{
    if (!PyBytes_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "body must be bytes, not %.100s", Py_TYPE(arg)->tp_name);
        return -1;
    }
    *start = PyBytes_AS_STRING(arg);
    *end = *start + PyBytes_GET_SIZE(arg);
    return 0;
}

/* The end of the string whose opening quote is at p (the byte after its closing quote), or NULL when it does
 * not end (or holds a raw newline). */
static const char *
string_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        char c = *p;
        if (c == '"')
            return p + 1;
        if (c == '\n')
            return NULL;
        if (c == '\\') {
            if (p + 1 >= end || p[1] == '\n')
                return NULL;
            p++;
        }
    }
    return NULL;
}

PyDoc_STRVAR(plain_numbers_doc,
"plain_numbers(body, /)\n--\n\n"
"True when no number of the JSON text is a float (a fraction or an exponent) or an integer of 19 digits or\n"
"more; False otherwise, and for a text whose strings do not all end (or hold a raw newline) or that holds a\n"
"NUL byte (UTF-16 or UTF-32).");

static PyObject *
plain_numbers(PyObject *module, PyObject *arg)
{
    (void)module;
    const char *p, *end;
    if (body_of(arg, &p, &end) < 0)
        return NULL;
    if (memchr(p, '\0', (size_t)(end - p)) != NULL)
        Py_RETURN_FALSE;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            p = string_end(p, end);
            if (p == NULL)
                Py_RETURN_FALSE;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            /* a number token (outside strings, a digit or a minus starts one; true/false/null hold none) */
            if (c == '-')
                p++;
            const char *digits = p;
            while (p < end && *p >= '0' && *p <= '9')
                p++;
            if (p - digits >= LONG_DIGITS)
                Py_RETURN_FALSE;
            if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
                Py_RETURN_FALSE;
        } else {
            p++;
        }
    }
    Py_RETURN_TRUE;
}

PyDoc_STRVAR(plain_strings_doc,
"plain_strings(body, /)\n--\n\n"
"What conversations._PLAIN_STRING_MARKERS tells: True when none of its byte strings occurs in the body.");

static PyObject *
plain_strings(PyObject *module, PyObject *arg)
{
    (void)module;
    const char *start, *end;
    if (body_of(arg, &start, &end) < 0)
        return NULL;
    const unsigned char *p = (const unsigned char *)start;
    Py_ssize_t n = end - start;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0x00 || c == 0xED)
            Py_RETURN_FALSE;
        /* every backslash looked at, escaped or not: the same occurrences as a substring search */
        if (c == '\\' && i + 2 < n && p[i + 1] == 'u') {
            unsigned char d = p[i + 2];
            if (d == 'd' || d == 'D')
                Py_RETURN_FALSE;
            if (d == '0' && i + 5 < n && p[i + 3] == '0' && p[i + 4] == '0' && p[i + 5] == '0')
                Py_RETURN_FALSE;
        }
    }
    Py_RETURN_TRUE;
}

/* One round of parsing.count_array_records: `_INNERMOST_GROUP.sub(b"", s[1:-1])` wrapped in brackets, in place
 * (the structure holds only []{}, so the pattern's [^\[\]{}]* is a run of commas). Returns the new length. */
static Py_ssize_t
strip_innermost(char *s, Py_ssize_t n)
{
    Py_ssize_t i = n > 0 ? 1 : 0, stop = n > 1 ? n - 1 : i, out = 1;
    while (i < stop) {
        char c = s[i];
        if (c == '[' || c == '{') {
            Py_ssize_t j = i + 1;
            while (j < stop && s[j] == ',')
                j++;
            if (j < stop && (s[j] == ']' || s[j] == '}')) {
                i = j + 1; /* a group without brackets inside: removed */
                continue;
            }
        }
        s[out++] = c;
        i++;
    }
    s[0] = '[';
    s[out++] = ']';
    return out;
}

PyDoc_STRVAR(count_array_records_doc,
"count_array_records(body, /)\n--\n\n"
"What parsing.count_array_records(body) returns, or None when a string of the body does not end (or holds a\n"
"raw newline).");

static PyObject *
count_array_records(PyObject *module, PyObject *arg)
{
    (void)module;
    const char *p, *end;
    if (body_of(arg, &p, &end) < 0)
        return NULL;
    /* the structure: the bytes []{}, outside strings; 2 more for the brackets a round may add */
    char *s = PyMem_Malloc((size_t)(end - p) + 2);
    if (s == NULL)
        return PyErr_NoMemory();
    Py_ssize_t n = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            p = string_end(p, end);
            if (p == NULL) {
                PyMem_Free(s);
                Py_RETURN_NONE;
            }
            continue;
        }
        if (c == '[' || c == ']' || c == '{' || c == '}' || c == ',')
            s[n++] = c;
        p++;
    }
    for (int round = 0; round < RECORD_DEPTH; round++)
        n = strip_innermost(s, n);
    Py_ssize_t commas = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        commas += s[i] == ',';
    PyMem_Free(s);
    return PyLong_FromSsize_t(commas + 1);
}

static PyMethodDef methods[] = {
    {"plain_numbers", plain_numbers, METH_O, plain_numbers_doc},
    {"count_array_records", count_array_records, METH_O, count_array_records_doc},
    {"plain_strings", plain_strings, METH_O, plain_strings_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {{0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "Ingest: one pass over a batch's raw JSON body (see ingest/_scan.c).", 0,
    methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    return PyModuleDef_Init(&module);
}
