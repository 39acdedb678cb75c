"""DC002 file-too-large: hadolint was not run on a very large file.

## What it does
Files above the size cap (setting ``max-file-size``, 1 MB by default) are not handed to
hadolint, which can take minutes on them; this finding says so on line 1. This project's own
rules still run on the file. The read cap (DC003, 128 KiB) applies first, so with the default
this finding appears only when ``max-file-size`` is set below the read cap; hadolint's time on
any file is bounded by its per-file budget (DC003) in any case.

## Why is this bad?
A Dockerfile that large is almost always generated or a mistake, and it is checked by fewer
rules than the others.

## Example
```dockerfile
FROM alpine:3.20
# ... a million bytes of RUN lines ...
```

## Use instead
```dockerfile
FROM alpine:3.20
COPY install.sh /tmp/
RUN sh /tmp/install.sh && rm /tmp/install.sh
```
"""

from __future__ import annotations

from lint.finding import Severity

CODE = "DC002"
NAME = "file-too-large"
SEVERITY = Severity.INFO
MESSAGE = "File is {size:,} bytes, over the {limit:,}-byte cap: hadolint was not run on it"
SCOPE = "file"
TAGS = ("maintainability",)
SECURITY_SEVERITY: str | None = None
PRECISION = "very-high"

