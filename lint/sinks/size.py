"""The size report for people and tools: markdown (comment and job summary) and JSON (pure).

Everything from a Dockerfile or the repository (image names, instruction text, paths, build
logs) is neutralised: markdown and HTML escaped, mentions and references broken, secrets
redacted. Build-arg values never reach the report. Sizes are IEC (KiB, MiB); a change smaller
than ``minimum-change-threshold`` shows as unchanged.

One definition of size on both sides: *on disk* is each layer's uncompressed bytes (its files,
as ``lint.size.measure`` counts them), however the side was obtained; *compressed* is the
registry's blob bytes where both sides have them (a base read from its registry, and a head
whose every own layer is shared with it), else an estimate (each layer tar gzipped at level 6),
shown with ``≈`` and named in the header line.
"""

from __future__ import annotations

import html
import re
from typing import Any

from lint.redact import redact
from lint.sinks import neutralize
from lint.size.budget import iec
from lint.size.definition import Origin
from lint.size.report import ImageResult, Side, SizeReport, Source

BAR_WIDTH = 12
MAX_LAYER_ROWS = 25
MAX_MARKDOWN = 30_000
UP, DOWN, SAME = "🔺", "🔽", "⚪"
ESTIMATE = "≈"
METRIC = ("On disk = uncompressed layer bytes; compressed = registry blob bytes, or ≈ an "
          "estimate (the layer tar gzipped at level 6) where a side has no registry blob.")
_CODE_SAFE = re.compile(r"^[A-Za-z0-9._/:@+-]+$")  # may go in a code span as it is


def _esc(text: str) -> str:
    return neutralize.inline(redact(text))


def signed(size: int) -> str:
    return "±0 B" if size == 0 else ("+" if size > 0 else "−") + iec(abs(size))


def percent(delta: int, base: int) -> str:
    if base == 0:
        return "—"
    value = delta * 100 / base
    return f"{value:+.1f}%".replace("-", "−")


def _marker(delta: int, threshold: int) -> str:
    if abs(delta) < threshold:
        return SAME
    return UP if delta > 0 else DOWN


def _bar(delta: int, largest: int) -> str:
    if largest == 0 or delta == 0:
        return ""
    cells = max(1, round(abs(delta) * BAR_WIDTH / largest))
    return ("█" if delta > 0 else "░") * cells


def markdown(report: SizeReport) -> str:
    lines = ["### Image size", ""]
    if report.skipped:
        return "\n".join([*lines, f"Size analysis was skipped: {_esc(report.skipped)}", ""])
    if report.builder:
        how = (f"compared with the base `{report.base_sha[:12]}`" if report.compared
               and report.base_sha else "sizes only, no base to compare with")
        lines += [f"<sub>Built with {_esc(report.builder)}; {how}. {METRIC}</sub>", ""]
    threshold = report.minimum_change
    shown = [i for i in report.images if not _unchanged(i, threshold)]
    quiet = [i for i in report.images if _unchanged(i, threshold)]
    if shown:
        if report.compared:
            lines += ["| | Image | Base | Head | Δ | Δ% | Compressed Δ |",
                      "|---|---|---:|---:|---:|---:|---:|"]
        else:
            lines += ["| | Image | Size | Compressed |", "|---|---|---:|---:|"]
        lines += [_image_row(i, report.compared, threshold) for i in shown]
        lines.append("")
    if quiet:
        names = ", ".join(_esc(i.name) for i in quiet)
        noun = "image" if len(quiet) == 1 else "images"
        lines += [f"{SAME} {len(quiet)} {noun} unchanged: {names}", ""]
    for image in report.images:
        for breach in image.breaches:
            lines.append(f"> ❌ Budget exceeded: {_esc(breach.describe(image.name))}")
        if image.breaches:
            lines.append("")
    for image in shown:
        lines += _details(image, report.compared, threshold, _provenance(image, report))
    for note in report.notes:
        lines.append(f"> {_esc(note)}")
    if report.notes:
        lines.append("")
    text = "\n".join(lines)
    if len(text) > MAX_MARKDOWN:
        text = text[:MAX_MARKDOWN].rsplit("\n", 1)[0] + (
            "\n\n</details>\n\n> The size report was cut here; the JSON report holds all of it.\n")
    return text


def _unchanged(image: ImageResult, threshold: int) -> bool:
    if image.status == "unchanged":
        return True
    delta = image.delta
    return (image.status == "compared" and delta is not None and abs(delta) < threshold
            and not image.breaches)


def _image_row(image: ImageResult, compared: bool, threshold: int) -> str:
    name = _esc(image.name)
    if image.failure is not None:
        what = "timed out" if image.failure.timed_out else "failed"
        cells = f"❌ | {name} | {image.failure.side} build {what}"
        return f"| {cells} |" + " |" * (5 if compared else 2)
    if image.status in ("error", "skipped"):
        mark = "❌" if image.status == "error" else "⚠️"
        return f"| {mark} | {name} | {_esc(image.note)} |" + " |" * (5 if compared else 2)
    head = image.head
    if head is None:  # pragma: no cover - every other status has a head
        return f"| | {name} |" + " |" * (5 if compared else 2)
    if not compared or image.base is None:
        est = (("" if head.compressed_exact else ESTIMATE) + iec(head.compressed)
               if head.compressed is not None else "—")
        extra = " (new)" if image.status == "new" else ""
        if compared:
            return f"| 🆕 | {name}{extra} | — | {iec(head.size)} | — | — | — |"
        return f"| | {name} | {iec(head.size)} | {est} |"
    delta = head.size - image.base.size
    shown_delta = delta if abs(delta) >= threshold else 0
    comp = ((("" if image.compressed_exact else ESTIMATE) + signed(image.compressed_delta))
            if image.compressed_delta is not None and shown_delta
            else "±0 B" if not shown_delta else "—")
    pct = percent(shown_delta, image.base.size) if shown_delta else "±0.0%"
    return (f"| {_marker(delta, threshold)} | {name} | {iec(image.base.size)} | "
            f"{iec(head.size)} | {signed(shown_delta)} | {pct} | {comp} |")


def _code(text: str) -> str:
    return f"`{text}`" if _CODE_SAFE.match(text) else _esc(text)


def source_text(side: str, source: Source | None) -> str | None:
    """``head: already built (`ghcr.io/org/app:pr-42`)``, ``base: built here at `<sha12>```."""
    if source is None:
        return None
    if source.kind == "registry":
        text = f"{side}: registry {_code(source.reference or '?')}"
        if source.digest:
            text += f" @ {_code(source.digest[:19])}"
        if source.platform:
            text += f" ({_esc(source.platform)})"
        if source.revision:
            how = "" if source.revision_from == "label" else " (from its tag)"
            return text + f", revision {_code(source.revision[:12])}{how}"
        return text + ", revision unknown (no org.opencontainers.image.revision label)"
    if source.kind == "prebuilt":
        built = f"{side}: already built ({_code(source.reference or '?')}"
        if source.revision:
            built += f", labelled revision {_code(source.revision[:12])}"
        return built + ")"
    built = f"{side}: built here" + (f" at `{source.commit[:12]}`" if source.commit else "")
    return built + (" " + definition_text(source.definition) if source.definition else "")


def definition_text(origin: Origin) -> str:
    """``from the base branch's docker-bake.hcl target `app`: args differ (`SIZE`)``, or
    ``with the head's compose.yaml service `web` (the base branch's could not be used: …)``."""
    entry = "service" if origin.kind == "compose" else "target"
    if origin.tree == "head":
        return (f"with the head's {_esc(origin.files)} {entry} {_code(origin.name)} (the base "
                f"branch's could not be used: {_esc(origin.why)})")
    parts = []
    for name in origin.differs:
        if name == "args":
            parts.append(f"args differ ({', '.join(_code(a) for a in origin.arg_names)})")
        else:
            value = getattr(origin, name) or ("." if name == "context" else None)
            parts.append(f"{name} {_code(value) if value else 'none'}")
    return (f"from the base branch's {_esc(origin.files)} {entry} {_code(origin.name)}: "
            f"{', '.join(parts)}")


def engine_text(report: SizeReport) -> str | None:
    if not report.engine:
        return None
    store = f", {_esc(report.store)} image store" if report.store else ""
    return f"measured by engine {_esc(report.engine)}{store}"


def _provenance(image: ImageResult, report: SizeReport) -> str:
    """One line per image: where each side came from and what measured it ("" if unknown)."""
    parts = [p for p in (source_text("head", image.head_source),
                         source_text("base", image.base_source)) if p]
    if parts:
        engine = engine_text(report)
        parts += [engine] if engine else []
    return "; ".join(parts) + "." if parts else ""


def _details(image: ImageResult, compared: bool, threshold: int,
             provenance: str = "") -> list[str]:
    said = [provenance, ""] if provenance else []
    if image.failure is not None:
        log = "\n".join(_pre(line) for line in image.failure.log_tail.splitlines())
        # A note beyond "<side> build failed" says what to do (set up QEMU for a platform).
        hint = ([_esc(image.note), ""] if image.note
                and image.note != f"{image.failure.side} build failed" else [])
        return ["<details>", f"<summary>{_esc(image.name)}: end of the {image.failure.side} "
                "build log</summary>", "", *said, *hint, f"<pre>{log}</pre>", "", "</details>",
                ""]
    alignment = image.alignment
    if alignment is None or image.head is None:
        return []
    delta = image.delta
    title = f"{_esc(image.name)}: layers" + (f" ({signed(delta)})" if delta is not None else "")
    out = ["<details>", f"<summary>{title}</summary>", ""]
    # The Dockerfile (and target) under the summary, unless the summary already names it.
    where = [] if image.dockerfile == image.name else [_esc(image.dockerfile)]
    where += [f"target {_esc(image.target)}"] if image.target else []
    if where:
        out += [", ".join(where), ""]
    out += said
    if image.base_platforms:
        others = ", ".join(f"{_esc(p)} {iec(size)}" for p, size in image.base_platforms)
        out += [f"Other platforms of the base image, compressed (not compared): {others}. "
                "Name them in `platforms` (the `images` entry, the bake target or the compose "
                "`build`) for a row each.", ""]
    rows = list(alignment.rows)
    base_img = alignment.base_image
    if compared and image.base is not None:
        b_from = base_img[0] or 0
        entries: list[tuple[int, str, str, int | None, int | None]] = [
            (base_img[1] - b_from, "FROM", f"base image: {alignment.from_text}", b_from,
             base_img[1])]
        entries += [(r.delta, str(r.line), r.text + (" (removed)" if r.status == "removed"
                                                     else " (new)" if r.status == "added" else ""),
                     r.base, r.head) for r in rows]
        entries.sort(key=lambda e: (-abs(e[0] if abs(e[0]) >= threshold else 0),))
        largest = max((abs(e[0]) for e in entries), default=0)
        out += ["| Line | Instruction | Base | Head | Δ | |", "|---:|---|---:|---:|---:|---|"]
        for d, line, text, b, h in entries[:MAX_LAYER_ROWS]:
            d_shown = d if abs(d) >= threshold else 0
            out.append(f"| {line} | {_esc(text)} | {_size(b)} | {_size(h)} | "
                       f"{signed(d_shown)} | {_bar(d_shown, largest)} |")
        if len(entries) > MAX_LAYER_ROWS:
            out.append(f"| | … {len(entries) - MAX_LAYER_ROWS} more layers | | | | |")
        own_b, own_h = image.base.own, image.head.own
        out += ["", f"Base image {signed(base_img[1] - b_from)}, this Dockerfile's own layers "
                f"{signed(own_h - own_b)}.", ""]
    else:
        out += ["| Line | Instruction | Size |", "|---:|---|---:|",
                f"| FROM | base image: {_esc(alignment.from_text)} | {iec(base_img[1])} |"]
        for r in sorted(rows, key=lambda r: -(r.head or 0))[:MAX_LAYER_ROWS]:
            out.append(f"| {r.line} | {_esc(r.text)} | {_size(r.head)} |")
        out.append("")
    if image.waste:
        total = image.head.waste
        out += [f"Wasted space: {iec(total)} in files a later layer deletes or overwrites.", ""]
        for w in image.waste:
            why = f" (explained by {', '.join(w.codes)})" if w.codes else ""
            files = "1 file" if w.files == 1 else f"{w.files} files"
            out.append(f"- {iec(w.bytes)} ({files}, largest {_esc(w.largest)}) created by "
                       f"{_esc(w.created)}, {w.kind} by {_esc(w.removed)}{why}")
        out.append("")
    out += ["</details>", ""]
    return out


def _size(value: int | None) -> str:
    return "—" if value is None else iec(value)


def _pre(line: str) -> str:
    # Inside <pre> markdown is off but HTML and autolinked mentions are not. ``#`` first: the
    # entity for ``@`` holds one. The tail was scrubbed by the docker edge; redact again anyway.
    return html.escape(redact(line)).replace("#", "&#35;").replace("@", "&#64;")


def to_json(report: SizeReport) -> dict[str, Any]:
    return {
        "skipped": report.skipped,
        "builder": report.builder,
        "engine": report.engine,
        "store": report.store,
        "base_sha": report.base_sha,
        "head_sha": report.head_sha,
        "compared": report.compared,
        "minimum_change_bytes": report.minimum_change,
        "delta_bytes": report.delta_bytes,
        "failed": report.failed,
        "builds": report.builds,
        "notes": list(report.notes),
        "images": [_image_json(i, report) for i in report.images],
    }


def _source_json(source: Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    out: dict[str, Any] = {"kind": source.kind, "commit": source.commit,
                           "reference": source.reference, "revision_label": source.revision}
    if source.kind == "registry":
        out.update({"revision_label": source.revision if source.revision_from == "label"
                    else None, "revision": source.revision, "revision_from": source.revision_from
                    or None, "digest": source.digest, "platform": source.platform,
                    "downloaded_bytes": source.downloaded})
    if source.definition is not None:
        d = source.definition
        out["definition"] = {
            "kind": d.kind, "files": d.files, "name": d.name, "tree": d.tree,
            "differs": list(d.differs), "arg_names": list(d.arg_names),
            "dockerfile": d.dockerfile or None, "context": d.context if d.tree == "base" else None,
            "target": d.target, "platform": d.platform, "why": d.why or None}
    return out


def _side_json(side: Side | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {"size_bytes": side.size, "base_image_bytes": side.base_image,
            "own_bytes": side.own, "compressed_bytes": side.compressed,
            "compressed_exact": side.compressed_exact,
            "waste_bytes": side.waste, "build_seconds": round(side.seconds, 2)}


def _image_json(image: ImageResult, report: SizeReport) -> dict[str, Any]:
    alignment = image.alignment
    return {
        "name": image.name,
        "dockerfile": image.dockerfile,
        "context": image.context,
        "target": image.target,
        "platform": image.platform,
        "status": image.status,
        "note": image.note,
        "head_source": _source_json(image.head_source),
        "base_source": _source_json(image.base_source),
        "measured_by": ({"engine": report.engine, "store": report.store}
                        if report.engine and (image.head_source or image.base_source) else None),
        "base": _side_json(image.base),
        "head": _side_json(image.head),
        "delta_bytes": image.delta,
        "compressed_delta_bytes": image.compressed_delta,
        "compressed_exact": image.compressed_exact,
        "base_platforms": [{"platform": p, "compressed_bytes": size}
                           for p, size in image.base_platforms],
        "base_image_bytes": list(alignment.base_image) if alignment else None,
        "layers": [
            {"line": r.line, "base_line": r.base_line, "head_line": r.head_line,
             "keyword": r.keyword, "instruction": redact(r.text), "status": r.status,
             "base_bytes": r.base, "head_bytes": r.head, "delta_bytes": r.delta}
            for r in (alignment.rows if alignment else ())
        ],
        "waste": [
            {"bytes": w.bytes, "files": w.files, "largest": w.largest, "kind": w.kind,
             "created_by": w.created, "removed_by": w.removed, "codes": list(w.codes)}
            for w in image.waste
        ],
        "failure": None if image.failure is None else {
            "side": image.failure.side, "timed_out": image.failure.timed_out,
            "log_tail": redact(image.failure.log_tail)},
        "budgets_exceeded": [
            {"budget": b.budget, "limit": b.limit_text, "limit_bytes": b.limit_bytes,
             "figure_bytes": b.figure, "message": b.describe(image.name)}
            for b in image.breaches
        ],
    }
