"""DC003 not-linted: a file was not linted, or not fully, because linting it would cost too much.

## What it does
Before a file is parsed, two bounds are checked: its size (the read cap, 4 MB: the largest of
438 real Dockerfiles judged for this project is 90 kB) and how deep variable substitutions nest
on one line (16 levels: BuildKit's parser takes time that grows about with the cube of the
nesting, and real files nest at most 3 deep). A file over a bound is not parsed, not handed to
hadolint and not checked by any rule ("the file was not linted").

hadolint then has a time budget per file (5 s by default, option ``--hadolint-budget``; real
files take about 0.05 s, while ShellCheck can take minutes on a crafted shell word). A file
hadolint does not finish within it gets this finding on line 1 ("hadolint did not finish
within N s: the file was not fully linted"): this project's rules still report on it,
hadolint's findings are missing, and every other file keeps its results.

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
