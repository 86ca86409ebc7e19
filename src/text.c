/* text.c -- text from models made safe to print: valid UTF-8 without
 * control or invisible characters (see text.h). The base layer: the JSON
 * layer and every renderer use it. */
#include "text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || (n == 2 && s[0] < 0xC2) || (n == 4 && s[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0;   /* overlong or surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return n;
}

/* Code point of the valid n-byte UTF-8 sequence at s. */
static unsigned code_point(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0];
    unsigned c = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++)
        c = c << 6 | (s[i] & 0x3F);
    return c;
}

/* Characters that change how a terminal or an editor shows the text around
 * them: C1 controls, bidirectional embeddings, overrides and isolates
 * (U+202E makes "exe.txt" read "txt.exe"), marks, zero-width and line
 * separators, the byte order mark. */
static bool invisible(unsigned c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x61C || (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

bool pr_text_is_plain(const char *s, size_t max)
{
    if (!s)
        return false;
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7E || n >= max)
            return false;
    return true;
}

char *pr_text_clean(const char *s, size_t max)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    char *out = malloc(len * 4 + 8);   /* "<U+202E>": 8 bytes for 3, "<U+0085>" for 2 */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        if (o >= max) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        size_t n = utf8_len(p);
        if (n == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);   /* U+FFFD */
            o += 3;
            p++;
        } else if (n == 1 && (*p < 0x20 || *p == 0x7F)) {
            out[o++] = '?';
            p++;
        } else if (invisible(code_point(p, n))) {
            o += (size_t)sprintf(out + o, "<U+%04X>", code_point(p, n));
            p += n;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = 0;
    return out;
}
