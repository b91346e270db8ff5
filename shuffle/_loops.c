/* ember.shuffle._loops: the shuffle's per-record loops, in C.
 *
 * fold() and KeyTable: the by-key fold of every aggregation. scatter(): the routing of
 * records to their reduce partitions' buckets.
 *
 * The fold.
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
#include <stdint.h>
#include <string.h>

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

/* What folding one (key, value) pair did. */
enum { FOLDED = 0, FAILED = -1, HANDED_BACK = 1 };

typedef int (*fold_pair_fn)(void *into, PyObject *key, PyObject *value, PyObject *create, PyObject *merge);

/* The loop both folds share: each record unpacked and folded by fold_pair, a record that is
 * not a pair (or that fold_pair does not take) handed back, signals checked now and then. */
static inline PyObject *
fold_records(void *into, fold_pair_fn fold_pair, PyObject *records, PyObject *create, PyObject *merge)
{
    PyObject *iterator = PyObject_GetIter(records);
    if (iterator == NULL) {
        return NULL;
    }
    Py_ssize_t count = 0;
    PyObject *record;
    while ((record = PyIter_Next(iterator)) != NULL) {
        PyObject *key, *value;
        int outcome = HANDED_BACK;
        if (unpack_pair(record, &key, &value)) {
            outcome = fold_pair(into, key, value, create, merge);
            Py_DECREF(key);
            Py_DECREF(value);
        }
        if (outcome == HANDED_BACK) {
            Py_DECREF(iterator);
            PyObject *odd = PyTuple_Pack(1, record);
            Py_DECREF(record);
            return odd;
        }
        Py_DECREF(record);
        if (outcome == FAILED || ((++count & SIGNAL_CHECK_MASK) == 0 && PyErr_CheckSignals() < 0)) {
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

static int
fold_into_dict(void *into, PyObject *key, PyObject *value, PyObject *create, PyObject *merge)
{
    PyObject *current = PyDict_GetItemWithError((PyObject *)into, key);
    if (current == NULL && PyErr_Occurred()) {
        return FAILED;
    }
    PyObject *result = combine(current, value, create, merge);
    if (result == NULL) {
        return FAILED;
    }
    int stored = PyDict_SetItem((PyObject *)into, key, result);
    Py_DECREF(result);
    return stored < 0 ? FAILED : FOLDED;
}

static PyObject *
fold(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "fold() takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    if (!PyDict_CheckExact(args[0])) {
        PyErr_Format(PyExc_TypeError, "fold() needs a dict to fold into, not %.100s",
                     Py_TYPE(args[0])->tp_name);
        return NULL;
    }
    return fold_records(args[0], fold_into_dict, args[1], args[2], args[3]);
}

/* ---------------------------------------------------------------------------------------
 * KeyTable: key -> combiner for one aggregation in progress, for str keys.
 *
 * The same fold as above, into a hash table of our own instead of a dict, for the keys
 * most aggregations of text have: exact str. It saves what a dict cannot: Python's siphash
 * of each new string (a multiply-xorshift hash over the string's bytes instead, seeded per
 * table), the boxing of every running sum (a reduceByKey(add) keeps a sum of ints as a C
 * int64 until it overflows, and a sum of floats as a C double, whose + is Python's float +,
 * until a value of another type arrives; then Python's own + carries on from the boxed
 * sum), and a second probe to store it. Int keys are left to the dict, which hashes them
 * as cheaply as we could and keeps them in less memory.
 * The layout is the dict's: entries in insertion order, and an open-addressing index
 * over them, so to_dict() returns exactly the dict the Python fold would have built. A
 * lookup of a key not in cache costs a miss on the index and one on the entry; keys of up
 * to 16 bytes are compared with a copy kept in the entry, so the key object is not a third.
 *
 * The hash is not a keyed PRF as siphash is: keys crafted to collide under it (the seed is
 * random per table, so this would take effort) make a task slow, never wrong, since keys
 * are always compared by their bytes.
 *
 * A record whose key is of any other type is handed back like a record that is not a pair:
 * the caller then moves to a dict, because a user's object (a str subclass, say) may equal
 * one of our keys and must land on the same combiner.
 */

#define INLINE_BYTES 16

/* A str as the table compares it: by kind and bytes, the bytes of short ones copied into
 * the entry so that a lookup need not reach the stored key object. */
typedef struct {
    uint64_t hash;
    PyObject *object;
    const unsigned char *bytes;
    Py_ssize_t nbytes;
    unsigned char kind;     /* PyUnicode_KIND: 1, 2 or 4 */
} Key;

enum { BOXED, INT_SUM, FLOAT_SUM };

typedef struct {
    uint64_t hash;
    PyObject *key;          /* an exact str */
    PyObject *value;        /* the combiner when BOXED, else NULL */
    union {
        int64_t count;      /* INT_SUM */
        double total;       /* FLOAT_SUM */
    } sum;
    unsigned char bytes[INLINE_BYTES];
    uint32_t nbytes;        /* the key's byte length, UINT32_MAX when longer than INLINE_BYTES */
    unsigned char kind;
    unsigned char unboxed;  /* BOXED, INT_SUM or FLOAT_SUM */
} Entry;

typedef struct {
    PyObject_HEAD
    uint64_t seed;
    Py_ssize_t size;        /* entries in use */
    Py_ssize_t allocated;   /* entries allocated */
    size_t mask;            /* index slots - 1 (a power of two minus one) */
    int32_t *index;         /* entry number per slot, -1 when empty: half a dict's index */
    Entry *entries;
} KeyTable;

#define MIN_SLOTS 64
#define MAX_ENTRIES INT32_MAX
#define MULTIPLIER 0x9E3779B97F4A7C15ULL

static inline uint64_t
finish_hash(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static uint64_t
hash_bytes(const unsigned char *data, Py_ssize_t n, uint64_t seed)
{
    uint64_t h = seed ^ ((uint64_t)n * MULTIPLIER);
    uint64_t word;
    for (; n >= 8; n -= 8, data += 8) {
        memcpy(&word, data, 8);
        h = (h ^ word) * MULTIPLIER;
        h ^= h >> 29;
    }
    word = 0;
    memcpy(&word, data, (size_t)n);
    return finish_hash((h ^ word) * MULTIPLIER);
}

/* Fill *key for an exact str; 0 if the table does not take the object. */
static int
describe_key(KeyTable *table, PyObject *object, Key *key)
{
    if (!PyUnicode_CheckExact(object)) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(object) < 0) {
        PyErr_Clear();
        return 0;
    }
#endif
    key->object = object;
    key->kind = (unsigned char)PyUnicode_KIND(object);
    key->bytes = PyUnicode_DATA(object);
    key->nbytes = PyUnicode_GET_LENGTH(object) * key->kind;
    key->hash = hash_bytes(key->bytes, key->nbytes, table->seed) ^ key->kind;
    return 1;
}

static inline int
matches(const Entry *entry, const Key *key)
{
    if (entry->hash != key->hash || entry->kind != key->kind) {
        return 0;
    }
    if (key->nbytes <= INLINE_BYTES) {
        return entry->nbytes == key->nbytes && memcmp(entry->bytes, key->bytes, (size_t)key->nbytes) == 0;
    }
    return entry->key == key->object
           || (PyUnicode_GET_LENGTH(entry->key) * key->kind == key->nbytes
               && memcmp(PyUnicode_DATA(entry->key), key->bytes, (size_t)key->nbytes) == 0);
}

/* The entry number of the key, or -1 with *slot set to the empty slot where it would go. */
static Py_ssize_t
find(KeyTable *table, const Key *key, size_t *slot)
{
    size_t mask = table->mask, i = (size_t)key->hash & mask, perturb = (size_t)key->hash;
    for (;;) {
        int32_t number = table->index[i];
        if (number < 0) {
            *slot = i;
            return -1;
        }
        if (matches(&table->entries[number], key)) {
            return number;
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

static int
resize_index(KeyTable *table, size_t slots)
{
    int32_t *index = PyMem_Malloc(slots * sizeof(int32_t));
    if (index == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(index, 0xff, slots * sizeof(int32_t));
    size_t mask = slots - 1;
    for (Py_ssize_t number = 0; number < table->size; number++) {
        size_t hash = (size_t)table->entries[number].hash, i = hash & mask, perturb = hash;
        while (index[i] >= 0) {
            perturb >>= 5;
            i = (i * 5 + perturb + 1) & mask;
        }
        index[i] = (int32_t)number;
    }
    PyMem_Free(table->index);
    table->index = index;
    table->mask = mask;
    return 0;
}

/* Room for one more entry; the slot is found again if the index had to grow. */
static int
make_room(KeyTable *table, const Key *key, size_t *slot)
{
    if (table->size == table->allocated) {
        if (table->allocated >= MAX_ENTRIES / 2) {
            PyErr_SetString(PyExc_MemoryError, "KeyTable cannot hold more than 2**31 - 1 keys");
            return -1;
        }
        Py_ssize_t allocated = table->allocated ? table->allocated * 2 : MIN_SLOTS;
        Entry *entries = PyMem_Realloc(table->entries, (size_t)allocated * sizeof(Entry));
        if (entries == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        table->entries = entries;
        table->allocated = allocated;
    }
    if ((size_t)(table->size + 1) * 3 > (table->mask + 1) * 2) {
        if (resize_index(table, (table->mask + 1) * 2) < 0) {
            return -1;
        }
        find(table, key, slot);
    }
    return 0;
}

static void
clear_entries(KeyTable *table)
{
    Py_ssize_t size = table->size;
    Entry *entries = table->entries;
    table->size = 0;
    if (table->index != NULL) {
        memset(table->index, 0xff, (table->mask + 1) * sizeof(int32_t));
    }
    for (Py_ssize_t number = 0; number < size; number++) {
        Py_DECREF(entries[number].key);
        Py_XDECREF(entries[number].value);
    }
}

static PyObject *
combiner_of(Entry *entry)
{
    switch (entry->unboxed) {
    case INT_SUM:
        return PyLong_FromLongLong(entry->sum.count);
    case FLOAT_SUM:
        return PyFloat_FromDouble(entry->sum.total);
    default:
        return Py_NewRef(entry->value);
    }
}

/* Add value to an unboxed sum if it is of the sum's own type (and an int sum does not
 * overflow): 1 if it was added, 0 if the sum must be boxed and added by Python's +. */
static int
add_unboxed(Entry *entry, PyObject *value)
{
    if (entry->unboxed == FLOAT_SUM) {
        if (!PyFloat_CheckExact(value)) {
            return 0;
        }
        entry->sum.total += PyFloat_AS_DOUBLE(value);
        return 1;
    }
    if (!PyLong_CheckExact(value)) {
        return 0;
    }
    int overflow = 0;
    long long addend = PyLong_AsLongLongAndOverflow(value, &overflow);
    int64_t sum;
    if (overflow || __builtin_add_overflow(entry->sum.count, (int64_t)addend, &sum)) {
        return 0;
    }
    entry->sum.count = sum;
    return 1;
}

/* Fold one record into its key's entry; 0 on success, -1 on error. */
static int
fold_entry(KeyTable *table, Py_ssize_t number, PyObject *value, PyObject *merge)
{
    Entry *entry = &table->entries[number];
    if (entry->unboxed != BOXED) {
        if (merge == Py_None && add_unboxed(entry, value)) {
            return 0;
        }
        entry->value = combiner_of(entry); /* from here on, Python's + or the merge function */
        if (entry->value == NULL) {
            return -1;
        }
        entry->unboxed = BOXED;
    }
    PyObject *current = Py_NewRef(entry->value);
    PyObject *result = combine(current, value, Py_None, merge);
    Py_DECREF(current);
    if (result == NULL) {
        return -1;
    }
    Py_SETREF(table->entries[number].value, result); /* entries may have moved meanwhile */
    return 0;
}

/* A new entry for key; 0 on success, -1 on error. */
static int
add_entry(KeyTable *table, const Key *key, size_t slot, PyObject *value, PyObject *create, PyObject *merge)
{
    Entry entry = {.hash = key->hash, .kind = key->kind, .unboxed = BOXED};
    if (create != Py_None) {
        entry.value = PyObject_CallOneArg(create, value);
        if (entry.value == NULL) {
            return -1;
        }
    }
    else if (merge == Py_None && PyFloat_CheckExact(value)) {
        entry.unboxed = FLOAT_SUM;
        entry.sum.total = PyFloat_AS_DOUBLE(value);
    }
    else {
        int overflow = 1;
        if (merge == Py_None && PyLong_CheckExact(value)) {
            entry.sum.count = (int64_t)PyLong_AsLongLongAndOverflow(value, &overflow);
        }
        if (overflow) {
            entry.value = Py_NewRef(value);
        }
        else {
            entry.unboxed = INT_SUM;
        }
    }
    if (make_room(table, key, &slot) < 0) {
        Py_XDECREF(entry.value);
        return -1;
    }
    entry.key = Py_NewRef(key->object);
    entry.nbytes = key->nbytes <= INLINE_BYTES ? (uint32_t)key->nbytes : UINT32_MAX;
    if (key->nbytes <= INLINE_BYTES) {
        memcpy(entry.bytes, key->bytes, (size_t)key->nbytes);
    }
    table->entries[table->size] = entry;
    table->index[slot] = (int32_t)table->size++;
    return 0;
}

static int
fold_into_table(void *into, PyObject *key, PyObject *value, PyObject *create, PyObject *merge)
{
    KeyTable *table = into;
    Key described;
    if (!describe_key(table, key, &described)) {
        return HANDED_BACK;
    }
    size_t slot;
    Py_ssize_t number = find(table, &described, &slot);
    int failed = number >= 0 ? fold_entry(table, number, value, merge)
                             : add_entry(table, &described, slot, value, create, merge);
    return failed ? FAILED : FOLDED;
}

static PyObject *
KeyTable_fold(KeyTable *table, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "fold() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    return fold_records(table, fold_into_table, args[0], args[1], args[2]);
}

static PyObject *
KeyTable_to_dict(KeyTable *table, PyObject *Py_UNUSED(ignored))
{
    PyObject *dict = PyDict_New();
    if (dict == NULL) {
        return NULL;
    }
    for (Py_ssize_t number = 0; number < table->size; number++) {
        Entry *entry = &table->entries[number];
        PyObject *combiner = combiner_of(entry);
        if (combiner == NULL || PyDict_SetItem(dict, entry->key, combiner) < 0) {
            Py_XDECREF(combiner);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(combiner);
    }
    return dict;
}

static PyObject *
KeyTable_get(KeyTable *table, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_Format(PyExc_TypeError, "get() takes 1 or 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *missing = nargs == 2 ? args[1] : Py_None;
    Key key;
    size_t slot;
    Py_ssize_t number = describe_key(table, args[0], &key) ? find(table, &key, &slot) : -1;
    return number < 0 ? Py_NewRef(missing) : combiner_of(&table->entries[number]);
}

static PyObject *
KeyTable_clear(KeyTable *table, PyObject *Py_UNUSED(ignored))
{
    clear_entries(table);
    Py_RETURN_NONE;
}

static PyObject *
KeyTable_nbytes(KeyTable *table, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(sizeof(KeyTable) + (table->mask + 1) * sizeof(int32_t)
                             + (size_t)table->allocated * sizeof(Entry));
}

static Py_ssize_t
KeyTable_len(KeyTable *table)
{
    return table->size;
}

static PyObject *
KeyTable_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"seed", NULL};
    unsigned long long seed = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|K:KeyTable", names, &seed)) {
        return NULL;
    }
    KeyTable *table = (KeyTable *)type->tp_alloc(type, 0);
    if (table == NULL) {
        return NULL;
    }
    table->seed = finish_hash((uint64_t)seed + MULTIPLIER);
    table->mask = MIN_SLOTS - 1;
    table->index = PyMem_Malloc(MIN_SLOTS * sizeof(int32_t));
    if (table->index == NULL) {
        Py_DECREF(table);
        return PyErr_NoMemory();
    }
    memset(table->index, 0xff, MIN_SLOTS * sizeof(int32_t));
    return (PyObject *)table;
}

static int
KeyTable_traverse(KeyTable *table, visitproc visit, void *arg)
{
    for (Py_ssize_t number = 0; number < table->size; number++) {
        Py_VISIT(table->entries[number].value);
    }
    return 0;
}

static int
KeyTable_tp_clear(KeyTable *table)
{
    clear_entries(table);
    return 0;
}

static void
KeyTable_dealloc(KeyTable *table)
{
    PyObject_GC_UnTrack(table);
    clear_entries(table);
    PyMem_Free(table->index);
    PyMem_Free(table->entries);
    Py_TYPE(table)->tp_free((PyObject *)table);
}

static PyMethodDef KeyTable_methods[] = {
    {"fold", (PyCFunction)(void (*)(void))KeyTable_fold, METH_FASTCALL,
     "fold(records, create, merge) -> None, or (record,) for a record this table does not take\n\n"
     "Fold (key, value) records in, as the module's fold() does into a dict. A record that is not "
     "a pair, or whose key is not an exact str or an exact int of 64 bits, is handed back and the "
     "records after it are left in the iterator."},
    {"to_dict", (PyCFunction)KeyTable_to_dict, METH_NOARGS,
     "A dict of key -> combiner, in the order the keys arrived."},
    {"get", (PyCFunction)(void (*)(void))KeyTable_get, METH_FASTCALL,
     "get(key, default=None): the key's combiner, or default."},
    {"clear", (PyCFunction)KeyTable_clear, METH_NOARGS, "Forget every key."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef KeyTable_getset[] = {
    {"nbytes", (getter)KeyTable_nbytes, NULL, "Bytes held by the table itself (not its keys and values).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods KeyTable_as_sequence = {
    .sq_length = (lenfunc)KeyTable_len,
};

static PyTypeObject KeyTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ember.shuffle._loops.KeyTable",
    .tp_doc = "KeyTable(seed=0): key -> combiner for str and int keys (see fold()).",
    .tp_basicsize = sizeof(KeyTable),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = KeyTable_new,
    .tp_dealloc = (destructor)KeyTable_dealloc,
    .tp_traverse = (traverseproc)KeyTable_traverse,
    .tp_clear = (inquiry)KeyTable_tp_clear,
    .tp_methods = KeyTable_methods,
    .tp_getset = KeyTable_getset,
    .tp_as_sequence = &KeyTable_as_sequence,
};

static int
loops_exec(PyObject *module)
{
    if (PyType_Ready(&KeyTableType) < 0) {
        return -1;
    }
    return PyModule_AddObjectRef(module, "KeyTable", (PyObject *)&KeyTableType);
}

static PyModuleDef_Slot loops_slots[] = {
    {Py_mod_exec, loops_exec},
    {0, NULL},
};

/* ---------------------------------------------------------------------------------------
 * scatter(records, ids, buckets): buckets[ids[i]].append(records[i]) for every i.
 *
 * The map side's routing: after the partitioner has given each record of a batch its
 * reduce partition, each record goes to that partition's bucket. As a Python loop it was
 * a tenth of a shuffle-heavy map task.
 */
static PyObject *
scatter(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "scatter() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *records = args[0], *ids = args[1], *buckets = args[2];
    if (!PyList_CheckExact(records) || !PyList_CheckExact(ids) || !PyList_CheckExact(buckets)) {
        PyErr_SetString(PyExc_TypeError, "scatter() needs three lists");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(records), partitions = PyList_GET_SIZE(buckets);
    if (PyList_GET_SIZE(ids) != count) {
        PyErr_Format(PyExc_ValueError, "scatter() got %zd records but %zd partition ids",
                     count, PyList_GET_SIZE(ids));
        return NULL;
    }
    for (Py_ssize_t i = 0; i < partitions; i++) {
        if (!PyList_Check(PyList_GET_ITEM(buckets, i))) {
            PyErr_SetString(PyExc_TypeError, "scatter() needs a list of lists as buckets");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t id = PyLong_AsSsize_t(PyList_GET_ITEM(ids, i));
        if (id == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (id < 0 || id >= partitions) {
            PyErr_Format(PyExc_IndexError, "partition id %zd of record %zd is not in [0, %zd)", id, i, partitions);
            return NULL;
        }
        if (PyList_Append(PyList_GET_ITEM(buckets, id), PyList_GET_ITEM(records, i)) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyMethodDef loops_methods[] = {
    {"fold", (PyCFunction)(void (*)(void))fold, METH_FASTCALL,
     "fold(combined, records, create, merge) -> None, or (record,) for a record that is not "
     "a pair\n\nFold (key, value) records into the dict combined: create(value) (the value "
     "itself if create is None) for a new key, merge(current, value) (current + value if merge "
     "is None) for a known one."},
    {"scatter", (PyCFunction)(void (*)(void))scatter, METH_FASTCALL,
     "scatter(records, ids, buckets) -> None\n\nAppend each record to buckets[its id]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef loops_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ember.shuffle._loops",
    .m_doc = "The shuffle's per-record loops in C (see ember.shuffle.aggregator and ember.shuffle.writer).",
    .m_size = 0,
    .m_methods = loops_methods,
    .m_slots = loops_slots,
};

PyMODINIT_FUNC
PyInit__loops(void)
{
    return PyModuleDef_Init(&loops_module);
}
