/* Ingest: row_bounds._within in C, the walk over a parsed row that tells whether every bound of
 * ingest/row_bounds.py holds (the bounds are passed in from there, their one home). row_bounds._within is the
 * reference; tests/ingest/test_row_bounds_walk.py compares the two under hypothesis.
 *
 * Why C: the walk was 7 % of the server's CPU in bench_simulate_http (30 days x 200 agents, py-spy on both
 * workers), a Python step per value of every row.
 *
 * Values parsed from JSON are exactly str, dict (str keys), list or a scalar; anything else (a subclass, a key
 * that is not a str) answers None, and Python walks the row.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    int plain;
    Py_ssize_t max_depth, max_keys, max_key_chars, max_string_chars, max_array_items;
} Bounds;

#define UNKNOWN (-1)

/* row_bounds._valid_text: no NUL, and no surrogate code point (which UTF-8 cannot encode). */
static int
valid_text(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND)
        return memchr(data, 0, (size_t)n) == NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
    }
    return 1;
}

static int
text_within(PyObject *text, Py_ssize_t max_chars, const Bounds *b)
{
    return PyUnicode_GET_LENGTH(text) <= max_chars && (b->plain || valid_text(text));
}

/* 1 within the bounds, 0 not, UNKNOWN for a value not as JSON parses. */
static int
within(PyObject *value, Py_ssize_t depth, const Bounds *b)
{
    if (depth > b->max_depth)
        return 0;
    if (PyUnicode_CheckExact(value))
        return text_within(value, b->max_string_chars, b);
    if (PyDict_CheckExact(value)) {
        Py_ssize_t n = PyDict_GET_SIZE(value);
        if (n > b->max_keys || (n > 0 && depth == b->max_depth))
            return 0;
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (PyDict_Next(value, &pos, &key, &item)) {
            if (!PyUnicode_CheckExact(key))
                return UNKNOWN;
            if (!text_within(key, b->max_key_chars, b))
                return 0;
            if (PyUnicode_CheckExact(item)) {
                if (!text_within(item, b->max_string_chars, b))
                    return 0;
            } else if (PyDict_CheckExact(item) || PyList_CheckExact(item)) {
                int ok = within(item, depth + 1, b);
                if (ok != 1)
                    return ok;
            } else if (PyDict_Check(item) || PyList_Check(item) || PyUnicode_Check(item)) {
                return UNKNOWN;
            }
        }
        return 1;
    }
    if (PyList_CheckExact(value)) {
        Py_ssize_t n = PyList_GET_SIZE(value);
        if (n > b->max_array_items || (n > 0 && depth == b->max_depth))
            return 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
            int ok = within(PyList_GET_ITEM(value, i), depth + 1, b);
            if (ok != 1)
                return ok;
        }
        return 1;
    }
    if (PyDict_Check(value) || PyList_Check(value) || PyUnicode_Check(value))
        return UNKNOWN;
    return 1;
}

PyDoc_STRVAR(within_doc,
"within(value, depth, plain, max_depth, max_keys, max_key_chars, max_string_chars, max_array_items, /)\n--\n\n"
"What row_bounds._within(value, depth, plain) returns under these bounds, or None for a value that holds\n"
"something JSON does not parse to (a subclass of str, dict or list, a key that is not a str).");

static PyObject *
within_py(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 8) {
        PyErr_Format(PyExc_TypeError, "within() takes 8 arguments (%zd given)", nargs);
        return NULL;
    }
    Bounds b;
    Py_ssize_t depth = PyLong_AsSsize_t(args[1]);
    if (depth == -1 && PyErr_Occurred())
        return NULL;
    b.plain = PyObject_IsTrue(args[2]);
    if (b.plain < 0)
        return NULL;
    Py_ssize_t *limits[] = {&b.max_depth, &b.max_keys, &b.max_key_chars, &b.max_string_chars, &b.max_array_items};
    for (int i = 0; i < 5; i++) {
        *limits[i] = PyLong_AsSsize_t(args[3 + i]);
        if (*limits[i] == -1 && PyErr_Occurred())
            return NULL;
    }
    int ok = within(args[0], depth, &b);
    if (ok == UNKNOWN)
        Py_RETURN_NONE;
    return PyBool_FromLong(ok);
}

static PyMethodDef methods[] = {
    {"within", (PyCFunction)(void (*)(void))within_py, METH_FASTCALL, within_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot slots[] = {{0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_values", "Ingest: the bounds walk over a parsed row (see ingest/_values.c).", 0,
    methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__values(void)
{
    return PyModuleDef_Init(&module);
}
