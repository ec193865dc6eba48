#include "util/mdlimits.h"

#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LIMIT_HINT "in journal.yaml"

void md_limits_default(struct md_limits *l, size_t max_size)
{
    *l = (struct md_limits){
        .max_size = max_size,
        .max_line_length = MD_LIMITS_DEFAULT_LINE_LENGTH,
        .max_nesting_depth = MD_LIMITS_DEFAULT_NESTING_DEPTH,
        .max_table_cells = MD_LIMITS_DEFAULT_TABLE_CELLS,
        .max_footnotes = MD_LIMITS_DEFAULT_FOOTNOTES,
        .max_link_definitions = MD_LIMITS_DEFAULT_LINK_DEFINITIONS,
        .max_markup = MD_LIMITS_DEFAULT_MARKUP,
        .max_link_expansion = MD_LIMITS_DEFAULT_LINK_EXPANSION,
    };
}

#define MAX_TICKS 1000
struct ticks {
    const char *line; /* the line indexed, or NULL */
    /* Where the last run of each length starts, and on which line (no clearing per line). */
    const char *last[MAX_TICKS + 1];
    const char *last_line[MAX_TICKS + 1];
};

struct scan {
    const struct md_limits *l;
    const char *file;
    size_t line;
    /* In a paragraph (reset by a blank line): brackets and emphasis openers not yet closed,
       and whether the previous line could be a table's header (it has a '|'). */
    size_t brackets, emphasis;
    bool prev_has_pipe;
    /* A fenced code block: its fence, the block quotes around it and the column its
       list item's content starts at (a line outside either ends the block). */
    char fence_char;
    size_t fence_len, fence_quotes, fence_column;
    /* Where the text of the last list item starts (after its block quotes), 0 for none: a
       fence is one if indented less than 4 from it, else it is text or indented code. */
    size_t item_column;
    /* The table being read (columns of its header, 0 when none) and all cells so far. */
    size_t table_columns, cells;
    size_t footnotes, definitions, longest_definition, longest_definition_line, reference_uses;
    size_t markup;
    struct ticks *ticks; /* made at the first code span: most texts have none */
    /* The last sixteen bytes skip_plain compared, and which of them stop it. */
    const char *block;
    unsigned block_stops;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Spaces and tabs at *p, as columns (a tab to the next multiple of 4) from column col. */
static size_t skip_indent(const char **p, const char *end, size_t col)
{
    size_t start = col;
    for (; *p < end && (**p == ' ' || **p == '\t'); (*p)++)
        col = **p == '\t' ? (col / 4 + 1) * 4 : col + 1;
    return col - start;
}

static bool is_blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!is_space(*p))
            return false;
    return true;
}

/* "***", "- - -", "___": a rule, not list items. */
static bool is_thematic_break(const char *p, const char *end)
{
    char c = 0;
    size_t n = 0;
    for (; p < end; p++) {
        if (is_space(*p))
            continue;
        if ((*p != '-' && *p != '*' && *p != '_') || (c && *p != c))
            return false;
        c = *p;
        n++;
    }
    return n >= 3;
}

/* Where the line's tail of one of '-', '*' or '_' and spaces starts: no rule starts before
   it (so that a line of many list markers is not searched for a rule at each one). */
static const char *rule_start(const char *start, const char *end)
{
    char c = 0;
    const char *q = end;
    for (; q > start; q--) {
        char x = q[-1];
        if (is_space(x))
            continue;
        if ((x != '-' && x != '*' && x != '_') || (c && x != c))
            break;
        c = x;
    }
    return q;
}

/* The length of a list item's marker at p ("-", "+", "*", "1." or "1)") followed by a
   space or the end of the line; 0 when there is none. */
static size_t list_marker(const char *p, const char *end)
{
    size_t n = 0;
    if (p < end && (*p == '-' || *p == '+' || *p == '*')) {
        n = 1;
    } else {
        while (p + n < end && n < 9 && *(p + n) >= '0' && *(p + n) <= '9')
            n++;
        if (!n || p + n >= end || (p[n] != '.' && p[n] != ')'))
            return 0;
        n++;
    }
    return p + n == end || is_space(p[n]) ? n : 0;
}

/* The block quote markers ('>') that open the line at *p, which is moved past them. */
static size_t skip_quotes(const char **p, const char *end)
{
    size_t quotes = 0;
    for (;;) {
        const char *q = *p;
        skip_indent(&q, end, 0);
        if (q >= end || *q != '>')
            return quotes;
        quotes++;
        *p = q + 1;
    }
}

/* A fence of at least three backticks or tildes at p: its character and length. */
static size_t fence_at(const char *p, const char *end, char *c)
{
    size_t n = 0;
    if (p < end && (*p == '`' || *p == '~'))
        while (p + n < end && p[n] == *p)
            n++;
    /* The info string after a fence of backticks has none ("``` a ``` b" is a code span). */
    if (n >= 3 && *p == '`' && memchr(p + n, '`', (size_t)(end - p - n)))
        n = 0;
    *c = n >= 3 ? *p : 0;
    return n >= 3 ? n : 0;
}

static int exceeded(struct scan *s, size_t column, const char *what, size_t found, size_t limit,
                    const char *key)
{
    error_add_at(s->file, s->line, column, "%s (%zu); the limit is %s: %zu " LIMIT_HINT, what,
                 found, key, limit);
    return JOURNAL_EINPUT;
}

static int too_much_markup(struct scan *s, size_t column)
{
    return exceeded(s, column,
                    "too much markup: lines, block quote and list markers, emphasis, brackets, "
                    "code spans and tags",
                    s->markup, s->l->max_markup, "max_markup");
}

/* Inside a fenced code block: whether this line ends it (or leaves the block it is in). */
static bool fence_line(struct scan *s, const char *start, const char *end)
{
    const char *p = start;
    size_t quotes = skip_quotes(&p, end);
    if (quotes < s->fence_quotes)
        goto left;
    size_t indent = skip_indent(&p, end, 0);
    if (p < end && indent < s->fence_column)
        goto left;
    char c;
    size_t n = fence_at(p, end, &c);
    if (n && c == s->fence_char && n >= s->fence_len && is_blank(p + n, end))
        s->fence_char = 0;
    return true;
left:
    s->fence_char = 0;
    return false;
}

/* Columns of a table's delimiter row ("|---|:-:|"), or 0 if the line is not one. */
static size_t delimiter_row(const char *p, const char *end)
{
    size_t cells = 0;
    bool pipe = false, dash = false;
    for (; p < end; p++) {
        if (*p == '|') {
            pipe = true;
            cells += dash;
            dash = false;
        } else if (*p == '-') {
            dash = true;
        } else if (*p != ':' && !is_space(*p)) {
            return 0;
        }
    }
    cells += dash;
    return pipe ? cells : 0;
}

/*
 * Past the code span that opens at p (a run of backticks closed by a run as long later on
 * the line), or past the run when nothing closes it. The line's runs are indexed by length
 * once, the first time it has one, so that unclosed runs do not each search to the end of
 * the line (runs longer than MAX_TICKS are taken as text).
 */
static const char *code_span(struct ticks *t, const char *line, const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] == '`')
        n++;
    if (n > MAX_TICKS)
        return p + n;
    if (t->line != line) {
        for (const char *q = line; q < end;) {
            size_t m = 0;
            while (q + m < end && q[m] == '`')
                m++;
            if (m && m <= MAX_TICKS) {
                t->last[m] = q;
                t->last_line[m] = line;
            }
            q += m ? m : 1;
        }
        t->line = line;
    }
    if (t->last_line[n] != line || t->last[n] <= p)
        return p + n;
    for (const char *q = p + n; q < end;) {
        size_t m = 0;
        while (q + m < end && q[m] == '`')
            m++;
        if (m == n)
            return q + m;
        q += m ? m : 1;
    }
    return p + n;
}

/*
 * The characters inlines() stops at: where cmark-gfm makes a node (':' and 'w' start
 * autolinks) or may open one. Every other byte is skipped in a tight loop, so that the
 * check costs a fraction of the parse it protects.
 */
enum { PLAIN, NODE, OPENER };
static const unsigned char inline_kind[256] = {
    ['\\'] = OPENER, ['`'] = OPENER, ['['] = OPENER, [']'] = OPENER, ['*'] = OPENER, ['_'] = OPENER,
    ['~'] = OPENER,  ['<'] = NODE,   ['!'] = NODE,   ['&'] = NODE,   [':'] = NODE,   ['w'] = NODE,
};

/*
 * The first byte at or after p that is not PLAIN, or end. Most of a manuscript is plain
 * text, and this loop was most of the check's cost: with SSE2 (every x86-64) sixteen bytes
 * are compared with the twelve characters of inline_kind at once, and which of them stop
 * the scan is kept (s->block, s->block_stops), so that the next call, a few bytes on, reads
 * the answer instead of comparing them again. A block is used only while it lies wholly
 * before end: no line's block reaches into the next line.
 */
static const char *skip_plain(struct scan *s, const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i backslash = _mm_set1_epi8('\\'), backtick = _mm_set1_epi8('`'),
                  open = _mm_set1_epi8('['), close = _mm_set1_epi8(']'), star = _mm_set1_epi8('*'),
                  underscore = _mm_set1_epi8('_'), tilde = _mm_set1_epi8('~'),
                  lt = _mm_set1_epi8('<'), bang = _mm_set1_epi8('!'), amp = _mm_set1_epi8('&'),
                  colon = _mm_set1_epi8(':'), w = _mm_set1_epi8('w');
    for (;;) {
        if (s->block && p >= s->block && p < s->block + 16 && s->block + 16 <= end) {
            unsigned stops = s->block_stops & (~0u << (p - s->block));
            if (stops)
                return s->block + __builtin_ctz(stops);
            p = s->block + 16;
        }
        if (end - p < 16)
            break;
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i a = _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(x, backtick));
        __m128i b = _mm_or_si128(_mm_cmpeq_epi8(x, open), _mm_cmpeq_epi8(x, close));
        __m128i c = _mm_or_si128(_mm_cmpeq_epi8(x, star), _mm_cmpeq_epi8(x, underscore));
        __m128i d = _mm_or_si128(_mm_cmpeq_epi8(x, tilde), _mm_cmpeq_epi8(x, lt));
        __m128i e = _mm_or_si128(_mm_cmpeq_epi8(x, bang), _mm_cmpeq_epi8(x, amp));
        __m128i f = _mm_or_si128(_mm_cmpeq_epi8(x, colon), _mm_cmpeq_epi8(x, w));
        s->block = p;
        s->block_stops = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)), _mm_or_si128(e, f)));
    }
#else
    (void)s;
#endif
    while (p < end && inline_kind[(unsigned char)*p] == PLAIN)
        p++;
    return p;
}

/* Emphasis and brackets open at once: each opener is a level of the tree cmark-gfm builds. */
static int inlines(struct scan *s, const char *start, const char *p, const char *end)
{
    while (p < end) {
        p = skip_plain(s, p, end);
        if (p >= end)
            break;
        char c = *p;
        if (inline_kind[(unsigned char)c] == NODE) {
            if (++s->markup > s->l->max_markup)
                return too_much_markup(s, (size_t)(p - start) + 1);
            p++;
            continue;
        }
        if (c == '\\') {
            p += p + 1 < end ? 2 : 1;
            if (++s->markup > s->l->max_markup)
                return too_much_markup(s, (size_t)(p - start));
            continue;
        }
        if (c == '`') {
            if (!s->ticks)
                s->ticks = calloc(1, sizeof(*s->ticks));
            if (!s->ticks)
                return error_internal("out of memory checking the Markdown's code spans");
            p = code_span(s->ticks, start, p, end);
            if (++s->markup > s->l->max_markup)
                return too_much_markup(s, (size_t)(p - start));
            continue;
        }
        /* cmark-gfm makes a node at each of these (':' and 'w' start autolinks). */
        if (strchr("[]<*_~!&:w", c))
            s->markup++;
        if (c == '[') {
            s->brackets++;
        } else if (c == ']') {
            if (s->brackets)
                s->brackets--;
            if (p + 1 >= end || (p[1] != '(' && p[1] != ':'))
                s->reference_uses++;
        } else if (c == '*' || c == '_' || c == '~') {
            size_t n = 0;
            while (p + n < end && p[n] == c)
                n++;
            bool space_before = p == start || is_space(p[-1]);
            bool space_after = p + n == end || is_space(p[n]);
            if (!space_after && space_before)
                s->emphasis += n;
            else if (space_after && !space_before)
                s->emphasis = s->emphasis > n ? s->emphasis - n : 0;
            p += n - 1;
        }
        if (s->markup > s->l->max_markup)
            return too_much_markup(s, (size_t)(p - start) + 1);
        if (s->brackets + s->emphasis > s->l->max_nesting_depth)
            return exceeded(s, (size_t)(p - start) + 1,
                            "emphasis and brackets nested too deep in this paragraph",
                            s->brackets + s->emphasis, s->l->max_nesting_depth,
                            "max_nesting_depth");
        p++;
    }
    return 0;
}

/* A footnote ("[^1]: ...") or link reference definition ("[label]: /url") at p. */
static void definition(struct scan *s, const char *p, const char *end)
{
    if (p >= end || *p != '[')
        return;
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close || close + 1 >= end || close[1] != ':')
        return;
    if (p + 1 < end && p[1] == '^')
        return; /* counted with the line's blocks */
    s->definitions++;
    if ((size_t)(end - p) > s->longest_definition) {
        s->longest_definition = (size_t)(end - p);
        s->longest_definition_line = s->line;
    }
}

static int scan_line(struct scan *s, const char *start, const char *end)
{
    const struct md_limits *l = s->l;
    if ((size_t)(end - start) > l->max_line_length)
        return exceeded(s, l->max_line_length + 1, "line too long: bytes", (size_t)(end - start),
                        l->max_line_length, "max_line_length");
    if (s->fence_char && fence_line(s, start, end))
        return 0;
    if (is_blank(start, end)) {
        s->brackets = s->emphasis = s->table_columns = 0;
        s->prev_has_pipe = false;
        return 0;
    }

    /* Block quotes and list items opening the line: each is a level of nesting, and so is
       every two columns of indentation before one (how lists nest in lists). */
    const char *rule = rule_start(start, end);
    const char *p = start;
    size_t depth = 0, quotes = 0, column = 0, quote_column = 0, content_column = 0, indent;
    for (;;) {
        indent = skip_indent(&p, end, column);
        column += indent;
        if (p < end && *p == '>') {
            depth += 1 + indent / 2;
            quotes++;
            column++;
            p++;
            quote_column = column;
            content_column = 0;
            continue;
        }
        size_t marker;
        if ((p < rule || !is_thematic_break(p, end)) && (marker = list_marker(p, end))) {
            depth += 1 + indent / 2;
            column += marker;
            p += marker;
            content_column = column + 1;
            continue;
        }
        /* A footnote's definition holds blocks, from the rest of its first line on. */
        const char *close;
        if (p + 1 < end && p[0] == '[' && p[1] == '^' &&
            (close = memchr(p, ']', (size_t)(end - p))) && close + 1 < end && close[1] == ':') {
            depth += 1 + indent / 2;
            s->footnotes++;
            column += (size_t)(close + 2 - p);
            p = close + 2;
            content_column = column + 1;
            continue;
        }
        break;
    }
    if (depth > l->max_nesting_depth)
        return exceeded(s, 1, "block quotes and lists nested too deep", depth, l->max_nesting_depth,
                        "max_nesting_depth");
    s->markup += 1 + depth;
    if (s->markup > l->max_markup)
        return too_much_markup(s, 1);

    /* How far the line's text is indented within its list item (or block quote). */
    size_t relative;
    if (content_column) {
        s->item_column = content_column - quote_column;
        relative = indent ? indent - 1 : 0;
    } else {
        size_t at = column - quote_column;
        relative = s->item_column && at >= s->item_column ? at - s->item_column : at;
    }
    char fence_char;
    size_t fence_len = relative < 4 ? fence_at(p, end, &fence_char) : 0;
    if (fence_len) {
        s->fence_char = fence_char;
        s->fence_len = fence_len;
        s->fence_quotes = quotes;
        /* A fence inside a list item holds the lines indented as far as the item's text. */
        s->fence_column = content_column ? content_column - quote_column : 0;
        s->brackets = s->emphasis = s->table_columns = 0;
        s->prev_has_pipe = false;
        return 0;
    }

    /* A heading or another block ends a table without a blank line, and a new table may
       start at once: a delimiter row counts whether or not a table is open. */
    size_t columns = s->prev_has_pipe ? delimiter_row(p, end) : 0;
    if (columns) {
        s->table_columns = columns;
        s->cells += 2 * columns; /* the header and this row */
    } else if (s->table_columns) {
        s->cells += s->table_columns;
    }
    if (s->cells > l->max_table_cells)
        return exceeded(s, 1,
                        "too many table cells (every row of a table has as many cells as its "
                        "header)",
                        s->cells, l->max_table_cells, "max_table_cells");
    s->prev_has_pipe = p < end && memchr(p, '|', (size_t)(end - p)) != NULL;

    definition(s, p, end);
    if (s->footnotes > l->max_footnotes)
        return exceeded(s, 1, "too many footnotes", s->footnotes, l->max_footnotes,
                        "max_footnotes");
    if (s->definitions > l->max_link_definitions)
        return exceeded(s, 1, "too many link reference definitions", s->definitions,
                        l->max_link_definitions, "max_link_definitions");
    return inlines(s, p, p, end);
}

static int check(struct scan *s, const char *text, size_t len)
{
    const struct md_limits *l = s->l;
    const char *file = s->file;
    const char *end = text + len;
    /* Lines end as cmark-gfm ends them: at "\n", "\r\n" or a "\r" alone. */
    for (const char *p = text; p < end; s->line++) {
        /* A line ends at \n or \r: both looked for with memchr, which reads words at a time. */
        const char *line_end = memchr(p, '\n', (size_t)(end - p));
        if (!line_end)
            line_end = end;
        const char *cr = memchr(p, '\r', (size_t)(line_end - p));
        if (cr)
            line_end = cr;
        int rc = scan_line(s, p, line_end);
        if (rc)
            return rc;
        p = line_end;
        if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
            p += 2;
        else if (p < end)
            p++;
    }
    /* Each reference link repeats its definition's destination and title in the HTML. */
    if (s->definitions && s->reference_uses &&
        s->reference_uses > l->max_link_expansion / s->longest_definition) {
        s->line = s->longest_definition_line;
        unsigned long long bytes =
            (unsigned long long)s->reference_uses * (unsigned long long)s->longest_definition;
        error_add_at(
            file, s->line, 1,
            "%zu possible reference links to definitions up to %zu bytes long (this "
            "one) could repeat %llu bytes; the limit is max_link_expansion: %zu " LIMIT_HINT,
            s->reference_uses, s->longest_definition, bytes, l->max_link_expansion);
        return JOURNAL_EINPUT;
    }
    return 0;
}

int md_limits_check(const char *text, size_t len, const struct md_limits *l, const char *file,
                    size_t first_line)
{
    struct scan s = {.l = l, .file = file, .line = first_line ? first_line : 1};
    int rc = check(&s, text, len);
    free(s.ticks);
    return rc;
}
