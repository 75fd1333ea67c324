/* Call Details: one stored row's text (call_rows.encode_row's compact JSON, its times as epoch ms) rendered as
 * the route serves it, straight from text to text. call_rows.render_row is the reference (the rules are in
 * call_rows.py); this module does the same without building Python objects.
 *
 * Why C: a page of 100 rows (~90 kB) took ~2.3 ms in Python, ~5x its database fetch: json.loads, walking the
 * row for its time fields, the times' formatting and json.dumps (bench/bench_call_details.py); here ~0.05 ms
 * (timeit: the page in one call and one buffer; ~0.08 ms a row at a time, each its own bytes, then joined).
 * tests/contactcenter/test_call_rows_render.py compares the two under hypothesis.
 *
 * What it renders: the text encode_row writes, the only writer of conversations.row: one JSON object, no
 * whitespace, no duplicate keys, strings escaped as json.dumps(ensure_ascii=False) escapes them, numbers as
 * Python writes ints and floats. Every value copied is checked to be in that form, so that copying it is what
 * json.loads then json.dumps would give; anything else (and a time outside MIN_MS..MAX_MS) returns None and
 * Python renders the row. Nothing here raises for a row's content: only MemoryError, or a TypeError for
 * arguments of the wrong type.
 *
 * How: the row's top-level members are copied one by one, skipping the dropped keys and writing the two row
 * times. Each object of `destinations` is listed first (its members' spans, checked), since its
 * destinationType may come after the keys it decides; a QueueEntry writes its own times and its agent
 * segments, anything else is a bare segment. A segment is listed first too: its computed durations depend on
 * keys that may come later. What an enclosing listing has checked is only skipped over again, not rechecked.
 *
 * Layouts: the ingest runs this walk once per row (layout()), recording where it writes a time, where a member
 * a view may drop sits and where it inserts a duration; a page replays each row's layout instead of walking it
 * (replay()): 100 simulated rows in ~10 us against ~55-65 us walked (timeit, call_rows.render_page).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../analytics/_buffer.h"
#include "../analytics/_civil.h"

#define MINUTE_MS 60000
/* call_rows.MIN_MS, MAX_MS (tests compare them). */
#define MIN_MS ((int64_t)0)
#define MAX_MS ((int64_t)253402300799999 - 840 * MINUTE_MS)
#define MAX_DEPTH 64          /* deeper rows go to Python (ingest allows 16 levels) */
#define MAX_INT_DIGITS 4300   /* json.loads refuses longer ints (sys.int_info.default_max_str_digits) */
#define MAX_DROPPED 32
#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

typedef struct { const char *s; Py_ssize_t n; } Span;

/* One member of a listed object: the key with its quotes (and a tag of its length and three of its bytes,
 * compared before the texts), the value's text. */
typedef struct {
    const char *key;
    Py_ssize_t key_len;
    uint64_t tag;
    const char *value, *value_end;
} Member;

#define LOCAL_MEMBERS 256

typedef struct {
    const char *end;  /* end of the input */
    Buffer out;
    int64_t offset_ms;
    int drop_snooze;
    Span dropped[MAX_DROPPED];  /* top-level keys left out, with their quotes */
    uint64_t dropped_lengths;   /* bit n % 64 set for each dropped key's length n: most keys need no compare */
    Py_ssize_t n_dropped;
    Member *members;  /* a stack: each listed object's members above its caller's; `local` until it grows */
    Py_ssize_t n_members, cap_members;
    Py_ssize_t mark;  /* the index of the innermost object's mark */
    int64_t day;      /* the day (since 1970-01-01) whose `YYYY-MM-DD` is in `date`: a row's times share a few */
    char date[10];
    /* layout(): the row's layout written here as the row is walked (ops at input positions from `base`) */
    Buffer *ops;
    const char *base;
    Py_ssize_t last_start;
    Member local[LOCAL_MEMBERS];
} Ctx;

/* Results: a pointer past what was read, or NULL: not renderable here (Python renders the row), or, when
 * PyErr_Occurred(), out of memory. */

#define KEY(s) s, (Py_ssize_t)(sizeof(s) - 1)

static int
key_is(const char *key, Py_ssize_t len, const char *word, Py_ssize_t word_len)
{
    return len == word_len && memcmp(key, word, (size_t)len) == 0;
}

/* --- checking the stored form ---------------------------------------------------------------------------------- */

/* ASCII bytes json.dumps(ensure_ascii=False) writes as they are inside a string: all but controls, '"' and '\\'.
 * A byte from 0x80 is copied too, once utf8_char has found it part of a valid character. */
static unsigned char plain[256];

static void
init_plain(void)
{
    for (int c = 0; c < 256; c++)
        plain[c] = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static int
lower_hex(char c)
{
    return (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* A string at p ('"') with only the escapes json.dumps writes: \" \\ \b \f \n \r \t, and \u00xx (lower-case
 * hex) for the other controls. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Nonzero when one of the 8 bytes is a control, '"', '\\' or from 0x80 (the bit tricks for "a byte below n" and "a zero
 * byte": exact as to whether there is one). */
static inline uint64_t
special8(uint64_t w)
{
    uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');
    return (((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | w) & HIGHS;
}

/* The length of the UTF-8 character at p (a byte from 0x80), or 0 when it is none (RFC 3629: shortest forms, no
 * surrogates, at most U+10FFFF). A str's UTF-8 always is one; a row fetched as bytes (the route's read: no decoding
 * into a str and encoding back, a tenth of a page's instructions with a tenth of its rows non-ASCII, callgrind)
 * is checked here, character by character where its strings are scanned, not in a pass of its own. */
static Py_ssize_t
utf8_char(const unsigned char *p, const unsigned char *end)
{
    unsigned char b = *p, low = 0x80, high = 0xBF;  /* the second byte's range */
    Py_ssize_t need;
    if (b >= 0xC2 && b <= 0xDF)
        need = 1;
    else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            low = 0xA0;  /* no overlong form */
        else if (b == 0xED)
            high = 0x9F;  /* no surrogate */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            low = 0x90;
        else if (b == 0xF4)
            high = 0x8F;  /* at most U+10FFFF */
    } else
        return 0;
    if (end - p <= need || p[1] < low || p[1] > high)
        return 0;
    for (Py_ssize_t k = 2; k <= need; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

/* Inlined, as push_member: called for every key and string, their calls were a fifth of their instructions. */
static inline ALWAYS_INLINE const char *
checked_string(const char *p, const char *end)
{
    p++;
    for (;;) {
#ifdef __SSE2__
        /* 16 bytes a step where the CPU has SSE2 (every x86-64): the strings were most of a page's instructions
         * (callgrind), and SWAR's 8 bytes take more instructions than these 16. The SWAR loop does the rest. */
        const __m128i quote16 = _mm_set1_epi8('"'), backslash16 = _mm_set1_epi8('\\');
        const __m128i control_max = _mm_set1_epi8(0x1f);
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            __m128i special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, quote16), _mm_cmpeq_epi8(v, backslash16)),
                _mm_cmpeq_epi8(_mm_min_epu8(v, control_max), v));  /* v <= 0x1f, unsigned */
            int found = _mm_movemask_epi8(_mm_or_si128(special, v));  /* and bytes from 0x80 */
            if (found) {
                p += __builtin_ctz((unsigned)found);
                goto special_byte;
            }
            p += 16;
        }
#endif
        uint64_t w;
        while (end - p >= 8) {
            memcpy(&w, p, 8);
            uint64_t found = special8(w);
            if (found) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                /* The lowest flagged byte is the first special one (a borrow only flags bytes above it): go
                 * straight to it rather than byte by byte, most of a short string (timeit: a page ~15 % faster). */
                p += __builtin_ctzll(found) >> 3;
#endif
                break;
            }
            p += 8;
        }
        while (p < end && plain[(unsigned char)*p])
            p++;
#ifdef __SSE2__
    special_byte:
#endif
        if (p >= end)
            return NULL;
        if (*p == '"')
            return p + 1;
        if ((unsigned char)*p >= 0x80) {
            Py_ssize_t n = utf8_char((const unsigned char *)p, (const unsigned char *)end);
            if (n == 0)
                return NULL;
            p += n;
            continue;
        }
        if (*p != '\\' || end - p < 2)
            return NULL;
        switch (p[1]) {
        case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u': {
            if (end - p < 6 || p[2] != '0' || p[3] != '0' || (p[4] != '0' && p[4] != '1'))
                return NULL;
            int low = lower_hex(p[5]);
            if (low < 0)
                return NULL;
            int code = (p[4] - '0') * 16 + low;
            if (code == '\b' || code == '\f' || code == '\n' || code == '\r' || code == '\t')
                return NULL;
            p += 6;
            break;
        }
        default:
            return NULL;
        }
    }
}

static const char *
digits(const char *p, const char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* A number as Python writes it: an int without leading zeros (never -0), or a float as repr() writes it. */
static const char *
checked_number(const char *p, const char *end)
{
    const char *start = p;
    if (*p == '-')
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return NULL;
    const char *first = p;
    p = *p == '0' ? p + 1 : digits(p, end);
    int is_float = 0;
    if (p < end && *p == '.') {
        const char *fraction = ++p;
        if ((p = digits(p, end)) == fraction)
            return NULL;
        is_float = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *exponent = p;
        if ((p = digits(p, end)) == exponent)
            return NULL;
        is_float = 1;
    }
    if (!is_float) {
        if ((p - start == 2 && start[0] == '-' && start[1] == '0') || p - first > MAX_INT_DIGITS)
            return NULL;
        return p;
    }
    char text[40];
    Py_ssize_t len = p - start;
    if (len >= (Py_ssize_t)sizeof(text))
        return NULL;
    memcpy(text, start, (size_t)len);
    text[len] = '\0';
    char *parsed_end;
    double value = PyOS_string_to_double(text, &parsed_end, NULL);
    if (value == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return NULL;
    }
    if (parsed_end != text + len || !isfinite(value))
        return NULL;
    char *repr = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (repr == NULL)
        return NULL;  /* MemoryError set */
    int same = (Py_ssize_t)strlen(repr) == len && memcmp(repr, text, (size_t)len) == 0;
    PyMem_Free(repr);
    return same ? p : NULL;
}

static int
grow(Ctx *c)
{
    if (c->n_members < c->cap_members)
        return 0;
    Py_ssize_t cap = c->cap_members * 2;
    Member *grown = c->members == c->local ? PyMem_Malloc((size_t)cap * sizeof(Member))
                                           : PyMem_Realloc(c->members, (size_t)cap * sizeof(Member));
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (c->members == c->local)
        memcpy(grown, c->local, sizeof(c->local));
    c->members = grown;
    c->cap_members = cap;
    return 0;
}

/* Each object's members sit above a mark on the stack: a NULL key, the enclosing object's mark as its key_len,
 * and as its tag a mask of the object's key tags (hashed to one bit each) so that most keys need no search. */
static int
push_mark(Ctx *c)
{
    if (grow(c) < 0)
        return -1;
    c->members[c->n_members] = (Member){NULL, c->mark, 0, NULL, NULL};
    c->mark = c->n_members++;
    return 0;
}

static void
pop_to(Ctx *c, Py_ssize_t base)
{
    c->mark = c->members[base].key_len;
    c->n_members = base;
}

/* 0, 1 when the object already has this key (json.loads would keep the last value at the first key's place:
 * not renderable here; searched only when `dups`), -1 for no memory. Canonical strings are equal exactly when
 * their texts are. */
static inline ALWAYS_INLINE int
push_member(Ctx *c, const char *key, Py_ssize_t key_len, int dups)
{
    /* key_len >= 2: the quotes */
    uint64_t tag = (uint64_t)key_len << 24 | (uint64_t)(unsigned char)key[1] << 16
                   | (uint64_t)(unsigned char)key[key_len / 2] << 8 | (unsigned char)key[key_len - 2];
    if (dups) {
        uint64_t bit = (uint64_t)1 << ((tag * 0x9E3779B97F4A7C15ULL) >> 58);
        if (c->members[c->mark].tag & bit) {
            for (Py_ssize_t i = c->n_members - 1; i > c->mark; i--)
                if (c->members[i].tag == tag && c->members[i].key_len == key_len
                    && memcmp(c->members[i].key, key, (size_t)key_len) == 0)
                    return 1;
        }
        c->members[c->mark].tag |= bit;
    }
    if (grow(c) < 0)
        return -1;
    c->members[c->n_members++] = (Member){key, key_len, tag, NULL, NULL};
    return 0;
}

static const char *checked_value(Ctx *c, const char *p, int depth);

/* An object at p ('{'), checked whole (members on the stack while it is read, popped after). */
static const char *
checked_object(Ctx *c, const char *p, int depth)
{
    const char *end = c->end;
    Py_ssize_t base = c->n_members;
    if (push_mark(c) < 0)
        return NULL;
    p++;
    if (p < end && *p == '}') {
        pop_to(c, base);
        return p + 1;
    }
    for (;;) {
        const char *key = p;
        if (p >= end || *p != '"' || (p = checked_string(p, end)) == NULL)
            goto fail;
        int seen = push_member(c, key, p - key, 1);
        if (seen != 0 || p >= end || *p != ':')
            goto fail;
        if ((p = checked_value(c, p + 1, depth + 1)) == NULL || p >= end)
            goto fail;
        if (*p == '}')
            break;
        if (*p != ',')
            goto fail;
        p++;
    }
    pop_to(c, base);
    return p + 1;
fail:
    pop_to(c, base);
    return NULL;
}

static const char *
checked_array(Ctx *c, const char *p, int depth)
{
    const char *end = c->end;
    p++;
    if (p < end && *p == ']')
        return p + 1;
    for (;;) {
        if ((p = checked_value(c, p, depth + 1)) == NULL || p >= end)
            return NULL;
        if (*p == ']')
            return p + 1;
        if (*p != ',')
            return NULL;
        p++;
    }
}

/* Any value at p, checked to be in the stored form; returns the end of its text. */
static const char *
checked_value(Ctx *c, const char *p, int depth)
{
    const char *end = c->end;
    if (p >= end || depth > MAX_DEPTH)
        return NULL;
    switch (*p) {
    case '"':
        return checked_string(p, end);
    case '{':
        return checked_object(c, p, depth);
    case '[':
        return checked_array(c, p, depth);
    case 't':
        return end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        return checked_number(p, end);
    }
}

/* --- skipping what is known to be checked ---------------------------------------------------------------------- */

static const char *
skip_string(const char *p, const char *end)
{
    p++;
    while (p < end) {
        if (*p == '"')
            return p + 1;
        p += *p == '\\' ? 2 : 1;
    }
    return NULL;
}

static const char *
skip_value(const char *p, const char *end)
{
    if (*p == '"')
        return skip_string(p, end);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            char ch = *p;
            if (ch == '"') {
                if ((p = skip_string(p, end)) == NULL)
                    return NULL;
                continue;
            }
            if (ch == '{' || ch == '[')
                depth++;
            else if ((ch == '}' || ch == ']') && --depth == 0)
                return p + 1;
            p++;
        }
        return NULL;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']')
        p++;
    return p;
}

/* The members of the object at p onto the stack (above a mark at the returned base), their values checked
 * unless `checked` (an enclosing listing checked them). Returns the end of the object, or NULL. */
static const char *
list_members(Ctx *c, const char *p, int checked, int depth, Py_ssize_t *base)
{
    const char *end = c->end;
    *base = c->n_members;
    if (push_mark(c) < 0)
        return NULL;
    p++;
    if (p < end && *p == '}')
        return p + 1;
    for (;;) {
        const char *key = p;
        if (checked) {
            if ((p = skip_string(p, end)) == NULL || push_member(c, key, p - key, 0) < 0)
                return NULL;
        } else {
            if (p >= end || *p != '"' || (p = checked_string(p, end)) == NULL)
                return NULL;
            if (push_member(c, key, p - key, 1) != 0 || p >= end || *p != ':')
                return NULL;
        }
        const char *value = p + 1;
        p = checked ? skip_value(value, end) : checked_value(c, value, depth + 1);
        if (p == NULL || p >= end)
            return NULL;
        c->members[c->n_members - 1].value = value;
        c->members[c->n_members - 1].value_end = p;
        if (*p == '}')
            return p + 1;
        if (*p != ',')
            return NULL;
        p++;
    }
}

/* --- writing --------------------------------------------------------------------------------------------------- */

/* `YYYY-MM-DDTHH:MM:SS` of ms floored to the second (years 1969..9999 here: MIN_MS..MAX_MS at +-840 min). */
static char *
civil_text(Ctx *c, char *p, int64_t ms)
{
    int64_t seconds = floor_div(ms, 1000);
    int64_t days = floor_div(seconds, 86400);
    int second_of_day = (int)(seconds - days * 86400);
    if (days != c->day) {
        int64_t year;
        int month, day;
        civil_from_days(days, &year, &month, &day);
        char *d = c->date;
        d = two_digits(d, (int)(year / 100));
        d = two_digits(d, (int)(year % 100));
        *d++ = '-';
        d = two_digits(d, month);
        *d++ = '-';
        two_digits(d, day);
        c->day = days;
    }
    memcpy(p, c->date, 10);
    p += 10;
    *p++ = 'T';
    p = two_digits(p, second_of_day / 3600);
    *p++ = ':';
    p = two_digits(p, second_of_day / 60 % 60);
    *p++ = ':';
    return two_digits(p, second_of_day % 60);
}

/* The value's text as a stored instant: 1 and *ms when it is an int in MIN_MS..MAX_MS, 0 when it is no int
 * (a float, a string, null...: not a time, copied), -1 for an int out of that range (Python renders it). */
static int
stored_ms(const char *v, const char *v_end, int64_t *ms)
{
    const char *p = v;
    if (p < v_end && *p == '-')
        p++;
    if (p >= v_end || *p < '0' || *p > '9' || digits(p, v_end) != v_end)
        return 0;
    if (v_end - p > 15 || *v == '-')
        return -1;
    int64_t value = 0;
    for (; p < v_end; p++)
        value = value * 10 + (*p - '0');
    if (value < MIN_MS || value > MAX_MS)
        return -1;
    *ms = value;
    return 1;
}

/* --- the layout (layout() records it, render() replays it) ------------------------------------------------------
 *
 * A row's layout: where, in its stored text, the renderer has something to do other than copy, so that a row with
 * one is rendered by copies, time formatting and a few inserts, without walking its JSON (the walk checks every
 * value: ~40 % of a page's instructions, callgrind). Bytes: LAYOUT_VERSION, the text's length (varint), then one op
 * per place, in the order of their start in the text, each a kind byte and the start's distance from the previous
 * op's start (varint), then:
 *   OP_NAIVE, OP_ZULU   the length of the stored instant's digits (a byte): the time field's value, written as text;
 *   OP_DROP             the member's class (an index in DROPPABLE, a byte) and its length (varint): `"key":value`,
 *                       left out with one comma next to it when the reader's view drops that class;
 *   OP_AFTER_FRD, OP_AFTER_ID, OP_BEFORE_ACWD  a computed duration (varint), inserted at the start as
 *                       `,"firstResponseDuration":N` / `,"interactionDuration":N` / `"afterCallWorkDuration":N,`.
 * layout() walks the row as render() does, with nothing dropped, and records these where that walk writes them;
 * a row it cannot render has no layout. */
#define LAYOUT_VERSION 1
enum { OP_NAIVE, OP_ZULU, OP_DROP, OP_AFTER_FRD, OP_AFTER_ID, OP_BEFORE_ACWD };

/* The classes of droppable members: the top-level keys View.dropped() may name, then snoozeinfo in segments
 * (call_rows.DROPPABLE; the tests compare them). */
static const Span DROPPABLE[] = {
    {KEY("\"Direction\"")}, {KEY("\"smartStatus\"")}, {KEY("\"reason\"")}, {KEY("\"errorDetails\"")},
    {KEY("\"isVoicemail\"")}, {KEY("\"skills\"")}, {KEY("\"customerinfo\"")}, {KEY("\"userleveltags\"")},
    {KEY("\"sessionleveltags\"")}, {KEY("\"campaigninfo\"")}, {KEY("\"snoozeinfo\"")},
};
#define N_TOP_DROPPABLE 10
#define SNOOZE_CLASS 10

static int
put_varint(Buffer *b, uint64_t v)
{
    unsigned char text[10];
    int n = 0;
    do {
        text[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return put(b, (const char *)text, n);
}

/* One op at `start` (an input pointer); -1 for no memory, or for a start before the previous op's (the layout
 * would not replay: layout() then gives none). */
static int
record(Ctx *c, int kind, const char *start, uint64_t arg, uint64_t value)
{
    Py_ssize_t at = start - c->base;
    if (at < c->last_start)
        return -1;
    unsigned char k = (unsigned char)kind;
    if (put(c->ops, (const char *)&k, 1) < 0 || put_varint(c->ops, (uint64_t)(at - c->last_start)) < 0)
        return -1;
    c->last_start = at;
    if (kind == OP_NAIVE || kind == OP_ZULU) {
        unsigned char n = (unsigned char)arg;  /* at most 15 digits (stored_ms) */
        return put(c->ops, (const char *)&n, 1);
    }
    if (kind == OP_DROP) {
        unsigned char cls = (unsigned char)arg;
        return put(c->ops, (const char *)&cls, 1) < 0 ? -1 : put_varint(c->ops, value);
    }
    return put_varint(c->ops, value);
}

/* The class of a droppable member (its key with quotes), or -1. */
static int
droppable_class(const Member *m)
{
    for (int i = 0; i < (int)(sizeof(DROPPABLE) / sizeof(DROPPABLE[0])); i++)
        if (key_is(m->key, m->key_len, DROPPABLE[i].s, DROPPABLE[i].n))
            return i;
    return -1;
}

/* A stored instant as the field's text: `"YYYY-MM-DDTHH:MM:SS.mmmZ"` (zulu) or naive at the reader's offset. */
static int
put_instant(Ctx *c, int64_t ms, int zulu)
{
    char text[32];
    char *p = text;
    *p++ = '"';
    if (zulu) {
        p = civil_text(c, p, ms);
        int millis = (int)(ms % 1000);
        *p++ = '.';
        *p++ = (char)('0' + millis / 100);
        p = two_digits(p, millis % 100);
        *p++ = 'Z';
    } else {
        p = civil_text(c, p, ms - c->offset_ms);
    }
    *p++ = '"';
    return put(&c->out, text, p - text);
}

/* A time field's value: its naive local text or its Z text when it is a stored instant, else as it is.
 * Returns 0, or -1 (not renderable, or no memory). */
static int
put_time(Ctx *c, const char *v, const char *v_end, int zulu)
{
    int64_t ms;
    int kind = stored_ms(v, v_end, &ms);
    if (kind < 0)
        return -1;
    if (kind == 0)
        return put(&c->out, v, v_end - v);
    if (c->ops != NULL && record(c, zulu ? OP_ZULU : OP_NAIVE, v, (uint64_t)(v_end - v), 0) < 0)
        return -1;
    return put_instant(c, ms, zulu);
}

static int
put_int(Ctx *c, const char *prefix, Py_ssize_t prefix_len, int64_t value)
{
    char text[24];
    int n = snprintf(text, sizeof(text), "%lld", (long long)value);
    if (put(&c->out, prefix, prefix_len) < 0)
        return -1;
    return put(&c->out, text, n);
}

static int
put_key(Ctx *c, const Member *m, int *first)
{
    if (!*first && PUT_LITERAL(&c->out, ",") < 0)
        return -1;
    *first = 0;
    if (put(&c->out, m->key, m->key_len) < 0)
        return -1;
    return PUT_LITERAL(&c->out, ":");
}

static int
is_one_of(const Member *m, const Span *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (key_is(m->key, m->key_len, keys[i].s, keys[i].n))
            return 1;
    return 0;
}

/* Time fields by place (call_rows.SEGMENT_NAIVE, CONSULTING_NAIVE; module attributes, compared by the tests). */
static const Span SEGMENT_NAIVE[] = {
    {KEY("\"assignedAt\"")}, {KEY("\"acceptedTime\"")}, {KEY("\"firstResponseTime\"")},
    {KEY("\"interactionEndTime\"")}, {KEY("\"afterCallWorkEndTime\"")},
};
static const Span CONSULTING_NAIVE[] = {
    {KEY("\"assignedAt\"")}, {KEY("\"acceptedTime\"")}, {KEY("\"consultingEndTime\"")},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An object whose members are listed above base: each written, times converted (keys of `naive`). */
static int
write_consulting(Ctx *c, Py_ssize_t base)
{
    int first = 1;
    if (PUT_LITERAL(&c->out, "{") < 0)
        return -1;
    for (Py_ssize_t i = base + 1; i < c->n_members; i++) {
        Member m = c->members[i];
        if (put_key(c, &m, &first) < 0)
            return -1;
        int r = is_one_of(&m, CONSULTING_NAIVE, COUNT(CONSULTING_NAIVE)) ? put_time(c, m.value, m.value_end, 0)
                                                                        : put(&c->out, m.value, m.value_end - m.value);
        if (r < 0)
            return -1;
    }
    return PUT_LITERAL(&c->out, "}");
}

/* An array at v (checked): each object in it written by `object`, anything else as it is. */
static int
write_array(Ctx *c, const char *v, const char *v_end, int (*object)(Ctx *, const char *, int))
{
    const char *p = v + 1, *end = v_end;
    if (PUT_LITERAL(&c->out, "[") < 0)
        return -1;
    while (p < end && *p != ']') {
        if (p > v + 1) {
            if (PUT_LITERAL(&c->out, ",") < 0)
                return -1;
            p++;  /* the comma */
        }
        const char *item_end = skip_value(p, end);
        if (item_end == NULL)
            return -1;
        int r = *p == '{' ? object(c, p, 1) : put(&c->out, p, item_end - p);
        if (r < 0)
            return -1;
        p = item_end;
    }
    return PUT_LITERAL(&c->out, "]");
}

static int
consulting_agent(Ctx *c, const char *p, int checked)
{
    Py_ssize_t base;
    int r = list_members(c, p, checked, 0, &base) == NULL ? -1 : write_consulting(c, base);
    pop_to(c, base);
    return r;
}

/* call_rows.seconds_between: whole seconds from start to end, none (-1) when either is missing or end < start. */
static int64_t
seconds_between(int has_start, int64_t start, int has_end, int64_t end)
{
    return has_start && has_end && end >= start ? (end - start) / 1000 : -1;
}

/* An agent segment whose members are listed above base (call_rows.render_row: its computed durations, its
 * snoozeinfo left out when asked, its times). */
static int
write_segment(Ctx *c, Py_ssize_t base)
{
    enum { ACCEPTED, FIRST_RESPONSE, INTERACTION_END, ACW_END, TIMES };
    static const Span times[TIMES] = {
        {KEY("\"acceptedTime\"")}, {KEY("\"firstResponseTime\"")}, {KEY("\"interactionEndTime\"")},
        {KEY("\"afterCallWorkEndTime\"")},
    };
    int64_t at[TIMES] = {0};
    int has[TIMES] = {0};
    int has_frd = 0, has_id = 0, has_acwd = 0;
    for (Py_ssize_t i = base + 1; i < c->n_members; i++) {
        const Member *m = &c->members[i];
        for (int t = 0; t < TIMES; t++)
            if (key_is(m->key, m->key_len, times[t].s, times[t].n)) {
                int kind = stored_ms(m->value, m->value_end, &at[t]);
                if (kind < 0)
                    return -1;
                has[t] = kind;
            }
        has_frd |= key_is(m->key, m->key_len, KEY("\"firstResponseDuration\""));
        has_id |= key_is(m->key, m->key_len, KEY("\"interactionDuration\""));
        has_acwd |= key_is(m->key, m->key_len, KEY("\"afterCallWorkDuration\""));
    }
    int64_t frd = has_frd ? -1 : seconds_between(has[ACCEPTED], at[ACCEPTED], has[FIRST_RESPONSE], at[FIRST_RESPONSE]);
    int64_t id = has_id ? -1 : seconds_between(has[ACCEPTED], at[ACCEPTED], has[INTERACTION_END], at[INTERACTION_END]);
    int64_t acwd = has_acwd ? -1
                            : seconds_between(has[INTERACTION_END], at[INTERACTION_END], has[ACW_END], at[ACW_END]);

    int first = 1;
    if (PUT_LITERAL(&c->out, "{") < 0)
        return -1;
    for (Py_ssize_t i = base + 1; i < c->n_members; i++) {
        Member m = c->members[i];
        if (key_is(m.key, m.key_len, KEY("\"snoozeinfo\""))) {
            if (c->drop_snooze)
                continue;
            if (c->ops != NULL && record(c, OP_DROP, m.key, SNOOZE_CLASS, (uint64_t)(m.value_end - m.key)) < 0)
                return -1;
        }
        if (acwd >= 0 && key_is(m.key, m.key_len, times[ACW_END].s, times[ACW_END].n)) {
            if (c->ops != NULL && record(c, OP_BEFORE_ACWD, m.key, 0, (uint64_t)acwd) < 0)
                return -1;
            if ((first ? put_int(c, KEY("\"afterCallWorkDuration\":"), acwd)
                       : put_int(c, KEY(",\"afterCallWorkDuration\":"), acwd)) < 0)
                return -1;
            first = 0;
        }
        if (put_key(c, &m, &first) < 0)
            return -1;
        int r;
        if (is_one_of(&m, SEGMENT_NAIVE, COUNT(SEGMENT_NAIVE)))
            r = put_time(c, m.value, m.value_end, 0);
        else if (key_is(m.key, m.key_len, KEY("\"ConsultingAgents\"")) && *m.value == '[')
            r = write_array(c, m.value, m.value_end, consulting_agent);
        else
            r = put(&c->out, m.value, m.value_end - m.value);
        if (r < 0)
            return -1;
        if (frd >= 0 && key_is(m.key, m.key_len, times[FIRST_RESPONSE].s, times[FIRST_RESPONSE].n)
            && ((c->ops != NULL && record(c, OP_AFTER_FRD, m.value_end, 0, (uint64_t)frd) < 0)
                || put_int(c, KEY(",\"firstResponseDuration\":"), frd) < 0))
            return -1;
        if (id >= 0 && key_is(m.key, m.key_len, times[INTERACTION_END].s, times[INTERACTION_END].n)
            && ((c->ops != NULL && record(c, OP_AFTER_ID, m.value_end, 0, (uint64_t)id) < 0)
                || put_int(c, KEY(",\"interactionDuration\":"), id) < 0))
            return -1;
    }
    return PUT_LITERAL(&c->out, "}");
}

static int
segment(Ctx *c, const char *p, int checked)
{
    Py_ssize_t base;
    int r = list_members(c, p, checked, 0, &base) == NULL ? -1 : write_segment(c, base);
    pop_to(c, base);
    return r;
}

/* A QueueEntry whose members are listed above base: its times, its agent segments. */
static int
write_queue_entry(Ctx *c, Py_ssize_t base)
{
    int first = 1;
    if (PUT_LITERAL(&c->out, "{") < 0)
        return -1;
    for (Py_ssize_t i = base + 1; i < c->n_members; i++) {
        Member m = c->members[i];
        if (put_key(c, &m, &first) < 0)
            return -1;
        int r;
        if (key_is(m.key, m.key_len, KEY("\"EnterTime\"")))
            r = put_time(c, m.value, m.value_end, 0);
        else if (key_is(m.key, m.key_len, KEY("\"CallbackOptedTime\""))
                 || key_is(m.key, m.key_len, KEY("\"userCallbackAcceptTime\"")))
            r = put_time(c, m.value, m.value_end, 1);
        else if (key_is(m.key, m.key_len, KEY("\"respondingAgent\"")) && *m.value == '{')
            r = segment(c, m.value, 1);
        else if (key_is(m.key, m.key_len, KEY("\"nonRespondingAgents\"")) && *m.value == '[')
            r = write_array(c, m.value, m.value_end, segment);
        else
            r = put(&c->out, m.value, m.value_end - m.value);
        if (r < 0)
            return -1;
    }
    return PUT_LITERAL(&c->out, "}");
}

/* One object of `destinations` (not yet checked): a QueueEntry, or else a bare agent segment. Returns the end of
 * its text. */
static const char *
destination(Ctx *c, const char *p, int depth)
{
    Py_ssize_t base;
    const char *end = list_members(c, p, 0, depth, &base);
    if (end != NULL) {
        int queue_entry = 0;
        for (Py_ssize_t i = base + 1; i < c->n_members; i++) {
            const Member *m = &c->members[i];
            if (key_is(m->key, m->key_len, KEY("\"destinationType\"")))
                queue_entry = key_is(m->value, m->value_end - m->value, KEY("\"QueueEntry\""));
        }
        if ((queue_entry ? write_queue_entry(c, base) : write_segment(c, base)) < 0)
            end = NULL;
    }
    pop_to(c, base);
    return end;
}

/* `destinations` when it is an array (not yet checked); returns the end of its text. */
static const char *
destinations(Ctx *c, const char *p)
{
    const char *end = c->end;
    if (PUT_LITERAL(&c->out, "[") < 0)
        return NULL;
    p++;
    if (p < end && *p == ']')
        return PUT_LITERAL(&c->out, "]") < 0 ? NULL : p + 1;
    for (;;) {
        if (p >= end)
            return NULL;
        if (*p == '{') {
            p = destination(c, p, 2);
        } else {
            const char *item_end = checked_value(c, p, 2);
            if (item_end != NULL && put(&c->out, p, item_end - p) < 0)
                return NULL;
            p = item_end;
        }
        if (p == NULL || p >= end)
            return NULL;
        if (*p == ']')
            return PUT_LITERAL(&c->out, "]") < 0 ? NULL : p + 1;
        if (*p != ',' || PUT_LITERAL(&c->out, ",") < 0)
            return NULL;
        p++;
    }
}

/* The row object at p: its members in order, the dropped keys left out. 0, or -1. */
static int
row(Ctx *c, const char *p)
{
    const char *end = c->end;
    if (p >= end || *p != '{' || push_mark(c) < 0)
        return -1;
    int first = 1;
    if (PUT_LITERAL(&c->out, "{") < 0)
        return -1;
    p++;
    if (p < end && *p == '}')
        p++;
    else
        for (;;) {
            const char *key = p;
            if (p >= end || *p != '"' || (p = checked_string(p, end)) == NULL)
                return -1;
            Member m = {key, p - key, 0, NULL, NULL};
            if (push_member(c, key, m.key_len, 1) != 0 || p >= end || *p != ':')
                return -1;
            const char *value = p + 1;
            /* The lengths first: comparing each top-level key with every dropped one was half of v1's extra
             * instructions over v2 (callgrind: 1.24 M a page against 1.14 M; 1.19 M with this). */
            if ((c->dropped_lengths >> (m.key_len & 63) & 1) && is_one_of(&m, c->dropped, (size_t)c->n_dropped)) {
                p = checked_value(c, value, 1);
            } else {
                if (put_key(c, &m, &first) < 0)
                    return -1;
                if (key_is(key, m.key_len, KEY("\"destinations\"")) && value < end && *value == '[') {
                    p = destinations(c, value);
                } else if ((p = checked_value(c, value, 1)) != NULL) {
                    int is_time = key_is(key, m.key_len, KEY("\"sessionStartTime\""))
                                  || key_is(key, m.key_len, KEY("\"sessionEndTime\""));
                    if ((is_time ? put_time(c, value, p, 0) : put(&c->out, value, p - value)) < 0)
                        return -1;
                    int cls = c->ops != NULL && !is_time ? droppable_class(&m) : -1;
                    if (cls >= 0 && cls < N_TOP_DROPPABLE && record(c, OP_DROP, key, (uint64_t)cls, (uint64_t)(p - key)) < 0)
                        return -1;
                }
            }
            if (p == NULL || p >= end)
                return -1;
            if (*p == '}') {
                p++;
                break;
            }
            if (*p != ',')
                return -1;
            p++;
        }
    if (p != end)
        return -1;
    return PUT_LITERAL(&c->out, "}");
}

/* --- replaying a layout ---------------------------------------------------------------------------------------- */

static int
get_varint(const unsigned char **l, const unsigned char *end, uint64_t *v)
{
    uint64_t value = 0;
    for (int shift = 0; *l < end && shift < 64; shift += 7) {
        unsigned char b = *(*l)++;
        value |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = value;
            return 1;
        }
    }
    return 0;
}

/* The row at text rendered by its layout: 0, or -1 when the layout does not fit the text (its version, the
 * text's length, an op out of place: the caller walks the row instead) or for no memory (PyErr set). Only what
 * layout() recorded for this text is done; every op is bounds-checked, so no layout can read outside the text. */
static int
replay(Ctx *c, const char *text, Py_ssize_t len, const unsigned char *l, const unsigned char *l_end, uint32_t dropped)
{
    uint64_t value;
    if (l >= l_end || *l++ != LAYOUT_VERSION || !get_varint(&l, l_end, &value) || value != (uint64_t)len)
        return -1;
    Py_ssize_t cursor = 0, start = 0;
    while (l < l_end) {
        int kind = *l++;
        if (!get_varint(&l, l_end, &value) || value > (uint64_t)(len - start))
            return -1;
        start += (Py_ssize_t)value;
        if (start < cursor || put(&c->out, text + cursor, start - cursor) < 0)
            return -1;
        cursor = start;
        switch (kind) {
        case OP_NAIVE:
        case OP_ZULU: {
            /* the instant's digits, read in one pass (stored_ms's scan then sum was 8 % of a page's instructions) */
            if (l >= l_end || *l < 1 || *l > 15 || *l > len - start)
                return -1;
            int64_t ms = 0;
            for (const char *d = text + start, *d_end = d + *l; d < d_end; d++) {
                if (*d < '0' || *d > '9')
                    return -1;
                ms = ms * 10 + (*d - '0');
            }
            if (ms > MAX_MS || put_instant(c, ms, kind == OP_ZULU) < 0)
                return -1;
            cursor = start + *l++;
            break;
        }
        case OP_DROP: {
            if (l >= l_end)
                return -1;
            int cls = *l++;
            if (!get_varint(&l, l_end, &value) || value > (uint64_t)(len - start) || cls > SNOOZE_CLASS)
                return -1;
            if (dropped >> cls & 1) {
                /* the member and one comma next to it: the one after it, or, for the last member, the one
                 * written before it */
                cursor = start + (Py_ssize_t)value;
                if (cursor < len && text[cursor] == ',')
                    cursor++;
                else if (c->out.len > 0 && PyBytes_AS_STRING(c->out.bytes)[c->out.len - 1] == ',')
                    c->out.len--;
            }
            break;
        }
        case OP_AFTER_FRD:
        case OP_AFTER_ID:
        case OP_BEFORE_ACWD:
            if (!get_varint(&l, l_end, &value) || value > INT64_MAX)
                return -1;
            if (kind == OP_AFTER_FRD) {
                if (put_int(c, KEY(",\"firstResponseDuration\":"), (int64_t)value) < 0)
                    return -1;
            } else if (kind == OP_AFTER_ID) {
                if (put_int(c, KEY(",\"interactionDuration\":"), (int64_t)value) < 0)
                    return -1;
            } else if (put_int(c, KEY("\"afterCallWorkDuration\":"), (int64_t)value) < 0
                       || PUT_LITERAL(&c->out, ",") < 0) {
                return -1;
            }
            break;
        default:
            return -1;
        }
    }
    return put(&c->out, text + cursor, len - cursor);
}

/* --- entry points ---------------------------------------------------------------------------------------------- */

static void
ctx_init(Ctx *c, int64_t offset_minutes, int drop_snooze)
{
    /* not zeroed whole: `local` is 10 kB */
    c->out = (Buffer){NULL, 0};
    c->offset_ms = offset_minutes * MINUTE_MS;
    c->drop_snooze = drop_snooze;
    c->day = INT64_MIN;  /* the offset is the page's: the date of one row's day serves the next rows too */
    c->members = c->local;
    c->cap_members = LOCAL_MEMBERS;
    c->n_dropped = 0;
    c->dropped_lengths = 0;
    c->ops = NULL;
    c->base = NULL;
    c->last_start = 0;
}

/* A stored text's UTF-8: from bytes as they are, from a str its UTF-8 (NULL without an error for a lone
 * surrogate: no stored text). NULL with a TypeError for anything else. */
static const char *
utf8_of(PyObject *text, Py_ssize_t *len)
{
    if (PyBytes_Check(text)) {
        *len = PyBytes_GET_SIZE(text);
        return PyBytes_AS_STRING(text);
    }
    if (PyUnicode_Check(text)) {
        const char *s = PyUnicode_AsUTF8AndSize(text, len);
        if (s == NULL)
            PyErr_Clear();
        return s;
    }
    PyErr_SetString(PyExc_TypeError, "a stored text must be str or UTF-8 bytes");
    return NULL;
}

/* An item of render()'s list: a text, or a (layout or None, text) pair (a tuple, or any sequence: an asyncpg
 * Record). New references in *layout (NULL when none) and *text; -1 with a TypeError for anything else. */
static int
unpack_item(PyObject *item, PyObject **layout, PyObject **text)
{
    *layout = NULL;
    if (PyBytes_Check(item) || PyUnicode_Check(item)) {
        *text = Py_NewRef(item);
        return 0;
    }
    if (!PySequence_Check(item) || PySequence_Size(item) != 2) {
        PyErr_SetString(PyExc_TypeError, "stored must hold str, bytes or (layout, text) pairs");
        return -1;
    }
    PyObject *first = PySequence_GetItem(item, 0);
    if (first == NULL)
        return -1;
    if (first != Py_None && !PyBytes_Check(first)) {
        Py_DECREF(first);
        PyErr_SetString(PyExc_TypeError, "a layout must be bytes or None");
        return -1;
    }
    if ((*text = PySequence_GetItem(item, 1)) == NULL) {
        Py_DECREF(first);
        return -1;
    }
    if (first == Py_None)
        Py_DECREF(first);
    else
        *layout = first;
    return 0;
}

PyDoc_STRVAR(render_doc,
"render(stored, offset_minutes, dropped, drop_snooze, head, tail, /) -> bytes | None\n\n"
"`head`, then each stored row as Call Details serves it, UTF-8 JSON, the rows separated by commas, then `tail`,\n"
"in one buffer: naive times at offset_minutes (UTC - local), Z times in UTC, durations computed where absent, the\n"
"top-level keys in `dropped` (a tuple of str) left out, and each agent segment's snoozeinfo when drop_snooze.\n"
"A row is its text (call_rows.encode_row's: a str, or its UTF-8 as bytes), or a (layout, text) pair whose\n"
"layout (bytes from layout(), or None) is replayed when it fits the text; a row without one is walked. None\n"
"when a walked text is not in the form encode_row writes (call_rows then renders the rows one by one, that one\n"
"through render_row).");

static PyObject *
render(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "render() takes 6 positional arguments");
        return NULL;
    }
    if (!PyList_Check(args[0]) || !PyTuple_Check(args[2]) || !PyBytes_Check(args[4]) || !PyBytes_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError,
                        "render() takes (list of str, bytes or pairs, int, tuple of str, bool, bytes, bytes)");
        return NULL;
    }
    PyObject *stored = args[0];
    Py_ssize_t rows = PyList_GET_SIZE(stored);
    int64_t offset_minutes;
    if (as_ms(args[1], "offset_minutes", &offset_minutes) < 0)
        return NULL;
    if (offset_minutes < -840 || offset_minutes > 840) {
        PyErr_SetString(PyExc_ValueError, "offset_minutes must be between -840 and 840");
        return NULL;
    }
    int drop_snooze = PyObject_IsTrue(args[3]);
    if (drop_snooze < 0)
        return NULL;
    Ctx c;
    ctx_init(&c, offset_minutes, drop_snooze);
    c.n_dropped = PyTuple_GET_SIZE(args[2]);
    if (c.n_dropped > MAX_DROPPED) {
        PyErr_SetString(PyExc_ValueError, "too many dropped keys");
        return NULL;
    }
    /* The classes the view drops, for layouts; a dropped key of no class leaves every row to the walk. */
    uint32_t dropped_classes = drop_snooze ? (uint32_t)1 << SNOOZE_CLASS : 0;
    int replayable = 1;
    char quoted[MAX_DROPPED][64];
    for (Py_ssize_t i = 0; i < c.n_dropped; i++) {
        PyObject *name = PyTuple_GET_ITEM(args[2], i);
        Py_ssize_t n;
        const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, &n) : NULL;
        if (s == NULL || n > 60) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "dropped must hold str of at most 60 bytes");
            return NULL;
        }
        quoted[i][0] = '"';
        memcpy(quoted[i] + 1, s, (size_t)n);
        quoted[i][n + 1] = '"';
        c.dropped[i] = (Span){quoted[i], n + 2};
        c.dropped_lengths |= (uint64_t)1 << ((n + 2) & 63);
        Member m = {quoted[i], n + 2, 0, NULL, NULL};
        int cls = droppable_class(&m);
        if (cls >= 0 && cls < N_TOP_DROPPABLE)
            dropped_classes |= (uint32_t)1 << cls;
        else
            replayable = 0;
    }
    /* Each row's layout (or NULL) and text, unpacked once (new references, released at the end). Times grow from
     * 13 digits to 21 characters; a row has a few dozen of them. */
    PyObject **items = PyMem_Calloc((size_t)(rows > 0 ? 2 * rows : 1), sizeof(PyObject *));
    if (items == NULL)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    int failed = 0;
    Py_ssize_t capacity = PyBytes_GET_SIZE(args[4]) + PyBytes_GET_SIZE(args[5]) + 256;
    for (Py_ssize_t i = 0; i < rows; i++) {
        if (unpack_item(PyList_GET_ITEM(stored, i), &items[2 * i], &items[2 * i + 1]) < 0)
            goto done;
        PyObject *text = items[2 * i + 1];
        Py_ssize_t n = PyBytes_Check(text) ? PyBytes_GET_SIZE(text) : PyUnicode_Check(text) ? PyUnicode_GET_LENGTH(text) : -1;
        if (n < 0) {
            PyErr_SetString(PyExc_TypeError, "a stored text must be str or UTF-8 bytes");
            goto done;
        }
        capacity += n + n / 4 + 1;
    }
    if ((c.out.bytes = PyBytes_FromStringAndSize(NULL, capacity)) == NULL)
        goto done;
    failed = put(&c.out, PyBytes_AS_STRING(args[4]), PyBytes_GET_SIZE(args[4]));
    for (Py_ssize_t i = 0; i < rows && !failed; i++) {
        PyObject *layout = items[2 * i];
        Py_ssize_t len;
        const char *text = utf8_of(items[2 * i + 1], &len);  /* bytes: UTF-8 checked as strings are walked */
        if (text == NULL || (i > 0 && PUT_LITERAL(&c.out, ",") < 0)) {
            failed = 1;
            break;
        }
        Py_ssize_t mark = c.out.len;
        int laid = 0;
        if (layout != NULL && replayable) {
            const unsigned char *l = (const unsigned char *)PyBytes_AS_STRING(layout);
            laid = replay(&c, text, len, l, l + PyBytes_GET_SIZE(layout), dropped_classes) == 0;
            if (!laid) {
                if (PyErr_Occurred() || c.out.bytes == NULL) {
                    failed = 1;
                    break;
                }
                c.out.len = mark;  /* a layout that does not fit: the row is walked */
            }
        }
        if (!laid) {
            c.end = text + len;
            c.n_members = 0;
            c.mark = 0;
            failed = row(&c, text) != 0;
        }
    }
    if (!failed)
        failed = put(&c.out, PyBytes_AS_STRING(args[5]), PyBytes_GET_SIZE(args[5])) < 0;
    if (!failed) {
        if (_PyBytes_Resize(&c.out.bytes, c.out.len) == 0) {
            result = c.out.bytes;
            c.out.bytes = NULL;
        }
    } else if (!PyErr_Occurred()) {
        result = Py_NewRef(Py_None);
    }
done:
    for (Py_ssize_t i = 0; i < 2 * rows; i++)
        Py_XDECREF(items[i]);
    PyMem_Free(items);
    Py_XDECREF(c.out.bytes);
    if (c.members != c.local)
        PyMem_Free(c.members);
    return result;
}

PyDoc_STRVAR(layout_doc,
"layout(text, /) -> bytes | None\n\n"
"The layout of a stored row's text (call_rows.encode_row's, a str or its UTF-8 as bytes) for render(): where its\n"
"stored instants, droppable members and computed durations are. None when the text is not one render() walks\n"
"(such a row is rendered without a layout).");

static PyObject *
layout(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_ssize_t len;
    const char *text = utf8_of(arg, &len);
    if (text == NULL)
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    Ctx c;
    ctx_init(&c, 0, 0);
    Buffer ops = {NULL, 0};
    PyObject *result = NULL;
    if ((c.out.bytes = PyBytes_FromStringAndSize(NULL, len + len / 4 + 64)) == NULL
        || (ops.bytes = PyBytes_FromStringAndSize(NULL, 64)) == NULL)
        goto done;
    unsigned char version = LAYOUT_VERSION;
    if (put(&ops, (const char *)&version, 1) < 0 || put_varint(&ops, (uint64_t)len) < 0)
        goto done;
    c.ops = &ops;
    c.base = text;
    c.end = text + len;
    c.n_members = 0;
    c.mark = 0;
    if (row(&c, text) != 0) {
        if (!PyErr_Occurred())
            result = Py_NewRef(Py_None);
        goto done;
    }
    if (_PyBytes_Resize(&ops.bytes, ops.len) == 0) {
        result = ops.bytes;
        ops.bytes = NULL;
    }
done:
    Py_XDECREF(c.out.bytes);
    Py_XDECREF(ops.bytes);
    if (c.members != c.local)
        PyMem_Free(c.members);
    return result;
}

static PyMethodDef methods[] = {
    {"render", (PyCFunction)(void (*)(void))render, METH_FASTCALL, render_doc},
    {"layout", layout, METH_O, layout_doc},
    {NULL, NULL, 0, NULL},
};

/* The module attribute `attribute`: a tuple of the keys' names (without their quotes). */
static int
add_names(PyObject *module, const char *attribute, const Span *keys, size_t n)
{
    PyObject *names = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; names != NULL && i < n; i++) {
        PyObject *name = PyUnicode_FromStringAndSize(keys[i].s + 1, keys[i].n - 2);
        if (name == NULL)
            Py_CLEAR(names);
        else
            PyTuple_SET_ITEM(names, (Py_ssize_t)i, name);
    }
    int r = names == NULL ? -1 : PyModule_AddObjectRef(module, attribute, names);
    Py_XDECREF(names);
    return r;
}

static int
exec_module(PyObject *module)
{
    init_plain();
    if (PyModule_AddIntConstant(module, "MIN_MS", (long)MIN_MS) < 0
        || PyModule_AddIntConstant(module, "MAX_MS", (long)MAX_MS) < 0
        || PyModule_AddIntConstant(module, "LAYOUT_VERSION", LAYOUT_VERSION) < 0)
        return -1;
    if (add_names(module, "SEGMENT_NAIVE", SEGMENT_NAIVE, COUNT(SEGMENT_NAIVE)) < 0
        || add_names(module, "CONSULTING_NAIVE", CONSULTING_NAIVE, COUNT(CONSULTING_NAIVE)) < 0
        || add_names(module, "DROPPABLE", DROPPABLE, COUNT(DROPPABLE)) < 0)
        return -1;
    return 0;
}

static PyModuleDef_Slot slots[] = {{Py_mod_exec, exec_module}, {0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_call_rows", "Call Details row renderer (see call_rows.py).", 0,
    methods, slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__call_rows(void)
{
    return PyModuleDef_Init(&module);
}
