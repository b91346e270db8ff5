/* ember.shuffle._combine: the by-key fold of the shuffle's aggregations, in C.
 *
 * Every reduceByKey, aggregateByKey, combineByKey and groupByKey folds each (key, value)
 * record into a dict of key -> combiner, once on the map side and once more on the reduce
 * side. In Python that loop costs ~150 ns a record on top of the dict's own work, which
 * makes it the largest single cost of a WordCount; here it costs only the dict's work and
 * the calls of the user's functions.
 *
 * fold(combined, records, create, merge) does exactly what this Python loop does
 * (ember/shuffle/aggregator.py keeps it as the fallback and the reference):
 *
 *     for key, value in records:
 *         current = combined.get(key, MISSING)
 *         combined[key] = create(value) if current is MISSING else merge(current, value)
 *
 * where create None means the value itself and merge None means `current + value`.
 * Records that are tuples or lists of two (or subclasses iterating as such) are unpacked
 * here; any other record is handed back as a 1-tuple, with the iterator left just after
 * it, so the caller folds it in Python and gets Python's own unpacking and its errors.
 * Returns None once the records are exhausted. Signals are checked every 4096 records,
 * so a cancelled task stops even while the records come from a C iterator.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define SIGNAL_CHECK_MASK 4095

/* The record's key and value as new references, or 0 if it is not a plain pair. */
static int
unpack_pair(PyObject *record, PyObject **key, PyObject **value)
{
    PyTypeObject *type = Py_TYPE(record);
    if (PyTuple_Check(record) && (type == &PyTuple_Type || type->tp_iter == PyTuple_Type.tp_iter)) {
        if (PyTuple_GET_SIZE(record) != 2) {
            return 0;
        }
        *key = Py_NewRef(PyTuple_GET_ITEM(record, 0));
        *value = Py_NewRef(PyTuple_GET_ITEM(record, 1));
        return 1;
    }
    if (PyList_Check(record) && (type == &PyList_Type || type->tp_iter == PyList_Type.tp_iter)) {
        if (PyList_GET_SIZE(record) != 2) {
            return 0;
        }
        *key = Py_NewRef(PyList_GET_ITEM(record, 0));
        *value = Py_NewRef(PyList_GET_ITEM(record, 1));
        return 1;
    }
    return 0;
}

/* The new combiner for key given its current one (borrowed, may be NULL), or NULL on error. */
static PyObject *
combine(PyObject *current, PyObject *value, PyObject *create, PyObject *merge)
{
    if (current == NULL) {
        return create == Py_None ? Py_NewRef(value) : PyObject_CallOneArg(create, value);
    }
    Py_INCREF(current); /* the user's function may run code that changes the dict */
    PyObject *result;
    if (merge == Py_None) {
        result = PyNumber_Add(current, value);
    }
    else {
        PyObject *args[2] = {current, value};
        result = PyObject_Vectorcall(merge, args, 2, NULL);
    }
    Py_DECREF(current);
    return result;
}

static PyObject *
fold(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "fold() takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *combined = args[0], *create = args[2], *merge = args[3];
    if (!PyDict_CheckExact(combined)) {
        PyErr_Format(PyExc_TypeError, "fold() needs a dict to fold into, not %.100s",
                     Py_TYPE(combined)->tp_name);
        return NULL;
    }
    PyObject *iterator = PyObject_GetIter(args[1]);
    if (iterator == NULL) {
        return NULL;
    }
    Py_ssize_t count = 0;
    PyObject *record;
    while ((record = PyIter_Next(iterator)) != NULL) {
        PyObject *key, *value;
        if (!unpack_pair(record, &key, &value)) {
            Py_DECREF(iterator);
            PyObject *odd = PyTuple_Pack(1, record);
            Py_DECREF(record);
            return odd;
        }
        Py_DECREF(record);
        PyObject *current = PyDict_GetItemWithError(combined, key);
        PyObject *result = NULL;
        if (current != NULL || !PyErr_Occurred()) {
            result = combine(current, value, create, merge);
        }
        int failed = result == NULL || PyDict_SetItem(combined, key, result) < 0;
        Py_XDECREF(result);
        Py_DECREF(key);
        Py_DECREF(value);
        if (failed || ((++count & SIGNAL_CHECK_MASK) == 0 && PyErr_CheckSignals() < 0)) {
            Py_DECREF(iterator);
            return NULL;
        }
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef combine_methods[] = {
    {"fold", (PyCFunction)(void (*)(void))fold, METH_FASTCALL,
     "fold(combined, records, create, merge) -> None, or (record,) for a record that is not "
     "a pair\n\nFold (key, value) records into the dict combined: create(value) (the value "
     "itself if create is None) for a new key, merge(current, value) (current + value if merge "
     "is None) for a known one."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef combine_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ember.shuffle._combine",
    .m_doc = "The shuffle's by-key fold in C (see ember.shuffle.aggregator).",
    .m_size = 0,
    .m_methods = combine_methods,
};

PyMODINIT_FUNC
PyInit__combine(void)
{
    return PyModuleDef_Init(&combine_module);
}
