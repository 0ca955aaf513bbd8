/*
 * bundle_ls._yamlfast: YAML text -> located Node tree, in C.
 *
 * The same event loop as bundle_ls.yaml_doc._parse_python, over the same libyaml: the copy
 * compiled into ruamel.yaml.clib (a dependency), whose functions are looked up at run time
 * with dlopen/dlsym. Nothing here links against a system libyaml, so building needs only a
 * C compiler and the Python headers, and both paths see exactly the same parser.
 *
 * Only the public, stable part of libyaml's ABI (soname libyaml-0.so.2, unchanged from
 * 0.1.x to 0.2.5) is declared below. Anything this module does not handle identically to
 * the Python path (an exception in a callback, a memory error, invalid UTF-8 in a value)
 * makes parse() return None, and the caller runs the Python path instead.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* ---- libyaml's public ABI (yaml.h), the parts used here ---- */

typedef struct {
    size_t index;
    size_t line;
    size_t column;
} ymark_t;

enum { Y_NO_ERROR, Y_MEMORY_ERROR, Y_READER_ERROR, Y_SCANNER_ERROR, Y_PARSER_ERROR };

enum {
    Y_NO_EVENT,
    Y_STREAM_START_EVENT,
    Y_STREAM_END_EVENT,
    Y_DOCUMENT_START_EVENT,
    Y_DOCUMENT_END_EVENT,
    Y_ALIAS_EVENT,
    Y_SCALAR_EVENT,
    Y_SEQUENCE_START_EVENT,
    Y_SEQUENCE_END_EVENT,
    Y_MAPPING_START_EVENT,
    Y_MAPPING_END_EVENT
};

enum { Y_ANY_SCALAR_STYLE, Y_PLAIN_SCALAR_STYLE };

typedef struct {
    int type;
    union {
        struct {
            int encoding;
        } stream_start;
        struct {
            void *version_directive;
            struct {
                void *start;
                void *end;
            } tag_directives;
            int implicit;
        } document_start;
        struct {
            int implicit;
        } document_end;
        struct {
            unsigned char *anchor;
        } alias;
        struct {
            unsigned char *anchor;
            unsigned char *tag;
            unsigned char *value;
            size_t length;
            int plain_implicit;
            int quoted_implicit;
            int style;
        } scalar;
        struct {
            unsigned char *anchor;
            unsigned char *tag;
            int implicit;
            int style;
        } sequence_start;
        struct {
            unsigned char *anchor;
            unsigned char *tag;
            int implicit;
            int style;
        } mapping_start;
    } data;
    ymark_t start_mark;
    ymark_t end_mark;
} yevent_t;

/* The leading fields of yaml_parser_t; the whole struct is 480 bytes on 64-bit platforms. */
typedef struct {
    int error;
    const char *problem;
    size_t problem_offset;
    int problem_value;
    ymark_t problem_mark;
    const char *context;
    ymark_t context_mark;
} yparser_head_t;

#define PARSER_BYTES 8192 /* ample room for yaml_parser_t, which libyaml fills in itself */

static int (*y_parser_initialize)(void *);
static void (*y_parser_delete)(void *);
static void (*y_parser_set_input_string)(void *, const unsigned char *, size_t);
static int (*y_parser_parse)(void *, yevent_t *);
static void (*y_event_delete)(yevent_t *);
static const char *(*y_get_version_string)(void);

/* ---- the tree builder ---- */

typedef struct {
    PyObject *node;  /* the container being filled */
    PyObject *items; /* its items list (borrowed from node) */
    int is_seq;
    PyObject *key;   /* pending key node of a mapping, or NULL */
    long long size;  /* values it expands to, itself included */
    PyObject *anchor;
} frame_t;

/* Node's slots in the order of Node.__init__'s parameters. */
#define NODE_FIELDS 6
static const char *node_fields[NODE_FIELDS] = {"kind", "range", "value", "items", "tag", "quoted"};

typedef struct {
    PyObject *node_type, *scalar, *mapping, *sequence;
    Py_ssize_t offsets[NODE_FIELDS]; /* where Node's slots live, when it can be filled directly */
    int direct;
    PyObject *resolve_plain, *tagged;
    PyObject *astral, *conv; /* lines beyond the BMP (a set) and their column converter */
    PyObject *root;
    PyObject *problems;
    PyObject *anchors;
    frame_t *frames;
    int depth, max_depth;
    long long expanded, max_expanded;
    int over_limit;
} builder_t;

static PyObject *str_range;

/* Node is a plain __slots__ class whose __init__ only stores its six arguments: when that
 * holds (see node_layout), a node is allocated and its slots filled here, as __init__
 * would, without running Python code for each of the ~15 nodes a config item makes.
 *
 * Such nodes, their items lists, (key, value) pairs and ranges are left untracked by the
 * cyclic garbage collector: a tree is acyclic (a node refers only to its children, and an
 * alias to a node finished before it, since an anchor is registered when its node ends),
 * so the collector has nothing to find in it, and walking the hundreds of thousands of
 * objects of a big file again and again cost more than parsing it. Reference counting
 * frees them as usual; what they refer to stays reachable for the collector. */
static int node_layout(builder_t *b) {
    PyTypeObject *tp = (PyTypeObject *)b->node_type;
    b->direct = 0;
    if (!PyType_Check(b->node_type) || Py_TYPE(b->node_type) != &PyType_Type ||
        tp->tp_new != PyBaseObject_Type.tp_new)
        return 0;
    for (int i = 0; i < NODE_FIELDS; i++) {
        PyObject *d = PyDict_GetItemString(tp->tp_dict, node_fields[i]); /* borrowed */
        if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) return 0;
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return 0;
        b->offsets[i] = m->offset;
    }
    b->direct = 1;
    return 0;
}

/* Node(kind, range, value, items, tag, quoted): args holds `n` of them, the rest defaults. */
static PyObject *new_node(builder_t *b, PyObject *const *args, size_t n) {
    if (!b->direct) return PyObject_Vectorcall(b->node_type, args, n, NULL);
    PyTypeObject *tp = (PyTypeObject *)b->node_type;
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) return NULL;
    for (size_t i = 0; i < NODE_FIELDS; i++) {
        PyObject *v = i < n ? args[i] : (i == NODE_FIELDS - 1 ? Py_False : Py_None);
        Py_INCREF(v);
        *(PyObject **)((char *)o + b->offsets[i]) = v;
    }
    PyObject_GC_UnTrack(o);
    return o;
}

static PyObject *column(builder_t *b, size_t line, size_t col) {
    if (b->astral != Py_None) {
        PyObject *key = PyLong_FromSize_t(line);
        if (key == NULL) return NULL;
        int hit = PySet_Contains(b->astral, key);
        if (hit < 0) {
            Py_DECREF(key);
            return NULL;
        }
        if (hit) {
            PyObject *c = PyLong_FromSize_t(col);
            PyObject *out = c ? PyObject_CallFunctionObjArgs(b->conv, key, c, NULL) : NULL;
            Py_XDECREF(c);
            Py_DECREF(key);
            return out;
        }
        Py_DECREF(key);
    }
    return PyLong_FromSize_t(col);
}

static PyObject *make_range(builder_t *b, ymark_t *s, ymark_t *e) {
    PyObject *t = PyTuple_New(4);
    if (t == NULL) return NULL;
    PyObject_GC_UnTrack(t);
    PyObject *v;
    if ((v = PyLong_FromSize_t(s->line)) == NULL) goto fail;
    PyTuple_SET_ITEM(t, 0, v);
    if ((v = column(b, s->line, s->column)) == NULL) goto fail;
    PyTuple_SET_ITEM(t, 1, v);
    if (e->line == s->line) {  /* one int for both: an index holds millions of ranges */
        v = PyTuple_GET_ITEM(t, 0);
        Py_INCREF(v);
    } else if ((v = PyLong_FromSize_t(e->line)) == NULL) goto fail;
    PyTuple_SET_ITEM(t, 2, v);
    if ((v = column(b, e->line, e->column)) == NULL) goto fail;
    PyTuple_SET_ITEM(t, 3, v);
    return t;
fail:
    Py_DECREF(t);
    return NULL;
}

/* Append a problem tuple: (kind, line, column, detail...) */
static int problem(builder_t *b, PyObject *tuple) {
    if (tuple == NULL) return -1;
    int r = PyList_Append(b->problems, tuple);
    Py_DECREF(tuple);
    return r;
}

/* Put a finished node where it belongs: the root, a sequence item, a key, or a value. */
static int attach(builder_t *b, PyObject *node, long long size) {
    if (b->depth == 0) {
        if (b->root == NULL) {
            Py_INCREF(node);
            b->root = node;
        }
        return 0;
    }
    frame_t *f = &b->frames[b->depth - 1];
    f->size += size;
    if (f->is_seq) return PyList_Append(f->items, node);
    if (f->key == NULL) {
        Py_INCREF(node);
        f->key = node;
        return 0;
    }
    PyObject *pair = PyTuple_Pack(2, f->key, node);
    if (pair == NULL) return -1;
    if (b->direct) PyObject_GC_UnTrack(pair);
    Py_CLEAR(f->key);
    int r = PyList_Append(f->items, pair);
    Py_DECREF(pair);
    return r;
}

static PyObject *text_or_none(const unsigned char *s) {
    if (s == NULL) Py_RETURN_NONE;
    return PyUnicode_FromString((const char *)s);
}

static int is_maybe_not_str(const unsigned char *v, size_t n) {
    return n == 0 || strchr("~nNtTfF0123456789+-.", v[0]) != NULL;
}

/* One event. Returns 1 to go on, 0 to stop, -1 on a Python error (the caller falls back). */
static int on_event(builder_t *b, yevent_t *ev) {
    PyObject *node = NULL, *rng = NULL, *tag = NULL, *anchor = NULL, *value = NULL;
    int result = -1;
    switch (ev->type) {
    case Y_STREAM_END_EVENT:
        return 0;
    case Y_SCALAR_EVENT: {
        int plain = ev->data.scalar.style <= Y_PLAIN_SCALAR_STYLE;
        value = PyUnicode_DecodeUTF8((const char *)ev->data.scalar.value,
                                     (Py_ssize_t)ev->data.scalar.length, "strict");
        if (value == NULL) goto done;
        if ((rng = make_range(b, &ev->start_mark, &ev->end_mark)) == NULL) goto done;
        PyObject *quoted = plain ? Py_False : Py_True;
        if (ev->data.scalar.tag == NULL) {
            if (plain && is_maybe_not_str(ev->data.scalar.value, ev->data.scalar.length)) {
                PyObject *resolved = PyObject_CallOneArg(b->resolve_plain, value);
                if (resolved == NULL) goto done;
                Py_SETREF(value, resolved);
            }
            PyObject *args[] = {b->scalar, rng, value, Py_None, Py_None, quoted};
            node = new_node(b, args, 6);
        } else {
            if ((tag = text_or_none(ev->data.scalar.tag)) == NULL) goto done;
            /* tagged(tag, plain, text) -> (value, report the tag?) */
            PyObject *out = PyObject_CallFunction(b->tagged, "OOO", tag, plain ? Py_True : Py_False,
                                                  value);
            if (out == NULL) goto done;
            PyObject *args[] = {b->scalar, rng, PyTuple_GET_ITEM(out, 0), Py_None, tag, quoted};
            node = new_node(b, args, 6);
            int report = PyObject_IsTrue(PyTuple_GET_ITEM(out, 1));
            Py_DECREF(out);
            if (node == NULL || report < 0) goto done;
            if (report && problem(b, Py_BuildValue("(snnO)", "tag", (Py_ssize_t)ev->start_mark.line,
                                                   (Py_ssize_t)ev->start_mark.column, tag)) < 0)
                goto done;
        }
        if (node == NULL) goto done;
        if (ev->data.scalar.anchor != NULL) {
            if ((anchor = text_or_none(ev->data.scalar.anchor)) == NULL) goto done;
            PyObject *entry = Py_BuildValue("(Oi)", node, 1);
            if (entry == NULL) goto done;
            int r = PyDict_SetItem(b->anchors, anchor, entry);
            Py_DECREF(entry);
            if (r < 0) goto done;
        }
        b->expanded += 1;
        if (attach(b, node, 1) < 0) goto done;
        result = 1;
        break;
    }
    case Y_SEQUENCE_START_EVENT:
    case Y_MAPPING_START_EVENT: {
        int is_seq = ev->type == Y_SEQUENCE_START_EVENT;
        unsigned char *t = is_seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
        unsigned char *a = is_seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        if ((rng = make_range(b, &ev->start_mark, &ev->end_mark)) == NULL) goto done;
        if ((tag = text_or_none(t)) == NULL) goto done;
        PyObject *items = PyList_New(0);
        if (items == NULL) goto done;
        if (b->direct) PyObject_GC_UnTrack(items);
        PyObject *args[] = {is_seq ? b->sequence : b->mapping, rng, Py_None, items, tag};
        node = new_node(b, args, 5);
        if (node == NULL) {
            Py_DECREF(items);
            goto done;
        }
        if (t != NULL) {
            /* tagged(tag, None, None) -> (None, report the tag?) */
            PyObject *out = PyObject_CallFunction(b->tagged, "OOO", tag, Py_None, Py_None);
            if (out == NULL) {
                Py_DECREF(items);
                goto done;
            }
            int report = PyObject_IsTrue(PyTuple_GET_ITEM(out, 1));
            Py_DECREF(out);
            if (report < 0 ||
                (report && problem(b, Py_BuildValue("(snnO)", "tag", (Py_ssize_t)ev->start_mark.line,
                                                    (Py_ssize_t)ev->start_mark.column, tag)) < 0)) {
                Py_DECREF(items);
                goto done;
            }
        }
        b->expanded += 1;
        if (attach(b, node, 0) < 0) {
            Py_DECREF(items);
            goto done;
        }
        if (b->depth >= b->max_depth) {
            Py_DECREF(items);
            if (problem(b, Py_BuildValue("(snn)", "depth", (Py_ssize_t)ev->start_mark.line,
                                         (Py_ssize_t)ev->start_mark.column)) < 0)
                goto done;
            result = 0;
            break;
        }
        if (a != NULL && (anchor = text_or_none(a)) == NULL) {
            Py_DECREF(items);
            goto done;
        }
        frame_t *f = &b->frames[b->depth++];
        f->node = node;
        node = NULL; /* the frame owns it now */
        f->items = items;
        Py_DECREF(items); /* borrowed from the node, which holds it */
        f->is_seq = is_seq;
        f->key = NULL;
        f->size = 1;
        f->anchor = anchor;
        anchor = NULL;
        result = 1;
        break;
    }
    case Y_SEQUENCE_END_EVENT:
    case Y_MAPPING_END_EVENT: {
        frame_t *f = &b->frames[--b->depth];
        node = f->node;
        anchor = f->anchor;
        Py_CLEAR(f->key);
        long long size = f->size;
        if (b->depth > 0) b->frames[b->depth - 1].size += size;
        if (anchor != NULL) {
            PyObject *entry = Py_BuildValue("(OL)", node, size);
            if (entry == NULL) goto done;
            int r = PyDict_SetItem(b->anchors, anchor, entry);
            Py_DECREF(entry);
            if (r < 0) goto done;
        }
        PyObject *start = PyObject_GetAttr(node, str_range);
        if (start == NULL) goto done;
        PyObject *end_col = column(b, ev->end_mark.line, ev->end_mark.column);
        if (end_col == NULL) {
            Py_DECREF(start);
            goto done;
        }
        rng = Py_BuildValue("(OOnN)", PyTuple_GET_ITEM(start, 0), PyTuple_GET_ITEM(start, 1),
                            (Py_ssize_t)ev->end_mark.line, end_col);
        Py_DECREF(start);
        if (rng == NULL) goto done;
        PyObject_GC_UnTrack(rng); /* numbers only */
        if (PyObject_SetAttr(node, str_range, rng) < 0) goto done;
        result = 1;
        break;
    }
    case Y_ALIAS_EVENT: {
        if ((anchor = text_or_none(ev->data.alias.anchor)) == NULL) goto done;
        PyObject *found = PyDict_GetItemWithError(b->anchors, anchor); /* borrowed */
        if (found == NULL && PyErr_Occurred()) goto done;
        long long size = found ? PyLong_AsLongLong(PyTuple_GET_ITEM(found, 1)) : 1;
        if (size == -1 && PyErr_Occurred()) goto done;
        if (found == NULL) {
            if (problem(b, Py_BuildValue("(snnO)", "alias", (Py_ssize_t)ev->start_mark.line,
                                         (Py_ssize_t)ev->start_mark.column, anchor)) < 0)
                goto done;
        } else if (b->expanded + size > b->max_expanded) {
            if (!b->over_limit &&
                problem(b, Py_BuildValue("(snn)", "expansion", (Py_ssize_t)ev->start_mark.line,
                                         (Py_ssize_t)ev->start_mark.column)) < 0)
                goto done;
            b->over_limit = 1;
            found = NULL;
        }
        b->expanded += size;
        if (found == NULL) {
            if ((rng = make_range(b, &ev->start_mark, &ev->end_mark)) == NULL) goto done;
            PyObject *args[] = {b->scalar, rng, Py_None};
            node = new_node(b, args, 3);
            if (node == NULL || attach(b, node, 1) < 0) goto done;
        } else if (attach(b, PyTuple_GET_ITEM(found, 0), size) < 0) {
            goto done;
        }
        result = 1;
        break;
    }
    default: /* stream and document starts and ends: nothing to build */
        result = 1;
    }
done:
    Py_XDECREF(node);
    Py_XDECREF(rng);
    Py_XDECREF(tag);
    Py_XDECREF(anchor);
    Py_XDECREF(value);
    return result;
}

/* parse(data, node_type, scalar, mapping, sequence, resolve_plain, tagged, astral, conv,
 *       max_depth, max_expanded)
 * -> (root, problems, still_open) or None when the Python path must decide.
 * problems: ("tag", line, col, tag) ("depth", line, col) ("alias", line, col, anchor)
 *           ("expansion", line, col) ("document", line, col)
 *           ("syntax", line, col, problem, context or None) ("reader", offset, value)
 * still_open: the containers an early stop left open, outermost first. */
static PyObject *yf_parse(PyObject *self, PyObject *args) {
    Py_buffer data;
    builder_t b;
    memset(&b, 0, sizeof b);
    if (y_parser_parse == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*OOOOOOOOiL", &data, &b.node_type, &b.scalar, &b.mapping,
                          &b.sequence, &b.resolve_plain, &b.tagged, &b.astral, &b.conv,
                          &b.max_depth, &b.max_expanded))
        return NULL;
    PyObject *out = NULL;
    node_layout(&b);
    void *parser = calloc(1, PARSER_BYTES);
    b.frames = calloc((size_t)b.max_depth + 1, sizeof(frame_t));
    b.problems = PyList_New(0);
    b.anchors = PyDict_New();
    int fallback = 0, documents = 0;
    if (parser == NULL || b.frames == NULL || b.problems == NULL || b.anchors == NULL) {
        PyErr_NoMemory();
        goto cleanup;
    }
    if (!y_parser_initialize(parser)) {
        free(parser);
        parser = NULL;
        PyErr_NoMemory();
        goto cleanup;
    }
    y_parser_set_input_string(parser, (const unsigned char *)data.buf, (size_t)data.len);
    for (;;) {
        yevent_t ev;
        if (!y_parser_parse(parser, &ev)) {
            yparser_head_t *p = (yparser_head_t *)parser;
            PyObject *t = NULL;
            if (p->error == Y_READER_ERROR) {
                t = Py_BuildValue("(sni)", "reader", (Py_ssize_t)p->problem_offset,
                                  p->problem_value);
            } else if ((p->error == Y_SCANNER_ERROR || p->error == Y_PARSER_ERROR) &&
                       p->problem != NULL) {
                ymark_t *m = &p->problem_mark;
                t = Py_BuildValue("(snnsz)", "syntax", (Py_ssize_t)m->line, (Py_ssize_t)m->column,
                                  p->problem, p->context);
            } else {
                fallback = 1; /* a memory error, or one the Python path words differently */
                break;
            }
            if (problem(&b, t) < 0) fallback = 1;
            break;
        }
        int go;
        if (ev.type == Y_DOCUMENT_START_EVENT && ++documents > 1) {
            go = problem(&b, Py_BuildValue("(snn)", "document", (Py_ssize_t)ev.start_mark.line,
                                           (Py_ssize_t)ev.start_mark.column)) < 0
                     ? -1
                     : 0;
        } else {
            go = on_event(&b, &ev);
        }
        y_event_delete(&ev);
        if (go < 0) {
            fallback = 1;
            break;
        }
        if (go == 0) break;
    }
    if (fallback) {
        PyErr_Clear();
        Py_INCREF(Py_None);
        out = Py_None;
        goto cleanup;
    }
    PyObject *still_open = PyList_New(b.depth);
    if (still_open == NULL) goto cleanup;
    for (int i = 0; i < b.depth; i++) {
        Py_INCREF(b.frames[i].node);
        PyList_SET_ITEM(still_open, i, b.frames[i].node);
    }
    out = Py_BuildValue("(OON)", b.root ? b.root : Py_None, b.problems, still_open);
cleanup:
    if (parser != NULL) {
        y_parser_delete(parser);
        free(parser);
    }
    if (b.frames != NULL) {
        for (int i = 0; i < b.depth; i++) {
            Py_XDECREF(b.frames[i].node);
            Py_XDECREF(b.frames[i].key);
            Py_XDECREF(b.frames[i].anchor);
        }
        free(b.frames);
    }
    Py_XDECREF(b.root);
    Py_XDECREF(b.problems);
    Py_XDECREF(b.anchors);
    PyBuffer_Release(&data);
    return out;
}

/* bind(path): look libyaml's functions up in the shared object at `path`. */
static PyObject *yf_bind(PyObject *self, PyObject *args) {
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        PyErr_Format(PyExc_ImportError, "cannot open %s: %s", path, dlerror());
        return NULL;
    }
#define SYM(var, name)                                                                    \
    *(void **)(&var) = dlsym(lib, name);                                                  \
    if (var == NULL) {                                                                    \
        PyErr_Format(PyExc_ImportError, "%s has no %s", path, name);                      \
        return NULL;                                                                      \
    }
    SYM(y_get_version_string, "yaml_get_version_string");
    const char *version = y_get_version_string();
    /* the 0.1 and 0.2 series share the ABI declared above (soname libyaml-0.so.2) */
    if (strncmp(version, "0.1.", 4) != 0 && strncmp(version, "0.2.", 4) != 0) {
        PyErr_Format(PyExc_ImportError, "libyaml %s has an ABI this module does not know", version);
        return NULL;
    }
    SYM(y_parser_initialize, "yaml_parser_initialize");
    SYM(y_parser_delete, "yaml_parser_delete");
    SYM(y_parser_set_input_string, "yaml_parser_set_input_string");
    SYM(y_event_delete, "yaml_event_delete");
    SYM(y_parser_parse, "yaml_parser_parse");
#undef SYM
    return PyUnicode_FromString(version);
}

static PyMethodDef methods[] = {
    {"bind", yf_bind, METH_VARARGS, "Bind to the libyaml inside the shared object at a path."},
    {"parse", yf_parse, METH_VARARGS, "YAML bytes -> (root, problems, still_open) or None."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_yamlfast", NULL, -1, methods};

PyMODINIT_FUNC PyInit__yamlfast(void) {
    str_range = PyUnicode_InternFromString("range");
    if (str_range == NULL) return NULL;
    return PyModule_Create(&module);
}
