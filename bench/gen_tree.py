#!/usr/bin/env python3
"""gen_tree.py OUT N: write a work tree of N files into OUT, shaped like a
large project: folders 4 deep, 45 % Python/C/JS files with an MIT header
(20 copyright holders), 3 % with an Apache-2.0 header, 1 % GPL-3.0, 2 % an
SPDX tag, 30 % code with no notice, 10 % binary, the rest text; a LICENSE
file in every 500th folder. Deterministic."""
import os
import random
import sys

MIT = """Copyright (c) 2023-2024 {who}.

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
APACHE = """Copyright 2023 {who}

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
"""
GPL = """Copyright (C) 2024 {who}

This program is free software: you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.

This program is distributed in the hope that it will be useful,
but WITHOUT ANY WARRANTY; without even the implied warranty of
MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
GNU General Public License for more details.

You should have received a copy of the GNU General Public License
along with this program.  If not, see <https://www.gnu.org/licenses/>.
"""
STYLES = [(".py", "# ", ""), (".c", " * ", "/*\n"), (".js", "// ", "")]


def comment(text, style):
    ext, prefix, first = style
    lines = [(prefix + l).rstrip() if l else prefix.rstrip()
             for l in text.splitlines()]
    body = first + "\n".join(lines) + "\n"
    if ext == ".c":
        body += " */\n"
    return body


def code(rng, n):
    return "".join("value_%d = %d\n" % (i, rng.randrange(1 << 30))
                   for i in range(n))


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(15)
    for i in range(n):
        folder = os.path.join(out, "pkg%d" % (i // 2000), "sub%d" % (i // 200),
                              "mod%d" % (i // 20))
        os.makedirs(folder, exist_ok=True)
        who = "Author %d" % rng.randrange(20)
        r = rng.random()
        style = STYLES[i % 3]
        if i % 500 == 0:
            name, data = "LICENSE", MIT.format(who=who)
        elif r < 0.45:
            name, data = "f%d%s" % (i, style[0]), comment(MIT.format(who=who), style) + code(rng, 30)
        elif r < 0.48:
            name, data = "f%d%s" % (i, style[0]), comment(APACHE.format(who=who), style) + code(rng, 30)
        elif r < 0.49:
            name, data = "f%d%s" % (i, style[0]), comment(GPL.format(who=who), style) + code(rng, 30)
        elif r < 0.51:
            name, data = "f%d.py" % i, "# SPDX-License-Identifier: MIT\n" + code(rng, 30)
        elif r < 0.81:
            name, data = "f%d.py" % i, code(rng, 40)
        elif r < 0.91:
            name, data = "f%d.bin" % i, None
        else:
            name, data = "f%d.md" % i, "# Notes %d\n\nSome text.\n" % i
        path = os.path.join(folder, name)
        if data is None:
            with open(path, "wb") as f:
                f.write(bytes([0, 1, 2, 3]) + rng.randbytes(200))
        else:
            with open(path, "w") as f:
                f.write(data)


if __name__ == "__main__":
    main()
