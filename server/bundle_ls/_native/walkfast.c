/*
 * bundle_ls._walkfast: the per-item work of the module-schema analysis, in C.
 *
 * Every config object of a Config Directory goes through two walks of its located tree:
 * its plain value (what the schema validates, with the keys repeated in one mapping), and
 * the walk that follows its module schema's plan to collect key definitions, references
 * and file paths; a CSV row is first made into that tree. In Python those steps and the
 * objects they make were over a third of a cold check. The functions here do the same,
 * step for step, as `module_schemas.analysis._ItemValue` and `_walk` and
 * `csv_doc.row_to_node`, which stay the reference and the fallback
 * (tests/parser/test_native_walk.py holds them equal on drawn items and rows).
 *
 * Facts (KeyDef, Reference, FileRef) and the Compact JSON of a keyed object are made here
 * without running Python code per object: their classes are plain slotted dataclasses
 * whose __init__ only stores its arguments, so a new object is allocated and its slots
 * filled (as _yamlfast does for Node). `setup` checks that layout once and refuses (the
 * Python path then runs) when it does not hold.
 *
 * Anything met that the Python path would handle differently (a node of another type, a
 * value the encoder does not know, a tree nested deeper than MAX_C_DEPTH) raises Fallback;
 * the caller then runs the Python path, which decides.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <string.h>

#define MAX_C_DEPTH 2000 /* beyond this, the Python path decides (and its recursion limit) */

/* ---- slotted classes filled directly ---- */

#define MAX_FIELDS 8

typedef struct {
    PyTypeObject *type;
    int n;
    Py_ssize_t offset[MAX_FIELDS];
} layout_t;

/* The slot offsets of `names` in `type`; 0 when it is not a plain slotted class. */
static int layout_of(PyObject *type, const char *const *names, int n, layout_t *out) {
    PyTypeObject *tp = (PyTypeObject *)type;
    if (!PyType_Check(type) || Py_TYPE(type) != &PyType_Type ||
        tp->tp_new != PyBaseObject_Type.tp_new || n > MAX_FIELDS)
        return 0;
    for (int i = 0; i < n; i++) {
        PyObject *d = PyDict_GetItemString(tp->tp_dict, names[i]); /* borrowed */
        if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) return 0;
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return 0;
        out->offset[i] = m->offset;
    }
    out->type = tp;
    out->n = n;
    return 1;
}

#define SLOT(obj, layout, i) (*(PyObject **)((char *)(obj) + (layout).offset[i]))

/* A new instance with every slot set (references taken). */
static PyObject *make(layout_t *l, PyObject *const *values) {
    PyObject *o = l->type->tp_alloc(l->type, 0);
    if (o == NULL) return NULL;
    for (int i = 0; i < l->n; i++) {
        Py_INCREF(values[i]);
        SLOT(o, *l, i) = values[i];
    }
    return o;
}

/* Node's slots in the order of Node.__init__'s parameters. */
enum { N_KIND, N_RANGE, N_VALUE, N_ITEMS, N_TAG, N_QUOTED };
static const char *const node_fields[] = {"kind", "range", "value", "items", "tag", "quoted"};
enum { C_TEXT, C_RANGE, C_QUOTED, C_START };
static const char *const cell_fields[] = {"text", "range", "quoted", "start_col"};
enum { P_SCHEMA, P_TARGETS, P_FILE, P_EXPRESSION, P_PROPS, P_EXTRA, P_ITEMS };
static const char *const plan_fields[] = {"schema", "targets", "file", "expression",
                                          "props",  "extra",   "items"};
static const char *const keydef_fields[] = {"namespace", "key", "range", "value"};
enum { R_NAMESPACES, R_KEY, R_RANGE, R_QUOTED, R_DATA, R_LANGUAGE };
static const char *const reference_fields[] = {"namespaces", "key",  "range",
                                               "quoted",     "data", "language"};
static const char *const fileref_fields[] = {"target", "range"};

static layout_t node_l, cell_l, plan_l, keydef_l, reference_l, fileref_l;
static PyObject *scalar_kind, *mapping_kind, *sequence_kind, *key_text_fn, *content_fn,
    *compact_type;
static PyObject *empty_str, *Fallback;
static int ready;

static int fallback(void) {
    PyErr_SetNone(Fallback);
    return -1;
}

/* A slot of an object of a filled class, or NULL (Fallback raised) when `obj` is of
 * another class or the slot is not set. */
static PyObject *slot_of(PyObject *obj, layout_t *layout, int field) {
    if (Py_TYPE(obj) != layout->type) {
        fallback();
        return NULL;
    }
    PyObject *v = SLOT(obj, *layout, field);
    if (v == NULL) fallback();
    return v;
}

#define node_slot(node, field) slot_of((node), &node_l, (field))
#define plan_slot(plan, field) slot_of((plan), &plan_l, (field))

/* Whether a kind is `want` (the parsers use the very constants; equal text is enough). */
static int kind_is(PyObject *kind, PyObject *want) {
    if (kind == want) return 1;
    return PyUnicode_Check(kind) && PyUnicode_Compare(kind, want) == 0;
}

/* key_text(node): new reference. A scalar's str value is its own text. */
static PyObject *key_text(PyObject *node) {
    PyObject *kind = node_slot(node, N_KIND), *value;
    if (kind == NULL) return NULL;
    if (kind_is(kind, scalar_kind) && (value = SLOT(node, node_l, N_VALUE)) != NULL &&
        PyUnicode_CheckExact(value)) {
        Py_INCREF(value);
        return value;
    }
    return PyObject_CallOneArg(key_text_fn, node);
}

/* sys.intern(text), stealing the reference. */
static PyObject *interned(PyObject *text) {
    if (text == NULL) return NULL;
    if (!PyUnicode_CheckExact(text)) { /* sys.intern refuses it: the Python path says so */
        Py_DECREF(text);
        fallback();
        return NULL;
    }
    PyUnicode_InternInPlace(&text);
    return text;
}

static int append_new(PyObject *list, PyObject *item) {
    if (item == NULL) return -1;
    int r = PyList_Append(list, item);
    Py_DECREF(item);
    return r;
}

/* ---- Compact: json.dumps(value, ensure_ascii=False, separators=(",", ":")) in UTF-8 ---- */

typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

static int put(buf_t *b, const char *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *d = PyMem_Realloc(b->data, cap);
        if (d == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* A JSON string: the escapes of json's encode_basestring (ASCII is all it escapes, and no
 * byte of a multi-byte UTF-8 sequence is ASCII). A lone surrogate has no UTF-8 form here:
 * Fallback (Compact.of writes it with "surrogatepass"). */
static int put_string(buf_t *b, PyObject *s) {
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(s, &n);
    if (u == NULL) {
        PyErr_Clear();
        return fallback();
    }
    if (put(b, "\"", 1) < 0) return -1;
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        if (put(b, u + run, (size_t)(i - run)) < 0) return -1;
        run = i + 1;
        char esc[8];
        const char *e = esc;
        size_t en = 2;
        switch (c) {
            case '"': e = "\\\""; break;
            case '\\': e = "\\\\"; break;
            case '\n': e = "\\n"; break;
            case '\r': e = "\\r"; break;
            case '\t': e = "\\t"; break;
            case '\b': e = "\\b"; break;
            case '\f': e = "\\f"; break;
            default:
                snprintf(esc, sizeof esc, "\\u%04x", c);
                en = 6;
        }
        if (put(b, e, en) < 0) return -1;
    }
    if (put(b, u + run, (size_t)(n - run)) < 0) return -1;
    return put(b, "\"", 1);
}

static int put_repr(buf_t *b, PyObject *v) {
    PyObject *r = PyObject_Repr(v);
    if (r == NULL) return -1;
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(r, &n);
    int out = u == NULL ? -1 : put(b, u, (size_t)n);
    Py_DECREF(r);
    return out;
}

static int put_json(buf_t *b, PyObject *v, int depth) {
    if (depth > MAX_C_DEPTH) return fallback();
    if (v == Py_None) return put(b, "null", 4);
    if (v == Py_True) return put(b, "true", 4);
    if (v == Py_False) return put(b, "false", 5);
    if (PyUnicode_CheckExact(v)) return put_string(b, v);
    if (PyLong_CheckExact(v)) return put_repr(b, v);
    if (PyFloat_CheckExact(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        if (isnan(d)) return put(b, "NaN", 3);
        if (isinf(d)) return d > 0 ? put(b, "Infinity", 8) : put(b, "-Infinity", 9);
        return put_repr(b, v);
    }
    if (PyDict_CheckExact(v)) {
        Py_ssize_t pos = 0;
        PyObject *k, *item;
        int first = 1;
        if (put(b, "{", 1) < 0) return -1;
        while (PyDict_Next(v, &pos, &k, &item)) {
            if (!PyUnicode_CheckExact(k)) return fallback();
            if (!first && put(b, ",", 1) < 0) return -1;
            first = 0;
            if (put_string(b, k) < 0 || put(b, ":", 1) < 0 || put_json(b, item, depth + 1) < 0)
                return -1;
        }
        return put(b, "}", 1);
    }
    if (PyList_CheckExact(v)) {
        if (put(b, "[", 1) < 0) return -1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
            if (i && put(b, ",", 1) < 0) return -1;
            if (put_json(b, PyList_GET_ITEM(v, i), depth + 1) < 0) return -1;
        }
        return put(b, "]", 1);
    }
    return fallback();
}

static buf_t json_buf; /* reused: the GIL is held throughout */

/* Compact.of(value) (new reference). */
static PyObject *compact_of(PyObject *value) {
    json_buf.len = 0;
    if (put_json(&json_buf, value, 0) < 0) return NULL;
    PyObject *bytes = PyBytes_FromStringAndSize(json_buf.data, (Py_ssize_t)json_buf.len);
    if (bytes == NULL) return NULL;
    PyObject *out = PyObject_CallOneArg(compact_type, bytes);
    Py_DECREF(bytes);
    return out;
}

/* ---- the walk (analysis._walk and _scalar) ---- */

typedef struct {
    PyObject *namespace, *keys, *refs, *file_refs, *embed;
} walk_t;

static int walk_scalar(walk_t *w, PyObject *node, PyObject *plan) {
    PyObject *value = SLOT(node, node_l, N_VALUE), *targets = plan_slot(plan, P_TARGETS);
    PyObject *file = plan_slot(plan, P_FILE);
    if (value == NULL || targets == NULL || file == NULL) return fallback();
    int has_targets = PyObject_IsTrue(targets), is_file = PyObject_IsTrue(file);
    if (has_targets < 0 || is_file < 0) return -1;
    int is_str = PyUnicode_Check(value);
    if (!(is_str || (value != Py_None && has_targets))) return 0;
    PyObject *text = is_str ? (Py_INCREF(value), value) : key_text(node);
    if (text == NULL) return -1;
    int r = 0;
    PyObject *range = node_slot(node, N_RANGE), *quoted = node_slot(node, N_QUOTED);
    if (range == NULL || quoted == NULL) {
        r = -1;
    } else if (has_targets) {
        Py_INCREF(text);
        PyObject *key = interned(text);
        if (key == NULL) {
            r = -1;
        } else {
            PyObject *fields[] = {targets, key, range, quoted, Py_None, empty_str};
            r = append_new(w->refs, make(&reference_l, fields));
            Py_DECREF(key);
        }
    }
    if (r == 0 && is_file) {
        PyObject *fields[] = {text, range};
        r = append_new(w->file_refs, make(&fileref_l, fields));
    }
    Py_DECREF(text);
    return r;
}

/* The definition of the key `v` holds, inside the mapping `node`. */
static int key_definition(walk_t *w, PyObject *node, PyObject *v, PyObject *xkey,
                          PyObject *plain) {
    PyObject *content = plain;
    if (content == Py_None) {
        content = PyObject_CallOneArg(content_fn, node);
        if (content == NULL) return -1;
    } else {
        Py_INCREF(content);
    }
    PyObject *compact = content == Py_None ? (Py_INCREF(Py_None), Py_None) : compact_of(content);
    Py_DECREF(content);
    if (compact == NULL) return -1;
    PyObject *key = interned(key_text(v)), *range = node_slot(v, N_RANGE);
    int r = -1;
    if (key != NULL && range != NULL) {
        PyObject *fields[] = {xkey == Py_True ? w->namespace : xkey, key, range, compact};
        r = append_new(w->keys, make(&keydef_l, fields));
    }
    Py_XDECREF(key);
    Py_DECREF(compact);
    return r;
}

static int walk_node(walk_t *w, PyObject *node, PyObject *plan, int depth, PyObject *prop,
                     PyObject *plain) {
    if (depth > 100) return 0;
    PyObject *kind = node_slot(node, N_KIND);
    if (kind == NULL) return -1;
    if (kind_is(kind, scalar_kind)) {
        if (walk_scalar(w, node, plan) < 0) return -1;
        PyObject *expression = plan_slot(plan, P_EXPRESSION);
        if (expression == NULL) return -1;
        if (w->embed != Py_None && PyObject_IsTrue(expression)) {
            PyObject *schema = plan_slot(plan, P_SCHEMA);
            if (schema == NULL) return -1;
            PyObject *r = PyObject_CallFunctionObjArgs(w->embed, node, schema, prop, NULL);
            if (r == NULL) return -1;
            Py_DECREF(r);
        }
        return 0;
    }
    PyObject *items = node_slot(node, N_ITEMS);
    if (items == NULL) return -1;
    if (!PyList_Check(items)) return fallback();
    if (kind_is(kind, mapping_kind)) {
        PyObject *props = plan_slot(plan, P_PROPS), *extra = plan_slot(plan, P_EXTRA);
        if (props == NULL || extra == NULL) return -1;
        if (!PyDict_CheckExact(props)) return fallback();
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
            PyObject *pair = PyList_GET_ITEM(items, i);
            if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) return fallback();
            PyObject *k = PyTuple_GET_ITEM(pair, 0), *v = PyTuple_GET_ITEM(pair, 1);
            PyObject *name = key_text(k);
            if (name == NULL) return -1;
            PyObject *step = PyDict_GetItemWithError(props, name); /* borrowed */
            if (step == NULL && PyErr_Occurred()) {
                Py_DECREF(name);
                return -1;
            }
            if (step == NULL) step = extra;
            if (step == Py_None) {
                Py_DECREF(name);
                continue;
            }
            if (!PyTuple_CheckExact(step) || PyTuple_GET_SIZE(step) != 2) {
                Py_DECREF(name);
                return fallback();
            }
            PyObject *xkey = PyTuple_GET_ITEM(step, 0), *sub = PyTuple_GET_ITEM(step, 1);
            int r = 0, has_key = PyObject_IsTrue(xkey);
            if (has_key < 0) r = -1;
            if (r == 0 && has_key) {
                PyObject *vkind = node_slot(v, N_KIND), *vvalue = node_slot(v, N_VALUE);
                if (vkind == NULL || vvalue == NULL)
                    r = -1;
                else if (kind_is(vkind, scalar_kind) && vvalue != Py_None)
                    r = key_definition(w, node, v, xkey, plain);
            }
            if (r == 0 && sub != Py_None) r = walk_node(w, v, sub, depth + 1, name, Py_None);
            Py_DECREF(name);
            if (r < 0) return -1;
        }
        return 0;
    }
    PyObject *item_plan = plan_slot(plan, P_ITEMS);
    if (item_plan == NULL) return -1;
    if (item_plan == Py_None) return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        if (walk_node(w, PyList_GET_ITEM(items, i), item_plan, depth + 1, prop, Py_None) < 0)
            return -1;
    }
    return 0;
}

/* walk(node, plan, namespace, plain, keys, refs, file_refs, embed, prop, depth) */
static PyObject *wf_walk(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "setup() did not succeed");
        return NULL;
    }
    if (nargs != 10) {
        PyErr_SetString(PyExc_TypeError, "walk() takes 10 arguments");
        return NULL;
    }
    walk_t w = {args[2], args[4], args[5], args[6], args[7]};
    if (!PyList_CheckExact(w.keys) || !PyList_CheckExact(w.refs) ||
        !PyList_CheckExact(w.file_refs)) {
        PyErr_SetString(PyExc_TypeError, "walk() collects into lists");
        return NULL;
    }
    int depth = PyLong_AsLong(args[9]);
    if (depth == -1 && PyErr_Occurred()) return NULL;
    if (walk_node(&w, args[0], args[1], depth, args[8], args[3]) < 0) return NULL;
    Py_RETURN_NONE;
}

/* ---- the plain value of an item (analysis._ItemValue) ---- */

#define INT_LIMIT_OK(v) (v > LLONG_MIN) /* -2**63 < v < 2**63 */

typedef struct {
    long long budget;
    int plain;
    PyObject *repeated; /* (mapping, key, name) per key repeated in its mapping, or NULL */
} value_t;

static PyObject *scalar_value(value_t *s, PyObject *v) {
    if (PyLong_CheckExact(v)) {
        int overflow;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (x == -1 && PyErr_Occurred()) return NULL;
        if (overflow || !INT_LIMIT_OK(x)) s->plain = 0;
    } else if (PyFloat_CheckExact(v) && !isfinite(PyFloat_AS_DOUBLE(v))) {
        s->plain = 0;
    }
    Py_INCREF(v);
    return v;
}

/* A child's value: a scalar's inline, a collection's by `collection`. */
static PyObject *collection(value_t *s, PyObject *node, int depth);

static PyObject *child_value(value_t *s, PyObject *child, int depth) {
    PyObject *kind = node_slot(child, N_KIND);
    if (kind == NULL) return NULL;
    if (kind_is(kind, scalar_kind)) {
        PyObject *v = node_slot(child, N_VALUE);
        return v == NULL ? NULL : scalar_value(s, v);
    }
    s->budget += 1; /* counted again by the collection itself */
    return collection(s, child, depth + 1);
}

static PyObject *collection(value_t *s, PyObject *node, int depth) {
    if (depth > MAX_C_DEPTH) {
        fallback();
        return NULL;
    }
    PyObject *kind = node_slot(node, N_KIND), *items = node_slot(node, N_ITEMS);
    if (kind == NULL || items == NULL) return NULL;
    if (!PyList_Check(items)) {
        fallback();
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(items);
    s->budget -= 1 + n;
    if (s->budget < 0) {
        fallback(); /* past the expansion limit: the Python path reports it */
        return NULL;
    }
    if (depth > 66) s->plain = 0; /* the pre-check stands aside past 64 levels */
    if (!kind_is(kind, mapping_kind)) {
        PyObject *out = PyList_New(n);
        if (out == NULL) return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *v = child_value(s, PyList_GET_ITEM(items, i), depth);
            if (v == NULL) {
                Py_DECREF(out);
                return NULL;
            }
            PyList_SET_ITEM(out, i, v);
        }
        return out;
    }
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(out);
            fallback();
            return NULL;
        }
        PyObject *k = PyTuple_GET_ITEM(pair, 0);
        PyObject *name = key_text(k), *v = NULL;
        int r = name == NULL ? -1 : 0;
        if (r == 0 && s->repeated != NULL && depth <= 250) {
            r = PyDict_Contains(out, name);
            if (r > 0) {
                PyObject *t = PyTuple_Pack(3, node, k, name);
                r = t == NULL ? -1 : append_new(s->repeated, t);
            }
        }
        if (r == 0) v = child_value(s, PyTuple_GET_ITEM(pair, 1), depth);
        if (v == NULL || PyDict_SetItem(out, name, v) < 0) r = -1;
        Py_XDECREF(name);
        Py_XDECREF(v);
        if (r < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* item_value(node, depth, budget, report_repeated) -> (value, plain, repeated) */
static PyObject *wf_item_value(PyObject *self, PyObject *args) {
    PyObject *node;
    int depth, report;
    value_t s = {0, 1, NULL};
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "setup() did not succeed");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OiLp", &node, &depth, &s.budget, &report)) return NULL;
    if (report && (s.repeated = PyList_New(0)) == NULL) return NULL;
    PyObject *kind = node_slot(node, N_KIND), *value = NULL;
    if (kind != NULL && kind_is(kind, scalar_kind)) {
        s.budget -= 1;
        PyObject *v = node_slot(node, N_VALUE);
        value = v == NULL ? NULL : scalar_value(&s, v);
    } else if (kind != NULL) {
        value = collection(&s, node, depth);
    }
    PyObject *out = NULL;
    if (value != NULL)
        out = Py_BuildValue("(NON)", value, s.plain ? Py_True : Py_False,
                            s.repeated ? s.repeated : PyList_New(0));
    else
        Py_XDECREF(s.repeated);
    return out;
}

/* ---- a CSV row as a mapping node (csv_doc.row_to_node) ---- */

static PyObject *str_boolean, *str_integer, *str_number, *str_string, *str_true, *str_false,
    *str_lower;

static PyObject *new_node(PyObject *kind, PyObject *range, PyObject *value, PyObject *items,
                          PyObject *quoted) {
    PyObject *fields[] = {kind, range, value, items, Py_None, quoted};
    return make(&node_l, fields);
}

/* csv_doc.typed_value(text, kind): new reference. */
static PyObject *typed_value(PyObject *text, PyObject *kind) {
    if (PyUnicode_Compare(kind, str_boolean) == 0) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        if (n == 4 || n == 5) {
            PyObject *low = PyObject_CallMethodNoArgs(text, str_lower);
            if (low == NULL) return NULL;
            int t = PyUnicode_Compare(low, str_true) == 0, f = PyUnicode_Compare(low, str_false) == 0;
            Py_DECREF(low);
            if (t) Py_RETURN_TRUE;
            if (f) Py_RETURN_FALSE;
        }
    } else {
        int integer = PyUnicode_Compare(kind, str_integer) == 0;
        int number = !integer && PyUnicode_Compare(kind, str_number) == 0;
        if (integer || number) {
            PyObject *v = PyLong_FromUnicodeObject(text, 10);
            if (v != NULL) return v;
            if (!PyErr_ExceptionMatches(PyExc_ValueError)) return NULL;
            PyErr_Clear();
            if (number) {
                v = PyFloat_FromString(text);
                if (v == NULL) {
                    if (!PyErr_ExceptionMatches(PyExc_ValueError)) return NULL;
                    PyErr_Clear();
                } else if (isfinite(PyFloat_AS_DOUBLE(v))) {
                    return v;
                } else {
                    Py_DECREF(v);
                }
            }
        }
    }
    Py_INCREF(text);
    return text;
}

/* [start, end) of `s` without the whitespace str.strip() removes. */
static void strip_bounds(PyObject *s, Py_ssize_t *start, Py_ssize_t *end) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(s);
    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++;
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) b--;
    *start = a;
    *end = b;
}

/* conv(line, col), or col when the text is ASCII (conv None). */
static PyObject *utf16_column(PyObject *conv, PyObject *line, Py_ssize_t col) {
    PyObject *c = PyLong_FromSsize_t(col);
    if (c == NULL || conv == Py_None) return c;
    PyObject *out = PyObject_CallFunctionObjArgs(conv, line, c, NULL);
    Py_DECREF(c);
    return out;
}

/* The item nodes of a list cell (csv_doc.split_list, then typed_value), appended to `parts`. */
static int list_parts(PyObject *cell, PyObject *sep, PyObject *item_kind, PyObject *conv,
                      PyObject *parts) {
    PyObject *text = SLOT(cell, cell_l, C_TEXT), *range = SLOT(cell, cell_l, C_RANGE);
    PyObject *quoted = SLOT(cell, cell_l, C_QUOTED), *start = SLOT(cell, cell_l, C_START);
    if (text == NULL || range == NULL || quoted == NULL || start == NULL ||
        !PyUnicode_Check(text) || !PyTuple_CheckExact(range) || PyTuple_GET_SIZE(range) != 4)
        return fallback();
    Py_ssize_t col = 0;
    PyObject *line = PyTuple_GET_ITEM(range, 0);
    if (start != Py_None) {
        if (!PyLong_CheckExact(start)) return fallback();
        col = PyLong_AsSsize_t(start);
        if (col == -1 && PyErr_Occurred()) return -1;
    }
    PyObject *split = PyUnicode_Split(text, sep, -1);
    if (split == NULL) return -1;
    Py_ssize_t seplen = PyUnicode_GET_LENGTH(sep);
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < PyList_GET_SIZE(split); i++) {
        PyObject *part = PyList_GET_ITEM(split, i);
        Py_ssize_t a, b;
        strip_bounds(part, &a, &b);
        if (a < b) {
            PyObject *stripped = PyUnicode_Substring(part, a, b), *rng = NULL, *value = NULL;
            if (stripped == NULL) {
                r = -1;
                break;
            }
            if (start == Py_None) {
                Py_INCREF(range);
                rng = range;
            } else {
                PyObject *c0 = utf16_column(conv, line, col + a), *c1 = NULL;
                if (c0 != NULL) c1 = utf16_column(conv, line, col + b);
                if (c1 != NULL) rng = PyTuple_Pack(4, line, c0, line, c1);
                Py_XDECREF(c0);
                Py_XDECREF(c1);
            }
            if (rng != NULL) value = typed_value(stripped, item_kind);
            if (value != NULL)
                r = append_new(parts, new_node(scalar_kind, rng, value, Py_None, quoted));
            else
                r = -1;
            Py_XDECREF(rng);
            Py_XDECREF(value);
            Py_DECREF(stripped);
        }
        col += PyUnicode_GET_LENGTH(part) + seplen;
    }
    Py_DECREF(split);
    return r;
}

/* row_node(header, names, kinds, sep, conv, line, cells): conv is LineIndex.to_utf16, or
 * None when the text is ASCII (columns are then the same in UTF-16). */
static PyObject *wf_row_node(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "setup() did not succeed");
        return NULL;
    }
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "row_node() takes 7 arguments");
        return NULL;
    }
    PyObject *header = args[0], *names = args[1], *kinds = args[2], *sep = args[3];
    PyObject *conv = args[4], *line = args[5], *cells = args[6];
    if (!PyList_CheckExact(header) || !PyList_CheckExact(names) || !PyDict_CheckExact(kinds) ||
        !PyUnicode_Check(sep) || !PyList_CheckExact(cells) ||
        PyList_GET_SIZE(header) < PyList_GET_SIZE(names)) {
        fallback();
        return NULL;
    }
    PyObject *items = PyList_New(0);
    if (items == NULL) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(cells);
    for (Py_ssize_t idx = 0; idx < n && idx < PyList_GET_SIZE(names); idx++) {
        PyObject *cell = PyList_GET_ITEM(cells, idx), *hcell = PyList_GET_ITEM(header, idx);
        PyObject *name = PyList_GET_ITEM(names, idx);
        if (Py_TYPE(cell) != cell_l.type || Py_TYPE(hcell) != cell_l.type ||
            !PyUnicode_Check(name))
            goto fall;
        PyObject *text = SLOT(cell, cell_l, C_TEXT), *hrange = SLOT(hcell, cell_l, C_RANGE);
        PyObject *range = SLOT(cell, cell_l, C_RANGE), *quoted = SLOT(cell, cell_l, C_QUOTED);
        if (text == NULL || hrange == NULL || range == NULL || quoted == NULL ||
            !PyUnicode_Check(text))
            goto fall;
        if (PyUnicode_GET_LENGTH(text) == 0 || PyUnicode_GET_LENGTH(name) == 0) continue;
        PyObject *kind = PyDict_GetItemWithError(kinds, name); /* borrowed */
        if (kind == NULL && PyErr_Occurred()) goto fail;
        if (kind == NULL) kind = str_string;
        PyObject *key = new_node(scalar_kind, hrange, name, Py_None, Py_False), *value = NULL;
        if (key == NULL) goto fail;
        if (PyTuple_Check(kind)) {
            PyObject *parts = PyList_New(0);
            if (parts != NULL && PyTuple_GET_SIZE(kind) == 2 &&
                PyUnicode_Check(PyTuple_GET_ITEM(kind, 1))) {
                if (list_parts(cell, sep, PyTuple_GET_ITEM(kind, 1), conv, parts) == 0)
                    value = new_node(sequence_kind, range, Py_None, parts, Py_False);
            } else if (parts != NULL) {
                fallback();
            }
            Py_XDECREF(parts);
        } else if (PyUnicode_Check(kind)) {
            PyObject *typed = typed_value(text, kind);
            if (typed != NULL) value = new_node(scalar_kind, range, typed, Py_None, quoted);
            Py_XDECREF(typed);
        } else {
            fallback();
        }
        PyObject *pair = value != NULL ? PyTuple_Pack(2, key, value) : NULL;
        Py_DECREF(key);
        Py_XDECREF(value);
        if (append_new(items, pair) < 0) goto fail;
    }
    PyObject *first, *end;
    if (n > 0) {
        first = SLOT(PyList_GET_ITEM(cells, 0), cell_l, C_RANGE);
        end = SLOT(PyList_GET_ITEM(cells, n - 1), cell_l, C_RANGE);
        if (Py_TYPE(PyList_GET_ITEM(cells, 0)) != cell_l.type ||
            Py_TYPE(PyList_GET_ITEM(cells, n - 1)) != cell_l.type || first == NULL ||
            end == NULL || !PyTuple_CheckExact(first) || PyTuple_GET_SIZE(first) != 4 ||
            !PyTuple_CheckExact(end) || PyTuple_GET_SIZE(end) != 4)
            goto fall;
    }
    PyObject *rng = n > 0 ? PyTuple_Pack(4, PyTuple_GET_ITEM(first, 0), PyTuple_GET_ITEM(first, 1),
                                         PyTuple_GET_ITEM(end, 2), PyTuple_GET_ITEM(end, 3))
                          : NULL;
    if (n == 0) {
        PyObject *zero = PyLong_FromLong(0);
        rng = zero ? PyTuple_Pack(4, line, zero, line, zero) : NULL;
        Py_XDECREF(zero);
    }
    if (rng == NULL) goto fail;
    PyObject *out = new_node(mapping_kind, rng, Py_None, items, Py_False);
    Py_DECREF(rng);
    Py_DECREF(items);
    return out;
fall:
    fallback();
fail:
    Py_DECREF(items);
    return NULL;
}

/* ---- references no file defines (module_schemas.references.check's test) ---- */

/* unresolved(refs, defs) -> the references of the file's dialect (no `language`) whose key
 * is in none of their namespaces' key tables: defs maps namespace -> keys (a container). */
static PyObject *wf_unresolved(PyObject *self, PyObject *args) {
    PyObject *refs, *defs;
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "setup() did not succeed");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &refs, &PyDict_Type, &defs)) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(refs); i++) {
        PyObject *ref = PyList_GET_ITEM(refs, i);
        if (Py_TYPE(ref) != reference_l.type) goto fall;
        PyObject *nss = SLOT(ref, reference_l, R_NAMESPACES), *key = SLOT(ref, reference_l, R_KEY);
        PyObject *language = SLOT(ref, reference_l, R_LANGUAGE);
        if (nss == NULL || key == NULL || language == NULL || !PyTuple_Check(nss)) goto fall;
        int embedded = PyObject_IsTrue(language);
        if (embedded < 0) goto fail;
        if (embedded) continue; /* a name inside an embedded language's value */
        int found = 0;
        for (Py_ssize_t j = 0; !found && j < PyTuple_GET_SIZE(nss); j++) {
            PyObject *keys = PyDict_GetItemWithError(defs, PyTuple_GET_ITEM(nss, j));
            if (keys == NULL && PyErr_Occurred()) goto fail;
            if (keys != NULL && (found = PySequence_Contains(keys, key)) < 0) goto fail;
        }
        if (!found && PyList_Append(out, ref) < 0) goto fail;
    }
    return out;
fall:
    fallback();
fail:
    Py_DECREF(out);
    return NULL;
}

/* ---- pickling facts: reduce(obj) -> (class, (field values...)) ---- */

#define MAX_REDUCED 16
static layout_t reduced[MAX_REDUCED];
static int n_reduced;

/* register_reduce(cls, field names): whether `reduce` can read instances of `cls`. */
static PyObject *wf_register_reduce(PyObject *self, PyObject *args) {
    PyObject *cls, *names;
    if (!PyArg_ParseTuple(args, "OO!", &cls, &PyTuple_Type, &names)) return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    const char *fields[MAX_FIELDS];
    if (n < 1 || n > MAX_FIELDS) Py_RETURN_FALSE;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        if (!PyUnicode_Check(name) || (fields[i] = PyUnicode_AsUTF8(name)) == NULL) return NULL;
    }
    for (int i = 0; i < n_reduced; i++)
        if ((PyObject *)reduced[i].type == cls) Py_RETURN_TRUE;
    if (n_reduced == MAX_REDUCED || !layout_of(cls, fields, (int)n, &reduced[n_reduced]))
        Py_RETURN_FALSE;
    Py_INCREF(cls);
    n_reduced++;
    Py_RETURN_TRUE;
}

/* For copyreg: a registered slotted class as (cls, field values), a bytes subclass (Compact)
 * as (cls, (its bytes,)): what a lambda per object did, without its Python frame. */
static PyObject *wf_reduce(PyObject *self, PyObject *obj) {
    PyTypeObject *tp = Py_TYPE(obj);
    for (int i = 0; i < n_reduced; i++) {
        if (reduced[i].type != tp) continue;
        PyObject *values = PyTuple_New(reduced[i].n);
        if (values == NULL) return NULL;
        for (int j = 0; j < reduced[i].n; j++) {
            PyObject *v = SLOT(obj, reduced[i], j);
            if (v == NULL) {
                Py_DECREF(values);
                PyErr_SetString(PyExc_AttributeError, "a field of this fact is not set");
                return NULL;
            }
            Py_INCREF(v);
            PyTuple_SET_ITEM(values, j, v);
        }
        return Py_BuildValue("(ON)", (PyObject *)tp, values);
    }
    if (PyBytes_Check(obj) && !PyBytes_CheckExact(obj)) {
        PyObject *raw = PyBytes_FromStringAndSize(PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj));
        return raw == NULL ? NULL : Py_BuildValue("(O(N))", (PyObject *)tp, raw);
    }
    PyErr_Format(PyExc_TypeError, "reduce() does not know %.100s", tp->tp_name);
    return NULL;
}

/* ---- setup ---- */

/* setup(Node, Cell, WalkPlan, KeyDef, Reference, FileRef, Compact, key_text, content,
 *       SCALAR, MAPPING, SEQUENCE, Fallback) -> whether every class has the layout this
 *       module fills */
static PyObject *wf_setup(PyObject *self, PyObject *args) {
    PyObject *node, *cell, *plan, *keydef, *reference, *fileref, *compact, *kt, *content,
        *scalar, *mapping, *sequence, *fb;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOUUUO", &node, &cell, &plan, &keydef, &reference,
                          &fileref, &compact, &kt, &content, &scalar, &mapping, &sequence, &fb))
        return NULL;
    ready = 0;
    if (!PyType_Check(compact) || !PyType_IsSubtype((PyTypeObject *)compact, &PyBytes_Type) ||
        !PyType_Check(fb) || !PyType_IsSubtype((PyTypeObject *)fb, (PyTypeObject *)PyExc_Exception))
        Py_RETURN_FALSE;
    if (!layout_of(node, node_fields, 6, &node_l) || !layout_of(cell, cell_fields, 4, &cell_l) ||
        !layout_of(plan, plan_fields, 7, &plan_l) ||
        !layout_of(keydef, keydef_fields, 4, &keydef_l) ||
        !layout_of(reference, reference_fields, 6, &reference_l) ||
        !layout_of(fileref, fileref_fields, 2, &fileref_l))
        Py_RETURN_FALSE;
    PyObject *keep[] = {node, cell, plan, keydef, reference, fileref, compact, kt, content,
                        scalar, mapping, sequence, fb};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) Py_INCREF(keep[i]);
    compact_type = compact;
    key_text_fn = kt;
    content_fn = content;
    scalar_kind = scalar;
    mapping_kind = mapping;
    sequence_kind = sequence;
    Fallback = fb;
    ready = 1;
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"setup", wf_setup, METH_VARARGS, "Bind to the classes; whether their layout allows it."},
    {"walk", (PyCFunction)(void (*)(void))wf_walk, METH_FASTCALL,
     "analysis._walk of one node into the facts' lists."},
    {"register_reduce", wf_register_reduce, METH_VARARGS,
     "Let reduce() read a plain slotted class's fields."},
    {"reduce", wf_reduce, METH_O, "(cls, field values) of a registered fact, for pickling."},
    {"unresolved", wf_unresolved, METH_VARARGS,
     "The references no namespace of theirs defines the key of (references.check)."},
    {"row_node", (PyCFunction)(void (*)(void))wf_row_node, METH_FASTCALL,
     "csv_doc.row_to_node of one row (conv None for an ASCII text)."},
    {"item_value", wf_item_value, METH_VARARGS,
     "(value, plain, repeated) of an item, as analysis._ItemValue makes them."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_walkfast", NULL, -1, methods};

PyMODINIT_FUNC PyInit__walkfast(void) {
    empty_str = PyUnicode_FromString("");
    str_boolean = PyUnicode_InternFromString("boolean");
    str_integer = PyUnicode_InternFromString("integer");
    str_number = PyUnicode_InternFromString("number");
    str_string = PyUnicode_InternFromString("string");
    str_true = PyUnicode_InternFromString("true");
    str_false = PyUnicode_InternFromString("false");
    str_lower = PyUnicode_InternFromString("lower");
    if (empty_str == NULL || str_boolean == NULL || str_integer == NULL || str_number == NULL ||
        str_string == NULL || str_true == NULL || str_false == NULL || str_lower == NULL)
        return NULL;
    return PyModule_Create(&module);
}
