#!/usr/bin/env python3
"""man_options.py -- the OPTIONS section of man/priori.1 from src/options.def.

The man page's option list is generated from the one option table, between
the lines '.\\" BEGIN OPTIONS' and '.\\" END OPTIONS' of man/priori.1:
  tools/man_options.py            rewrite that section in place
  tools/man_options.py --check    exit 1 (naming them) when an option of
                                  options.def is missing from the page or
                                  the section differs from the table
One entry per spelling; a spelling with rows for several commands (db add's
--hw) lists each meaning with its commands.
"""
import re
import sys

DEF = "src/options.def"
MAN = "man/priori.1"
BEGIN, END = '.\\" BEGIN OPTIONS', '.\\" END OPTIONS'
CMDS = ["analyze", "ops", "hw", "calibrate", "db", "compare", "diff", "check"]
GROUPS = {"C_REVIEW": ["compare", "diff", "check"], "C_ESTIMATE": ["analyze", "compare", "diff", "check"],
          "C_MODEL": ["analyze", "compare", "diff", "check", "db"]}
ROW = re.compile(r'^OPT\((\w+),\s*"([^"]+)",\s*(NULL|"[^"]*"),\s*(NULL|"[^"]*"),\s*(\w+),\s*([\w |]+),\s*'
                 r'((?:"(?:[^"\\]|\\.)*"\s*)+|NULL)\)', re.M | re.S)


def rows():
    out = []
    for _id, name, alias, value, _kind, cmds, help_ in ROW.findall(open(DEF).read()):
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', help_)) if help_ != "NULL" else \
            "the output format; each command lists its formats in 'priori help COMMAND'"
        commands = []
        for c in cmds.split("|"):
            c = c.strip()
            for name_ in GROUPS.get(c, [c[2:].lower()]):
                if name_ not in commands:
                    commands.append(name_)
        out.append((name, None if alias == "NULL" else alias.strip('"'),
                    None if value == "NULL" else value.strip('"'),
                    text.replace("\\n", " ").replace('\\"', '"'), [c for c in CMDS if c in commands]))
    return out


def roff(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s[:1] in ".'" else s


def section():
    lines, seen = [], {}
    for name, alias, value, text, cmds in rows():
        seen.setdefault(name, []).append((alias, value, text, cmds))
    for name, entries in seen.items():
        alias, value = entries[0][0], entries[0][1]
        head = ("\\fB%s\\fR, " % roff(alias) if alias else "") + "\\fB%s\\fR" % roff(name)
        if value:
            head += " \\fI%s\\fR" % roff(value)
        lines += [".TP", head]
        for k, (_a, _v, text, cmds) in enumerate(entries):
            if k:
                lines.append(".br")
            lines.append("%s (%s)" % (roff(text), ", ".join(cmds)))
    return lines, list(seen)


def main():
    page = open(MAN).read().split("\n")
    lines, names = section()
    try:
        b, e = page.index(BEGIN), page.index(END)
    except ValueError:
        sys.exit("%s: no '%s' ... '%s' section" % (MAN, BEGIN, END))
    if "--check" in sys.argv[1:]:
        text = "\n".join(page)
        missing = [n for n in names if "\\fB%s\\fR" % roff(n) not in text]
        for n in missing:
            print("FAIL %s: option %s of %s is missing" % (MAN, n, DEF))
        if page[b + 1:e] != lines:
            print("FAIL %s: the OPTIONS section differs from %s; run tools/man_options.py" % (MAN, DEF))
            sys.exit(1)
        sys.exit(1 if missing else 0)
    open(MAN, "w").write("\n".join(page[:b + 1] + lines + page[e:]))


if __name__ == "__main__":
    main()
