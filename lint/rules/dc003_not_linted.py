"""DC003 not-linted: a file was not linted, or not fully, because linting it would cost too much.

## What it does
Before a file is parsed, three bounds are checked, each far above what real files need and low
enough that parsing and our rules stay within about a second on any file that passes
(measured in bench/bounds.py, results in bench/RESULTS.md):

* its size (the read cap, 128 KiB: the largest of 438 real Dockerfiles judged for this project
  is 90 kB; BuildKit's parser takes time that grows faster than the size);
* how deep variable substitutions nest (8 levels, continuation lines joined: the parser's time
  grows about with the cube of the nesting, and real files nest at most 3 deep);
* the longest word, a run of non-blank characters with continuation lines joined (1,024
  characters: the parser's time grows about with the square of a word's length, inside a
  substitution even more; the longest word of the 438 real files has 493).

A file over a bound is not parsed, not handed to hadolint and not checked by any rule ("the
file was not linted").

A parsed file is then checked against what hadolint is given, because ShellCheck (inside
hadolint) is slow on some shapes of shell: seconds for 200 RUN instructions of a few words,
minutes for a word of many ``[``. hadolint is not run on a file with

* more than 200 RUN instructions (the most in the 438 real files: 120);
* a RUN of more than 8,192 characters, heredoc bodies included (the longest real one has 4,604;
  ShellCheck's time and memory grow faster than a script's length);
* more than 65,536 characters of shell in all its RUN instructions (the most: 43,568);
* more than 1,024 expansions and substitutions (``$`` and backticks) in all its shell (the
  most: 166; ShellCheck's time grows with each, by far most for an unquoted one);
* more than 256 ``[`` in all its shell (the most: 60; ShellCheck's time grows with the square
  of the ``[`` in one word, and counting them over all shell leaves no way around it);
* parentheses nested more than 16 deep in a RUN (the deepest: 5).

Only RUN instructions count: nothing else goes to ShellCheck. A file the parser refuses (DC001)
is handed to hadolint, whose parser may still read it, only when its whole text is within these
bounds and no line is over BuildKit's limit.

Such a file gets this finding on the line where the bound was passed ("... more than the 200
hadolint is given: the file was not fully linted"); this project's rules still check it.

hadolint then has a time budget per file (5 s by default, option ``--hadolint-budget``; real
files take about 0.05 s, the slowest real one 1.5 s) and a heap of 80 MB per process (real files
need under 2 MB each, all 438 in one process under 7 MB). A file hadolint does not finish within its time, or
runs out of memory on, gets this finding on line 1 ("hadolint did not finish within N s" or
"hadolint ran out of memory (80 MB) on it: the file was not fully linted"): this project's
rules still report on it, hadolint's findings are missing, and every other file keeps its
results.

Either way this finding says which bound and where, so the check never stalls and no file is
silently passed over.

## Why is this bad?
A file like that is generated, or crafted to stall the pull-request check; either way no linter
can say anything useful about it in reasonable time, and a reviewer should look at it.

## Example
```dockerfile
FROM alpine:3.20
RUN echo ${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-${A:-x}}}}}}}}}}}}}}}}}
```

## Use instead
```dockerfile
FROM alpine:3.20
ARG A=x
RUN echo ${A}
```
"""

from __future__ import annotations

from lint.finding import Severity

CODE = "DC003"
NAME = "not-linted"
SEVERITY = Severity.ERROR
MESSAGE = "{reason}: the file was {extent}; split or simplify it"
SCOPE = "file"
TAGS = ("correctness",)
SECURITY_SEVERITY: str | None = None
PRECISION = "very-high"
